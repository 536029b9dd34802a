/* emit.c: stub, being written. */
#include "crrc.h"
typedef int emit_stub_unused;
