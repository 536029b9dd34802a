/* s3_object.c: the S3 object operations of s3_object.h: requests to the
 * key's path (encoded once, as S3 signs it), their answers read from the
 * headers (PutObject, HeadObject, DeleteObject) or from XML with libxml2
 * by local name (GetObjectTagging, ListObjectVersions). */
#include "aws/s3_object.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"
#include "base/oom.h"

/* method endpoint+path_prefix/KEY, with ?versionId= when version_id. */
static struct aws_request *object_req(const char *method, const char *endpoint,
				      const char *path_prefix, const char *region,
				      const char *key, const char *version_id)
{
	if (!key || !*key)
		return NULL;
	struct buf path = BUF_INIT;
	buf_puts(&path, path_prefix ? path_prefix : "");
	buf_putc(&path, '/');
	aws_uri_encode(&path, key, strlen(key), true);
	struct aws_request *req = aws_request_create(method, endpoint, path.data, region, "s3");
	buf_free(&path);
	if (req && version_id)
		aws_request_add_query(req, "versionId", version_id);
	return req;
}

/* A copy of r's header name, or NULL. */
static char *header_dup(const struct aws_response *r, const char *name)
{
	return xstrdup(aws_response_header(r, name));
}

static bool header_true(const struct aws_response *r, const char *name)
{
	const char *v = aws_response_header(r, name);
	return v && strcmp(v, "true") == 0;
}

/* Printable ASCII: a header value libcurl sends as it is. */
static bool value_ok(const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return false;
	return s != NULL;
}

/* An HTTP token (RFC 9110 tchar), not empty. */
static bool token_ok(const char *s)
{
	static const char extra[] = "!#$%&'*+-.^_`|~";
	if (!s || !*s)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr(extra, *s)))
			return false;
	return true;
}

static bool put_valid(const struct s3_put_object *o)
{
	if ((!o->body && o->len) || (o->content_type && !value_ok(o->content_type)) ||
	    (o->kms_key && !value_ok(o->kms_key)))
		return false;
	for (size_t i = 0; o->metadata && i < o->metadata->n; i++)
		if (!token_ok(o->metadata->v[i].key) || !value_ok(o->metadata->v[i].value))
			return false;
	return true;
}

struct aws_request *s3_put_object(const char *endpoint, const char *path_prefix,
				  const char *region, const struct s3_put_object *o)
{
	if (!o || !put_valid(o))
		return NULL;
	struct aws_request *req = object_req("PUT", endpoint, path_prefix, region, o->key, NULL);
	if (!req)
		return NULL;
	api_set_body(req, o->content_type ? o->content_type : "application/octet-stream",
		     o->body, o->len, true);
	if (o->tags && o->tags->n) {
		struct buf t = BUF_INIT;
		for (size_t i = 0; i < o->tags->n; i++)
			api_form_put(&t, o->tags->v[i].key, o->tags->v[i].value);
		aws_request_set_header(req, "x-amz-tagging", t.data);
		buf_free(&t);
	}
	if (o->kms_key) {
		aws_request_set_header(req, "x-amz-server-side-encryption", "aws:kms");
		aws_request_set_header(req, "x-amz-server-side-encryption-aws-kms-key-id",
				       o->kms_key);
	}
	struct buf name = BUF_INIT;
	for (size_t i = 0; o->metadata && i < o->metadata->n; i++) {
		name.len = 0;
		buf_printf(&name, "x-amz-meta-%s", o->metadata->v[i].key);
		aws_request_set_header(req, name.data, o->metadata->v[i].value);
	}
	buf_free(&name);
	return req;
}

bool s3_put_object_parse(const struct aws_response *r, char **version_id, char **etag,
			 char *err, size_t errlen)
{
	bool ok = aws_write_parse(r, err, errlen);
	if (version_id)
		*version_id = ok ? header_dup(r, "x-amz-version-id") : NULL;
	if (etag)
		*etag = ok ? header_dup(r, "etag") : NULL;
	return ok;
}

struct aws_request *s3_head_object(const char *endpoint, const char *path_prefix,
				   const char *region, const char *key, const char *version_id)
{
	return object_req("HEAD", endpoint, path_prefix, region, key, version_id);
}

void s3_object_head_free(struct s3_object_head *h)
{
	if (!h)
		return;
	free(h->etag);
	free(h->version_id);
	free(h->replication_status);
	free(h->storage_class);
	free(h->sse);
	free(h->kms_key);
	memset(h, 0, sizeof(*h));
}

enum aws_read s3_head_object_parse(const struct aws_response *r, struct s3_object_head *out,
				   char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	out->delete_marker = header_true(r, "x-amz-delete-marker");
	if (r->status == 404 || (r->status == 405 && out->delete_marker)) {
		if (out->delete_marker)
			out->version_id = header_dup(r, "x-amz-version-id");
		return AWS_READ_ABSENT;
	}
	out->delete_marker = false;
	if (!api_ok(r))
		return api_read_error(r, NULL, err, errlen);
	const char *len = aws_response_header(r, "content-length");
	out->size = -1;
	if (len && !api_parse_ll(len, 0, LLONG_MAX, &out->size)) {
		api_fail(err, errlen, "Content-Length '%s'", len);
		return AWS_READ_FAILED;
	}
	out->etag = header_dup(r, "etag");
	out->version_id = header_dup(r, "x-amz-version-id");
	out->replication_status = header_dup(r, "x-amz-replication-status");
	out->storage_class = header_dup(r, "x-amz-storage-class");
	out->sse = header_dup(r, "x-amz-server-side-encryption");
	out->kms_key = header_dup(r, "x-amz-server-side-encryption-aws-kms-key-id");
	return AWS_READ_OK;
}

struct aws_request *s3_get_object_tagging(const char *endpoint, const char *path_prefix,
					  const char *region, const char *key,
					  const char *version_id)
{
	struct aws_request *req =
		object_req("GET", endpoint, path_prefix, region, key, version_id);
	if (req)
		aws_request_add_query(req, "tagging", NULL);
	return req;
}

enum aws_read s3_get_object_tagging_parse(const struct aws_response *r, struct aws_tags *out,
					  char *err, size_t errlen)
{
	return api_tagging_parse(r, "NoSuchKey NoSuchVersion", out, err, errlen);
}

struct aws_request *s3_delete_object(const char *endpoint, const char *path_prefix,
				     const char *region, const char *key, const char *version_id)
{
	return object_req("DELETE", endpoint, path_prefix, region, key, version_id);
}

bool s3_delete_object_parse(const struct aws_response *r, bool *delete_marker,
			    char **version_id, char *err, size_t errlen)
{
	bool ok = aws_write_parse(r, err, errlen);
	if (delete_marker)
		*delete_marker = ok && header_true(r, "x-amz-delete-marker");
	if (version_id)
		*version_id = ok ? header_dup(r, "x-amz-version-id") : NULL;
	return ok;
}

struct aws_request *s3_list_object_versions(const char *endpoint, const char *path_prefix,
					    const char *region, const char *prefix,
					    const char *key_marker, const char *version_marker)
{
	if (version_marker && !key_marker)
		return NULL;
	struct aws_request *req = api_request("GET", endpoint, path_prefix, region, "s3");
	if (!req)
		return NULL;
	aws_request_add_query(req, "versions", NULL);
	aws_request_add_query(req, "encoding-type", "url");
	if (prefix)
		aws_request_add_query(req, "prefix", prefix);
	if (key_marker)
		aws_request_add_query(req, "key-marker", key_marker);
	if (version_marker)
		aws_request_add_query(req, "version-id-marker", version_marker);
	return req;
}

/* A key of the answer, taken: as it is, or decoded as S3's encoding-type
 * url writes it (form encoding: '+' is a space). NULL when it cannot be. */
static char *answer_key(char *s, bool url)
{
	if (!s || !url)
		return s;
	for (char *p = s; *p; p++)
		if (*p == '+')
			*p = ' ';
	char *out = aws_url_decode(s, strlen(s));
	free(s);
	return out;
}

static void version_clear(struct s3_version *v)
{
	free(v->key);
	free(v->version_id);
	free(v->etag);
	memset(v, 0, sizeof(*v));
}

/* A Version or DeleteMarker element into v. */
static bool parse_version(const xmlNode *n, bool url, struct s3_version *v, char *err,
			  size_t errlen)
{
	v->delete_marker = strcmp((const char *)n->name, "DeleteMarker") == 0;
	v->key = answer_key(api_xml_child_text(n, "Key"), url);
	v->version_id = api_xml_child_text(n, "VersionId");
	v->etag = api_xml_child_text(n, "ETag");
	if (!v->key) {
		api_fail(err, errlen, "a %s without a Key, or not URL-encoded", n->name);
		return false;
	}
	char *size = api_xml_child_text(n, "Size");
	bool ok = !size || api_parse_ll(size, 0, LLONG_MAX, &v->size);
	if (!ok)
		api_fail(err, errlen, "%s of '%s': Size '%s'", n->name, v->key, size);
	free(size);
	return ok && api_xml_child_bool(n, "IsLatest", &v->latest, err, errlen);
}

/* IsTruncated, NextKeyMarker and NextVersionIdMarker of root into out. */
static bool parse_markers(const xmlNode *root, bool url, struct s3_versions *out, char *err,
			  size_t errlen)
{
	free(out->next_key_marker);
	free(out->next_version_marker);
	out->next_key_marker = answer_key(api_xml_child_text(root, "NextKeyMarker"), url);
	out->next_version_marker = api_xml_child_text(root, "NextVersionIdMarker");
	if (!api_xml_child_bool(root, "IsTruncated", &out->truncated, err, errlen))
		return false;
	if (out->truncated && !out->next_key_marker) {
		api_fail(err, errlen, "a truncated list of versions without a NextKeyMarker");
		return false;
	}
	return true;
}

enum aws_read s3_list_object_versions_parse(const struct aws_response *r,
					    struct s3_versions *out, char *err, size_t errlen)
{
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "ListVersionsResult", NULL, &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *root = xmlDocGetRootElement(doc);
	char *enc = api_xml_child_text(root, "EncodingType");
	bool url = enc && strcmp(enc, "url") == 0, ok = true;
	free(enc);
	size_t had = out->n;
	for (xmlNode *c = api_xml_child(root, NULL); ok && c; c = api_xml_next(c, NULL)) {
		const char *name = (const char *)c->name;
		if (strcmp(name, "Version") != 0 && strcmp(name, "DeleteMarker") != 0)
			continue;
		out->v = api_grow(out->v, out->n, &out->cap, sizeof(*out->v));
		memset(&out->v[out->n], 0, sizeof(*out->v));
		ok = parse_version(c, url, &out->v[out->n++], err, errlen);
	}
	ok = ok && parse_markers(root, url, out, err, errlen);
	xmlFreeDoc(doc);
	if (ok)
		return AWS_READ_OK;
	while (out->n > had)
		version_clear(&out->v[--out->n]);
	free(out->next_key_marker);
	free(out->next_version_marker);
	out->next_key_marker = out->next_version_marker = NULL;
	out->truncated = false;
	return AWS_READ_FAILED;
}

void s3_versions_free(struct s3_versions *v)
{
	if (!v)
		return;
	for (size_t i = 0; i < v->n; i++)
		version_clear(&v->v[i]);
	free(v->v);
	free(v->next_key_marker);
	free(v->next_version_marker);
	memset(v, 0, sizeof(*v));
}
