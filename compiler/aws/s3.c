/* s3.c: the S3 bucket operations of s3.h: requests built with their
 * subresource query, XML bodies written with libxml2 in S3's namespace
 * and the elements in the order of the S3 API model, answers read with
 * libxml2 by local name. */
#include "aws/s3.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"
#include "aws/s3_object.h"
#include "base/oom.h"

/* method endpoint+path_prefix?sub for a bucket subresource. */
static struct aws_request *bucket_req(const char *method, const char *endpoint,
				      const char *path_prefix, const char *region,
				      const char *sub)
{
	struct aws_request *req = api_request(method, endpoint, path_prefix, region, "s3");
	if (req && sub)
		aws_request_add_query(req, sub, NULL);
	return req;
}

/* The document of a 2xx answer whose root is root; NULL with err set. */
static xmlDoc *answer_doc(const struct aws_response *r, const char *root, char *err,
			  size_t errlen)
{
	return api_xml_read(r->body.data, r->body.len, root, err, errlen);
}

struct aws_request *s3_head_bucket(const char *endpoint, const char *path_prefix,
				   const char *region)
{
	return bucket_req("HEAD", endpoint, path_prefix, region, NULL);
}

enum s3_head s3_head_bucket_parse(const struct aws_response *r, char region[64])
{
	const char *where = aws_response_header(r, "x-amz-bucket-region");
	snprintf(region, 64, "%s", where ? where : "");
	switch (r->status) {
	case 200: return S3_HEAD_EXISTS;
	case 404: return S3_HEAD_ABSENT;
	case 403: return S3_HEAD_FORBIDDEN;
	case 301:
	case 307: return S3_HEAD_MOVED;
	case 400: return where && *where ? S3_HEAD_MOVED : S3_HEAD_FAILED;
	default: return S3_HEAD_FAILED;
	}
}

struct aws_request *s3_create_bucket(const char *endpoint, const char *path_prefix,
				     const char *region, bool object_lock)
{
	struct aws_request *req = bucket_req("PUT", endpoint, path_prefix, region, NULL);
	if (!req)
		return NULL;
	if (object_lock)
		aws_request_set_header(req, "x-amz-bucket-object-lock-enabled", "true");
	/* S3 refuses LocationConstraint us-east-1: that region takes none. */
	if (strcmp(region, "us-east-1") != 0) {
		xmlNode *root;
		xmlDoc *doc = api_xml_new("CreateBucketConfiguration", &root);
		api_xml_add(root, "LocationConstraint", region);
		api_xml_body(req, doc);
	}
	return req;
}

struct aws_request *s3_get_versioning(const char *endpoint, const char *path_prefix,
				      const char *region)
{
	return bucket_req("GET", endpoint, path_prefix, region, "versioning");
}

enum aws_read s3_get_versioning_parse(const struct aws_response *r, enum s3_versioning *out,
				      bool *mfa_delete, char *err, size_t errlen)
{
	*out = S3_VERSIONING_NEVER;
	if (mfa_delete)
		*mfa_delete = false;
	if (!api_ok(r))
		return api_read_error(r, NULL, err, errlen);
	xmlDoc *doc = answer_doc(r, "VersioningConfiguration", err, errlen);
	if (!doc)
		return AWS_READ_FAILED;
	xmlNode *root = xmlDocGetRootElement(doc);
	char *status = api_xml_child_text(root, "Status");
	char *mfa = api_xml_child_text(root, "MfaDelete");
	enum aws_read res = AWS_READ_OK;
	if (status && strcmp(status, "Enabled") == 0)
		*out = S3_VERSIONING_ENABLED;
	else if (status && strcmp(status, "Suspended") == 0)
		*out = S3_VERSIONING_SUSPENDED;
	else if (status) {
		api_fail(err, errlen, "versioning Status '%s'", status);
		res = AWS_READ_FAILED;
	}
	if (mfa_delete)
		*mfa_delete = mfa && strcmp(mfa, "Enabled") == 0;
	free(status);
	free(mfa);
	xmlFreeDoc(doc);
	return res;
}

struct aws_request *s3_put_versioning(const char *endpoint, const char *path_prefix,
				      const char *region, enum s3_versioning status)
{
	if (status == S3_VERSIONING_NEVER)
		return NULL;
	struct aws_request *req = bucket_req("PUT", endpoint, path_prefix, region, "versioning");
	if (!req)
		return NULL;
	xmlNode *root;
	xmlDoc *doc = api_xml_new("VersioningConfiguration", &root);
	api_xml_add(root, "Status", status == S3_VERSIONING_ENABLED ? "Enabled" : "Suspended");
	api_xml_body(req, doc);
	return req;
}

void s3_encryption_free(struct s3_encryption *e)
{
	if (!e)
		return;
	free(e->algorithm);
	free(e->kms_key_id);
	memset(e, 0, sizeof(*e));
}

struct aws_request *s3_get_encryption(const char *endpoint, const char *path_prefix,
				      const char *region)
{
	return bucket_req("GET", endpoint, path_prefix, region, "encryption");
}

enum aws_read s3_get_encryption_parse(const struct aws_response *r, struct s3_encryption *out,
				      char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, "ServerSideEncryptionConfigurationNotFoundError", err,
				      errlen);
	xmlDoc *doc = answer_doc(r, "ServerSideEncryptionConfiguration", err, errlen);
	if (!doc)
		return AWS_READ_FAILED;
	xmlNode *rule = api_xml_child(xmlDocGetRootElement(doc), "Rule");
	xmlNode *def = api_xml_child(rule, "ApplyServerSideEncryptionByDefault");
	out->algorithm = api_xml_child_text(def, "SSEAlgorithm");
	out->kms_key_id = api_xml_child_text(def, "KMSMasterKeyID");
	bool ok = api_xml_child_bool(rule, "BucketKeyEnabled", &out->bucket_key, err, errlen);
	xmlFreeDoc(doc);
	if (!ok)
		s3_encryption_free(out);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *s3_put_encryption(const char *endpoint, const char *path_prefix,
				      const char *region, const struct s3_encryption *e)
{
	if (!e || !e->algorithm)
		return NULL;
	struct aws_request *req = bucket_req("PUT", endpoint, path_prefix, region, "encryption");
	if (!req)
		return NULL;
	xmlNode *root;
	xmlDoc *doc = api_xml_new("ServerSideEncryptionConfiguration", &root);
	xmlNode *rule = api_xml_add(root, "Rule", NULL);
	xmlNode *def = api_xml_add(rule, "ApplyServerSideEncryptionByDefault", NULL);
	api_xml_add(def, "SSEAlgorithm", e->algorithm);
	if (e->kms_key_id)
		api_xml_add(def, "KMSMasterKeyID", e->kms_key_id);
	api_xml_add(rule, "BucketKeyEnabled", e->bucket_key ? "true" : "false");
	api_xml_body(req, doc);
	return req;
}

struct aws_request *s3_get_tagging(const char *endpoint, const char *path_prefix,
				   const char *region)
{
	return bucket_req("GET", endpoint, path_prefix, region, "tagging");
}

enum aws_read s3_get_tagging_parse(const struct aws_response *r, struct aws_tags *out, char *err,
				   size_t errlen)
{
	return api_tagging_parse(r, "NoSuchTagSet", out, err, errlen);
}

struct aws_request *s3_put_tagging(const char *endpoint, const char *path_prefix,
				   const char *region, const struct aws_tags *t)
{
	struct aws_request *req = bucket_req("PUT", endpoint, path_prefix, region, "tagging");
	if (!req)
		return NULL;
	xmlNode *root;
	xmlDoc *doc = api_xml_new("Tagging", &root);
	xmlNode *set = api_xml_add(root, "TagSet", NULL);
	for (size_t i = 0; t && i < t->n; i++) {
		xmlNode *tag = api_xml_add(set, "Tag", NULL);
		api_xml_add(tag, "Key", t->v[i].key);
		api_xml_add(tag, "Value", t->v[i].value);
	}
	api_xml_body(req, doc);
	return req;
}

struct aws_request *s3_get_policy(const char *endpoint, const char *path_prefix,
				  const char *region)
{
	return bucket_req("GET", endpoint, path_prefix, region, "policy");
}

enum aws_read s3_get_policy_parse(const struct aws_response *r, json_t **out, char *err,
				  size_t errlen)
{
	*out = NULL;
	if (!api_ok(r))
		return api_read_error(r, "NoSuchBucketPolicy", err, errlen);
	json_error_t je;
	json_t *doc = json_loadb(r->body.data ? r->body.data : "", r->body.len, 0, &je);
	if (!json_is_object(doc)) {
		api_fail(err, errlen, "the bucket policy is not a JSON object: %s",
			 doc ? "another value" : je.text);
		json_decref(doc);
		return AWS_READ_FAILED;
	}
	*out = doc;
	return AWS_READ_OK;
}

struct aws_request *s3_put_policy(const char *endpoint, const char *path_prefix,
				  const char *region, const json_t *policy)
{
	char *text = policy ? json_dumps(policy, JSON_COMPACT) : NULL;
	struct aws_request *req =
		text ? bucket_req("PUT", endpoint, path_prefix, region, "policy") : NULL;
	if (req)
		api_set_body(req, "application/json", text, strlen(text), true);
	free(text);
	return req;
}

struct aws_request *s3_get_object_lock(const char *endpoint, const char *path_prefix,
				       const char *region)
{
	return bucket_req("GET", endpoint, path_prefix, region, "object-lock");
}

/* <name> of n as a number of days or years, 0 when absent. */
static bool lock_number(const xmlNode *n, const char *name, int *out, char *err, size_t errlen)
{
	char *t = api_xml_child_text(n, name);
	long long v = 0;
	bool ok = !t || api_parse_ll(t, 1, 36500, &v);
	if (!ok)
		api_fail(err, errlen, "DefaultRetention %s '%s'", name, t);
	*out = (int)v;
	free(t);
	return ok;
}

enum aws_read s3_get_object_lock_parse(const struct aws_response *r, struct s3_object_lock *out,
				       char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, "ObjectLockConfigurationNotFoundError", err, errlen);
	xmlDoc *doc = answer_doc(r, "ObjectLockConfiguration", err, errlen);
	if (!doc)
		return AWS_READ_FAILED;
	xmlNode *root = xmlDocGetRootElement(doc);
	char *enabled = api_xml_child_text(root, "ObjectLockEnabled");
	out->enabled = enabled && strcmp(enabled, "Enabled") == 0;
	free(enabled);
	xmlNode *ret = api_xml_child(api_xml_child(root, "Rule"), "DefaultRetention");
	char *mode = api_xml_child_text(ret, "Mode");
	snprintf(out->mode, sizeof(out->mode), "%s", mode ? mode : "");
	free(mode);
	bool ok = lock_number(ret, "Days", &out->days, err, errlen) &&
		  lock_number(ret, "Years", &out->years, err, errlen);
	xmlFreeDoc(doc);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *s3_list_versions(const char *endpoint, const char *path_prefix,
				     const char *region)
{
	struct aws_request *req =
		s3_list_object_versions(endpoint, path_prefix, region, NULL, NULL, NULL);
	if (req)
		aws_request_add_query(req, "max-keys", "1");
	return req;
}

enum aws_read s3_list_versions_parse(const struct aws_response *r, bool *empty, char *err,
				     size_t errlen)
{
	struct s3_versions v = {0};
	enum aws_read res = s3_list_object_versions_parse(r, &v, err, errlen);
	*empty = res == AWS_READ_OK && v.n == 0;
	s3_versions_free(&v);
	return res;
}
