/* resolve.c: stub, being written. */
#include "crrc.h"
typedef int resolve_stub_unused;
