/* pass_names.c: stub, being written. */
#include "crrc.h"
typedef int pass_names_stub_unused;
