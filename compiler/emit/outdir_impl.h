/* outdir_impl.h: what the two halves of the output directory share,
 * private to emit/: outdir.c renders files into temporary files as a sink;
 * outdir_publish.c holds the directory (its lock, the sweep of stale
 * temporary files, the signal handlers) and publishes the set. */
#ifndef CRRC_OUTDIR_IMPL_H
#define CRRC_OUTDIR_IMPL_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "base/buf.h"
#include "emit/emit.h"
#include "emit/outdir.h"

/* The record of the files crrc wrote into a directory, one name a line. */
#define OUTDIR_RECORD ".crrc-files"
/* Every temporary file crrc makes in the directory: the prefix, then 16
 * random hex digits; a run sweeps those it finds (after taking the lock,
 * they can only be a dead run's). */
#define OUTDIR_TMP_PREFIX ".crrc-tmp-"
#define OUTDIR_TMP_NAME 32
/* Before temporary names were random: NAME.tmp~, swept as well. */
#define OUTDIR_LEGACY_TMP_SUFFIX ".tmp~"

enum outdir_mode {
	MODE_COMPARE, /* the bytes so far are those of the existing file */
	MODE_WRITE,   /* into the temporary file */
	MODE_DISCARD, /* the bytes go nowhere (the file's state says why) */
};

enum outdir_state {
	STATE_SKIPPED,   /* the directory is missing, or another file was refused */
	STATE_UNCHANGED, /* the existing file holds the very bytes */
	STATE_WRITTEN,   /* into tmp, renamed at the commit */
	STATE_REFUSED,   /* a file crrc did not write, with other bytes, is there */
	STATE_FAILED,    /* an I/O error: err */
};

struct outdir_file {
	char *name; /* as the back end gave it, relative to the directory */
	char *path; /* for messages */
	char tmp[OUTDIR_TMP_NAME]; /* the temporary file, while has_tmp */
	bool has_tmp;
	bool not_regular; /* refused: a link, a directory... at its name */
	enum outdir_state state;
	int err;
};

struct outdir {
	struct crrc_sink sink;
	char *dir;
	FILE *log;
	struct crrc_diags *d; /* where problems go, during the commit */
	int dirfd;            /* every name is opened relative to it; it holds the lock */
	bool prepared;        /* the directory was made, locked, swept, its record read */
	int dir_err;          /* why the directory could not be made (0: it is there) */
	bool busy;            /* another compile held the lock past the wait */
	double waited;        /* seconds waited for the lock */
	size_t created_at;    /* the length of the first level of dir that crrc made */
	bool committed;
	bool check_only;      /* compile --check: compare, write nothing */
	size_t changes;       /* --check: files that would be written or removed */
	/* The previous run's record: its names in its order, and sorted. */
	char *record;
	const char **rec, **rec_sorted;
	size_t nrec;
	struct outdir_file *files;
	size_t n, cap;
	char record_tmp[OUTDIR_TMP_NAME]; /* the new record, while has_record_tmp */
	bool has_record_tmp;
	bool refused; /* some file was refused: write nothing more */
	struct buf b; /* the file being rendered */
	char *old;    /* a chunk of the existing file, to compare */
	/* The file being rendered. */
	enum outdir_mode mode;
	bool foreign; /* there is a file, and crrc did not write it */
	int old_fd, tmp_fd;
	size_t same; /* its bytes so far, equal to the existing file's */
	struct buf needs; /* "name\twhy\n" lines the target required */
	/* Where temporary names come from (getrandom; a test may fix them). */
	uint64_t (*random)(void *ctx);
	void *random_ctx;
};

/* At the first file (or the commit): make the directory, open it, take its
 * lock, read the record and sweep what a dead run left (outdir_publish.c). */
void outdir_prepare(struct outdir *o);
/* A new temporary file in the directory, created with O_EXCL|O_NOFOLLOW
 * under a fresh random name (written into name, registered for the signal
 * handlers by *registered = true, with signals held); its descriptor, or
 * -1 with errno. */
int outdir_tmp_create(struct outdir *o, char name[OUTDIR_TMP_NAME], bool *registered);
/* Forget a temporary file (after a rename or an unlink). */
void outdir_tmp_forget(bool *registered);
/* Stop the signal handlers' watch over o (outdir_destroy); close the
 * directory, which lets its lock go. */
void outdir_release(struct outdir *o);
/* Hold off SIGINT, SIGTERM and SIGHUP while what their handlers read
 * changes; restore them after. */
void outdir_signals_hold(sigset_t *held);
void outdir_signals_restore(const sigset_t *held);

/* "<dir>/<name>", for messages. */
char *outdir_path(const struct outdir *o, const char *name);
/* Whether the previous run's record lists name. */
bool outdir_recorded(const struct outdir *o, const char *name);

#endif
