/* terraform.c: the Terraform target. A root module in the layout a
 * reviewer expects: versions.tf, providers.tf (one aws provider per account
 * and region), variables.tf (the role Terraform assumes in each named
 * account), buckets.tf, iam.tf (the least-privilege role of iam.c),
 * replication.tf (replication.c), access_points.tf (points.c) and
 * outputs.tf; and what owners must add
 * (owner.h). Modern split S3 resources only. What each resource holds is
 * the desired state's; names and references are names.c's. An existing
 * bucket is configured, never overwritten: its bucket policy and Object
 * Lock are its owner's. */
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "emit/owner.h"
#include "emit/terraform/terraform.h"
#include "emit/terraform/tf.h"
#include "model/iam.h"

#define AWS_PROVIDER_VERSION ">= 5.0, < 7.0"
#define TERRAFORM_VERSION ">= 1.3.0"

static void versions_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	tf_file_begin(t, &h, o, "versions.tf");
	hcl_block(&h, "terraform");
	hcl_attr(&h, "required_version", "\"%s\"", TERRAFORM_VERSION);
	hcl_block(&h, "required_providers");
	hcl_attr_open(&h, "aws", "{");
	hcl_attr(&h, "source", "\"hashicorp/aws\"");
	hcl_attr(&h, "version", "\"%s\"", AWS_PROVIDER_VERSION);
	hcl_attr_close(&h, "}");
	hcl_end(&h);
	hcl_end(&h);
	tf_file_end(&h, o);
}

static void providers_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	tf_file_begin(t, &h, o, "providers.tf");
	for (size_t i = 0; i < t->ds->nplaces; i++) {
		const struct tf_provider *p = &t->providers[i];
		hcl_block(&h, "provider \"aws\"");
		hcl_attr(&h, "alias", "\"%s\"", p->alias);
		hcl_attr_str(&h, "region", p->region, strlen(p->region));
		if (p->account) {
			hcl_block(&h, "assume_role");
			hcl_attr(&h, "role_arn", "var.%s_role_arn", p->account_name);
			hcl_end(&h);
		}
		hcl_end(&h);
	}
	tf_file_end(&h, o);
}

/* The role Terraform assumes in each named account, checked to be there. */
static void role_variable(struct tf *t, struct hcl *h, const struct ds_account *a,
			  const char *name)
{
	const char *what = arena_concat(t->arena, "The IAM role that Terraform assumes in account ", a->id,
			       " to manage its resources.", NULL);
	const char *prefix = arena_concat(t->arena, "arn:", a->partition, ":iam::", a->id, ":role/", NULL);
	const char *error = arena_concat(t->arena, "The role must be in account ", a->id, ".", NULL);
	hcl_block(h, "variable \"%s_role_arn\"", name);
	hcl_attr_str(h, "description", what, strlen(what));
	hcl_attr(h, "type", "string");
	hcl_block(h, "validation");
	hcl_attr(h, "condition", "startswith(var.%s_role_arn, %s)", name, tf_quoted(t->tmp, prefix));
	hcl_attr_str(h, "error_message", error, strlen(error));
	hcl_end(h);
	hcl_end(h);
}

static void variables_tf(struct tf *t, struct crrc_sink *o)
{
	if (t->ds->naccounts == 0)
		return;
	struct hcl h;
	tf_file_begin(t, &h, o, "variables.tf");
	for (size_t i = 0; i < t->ds->naccounts; i++)
		role_variable(t, &h, &t->ds->accounts[i], t->account_names[i]);
	tf_file_end(&h, o);
}

static void bucket_resource(struct tf *t, struct hcl *h, const struct ds_bucket *b)
{
	const char *name = tf_name(t, b), *provider = tf_provider(t, b)->ref;
	if (b->create) {
		hcl_block(h, "resource \"aws_s3_bucket\" \"%s\"", name);
		hcl_attr(h, "provider", "%s", provider);
		hcl_attr_str(h, "bucket", b->name, strlen(b->name));
		if (b->object_lock_by == DS_WRITER_CRRC)
			hcl_attr(h, "object_lock_enabled", "true");
		tf_tags(h, "tags", b->tags);
		hcl_end(h);
	}
	hcl_block(h, "resource \"aws_s3_bucket_versioning\" \"%s\"", name);
	hcl_attr(h, "provider", "%s", provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_block(h, "versioning_configuration");
	hcl_attr(h, "status", "%s", b->versioning ? "\"Enabled\"" : "\"Suspended\"");
	hcl_end(h);
	hcl_end(h);
}

/* SSE-KMS with S3 Bucket Keys, which cut KMS requests (and make the bucket
 * the encryption context, which iam.c allows). */
static void encryption_resource(struct tf *t, struct hcl *h, const struct ds_bucket *b)
{
	hcl_block(h, "resource \"aws_s3_bucket_server_side_encryption_configuration\" \"%s\"",
		  tf_name(t, b));
	hcl_attr(h, "provider", "%s", tf_provider(t, b)->ref);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_block(h, "rule");
	hcl_attr(h, "bucket_key_enabled", "true");
	hcl_block(h, "apply_server_side_encryption_by_default");
	hcl_attr(h, "sse_algorithm", "\"aws:kms\"");
	hcl_attr_str(h, "kms_master_key_id", b->kms_key->s, b->kms_key->len);
	hcl_end(h);
	hcl_end(h);
	hcl_end(h);
}

/* The bucket policy, when crrc writes it (a bucket it creates): an
 * existing bucket's is its owner's (owner.h). */
static void bucket_policy_resource(struct tf *t, struct hcl *h, const struct ds_bucket *b)
{
	json_t *policy = b->policy_by == DS_WRITER_CRRC ? iam_bucket_policy(b) : NULL;
	if (!policy)
		return;
	hcl_block(h, "resource \"aws_s3_bucket_policy\" \"%s\"", tf_name(t, b));
	hcl_attr(h, "provider", "%s", tf_provider(t, b)->ref);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, b));
	hcl_attr_jsonencode(h, "policy", policy, tf_ref_subst, t);
	hcl_end(h);
	json_decref(policy);
}

static void buckets_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	tf_file_begin(t, &h, o, "buckets.tf");
	for (size_t i = 0; i < t->ds->nbuckets; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct ds_bucket *b = &t->ds->buckets[i];
		bucket_resource(t, &h, b);
		if (b->kms_key)
			encryption_resource(t, &h, b);
		bucket_policy_resource(t, &h, b);
	}
	tf_file_end(&h, o);
}

static void role_resources(struct tf *t, struct hcl *h, const struct ds_replication *r)
{
	const char *name = tf_name(t, r->source), *provider = tf_provider(t, r->source)->ref;
	json_t *trust = iam_trust_policy(), *policy = iam_role_policy(r);
	hcl_block(h, "resource \"aws_iam_role\" \"%s_replication\"", name);
	hcl_attr(h, "provider", "%s", provider);
	hcl_attr_str(h, "name", r->role.name, strlen(r->role.name));
	const char *what = arena_concat(t->tmp, "S3 replication of ", r->source->name,
					", generated by crrc.", NULL);
	hcl_attr_str(h, "description", what, strlen(what));
	hcl_attr_jsonencode(h, "assume_role_policy", trust, tf_ref_subst, t);
	tf_tags(h, "tags", t->ds->tags);
	hcl_end(h);

	hcl_block(h, "resource \"aws_iam_role_policy\" \"%s_replication\"", name);
	hcl_attr(h, "provider", "%s", provider);
	hcl_attr(h, "name", "\"s3-replication\"");
	hcl_attr(h, "role", "aws_iam_role.%s_replication.id", name);
	hcl_attr_jsonencode(h, "policy", policy, tf_ref_subst, t);
	hcl_end(h);
	json_decref(trust);
	json_decref(policy);
}

static bool replicates(const struct ds_replication *r)
{
	return r->nrules > 0;
}

static bool creates_role(const struct ds_replication *r)
{
	return replicates(r) && r->role.create && r->role.name;
}

static void iam_tf(struct tf *t, struct crrc_sink *o)
{
	bool any = false;
	for (size_t i = 0; i < t->ds->nreplications && !any; i++)
		any = creates_role(&t->ds->replications[i]);
	if (!any)
		return;
	struct hcl h;
	tf_file_begin(t, &h, o, "iam.tf");
	for (size_t i = 0; i < t->ds->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		if (creates_role(&t->ds->replications[i]))
			role_resources(t, &h, &t->ds->replications[i]);
	}
	tf_file_end(&h, o);
}

static void replication_tf(struct tf *t, struct crrc_sink *o)
{
	bool any = false;
	for (size_t i = 0; i < t->ds->nreplications && !any; i++)
		any = replicates(&t->ds->replications[i]);
	if (!any)
		return;
	struct hcl h;
	tf_file_begin(t, &h, o, "replication.tf");
	for (size_t i = 0; i < t->ds->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		if (replicates(&t->ds->replications[i]))
			tf_replication_write(t, &h, &t->ds->replications[i]);
	}
	tf_file_end(&h, o);
}

static void outputs_tf(struct tf *t, struct crrc_sink *o)
{
	struct hcl h;
	tf_file_begin(t, &h, o, "outputs.tf");
	for (size_t i = 0; i < t->ds->nbuckets; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct ds_bucket *b = &t->ds->buckets[i];
		const char *n = tf_name(t, b);
		tf_output(&h, arena_concat(t->tmp, n, "_bucket_arn", NULL),
		       arena_concat(t->tmp, "ARN of the bucket ", b->key, " (", b->name, ").", NULL),
		       tf_bucket_arn(t, b));
	}
	for (size_t i = 0; i < t->ds->nreplications; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct ds_replication *r = &t->ds->replications[i];
		if (!replicates(r) || (!r->role.create && !r->role.arn))
			continue;
		const char *n = tf_name(t, r->source);
		tf_output(&h, arena_concat(t->tmp, n, "_replication_role_arn", NULL),
		       arena_concat(t->tmp, "ARN of the role that replicates ", r->source->key, ".",
				    NULL),
		       tf_role_arn(t, r));
	}
	tf_points_outputs(t, &h);
	tf_file_end(&h, o);
}

static bool emit(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d)
{
	struct tf t = {
		.ds = ds,
		.spec_path = opt && opt->spec_path ? opt->spec_path : ds->m->file,
		.arena = arena_create(),
		.tmp = arena_create_sized(64u * 1024u),
	};
	tf_names_plan(&t);
	for (size_t i = 0; o->require && i < ds->naccounts; i++) {
		const char *var = arena_concat(t.tmp, "TF_VAR_", t.account_names[i], "_role_arn", NULL);
		const char *why = arena_concat(t.tmp, "the IAM role Terraform assumes in account ",
					       ds->accounts[i].id, " (variable ", t.account_names[i],
					       "_role_arn)", NULL);
		o->require(o, var, why);
	}
	versions_tf(&t, o);
	providers_tf(&t, o);
	variables_tf(&t, o);
	buckets_tf(&t, o);
	iam_tf(&t, o);
	replication_tf(&t, o);
	tf_points_file(&t, o);
	outputs_tf(&t, o);
	owner_write(ds, opt, o, d);
	arena_destroy(t.tmp);
	arena_destroy(t.arena);
	return true;
}

const struct crrc_target crrc_target_terraform = {
	.name = "terraform",
	.summary = "a Terraform root module (AWS provider 5.x or 6.x)",
	.emit = emit,
};
