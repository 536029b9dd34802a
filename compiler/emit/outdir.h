/* outdir.h: the output directory, the sink that compile writes into. Each
 * file streams to disk as it is rendered, and is published only at commit:
 * crrc replaces and removes only files it wrote itself, and never leaves
 * half a set. Problems are diagnostics (codes E09x). */
#ifndef CRRC_OUTDIR_H
#define CRRC_OUTDIR_H

#include <stdbool.h>
#include <stdio.h>

#include "emit/emit.h"

struct crrc_diags;
struct outdir;

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
 * is written. Returns false on that or on an I/O error; each problem is a
 * diagnostic in d (E090-E093) about the file or directory concerned. */
bool outdir_commit(struct outdir *o, struct crrc_diags *d);
/* Free o; without a commit, the temporary files are removed and the
 * directory is left as it was. NULL is fine. */
void outdir_destroy(struct outdir *o);

#endif
