/* plan_point.c: the Multi-Region Access Points of the desired state
 * against what S3 Control holds: a point that does not exist is created
 * with its policy (and its routes when a member is passive); one that
 * exists has its policy compared as JSON (aws_policy_equal, the alias in
 * its ARN) and its routes compared dial by dial (active 100, passive 0).
 * S3 cannot change a point's buckets: a point that exists over other
 * buckets is blocked, and crrc never deletes one. A point is blocked too
 * when a member bucket is. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/plan_internal.h"
#include "aws/policy.h"
#include "base/oom.h"
#include "model/iam.h"

/* s with ":accesspoint/NAME" (at its end or before a '/') as ALIAS. */
static json_t *with_alias(const char *s, const char *name, const char *alias)
{
	const char *at = strstr(s, ":accesspoint/");
	size_t n = strlen(name);
	if (!at || strncmp(at + 13, name, n) != 0 || (at[13 + n] && at[13 + n] != '/'))
		return json_string(s);
	size_t head = (size_t)(at + 13 - s);
	size_t len = head + strlen(alias) + strlen(at + 13 + n) + 1;
	char *out = xmalloc(len);
	snprintf(out, len, "%.*s%s%s", (int)head, s, alias, at + 13 + n);
	json_t *j = json_string(out);
	free(out);
	return j;
}

/* Every Resource of doc's statements, the point's name made its alias. */
static void resources_alias(json_t *doc, const char *name, const char *alias)
{
	size_t i, k;
	json_t *st, *r;
	json_array_foreach(json_object_get(doc, "Statement"), i, st) {
		json_t *res = json_object_get(st, "Resource");
		if (json_is_string(res))
			json_object_set_new(st, "Resource",
					    with_alias(json_string_value(res), name, alias));
		else
			json_array_foreach(res, k, r)
				json_array_set_new(res, k,
						   with_alias(json_string_value(r), name, alias));
	}
}

json_t *plan_point_policy(const struct ds_access_point *pt, const char *account,
			  const char *alias)
{
	struct ds_access_point copy = *pt;
	if (!copy.account)
		copy.account = account;
	json_t *doc = iam_point_policy(&copy);
	if (doc && alias)
		resources_alias(doc, pt->name, alias);
	return doc;
}

/* Whether the point that exists spans exactly the spec's buckets. */
static bool same_buckets(const struct ds_access_point *pt, const struct live_point *lp)
{
	if (lp->nbuckets != pt->nmembers)
		return false;
	for (size_t i = 0; i < pt->nmembers; i++) {
		bool found = false;
		for (size_t k = 0; k < lp->nbuckets && !found; k++)
			found = strcmp(lp->buckets[k], pt->members[i].bucket->name) == 0;
		if (!found)
			return false;
	}
	return true;
}

static const char *bucket_list(struct planner *pl, char **v, size_t n)
{
	const char *out = "";
	for (size_t i = 0; i < n; i++)
		out = arena_concat(pl->a, out, i ? ", " : "", v[i], NULL);
	return n ? out : "no bucket";
}

/* Why pt may not be touched, or NULL. */
static const char *point_refusal(struct planner *pl, const struct ds_access_point *pt,
				 const struct live_point *lp, const char *account)
{
	for (size_t i = 0; i < pt->nmembers; i++)
		if (pl->p->items[pt->members[i].bucket->index].action == PLAN_BLOCKED)
			return arena_concat(pl->a, "its bucket ", pt->members[i].bucket->name,
					    " is blocked", NULL);
	if (!account)
		return "the account it is in is not known";
	if (lp->presence == LIVE_FAILED || lp->presence == LIVE_UNREAD)
		return arena_concat(pl->a, "its state could not be read",
				    lp->error ? ": " : "", lp->error ? lp->error : "", NULL);
	if (lp->presence != LIVE_PRESENT)
		return NULL;
	if (!same_buckets(pt, lp))
		return arena_concat(pl->a, "it exists over ", bucket_list(pl, lp->buckets,
									  lp->nbuckets),
				    "; S3 cannot change the buckets of a Multi-Region Access Point: "
				    "to recreate it, delete it (crrc never does) and apply again",
				    NULL);
	if (!lp->routes_read)
		return arena_concat(pl->a, "its routes could not be read from any failover-control "
					   "region", lp->error ? ": " : "",
				    lp->error ? lp->error : "", NULL);
	return NULL;
}

/* The routes the spec sets, against have (NULL: a new point, all 100). */
static bool plan_routes(struct planner *pl, const struct ds_access_point *pt,
			const struct live_routes *have)
{
	bool differs = false;
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_point_member *m = &pt->members[i];
		int want = m->active ? 100 : 0;
		int got = have ? live_route_dial(have, m->bucket->name) : 100;
		if (got == want)
			continue;
		differs = true;
		char old[16];
		snprintf(old, sizeof(old), "%d", got);
		planner_change(pl, arena_concat(pl->a, "route ", m->bucket->name, NULL),
			       got < 0 ? NULL : old, want ? "100 (active)" : "0 (passive)");
	}
	return differs;
}

static void point_create(struct planner *pl, struct plan_item *it,
			 const struct ds_access_point *pt, const char *account)
{
	it->action = PLAN_CREATE;
	it->steps = STEP_CREATE_POINT | STEP_POINT_POLICY;
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_bucket *b = pt->members[i].bucket;
		planner_change(pl, arena_concat(pl->a, "region ", b->place->region, NULL), NULL,
			       b->name);
	}
	it->policy = plan_point_policy(pt, account, NULL);
	planner_change(pl, "policy", NULL, "AccountUsesPoint");
	if (plan_routes(pl, pt, NULL))
		it->steps |= STEP_ROUTES;
}

static void plan_point(struct planner *pl, const struct ds_access_point *pt)
{
	const struct live_point *lp = &pl->l->points[pt->index];
	struct plan_item *it = planner_item_begin(pl, PLAN_POINT, pt->index, pt->name, pt->place,
						  pt->pos);
	const char *account = pt->account ? pt->account : it->account;
	const char *why = point_refusal(pl, pt, lp, account);
	it->point = pt;
	if (why)
		planner_blocked(pl, it, why);
	else if (lp->presence != LIVE_PRESENT)
		point_create(pl, it, pt, account);
	else {
		it->alias = arena_strdup(pl->a, lp->alias);
		json_t *want = plan_point_policy(pt, account, lp->alias);
		if (want && (!lp->policy || !aws_policy_equal(want, lp->policy))) {
			it->steps |= STEP_POINT_POLICY;
			planner_policy_changes(pl, "policy", lp->policy, want);
			it->policy = want;
		} else
			json_decref(want);
		if (plan_routes(pl, pt, &lp->routes))
			it->steps |= STEP_ROUTES;
	}
	planner_item_end(pl, it);
}

void plan_points(struct planner *pl)
{
	for (size_t i = 0; i < pl->ds->npoints && i < pl->l->npoints; i++)
		plan_point(pl, &pl->ds->points[i]);
}
