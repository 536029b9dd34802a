/* emit.c: the table of back ends, and the in-memory file set they fill. */
#include <stdlib.h>
#include <string.h>

#include "emit.h"

static const struct crrc_target *const targets[] = {
	&crrc_target_terraform,
	&crrc_target_cloudformation,
};

const struct crrc_target *crrc_target_find(const char *name)
{
	for (size_t i = 0; i < sizeof(targets) / sizeof(targets[0]); i++)
		if (strcmp(targets[i]->name, name) == 0)
			return targets[i];
	return NULL;
}

void output_add(struct crrc_output *o, const char *path, struct buf *b)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		struct crrc_file *f = realloc(o->files, o->cap * sizeof(*f));
		if (!f) {
			fputs("crrc: out of memory\n", stderr);
			abort();
		}
		o->files = f;
	}
	struct crrc_file *f = &o->files[o->n++];
	size_t plen = strlen(path);
	f->path = malloc(plen + 1);
	if (!f->path) {
		fputs("crrc: out of memory\n", stderr);
		abort();
	}
	memcpy(f->path, path, plen + 1);
	f->data = buf_detach(b, &f->len);
}

const struct crrc_file *output_find(const struct crrc_output *o, const char *path)
{
	for (size_t i = 0; i < o->n; i++)
		if (strcmp(o->files[i].path, path) == 0)
			return &o->files[i];
	return NULL;
}

void output_free(struct crrc_output *o)
{
	for (size_t i = 0; i < o->n; i++) {
		free(o->files[i].path);
		free(o->files[i].data);
	}
	free(o->files);
	o->files = NULL;
	o->n = o->cap = 0;
}
