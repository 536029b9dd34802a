/* emit_terraform.c: the Terraform target. A root module in the layout a
 * reviewer expects: versions.tf, providers.tf (one aws provider per account
 * and region), variables.tf (the role Terraform assumes in each named
 * account), buckets.tf, iam.tf (the least-privilege role of iam.c),
 * replication.tf (tf_replication.c) and outputs.tf. Modern split S3
 * resources only; names come from the spec's keys, never from counters, so
 * the output of a spec is the same byte for byte and adding a bucket renames
 * nothing else. */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "emit/emit.h"
#include "model/iam.h"
#include "base/strmap.h"
#include "emit/terraform/tf.h"

#define AWS_PROVIDER_VERSION ">= 5.0, < 7.0"
#define TERRAFORM_VERSION ">= 1.3.0"

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A Terraform identifier for a key of a-z, 0-9 and '-': hyphens become
 * underscores, and a key that does not start with a letter gets a leading
 * underscore. Keys hold no underscore, so no two keys meet. */
static const char *ident(struct arena *a, const char *key)
{
	size_t n = strlen(key);
	char *s = arena_alloc(a, n + 2);
	size_t j = 0;
	if (!is_letter(key[0]))
		s[j++] = '_';
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		s[j++] = is_letter(c) || (c >= '0' && c <= '9') ? c : '_';
	}
	return s;
}

static bool clean_alias(const char *s)
{
	if (!is_letter(s[0]))
		return false;
	for (; *s; s++)
		if (!is_letter(*s) && !(*s >= '0' && *s <= '9') && *s != '-')
			return false;
	return true;
}

/* The account's name in identifiers: its (first) alias when that makes a
 * clean identifier not taken yet, else account_<id>. */
static const char *account_name(struct tf *t, struct strmap *aliases, struct strmap *names,
				const char *id)
{
	const char *alias = strmap_get(aliases, id, strlen(id));
	const char *name = NULL;
	if (alias && clean_alias(alias)) {
		name = ident(t->arena, alias);
		if (strmap_get(names, name, strlen(name)))
			name = NULL;
	}
	if (!name)
		name = arena_concat(t->arena, "account_", id, NULL);
	strmap_put(names, name, strlen(name), (void *)name, NULL);
	return name;
}

static struct tf_account *account_of(struct tf *t, struct strmap *byid, struct strmap *aliases,
				     struct strmap *names, const struct crrc_bucket *b)
{
	if (!b->account_id)
		return NULL;
	struct tf_account *a = strmap_get(byid, b->account_id, strlen(b->account_id));
	if (a)
		return a;
	a = &t->accounts[t->naccounts++];
	a->id = b->account_id;
	a->name = account_name(t, aliases, names, b->account_id);
	a->partition = b->reg ? b->reg->partition : "aws";
	strmap_put(byid, a->id, strlen(a->id), a, NULL);
	return a;
}

/* One provider per (account, region), in the order buckets first use them. */
static void providers_plan(struct tf *t)
{
	const struct crrc_model *m = t->m;
	struct strmap *aliases = strmap_create(t->arena, m->naccounts);
	for (size_t i = 0; i < m->naccounts; i++)
		strmap_put(aliases, m->accounts[i].id.s, m->accounts[i].id.len,
			   (void *)m->accounts[i].alias.s, NULL);
	/* a few accounts and regions, however many buckets: the maps grow */
	struct strmap *byid = strmap_create(t->arena, 16);
	struct strmap *names = strmap_create(t->arena, 16);
	struct strmap *bypair = strmap_create(t->arena, 16);
	t->accounts = arena_array(t->arena, m->nbuckets + 1, sizeof(*t->accounts));
	t->providers = arena_array(t->arena, m->nbuckets + 1, sizeof(*t->providers));
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		const struct tf_account *a = account_of(t, byid, aliases, names, b);
		const char *region = b->region.s ? b->region.s : "";
		const char *pair = arena_concat(t->arena, a ? a->id : "", "/", region, NULL);
		struct tf_provider *p = strmap_get(bypair, pair, strlen(pair));
		if (!p) {
			p = &t->providers[t->nproviders++];
			p->region = region;
			p->account = a;
			p->alias = a ? arena_concat(t->arena, a->name, "_", ident(t->arena, region), NULL)
				     : ident(t->arena, region);
			p->ref = arena_concat(t->arena, "aws.", p->alias, NULL);
			strmap_put(bypair, pair, strlen(pair), p, NULL);
		}
		t->b[i].provider = p->ref;
	}
}

/* Which sources in another account replicate into each bucket: those get a
 * bucket policy. Each source is listed once per destination. */
static void policy_sources_plan(struct tf *t)
{
	const struct crrc_model *m = t->m;
	size_t *stamp = arena_array(t->arena, m->nbuckets + 1, sizeof(*stamp));
	for (int pass = 0; pass < 2; pass++) {
		memset(stamp, 0, (m->nbuckets + 1) * sizeof(*stamp));
		for (size_t i = 0; i < m->nreplications; i++) {
			const struct crrc_replication *r = &m->replications[i];
			for (size_t j = 0; j < r->nrules; j++) {
				const struct crrc_bucket *d = r->rules[j].dest;
				if (!d || !iam_cross_account(r, d) || stamp[d->index] == i + 1)
					continue;
				stamp[d->index] = i + 1;
				struct tf_bucket *tb = &t->b[d->index];
				if (pass == 1)
					tb->policy_sources[tb->npolicy_sources] = r;
				tb->npolicy_sources++;
			}
		}
		for (size_t i = 0; pass == 0 && i < m->nbuckets; i++) {
			struct tf_bucket *tb = &t->b[i];
			tb->policy_sources = arena_array(t->arena, tb->npolicy_sources + 1,
							 sizeof(*tb->policy_sources));
			tb->npolicy_sources = 0;
		}
	}
}

/* Policies name buckets and roles by reference where Terraform manages
 * them, so that reviewers see what they point at and Terraform orders the
 * work. The ARNs are the model's strings: nothing is copied. */
static void refs_plan(struct tf *t)
{
	const struct crrc_model *m = t->m;
	t->bucket_arns = strmap_create(t->arena, m->nbuckets);
	t->role_arns = strmap_create(t->arena, m->nreplications);
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		if (!b->existing.v && b->arn)
			strmap_put(t->bucket_arns, b->arn, strlen(b->arn), (void *)b, NULL);
	}
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		if (r->role_generated && r->role_arn && r->src)
			strmap_put(t->role_arns, r->role_arn, strlen(r->role_arn), (void *)r, NULL);
	}
}

/* The reference for a literal of a policy: a bucket's ARN, the ARN of its
 * objects (ARN/"*"), or a generated role's ARN; NULL for the literal. */
static const char *ref_subst(void *ctx, const char *s, size_t len)
{
	const struct tf *t = ctx;
	if (len < 4 || memcmp(s, "arn:", 4) != 0)
		return NULL;
	const struct crrc_bucket *b = strmap_get(t->bucket_arns, s, len);
	if (b)
		return tf_bucket_arn(t, b);
	if (len > 2 && memcmp(s + len - 2, "/*", 2) == 0 &&
	    (b = strmap_get(t->bucket_arns, s, len - 2)))
		return arena_concat(t->tmp, "\"${aws_s3_bucket.", tf_bucket_of(t, b)->name, ".arn}/*\"",
			   NULL);
	const struct crrc_replication *r = strmap_get(t->role_arns, s, len);
	return r ? tf_role_arn(t, r) : NULL;
}

const struct tf_bucket *tf_bucket_of(const struct tf *t, const struct crrc_bucket *b)
{
	return &t->b[b->index];
}

static const char *quoted(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	hcl_quote(&b, s, strlen(s));
	char *q = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return q;
}

/* A bucket Terraform creates is named by reference; one that exists
 * already, by its name. */
const char *tf_bucket_id(const struct tf *t, const struct crrc_bucket *b)
{
	if (b->existing.v)
		return quoted(t->tmp, b->name.s);
	return arena_concat(t->tmp, "aws_s3_bucket.", tf_bucket_of(t, b)->name, ".id", NULL);
}

const char *tf_bucket_arn(const struct tf *t, const struct crrc_bucket *b)
{
	if (b->existing.v)
		return quoted(t->tmp, b->arn);
	return arena_concat(t->tmp, "aws_s3_bucket.", tf_bucket_of(t, b)->name, ".arn", NULL);
}

const char *tf_role_arn(const struct tf *t, const struct crrc_replication *r)
{
	if (r->role_generated)
		return arena_concat(t->tmp, "aws_iam_role.", tf_bucket_of(t, r->src)->name,
			   "_replication.arn", NULL);
	return quoted(t->tmp, r->role_arn ? r->role_arn : r->role.s);
}

void tf_header(struct tf *t, struct hcl *h)
{
	char *text = arena_printf(t->arena, "Generated by crrc from %s - do not edit.", t->spec_path);
	hcl_comment(h, text);
}

void tf_tags(struct hcl *h, const char *name, const struct crrc_tags *tags)
{
	if (tags->n == 0)
		return;
	hcl_attr_open(h, name, "{");
	for (size_t i = 0; i < tags->n; i++) {
		const struct crrc_tag *g = &tags->v[i];
		hcl_entry_str(h, g->key.s, g->key.len, g->value.s ? g->value.s : "", g->value.len);
	}
	hcl_attr_close(h, "}");
}

/* Begin the file at path in o, its header written: h writes into it. */
static void file_begin(struct tf *t, struct hcl *h, struct crrc_sink *o, const char *path)
{
	hcl_init(h, o->open(o, path));
	tf_header(t, h);
}

static void file_end(struct hcl *h, struct crrc_sink *o)
{
	hcl_finish(h);
	o->close(o);
}

static void versions_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	file_begin(t, &h, o, "versions.tf");
	hcl_block(&h, "terraform");
	hcl_attr(&h, "required_version", "\"%s\"", TERRAFORM_VERSION);
	hcl_block(&h, "required_providers");
	hcl_attr_open(&h, "aws", "{");
	hcl_attr(&h, "source", "\"hashicorp/aws\"");
	hcl_attr(&h, "version", "\"%s\"", AWS_PROVIDER_VERSION);
	hcl_attr_close(&h, "}");
	hcl_end(&h);
	hcl_end(&h);
	file_end(&h, o);
}

static void providers_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	file_begin(t, &h, o, "providers.tf");
	for (size_t i = 0; i < t->nproviders; i++) {
		const struct tf_provider *p = &t->providers[i];
		hcl_block(&h, "provider \"aws\"");
		hcl_attr(&h, "alias", "\"%s\"", p->alias);
		hcl_attr_str(&h, "region", p->region, strlen(p->region));
		if (p->account) {
			hcl_block(&h, "assume_role");
			hcl_attr(&h, "role_arn", "var.%s_role_arn", p->account->name);
			hcl_end(&h);
		}
		hcl_end(&h);
	}
	file_end(&h, o);
}

/* The role Terraform assumes in each named account, checked to be there. */
static void role_variable(struct tf *t, struct hcl *h, const struct tf_account *a)
{
	const char *what = arena_concat(t->arena, "The IAM role that Terraform assumes in account ", a->id,
			       " to manage its resources.", NULL);
	const char *prefix = arena_concat(t->arena, "arn:", a->partition, ":iam::", a->id, ":role/", NULL);
	const char *error = arena_concat(t->arena, "The role must be in account ", a->id, ".", NULL);
	hcl_block(h, "variable \"%s_role_arn\"", a->name);
	hcl_attr_str(h, "description", what, strlen(what));
	hcl_attr(h, "type", "string");
	hcl_block(h, "validation");
	hcl_attr(h, "condition", "startswith(var.%s_role_arn, %s)", a->name, quoted(t->tmp, prefix));
	hcl_attr_str(h, "error_message", error, strlen(error));
	hcl_end(h);
	hcl_end(h);
}

static void variables_tf(struct tf *t, struct crrc_sink *o)
{
	if (t->naccounts == 0)
		return;
	struct hcl h;
	file_begin(t, &h, o, "variables.tf");
	for (size_t i = 0; i < t->naccounts; i++)
		role_variable(t, &h, &t->accounts[i]);
	file_end(&h, o);
}

static void bucket_resource(struct tf *t, struct hcl *h, const struct crrc_bucket *b)
{
	const struct tf_bucket *tb = tf_bucket_of(t, b);
	if (!b->existing.v) {
		hcl_block(h, "resource \"aws_s3_bucket\" \"%s\"", tb->name);
		hcl_attr(h, "provider", "%s", tb->provider);
		hcl_attr_str(h, "bucket", b->name.s, b->name.len);
		if (b->object_lock.v)
			hcl_attr(h, "object_lock_enabled", "true");
		tf_tags(h, "tags", &b->tags);
		hcl_end(h);
	}
	hcl_block(h, "resource \"aws_s3_bucket_versioning\" \"%s\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_block(h, "versioning_configuration");
	hcl_attr(h, "status", "\"Enabled\"");
	hcl_end(h);
	hcl_end(h);
}

/* SSE-KMS with S3 Bucket Keys, which cut KMS requests (and make the bucket
 * the encryption context, which iam.c allows). */
static void encryption_resource(struct tf *t, struct hcl *h, const struct crrc_bucket *b)
{
	const struct tf_bucket *tb = tf_bucket_of(t, b);
	hcl_block(h, "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"%s\"",
		  tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_block(h, "rule");
	hcl_attr(h, "bucket_key_enabled", "true");
	hcl_block(h, "apply_server_side_encryption_by_default");
	hcl_attr(h, "sse_algorithm", "\"aws:kms\"");
	hcl_attr_str(h, "kms_master_key_id", b->kms_key.s, b->kms_key.len);
	hcl_end(h);
	hcl_end(h);
	hcl_end(h);
}

/* A bucket that exists already gets Object Lock turned on here (S3 allows
 * it on a versioned bucket); a new one has it from its creation. */
static void object_lock_resource(struct tf *t, struct hcl *h, const struct crrc_bucket *b)
{
	const struct tf_bucket *tb = tf_bucket_of(t, b);
	hcl_block(h, "resource \"aws_s3_bucket_object_lock_configuration\" \"%s\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_attr(h, "object_lock_enabled", "\"Enabled\"");
	hcl_attr(h, "depends_on", "[aws_s3_bucket_versioning.%s]", tb->name);
	hcl_end(h);
}

static void bucket_policy_resource(struct tf *t, struct hcl *h, const struct crrc_bucket *b)
{
	const struct tf_bucket *tb = tf_bucket_of(t, b);
	json_t *policy = iam_destination_policy(b, tb->policy_sources, tb->npolicy_sources);
	if (!policy)
		return;
	hcl_block(h, "resource \"aws_s3_bucket_policy\" \"%s\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_attr_jsonencode(h, "policy", policy, ref_subst, t);
	hcl_end(h);
	json_decref(policy);
}

static void buckets_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	file_begin(t, &h, o, "buckets.tf");
	for (size_t i = 0; i < t->m->nbuckets; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct crrc_bucket *bk = &t->m->buckets[i];
		bucket_resource(t, &h, bk);
		if (bk->enc == CRRC_SSE_KMS && bk->kms_key.s)
			encryption_resource(t, &h, bk);
		if (bk->existing.v && bk->object_lock.v)
			object_lock_resource(t, &h, bk);
		bucket_policy_resource(t, &h, bk);
	}
	file_end(&h, o);
}

static void role_resources(struct tf *t, struct hcl *h, const struct crrc_replication *r)
{
	const struct tf_bucket *tb = tf_bucket_of(t, r->src);
	json_t *trust = iam_trust_policy(r), *policy = iam_role_policy(r);
	hcl_block(h, "resource \"aws_iam_role\" \"%s_replication\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr_str(h, "name", r->role_name, strlen(r->role_name));
	const char *what = arena_concat(t->tmp, "S3 replication of ", r->src->name.s,
			       ", generated by crrc.", NULL);
	hcl_attr_str(h, "description", what, strlen(what));
	hcl_attr_jsonencode(h, "assume_role_policy", trust, ref_subst, t);
	tf_tags(h, "tags", &t->m->tags);
	hcl_end(h);

	hcl_block(h, "resource \"aws_iam_role_policy\" \"%s_replication\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "name", "\"s3-replication\"");
	hcl_attr(h, "role", "aws_iam_role.%s_replication.id", tb->name);
	hcl_attr_jsonencode(h, "policy", policy, ref_subst, t);
	hcl_end(h);
	json_decref(trust);
	json_decref(policy);
}

static bool replicates(const struct crrc_replication *r)
{
	return r->src && r->nrules > 0;
}

static void iam_tf(struct tf *t, struct crrc_sink *o)
{
	bool any = false;
	for (size_t i = 0; i < t->m->nreplications && !any; i++)
		any = replicates(&t->m->replications[i]) && t->m->replications[i].role_generated;
	if (!any)
		return;
	struct hcl h;
	file_begin(t, &h, o, "iam.tf");
	for (size_t i = 0; i < t->m->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct crrc_replication *r = &t->m->replications[i];
		if (replicates(r) && r->role_generated && r->role_name)
			role_resources(t, &h, r);
	}
	file_end(&h, o);
}

static void replication_tf(struct tf *t, struct crrc_sink *o)
{
	bool any = false;
	for (size_t i = 0; i < t->m->nreplications && !any; i++)
		any = replicates(&t->m->replications[i]);
	if (!any)
		return;
	struct hcl h;
	file_begin(t, &h, o, "replication.tf");
	for (size_t i = 0; i < t->m->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		if (replicates(&t->m->replications[i]))
			tf_replication_write(t, &h, &t->m->replications[i]);
	}
	file_end(&h, o);
}

static void output(struct hcl *h, const char *name, const char *description, const char *value)
{
	hcl_block(h, "output \"%s\"", name);
	hcl_attr_str(h, "description", description, strlen(description));
	hcl_attr(h, "value", "%s", value);
	hcl_end(h);
}

static void outputs_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	file_begin(t, &h, o, "outputs.tf");
	for (size_t i = 0; i < t->m->nbuckets; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct crrc_bucket *bk = &t->m->buckets[i];
		const char *n = t->b[i].name;
		output(&h, arena_concat(t->tmp, n, "_bucket_arn", NULL),
		       arena_concat(t->tmp, "ARN of the bucket ", bk->key.s, " (", bk->name.s, ").", NULL),
		       tf_bucket_arn(t, bk));
	}
	for (size_t i = 0; i < t->m->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct crrc_replication *r = &t->m->replications[i];
		if (!replicates(r) || (!r->role_generated && !r->role.s))
			continue;
		const char *n = tf_bucket_of(t, r->src)->name;
		output(&h, arena_concat(t->tmp, n, "_replication_role_arn", NULL),
		       arena_concat(t->tmp, "ARN of the role that replicates ", r->src->key.s, ".", NULL),
		       tf_role_arn(t, r));
	}
	file_end(&h, o);
}

static bool emit(const struct crrc_model *m, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d)
{
	(void)d;
	struct tf t = {
		.m = m,
		.spec_path = opt && opt->spec_path ? opt->spec_path : m->file,
		.arena = arena_create(),
		.tmp = arena_create_sized(64u * 1024u),
	};
	t.b = arena_array(t.arena, m->nbuckets + 1, sizeof(*t.b));
	for (size_t i = 0; i < m->nbuckets; i++)
		t.b[i].name = ident(t.arena, m->buckets[i].key.s);
	providers_plan(&t);
	policy_sources_plan(&t);
	refs_plan(&t);

	versions_tf(&t, o);
	providers_tf(&t, o);
	variables_tf(&t, o);
	buckets_tf(&t, o);
	iam_tf(&t, o);
	replication_tf(&t, o);
	outputs_tf(&t, o);
	arena_destroy(t.tmp);
	arena_destroy(t.arena);
	return true;
}

const struct crrc_target crrc_target_terraform = {
	.name = "terraform",
	.summary = "a Terraform root module (AWS provider 5.x or 6.x)",
	.emit = emit,
};
