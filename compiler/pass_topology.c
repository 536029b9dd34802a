/* pass_topology.c: stub, being written. */
#include "crrc.h"
typedef int pass_topology_stub_unused;
