/* check.c: the table of checks, run in order over the resolved model. All
 * run, whatever the others found: errors are counted, never fatal. The
 * checks share one scratch arena, freed when the last is done; the model
 * itself is read-only here. */
#include "check/check.h"

#include "base/arena.h"
#include "check/checks.h"

static const struct check {
	const char *name;
	check_fn run;
} checks[] = {
	{"names", check_names},       {"xml-chars", check_xml_chars}, {"tags", check_tags},
	{"kms", check_kms},           {"rules", check_rules},         {"topology", check_topology},
	{"policies", check_policies}, {"role-size", check_role_size}, {"s3-size", check_s3_size},
	{"points", check_points},
};

void crrc_check(const struct crrc_model *m, struct crrc_diags *d)
{
	if (!m || !d)
		return;
	struct arena *a = arena_create_sized(64u * 1024u);
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++)
		checks[i].run(m, a, d);
	arena_destroy(a);
}
