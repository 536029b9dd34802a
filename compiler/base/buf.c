/* buf.c: a growable byte buffer that renderers write into, which may drain
 * to a file as it fills (buf.h). */
#include "base/oom.h"
#include "base/buf.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_grow(struct buf *b, size_t extra)
{
	if (b->cap - b->len > extra)
		return;
	if (b->drain && b->len) {
		b->drain(b);
		b->drained += b->len;
		b->len = 0;
		b->data[0] = '\0';
		if (b->cap > extra)
			return;
	}
	size_t cap = b->cap ? b->cap : 256;
	while (cap - b->len <= extra)
		cap *= 2;
	char *p = xrealloc(b->data, cap);
	b->data = p;
	b->cap = cap;
}

size_t buf_size(const struct buf *b)
{
	return b->drained + b->len;
}

void buf_put(struct buf *b, const void *data, size_t len)
{
	buf_grow(b, len);
	if (len)
		memcpy(b->data + b->len, data, len);
	b->len += len;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list ap2;
	va_copy(ap2, ap);
	int n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	if (n <= 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_indent(struct buf *b, int n)
{
	for (int i = 0; i < n; i++)
		buf_putc(b, ' ');
}

char *buf_detach(struct buf *b, size_t *len)
{
	if (!b->data)
		buf_grow(b, 0), b->data[0] = '\0';
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_free(struct buf *b)
{
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}
