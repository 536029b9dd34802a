/* buf.h: a growable byte buffer that renderers write into. */
#ifndef CRRC_BUF_H
#define CRRC_BUF_H

#include <stdarg.h>
#include <stddef.h>

struct buf {
	char *data; /* always NUL-terminated once anything was written */
	size_t len, cap;
};

#define BUF_INIT {0}

void buf_grow(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_indent(struct buf *b, int n); /* n spaces */
/* Hand the bytes to the caller (free() them); the buffer is empty after. */
char *buf_detach(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
