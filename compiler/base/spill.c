/* spill.c: bytes set aside in an unlinked temporary file. Writes go
 * through a draining buffer (one write a 256 KB); reads flush it first and
 * use pread. A write error is sticky: every later read fails, and the
 * caller makes the bytes again. */
#include "base/spill.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define SPILL_BUFFER (256u * 1024u)

struct spill {
	int fd;
	bool failed;
	struct buf out; /* drains into fd */
	struct buf in;  /* the last bytes read back */
};

/* Write p (appending), or read it from offset at, whole; a failure, or
 * the end of the file while reading, sticks. */
static void transfer(struct spill *s, char *p, size_t len, bool reading, uint64_t at)
{
	for (size_t done = 0; !s->failed && done < len;) {
		ssize_t n = reading ? pread(s->fd, p + done, len - done, (off_t)(at + done))
				    : write(s->fd, p + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			s->failed = true;
		else
			done += (size_t)n;
	}
}

static void spill_drain(struct buf *b)
{
	struct spill *s = CRRC_CONTAINER_OF(b, struct spill, out);
	transfer(s, b->data, b->len, false, 0);
}

struct spill *spill_create(void)
{
	const char *dir = getenv("TMPDIR");
	if (!dir || !*dir)
		dir = "/tmp";
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/crrc-spill-XXXXXX", dir);
	int fd = mkstemp(path.data);
	if (fd >= 0)
		unlink(path.data); /* gone with the last descriptor */
	buf_free(&path);
	if (fd < 0)
		return NULL;
	struct spill *s = calloc(1, sizeof(*s));
	if (!s) {
		close(fd);
		return NULL;
	}
	s->fd = fd;
	s->out.drain = spill_drain;
	buf_grow(&s->out, SPILL_BUFFER - 1); /* the one allocation */
	return s;
}

void spill_destroy(struct spill *s)
{
	if (!s)
		return;
	close(s->fd);
	buf_free(&s->out);
	buf_free(&s->in);
	free(s);
}

void spill_put(struct spill *s, const char *data, size_t len, uint64_t *at)
{
	*at = buf_size(&s->out);
	buf_put(&s->out, data, len);
}

const char *spill_get(struct spill *s, uint64_t at, size_t len)
{
	if (s->out.len) { /* what the file does not hold yet */
		spill_drain(&s->out);
		s->out.drained += s->out.len;
		s->out.len = 0;
	}
	s->in.len = 0;
	buf_grow(&s->in, len);
	transfer(s, s->in.data, len, true, at);
	return s->failed ? NULL : s->in.data;
}
