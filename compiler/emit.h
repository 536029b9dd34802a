/* emit.h: the back-end interface. A target renders the resolved model into
 * an in-memory set of files; the driver writes them (outdir.c). Targets are
 * a table of function pointers, so tests can drive them without the disk. */
#ifndef CRRC_EMIT_H
#define CRRC_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "buf.h"
#include "crrc.h"

struct crrc_diags;

struct crrc_file {
	char *path; /* relative to the output directory */
	char *data;
	size_t len;
};

struct crrc_output {
	struct crrc_file *files;
	size_t n, cap;
};

/* Take the buffer's bytes as the contents of path (the buffer is emptied). */
void output_add(struct crrc_output *o, const char *path, struct buf *b);
const struct crrc_file *output_find(const struct crrc_output *o, const char *path);
void output_free(struct crrc_output *o);

struct crrc_emit_options {
	const char *spec_path; /* as given on the command line, for headers */
};

struct crrc_target {
	const char *name;
	const char *summary;
	/* Render m (free of errors) into o. Target-specific problems are added
	 * to d; returns false when there were any. */
	bool (*emit)(const struct crrc_model *m, const struct crrc_emit_options *opt,
		     struct crrc_output *o, struct crrc_diags *d);
};

extern const struct crrc_target crrc_target_terraform;
extern const struct crrc_target crrc_target_cloudformation;

const struct crrc_target *crrc_target_find(const char *name);

/* Write o into dir (created when missing). Files that an earlier run wrote
 * and this one did not are removed; a file that crrc did not write is never
 * overwritten. Each action is reported on log. Returns false on I/O error or
 * when a file would be overwritten that crrc did not write. */
bool outdir_write(const char *dir, const struct crrc_output *o, FILE *log);

#endif
