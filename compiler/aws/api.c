/* api.c: the helpers the S3, S3 Control, IAM and STS operations share
 * (api.h, api_internal.h): bodies with Content-MD5, query-API forms, and
 * XML written and read with libxml2, never by string concatenation. */
#include "aws/api_internal.h"
#include "aws/sigv4.h"

#include <libxml/parser.h>
#include <libxml/xmlsave.h>
#include <errno.h>
#include <limits.h>
#include <openssl/evp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"

static int hexval(char c)
{
	return c >= '0' && c <= '9'   ? c - '0'
	       : c >= 'a' && c <= 'f' ? c - 'a' + 10
	       : c >= 'A' && c <= 'F' ? c - 'A' + 10
				      : -1;
}

char *aws_url_decode(const char *s, size_t len)
{
	char *out = xmalloc(len + 1);
	size_t o = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '%') {
			out[o++] = s[i];
			continue;
		}
		int hi = i + 2 < len ? hexval(s[i + 1]) : -1;
		int lo = i + 2 < len ? hexval(s[i + 2]) : -1;
		if (hi < 0 || lo < 0) {
			free(out);
			return NULL;
		}
		out[o++] = (char)(hi << 4 | lo);
		i += 2;
	}
	out[o] = '\0';
	if (memchr(out, '\0', o)) {
		free(out);
		return NULL;
	}
	return out;
}

static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

void *api_grow(void *v, size_t n, size_t *cap, size_t size)
{
	if (n < *cap)
		return v;
	*cap = *cap ? 2 * *cap : 4;
	return xrealloc(v, *cap * size);
}

void aws_tags_add(struct aws_tags *t, const char *key, const char *value)
{
	t->v = api_grow(t->v, t->n, &t->cap, sizeof(*t->v));
	t->v[t->n].key = dup(key ? key : "");
	t->v[t->n].value = dup(value ? value : "");
	t->n++;
}

void aws_tags_free(struct aws_tags *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->n; i++) {
		free(t->v[i].key);
		free(t->v[i].value);
	}
	free(t->v);
	memset(t, 0, sizeof(*t));
}

struct aws_request *api_request(const char *method, const char *endpoint,
				const char *path_prefix, const char *region,
				const char *service)
{
	const char *path = path_prefix && *path_prefix ? path_prefix : "/";
	return aws_request_create(method, endpoint, path, region, service);
}

bool api_account_ok(const char *a)
{
	size_t n = a ? strspn(a, "0123456789") : 0;
	return n == 12 && a[n] == '\0';
}

struct aws_request *api_control_request(const char *method, const char *endpoint,
					const char *region, const char *account,
					const char *path)
{
	if (!api_account_ok(account))
		return NULL;
	struct aws_request *req = aws_request_create(method, endpoint, path, region, "s3");
	if (req)
		aws_request_set_header(req, "x-amz-account-id", account);
	return req;
}

void api_set_body(struct aws_request *req, const char *content_type, const void *data,
		  size_t len, bool md5)
{
	aws_request_set_body(req, data, len);
	aws_request_set_header(req, "Content-Type", content_type);
	if (md5) {
		char sum[25];
		sigv4_content_md5(data, len, sum);
		aws_request_set_header(req, "Content-MD5", sum);
	}
}

void api_form_put(struct buf *b, const char *name, const char *value)
{
	if (b->len)
		buf_putc(b, '&');
	aws_uri_encode(b, name, strlen(name), false);
	buf_putc(b, '=');
	aws_uri_encode(b, value, strlen(value), false);
}

void api_form_add(struct aws_request *req, const char *name, const char *value)
{
	api_form_put(&req->body, name, value);
}

struct aws_request *api_form_request(const char *endpoint, const char *region,
				     const char *service, const char *action,
				     const char *version)
{
	struct aws_request *req = aws_request_create("POST", endpoint, "/", region, service);
	if (!req)
		return NULL;
	api_form_add(req, "Action", action);
	api_form_add(req, "Version", version);
	return req;
}

void api_form_end(struct aws_request *req)
{
	aws_request_set_header(req, "Content-Type",
			       "application/x-www-form-urlencoded; charset=utf-8");
}

static bool named(const xmlNode *n, const char *name)
{
	return n->type == XML_ELEMENT_NODE && (!name || strcmp((const char *)n->name, name) == 0);
}

xmlDoc *api_xml_new(const char *name, xmlNode **root)
{
	return api_xml_new_ns(name, API_S3_XMLNS, root);
}

xmlDoc *api_xml_new_ns(const char *name, const char *ns_uri, xmlNode **root)
{
	xmlDoc *doc = xmlNewDoc(BAD_CAST "1.0");
	xmlNode *r = doc ? xmlNewDocNode(doc, NULL, BAD_CAST name, NULL) : NULL;
	if (!r)
		oom_abort();
	xmlDocSetRootElement(doc, r);
	xmlNs *ns = xmlNewNs(r, BAD_CAST ns_uri, NULL);
	if (!ns)
		oom_abort();
	xmlSetNs(r, ns);
	*root = r;
	return doc;
}

xmlNode *api_xml_add(xmlNode *parent, const char *name, const char *text)
{
	xmlNode *n = xmlNewTextChild(parent, NULL, BAD_CAST name, text ? BAD_CAST text : NULL);
	if (!n)
		oom_abort();
	return n;
}

void api_xml_finish(xmlDoc *doc, struct buf *out)
{
	xmlBuffer *b = xmlBufferCreate();
	xmlSaveCtxt *s = b ? xmlSaveToBuffer(b, "UTF-8", XML_SAVE_NO_DECL | XML_SAVE_AS_XML) : NULL;
	if (!s || xmlSaveTree(s, xmlDocGetRootElement(doc)) < 0)
		oom_abort();
	xmlSaveClose(s);
	buf_put(out, xmlBufferContent(b), (size_t)xmlBufferLength(b));
	xmlBufferFree(b);
	xmlFreeDoc(doc);
}

void api_xml_body(struct aws_request *req, xmlDoc *doc)
{
	struct buf b = BUF_INIT;
	api_xml_finish(doc, &b);
	api_set_body(req, "application/xml", b.data, b.len, true);
	buf_free(&b);
}

/* A root that wraps the answer as <OperationResponse>: botocore's rest-xml
 * parser never reads the root's name, and moto answers GetBucketVersioning
 * with <GetBucketVersioningResponse> where S3 has <VersioningConfiguration>. */
static bool response_wrapper(const xmlNode *r)
{
	size_t n = strlen((const char *)r->name);
	return n > 8 && strcmp((const char *)r->name + n - 8, "Response") == 0;
}

xmlDoc *api_xml_read(const char *data, size_t len, const char *root, char *err,
		     size_t errlen)
{
	if (len > INT_MAX) {
		api_fail(err, errlen, "the XML document is too large");
		return NULL;
	}
	/* No XML_PARSE_NOENT: entities are not substituted; NONET: nothing
	 * is fetched; a DTD is refused outright, AWS never sends one. */
	xmlDoc *doc = xmlReadMemory(data ? data : "", (int)len, NULL, NULL,
				    XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	if (!doc) {
		api_fail(err, errlen, "not well-formed XML");
		return NULL;
	}
	xmlNode *r = xmlDocGetRootElement(doc);
	if (doc->intSubset || doc->extSubset) {
		api_fail(err, errlen, "the XML document has a DTD");
	} else if (!r || (!named(r, root) && !response_wrapper(r))) {
		api_fail(err, errlen, "expected a <%s> document, got <%s>", root,
			 r ? (const char *)r->name : "");
	} else
		return doc;
	xmlFreeDoc(doc);
	return NULL;
}

xmlNode *api_xml_next(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->next : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

xmlNode *api_xml_child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (named(c, name))
			return c;
	return NULL;
}

char *api_xml_text(const xmlNode *n)
{
	if (!n)
		return NULL;
	xmlChar *t = xmlNodeGetContent(n);
	size_t len = t ? strlen((const char *)t) : 0;
	char *s = xmalloc(len + 1);
	memcpy(s, t ? (const char *)t : "", len + 1);
	xmlFree(t);
	return s;
}

char *api_xml_child_text(const xmlNode *n, const char *name)
{
	return api_xml_text(api_xml_child(n, name));
}

void api_xml_tags(const xmlNode *n, const char *name, struct aws_tags *out)
{
	for (xmlNode *t = api_xml_child(n, name); t; t = api_xml_next(t, name)) {
		char *k = api_xml_child_text(t, "Key"), *v = api_xml_child_text(t, "Value");
		aws_tags_add(out, k, v);
		free(k);
		free(v);
	}
}

bool api_xml_child_bool(const xmlNode *n, const char *name, bool *out, char *err,
			size_t errlen)
{
	char *t = api_xml_child_text(n, name);
	bool ok = true;
	*out = t && strcmp(t, "true") == 0;
	if (t && !*out && strcmp(t, "false") != 0) {
		api_fail(err, errlen, "<%s> is '%s', not true or false", name, t);
		ok = false;
	}
	free(t);
	return ok;
}

bool api_parse_ll(const char *s, long long min, long long max, long long *out)
{
	if (!s || !*s || (*s != '-' && (*s < '0' || *s > '9')) || strlen(s) > 20)
		return false;
	char *end = NULL;
	errno = 0;
	long long v = strtoll(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return false;
	*out = v;
	return true;
}

/* The <Action>Result element of a 2xx answer; NULL with err set. */
xmlNode *api_query_result(const struct aws_response *r, const char *action, xmlDoc **doc,
			  char *err, size_t errlen)
{
	char root[64], result[64];
	snprintf(root, sizeof(root), "%sResponse", action);
	snprintf(result, sizeof(result), "%sResult", action);
	*doc = api_xml_read(r->body.data, r->body.len, root, err, errlen);
	xmlNode *n = *doc ? api_xml_child(xmlDocGetRootElement(*doc), result) : NULL;
	if (*doc && !n)
		api_fail(err, errlen, "no %s in the answer", result);
	return n;
}

void api_fail(char *err, size_t errlen, const char *fmt, ...)
{
	if (!err || !errlen)
		return;
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

bool api_ok(const struct aws_response *r)
{
	return r->status >= 200 && r->status < 300;
}

static void copy_text(char *dst, size_t len, const xmlNode *n)
{
	char *t = api_xml_text(n);
	snprintf(dst, len, "%s", t ? t : "");
	free(t);
}

/* Error/X of S3, ErrorResponse/Error/X of IAM and STS. */
static void error_field(const struct aws_response *r, const char *field, char *out, size_t len)
{
	out[0] = '\0';
	if (r->body.len > INT_MAX)
		return;
	xmlDoc *doc = xmlReadMemory(r->body.data ? r->body.data : "", (int)r->body.len, NULL,
				    NULL, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
	xmlNode *root = doc ? xmlDocGetRootElement(doc) : NULL;
	if (root && named(root, "ErrorResponse"))
		root = api_xml_child(root, "Error");
	if (root && named(root, "Error") && !doc->intSubset)
		copy_text(out, len, api_xml_child(root, field));
	xmlFreeDoc(doc);
}

void api_error_code(const struct aws_response *r, char *code, size_t len)
{
	error_field(r, "Code", code, len);
}

/* Whether code is one of the space-separated words of list (NULL: none). */
static bool code_in(const char *code, const char *list)
{
	size_t n = strlen(code);
	while (n && list && *list) {
		size_t w = strcspn(list, " ");
		if (w == n && strncmp(list, code, n) == 0)
			return true;
		list += w + (list[w] == ' ');
	}
	return false;
}

enum aws_read api_read_error(const struct aws_response *r, const char *absent_codes,
			     char *err, size_t errlen)
{
	char code[128], msg[256];
	api_error_code(r, code, sizeof(code));
	if (code_in(code, absent_codes))
		return AWS_READ_ABSENT;
	if (r->status == 0) {
		api_fail(err, errlen, "no response: %s", r->error);
		return AWS_READ_FAILED;
	}
	error_field(r, "Message", msg, sizeof(msg));
	api_fail(err, errlen, "HTTP %ld%s%s%s%s", r->status, *code ? " " : "", code,
		 *msg ? ": " : "", msg);
	return AWS_READ_FAILED;
}

enum aws_read api_read_doc(const struct aws_response *r, const char *root,
			   const char *absent_codes, xmlDoc **doc, char *err, size_t errlen)
{
	*doc = NULL;
	if (!api_ok(r))
		return api_read_error(r, absent_codes, err, errlen);
	*doc = api_xml_read(r->body.data, r->body.len, root, err, errlen);
	return *doc ? AWS_READ_OK : AWS_READ_FAILED;
}

enum aws_read api_tagging_parse(const struct aws_response *r, const char *absent_codes,
			       struct aws_tags *out, char *err, size_t errlen)
{
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "Tagging", absent_codes, &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	api_xml_tags(api_xml_child(xmlDocGetRootElement(doc), "TagSet"), "Tag", out);
	xmlFreeDoc(doc);
	return AWS_READ_OK;
}

bool aws_write_parse(const struct aws_response *r, char *err, size_t errlen)
{
	if (api_ok(r))
		return true;
	api_read_error(r, NULL, err, errlen);
	return false;
}
