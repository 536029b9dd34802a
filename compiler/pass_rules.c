/* pass_rules.c: stub, being written. */
#include "crrc.h"
typedef int pass_rules_stub_unused;
