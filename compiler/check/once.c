/* once.c: the checks' memory of the rules they have seen (checks.h): a rule
 * node is known by its position, its context by its entry's source. */
#include "check/checks.h"

#include "base/ptrmap.h"
#include "diag/pos.h"

struct check_once check_once_start(struct arena *a, const struct crrc_model *m)
{
	return (struct check_once){ptrmap_create(a, m->nreplications)};
}

bool check_once(struct check_once *o, const struct crrc_replication *r,
		const struct crrc_rule *rule)
{
	/* the source bucket, or the source as written when it is unknown */
	const void *context = !r ? NULL : r->src ? (const void *)r->src : (const void *)r->source.s;
	bool fresh;
	ptrmap_slot(o->seen, context, crrc_pos_key(rule->pos), &fresh);
	return fresh;
}
