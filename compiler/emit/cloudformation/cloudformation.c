/* emit_cloudformation.c: the CloudFormation target. One template per
 * (account, region) pair, since a stack creates its buckets in its own
 * region and account, or one per part of a pair too big for one stack: the
 * buckets (versioned, encrypted, retained when the stack goes), the
 * replication configuration of each source with every field of the
 * language, the generated role with the least-privilege policy of iam.c,
 * and the bucket policy a destination in another account needs. Each
 * bucket's share of a template is measured first, so that the plan can keep
 * every stack within CloudFormation's limits. Then manifest.json and
 * deploy.sh, which deploy the stacks in order (cfn_plan.c, cfn_deploy.c). */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "emit/cloudformation/cfn.h"
#include "diag/diag.h"
#include "emit/emit.h"
#include "model/iam.h"
#include "emit/cloudformation/json_writer.h"
#include "base/spill.h"
#include "base/util.h"

struct cfn_ctx {
	const struct crrc_model *m;
	const char *spec_path;
	struct cfn_plan plan;
	/* The sources in another account that replicate into each bucket. */
	const struct crrc_replication ***xsources;
	size_t *nxsources;
	size_t *stamp; /* by bucket: 1 + the index of the bucket that saw it last */
	const struct crrc_bucket **deps; /* room for the most rules of a source */
	struct buf measure; /* a bucket's share while measuring */
	/* The generated roles' resources as measured, kept for their
	 * templates (iam.c takes long to write a policy, and 20,000 buckets
	 * have 14 MB of roles: they are spilled out of memory): by replication
	 * entry, 1 + the offset of its role's text in roles (0: none kept), and
	 * its length. Without a spill file, roles are written twice. */
	struct spill *roles;
	uint64_t *role_at;
	size_t *role_len;
	bool keep_roles;
};

static void status(struct json_writer *w, const char *key, bool on)
{
	jw_key(w, key, NULL);
	jw_object_open(w);
	if (on)
		JW_MEMBER_LIT(w, "Status", "Enabled");
	else
		JW_MEMBER_LIT(w, "Status", "Disabled");
	jw_object_close(w);
}

static void minutes(struct json_writer *w, const char *key, int n)
{
	jw_key(w, key, NULL);
	jw_object_open(w);
	JW_KEY(w, "Minutes");
	jw_int(w, n);
	jw_object_close(w);
}

/* {"Fn::GetAtt": ["<id><suffix>", attr]} */
static void get_att(struct json_writer *w, const char *id, const char *suffix, const char *attr)
{
	jw_object_open(w);
	JW_KEY(w, "Fn::GetAtt");
	jw_array_open(w);
	jw_string3(w, id, suffix, "");
	jw_string(w, attr);
	jw_array_close(w);
	jw_object_close(w);
}

static void tag_list(struct json_writer *w, const struct crrc_tags *t)
{
	jw_array_open(w);
	for (size_t i = 0; i < t->n; i++) {
		jw_object_open(w);
		JW_MEMBER_STR(w, "Key", &t->v[i].key);
		JW_MEMBER_STR(w, "Value", &t->v[i].value);
		jw_object_close(w);
	}
	jw_array_close(w);
}

static const char *stem(const struct cfn_ctx *c, const struct crrc_bucket *b)
{
	return c->plan.ids[b->index];
}

/* Filter: always given (the V2 form), in the smallest shape that says it. */
static void rule_filter(struct json_writer *w, const struct crrc_rule *r)
{
	const struct crrc_str *prefix = &r->filter.prefix;
	const struct crrc_tags *tags = &r->filter.tags;
	JW_KEY(w, "Filter");
	jw_object_open(w);
	if (tags->n == 0) {
		JW_MEMBER_STR(w, "Prefix", prefix);
	} else if (tags->n == 1 && !prefix->set) {
		if (tags->v[0].key.s) {
			JW_KEY(w, "TagFilter");
			jw_object_open(w);
			JW_MEMBER_STR(w, "Key", &tags->v[0].key);
			JW_MEMBER_STR(w, "Value", &tags->v[0].value);
			jw_object_close(w);
		}
	} else {
		JW_KEY(w, "And");
		jw_object_open(w);
		if (prefix->set)
			JW_MEMBER_STR(w, "Prefix", prefix);
		JW_KEY(w, "TagFilters");
		tag_list(w, tags);
		jw_object_close(w);
	}
	jw_object_close(w);
}

static void rule_destination(struct json_writer *w, const struct crrc_rule *r)
{
	const struct crrc_bucket *d = r->dest;
	JW_KEY(w, "Destination");
	jw_object_open(w);
	JW_MEMBER(w, "Bucket", d->arn);
	if (r->owner_destination) {
		JW_MEMBER(w, "Account", d->account_id);
		JW_KEY(w, "AccessControlTranslation");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Owner", "Destination");
		jw_object_close(w);
	}
	if (r->storage_class.set)
		JW_MEMBER_STR(w, "StorageClass", &r->storage_class);
	if (r->sse_kms_objects.v && r->replica_kms_key.s) {
		JW_KEY(w, "EncryptionConfiguration");
		jw_object_open(w);
		JW_MEMBER_STR(w, "ReplicaKmsKeyID", &r->replica_kms_key);
		jw_object_close(w);
	}
	if (r->rtc.v) {
		JW_KEY(w, "ReplicationTime");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Status", "Enabled");
		minutes(w, "Time", 15);
		jw_object_close(w);
	}
	if (r->metrics.v) {
		JW_KEY(w, "Metrics");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Status", "Enabled");
		/* S3 refuses an event threshold without RTC. */
		if (r->rtc.v)
			minutes(w, "EventThreshold", 15);
		jw_object_close(w);
	}
	jw_object_close(w);
}

/* One rule. existing_objects is never emitted: S3 no longer accepts
 * ExistingObjectReplication in a configuration. */
static void rule_json(struct json_writer *w, const struct crrc_rule *r)
{
	jw_object_open(w);
	JW_MEMBER_STR(w, "Id", &r->id);
	JW_KEY(w, "Priority");
	jw_int(w, r->priority.v);
	/* enabled defaults to true and the resolver leaves it unset. */
	bool enabled = !r->enabled.set || r->enabled.v;
	if (enabled)
		JW_MEMBER_LIT(w, "Status", "Enabled");
	else
		JW_MEMBER_LIT(w, "Status", "Disabled");
	rule_filter(w, r);
	if (r->sse_kms_objects.v || r->replica_modifications.v) {
		JW_KEY(w, "SourceSelectionCriteria");
		jw_object_open(w);
		if (r->sse_kms_objects.v)
			status(w, "SseKmsEncryptedObjects", true);
		if (r->replica_modifications.v)
			status(w, "ReplicaModifications", true);
		jw_object_close(w);
	}
	status(w, "DeleteMarkerReplication", r->delete_markers.v);
	rule_destination(w, r);
	jw_object_close(w);
}

static void replication_json(struct json_writer *w, const struct cfn_ctx *c,
			     const struct crrc_replication *r)
{
	JW_KEY(w, "ReplicationConfiguration");
	jw_object_open(w);
	if (r->role_generated) {
		JW_KEY(w, "Role");
		get_att(w, stem(c, r->src), "ReplicationRole", "Arn");
	} else {
		JW_MEMBER(w, "Role", r->role_arn ? r->role_arn : r->role.s);
	}
	JW_KEY(w, "Rules");
	jw_array_open(w);
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].dest)
			rule_json(w, &r->rules[i]);
	jw_array_close(w);
	jw_object_close(w);
}

/* A source's bucket waits for the destination buckets of its own stack,
 * unless the stack was bootstrapped (then they exist already). Without a
 * stack (s NULL, when measuring), it waits for all of them: the most it
 * can. Left out when it would be empty. */
static void depends_on(struct json_writer *w, const struct cfn_ctx *c,
		       const struct crrc_bucket *b, const struct cfn_stack *s)
{
	const struct crrc_replication *r = b->replication;
	size_t n = 0;
	if (s && s->bootstrap)
		return;
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_bucket *d = r->rules[i].dest;
		if (!d || d == b || (s && c->plan.of_bucket[d->index] != s) ||
		    c->stamp[d->index] == b->index + 1)
			continue;
		c->stamp[d->index] = b->index + 1;
		c->deps[n++] = d;
	}
	if (!n)
		return;
	JW_KEY(w, "DependsOn");
	jw_array_open(w);
	for (size_t i = 0; i < n; i++)
		jw_string3(w, stem(c, c->deps[i]), "Bucket", "");
	jw_array_close(w);
}

static void bucket_encryption(struct json_writer *w, const struct crrc_bucket *b)
{
	JW_KEY(w, "BucketEncryption");
	jw_object_open(w);
	JW_KEY(w, "ServerSideEncryptionConfiguration");
	jw_array_open(w);
	jw_object_open(w);
	JW_KEY(w, "ServerSideEncryptionByDefault");
	jw_object_open(w);
	JW_MEMBER_LIT(w, "SSEAlgorithm", "aws:kms");
	JW_MEMBER_STR(w, "KMSMasterKeyID", &b->kms_key);
	jw_object_close(w);
	JW_KEY(w, "BucketKeyEnabled");
	jw_bool(w, true);
	jw_object_close(w);
	jw_array_close(w);
	jw_object_close(w);
}

static void bucket_resource(struct json_writer *w, const struct cfn_ctx *c,
			    const struct crrc_bucket *b, const struct cfn_stack *s, bool bootstrap)
{
	bool replicates = !bootstrap && b->replication && b->replication->nrules;
	jw_key(w, stem(c, b), "Bucket");
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::Bucket");
	if (replicates)
		depends_on(w, c, b, s);
	/* A stack deletion must never delete media. */
	JW_MEMBER_LIT(w, "DeletionPolicy", "Retain");
	JW_MEMBER_LIT(w, "UpdateReplacePolicy", "Retain");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_MEMBER_STR(w, "BucketName", &b->name);
	if (b->object_lock.v) {
		JW_KEY(w, "ObjectLockEnabled");
		jw_bool(w, true);
	}
	status(w, "VersioningConfiguration", true);
	if (b->enc == CRRC_SSE_KMS && b->kms_key.s)
		bucket_encryption(w, b);
	if (replicates)
		replication_json(w, c, b->replication);
	if (b->tags.n) {
		JW_KEY(w, "Tags");
		tag_list(w, &b->tags);
	}
	jw_object_close(w);
	jw_object_close(w);
}

/* A document of iam.c (NULL while it cannot say: the member is left out). */
static void iam_member(struct json_writer *w, const char *key, json_t *doc)
{
	if (!doc)
		return;
	jw_key(w, key, NULL);
	jw_json(w, doc);
	json_decref(doc);
}

static void role_value(struct json_writer *w, const struct cfn_ctx *c,
		       const struct crrc_replication *r)
{
	json_t *trust = iam_trust_policy(r), *policy = iam_role_policy(r);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::IAM::Role");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_MEMBER(w, "RoleName", r->role_name);
	JW_KEY(w, "Description");
	jw_string3(w, "Replicates bucket ", r->src->name.s, "; generated by crrc");
	iam_member(w, "AssumeRolePolicyDocument", trust);
	if (policy) {
		JW_KEY(w, "Policies");
		jw_array_open(w);
		jw_object_open(w);
		JW_MEMBER_LIT(w, "PolicyName", "s3-replication");
		iam_member(w, "PolicyDocument", policy);
		jw_object_close(w);
		jw_array_close(w);
	}
	if (c->m->tags.n) {
		JW_KEY(w, "Tags");
		tag_list(w, &c->m->tags);
	}
	jw_object_close(w);
	jw_object_close(w);
}

/* The generated role of r: kept as written while measuring, and taken
 * from there when its template is written (at the same depth). */
static void role_resource(struct json_writer *w, struct cfn_ctx *c,
			  const struct crrc_replication *r)
{
	size_t i = (size_t)(r - c->m->replications);
	jw_key(w, stem(c, r->src), "ReplicationRole");
	const char *kept = c->role_at[i] ? spill_get(c->roles, c->role_at[i] - 1, c->role_len[i])
					 : NULL;
	if (kept) {
		jw_raw(w, kept, c->role_len[i]);
		return;
	}
	if (!c->keep_roles || !c->roles) {
		role_value(w, c, r);
		return;
	}
	/* Measuring: w writes into c->measure, which does not drain. */
	size_t start = w->b->len;
	role_value(w, c, r);
	c->role_len[i] = w->b->len - start;
	spill_put(c->roles, w->b->data + start, c->role_len[i], &c->role_at[i]);
	c->role_at[i]++;
}

/* Whether d has a bucket policy (written when so). */
static bool bucket_policy_resource(struct json_writer *w, const struct cfn_ctx *c,
				   const struct crrc_bucket *d)
{
	size_t n = c->nxsources[d->index];
	json_t *doc = n ? iam_destination_policy(d, c->xsources[d->index], n) : NULL;
	if (!doc)
		return false;
	jw_key(w, stem(c, d), "BucketPolicy");
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::BucketPolicy");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_KEY(w, "Bucket");
	jw_object_open(w);
	JW_KEY(w, "Ref");
	jw_string3(w, stem(c, d), "Bucket", "");
	jw_object_close(w);
	iam_member(w, "PolicyDocument", doc);
	jw_object_close(w);
	jw_object_close(w);
	return true;
}

/* Output <id><name>: the ARN of resource <id><suffix>, described as what
 * and the name of b. */
static void output(struct json_writer *w, const struct cfn_ctx *c, const struct crrc_bucket *b,
		   const char *suffix, const char *name, const char *what)
{
	jw_key(w, stem(c, b), name);
	jw_object_open(w);
	JW_KEY(w, "Description");
	jw_string3(w, what, b->name.s, "");
	JW_KEY(w, "Value");
	get_att(w, stem(c, b), suffix, "Arn");
	jw_object_close(w);
}

static bool has_role(const struct crrc_bucket *b)
{
	return b->replication && b->replication->role_generated;
}

/* Write the resources of b into its template; returns how many. */
static size_t bucket_resources(struct json_writer *w, struct cfn_ctx *c,
			       const struct crrc_bucket *b, const struct cfn_stack *s,
			       bool bootstrap)
{
	bucket_resource(w, c, b, s, bootstrap);
	if (bootstrap)
		return 1;
	size_t n = 1 + bucket_policy_resource(w, c, b);
	if (has_role(b)) {
		role_resource(w, c, b->replication);
		n++;
	}
	return n;
}

/* Write the outputs of b into its template; returns how many. */
static size_t bucket_outputs(struct json_writer *w, const struct cfn_ctx *c,
			     const struct crrc_bucket *b, bool bootstrap)
{
	output(w, c, b, "Bucket", "BucketArn", "ARN of bucket ");
	if (bootstrap || !has_role(b))
		return 1;
	output(w, c, b, "ReplicationRole", "ReplicationRoleArn",
	       "ARN of the replication role of bucket ");
	return 2;
}

/* The spec's path, made safe for a one-line description and a comment. */
static const char *spec_label(const struct cfn_ctx *c)
{
	const char *p = c->spec_path ? c->spec_path : c->m->file;
	json_t *valid = p ? json_string(p) : NULL;
	if (!valid || strlen(p) > 512) {
		json_decref(valid);
		return "a crrc spec";
	}
	json_decref(valid);
	char *s = arena_strdup(c->m->arena, p);
	for (char *q = s; *q; q++)
		if ((unsigned char)*q < 0x20 || (unsigned char)*q == 0x7f)
			*q = '?';
	return s;
}

/* The longest description crrc writes: CloudFormation takes 1,024 bytes,
 * and cfn-lint reports one over 90% of that. */
#define DESCRIPTION_MAX 900

static const char *template_description(const struct cfn_ctx *c, const struct cfn_stack *s,
					bool bootstrap, bool full)
{
	struct arena *a = c->m->arena;
	const char *alias = full ? s->account_alias : NULL;
	const char *where = s->account_id
		? arena_printf(a, "account %s%s%s%s, %s", alias ? alias : "", alias ? " (" : "",
			       s->account_id, alias ? ")" : "", s->region)
		: arena_printf(a, "the deploying account, %s", s->region);
	if (s->part)
		where = arena_printf(a, "%s, part %zu", where, s->part);
	const char *what = bootstrap
		? arena_printf(a, "First deployment of the buckets of %s in %s, without replication: stacks replicate into each other.",
			       c->m->name.s, where)
		: arena_printf(a, "S3 buckets and replication of %s in %s.", c->m->name.s, where);
	if (s->part)
		what = arena_printf(a, "%s Its buckets are those whose keys hash to this part: crrc splits an account and region over several stacks to keep each within CloudFormation's limits.",
				    what);
	const char *d = arena_printf(a, "%s Generated by crrc from %s; do not edit.", what,
				     full ? spec_label(c) : "its spec");
	if (full && strlen(d) > DESCRIPTION_MAX)
		return template_description(c, s, bootstrap, false);
	return d;
}

/* One template, rendered straight into its file. */
static void template_render(struct cfn_ctx *c, struct cfn_stack *s, bool bootstrap,
			    struct crrc_sink *o)
{
	struct buf *b = o->open(o, bootstrap ? s->bootstrap_template : s->template);
	struct json_writer w;
	jw_init(&w, b, 0);
	jw_object_open(&w);
	JW_MEMBER_LIT(&w, "AWSTemplateFormatVersion", "2010-09-09");
	JW_MEMBER(&w, "Description", template_description(c, s, bootstrap, true));
	JW_KEY(&w, "Resources");
	jw_object_open(&w);
	for (size_t i = 0; i < s->nbuckets; i++)
		bucket_resources(&w, c, s->buckets[i], s, bootstrap);
	jw_object_close(&w);
	JW_KEY(&w, "Outputs");
	jw_object_open(&w);
	for (size_t i = 0; i < s->nbuckets; i++)
		bucket_outputs(&w, c, s->buckets[i], bootstrap);
	jw_object_close(&w);
	jw_object_close(&w);
	buf_putc(b, '\n');
	if (bootstrap)
		s->bootstrap_bytes = buf_size(b);
	else
		s->template_bytes = buf_size(b);
	o->close(o);
}

/* What each bucket adds to its full template: its resources and its
 * outputs, each an object as a template holds them, written into a scratch
 * buffer and measured; with every destination in its DependsOn (no stack
 * yet). */
static struct cfn_weight *bucket_weights(struct cfn_ctx *c)
{
	const struct crrc_model *m = c->m;
	struct cfn_weight *w = arena_array(m->arena, m->nbuckets + 1, sizeof(*w));
	struct json_writer jw;
	for (size_t i = 0; i < m->nbuckets; i++) {
		c->measure.len = 0;
		jw_init(&jw, &c->measure, 1);
		jw_object_open(&jw);
		w[i].resources = bucket_resources(&jw, c, &m->buckets[i], NULL, false);
		jw_object_close(&jw);
		w[i].bytes = c->measure.len;
		c->measure.len = 0;
		jw_init(&jw, &c->measure, 1);
		jw_object_open(&jw);
		w[i].outputs = bucket_outputs(&jw, c, &m->buckets[i], false);
		jw_object_close(&jw);
		w[i].bytes += c->measure.len;
	}
	return w;
}

/* 1234567 -> "1,234,567" */
static const char *thousands(struct arena *a, size_t n)
{
	return n < 1000 ? arena_printf(a, "%zu", n)
			: arena_printf(a, "%s,%03zu", thousands(a, n / 1000), n % 1000);
}

/* A bucket too big for a template of its own cannot be split: its
 * replication configuration and role are one resource each. */
static bool check_weights(const struct crrc_model *m, const struct cfn_weight *w,
			  struct crrc_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		if (w[i].bytes + CFN_TEMPLATE_OVERHEAD <= CFN_MAX_BYTES)
			continue;
		const struct crrc_replication *r = b->replication;
		struct crrc_diag *g = diags_add(
			d, CRRC_E081, r ? r->pos : b->pos,
			"bucket '%s' (%s) alone needs %s bytes of CloudFormation template, more than the %s crrc puts in one (CloudFormation reads at most %s from S3)",
			b->key.s, b->name.s, thousands(m->arena, w[i].bytes + CFN_TEMPLATE_OVERHEAD),
			thousands(m->arena, CFN_MAX_BYTES), thousands(m->arena, CFN_QUOTA_BYTES));
		diag_note(g, (struct crrc_pos){0},
			  "a bucket's replication configuration and role cannot be split over stacks: give it fewer or smaller rules (%zu now), or use --target terraform",
			  r ? r->nrules : (size_t)0);
		ok = false;
	}
	return ok;
}

/* For each destination, the distinct sources in another account that
 * replicate into it, in the spec's order. */
static void collect_cross_account(struct cfn_ctx *c)
{
	const struct crrc_model *m = c->m;
	size_t n = m->nbuckets ? m->nbuckets : 1;
	size_t *stamp = c->stamp;
	c->xsources = arena_array(m->arena, n, sizeof(*c->xsources));
	c->nxsources = arena_array(m->arena, n, sizeof(*c->nxsources));
	for (int pass = 0; pass < 2; pass++) {
		memset(stamp, 0, n * sizeof(*stamp));
		for (size_t i = 0; i < m->nreplications; i++) {
			const struct crrc_replication *r = &m->replications[i];
			for (size_t k = 0; r->src && k < r->nrules; k++) {
				const struct crrc_bucket *d = r->rules[k].dest;
				if (!d || stamp[d->index] == i + 1 || !iam_cross_account(r, d))
					continue;
				stamp[d->index] = i + 1;
				if (pass == 0)
					c->nxsources[d->index]++;
				else
					c->xsources[d->index][c->nxsources[d->index]++] = r;
			}
		}
		for (size_t b = 0; pass == 0 && b < m->nbuckets; b++) {
			if (c->nxsources[b]) /* most buckets have none */
				c->xsources[b] = arena_array(m->arena, c->nxsources[b],
							     sizeof(void *));
			c->nxsources[b] = 0;
		}
	}
}

/* A stack cannot take over a bucket that exists without a resource import. */
static bool check_existing(const struct crrc_model *m, struct crrc_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		if (!b->existing.v)
			continue;
		struct crrc_diag *g = diags_add(
			d, CRRC_E080, b->existing.set ? b->existing.pos : b->pos,
			"bucket '%s' (%s) exists already: a CloudFormation stack cannot configure a bucket it did not create without a resource import",
			b->key.s, b->name.s);
		diag_note(g, (struct crrc_pos){0},
			  "use --target terraform, which configures existing buckets, or crrc apply");
		ok = false;
	}
	return ok;
}

/* Room for the DependsOn of any source: one per rule at most. */
static const struct crrc_bucket **deps_alloc(const struct crrc_model *m)
{
	size_t most = 1;
	for (size_t i = 0; i < m->nreplications; i++)
		if (m->replications[i].nrules > most)
			most = m->replications[i].nrules;
	return arena_array(m->arena, most, sizeof(const struct crrc_bucket *));
}

static void ctx_free(struct cfn_ctx *c)
{
	spill_destroy(c->roles);
	buf_free(&c->measure);
}

static bool emit(const struct crrc_model *m, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d)
{
	if (!check_existing(m, d))
		return false;
	struct cfn_ctx c = {.m = m, .spec_path = opt ? opt->spec_path : NULL};
	c.stamp = arena_array(m->arena, m->nbuckets + 1, sizeof(*c.stamp));
	c.deps = deps_alloc(m);
	c.role_at = arena_array(m->arena, m->nreplications + 1, sizeof(*c.role_at));
	c.role_len = arena_array(m->arena, m->nreplications + 1, sizeof(*c.role_len));
	c.roles = spill_create();
	c.plan.ids = cfn_logical_ids(m);
	collect_cross_account(&c);
	memset(c.stamp, 0, (m->nbuckets + 1) * sizeof(*c.stamp));
	c.keep_roles = true;
	struct cfn_weight *w = bucket_weights(&c);
	c.keep_roles = false;
	if (!check_weights(m, w, d)) {
		ctx_free(&c);
		return false;
	}
	memset(c.stamp, 0, (m->nbuckets + 1) * sizeof(*c.stamp));
	cfn_plan_build(m, c.plan.ids, w, &c.plan);
	for (size_t i = 0; i < c.plan.nstacks; i++) {
		struct cfn_stack *s = &c.plan.stacks[i];
		if (s->bootstrap)
			template_render(&c, s, true, o);
		template_render(&c, s, false, o);
	}
	ctx_free(&c);
	const char *label = spec_label(&c);
	cfn_manifest_render(m, &c.plan, label, o->open(o, "manifest.json"));
	o->close(o);
	cfn_deploy_render(m, &c.plan, label, o->open(o, "deploy.sh"));
	o->close(o);
	return true;
}

const struct crrc_target crrc_target_cloudformation = {
	.name = "cloudformation",
	.summary = "CloudFormation templates, a stack per account and region (or parts of one), and deploy.sh",
	.emit = emit,
};
