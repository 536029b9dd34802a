/* fake_request.c: TEST-ONLY STAND-IN for compiler/aws/request.c and the
 * aws_response_* functions of response.c, which other branches write. It
 * lets the API tests (s3, iam, sts) link before those land; DELETE THIS
 * FILE AT MERGE and drop it from tests/unit/aws/meson.build. It follows
 * request.h's contract only as far as the tests need: copies, set/replace
 * headers, the canonical query, RFC 3986 encoding. */
#include "aws/request.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/oom.h"

static char *dup(const char *s)
{
	size_t n = strlen(s) + 1;
	return memcpy(xmalloc(n), s, n);
}

static void kv_add(struct aws_kv **v, size_t *n, size_t *cap, const char *name, const char *value)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 8;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	(*v)[*n].name = dup(name);
	(*v)[*n].value = value ? dup(value) : NULL;
	(*n)++;
}

static void kv_free(struct aws_kv *v, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(v[i].name);
		free(v[i].value);
	}
	free(v);
}

struct aws_request *aws_request_create(const char *method, const char *endpoint,
				       const char *path, const char *region,
				       const char *service)
{
	if (!method || !endpoint || !region || !service || strlen(method) >= 8)
		return NULL;
	struct aws_request *r = xcalloc(1, sizeof(*r));
	strcpy(r->method, method);
	r->endpoint = dup(endpoint);
	r->path = dup(path ? path : "/");
	r->region = dup(region);
	r->service = dup(service);
	return r;
}

void aws_request_destroy(struct aws_request *req)
{
	if (!req)
		return;
	free(req->endpoint);
	free(req->path);
	free(req->region);
	free(req->service);
	kv_free(req->query, req->nquery);
	kv_free(req->headers, req->nheaders);
	buf_free(&req->body);
	free(req);
}

void aws_request_add_query(struct aws_request *req, const char *name, const char *value)
{
	kv_add(&req->query, &req->nquery, &req->query_cap, name, value);
}

void aws_request_remove_header(struct aws_request *req, const char *name)
{
	size_t o = 0;
	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			free(req->headers[i].name);
			free(req->headers[i].value);
		} else
			req->headers[o++] = req->headers[i];
	}
	req->nheaders = o;
}

void aws_request_set_header(struct aws_request *req, const char *name, const char *value)
{
	aws_request_remove_header(req, name);
	kv_add(&req->headers, &req->nheaders, &req->headers_cap, name, value ? value : "");
}

const char *aws_request_header(const struct aws_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

void aws_request_set_body(struct aws_request *req, const void *data, size_t len)
{
	req->body.len = 0;
	buf_put(&req->body, data, len);
}

void aws_uri_encode(struct buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/'))
			buf_putc(out, (char)c);
		else {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		}
	}
}

struct enc {
	char *name, *value;
};

static int enc_cmp(const void *a, const void *b)
{
	const struct enc *x = a, *y = b;
	int c = strcmp(x->name, y->name);
	return c ? c : strcmp(x->value, y->value);
}

void aws_request_canonical_query(const struct aws_request *req, struct buf *out)
{
	struct enc *e = xcalloc(req->nquery + 1, sizeof(*e));
	for (size_t i = 0; i < req->nquery; i++) {
		struct buf n = BUF_INIT, v = BUF_INIT;
		const char *val = req->query[i].value ? req->query[i].value : "";
		aws_uri_encode(&n, req->query[i].name, strlen(req->query[i].name), false);
		aws_uri_encode(&v, val, strlen(val), false);
		e[i].name = buf_detach(&n, NULL);
		e[i].value = buf_detach(&v, NULL);
	}
	qsort(e, req->nquery, sizeof(*e), enc_cmp);
	for (size_t i = 0; i < req->nquery; i++) {
		buf_printf(out, "%s%s=%s", i ? "&" : "", e[i].name, e[i].value);
		free(e[i].name);
		free(e[i].value);
	}
	free(e);
}

void aws_request_url(const struct aws_request *req, struct buf *out)
{
	buf_puts(out, req->endpoint);
	buf_puts(out, req->path);
	if (req->nquery) {
		buf_putc(out, '?');
		aws_request_canonical_query(req, out);
	}
}

void aws_response_init(struct aws_response *r)
{
	memset(r, 0, sizeof(*r));
}

void aws_response_clear(struct aws_response *r)
{
	kv_free(r->headers, r->nheaders);
	buf_free(&r->body);
	aws_response_init(r);
}

const char *aws_response_header(const struct aws_response *r, const char *name)
{
	for (size_t i = 0; i < r->nheaders; i++)
		if (strcasecmp(r->headers[i].name, name) == 0)
			return r->headers[i].value;
	return NULL;
}

void aws_response_add_header(struct aws_response *r, const char *name, size_t nlen,
			     const char *value, size_t vlen)
{
	char *n = xmalloc(nlen + 1), *v = xmalloc(vlen + 1);
	for (size_t i = 0; i < nlen; i++)
		n[i] = (char)(name[i] >= 'A' && name[i] <= 'Z' ? name[i] + 32 : name[i]);
	n[nlen] = '\0';
	memcpy(v, value, vlen);
	v[vlen] = '\0';
	kv_add(&r->headers, &r->nheaders, &r->headers_cap, n, v);
	free(n);
	free(v);
}
