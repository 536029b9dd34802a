/* diag_render.c: stub, being written. */
#include "crrc.h"
typedef int diag_render_stub_unused;
