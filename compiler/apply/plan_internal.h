/* plan_internal.h: what plan.c and plan_point.c share while a plan is
 * made: the planner, and an item's beginning, changes and end (planner.c,
 * so that neither planner calls the other's file back). Private to
 * plan*.c. */
#ifndef CRRC_APPLY_PLAN_INTERNAL_H
#define CRRC_APPLY_PLAN_INTERNAL_H

#include <jansson.h>

#include "apply/plan.h"
#include "base/arena.h"

struct planner {
	struct plan *p;
	const struct crrc_desired *ds;
	const struct live *l;
	struct arena *a;
	struct arena_vec changes; /* of the item being planned */
	char *err;
	size_t errlen;
};

/* A field of the item being planned that changes from old to new. */
void planner_change(struct planner *pl, const char *field, const char *old, const char *new);
struct plan_item *planner_item_begin(struct planner *pl, enum plan_kind kind, size_t index,
				     const char *name, const struct ds_place *place,
				     struct crrc_pos pos);
void planner_item_end(struct planner *pl, struct plan_item *it);
/* The item is not touched: why. */
void planner_blocked(struct planner *pl, struct plan_item *it, const char *why);
/* have against want, action by action, statement by Sid, as changes. */
void planner_policy_changes(struct planner *pl, const char *label, json_t *have, json_t *want);

/* The items of the desired state's points (plan_point.c). */
void plan_points(struct planner *pl);

#endif
