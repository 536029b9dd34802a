/* diff.c: the semantic diff of two desired states (diff.h): buckets by
 * key, entries by their source's key, rules by id within their entry, each
 * matched through a hash map of the old spec's, so every pass is linear.
 * For each rule, what happens to the data (the flows) and each changed
 * field (diff_rules.c); for each bucket, what was added, removed or
 * changed. The permissions, policies and warnings are diff_policy.c's, the
 * access points diff_points.c's. Changes are then ordered by section, the
 * riskiest first (a counting sort). */
#include "review/diff.h"

#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "review/diff_impl.h"

static const char *onoff(bool v)
{
	return v ? "on" : "off";
}

static const char *place_account(const struct ds_bucket *b)
{
	return b->place->account ? b->place->account->id : "the deploying account";
}

static const char *encryption(struct arena *a, const struct ds_bucket *b)
{
	return b->kms_key ? arena_concat(a, "SSE-KMS ", diff_str(a, b->kms_key), (char *)NULL)
			  : "SSE-S3";
}

/* Each tag of a bucket, added, removed or changed. */
static void bucket_tags(struct diff_build *d, const char *subject, const struct ds_bucket *o,
			const struct ds_bucket *n)
{
	struct strmap *old = strmap_create(d->tmp, o->tags->n);
	struct strmap *seen = strmap_create(d->tmp, o->tags->n);
	for (size_t i = 0; i < o->tags->n; i++)
		strmap_put(old, o->tags->v[i].key.s, o->tags->v[i].key.len, &o->tags->v[i], NULL);
	for (size_t i = 0; i < n->tags->n; i++) {
		const struct crrc_tag *t = &n->tags->v[i], *was;
		was = strmap_get(old, t->key.s, t->key.len);
		strmap_put(seen, t->key.s, t->key.len, (void *)t, NULL);
		const char *key = diff_str(d->a, &t->key), *v = diff_str(d->a, &t->value);
		const char *w = was ? diff_str(d->a, &was->value) : NULL;
		if (was && strcmp(w ? w : "", v ? v : "") == 0)
			continue;
		const char *field = arena_concat(d->a, "tag ", key, (char *)NULL);
		struct diff_text text =
			was ? diff_say(d->a, "bucket ", subject, ": tag ", key, " changed from ", w,
				       " to ", v, DIFF_END)
			    : diff_say(d->a, "bucket ", subject, ": tag ", key, " added: ", v, DIFF_END);
		diff_add(d, DIFF_BUCKETS, was ? DIFF_CHANGED : DIFF_ADDED, subject, field, w, v, text);
	}
	for (size_t i = 0; i < o->tags->n; i++) {
		const struct crrc_tag *t = &o->tags->v[i];
		if (strmap_get(seen, t->key.s, t->key.len))
			continue;
		const char *key = diff_str(d->a, &t->key), *w = diff_str(d->a, &t->value);
		diff_add(d, DIFF_BUCKETS, DIFF_REMOVED, subject,
			 arena_concat(d->a, "tag ", key, (char *)NULL), w, NULL,
			 diff_say(d->a, "bucket ", subject, ": tag ", key, " removed (was ", w, ")",
				  DIFF_END));
	}
}

static void bucket_field(struct diff_build *d, const char *subject, const char *field,
			 const char *o, const char *n, const char *why)
{
	if (strcmp(o, n) == 0)
		return;
	diff_add(d, DIFF_BUCKETS, DIFF_CHANGED, subject, field, o, n,
		 diff_say(d->a, "bucket ", subject, arena_concat(d->a, ": ", field, " ", (char *)NULL),
			  o, " → ", n, why, DIFF_END));
}

static void bucket_changed(struct diff_build *d, const struct ds_bucket *o,
			   const struct ds_bucket *n)
{
	const char *s = n->key;
	bucket_field(d, s, "S3 name", o->name, n->name,
		     ": another physical bucket; objects and replicas already there stay in the old one");
	bucket_field(d, s, "region", o->place->region, n->place->region, "");
	bucket_field(d, s, "account", place_account(o), place_account(n), "");
	bucket_field(d, s, "encryption", encryption(d->a, o), encryption(d->a, n), "");
	bucket_field(d, s, "object lock", onoff(o->object_lock), onoff(n->object_lock), "");
	bucket_field(d, s, "managed", o->create ? "created by crrc" : "existing",
		     n->create ? "created by crrc" : "existing", "");
	bucket_tags(d, s, o, n);
}

static void bucket_whole(struct diff_build *d, const struct ds_bucket *b, enum diff_op op)
{
	struct diff_say s = {0};
	say_lit(d->a, &s, "bucket ");
	say_val(&s, b->key);
	say_lit(d->a, &s, op == DIFF_ADDED ? " added: " : " removed: ");
	say_val(&s, b->name);
	say_lit(d->a, &s, arena_concat(d->a, " in ", b->place->region, ", ", (char *)NULL));
	if (b->place->account) {
		say_lit(d->a, &s, "account ");
		say_val(&s, b->place->account->id);
	} else {
		say_lit(d->a, &s, "the deploying account");
	}
	diff_add(d, DIFF_BUCKETS, op, b->key, NULL, op == DIFF_REMOVED ? b->name : NULL,
		 op == DIFF_ADDED ? b->name : NULL, say_text(d->a, &s));
}

/* Buckets by key: added, changed, removed. */
static void diff_buckets(struct diff_build *d)
{
	const struct crrc_desired *old = d->old, *new = d->new;
	struct strmap *keys = strmap_create(d->tmp, old->nbuckets);
	bool *seen = arena_array(d->tmp, old->nbuckets + 1, sizeof(*seen));
	for (size_t i = 0; i < old->nbuckets; i++)
		strmap_put(keys, old->buckets[i].key, strlen(old->buckets[i].key), &old->buckets[i],
			   NULL);
	for (size_t i = 0; i < new->nbuckets; i++) {
		const struct ds_bucket *n = &new->buckets[i];
		const struct ds_bucket *o = strmap_get(keys, n->key, strlen(n->key));
		if (!o) {
			bucket_whole(d, n, DIFF_ADDED);
			continue;
		}
		seen[o - old->buckets] = true;
		bucket_changed(d, o, n);
	}
	for (size_t i = 0; i < old->nbuckets; i++)
		if (!seen[i])
			bucket_whole(d, &old->buckets[i], DIFF_REMOVED);
}

static void sort_changes(struct diff_build *d, struct crrc_diff *df)
{
	size_t n = d->changes.n, start[DIFF_NSECTIONS] = {0};
	df->changes = arena_array(d->a, n ? n : 1, sizeof(*df->changes));
	df->n = n;
	for (size_t i = 0; i < n; i++) {
		const struct diff_change *c = arena_vec_at(&d->changes, i, sizeof(*c));
		df->count[c->section]++;
	}
	for (size_t s = 1; s < DIFF_NSECTIONS; s++)
		start[s] = start[s - 1] + df->count[s - 1];
	for (size_t i = 0; i < n; i++) {
		const struct diff_change *c = arena_vec_at(&d->changes, i, sizeof(*c));
		df->changes[start[c->section]++] = *c;
	}
}

struct crrc_diff *diff_create(const struct crrc_desired *old, const struct crrc_diags *dold,
			      const struct crrc_desired *new, const struct crrc_diags *dnew)
{
	struct arena *a = arena_create_sized(64 * 1024);
	struct crrc_diff *df = arena_alloc(a, sizeof(*df));
	df->arena = a;
	struct diff_build d = {.old = old, .new = new, .dold = dold, .dnew = dnew, .a = a,
			       .tmp = arena_create_sized(64 * 1024)};
	diff_rules(&d);
	diff_policies(&d);
	diff_permissions(&d);
	diff_points(&d);
	diff_buckets(&d);
	diff_roles(&d);
	diff_warnings(&d);
	sort_changes(&d, df);
	arena_vec_free(&d.changes);
	arena_destroy(d.tmp);
	return df;
}

void diff_destroy(struct crrc_diff *df)
{
	if (df)
		arena_destroy(df->arena);
}

bool diff_format_find(const char *name, enum diff_format *f)
{
	static const char *const names[] = {"text", "markdown", "json"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*f = (enum diff_format)i;
			return true;
		}
	return false;
}
