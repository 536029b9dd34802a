/* diag.c: stub, being written. */
#include "crrc.h"
typedef int diag_stub_unused;
