/* targets.h: the table of targets the command line offers. */
#ifndef CRRC_TARGETS_H
#define CRRC_TARGETS_H

#include <stddef.h>

#include "emit/emit.h"

/* NULL when there is no target of that name. */
const struct crrc_target *crrc_target_find(const char *name);
size_t crrc_target_count(void);
const struct crrc_target *crrc_target_at(size_t i);

#endif
