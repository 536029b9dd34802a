/* check_s3_size.c: what S3 would refuse for its size, measured on the
 * documents made from the desired state (model/s3xml.c, model/iam.c), as
 * role_size.c measures the role's policy:
 *
 *  - a replication configuration: "The maximum size of a replication
 *    configuration is 2 MB" (S3 API reference, ReplicationConfiguration),
 *    taken as 2 MiB of the XML body of PutBucketReplication (E077, at the
 *    entry);
 *  - a bucket policy: "Bucket policies are limited to 20 KB in size" (S3
 *    User Guide, Bucket policies and user policies), taken as 20 KiB of the
 *    policy's compact JSON (E078, at the destination bucket whose policy
 *    admits the roles of entries in other accounts).
 *
 * Cheap first: an upper bound of each document's size, from the lengths of
 * the strings that go into it, in one pass over the rules. Only a document
 * whose bound is over its limit is made (and the desired state, once): a
 * spec of 20,000 buckets with a few rules each never comes near. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/ptrmap.h"
#include "check/checks.h"
#include "diag/diag.h"
#include "model/iam.h"
#include "model/s3xml.h"

#define S3_REPLICATION_MAX (2u * 1024u * 1024u)
#define S3_BUCKET_POLICY_MAX (20u * 1024u)

/* An escaped character takes at most 6 bytes ("&#x9;", "\u0007"). */
#define ESC 6

static size_t tags_len(const struct crrc_tags *t)
{
	size_t n = 0;
	for (size_t i = 0; i < t->n; i++)
		n += 64 + ESC * (crrc_textlen(&t->v[i].key) + crrc_textlen(&t->v[i].value));
	return n;
}

/* At most the bytes rule takes in the XML (its elements, its strings
 * escaped), and in a destination's policy for the entry it belongs to. */
static size_t rule_xml_bound(const struct crrc_rule *rule)
{
	const struct crrc_bucket *d = rule->dest;
	return 1024 + ESC * (crrc_textlen(&rule->id) + crrc_textlen(&rule->filter.prefix) +
			     crrc_textlen(&rule->storage_class) +
			     crrc_textlen(&rule->replica_kms_key) + (d ? d->name.len : 0)) +
	       tags_len(&rule->filter.tags);
}

static size_t admit_bound(const struct crrc_replication *r, const struct crrc_bucket *dest)
{
	return 512 + ESC * (r->src->key.len + dest->name.len + crrc_textlen(&r->role) +
			    (r->role_name ? strlen(r->role_name) : 0));
}

static size_t policy_size(const struct ds_bucket *b)
{
	json_t *policy = iam_bucket_policy(b);
	char *text = policy ? json_dumps(policy, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	size_t len = text ? strlen(text) : 0;
	free(text);
	json_decref(policy);
	return len;
}

static void replication_check(struct crrc_diags *d, const struct ds_replication *r,
			      struct ptrmap *memo)
{
	size_t len = s3xml_replication_size(r, memo);
	if (len > S3_REPLICATION_MAX)
		diags_add(d, CRRC_E077, r->spec->source.pos,
			  "the replication configuration of '%s' is %zu bytes of XML, over the "
			  "2 MB (%u bytes) S3 takes: shorten its rule ids, prefixes and filter tags, "
			  "or replicate with fewer rules",
			  r->source->key, len, S3_REPLICATION_MAX);
}

static void policy_check(struct crrc_diags *d, const struct ds_bucket *b)
{
	size_t len = policy_size(b);
	if (len > S3_BUCKET_POLICY_MAX)
		diags_add(d, CRRC_E078, b->spec->key.pos,
			  "the bucket policy of '%s' is %zu bytes: it admits the roles of %zu "
			  "replication entries in other accounts, and S3 allows 20 KB (%u bytes) in "
			  "a bucket policy; replicate into it from fewer sources, or from sources in "
			  "its own account",
			  b->key, len, b->nadmits, S3_BUCKET_POLICY_MAX);
}

void check_s3_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	size_t *admits = arena_array(a, m->nbuckets ? m->nbuckets : 1, sizeof(*admits));
	bool *big = arena_array(a, m->nreplications ? m->nreplications : 1, sizeof(*big));
	bool any = false;
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		if (!r->src)
			continue;
		size_t xml = 512 + ESC * crrc_textlen(&r->role);
		for (size_t j = 0; j < r->nrules; j++) {
			xml += rule_xml_bound(&r->rules[j]);
			if (r->rules[j].dest)
				admits[r->rules[j].dest->index] += admit_bound(r, r->rules[j].dest);
		}
		any |= big[i] = xml > S3_REPLICATION_MAX;
	}
	for (size_t b = 0; b < m->nbuckets; b++)
		any |= admits[b] > S3_BUCKET_POLICY_MAX;
	if (!any)
		return;
	struct crrc_desired *ds = desired_create(m);
	struct ptrmap *memo = ptrmap_create(a, 64);
	for (size_t i = 0; i < ds->nreplications; i++)
		if (big[ds->replications[i].spec - m->replications])
			replication_check(d, &ds->replications[i], memo);
	for (size_t b = 0; b < ds->nbuckets; b++)
		if (admits[b] > S3_BUCKET_POLICY_MAX && ds->buckets[b].nadmits)
			policy_check(d, &ds->buckets[b]);
	desired_destroy(ds);
}
