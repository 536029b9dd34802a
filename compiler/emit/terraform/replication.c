/* replication.c: replication.tf, one aws_s3_bucket_replication_configuration
 * per source bucket: each rule of the desired state, in its V2 shape, as
 * Terraform's blocks. */
#include <string.h>

#include "base/arena.h"
#include "emit/terraform/tf.h"

static void status_block(struct hcl *h, const char *name, bool on)
{
	hcl_block(h, "%s", name);
	hcl_attr(h, "status", "%s", on ? "\"Enabled\"" : "\"Disabled\"");
	hcl_end(h);
}

static void minutes_block(struct hcl *h, const char *name, int minutes)
{
	hcl_block(h, "%s", name);
	hcl_attr(h, "minutes", "%d", minutes);
	hcl_end(h);
}

/* The filter in its form; the empty prefix (every object) is an empty
 * block. */
static void filter_block(struct hcl *h, const struct ds_rule *rule)
{
	const struct crrc_str *prefix = rule->prefix;
	if (rule->filter == DS_FILTER_PREFIX && !prefix) {
		hcl_block_empty(h, "filter");
		return;
	}
	hcl_block(h, "filter");
	if (rule->filter == DS_FILTER_PREFIX) {
		hcl_attr_str(h, "prefix", prefix->s, prefix->len);
	} else if (rule->filter == DS_FILTER_TAG) {
		const struct crrc_tag *g = &rule->tags->v[0];
		hcl_block(h, "tag");
		hcl_attr_str(h, "key", g->key.s, g->key.len);
		hcl_attr_str(h, "value", g->value.s ? g->value.s : "", g->value.len);
		hcl_end(h);
	} else {
		hcl_block(h, "and");
		if (prefix)
			hcl_attr_str(h, "prefix", prefix->s, prefix->len);
		tf_tags(h, "tags", rule->tags);
		hcl_end(h);
	}
	hcl_end(h);
}

static void source_selection_block(struct hcl *h, const struct ds_rule *rule)
{
	if (!rule->replica_modifications && !rule->sse_kms_objects)
		return;
	hcl_block(h, "source_selection_criteria");
	if (rule->replica_modifications)
		status_block(h, "replica_modifications", true);
	if (rule->sse_kms_objects)
		status_block(h, "sse_kms_encrypted_objects", true);
	hcl_end(h);
}

static void destination_block(struct tf *t, struct hcl *h, const struct ds_rule *rule)
{
	hcl_block(h, "destination");
	hcl_attr(h, "bucket", "%s", tf_bucket_arn(t, rule->dest));
	if (rule->storage_class)
		hcl_attr_str(h, "storage_class", rule->storage_class->s, rule->storage_class->len);
	if (rule->owner_override) {
		hcl_attr_str(h, "account", rule->dest_account, strlen(rule->dest_account));
		hcl_block(h, "access_control_translation");
		hcl_attr(h, "owner", "\"Destination\"");
		hcl_end(h);
	}
	if (rule->replica_kms_key) {
		hcl_block(h, "encryption_configuration");
		hcl_attr_str(h, "replica_kms_key_id", rule->replica_kms_key->s,
			     rule->replica_kms_key->len);
		hcl_end(h);
	}
	if (rule->rtc_minutes) {
		hcl_block(h, "replication_time");
		hcl_attr(h, "status", "\"Enabled\"");
		minutes_block(h, "time", rule->rtc_minutes);
		hcl_end(h);
	}
	if (rule->metrics) {
		hcl_block(h, "metrics");
		hcl_attr(h, "status", "\"Enabled\"");
		if (rule->metrics_minutes)
			minutes_block(h, "event_threshold", rule->metrics_minutes);
		hcl_end(h);
	}
	hcl_end(h);
}

static void rule_block(struct tf *t, struct hcl *h, const struct ds_rule *rule)
{
	hcl_block(h, "rule");
	hcl_attr_str(h, "id", rule->id->s, rule->id->len);
	hcl_attr(h, "priority", "%lld", rule->priority);
	hcl_attr(h, "status", "%s", rule->enabled ? "\"Enabled\"" : "\"Disabled\"");
	filter_block(h, rule);
	status_block(h, "delete_marker_replication", rule->delete_markers);
	source_selection_block(h, rule);
	destination_block(t, h, rule);
	hcl_end(h);
}

/* Replication needs versioning on both ends before the configuration is
 * put, and the role's permissions before the first object moves. */
static void depends_on(struct tf *t, struct hcl *h, const struct ds_replication *r)
{
	hcl_attr_open(h, "depends_on", "[");
	hcl_item(h, "aws_s3_bucket_versioning.%s", tf_name(t, r->source));
	for (size_t i = 0; i < r->ndests; i++)
		hcl_item(h, "aws_s3_bucket_versioning.%s", tf_name(t, r->dests[i].bucket));
	if (r->role.create)
		hcl_item(h, "aws_iam_role_policy.%s_replication", tf_name(t, r->source));
	hcl_attr_close(h, "]");
}

void tf_replication_write(struct tf *t, struct hcl *h, const struct ds_replication *r)
{
	const struct tf_provider *p = tf_provider(t, r->source);
	hcl_block(h, "resource \"aws_s3_bucket_replication_configuration\" \"%s\"",
		  tf_name(t, r->source));
	hcl_attr(h, "provider", "%s", p->ref);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, r->source));
	hcl_attr(h, "role", "%s", tf_role_arn(t, r));
	for (size_t i = 0; i < r->nrules; i++)
		rule_block(t, h, &r->rules[i]);
	depends_on(t, h, r);
	hcl_end(h);
}
