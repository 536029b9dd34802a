/* load.c: stub, being written. */
#include "crrc.h"
typedef int load_stub_unused;
