/* hcl.c: stub, being written. */
#include "crrc.h"
typedef int hcl_stub_unused;
