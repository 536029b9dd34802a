/* buf.h: a growable byte buffer that renderers write into. A buffer may
 * drain: when it is full, its drain consumes the bytes (writes them to a
 * file, say) and the buffer starts over, so that a file of any size is
 * rendered through a buffer of one size. Renderers reserve room, write and
 * commit, and hold no offset into the buffer across a call that may grow
 * it: that is what lets it drain under them. */
#ifndef CRRC_BUF_H
#define CRRC_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* The struct of type whose member ptr points at: a drain finds its owner. */
#define CRRC_CONTAINER_OF(ptr, type, member) \
	((type *)(void *)((char *)(ptr) - offsetof(type, member)))

struct buf {
	char *data; /* always NUL-terminated once anything was written */
	size_t len, cap;
	/* Optional: consumes data[0..len] when the buffer is full; the
	 * buffer is emptied after and grows only for a request that does
	 * not fit in it empty. */
	void (*drain)(struct buf *b);
	size_t drained; /* bytes drained so far */
};

#define BUF_INIT {0}

/* Room for extra bytes and a NUL after len (draining first, if it can). */
void buf_grow(struct buf *b, size_t extra);
/* Every byte written: those drained and those held. */
size_t buf_size(const struct buf *b);
void buf_put(struct buf *b, const void *data, size_t len);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap) __attribute__((format(printf, 2, 0)));
void buf_indent(struct buf *b, int n); /* n spaces */
/* Hand the bytes to the caller (free() them); the buffer is empty after.
 * Not for a draining buffer (it holds only the bytes since the last drain). */
char *buf_detach(struct buf *b, size_t *len);
void buf_free(struct buf *b);

#endif
