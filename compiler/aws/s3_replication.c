/* s3_replication.c: S3's replication configuration read from XML with
 * libxml2 (by local name, namespaces ignored, unknown elements skipped)
 * into struct s3_replication, written back with libxml2 in the order of
 * the S3 API model (botocore's service-2.json: ReplicationRule is ID,
 * Priority, Prefix, Filter, Status, SourceSelectionCriteria,
 * ExistingObjectReplication, Destination, DeleteMarkerReplication), and
 * the two requests that carry it. The comparison is
 * s3_replication_diff.c's. */
#include "aws/s3_replication.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"
#include "base/oom.h"

/* A parse in progress: where its first error goes. */
struct rparse {
	char *err;
	size_t errlen;
	bool failed;
};

static void fail(struct rparse *p, const char *what, const char *text)
{
	if (!p->failed)
		api_fail(p->err, p->errlen, "%s '%s'", what, text ? text : "");
	p->failed = true;
}

/* The Status child of n: Enabled, Disabled, or absent. */
static enum s3_status status_in(struct rparse *p, const xmlNode *n)
{
	char *t = api_xml_child_text(n, "Status");
	enum s3_status s = !t				? S3_STATUS_ABSENT
			   : strcmp(t, "Enabled") == 0	? S3_STATUS_ENABLED
			   : strcmp(t, "Disabled") == 0 ? S3_STATUS_DISABLED
							: S3_STATUS_ABSENT;
	if (t && s == S3_STATUS_ABSENT)
		fail(p, "a Status that is neither Enabled nor Disabled:", t);
	free(t);
	return s;
}

/* The Status of n's child element name; ABSENT when there is none. */
static enum s3_status status_of(struct rparse *p, const xmlNode *n, const char *name)
{
	xmlNode *c = api_xml_child(n, name);
	return c ? status_in(p, c) : S3_STATUS_ABSENT;
}

/* The Minutes under n's child name (n/name/Minutes); -1 when absent. */
static int minutes_of(struct rparse *p, const xmlNode *n, const char *name)
{
	char *t = api_xml_child_text(api_xml_child(n, name), "Minutes");
	long long v = -1;
	if (t && !api_parse_ll(t, 0, 1000000, &v))
		fail(p, "Minutes that are not a number:", t);
	free(t);
	return (int)v;
}

static void parse_filter(struct rparse *p, const xmlNode *f, struct s3_rule *r)
{
	xmlNode *prefix = api_xml_child(f, "Prefix"), *tag = api_xml_child(f, "Tag");
	xmlNode *and = api_xml_child(f, "And");
	if (!f)
		r->filter = S3_FILTER_NONE;
	else if ((prefix != NULL) + (tag != NULL) + (and != NULL) > 1)
		fail(p, "a Filter with more than one of Prefix, Tag and And:", "");
	else if (prefix) {
		r->filter = S3_FILTER_PREFIX;
		r->filter_prefix = api_xml_text(prefix);
	} else if (tag) {
		r->filter = S3_FILTER_TAG;
		char *k = api_xml_child_text(tag, "Key"), *v = api_xml_child_text(tag, "Value");
		aws_tags_add(&r->filter_tags, k, v);
		free(k);
		free(v);
	} else if (and) {
		r->filter = S3_FILTER_AND;
		r->filter_prefix = api_xml_child_text(and, "Prefix");
		api_xml_tags(and, "Tag", &r->filter_tags);
	} else
		r->filter = S3_FILTER_EMPTY;
}

static void parse_destination(struct rparse *p, const xmlNode *d, struct s3_destination *out)
{
	out->bucket = api_xml_child_text(d, "Bucket");
	out->account = api_xml_child_text(d, "Account");
	out->storage_class = api_xml_child_text(d, "StorageClass");
	out->owner = api_xml_child_text(api_xml_child(d, "AccessControlTranslation"), "Owner");
	xmlNode *enc = api_xml_child(d, "EncryptionConfiguration");
	out->encryption_configuration = enc != NULL;
	out->replica_kms_key_id = api_xml_child_text(enc, "ReplicaKmsKeyID");
	xmlNode *rtc = api_xml_child(d, "ReplicationTime");
	out->rtc = rtc ? status_in(p, rtc) : S3_STATUS_ABSENT;
	out->rtc_minutes = minutes_of(p, rtc, "Time");
	xmlNode *metrics = api_xml_child(d, "Metrics");
	out->metrics = metrics ? status_in(p, metrics) : S3_STATUS_ABSENT;
	out->metrics_minutes = minutes_of(p, metrics, "EventThreshold");
}

static void parse_rule(struct rparse *p, const xmlNode *n, struct s3_rule *r)
{
	r->id = api_xml_child_text(n, "ID");
	char *prio = api_xml_child_text(n, "Priority");
	if (prio) {
		r->has_priority = api_parse_ll(prio, -2147483648LL, 2147483647LL, &r->priority);
		if (!r->has_priority)
			fail(p, "a Priority that is not an integer:", prio);
		free(prio);
	}
	r->prefix = api_xml_child_text(n, "Prefix");
	parse_filter(p, api_xml_child(n, "Filter"), r);
	r->status = status_in(p, n);
	xmlNode *ssc = api_xml_child(n, "SourceSelectionCriteria");
	r->source_selection = ssc != NULL;
	r->sse_kms_encrypted_objects = status_of(p, ssc, "SseKmsEncryptedObjects");
	r->replica_modifications = status_of(p, ssc, "ReplicaModifications");
	r->existing_objects = status_of(p, n, "ExistingObjectReplication");
	r->delete_markers = status_of(p, n, "DeleteMarkerReplication");
	r->dest.rtc_minutes = r->dest.metrics_minutes = -1;
	xmlNode *d = api_xml_child(n, "Destination");
	if (d)
		parse_destination(p, d, &r->dest);
}

bool s3_replication_parse(const char *xml, size_t len, struct s3_replication *out, char *err,
			  size_t errlen)
{
	memset(out, 0, sizeof(*out));
	xmlDoc *doc = api_xml_read(xml, len, "ReplicationConfiguration", err, errlen);
	if (!doc)
		return false;
	xmlNode *root = xmlDocGetRootElement(doc);
	struct rparse p = {err, errlen, false};
	out->role = api_xml_child_text(root, "Role");
	size_t n = 0;
	for (xmlNode *r = api_xml_child(root, "Rule"); r; r = api_xml_next(r, "Rule"))
		n++;
	out->rules = n ? xcalloc(n, sizeof(*out->rules)) : NULL;
	for (xmlNode *r = api_xml_child(root, "Rule"); r; r = api_xml_next(r, "Rule"))
		parse_rule(&p, r, &out->rules[out->nrules++]);
	xmlFreeDoc(doc);
	if (p.failed)
		s3_replication_free(out);
	return !p.failed;
}

static void free_rule(struct s3_rule *r)
{
	free(r->id);
	free(r->prefix);
	free(r->filter_prefix);
	aws_tags_free(&r->filter_tags);
	free(r->dest.bucket);
	free(r->dest.account);
	free(r->dest.storage_class);
	free(r->dest.owner);
	free(r->dest.replica_kms_key_id);
}

void s3_replication_free(struct s3_replication *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->nrules; i++)
		free_rule(&r->rules[i]);
	free(r->rules);
	free(r->role);
	memset(r, 0, sizeof(*r));
}

static const char *status_text(enum s3_status s)
{
	return s == S3_STATUS_ENABLED ? "Enabled" : "Disabled";
}

/* <name><Status>..</Status></name> when s is not ABSENT. */
static xmlNode *put_status(xmlNode *parent, const char *name, enum s3_status s)
{
	if (s == S3_STATUS_ABSENT)
		return NULL;
	xmlNode *n = api_xml_add(parent, name, NULL);
	api_xml_add(n, "Status", status_text(s));
	return n;
}

static void put_opt(xmlNode *parent, const char *name, const char *text)
{
	if (text)
		api_xml_add(parent, name, text);
}

/* <outer><Minutes>m</Minutes></outer> when m is not -1. */
static void put_minutes(xmlNode *parent, const char *outer, int m)
{
	if (m < 0)
		return;
	char num[16];
	snprintf(num, sizeof(num), "%d", m);
	api_xml_add(api_xml_add(parent, outer, NULL), "Minutes", num);
}

static void put_tag(xmlNode *parent, const struct aws_tag *t)
{
	xmlNode *n = api_xml_add(parent, "Tag", NULL);
	api_xml_add(n, "Key", t->key);
	api_xml_add(n, "Value", t->value);
}

static void put_filter(xmlNode *rule, const struct s3_rule *r)
{
	if (r->filter == S3_FILTER_NONE)
		return;
	xmlNode *f = api_xml_add(rule, "Filter", NULL);
	if (r->filter == S3_FILTER_PREFIX)
		api_xml_add(f, "Prefix", r->filter_prefix ? r->filter_prefix : "");
	else if (r->filter == S3_FILTER_TAG && r->filter_tags.n)
		put_tag(f, &r->filter_tags.v[0]);
	else if (r->filter == S3_FILTER_AND) {
		xmlNode *and = api_xml_add(f, "And", NULL);
		put_opt(and, "Prefix", r->filter_prefix);
		for (size_t i = 0; i < r->filter_tags.n; i++)
			put_tag(and, &r->filter_tags.v[i]);
	}
}

static void put_destination(xmlNode *rule, const struct s3_destination *d)
{
	xmlNode *n = api_xml_add(rule, "Destination", NULL);
	put_opt(n, "Bucket", d->bucket);
	put_opt(n, "Account", d->account);
	put_opt(n, "StorageClass", d->storage_class);
	if (d->owner)
		api_xml_add(api_xml_add(n, "AccessControlTranslation", NULL), "Owner", d->owner);
	if (d->encryption_configuration || d->replica_kms_key_id)
		put_opt(api_xml_add(n, "EncryptionConfiguration", NULL), "ReplicaKmsKeyID",
			d->replica_kms_key_id);
	xmlNode *rtc = put_status(n, "ReplicationTime", d->rtc);
	if (rtc)
		put_minutes(rtc, "Time", d->rtc_minutes);
	xmlNode *metrics = put_status(n, "Metrics", d->metrics);
	if (metrics)
		put_minutes(metrics, "EventThreshold", d->metrics_minutes);
}

static void put_rule(xmlNode *root, const struct s3_rule *r)
{
	xmlNode *n = api_xml_add(root, "Rule", NULL);
	put_opt(n, "ID", r->id);
	if (r->has_priority) {
		char num[24];
		snprintf(num, sizeof(num), "%lld", r->priority);
		api_xml_add(n, "Priority", num);
	}
	put_opt(n, "Prefix", r->prefix);
	put_filter(n, r);
	if (r->status != S3_STATUS_ABSENT)
		api_xml_add(n, "Status", status_text(r->status));
	if (r->source_selection || r->sse_kms_encrypted_objects || r->replica_modifications) {
		xmlNode *ssc = api_xml_add(n, "SourceSelectionCriteria", NULL);
		put_status(ssc, "SseKmsEncryptedObjects", r->sse_kms_encrypted_objects);
		put_status(ssc, "ReplicaModifications", r->replica_modifications);
	}
	put_status(n, "ExistingObjectReplication", r->existing_objects);
	put_destination(n, &r->dest);
	put_status(n, "DeleteMarkerReplication", r->delete_markers);
}

static xmlDoc *replication_doc(const struct s3_replication *r)
{
	xmlNode *root;
	xmlDoc *doc = api_xml_new("ReplicationConfiguration", &root);
	put_opt(root, "Role", r->role);
	for (size_t i = 0; i < r->nrules; i++)
		put_rule(root, &r->rules[i]);
	return doc;
}

void s3_replication_xml(const struct s3_replication *r, struct buf *out)
{
	api_xml_finish(replication_doc(r), out);
}

struct aws_request *s3_get_replication(const char *endpoint, const char *path_prefix,
				       const char *region)
{
	struct aws_request *req = api_request("GET", endpoint, path_prefix, region, "s3");
	if (req)
		aws_request_add_query(req, "replication", NULL);
	return req;
}

enum aws_read s3_get_replication_parse(const struct aws_response *r, struct s3_replication *out,
				       char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, "ReplicationConfigurationNotFoundError", err, errlen);
	return s3_replication_parse(r->body.data, r->body.len, out, err, errlen) ? AWS_READ_OK
										  : AWS_READ_FAILED;
}

struct aws_request *s3_put_replication(const char *endpoint, const char *path_prefix,
				       const char *region, const struct s3_replication *r)
{
	struct aws_request *req = api_request("PUT", endpoint, path_prefix, region, "s3");
	if (!req)
		return NULL;
	aws_request_add_query(req, "replication", NULL);
	api_xml_body(req, replication_doc(r));
	return req;
}
