/* once.c: the checks' memory of the rules they have seen (checks.h). A
 * rule node is known by its position, its context by its entry's source;
 * each node keeps the context it was last seen in. That holds one slot a
 * node, however many entries share it: a node seen again in the context it
 * was just seen in (a rule an alias repeats in a list, an entry repeated
 * whole) is skipped; one that comes back to an earlier context after
 * another is checked again, and its messages are dropped as repeats. */
#include "check/checks.h"

#include "base/ptrmap.h"
#include "diag/pos.h"

struct check_once check_once_start(struct arena *a, const struct crrc_model *m)
{
	return (struct check_once){ptrmap_create(a, 64)};
}

bool check_once(struct check_once *o, const struct crrc_replication *r,
		const struct crrc_rule *rule)
{
	/* the source bucket, or the source as written when it is unknown */
	const void *context = !r ? (const void *)o : r->src ? (const void *)r->src
							    : (const void *)r->source.s;
	bool fresh;
	void **last = ptrmap_slot(o->seen, NULL, crrc_pos_key(rule->pos), &fresh);
	if (!fresh && *last == context)
		return false;
	*last = (void *)context;
	return true;
}
