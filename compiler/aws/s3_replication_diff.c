/* s3_replication_diff.c: two replication configurations compared as S3
 * understands them, not as text. Rules are matched by ID; each field is
 * normalised first, so that what S3 answers for what crrc wrote compares
 * equal to it. The normalisations, with their source (the S3 API
 * reference, whose text botocore's s3 service-2.json carries):
 *
 * - An absent Status of DeleteMarkerReplication, SourceSelectionCriteria's
 *   SseKmsEncryptedObjects and ReplicaModifications, ExistingObjectReplication,
 *   ReplicationTime and Metrics is Disabled: each is a feature S3 turns on
 *   only when asked ("Amazon S3 doesn't replicate replica modifications by
 *   default", SourceSelectionCriteria; "By default, Amazon S3 doesn't
 *   replicate objects that are stored at rest using server-side encryption
 *   with KMS keys", PutBucketReplication; DeleteMarkerReplication,
 *   ReplicationTime, Metrics and ExistingObjectReplication are containers
 *   whose absence means the feature is off).
 * - The filter is the set of objects it selects: an absent Filter, an empty
 *   Filter and Prefix "" all select every object ("To include all objects
 *   in a bucket, specify an empty string", ReplicationRule Prefix); an And
 *   only "wraps" a Prefix and Tags ("This element is required only if you
 *   specify more than one filter", ReplicationRuleAndOperator), so an And
 *   with only a Prefix equals that Prefix, one with only one Tag equals that
 *   Tag, and an And's Prefix "" equals none; the tags of an And are a set
 *   (an object must have all of them), so their order is irrelevant. The
 *   rule's own Prefix (the V1 form) is compared as a field of its own, so
 *   that a V1 rule never passes for a V2 one.
 * - The Minutes of a ReplicationTime, and the EventThreshold of Metrics,
 *   are compared only when the wanted Status is Enabled: a disabled S3 RTC
 *   has no time and disabled metrics no threshold.
 * - Every other field (Role, ID, Priority, Status, Destination's Bucket,
 *   Account, StorageClass, AccessControlTranslation Owner, ReplicaKmsKeyID)
 *   is compared as text, absent as "": S3 has no default for them that is
 *   the same as a value (an absent StorageClass is "the storage class of
 *   the source object", not STANDARD). */
#include "aws/s3_replication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/oom.h"

struct diff {
	void (*each)(const char *rule_id, const char *field, const char *want, const char *have,
		     void *ud);
	void *ud;
	size_t n;
};

static void report(struct diff *d, const char *id, const char *field, const char *want,
		   const char *have)
{
	d->n++;
	if (d->each)
		d->each(id, field, want, have, d->ud);
}

static const char *str(const char *s)
{
	return s ? s : "";
}

static void cmp_str(struct diff *d, const char *id, const char *field, const char *want,
		    const char *have)
{
	if (strcmp(str(want), str(have)) != 0)
		report(d, id, field, str(want), str(have));
}

/* Absent is Disabled. */
static const char *status(enum s3_status s)
{
	return s == S3_STATUS_ENABLED ? "Enabled" : "Disabled";
}

static void cmp_status(struct diff *d, const char *id, const char *field, enum s3_status want,
		       enum s3_status have)
{
	cmp_str(d, id, field, status(want), status(have));
}

static void minutes_text(int m, char out[16])
{
	if (m < 0)
		out[0] = '\0';
	else
		snprintf(out, 16, "%d", m);
}

static void cmp_minutes(struct diff *d, const char *id, const char *field, int want, int have)
{
	char w[16], h[16];
	minutes_text(want, w);
	minutes_text(have, h);
	cmp_str(d, id, field, w, h);
}

/* The prefix the filter selects by ("" for all). */
static const char *filter_prefix(const struct s3_rule *r)
{
	return r->filter == S3_FILTER_PREFIX || r->filter == S3_FILTER_AND ? str(r->filter_prefix)
									    : "";
}

static int tag_cmp(const void *a, const void *b)
{
	const struct aws_tag *x = *(const struct aws_tag *const *)a;
	const struct aws_tag *y = *(const struct aws_tag *const *)b;
	int c = strcmp(x->key, y->key);
	return c ? c : strcmp(x->value, y->value);
}

/* The filter's tags, sorted by key then value; *n gets how many. */
static const struct aws_tag **filter_tags(const struct s3_rule *r, size_t *n)
{
	*n = r->filter == S3_FILTER_TAG || r->filter == S3_FILTER_AND ? r->filter_tags.n : 0;
	const struct aws_tag **v = xcalloc(*n + 1, sizeof(*v));
	for (size_t i = 0; i < *n; i++)
		v[i] = &r->filter_tags.v[i];
	qsort(v, *n, sizeof(*v), tag_cmp);
	return v;
}

/* Sorted tags as "key=value" joined by ", ", for the report. */
static char *tags_text(const struct aws_tag **v, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%s%s=%s", i ? ", " : "", v[i]->key, v[i]->value);
	return buf_detach(&b, NULL);
}

static void cmp_filter(struct diff *d, const char *id, const struct s3_rule *w,
		       const struct s3_rule *h)
{
	cmp_str(d, id, "Filter.Prefix", filter_prefix(w), filter_prefix(h));
	size_t nw, nh;
	const struct aws_tag **wt = filter_tags(w, &nw), **ht = filter_tags(h, &nh);
	bool same = nw == nh;
	for (size_t i = 0; same && i < nw; i++)
		same = tag_cmp(&wt[i], &ht[i]) == 0;
	if (!same) {
		char *ws = tags_text(wt, nw), *hs = tags_text(ht, nh);
		report(d, id, "Filter.Tags", ws, hs);
		free(ws);
		free(hs);
	}
	free(wt);
	free(ht);
}

static void cmp_destination(struct diff *d, const char *id, const struct s3_destination *w,
			    const struct s3_destination *h)
{
	cmp_str(d, id, "Destination.Bucket", w->bucket, h->bucket);
	cmp_str(d, id, "Destination.Account", w->account, h->account);
	cmp_str(d, id, "Destination.StorageClass", w->storage_class, h->storage_class);
	cmp_str(d, id, "Destination.AccessControlTranslation.Owner", w->owner, h->owner);
	cmp_str(d, id, "Destination.EncryptionConfiguration.ReplicaKmsKeyID",
		w->replica_kms_key_id, h->replica_kms_key_id);
	cmp_status(d, id, "Destination.ReplicationTime.Status", w->rtc, h->rtc);
	if (w->rtc == S3_STATUS_ENABLED)
		cmp_minutes(d, id, "Destination.ReplicationTime.Time.Minutes", w->rtc_minutes,
			    h->rtc_minutes);
	cmp_status(d, id, "Destination.Metrics.Status", w->metrics, h->metrics);
	if (w->metrics == S3_STATUS_ENABLED)
		cmp_minutes(d, id, "Destination.Metrics.EventThreshold.Minutes",
			    w->metrics_minutes, h->metrics_minutes);
}

static void cmp_rule(struct diff *d, const struct s3_rule *w, const struct s3_rule *h)
{
	const char *id = str(w->id);
	char wp[24] = "", hp[24] = "";
	if (w->has_priority)
		snprintf(wp, sizeof(wp), "%lld", w->priority);
	if (h->has_priority)
		snprintf(hp, sizeof(hp), "%lld", h->priority);
	cmp_str(d, id, "Priority", wp, hp);
	cmp_str(d, id, "Status", w->status == S3_STATUS_ABSENT ? "" : status(w->status),
		h->status == S3_STATUS_ABSENT ? "" : status(h->status));
	cmp_str(d, id, "Prefix", w->prefix, h->prefix);
	cmp_filter(d, id, w, h);
	cmp_status(d, id, "SourceSelectionCriteria.SseKmsEncryptedObjects.Status",
		   w->sse_kms_encrypted_objects, h->sse_kms_encrypted_objects);
	cmp_status(d, id, "SourceSelectionCriteria.ReplicaModifications.Status",
		   w->replica_modifications, h->replica_modifications);
	cmp_status(d, id, "ExistingObjectReplication.Status", w->existing_objects,
		   h->existing_objects);
	cmp_destination(d, id, &w->dest, &h->dest);
	cmp_status(d, id, "DeleteMarkerReplication.Status", w->delete_markers, h->delete_markers);
}

static int rule_cmp(const void *a, const void *b)
{
	const struct s3_rule *x = *(const struct s3_rule *const *)a;
	const struct s3_rule *y = *(const struct s3_rule *const *)b;
	return strcmp(str(x->id), str(y->id));
}

/* The first rule of sorted[0..n) with w's ID not used yet; NULL if none. */
static const struct s3_rule *match(const struct s3_rule **sorted, size_t n, bool *used,
				   const struct s3_rule *base, const struct s3_rule *w)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (strcmp(str(sorted[mid]->id), str(w->id)) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (; lo < n && strcmp(str(sorted[lo]->id), str(w->id)) == 0; lo++)
		if (!used[sorted[lo] - base]) {
			used[sorted[lo] - base] = true;
			return sorted[lo];
		}
	return NULL;
}

size_t s3_replication_diff(const struct s3_replication *want, const struct s3_replication *have,
			   void (*each)(const char *rule_id, const char *field, const char *want,
					const char *have, void *ud),
			   void *ud)
{
	struct diff d = {each, ud, 0};
	cmp_str(&d, NULL, "Role", want->role, have->role);
	const struct s3_rule **sorted = xcalloc(have->nrules + 1, sizeof(*sorted));
	bool *used = xcalloc(have->nrules + 1, sizeof(*used));
	for (size_t i = 0; i < have->nrules; i++)
		sorted[i] = &have->rules[i];
	qsort(sorted, have->nrules, sizeof(*sorted), rule_cmp);
	for (size_t i = 0; i < want->nrules; i++) {
		const struct s3_rule *w = &want->rules[i];
		const struct s3_rule *h = match(sorted, have->nrules, used, have->rules, w);
		if (h)
			cmp_rule(&d, w, h);
		else
			report(&d, str(w->id), "Rule", str(w->id), NULL);
	}
	for (size_t i = 0; i < have->nrules; i++)
		if (!used[i])
			report(&d, str(have->rules[i].id), "Rule", NULL, str(have->rules[i].id));
	free(sorted);
	free(used);
	return d.n;
}
