/* planner.c: how the planners of plan.c and plan_point.c make an item
 * (plan_internal.h): its beginning, its changes, its refusal, its end, and
 * a policy's changes said action by action. */
#include <string.h>

#include "apply/plan_internal.h"
#include "aws/policy.h"

void planner_change(struct planner *pl, const char *field, const char *old, const char *new)
{
	struct plan_change *c = arena_vec_push(&pl->changes, sizeof(*c));
	c->field = field;
	c->old = old ? arena_strdup(pl->a, old) : NULL;
	c->new = new ? arena_strdup(pl->a, new) : NULL;
}

struct plan_item *planner_item_begin(struct planner *pl, enum plan_kind kind, size_t index,
				     const char *name, const struct ds_place *place,
				     struct crrc_pos pos)
{
	struct plan_item *it = &pl->p->items[pl->p->n++];
	memset(it, 0, sizeof(*it));
	it->kind = kind;
	it->index = index;
	it->name = name;
	it->place = place;
	it->pos = pos;
	size_t k = (size_t)(place - pl->ds->places);
	it->account = place->account ? place->account->id
		      : k < pl->l->nplaces ? pl->l->place_accounts[k]
					   : NULL;
	return it;
}

void planner_item_end(struct planner *pl, struct plan_item *it)
{
	size_t k = (size_t)(it->place - pl->ds->places);
	if (k < pl->l->nplaces && pl->l->place_errors[k])
		planner_blocked(pl, it, pl->l->place_errors[k]);
	it->nchanges = pl->changes.n;
	it->changes = arena_vec_take(&pl->changes, pl->a);
	if (it->action == PLAN_NONE && it->steps)
		it->action = PLAN_UPDATE;
	switch (it->action) {
	case PLAN_CREATE: pl->p->ncreate++; break;
	case PLAN_UPDATE: pl->p->nupdate++; break;
	case PLAN_ADOPT: pl->p->nadopt++; break;
	case PLAN_BLOCKED: pl->p->nblocked++; break;
	case PLAN_NONE: break;
	}
}

void planner_blocked(struct planner *pl, struct plan_item *it, const char *why)
{
	it->action = PLAN_BLOCKED;
	it->steps = 0;
	it->why = arena_strdup(pl->a, why);
	arena_vec_free(&pl->changes);
	pl->changes = (struct arena_vec){0};
}

struct policy_diff {
	struct planner *pl;
	const char *label; /* "policy", "role policy" */
	size_t n;
};

static void policy_action(const char *sid, const char *action, bool added, void *ud)
{
	struct policy_diff *pd = ud;
	const char *field = arena_concat(pd->pl->a, pd->label, " ", sid ? sid : "(no Sid)", NULL);
	planner_change(pd->pl, field, added ? NULL : action, added ? action : NULL);
	pd->n++;
}

/* have against want, action by action, statement by Sid; a change that is
 * not of actions (a resource, a condition) is said as such. */
void planner_policy_changes(struct planner *pl, const char *label, json_t *have, json_t *want)
{
	struct policy_diff pd = {pl, label, 0};
	if (!have) {
		planner_change(pl, label, NULL, "crrc's statements");
		return;
	}
	aws_policy_actions_diff(want, have, policy_action, &pd);
	if (pd.n == 0)
		planner_change(pl, label, "other resources or conditions", "crrc's statements");
}
