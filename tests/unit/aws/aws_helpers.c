/* aws_helpers.c: what the API tests share (aws_helpers.h). */
#include "aws_helpers.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

const char *req_text(const struct aws_request *req)
{
	static struct buf b;
	b.len = 0;
	ck_assert_ptr_nonnull(req);
	buf_printf(&b, "%s ", req->method);
	aws_request_url(req, &b);
	buf_putc(&b, '\n');
	for (size_t i = 0; i < req->nheaders; i++)
		buf_printf(&b, "%s: %s\n", req->headers[i].name, req->headers[i].value);
	buf_putc(&b, '\n');
	buf_put(&b, req->body.data ? req->body.data : "", req->body.len);
	return b.data;
}

void resp_make(struct aws_response *r, long status, const char *body, ...)
{
	aws_response_init(r);
	r->status = status;
	if (body)
		buf_puts(&r->body, body);
	va_list ap;
	va_start(ap, body);
	for (const char *name; (name = va_arg(ap, const char *));) {
		const char *value = va_arg(ap, const char *);
		aws_response_add_header(r, name, strlen(name), value, strlen(value));
	}
	va_end(ap);
}
