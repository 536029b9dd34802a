/* build.c: stub, being written. */
#include "crrc.h"
typedef int build_stub_unused;
