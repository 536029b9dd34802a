/* memsink.c: the in-memory sink: the files a back end renders, kept in
 * memory (for tests, the fuzz target and tools). */
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "emit/emit.h"

static struct buf *output_open(struct crrc_sink *s, const char *path)
{
	struct crrc_output *o = CRRC_CONTAINER_OF(s, struct crrc_output, sink);
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		o->files = xrealloc(o->files, o->cap * sizeof(*o->files));
	}
	struct crrc_file *f = &o->files[o->n++];
	size_t plen = strlen(path);
	f->path = xrealloc(NULL, plen + 1);
	memcpy(f->path, path, plen + 1);
	f->data = NULL;
	f->len = 0;
	buf_free(&o->b);
	return &o->b;
}

static void output_close(struct crrc_sink *s)
{
	struct crrc_output *o = CRRC_CONTAINER_OF(s, struct crrc_output, sink);
	struct crrc_file *f = &o->files[o->n - 1];
	f->data = buf_detach(&o->b, &f->len);
}

void output_init(struct crrc_output *o)
{
	*o = (struct crrc_output){.sink = {.open = output_open, .close = output_close}};
}

void output_free(struct crrc_output *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->files[i].path);
		free(o->files[i].data);
	}
	free(o->files);
	buf_free(&o->b);
	output_init(o);
}
