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

#include "arena.h"
#include "cfn.h"
#include "diag.h"
#include "emit.h"
#include "iam.h"
#include "util.h"

#define CFN_DUMP_FLAGS (JSON_INDENT(2) | JSON_PRESERVE_ORDER)

struct cfn_ctx {
	const struct crrc_model *m;
	const char *spec_path;
	struct cfn_plan plan;
	/* The sources in another account that replicate into each bucket. */
	const struct crrc_replication ***xsources;
	size_t *nxsources;
	size_t *stamp; /* by bucket: 1 + the index of the bucket that saw it last */
};

static json_t *status(bool on)
{
	return json_pack("{s:s}", "Status", on ? "Enabled" : "Disabled");
}

static json_t *minutes(int n)
{
	return json_pack("{s:i}", "Minutes", n);
}

static json_t *get_att(const char *id, const char *attr)
{
	return json_pack("{s:[s,s]}", "Fn::GetAtt", id, attr);
}

static json_t *tag_list(const struct crrc_tags *t, const char *key_name, const char *value_name)
{
	json_t *list = json_array();
	for (size_t i = 0; i < t->n; i++) {
		json_t *tag = json_object();
		json_object_set_new(tag, key_name, json_string(t->v[i].key.s));
		json_object_set_new(tag, value_name, json_string(t->v[i].value.s ? t->v[i].value.s : ""));
		json_array_append_new(list, tag);
	}
	return list;
}

static const char *id_of(const struct cfn_ctx *c, const struct crrc_bucket *b, const char *suffix)
{
	return arena_printf(c->m->arena, "%s%s", c->plan.ids[b->index], suffix);
}

/* Filter: always given (the V2 form), in the smallest shape that says it. */
static json_t *rule_filter(const struct crrc_rule *r)
{
	const struct crrc_str *prefix = &r->filter.prefix;
	const struct crrc_tags *tags = &r->filter.tags;
	json_t *f = json_object();
	if (tags->n == 0) {
		json_object_set_new(f, "Prefix", json_string(prefix->set ? prefix->s : ""));
	} else if (tags->n == 1 && !prefix->set) {
		json_object_set_new(f, "TagFilter", json_pack("{s:s,s:s}", "Key", tags->v[0].key.s,
							      "Value", tags->v[0].value.s ? tags->v[0].value.s : ""));
	} else {
		json_t *and = json_object();
		if (prefix->set)
			json_object_set_new(and, "Prefix", json_string(prefix->s));
		json_object_set_new(and, "TagFilters", tag_list(tags, "Key", "Value"));
		json_object_set_new(f, "And", and);
	}
	return f;
}

static json_t *rule_destination(const struct crrc_rule *r)
{
	const struct crrc_bucket *d = r->dest;
	json_t *dst = json_object();
	json_object_set_new(dst, "Bucket", json_string(d->arn));
	if (r->owner_destination) {
		json_object_set_new(dst, "Account", json_string(d->account_id));
		json_object_set_new(dst, "AccessControlTranslation",
				    json_pack("{s:s}", "Owner", "Destination"));
	}
	if (r->storage_class.set)
		json_object_set_new(dst, "StorageClass", json_string(r->storage_class.s));
	if (r->sse_kms_objects.v && r->replica_kms_key.s)
		json_object_set_new(dst, "EncryptionConfiguration",
				    json_pack("{s:s}", "ReplicaKmsKeyID", r->replica_kms_key.s));
	if (r->rtc.v)
		json_object_set_new(dst, "ReplicationTime",
				    json_pack("{s:s,s:o}", "Status", "Enabled", "Time", minutes(15)));
	if (r->metrics.v) {
		json_t *metrics = status(true);
		/* S3 refuses an event threshold without RTC. */
		if (r->rtc.v)
			json_object_set_new(metrics, "EventThreshold", minutes(15));
		json_object_set_new(dst, "Metrics", metrics);
	}
	return dst;
}

/* One rule. existing_objects is never emitted: S3 no longer accepts
 * ExistingObjectReplication in a configuration. */
static json_t *rule_json(const struct crrc_rule *r)
{
	json_t *rule = json_object();
	json_object_set_new(rule, "Id", json_string(r->id.s));
	json_object_set_new(rule, "Priority", json_integer(r->priority.v));
	/* enabled defaults to true and the resolver leaves it unset. */
	bool enabled = !r->enabled.set || r->enabled.v;
	json_object_set_new(rule, "Status", json_string(enabled ? "Enabled" : "Disabled"));
	json_object_set_new(rule, "Filter", rule_filter(r));
	if (r->sse_kms_objects.v || r->replica_modifications.v) {
		json_t *ssc = json_object();
		if (r->sse_kms_objects.v)
			json_object_set_new(ssc, "SseKmsEncryptedObjects", status(true));
		if (r->replica_modifications.v)
			json_object_set_new(ssc, "ReplicaModifications", status(true));
		json_object_set_new(rule, "SourceSelectionCriteria", ssc);
	}
	json_object_set_new(rule, "DeleteMarkerReplication", status(r->delete_markers.v));
	json_object_set_new(rule, "Destination", rule_destination(r));
	return rule;
}

static json_t *replication_json(const struct cfn_ctx *c, const struct crrc_replication *r)
{
	json_t *cfg = json_object(), *rules = json_array();
	if (r->role_generated)
		json_object_set_new(cfg, "Role", get_att(id_of(c, r->src, "ReplicationRole"), "Arn"));
	else
		json_object_set_new(cfg, "Role", json_string(r->role_arn ? r->role_arn : r->role.s));
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].dest)
			json_array_append_new(rules, rule_json(&r->rules[i]));
	json_object_set_new(cfg, "Rules", rules);
	return cfg;
}

/* A source's bucket waits for the destination buckets of its own stack,
 * unless the stack was bootstrapped (then they exist already). Without a
 * stack (s NULL, when measuring), it waits for all of them: the most it
 * can. */
static json_t *depends_on(const struct cfn_ctx *c, const struct crrc_bucket *b,
			  const struct cfn_stack *s)
{
	const struct crrc_replication *r = b->replication;
	json_t *deps = json_array();
	if (s && s->bootstrap)
		return deps;
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_bucket *d = r->rules[i].dest;
		if (!d || d == b || (s && c->plan.of_bucket[d->index] != s) ||
		    c->stamp[d->index] == b->index + 1)
			continue;
		c->stamp[d->index] = b->index + 1;
		json_array_append_new(deps, json_string(id_of(c, d, "Bucket")));
	}
	return deps;
}

static json_t *bucket_encryption(const struct crrc_bucket *b)
{
	return json_pack("{s:[{s:{s:s,s:s},s:b}]}", "ServerSideEncryptionConfiguration",
			 "ServerSideEncryptionByDefault", "SSEAlgorithm", "aws:kms",
			 "KMSMasterKeyID", b->kms_key.s, "BucketKeyEnabled", 1);
}

static json_t *bucket_resource(const struct cfn_ctx *c, const struct crrc_bucket *b,
			       const struct cfn_stack *s, bool bootstrap)
{
	json_t *res = json_object(), *props = json_object();
	bool replicates = !bootstrap && b->replication && b->replication->nrules;
	json_object_set_new(res, "Type", json_string("AWS::S3::Bucket"));
	if (replicates) {
		json_t *deps = depends_on(c, b, s);
		if (json_array_size(deps))
			json_object_set_new(res, "DependsOn", deps);
		else
			json_decref(deps);
	}
	/* A stack deletion must never delete media. */
	json_object_set_new(res, "DeletionPolicy", json_string("Retain"));
	json_object_set_new(res, "UpdateReplacePolicy", json_string("Retain"));
	json_object_set_new(props, "BucketName", json_string(b->name.s));
	if (b->object_lock.v)
		json_object_set_new(props, "ObjectLockEnabled", json_true());
	json_object_set_new(props, "VersioningConfiguration", status(true));
	if (b->enc == CRRC_SSE_KMS && b->kms_key.s)
		json_object_set_new(props, "BucketEncryption", bucket_encryption(b));
	if (replicates)
		json_object_set_new(props, "ReplicationConfiguration",
				    replication_json(c, b->replication));
	if (b->tags.n)
		json_object_set_new(props, "Tags", tag_list(&b->tags, "Key", "Value"));
	json_object_set_new(res, "Properties", props);
	return res;
}

static json_t *role_resource(const struct cfn_ctx *c, const struct crrc_replication *r)
{
	json_t *res = json_object(), *props = json_object();
	json_t *trust = iam_trust_policy(r), *policy = iam_role_policy(r);
	json_object_set_new(res, "Type", json_string("AWS::IAM::Role"));
	json_object_set_new(props, "RoleName", json_string(r->role_name));
	json_object_set_new(props, "Description",
			    json_string(arena_printf(c->m->arena,
						     "Replicates bucket %s; generated by crrc",
						     r->src->name.s)));
	/* NULL while iam.c cannot say: the property is left out. */
	if (trust)
		json_object_set_new(props, "AssumeRolePolicyDocument", trust);
	if (policy)
		json_object_set_new(props, "Policies",
				    json_pack("[{s:s,s:o}]", "PolicyName", "s3-replication",
					      "PolicyDocument", policy));
	if (c->m->tags.n)
		json_object_set_new(props, "Tags", tag_list(&c->m->tags, "Key", "Value"));
	json_object_set_new(res, "Properties", props);
	return res;
}

static json_t *bucket_policy_resource(const struct cfn_ctx *c, const struct crrc_bucket *d)
{
	size_t n = c->nxsources[d->index];
	json_t *doc = n ? iam_destination_policy(d, c->xsources[d->index], n) : NULL;
	if (!doc)
		return NULL;
	return json_pack("{s:s,s:{s:{s:s},s:o}}", "Type", "AWS::S3::BucketPolicy", "Properties",
			 "Bucket", "Ref", id_of(c, d, "Bucket"), "PolicyDocument", doc);
}

static json_t *output(const char *description, json_t *value)
{
	return json_pack("{s:s,s:o}", "Description", description, "Value", value);
}

static void add_bucket(const struct cfn_ctx *c, const struct crrc_bucket *b,
		       const struct cfn_stack *s, bool bootstrap, json_t *res, json_t *out)
{
	struct arena *a = c->m->arena;
	const char *bucket_id = id_of(c, b, "Bucket");
	json_object_set_new(res, bucket_id, bucket_resource(c, b, s, bootstrap));
	json_object_set_new(out, id_of(c, b, "BucketArn"),
			    output(arena_printf(a, "ARN of bucket %s", b->name.s),
				   get_att(bucket_id, "Arn")));
	if (bootstrap)
		return;
	json_t *policy = bucket_policy_resource(c, b);
	if (policy)
		json_object_set_new(res, id_of(c, b, "BucketPolicy"), policy);
	const struct crrc_replication *r = b->replication;
	if (r && r->role_generated) {
		const char *role_id = id_of(c, b, "ReplicationRole");
		json_object_set_new(res, role_id, role_resource(c, r));
		json_object_set_new(out, id_of(c, b, "ReplicationRoleArn"),
				    output(arena_printf(a, "ARN of the replication role of bucket %s",
							b->name.s),
					   get_att(role_id, "Arn")));
	}
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

static size_t json_size(json_t *v, size_t depth);

/* Write t into b, in one call: json_size says how much room it needs. */
static void buf_dump(struct buf *b, json_t *t)
{
	size_t want = json_size(t, 0), got;
	for (;;) {
		buf_grow(b, want + 1);
		got = json_dumpb(t, b->data + b->len, want, CFN_DUMP_FLAGS);
		if (got <= want)
			break;
		want = got;
	}
	b->len += got;
	b->data[b->len] = '\0';
}

static void template_render(struct cfn_ctx *c, struct cfn_stack *s, bool bootstrap,
			    struct crrc_output *o)
{
	json_t *t = json_object(), *res = json_object(), *out = json_object();
	json_object_set_new(t, "AWSTemplateFormatVersion", json_string("2010-09-09"));
	json_object_set_new(t, "Description",
			    json_string(template_description(c, s, bootstrap, true)));
	for (size_t i = 0; i < s->nbuckets; i++)
		add_bucket(c, s->buckets[i], s, bootstrap, res, out);
	json_object_set_new(t, "Resources", res);
	json_object_set_new(t, "Outputs", out);
	struct buf b = BUF_INIT;
	buf_dump(&b, t);
	buf_putc(&b, '\n');
	if (bootstrap)
		s->bootstrap_bytes = b.len;
	else
		s->template_bytes = b.len;
	output_add(o, bootstrap ? s->bootstrap_template : s->template, &b);
	buf_free(&b);
	json_decref(t);
}

/* The bytes of a JSON string as jansson writes it, quotes included. */
static size_t string_size(const char *s)
{
	size_t n = 2;
	for (; *s; s++) {
		unsigned char ch = (unsigned char)*s;
		if (ch == '"' || ch == '\\' || ch == '\b' || ch == '\f' || ch == '\n' ||
		    ch == '\r' || ch == '\t')
			n += 2;
		else if (ch < 0x20)
			n += 6;
		else
			n++;
	}
	return n;
}

/* The bytes of v as CFN_DUMP_FLAGS write it at the given depth of a
 * document, without writing it. */
static size_t json_size(json_t *v, size_t depth)
{
	size_t n = 0, members = 0, indent = 2 * (depth + 1);
	const char *key;
	json_t *x;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		json_object_foreach(v, key, x) {
			n += 1 + indent + string_size(key) + 2 + json_size(x, depth + 1);
			members++;
		}
		break;
	case JSON_ARRAY:
		json_array_foreach(v, i, x) {
			n += 1 + indent + json_size(x, depth + 1);
			members++;
		}
		break;
	case JSON_STRING:
		return string_size(json_string_value(v));
	case JSON_INTEGER:
		return (size_t)snprintf(NULL, 0, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	case JSON_REAL:
		return 32;
	case JSON_TRUE:
	case JSON_NULL:
		return 4;
	case JSON_FALSE:
		return 5;
	}
	/* "{" members, "," between them, "\n" and the indent before "}" */
	return members ? 1 + n + (members - 1) + 1 + 2 * depth + 1 : 2;
}

/* What each bucket adds to its full template: rendered once, measured,
 * dropped; with every destination in its DependsOn (no stack yet). */
static struct cfn_weight *bucket_weights(struct cfn_ctx *c)
{
	const struct crrc_model *m = c->m;
	struct cfn_weight *w = arena_array(m->arena, m->nbuckets + 1, sizeof(*w));
	for (size_t i = 0; i < m->nbuckets; i++) {
		json_t *res = json_object(), *out = json_object();
		add_bucket(c, &m->buckets[i], NULL, false, res, out);
		w[i].resources = json_object_size(res);
		w[i].outputs = json_object_size(out);
		w[i].bytes = json_size(res, 1) + json_size(out, 1);
		json_decref(res);
		json_decref(out);
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
			c->xsources[b] = arena_array(m->arena, c->nxsources[b] + 1, sizeof(void *));
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

static bool emit(const struct crrc_model *m, const struct crrc_emit_options *opt,
		 struct crrc_output *o, struct crrc_diags *d)
{
	if (!check_existing(m, d))
		return false;
	struct cfn_ctx c = {.m = m, .spec_path = opt ? opt->spec_path : NULL};
	c.stamp = arena_array(m->arena, m->nbuckets + 1, sizeof(*c.stamp));
	c.plan.ids = cfn_logical_ids(m);
	collect_cross_account(&c);
	memset(c.stamp, 0, (m->nbuckets + 1) * sizeof(*c.stamp));
	struct cfn_weight *w = bucket_weights(&c);
	if (!check_weights(m, w, d))
		return false;
	memset(c.stamp, 0, (m->nbuckets + 1) * sizeof(*c.stamp));
	cfn_plan_build(m, c.plan.ids, w, &c.plan);
	for (size_t i = 0; i < c.plan.nstacks; i++) {
		struct cfn_stack *s = &c.plan.stacks[i];
		if (s->bootstrap)
			template_render(&c, s, true, o);
		template_render(&c, s, false, o);
	}
	struct buf b = BUF_INIT;
	cfn_manifest_render(m, &c.plan, spec_label(&c), &b);
	output_add(o, "manifest.json", &b);
	cfn_deploy_render(m, &c.plan, spec_label(&c), &b);
	output_add(o, "deploy.sh", &b);
	buf_free(&b);
	return true;
}

const struct crrc_target crrc_target_cloudformation = {
	.name = "cloudformation",
	.summary = "CloudFormation templates, a stack per account and region (or parts of one), and deploy.sh",
	.emit = emit,
};
