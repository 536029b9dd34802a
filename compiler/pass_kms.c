/* pass_kms.c: stub, being written. */
#include "crrc.h"
typedef int pass_kms_stub_unused;
