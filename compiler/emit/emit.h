/* emit.h: the back-end interface. A target renders the resolved model into
 * a sink, file by file: the output directory (outdir.c), which streams each
 * file to disk as it is rendered, or an in-memory set of files (emit.c), the
 * sink of tests. Targets are a table of function pointers, so tests can
 * drive them without the disk. */
#ifndef CRRC_EMIT_H
#define CRRC_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "model/model.h"

struct crrc_diags;
struct outdir;

/* Where a back end's files go: one file at a time, open, render, close. */
struct crrc_sink {
	/* Begin a file (path relative to the output); render it into the
	 * buffer, which may drain as it fills: hold no offset into it across
	 * a write, and use buf_size for the file's size so far. */
	struct buf *(*open)(struct crrc_sink *s, const char *path);
	/* The file is complete. */
	void (*close)(struct crrc_sink *s);
};

struct crrc_file {
	char *path; /* relative to the output directory */
	char *data;
	size_t len;
};

/* The in-memory sink: the files as rendered, in order. */
struct crrc_output {
	struct crrc_sink sink;
	struct crrc_file *files;
	size_t n, cap;
	struct buf b; /* the file being rendered */
};

void output_init(struct crrc_output *o);
void output_free(struct crrc_output *o);

struct crrc_emit_options {
	const char *spec_path; /* as given on the command line, for headers */
};

struct crrc_target {
	const char *name;
	const char *summary;
	/* Render m (free of errors) into s. Target-specific problems are added
	 * to d; returns false when there were any. */
	bool (*emit)(const struct crrc_model *m, const struct crrc_emit_options *opt,
		     struct crrc_sink *s, struct crrc_diags *d);
};

extern const struct crrc_target crrc_target_terraform;
extern const struct crrc_target crrc_target_cloudformation;

const struct crrc_target *crrc_target_find(const char *name);

/* The output directory dir (created when missing, at the first file) as a
 * sink. Each file is compared with the one already there while rendered,
 * and written to a temporary file from its first difference on; log gets
 * the actions. Nothing is published before outdir_commit. */
struct outdir *outdir_create(const char *dir, FILE *log);
struct crrc_sink *outdir_sink(struct outdir *o);
/* Publish the files: rename the changed ones into place ("wrote"; the
 * others are "unchanged"), remove the files that an earlier run wrote and
 * this one did not ("removed"), and record what crrc wrote. A file that
 * crrc did not write is never overwritten unless it holds the same bytes:
 * when one is in the way, every such file is reported and nothing at all
 * is written. Returns false on that or on an I/O error (reported on log). */
bool outdir_commit(struct outdir *o);
/* Free o; without a commit, the temporary files are removed and the
 * directory is left as it was. NULL is fine. */
void outdir_destroy(struct outdir *o);

#endif
