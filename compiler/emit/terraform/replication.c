/* tf_replication.c: replication.tf, one aws_s3_bucket_replication_configuration
 * per source bucket, every rule in S3's V2 form (a filter, empty for the
 * whole bucket; a priority; a delete_marker_replication block) and every
 * field of the language mapped to its attribute. existing_objects is never
 * written: S3 no longer accepts ExistingObjectReplication. */
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "emit/terraform/tf.h"

/* S3 Replication Time Control's one threshold, for replication and for the
 * metrics event that goes with it. */
#define RTC_MINUTES 15

static void status_block(struct hcl *h, const char *name, bool on)
{
	hcl_block(h, "%s", name);
	hcl_attr(h, "status", "%s", on ? "\"Enabled\"" : "\"Disabled\"");
	hcl_end(h);
}

static void minutes_block(struct hcl *h, const char *name)
{
	hcl_block(h, "%s", name);
	hcl_attr(h, "minutes", "%d", RTC_MINUTES);
	hcl_end(h);
}

/* Prefix alone, one tag alone, or an `and` of what there is. */
static void filter_block(struct hcl *h, const struct crrc_filter *f)
{
	bool prefix = f->prefix.s != NULL;
	size_t ntags = f->tags.n;
	if (!prefix && ntags == 0) {
		hcl_block_empty(h, "filter");
		return;
	}
	hcl_block(h, "filter");
	if (ntags == 0) {
		hcl_attr_str(h, "prefix", f->prefix.s, f->prefix.len);
	} else if (!prefix && ntags == 1) {
		const struct crrc_tag *g = &f->tags.v[0];
		hcl_block(h, "tag");
		hcl_attr_str(h, "key", g->key.s, g->key.len);
		hcl_attr_str(h, "value", g->value.s ? g->value.s : "", g->value.len);
		hcl_end(h);
	} else {
		hcl_block(h, "and");
		if (prefix)
			hcl_attr_str(h, "prefix", f->prefix.s, f->prefix.len);
		tf_tags(h, "tags", &f->tags);
		hcl_end(h);
	}
	hcl_end(h);
}

static void source_selection_block(struct hcl *h, const struct crrc_rule *rule)
{
	if (!rule->replica_modifications.v && !rule->sse_kms_objects.v)
		return;
	hcl_block(h, "source_selection_criteria");
	if (rule->replica_modifications.v)
		status_block(h, "replica_modifications", true);
	if (rule->sse_kms_objects.v)
		status_block(h, "sse_kms_encrypted_objects", true);
	hcl_end(h);
}

static void destination_block(struct tf *t, struct hcl *h, const struct crrc_rule *rule)
{
	const struct crrc_bucket *d = rule->dest;
	bool override = rule->owner_destination && d->account_id;
	hcl_block(h, "destination");
	hcl_attr(h, "bucket", "%s", tf_bucket_arn(t, d));
	if (rule->storage_class.s)
		hcl_attr_str(h, "storage_class", rule->storage_class.s, rule->storage_class.len);
	if (override) {
		hcl_attr_str(h, "account", d->account_id, strlen(d->account_id));
		hcl_block(h, "access_control_translation");
		hcl_attr(h, "owner", "\"Destination\"");
		hcl_end(h);
	}
	if (rule->sse_kms_objects.v && rule->replica_kms_key.s) {
		hcl_block(h, "encryption_configuration");
		hcl_attr_str(h, "replica_kms_key_id", rule->replica_kms_key.s,
			     rule->replica_kms_key.len);
		hcl_end(h);
	}
	if (rule->rtc.v) {
		hcl_block(h, "replication_time");
		hcl_attr(h, "status", "\"Enabled\"");
		minutes_block(h, "time");
		hcl_end(h);
	}
	if (rule->metrics.v) {
		/* S3 refuses an event threshold without RTC. */
		hcl_block(h, "metrics");
		hcl_attr(h, "status", "\"Enabled\"");
		if (rule->rtc.v)
			minutes_block(h, "event_threshold");
		hcl_end(h);
	}
	hcl_end(h);
}

static void rule_block(struct tf *t, struct hcl *h, const struct crrc_rule *rule)
{
	hcl_block(h, "rule");
	hcl_attr_str(h, "id", rule->id.s, rule->id.len);
	hcl_attr(h, "priority", "%lld", rule->priority.v);
	bool enabled = !rule->enabled.set || rule->enabled.v; /* default: true */
	hcl_attr(h, "status", "%s", enabled ? "\"Enabled\"" : "\"Disabled\"");
	filter_block(h, &rule->filter);
	status_block(h, "delete_marker_replication", rule->delete_markers.v);
	source_selection_block(h, rule);
	destination_block(t, h, rule);
	hcl_end(h);
}

/* Replication needs versioning on both ends before the configuration is
 * put, and the role's permissions before the first object moves. */
static void depends_on(struct tf *t, struct hcl *h, const struct crrc_replication *r)
{
	struct strmap *seen = strmap_create(t->tmp, r->nrules);
	hcl_attr_open(h, "depends_on", "[");
	hcl_item(h, "aws_s3_bucket_versioning.%s", tf_bucket_of(t, r->src)->name);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_bucket *d = r->rules[i].dest;
		if (!d || !strmap_put(seen, d->key.s, d->key.len, (void *)d, NULL))
			continue;
		hcl_item(h, "aws_s3_bucket_versioning.%s", tf_bucket_of(t, d)->name);
	}
	if (r->role_generated)
		hcl_item(h, "aws_iam_role_policy.%s_replication", tf_bucket_of(t, r->src)->name);
	hcl_attr_close(h, "]");
}

void tf_replication_write(struct tf *t, struct hcl *h, const struct crrc_replication *r)
{
	const struct tf_bucket *tb = tf_bucket_of(t, r->src);
	hcl_block(h, "resource \"aws_s3_bucket_replication_configuration\" \"%s\"", tb->name);
	hcl_attr(h, "provider", "%s", tb->provider);
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, r->src));
	hcl_attr(h, "role", "%s", tf_role_arn(t, r));
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].dest)
			rule_block(t, h, &r->rules[i]);
	depends_on(t, h, r);
	hcl_end(h);
}
