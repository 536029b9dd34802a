/* pass_tags.c: stub, being written. */
#include "crrc.h"
typedef int pass_tags_stub_unused;
