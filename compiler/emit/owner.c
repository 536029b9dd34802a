/* owner.c: the files of what owners must add (owner.h): the desired
 * state's buckets whose policy or Object Lock is their owner's, and the
 * key grants of each entry grouped by key, rendered with iam.c's
 * documents, and the warnings that name the files. */
#include "emit/owner.h"

#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "diag/diag.h"
#include "model/iam.h"

/* The head every file starts with: who wrote it, from what, and what to do
 * with it. */
static json_t *file_head(const struct crrc_emit_options *opt, const char *about)
{
	json_t *root = json_object();
	json_t *spec = opt && opt->spec_path ? json_string(opt->spec_path) : NULL;
	json_object_set_new(root, "generated_by", json_string("crrc"));
	json_object_set_new(root, "spec", spec ? spec : json_string("a crrc spec"));
	json_object_set_new(root, "about", json_string(about));
	return root;
}

static void file_put(struct crrc_sink *o, const char *path, json_t *root)
{
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	struct buf *b = o->open(o, path);
	buf_puts(b, text ? text : "");
	buf_putc(b, '\n');
	o->close(o);
	free(text);
	json_decref(root);
}

/* The statements of a policy document, taken out of it. */
static json_t *statements_of(json_t *doc)
{
	json_t *st = json_incref(json_object_get(doc, "Statement"));
	json_decref(doc);
	return st ? st : json_array();
}

/* The sources whose roles b's policy must admit, for messages. */
static const char *admitted(struct arena *a, const struct ds_bucket *b)
{
	const char *out = "";
	for (size_t i = 0; i < b->nadmits && i < 3; i++)
		out = arena_printf(a, "%s%s'%s'", out, i ? ", " : "",
				   b->admits[i].replication->source->key);
	return b->nadmits > 3 ? arena_printf(a, "%s and %zu more", out, b->nadmits - 3) : out;
}

static void bucket_warn(struct arena *a, const struct ds_bucket *b, struct crrc_diags *d)
{
	bool policy = b->policy_by == DS_WRITER_OWNER, lock = b->object_lock_by == DS_WRITER_OWNER;
	const struct crrc_bool *existing = &b->spec->existing;
	const char *replaced =
		policy && lock ? "its bucket policy nor its Object Lock configuration, which S3 "
				 "replaces whole (the statements and the default retention the "
				 "bucket has would go)"
		: policy	? "its bucket policy, which S3 replaces whole (the statements the "
				  "bucket has would go)"
				: "its Object Lock configuration, which S3 replaces whole (the "
				  "bucket's default retention would go)";
	const char *add = policy ? arena_printf(a, "add the statements that let the roles of %s "
						   "replicate into it",
						admitted(a, b))
				 : "";
	diags_add(d, CRRC_W009, existing->set ? existing->pos : b->pos,
		  "bucket '%s' (%s) exists: crrc never replaces %s; its owner must %s%s%s, as "
		  OWNER_EXISTING_BUCKETS " says",
		  b->key, b->name, replaced, add, policy && lock ? ", and " : "",
		  lock ? "turn Object Lock on if it is not" : "");
}

static json_t *bucket_entry(const struct ds_bucket *b)
{
	json_t *e = json_object();
	const struct ds_place *pl = b->place;
	json_object_set_new(e, "bucket", json_string(b->name));
	json_object_set_new(e, "key", json_string(b->key));
	json_object_set_new(e, "account",
			    pl->account ? json_string(pl->account->id) : json_null());
	json_object_set_new(e, "region", json_string(pl->region));
	if (b->policy_by == DS_WRITER_OWNER)
		json_object_set_new(e, "add_to_bucket_policy",
				    statements_of(iam_bucket_policy(b)));
	if (b->object_lock_by == DS_WRITER_OWNER)
		json_object_set_new(e, "object_lock", json_string("Enabled"));
	return e;
}

static void existing_buckets(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
			     struct crrc_sink *o, struct crrc_diags *d, struct arena *a)
{
	json_t *list = json_array();
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const struct ds_bucket *b = &ds->buckets[i];
		if (b->policy_by != DS_WRITER_OWNER && b->object_lock_by != DS_WRITER_OWNER)
			continue;
		json_array_append_new(list, bucket_entry(b));
		bucket_warn(a, b, d);
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return;
	}
	json_t *root = file_head(
		opt, "What the owners of these existing buckets must add for replication. crrc "
		     "never writes a bucket policy or an Object Lock configuration it did not "
		     "create: S3 replaces either whole, and the bucket's own statements (or its "
		     "default retention) would go. Add each statement of add_to_bucket_policy to "
		     "the bucket's policy, keeping those it has; where object_lock says Enabled, "
		     "turn Object Lock on if it is not, keeping its default retention.");
	json_object_set_new(root, "buckets", list);
	file_put(o, OWNER_EXISTING_BUCKETS, root);
}

/* The key grants of every entry, grouped by key in the order keys are
 * first used: group k is grants[start[k]] to grants[start[k + 1] - 1], in
 * the order of the entries. Counted, then placed: linear. */
struct key_groups {
	size_t n;
	const struct ds_key_grant **grants; /* all of them, by group */
	size_t *start;                      /* of each group in grants, and the end */
};

static void key_groups_make(const struct crrc_desired *ds, struct arena *a,
			    struct key_groups *kg)
{
	size_t total = 0;
	for (size_t i = 0; i < ds->nreplications; i++)
		total += ds->replications[i].nkey_grants;
	struct strmap *group = strmap_create(a, total);
	size_t *of = arena_array(a, total + 1, sizeof(*of)), *count = arena_array(a, total + 1,
										  sizeof(*count));
	const struct ds_key_grant **all = arena_array(a, total + 1, sizeof(*all));
	size_t n = 0, k = 0;
	for (size_t i = 0; i < ds->nreplications; i++)
		for (size_t j = 0; j < ds->replications[i].nkey_grants; j++) {
			const struct ds_key_grant *g = &ds->replications[i].key_grants[j];
			void *old;
			size_t at = n;
			if (!strmap_put(group, g->key->s, g->key->len, (void *)(uintptr_t)(n + 1), &old))
				at = (uintptr_t)old - 1;
			else
				n++;
			all[k] = g;
			of[k++] = at;
			count[at]++;
		}
	kg->n = n;
	kg->start = arena_array(a, n + 1, sizeof(*kg->start));
	for (size_t g = 0; g < n; g++)
		kg->start[g + 1] = kg->start[g] + count[g];
	kg->grants = arena_array(a, total + 1, sizeof(*kg->grants));
	memset(count, 0, (total + 1) * sizeof(*count));
	for (size_t i = 0; i < total; i++)
		kg->grants[kg->start[of[i]] + count[of[i]]++] = all[i];
}

static void key_warn(const struct ds_key_grant *g, struct crrc_diags *d)
{
	const struct ds_replication *r = g->replication;
	if (g->decrypt)
		diags_add(d, CRRC_W010, g->pos,
			  "KMS key '%s' of bucket '%s' is in account %s, not in account %s of its "
			  "replication role: crrc cannot edit another account's key policy; the key's "
			  "owner must add the statement that lets the role decrypt the objects it "
			  "replicates, as " OWNER_KEY_POLICIES " says",
			  g->key->s, r->source->key, g->account, r->role.account);
	else
		diags_add(d, CRRC_W010, g->pos,
			  "replica KMS key '%s' is in account %s, not in account %s of the role that "
			  "replicates '%s': crrc cannot edit another account's key policy; the key's "
			  "owner must add the statement that lets the role encrypt replicas in '%s', "
			  "as " OWNER_KEY_POLICIES " says",
			  g->key->s, g->account, r->role.account, r->source->key, g->bucket->key);
}

static json_t *key_entry(const struct key_groups *kg, size_t k)
{
	const struct ds_key_grant *first = kg->grants[kg->start[k]];
	json_t *doc = iam_key_policy(kg->grants + kg->start[k], kg->start[k + 1] - kg->start[k]);
	if (!doc)
		return NULL;
	json_t *e = json_object();
	json_object_set_new(e, "key", json_string(first->key->s));
	json_object_set_new(e, "account", json_string(first->account));
	json_object_set_new(e, "add_to_key_policy", statements_of(doc));
	return e;
}

static void key_policies(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
			 struct crrc_sink *o, struct crrc_diags *d, struct arena *a)
{
	struct key_groups kg;
	key_groups_make(ds, a, &kg);
	json_t *list = json_array();
	for (size_t k = 0; k < kg.n; k++) {
		json_t *e = key_entry(&kg, k);
		if (!e)
			continue;
		json_array_append_new(list, e);
		for (size_t i = kg.start[k]; i < kg.start[k + 1]; i++)
			key_warn(kg.grants[i], d);
	}
	if (json_array_size(list) == 0) {
		json_decref(list);
		return;
	}
	json_t *root = file_head(
		opt, "What the owners of these KMS keys must add to their key policies: each key is "
		     "in another account than the replication role that uses it, and IAM lets a "
		     "role use another account's key only when the key policy lets it in too; crrc "
		     "cannot edit another account's key policy. Add each statement of "
		     "add_to_key_policy to the key's policy (the key an alias names, for an alias), "
		     "keeping those it has.");
	json_object_set_new(root, "keys", list);
	file_put(o, OWNER_KEY_POLICIES, root);
}

void owner_write(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d)
{
	struct arena *a = arena_create_sized(16u * 1024u);
	existing_buckets(ds, opt, o, d, a);
	key_policies(ds, opt, o, d, a);
	arena_destroy(a);
}
