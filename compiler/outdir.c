/* outdir.c: stub, being written. */
#include "crrc.h"
typedef int outdir_stub_unused;
