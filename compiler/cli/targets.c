/* targets.c: the table of targets. A new output format is a folder under
 * emit/ with a struct crrc_target, and a line here. */
#include "cli/targets.h"

#include <string.h>

#include "emit/cloudformation/cloudformation.h"
#include "emit/terraform/terraform.h"

static const struct crrc_target *const targets[] = {
	&crrc_target_terraform,
	&crrc_target_cloudformation,
};

size_t crrc_target_count(void)
{
	return sizeof(targets) / sizeof(targets[0]);
}

const struct crrc_target *crrc_target_at(size_t i)
{
	return i < crrc_target_count() ? targets[i] : NULL;
}

const struct crrc_target *crrc_target_find(const char *name)
{
	for (size_t i = 0; name && i < crrc_target_count(); i++)
		if (strcmp(targets[i]->name, name) == 0)
			return targets[i];
	return NULL;
}
