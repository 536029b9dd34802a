/* pass_policies.c: stub, being written. */
#include "crrc.h"
typedef int pass_policies_stub_unused;
