/* cloudformation.c: the CloudFormation target. One template per
 * (account, region) pair, since a stack creates its buckets in its own
 * region and account, or one per part of a pair too big for one stack: the
 * buckets (versioned, encrypted, retained when the stack goes), the
 * replication configuration of each source with every field of the
 * language, the generated role with the least-privilege policy of iam.c,
 * and the bucket policy a destination in another account needs; the
 * Multi-Region Access Points of each account in a stack of their own
 * (points.c). Each
 * bucket's share of a template is measured first, so that the plan can keep
 * every stack within CloudFormation's limits. Then what owners must add
 * (owner.h), and manifest.json and deploy.sh, which deploy the stacks in
 * order (plan.c, deploy.c). What each
 * resource holds is the desired state's; this file writes it as JSON. */
#include <jansson.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/spill.h"
#include "diag/diag.h"
#include "emit/cloudformation/cfn.h"
#include "emit/cloudformation/cloudformation.h"
#include "emit/cloudformation/json_writer.h"
#include "emit/owner.h"
#include "model/iam.h"

struct cfn_ctx {
	const struct crrc_desired *ds;
	struct arena *arena; /* the emit's own: the plan, names, descriptions */
	const char *spec_path;
	struct cfn_plan plan;
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

static const char *stem(const struct cfn_ctx *c, const struct ds_bucket *b)
{
	return c->plan.ids[b->index];
}

/* The filter in its form (V2: always given); the empty prefix, every
 * object, is written Prefix "". */
static void rule_filter(struct json_writer *w, const struct ds_rule *r)
{
	static const struct crrc_str none = {.s = NULL};
	const struct crrc_str *prefix = r->prefix ? r->prefix : &none;
	JW_KEY(w, "Filter");
	jw_object_open(w);
	if (r->filter == DS_FILTER_PREFIX) {
		JW_MEMBER_STR(w, "Prefix", prefix);
	} else if (r->filter == DS_FILTER_TAG) {
		JW_KEY(w, "TagFilter");
		jw_object_open(w);
		JW_MEMBER_STR(w, "Key", &r->tags->v[0].key);
		JW_MEMBER_STR(w, "Value", &r->tags->v[0].value);
		jw_object_close(w);
	} else {
		JW_KEY(w, "And");
		jw_object_open(w);
		if (r->prefix)
			JW_MEMBER_STR(w, "Prefix", prefix);
		JW_KEY(w, "TagFilters");
		tag_list(w, r->tags);
		jw_object_close(w);
	}
	jw_object_close(w);
}

static void rule_destination(struct json_writer *w, const struct ds_rule *r)
{
	JW_KEY(w, "Destination");
	jw_object_open(w);
	JW_MEMBER(w, "Bucket", r->dest->arn);
	if (r->owner_override) {
		JW_MEMBER(w, "Account", r->dest_account);
		JW_KEY(w, "AccessControlTranslation");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Owner", "Destination");
		jw_object_close(w);
	}
	if (r->storage_class)
		JW_MEMBER_STR(w, "StorageClass", r->storage_class);
	if (r->replica_kms_key) {
		JW_KEY(w, "EncryptionConfiguration");
		jw_object_open(w);
		JW_MEMBER_STR(w, "ReplicaKmsKeyID", r->replica_kms_key);
		jw_object_close(w);
	}
	if (r->rtc_minutes) {
		JW_KEY(w, "ReplicationTime");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Status", "Enabled");
		minutes(w, "Time", r->rtc_minutes);
		jw_object_close(w);
	}
	if (r->metrics) {
		JW_KEY(w, "Metrics");
		jw_object_open(w);
		JW_MEMBER_LIT(w, "Status", "Enabled");
		if (r->metrics_minutes)
			minutes(w, "EventThreshold", r->metrics_minutes);
		jw_object_close(w);
	}
	jw_object_close(w);
}

static void rule_json(struct json_writer *w, const struct ds_rule *r)
{
	jw_object_open(w);
	JW_MEMBER_STR(w, "Id", r->id);
	JW_KEY(w, "Priority");
	jw_int(w, r->priority);
	if (r->enabled)
		JW_MEMBER_LIT(w, "Status", "Enabled");
	else
		JW_MEMBER_LIT(w, "Status", "Disabled");
	rule_filter(w, r);
	if (r->sse_kms_objects || r->replica_modifications) {
		JW_KEY(w, "SourceSelectionCriteria");
		jw_object_open(w);
		if (r->sse_kms_objects)
			status(w, "SseKmsEncryptedObjects", true);
		if (r->replica_modifications)
			status(w, "ReplicaModifications", true);
		jw_object_close(w);
	}
	status(w, "DeleteMarkerReplication", r->delete_markers);
	rule_destination(w, r);
	jw_object_close(w);
}

static void replication_json(struct json_writer *w, const struct cfn_ctx *c,
			     const struct ds_replication *r)
{
	JW_KEY(w, "ReplicationConfiguration");
	jw_object_open(w);
	if (r->role.create) {
		JW_KEY(w, "Role");
		get_att(w, stem(c, r->source), CFN_ID_ROLE, "Arn");
	} else {
		JW_MEMBER(w, "Role", r->role.arn);
	}
	JW_KEY(w, "Rules");
	jw_array_open(w);
	for (size_t i = 0; i < r->nrules; i++)
		rule_json(w, &r->rules[i]);
	jw_array_close(w);
	jw_object_close(w);
}

/* A source's bucket waits for the destination buckets of its own stack,
 * unless the stack was bootstrapped (then they exist already). Without a
 * stack (s NULL, when measuring), it waits for all of them: the most it
 * can. Left out when it would be empty. */
static void depends_on(struct json_writer *w, const struct cfn_ctx *c, const struct ds_bucket *b,
		       const struct cfn_stack *s)
{
	const struct ds_replication *r = b->replication;
	bool any = false;
	if (s && s->bootstrap)
		return;
	for (size_t i = 0; i < r->ndests; i++) {
		const struct ds_bucket *d = r->dests[i].bucket;
		if (d == b || (s && c->plan.of_bucket[d->index] != s))
			continue;
		if (!any) {
			JW_KEY(w, "DependsOn");
			jw_array_open(w);
			any = true;
		}
		jw_string3(w, stem(c, d), CFN_ID_BUCKET, "");
	}
	if (any)
		jw_array_close(w);
}

static void bucket_encryption(struct json_writer *w, const struct ds_bucket *b)
{
	JW_KEY(w, "BucketEncryption");
	jw_object_open(w);
	JW_KEY(w, "ServerSideEncryptionConfiguration");
	jw_array_open(w);
	jw_object_open(w);
	JW_KEY(w, "ServerSideEncryptionByDefault");
	jw_object_open(w);
	JW_MEMBER_LIT(w, "SSEAlgorithm", "aws:kms");
	JW_MEMBER_STR(w, "KMSMasterKeyID", b->kms_key);
	jw_object_close(w);
	JW_KEY(w, "BucketKeyEnabled");
	jw_bool(w, true);
	jw_object_close(w);
	jw_array_close(w);
	jw_object_close(w);
}

static void bucket_resource(struct json_writer *w, const struct cfn_ctx *c,
			    const struct ds_bucket *b, const struct cfn_stack *s, bool bootstrap)
{
	bool replicates = !bootstrap && b->replication && b->replication->nrules;
	jw_key(w, stem(c, b), CFN_ID_BUCKET);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::Bucket");
	if (replicates)
		depends_on(w, c, b, s);
	/* A stack deletion must never delete media. */
	JW_MEMBER_LIT(w, "DeletionPolicy", "Retain");
	JW_MEMBER_LIT(w, "UpdateReplacePolicy", "Retain");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_MEMBER(w, "BucketName", b->name);
	if (b->object_lock_by == DS_WRITER_CRRC) {
		JW_KEY(w, "ObjectLockEnabled");
		jw_bool(w, true);
	}
	status(w, "VersioningConfiguration", b->versioning);
	if (b->kms_key)
		bucket_encryption(w, b);
	if (replicates)
		replication_json(w, c, b->replication);
	if (b->tags->n) {
		JW_KEY(w, "Tags");
		tag_list(w, b->tags);
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
		       const struct ds_replication *r)
{
	json_t *trust = iam_trust_policy(), *policy = iam_role_policy(r);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::IAM::Role");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_MEMBER(w, "RoleName", r->role.name);
	JW_KEY(w, "Description");
	jw_string3(w, "Replicates bucket ", r->source->name, "; generated by crrc");
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
	if (c->ds->tags->n) {
		JW_KEY(w, "Tags");
		tag_list(w, c->ds->tags);
	}
	jw_object_close(w);
	jw_object_close(w);
}

/* The generated role of r: kept as written while measuring, and taken
 * from there when its template is written (at the same depth). */
static void role_resource(struct json_writer *w, struct cfn_ctx *c,
			  const struct ds_replication *r)
{
	size_t i = r->index;
	jw_key(w, stem(c, r->source), CFN_ID_ROLE);
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
				   const struct ds_bucket *d)
{
	json_t *doc = d->policy_by == DS_WRITER_CRRC ? iam_bucket_policy(d) : NULL;
	if (!doc)
		return false;
	jw_key(w, stem(c, d), CFN_ID_POLICY);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::BucketPolicy");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_KEY(w, "Bucket");
	jw_object_open(w);
	JW_KEY(w, "Ref");
	jw_string3(w, stem(c, d), CFN_ID_BUCKET, "");
	jw_object_close(w);
	iam_member(w, "PolicyDocument", doc);
	jw_object_close(w);
	jw_object_close(w);
	return true;
}

/* Output <id><name>: the ARN of resource <id><suffix>, described as what
 * and the name of b. */
static void output(struct json_writer *w, const struct cfn_ctx *c, const struct ds_bucket *b,
		   const char *suffix, const char *name, const char *what)
{
	jw_key(w, stem(c, b), name);
	jw_object_open(w);
	JW_KEY(w, "Description");
	jw_string3(w, what, b->name, "");
	JW_KEY(w, "Value");
	get_att(w, stem(c, b), suffix, "Arn");
	jw_object_close(w);
}

static bool has_role(const struct ds_bucket *b)
{
	return b->replication && b->replication->role.create;
}

/* Write the resources of b into its template; returns how many. */
static size_t bucket_resources(struct json_writer *w, struct cfn_ctx *c,
			       const struct ds_bucket *b, const struct cfn_stack *s,
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
			     const struct ds_bucket *b, bool bootstrap)
{
	output(w, c, b, CFN_ID_BUCKET, CFN_ID_BUCKET_ARN, "ARN of bucket ");
	if (bootstrap || !has_role(b))
		return 1;
	output(w, c, b, CFN_ID_ROLE, CFN_ID_ROLE_ARN,
	       "ARN of the replication role of bucket ");
	return 2;
}

/* The spec's path, made safe for a one-line description and a comment. */
static const char *spec_label(const struct cfn_ctx *c)
{
	const char *p = c->spec_path ? c->spec_path : c->ds->m->file;
	json_t *valid = p ? json_string(p) : NULL;
	if (!valid || strlen(p) > 512) {
		json_decref(valid);
		return "a crrc spec";
	}
	json_decref(valid);
	char *s = arena_strdup(c->arena, p);
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
	struct arena *a = c->arena;
	const char *alias = full ? s->account_alias : NULL;
	const char *where = s->account_id
		? arena_printf(a, "account %s%s%s%s, %s", alias ? alias : "", alias ? " (" : "",
			       s->account_id, alias ? ")" : "", s->region)
		: arena_printf(a, "the deploying account, %s", s->region);
	if (s->part)
		where = arena_printf(a, "%s, part %zu", where, s->part);
	const char *what = bootstrap
		? arena_printf(a, "First deployment of the buckets of %s in %s, without replication: stacks replicate into each other.",
			       c->ds->name, where)
		: arena_printf(a, "S3 buckets and replication of %s in %s.", c->ds->name, where);
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
static struct cfn_weight *bucket_weights(struct cfn_ctx *c, struct arena *a)
{
	const struct crrc_desired *ds = c->ds;
	struct cfn_weight *w = arena_array(a, ds->nbuckets + 1, sizeof(*w));
	struct json_writer jw;
	for (size_t i = 0; i < ds->nbuckets; i++) {
		c->measure.len = 0;
		jw_init(&jw, &c->measure, 1);
		jw_object_open(&jw);
		w[i].resources = bucket_resources(&jw, c, &ds->buckets[i], NULL, false);
		jw_object_close(&jw);
		w[i].bytes = c->measure.len;
		c->measure.len = 0;
		jw_init(&jw, &c->measure, 1);
		jw_object_open(&jw);
		w[i].outputs = bucket_outputs(&jw, c, &ds->buckets[i], false);
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
static bool check_weights(const struct cfn_ctx *c, const struct cfn_weight *w,
			  struct crrc_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < c->ds->nbuckets; i++) {
		const struct ds_bucket *b = &c->ds->buckets[i];
		if (w[i].bytes + CFN_TEMPLATE_OVERHEAD <= CFN_MAX_BYTES)
			continue;
		const struct ds_replication *r = b->replication;
		struct crrc_diag *g = diags_add(
			d, CRRC_E081, r ? r->pos : b->pos,
			"bucket '%s' (%s) alone needs %s bytes of CloudFormation template, more than the %s crrc puts in one (CloudFormation reads at most %s from S3)",
			b->key, b->name, thousands(c->arena, w[i].bytes + CFN_TEMPLATE_OVERHEAD),
			thousands(c->arena, CFN_MAX_BYTES), thousands(c->arena, CFN_QUOTA_BYTES));
		diag_note(g, (struct crrc_pos){0},
			  "a bucket's replication configuration and role cannot be split over stacks: give it fewer or smaller rules (%zu now), or use --target terraform",
			  r ? r->nrules : (size_t)0);
		ok = false;
	}
	return ok;
}

/* A stack cannot take over a bucket that exists without a resource import. */
static bool check_existing(const struct crrc_desired *ds, struct crrc_diags *d)
{
	bool ok = true;
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const struct ds_bucket *b = &ds->buckets[i];
		if (b->create)
			continue;
		const struct crrc_bool *existing = &b->spec->existing;
		struct crrc_diag *g = diags_add(
			d, CRRC_E080, existing->set ? existing->pos : b->pos,
			"bucket '%s' (%s) exists already: a CloudFormation stack cannot configure a bucket it did not create without a resource import",
			b->key, b->name);
		diag_note(g, (struct crrc_pos){0},
			  "use --target terraform, which configures existing buckets, or crrc apply");
		ok = false;
	}
	return ok;
}

static bool emit(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d)
{
	if (!check_existing(ds, d))
		return false;
	struct cfn_ctx c = {.ds = ds, .arena = arena_create(),
			      .spec_path = opt ? opt->spec_path : NULL};
	bool ok = false;
	c.role_at = arena_array(c.arena, ds->nreplications + 1, sizeof(*c.role_at));
	c.role_len = arena_array(c.arena, ds->nreplications + 1, sizeof(*c.role_len));
	c.roles = spill_create();
	c.plan.ids = cfn_logical_ids(ds, c.arena);
	c.keep_roles = true;
	struct arena *weights = arena_create_sized(64u * 1024u);
	struct cfn_weight *w = bucket_weights(&c, weights);
	c.keep_roles = false;
	bool fits = check_weights(&c, w, d);
	if (fits)
		cfn_plan_build(ds, c.arena, c.plan.ids, w, &c.plan);
	arena_destroy(weights);
	if (!fits)
		goto out;
	const char *label = spec_label(&c);
	for (size_t i = 0; i < c.plan.nstacks; i++) {
		struct cfn_stack *s = &c.plan.stacks[i];
		if (s->npoints) {
			struct buf *b = o->open(o, s->template);
			cfn_points_template(&c.plan, s, label, b);
			s->template_bytes = buf_size(b);
			o->close(o);
			continue;
		}
		if (s->bootstrap)
			template_render(&c, s, true, o);
		template_render(&c, s, false, o);
	}
	spill_destroy(c.roles);
	c.roles = NULL;
	owner_write(ds, opt, o, d);
	cfn_manifest_render(&c.plan, label, o->open(o, "manifest.json"));
	o->close(o);
	cfn_deploy_render(&c.plan, label, o->open(o, "deploy.sh"));
	o->close(o);
	cfn_requirements(&c.plan, o);
	ok = true;
out:
	spill_destroy(c.roles);
	buf_free(&c.measure);
	arena_destroy(c.arena);
	return ok;
}

const struct crrc_target crrc_target_cloudformation = {
	.name = "cloudformation",
	.summary = "CloudFormation templates, a stack per account and region (or parts of one), and deploy.sh",
	.emit = emit,
};
