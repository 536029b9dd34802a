/* diff_policy.c: the permissions in a semantic diff: of each role and
 * bucket policy, action by action, flattened from the IAM documents iam.c
 * makes, so the diff shows exactly what the back ends write, and compared
 * as sets through hash maps. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "model/iam.h"
#include "review/diff_impl.h"

/* One permission: an action on a resource, for a principal, under a
 * condition (compact JSON, keys sorted), as text parts and as a key. */
struct perm {
	const char *action, *resource, *principal, *condition, *key;
};

struct perms {
	struct perm *v;
	size_t n, cap;
};

static void perms_push(struct arena *a, struct perms *p, struct perm x)
{
	if (p->n == p->cap) {
		size_t cap = p->cap ? 2 * p->cap : 16;
		struct perm *v = arena_array(a, cap, sizeof(*v));
		if (p->n)
			memcpy(v, p->v, p->n * sizeof(*v));
		p->v = v, p->cap = cap;
	}
	x.key = arena_concat(a, x.action, "\n", x.resource, "\n", x.principal ? x.principal : "",
			     "\n", x.condition ? x.condition : "", (char *)NULL);
	p->v[p->n++] = x;
}

/* A string or an array of strings, as an array to walk. */
static size_t strings(json_t *v, size_t i, const char **out)
{
	*out = NULL;
	if (json_is_string(v))
		*out = i == 0 ? json_string_value(v) : NULL;
	else if (json_is_array(v) && i < json_array_size(v))
		*out = json_string_value(json_array_get(v, i));
	return json_is_array(v) ? json_array_size(v) : v ? 1 : 0;
}

static const char *principal_of(struct arena *a, json_t *p)
{
	if (!p)
		return NULL;
	char *s = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
	const char *out = arena_strdup(a, s ? s : "");
	free(s);
	return out;
}

/* Every (action, resource) of every statement of doc. */
static void flatten(struct arena *a, json_t *doc, struct perms *out)
{
	json_t *st = json_object_get(doc, "Statement");
	for (size_t i = 0; i < json_array_size(st); i++) {
		json_t *s = json_array_get(st, i);
		const char *principal = principal_of(a, json_object_get(s, "Principal"));
		json_t *c = json_object_get(s, "Condition");
		char *cond = c ? json_dumps(c, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
		const char *condition = cond ? arena_strdup(a, cond) : NULL;
		free(cond);
		const char *act, *res;
		json_t *acts = json_object_get(s, "Action"), *ress = json_object_get(s, "Resource");
		for (size_t j = 0, nj = strings(acts, 0, &act); j < nj; j++) {
			strings(acts, j, &act);
			for (size_t k = 0, nk = strings(ress, 0, &res); k < nk; k++) {
				strings(ress, k, &res);
				if (act && res)
					perms_push(a, out, (struct perm){arena_strdup(a, act),
									 arena_strdup(a, res), principal,
									 condition, NULL});
			}
		}
	}
}

static void perm_say(struct diff_build *d, const char *subject, bool role, const struct perm *p,
		     enum diff_op op)
{
	struct diff_say s = {0};
	say_lit(d->a, &s, role ? "role " : "the bucket policy of ");
	say_val(&s, subject);
	if (!role) {
		say_lit(d->a, &s, op == DIFF_ADDED ? " now lets " : " no longer lets ");
		say_val(&s, p->principal);
	} else {
		say_lit(d->a, &s, op == DIFF_ADDED ? " may now" : " may no longer");
	}
	say_lit(d->a, &s, " ");
	say_val(&s, p->action);
	say_lit(d->a, &s, " on ");
	say_val(&s, p->resource);
	if (p->condition) {
		say_lit(d->a, &s, " when ");
		say_val(&s, p->condition);
	}
	const char *what = arena_concat(d->a, p->action, " on ", p->resource, (char *)NULL);
	for (size_t i = 0; i < s.n; i++) /* the documents' strings die with their scratch */
		s.v[i] = s.v[i] ? arena_strdup(d->a, s.v[i]) : NULL;
	diff_add(d, DIFF_PERMISSIONS, op, subject, arena_strdup(d->a, p->action),
		 op == DIFF_REMOVED ? what : NULL,
		 op == DIFF_ADDED ? what : NULL, say_text(d->a, &s));
}

/* The permissions of one subject in the old and the new document (either
 * NULL): each one added or removed. What only the comparison needs lives
 * in scratch, emptied after each subject: memory stays that of one role. */
static void perms_diff(struct diff_build *d, struct arena *scratch, const char *subject,
		       bool role, json_t *old, json_t *new)
{
	struct perms po = {0}, pn = {0};
	flatten(scratch, old, &po);
	flatten(scratch, new, &pn);
	struct strmap *mo = strmap_create(scratch, po.n), *mn = strmap_create(scratch, pn.n);
	for (size_t i = 0; i < po.n; i++)
		strmap_put(mo, po.v[i].key, strlen(po.v[i].key), &po.v[i], NULL);
	for (size_t i = 0; i < pn.n; i++) {
		strmap_put(mn, pn.v[i].key, strlen(pn.v[i].key), &pn.v[i], NULL);
		if (!strmap_get(mo, pn.v[i].key, strlen(pn.v[i].key)))
			perm_say(d, subject, role, &pn.v[i], DIFF_ADDED);
	}
	for (size_t i = 0; i < po.n; i++)
		if (!strmap_get(mn, po.v[i].key, strlen(po.v[i].key)))
			perm_say(d, subject, role, &po.v[i], DIFF_REMOVED);
	json_decref(old);
	json_decref(new);
	arena_reset(scratch);
}

/* Roles by their entry's source key, bucket policies by bucket key. */
void diff_permissions(struct diff_build *d)
{
	const struct crrc_desired *o = d->old, *n = d->new;
	struct strmap *roles = strmap_create(d->tmp, o->nreplications);
	struct strmap *buckets = strmap_create(d->tmp, o->nbuckets);
	struct arena *scratch = arena_create_sized(64 * 1024);
	for (size_t i = 0; i < o->nreplications; i++)
		strmap_put(roles, o->replications[i].source->key,
			   strlen(o->replications[i].source->key), &o->replications[i], NULL);
	for (size_t i = 0; i < o->nbuckets; i++)
		strmap_put(buckets, o->buckets[i].key, strlen(o->buckets[i].key), &o->buckets[i],
			   NULL);
	for (size_t i = 0; i < n->nreplications; i++) {
		const struct ds_replication *r = &n->replications[i], *was;
		was = strmap_get(roles, r->source->key, strlen(r->source->key));
		strmap_set(roles, r->source->key, strlen(r->source->key), NULL);
		perms_diff(d, scratch, r->role.name, true, was ? iam_role_policy(was) : NULL,
			   iam_role_policy(r));
	}
	for (size_t i = 0; i < o->nreplications; i++)
		if (strmap_get(roles, o->replications[i].source->key,
			       strlen(o->replications[i].source->key)))
			perms_diff(d, scratch, o->replications[i].role.name, true,
				   iam_role_policy(&o->replications[i]), NULL);
	for (size_t i = 0; i < n->nbuckets; i++) {
		const struct ds_bucket *b = &n->buckets[i], *was;
		was = strmap_get(buckets, b->key, strlen(b->key));
		strmap_set(buckets, b->key, strlen(b->key), NULL);
		perms_diff(d, scratch, b->key, false, was ? iam_bucket_policy(was) : NULL,
			   iam_bucket_policy(b));
	}
	for (size_t i = 0; i < o->nbuckets; i++)
		if (strmap_get(buckets, o->buckets[i].key, strlen(o->buckets[i].key)))
			perms_diff(d, scratch, o->buckets[i].key, false,
				   iam_bucket_policy(&o->buckets[i]), NULL);
	arena_destroy(scratch);
}
