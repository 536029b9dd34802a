/* diff_points.c: Multi-Region Access Points in a semantic diff. A point is
 * its key under access_points: (so a new name is a rename, said plainly: a
 * new point with a new alias), matched through a hash map of the old
 * spec's; a member is its bucket's key within its point, matched the same
 * way. Reported: points added or removed, a name or account changed,
 * members added or removed, and a member's route turned active or passive.
 * The order of members is not a change, unless it moves the point to
 * another account (its first bucket's). Linear. */
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "review/diff_impl.h"

static const char *route(bool active)
{
	return active ? "active" : "passive";
}

static const char *point_account(const struct ds_access_point *p)
{
	return p->account ? p->account : "the deploying account";
}

/* "east (active), west (passive)" */
static const char *members_text(struct arena *a, const struct ds_access_point *p)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < p->nmembers; i++)
		buf_printf(&b, "%s%s (%s)", i ? ", " : "", p->members[i].bucket->key,
			   route(p->members[i].active));
	const char *s = arena_strdup(a, b.len ? b.data : "");
	buf_free(&b);
	return s;
}

static void point_whole(struct diff_build *d, const struct ds_access_point *p, enum diff_op op)
{
	bool added = op == DIFF_ADDED;
	diff_add(d, DIFF_POINTS, op, p->key, NULL, added ? NULL : p->name, added ? p->name : NULL,
		 diff_say(d->a, "access point ", p->key, added ? " added: " : " removed: ", p->name,
			  " over ", members_text(d->a, p),
			  added ? "" : "; clients of its alias lose this endpoint", DIFF_END));
}

static void point_field(struct diff_build *d, const char *key, const char *field, const char *o,
			const char *n)
{
	if (strcmp(o, n) == 0)
		return;
	diff_add(d, DIFF_POINTS, DIFF_CHANGED, key, field, o, n,
		 diff_say(d->a, "access point ", key,
			  arena_concat(d->a, ": ", field, " ", (char *)NULL), o, " → ", n,
			  ": a new point with a new alias; clients of the old one must move",
			  DIFF_END));
}

static void member_whole(struct diff_build *d, const char *key, const struct ds_point_member *m,
			 enum diff_op op)
{
	bool added = op == DIFF_ADDED;
	const char *r = route(m->active);
	diff_add(d, DIFF_POINTS, op, key, arena_concat(d->a, "bucket ", m->bucket->key, (char *)NULL),
		 added ? NULL : r, added ? r : NULL,
		 diff_say(d->a, "access point ", key, ": bucket ", m->bucket->key,
			  added ? " added as " : " removed (was ", r,
			  added ? "" : "): requests no longer reach it", DIFF_END));
}

static void member_route(struct diff_build *d, const char *key, const struct ds_point_member *o,
			 const struct ds_point_member *n)
{
	if (o->active == n->active)
		return;
	const char *why = n->active ? ": it takes traffic now"
				    : ": it takes no traffic until a failover";
	diff_add(d, DIFF_POINTS, DIFF_CHANGED, key,
		 arena_concat(d->a, "route ", n->bucket->key, (char *)NULL), route(o->active),
		 route(n->active),
		 diff_say(d->a, "access point ", key, ": route to bucket ", n->bucket->key, ": ",
			  route(o->active), " → ", route(n->active), why, DIFF_END));
}

/* Members by bucket key: added, route changed, removed. */
static void point_members(struct diff_build *d, const struct ds_access_point *o,
			  const struct ds_access_point *n)
{
	struct strmap *old = strmap_create(d->tmp, o->nmembers);
	bool *seen = arena_array(d->tmp, o->nmembers + 1, sizeof(*seen));
	for (size_t i = 0; i < o->nmembers; i++) {
		const char *k = o->members[i].bucket->key;
		strmap_put(old, k, strlen(k), &o->members[i], NULL);
	}
	for (size_t i = 0; i < n->nmembers; i++) {
		const struct ds_point_member *m = &n->members[i];
		const struct ds_point_member *was = strmap_get(old, m->bucket->key,
							       strlen(m->bucket->key));
		if (!was) {
			member_whole(d, n->key, m, DIFF_ADDED);
			continue;
		}
		seen[was - o->members] = true;
		member_route(d, n->key, was, m);
	}
	for (size_t i = 0; i < o->nmembers; i++)
		if (!seen[i])
			member_whole(d, n->key, &o->members[i], DIFF_REMOVED);
}

/* Points by key: added, changed, removed. */
void diff_points(struct diff_build *d)
{
	const struct crrc_desired *old = d->old, *new = d->new;
	struct strmap *keys = strmap_create(d->tmp, old->npoints);
	bool *seen = arena_array(d->tmp, old->npoints + 1, sizeof(*seen));
	for (size_t i = 0; i < old->npoints; i++)
		strmap_put(keys, old->points[i].key, strlen(old->points[i].key), &old->points[i],
			   NULL);
	for (size_t i = 0; i < new->npoints; i++) {
		const struct ds_access_point *n = &new->points[i];
		const struct ds_access_point *o = strmap_get(keys, n->key, strlen(n->key));
		if (!o) {
			point_whole(d, n, DIFF_ADDED);
			continue;
		}
		seen[o - old->points] = true;
		point_field(d, n->key, "name", o->name, n->name);
		point_field(d, n->key, "account", point_account(o), point_account(n));
		point_members(d, o, n);
	}
	for (size_t i = 0; i < old->npoints; i++)
		if (!seen[i])
			point_whole(d, &old->points[i], DIFF_REMOVED);
}
