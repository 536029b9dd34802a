/* request.c: one HTTP request to an AWS service (request.h): its query,
 * headers and body, the canonical query string and the URL. The signer
 * (sigv4.c) and the URL share aws_request_canonical_query(), so the query
 * signed is byte for byte the query sent. */
#include "aws/request.h"
#include "base/oom.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct aws_request *aws_request_create(const char *method, const char *endpoint,
				       const char *path, const char *region,
				       const char *service)
{
	if (!method || !endpoint || !region || !service)
		return NULL;
	struct aws_request *req = xcalloc(1, sizeof(*req));
	if (strlen(method) >= sizeof(req->method))
		oom_bug("aws_request_create: an HTTP method longer than 7 characters");
	strcpy(req->method, method);
	req->endpoint = xstrdup(endpoint);
	req->path = xstrdup(path ? path : "/");
	req->region = xstrdup(region);
	req->service = xstrdup(service);
	return req;
}

static void kv_free(struct aws_kv *kv, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(kv[i].name);
		free(kv[i].value);
	}
	free(kv);
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

/* Room for one more pair in a growing array. */
static struct aws_kv *kv_push(struct aws_kv **kv, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 8;
		*kv = xrealloc(*kv, *cap * sizeof(**kv));
	}
	return &(*kv)[(*n)++];
}

void aws_request_add_query(struct aws_request *req, const char *name, const char *value)
{
	struct aws_kv *kv = kv_push(&req->query, &req->nquery, &req->query_cap);
	kv->name = xstrdup(name);
	kv->value = value ? xstrdup(value) : NULL;
}

void aws_request_set_header(struct aws_request *req, const char *name, const char *value)
{
	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			char *v = xstrdup(value);
			free(req->headers[i].value);
			req->headers[i].value = v;
			return;
		}
	}
	struct aws_kv *kv = kv_push(&req->headers, &req->nheaders, &req->headers_cap);
	kv->name = xstrdup(name);
	kv->value = xstrdup(value);
}

const char *aws_request_header(const struct aws_request *req, const char *name)
{
	for (size_t i = 0; i < req->nheaders; i++)
		if (strcasecmp(req->headers[i].name, name) == 0)
			return req->headers[i].value;
	return NULL;
}

void aws_request_remove_header(struct aws_request *req, const char *name)
{
	size_t out = 0;
	for (size_t i = 0; i < req->nheaders; i++) {
		if (strcasecmp(req->headers[i].name, name) == 0) {
			free(req->headers[i].name);
			free(req->headers[i].value);
			continue;
		}
		req->headers[out++] = req->headers[i];
	}
	req->nheaders = out;
}

void aws_request_set_body(struct aws_request *req, const void *data, size_t len)
{
	req->body.len = 0;
	buf_put(&req->body, data, len);
}

void aws_uri_encode(struct buf *out, const char *s, size_t len, bool keep_slash)
{
	static const char hex[] = "0123456789ABCDEF";
	buf_grow(out, len * 3);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
			    (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' ||
			    c == '~' || (c == '/' && keep_slash);
		if (keep) {
			buf_putc(out, (char)c);
		} else {
			char e[3] = {'%', hex[c >> 4], hex[c & 15]};
			buf_put(out, e, 3);
		}
	}
}

/* One query parameter, encoded: "name=value" with the '=' at eq. */
struct enc_param {
	char *text;
	size_t eq;
};

static int enc_param_cmp(const void *a, const void *b)
{
	const struct enc_param *x = a, *y = b;
	size_t n = x->eq < y->eq ? x->eq : y->eq;
	int c = memcmp(x->text, y->text, n);
	if (c || x->eq != y->eq)
		return c ? c : (x->eq < y->eq ? -1 : 1);
	return strcmp(x->text + x->eq + 1, y->text + y->eq + 1);
}

void aws_request_canonical_query(const struct aws_request *req, struct buf *out)
{
	if (!req->nquery)
		return;
	struct enc_param *p = xcalloc(req->nquery, sizeof(*p));
	for (size_t i = 0; i < req->nquery; i++) {
		struct buf b = BUF_INIT;
		const struct aws_kv *kv = &req->query[i];
		aws_uri_encode(&b, kv->name, strlen(kv->name), false);
		p[i].eq = b.len;
		buf_putc(&b, '=');
		if (kv->value)
			aws_uri_encode(&b, kv->value, strlen(kv->value), false);
		p[i].text = buf_detach(&b, NULL);
	}
	qsort(p, req->nquery, sizeof(*p), enc_param_cmp);
	for (size_t i = 0; i < req->nquery; i++) {
		if (i)
			buf_putc(out, '&');
		buf_puts(out, p[i].text);
		free(p[i].text);
	}
	free(p);
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
