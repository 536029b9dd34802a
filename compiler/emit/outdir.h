/* outdir.h: the output directory, the sink that compile writes into. Each
 * file streams to a temporary file as it is rendered, and the set is
 * published only at commit: crrc replaces and removes only regular files it
 * wrote itself, never writes through a link, lets one compile at a time
 * into a directory, and converges after a crash. Problems are diagnostics
 * (codes E090-E094). */
#ifndef CRRC_OUTDIR_H
#define CRRC_OUTDIR_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "emit/emit.h"

struct crrc_diags;
struct outdir;

/* The output directory dir (created when missing, at the first file) as a
 * sink. At the first file it takes the directory's lock (another compile
 * into it is waited for, at most CRRC_LOCK_WAIT seconds, 120 by default,
 * saying so on stderr) and removes the temporary files a dead run left.
 * Each file is compared with the one already there while rendered, and
 * written to a temporary file from its first difference on; log gets the
 * actions. Nothing is published before outdir_commit. */
struct outdir *outdir_create(const char *dir, FILE *log);
/* The same sink for compile --check: it compares and writes nothing, not
 * even the directory; its commit prints what would change ("would write",
 * "would remove") and counts it (outdir_changes). */
struct outdir *outdir_create_check(const char *dir, FILE *log);
size_t outdir_changes(const struct outdir *o);
struct crrc_sink *outdir_sink(struct outdir *o);
/* Publish the files: record them with the previous run's, rename the
 * changed ones into place in the order they were opened ("wrote"; the
 * others are "unchanged"), remove the files that an earlier run wrote and
 * this one did not ("removed"), and record exactly what crrc wrote. A file
 * that crrc did not write is never overwritten unless it holds the same
 * bytes, and a link or anything but a regular file at a name never is:
 * when one is in the way, every such file is reported and nothing at all
 * is written. Returns false on that or on an I/O error; each problem is a
 * diagnostic in d (E090-E094) about the file or directory concerned. */
bool outdir_commit(struct outdir *o, struct crrc_diags *d);
/* Free o, letting the directory's lock go; without a commit, the
 * temporary files are removed and the directory is left as it was. NULL
 * is fine. */
void outdir_destroy(struct outdir *o);
/* For tests: where the random part of temporary names comes from
 * (getrandom otherwise). */
void outdir_set_random(struct outdir *o, uint64_t (*random)(void *ctx), void *ctx);

#endif
