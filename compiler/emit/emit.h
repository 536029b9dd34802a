/* emit.h: the back-end interface. A target renders the desired state into
 * a sink, file by file: the output directory (outdir.h), which streams each
 * file to disk as it is rendered, or an in-memory set of files (memsink.c),
 * the sink of tests. A target is a struct of function pointers, so tests
 * can drive it without the disk; the command line's table of targets is in
 * cli/targets.c. A target renders syntax only: every AWS decision is in
 * the desired state it is given. It allocates in arenas of its own, never
 * in the model's. */
#ifndef CRRC_EMIT_H
#define CRRC_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "base/buf.h"
#include "model/desired.h"

struct crrc_diags;

/* Where a back end's files go: one file at a time, open, render, close.
 * Files are published in the order they were opened: a target opens last
 * the files that name the others (CloudFormation's manifest.json and
 * deploy.sh), so that a reader who starts from those never meets a file of
 * an older run. */
struct crrc_sink {
	/* Begin a file (path relative to the output); render it into the
	 * buffer, which may drain as it fills: hold no offset into it across
	 * a write, and use buf_size for the file's size so far. */
	struct buf *(*open)(struct crrc_sink *s, const char *path);
	/* The file is complete. */
	void (*close)(struct crrc_sink *s);
	/* Optional (NULL: ignored): what the output needs from whoever uses
	 * it, an environment variable or a Terraform variable, and why; the
	 * output directory prints them after what it wrote. */
	void (*require)(struct crrc_sink *s, const char *name, const char *why);
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
	/* Render ds (of a model free of errors) into s. Target-specific
	 * problems are added to d; returns false when there were any. */
	bool (*emit)(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
		     struct crrc_sink *s, struct crrc_diags *d);
};

#endif
