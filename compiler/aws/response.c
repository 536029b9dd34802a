/* response.c: what came back from one HTTP request (request.h): status,
 * headers with lower-cased names in the order received, and the body. */
#include "base/oom.h"
#include "aws/request.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

void aws_response_init(struct aws_response *r)
{
	memset(r, 0, sizeof(*r));
}

void aws_response_clear(struct aws_response *r)
{
	for (size_t i = 0; i < r->nheaders; i++) {
		free(r->headers[i].name);
		free(r->headers[i].value);
	}
	free(r->headers);
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

static char *copy(const char *s, size_t len)
{
	char *p = xmalloc(len + 1);
	if (len)
		memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

void aws_response_add_header(struct aws_response *r, const char *name, size_t nlen,
			     const char *value, size_t vlen)
{
	if (r->nheaders == r->headers_cap) {
		r->headers_cap = r->headers_cap ? r->headers_cap * 2 : 16;
		r->headers = xrealloc(r->headers, r->headers_cap * sizeof(*r->headers));
	}
	struct aws_kv *kv = &r->headers[r->nheaders++];
	kv->name = copy(name, nlen);
	for (char *p = kv->name; *p; p++)
		*p = (char)tolower((unsigned char)*p);
	kv->value = copy(value, vlen);
}
