/* outdir_publish.c: the output directory as a place several runs share.
 * One compile at a time: the directory's descriptor holds an advisory lock
 * (flock) from the first file to the end, and a second run waits for it, a
 * bounded time. Under the lock, what a dead run left (its temporary files)
 * is swept. The set is published so that a kill at any moment leaves a
 * directory the next run repairs on its own:
 *
 *   1. every file is rendered into a temporary file (outdir.c);
 *   2. the record (.crrc-files) is rewritten to list the old and the new
 *      files: from here on every file crrc may have put there is listed;
 *   3. the files are renamed into place in the order the target opened
 *      them (a target opens last the files that name the others);
 *   4. the old files this run did not write are removed;
 *   5. the record is rewritten with exactly the new files.
 *
 * SIGINT, SIGTERM and SIGHUP remove the temporary files before crrc dies;
 * during steps 2 to 5 they wait, so they leave the old set or the new. */
#define _GNU_SOURCE /* O_DIRECTORY and friends are POSIX; this is for getrandom */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/random.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fdio.h"
#include "base/oom.h"
#include "diag/diag.h"
#include "emit/outdir_impl.h"

/* How long a run waits for another's lock, unless CRRC_LOCK_WAIT says. */
#define LOCK_WAIT_SECONDS 120.0

static const int caught[] = {SIGINT, SIGTERM, SIGHUP};
#define NCAUGHT (sizeof(caught) / sizeof(caught[0]))

/* The one output directory this process is writing, for the handlers. */
static struct outdir *watched;
static struct sigaction saved[NCAUGHT];
static bool installed[NCAUGHT];

static void on_signal(int sig)
{
	struct outdir *o = watched;
	if (o && o->dirfd >= 0) {
		for (size_t i = 0; i < o->n; i++)
			if (o->files[i].has_tmp)
				unlinkat(o->dirfd, o->files[i].tmp, 0);
		if (o->has_record_tmp)
			unlinkat(o->dirfd, o->record_tmp, 0);
	}
	signal(sig, SIG_DFL);
	raise(sig); /* delivered when the handler returns: crrc dies of it */
}

void outdir_signals_hold(sigset_t *held)
{
	sigset_t set;
	sigemptyset(&set);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaddset(&set, caught[i]);
	sigprocmask(SIG_BLOCK, &set, held);
}

void outdir_signals_restore(const sigset_t *held)
{
	sigprocmask(SIG_SETMASK, held, NULL);
}

/* Catch the signals, but leave one ignored (nohup) ignored. */
static void signals_install(struct outdir *o)
{
	struct sigaction sa = {.sa_handler = on_signal};
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < NCAUGHT; i++)
		sigaddset(&sa.sa_mask, caught[i]);
	watched = o;
	for (size_t i = 0; i < NCAUGHT; i++) {
		if (sigaction(caught[i], NULL, &saved[i]) != 0 || saved[i].sa_handler == SIG_IGN)
			continue;
		installed[i] = sigaction(caught[i], &sa, NULL) == 0;
	}
}

void outdir_release(struct outdir *o)
{
	if (watched == o) {
		for (size_t i = 0; i < NCAUGHT; i++)
			if (installed[i])
				sigaction(caught[i], &saved[i], NULL);
		memset(installed, 0, sizeof(installed));
		watched = NULL;
	}
	if (o->dirfd >= 0)
		close(o->dirfd);
	o->dirfd = -1;
}

/* mkdir -p, remembering the first level it made (to undo it). */
static bool mkdir_p(struct outdir *o)
{
	if (!*o->dir) {
		errno = ENOENT;
		return false;
	}
	char *p = xrealloc(NULL, strlen(o->dir) + 1);
	strcpy(p, o->dir);
	bool ok = true;
	for (char *s = p + 1; ok; s++) {
		if (*s != '/' && *s != '\0')
			continue;
		char c = *s;
		*s = '\0';
		if (mkdir(p, 0777) == 0) {
			if (!o->created_at) /* the first level crrc made */
				o->created_at = (size_t)(s - p);
		} else if (errno != EEXIST) {
			ok = false;
		}
		*s = c;
		if (!c)
			break;
	}
	free(p);
	return ok;
}

static double seconds_now(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static double lock_wait_limit(void)
{
	const char *e = getenv("CRRC_LOCK_WAIT");
	char *end;
	double v = e && *e ? strtod(e, &end) : -1;
	return e && *e && !*end && v >= 0 && v <= 86400 ? v : LOCK_WAIT_SECONDS;
}

/* The directory's lock (kind: LOCK_EX to write, LOCK_SH to compare): at
 * once, or after waiting for the run that holds it (saying so on stderr),
 * at most lock_wait_limit() seconds. */
static bool lock_take(struct outdir *o, int kind)
{
	if (flock(o->dirfd, kind | LOCK_NB) == 0)
		return true;
	if (errno != EWOULDBLOCK && errno != EINTR) {
		o->dir_err = errno;
		return false;
	}
	double limit = lock_wait_limit(), start = seconds_now();
	fprintf(stderr, "crrc: waiting for another crrc compile into %s to finish (at most %g s)\n",
		o->dir, limit);
	do {
		nanosleep(&(struct timespec){0, 20 * 1000 * 1000}, NULL);
		o->waited = seconds_now() - start;
		if (flock(o->dirfd, kind | LOCK_NB) == 0)
			return true;
	} while (o->waited < limit);
	o->busy = true;
	return false;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

char *outdir_path(const struct outdir *o, const char *name)
{
	const char *dir = o->dir;
	size_t ld = strlen(dir), ln = strlen(name);
	while (ld > 1 && dir[ld - 1] == '/')
		ld--; /* "out/" and "out" name the same directory */
	char *p = xrealloc(NULL, ld + ln + 2);
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}

bool outdir_recorded(const struct outdir *o, const char *name)
{
	return o->nrec && bsearch(&name, o->rec_sorted, o->nrec, sizeof(*o->rec_sorted), name_cmp);
}

/* The previous run's record: one file name a line (a link there is no
 * record: it is never read through). */
static void record_read(struct outdir *o)
{
	int fd = openat(o->dirfd, OUTDIR_RECORD, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
	if (!f) {
		if (fd >= 0)
			close(fd);
		return;
	}
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	o->record = buf_detach(&b, NULL);
	size_t lines = 1;
	for (const char *p = o->record; p && *p; p++)
		lines += *p == '\n';
	o->rec = xrealloc(NULL, lines * sizeof(*o->rec));
	o->rec_sorted = xrealloc(NULL, lines * sizeof(*o->rec));
	for (char *p = o->record, *eol; p && *p; p = eol) {
		eol = strchr(p, '\n');
		if (eol)
			*eol++ = '\0';
		if (*p && !strchr(p, '/')) /* crrc writes plain names only */
			o->rec[o->nrec++] = p;
	}
	memcpy(o->rec_sorted, o->rec, o->nrec * sizeof(*o->rec));
	qsort(o->rec_sorted, o->nrec, sizeof(*o->rec), name_cmp);
}

/* A temporary file of crrc's: any .crrc-tmp-*, or NAME.tmp~ of a recorded
 * NAME (the names crrc used before). */
static bool stale_tmp(const struct outdir *o, const char *name)
{
	size_t n = strlen(name), ls = strlen(OUTDIR_LEGACY_TMP_SUFFIX);
	if (strncmp(name, OUTDIR_TMP_PREFIX, strlen(OUTDIR_TMP_PREFIX)) == 0)
		return true;
	if (n <= ls || strcmp(name + n - ls, OUTDIR_LEGACY_TMP_SUFFIX) != 0)
		return false;
	char *stem = xrealloc(NULL, n - ls + 1);
	memcpy(stem, name, n - ls);
	stem[n - ls] = '\0';
	bool ours = strcmp(stem, OUTDIR_RECORD) == 0 || outdir_recorded(o, stem);
	free(stem);
	return ours;
}

/* What a dead run left: with the lock held, no live run owns any. */
static void sweep(struct outdir *o)
{
	int fd = openat(o->dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	if (!d) {
		if (fd >= 0)
			close(fd);
		return;
	}
	for (struct dirent *e; (e = readdir(d));)
		if (stale_tmp(o, e->d_name))
			unlinkat(o->dirfd, e->d_name, 0);
	closedir(d);
}

/* compile --check: the directory as it is, made by nobody, under a shared
 * lock (a compile publishing into it is waited for); missing, every file
 * would be written. */
static void check_prepare(struct outdir *o)
{
	o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (o->dirfd < 0) {
		if (errno != ENOENT)
			o->dir_err = errno;
		return;
	}
	if (lock_take(o, LOCK_SH))
		record_read(o);
}

void outdir_prepare(struct outdir *o)
{
	if (o->prepared)
		return;
	o->prepared = true;
	errno = 0;
	if (o->check_only) {
		check_prepare(o);
		return;
	}
	if (!mkdir_p(o) ||
	    (o->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0) {
		o->dir_err = errno ? errno : EIO;
		return;
	}
	if (!lock_take(o, LOCK_EX))
		return;
	signals_install(o);
	record_read(o);
	sweep(o);
}

static uint64_t random_name(void)
{
	static uint64_t counter;
	uint64_t r;
	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) == (ssize_t)sizeof(r))
		return r;
	struct timespec t;
	clock_gettime(CLOCK_REALTIME, &t);
	r = ((uint64_t)getpid() << 32) ^ (uint64_t)t.tv_nsec ^ ((uint64_t)t.tv_sec << 20) ^
	    ++counter * 0x9E3779B97F4A7C15ull;
	return r ^ (r >> 31);
}

int outdir_tmp_create(struct outdir *o, char name[OUTDIR_TMP_NAME], bool *registered)
{
	for (int tries = 0; tries < 64; tries++) {
		uint64_t r = o->random ? o->random(o->random_ctx) : random_name();
		snprintf(name, OUTDIR_TMP_NAME, OUTDIR_TMP_PREFIX "%016llx", (unsigned long long)r);
		sigset_t held;
		outdir_signals_hold(&held);
		int fd = openat(o->dirfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				0666);
		int err = errno;
		if (fd >= 0)
			*registered = true;
		outdir_signals_restore(&held);
		if (fd >= 0 || err != EEXIST) {
			errno = err;
			return fd;
		}
	}
	errno = EEXIST;
	return -1;
}

void outdir_tmp_forget(bool *registered)
{
	sigset_t held;
	outdir_signals_hold(&held);
	*registered = false;
	outdir_signals_restore(&held);
}

/* A file of the output that cannot be written, as a diagnostic about that
 * file: E093 when the disk or the quota is full, else E092. */
static void write_problem(struct outdir *o, const char *path, int err)
{
	diags_set_file(o->d, path, NULL, 0);
	if (err == ENOSPC || err == EDQUOT)
		diags_add(o->d, CRRC_E093, (struct crrc_pos){0},
			  "cannot write %s: %s: free some space, or choose another --out", path,
			  strerror(err));
	else
		diags_add(o->d, CRRC_E092, (struct crrc_pos){0}, "cannot write %s: %s", path,
			  strerror(err ? err : EIO));
}

/* Every file that is in the way, and every file that could not be written;
 * false when there is any. */
static bool report_problems(struct outdir *o)
{
	bool ok = true;
	for (size_t i = 0; i < o->n; i++) {
		const struct outdir_file *f = &o->files[i];
		if (f->state == STATE_REFUSED) {
			diags_set_file(o->d, f->path, NULL, 0);
			diags_add(o->d, CRRC_E091, (struct crrc_pos){0},
				  f->not_regular
					  ? "%s is a symbolic link or not a regular file; crrc writes "
					    "only regular files, never through a link (move it away or "
					    "choose another --out)"
					  : "%s exists and was not written by crrc; not overwriting it "
					    "(move it away or choose another --out)",
				  f->path);
		} else if (f->state == STATE_FAILED) {
			write_problem(o, f->path, f->err);
		}
		ok = ok && f->state != STATE_REFUSED && f->state != STATE_FAILED;
	}
	return ok;
}

/* The names of this run's files, sorted (the caller frees them). */
static const char **names_sorted(const struct outdir *o)
{
	const char **names = xrealloc(NULL, (o->n + 1) * sizeof(*names));
	for (size_t i = 0; i < o->n; i++)
		names[i] = o->files[i].name;
	qsort(names, o->n, sizeof(*names), name_cmp);
	return names;
}

static bool have(const char **sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof(*sorted), name_cmp);
}

/* The record: this run's files, and with old, the previous record's too
 * (while the set is being published, every file crrc may have put there
 * is listed, so a run killed then leaves nothing the next refuses). */
static bool record_write(struct outdir *o, bool old)
{
	const char **mine = names_sorted(o);
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < o->n; i++)
		buf_printf(&b, "%s\n", o->files[i].name);
	for (size_t i = 0; old && i < o->nrec; i++)
		if (!have(mine, o->n, o->rec[i]))
			buf_printf(&b, "%s\n", o->rec[i]);
	free(mine);
	errno = 0;
	int fd = outdir_tmp_create(o, o->record_tmp, &o->has_record_tmp);
	bool ok = fd >= 0 && fd_write_all(fd, b.data ? b.data : "", b.len);
	int err = errno;
	if (fd >= 0 && close(fd) != 0 && ok) {
		ok = false;
		err = errno;
	}
	if (ok && renameat(o->dirfd, o->record_tmp, o->dirfd, OUTDIR_RECORD) != 0) {
		ok = false;
		err = errno;
	}
	buf_free(&b);
	if (ok) {
		outdir_tmp_forget(&o->has_record_tmp);
		return true;
	}
	char *path = outdir_path(o, OUTDIR_RECORD);
	write_problem(o, path, err);
	free(path);
	return false;
}

/* An unchanged script keeps its executable bit: set through a descriptor
 * of the regular file itself, never by name. */
static void script_mode(struct outdir *o, const struct outdir_file *f)
{
	size_t n = strlen(f->name);
	if (n < 3 || strcmp(f->name + n - 3, ".sh") != 0)
		return;
	int fd = openat(o->dirfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;
	if (fd >= 0 && fstat(fd, &st) == 0 && S_ISREG(st.st_mode))
		fchmod(fd, 0755);
	if (fd >= 0)
		close(fd);
}

/* Put the files in place, in the order the target opened them; stops at
 * the first that fails. rename never follows a link at the final name: it
 * replaces the link. */
static bool publish(struct outdir *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct outdir_file *f = &o->files[i];
		if (f->state == STATE_WRITTEN) {
			if (renameat(o->dirfd, f->tmp, o->dirfd, f->name) != 0) {
				write_problem(o, f->path, errno);
				return false;
			}
			outdir_tmp_forget(&f->has_tmp);
		} else {
			script_mode(o, f);
		}
		fprintf(o->log, "%s %s\n", f->state == STATE_WRITTEN ? "wrote" : "unchanged",
			f->path);
	}
	return true;
}

/* Remove what the previous run wrote and this one did not. */
static void remove_stale(struct outdir *o)
{
	const char **mine = names_sorted(o);
	for (size_t i = 0; i < o->nrec; i++) {
		const char *name = o->rec[i];
		if (strcmp(name, OUTDIR_RECORD) == 0 || have(mine, o->n, name))
			continue;
		if (unlinkat(o->dirfd, name, 0) == 0) {
			char *path = outdir_path(o, name);
			fprintf(o->log, "removed %s\n", path);
			free(path);
		}
	}
	free(mine);
}

/* What the target said the output needs, after what was written. */
static void needs_print(struct outdir *o)
{
	if (!o->needs.len)
		return;
	fputs("the output needs:\n", o->log);
	for (char *line = o->needs.data, *eol; *line; line = eol + 1) {
		eol = strchr(line, '\n');
		char *tab = strchr(line, '\t');
		fprintf(o->log, "  %-32.*s %.*s\n", (int)(tab - line), line, (int)(eol - tab - 1),
			tab + 1);
	}
}

/* compile --check: what a compile would write and remove, said and
 * counted; nothing changes. */
static bool check_commit(struct outdir *o)
{
	if (!report_problems(o))
		return false;
	for (size_t i = 0; i < o->n; i++)
		if (o->files[i].state == STATE_WRITTEN) {
			fprintf(o->log, "would write %s\n", o->files[i].path);
			o->changes++;
		}
	const char **mine = names_sorted(o);
	struct stat st;
	for (size_t i = 0; o->dirfd >= 0 && i < o->nrec; i++) {
		const char *name = o->rec[i];
		if (strcmp(name, OUTDIR_RECORD) == 0 || have(mine, o->n, name) ||
		    fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0)
			continue;
		char *path = outdir_path(o, name);
		fprintf(o->log, "would remove %s\n", path);
		free(path);
		o->changes++;
	}
	free(mine);
	return true;
}

size_t outdir_changes(const struct outdir *o)
{
	return o->changes;
}

bool outdir_commit(struct outdir *o, struct crrc_diags *d)
{
	o->d = d;
	outdir_prepare(o);
	if (o->dir_err) {
		diags_set_file(d, o->dir, NULL, 0);
		diags_add(d, o->dir_err == ENOSPC || o->dir_err == EDQUOT ? CRRC_E093 : CRRC_E090,
			  (struct crrc_pos){0}, "cannot create the output directory %s: %s", o->dir,
			  strerror(o->dir_err));
		return false;
	}
	if (o->busy) {
		diags_set_file(d, o->dir, NULL, 0);
		diags_add(d, CRRC_E094, (struct crrc_pos){0},
			  "another crrc compile into %s held it for all of %.0f s; nothing was "
			  "written (CRRC_LOCK_WAIT sets how long to wait)",
			  o->dir, o->waited);
		return false;
	}
	if (o->check_only)
		return check_commit(o);
	if (!report_problems(o))
		return false;
	/* The publish is a few renames: SIGINT, SIGTERM and SIGHUP wait for
	 * its end, so that they leave the old set or the new, never a mix
	 * (kill -9 can, and the next run repairs that). */
	sigset_t held;
	outdir_signals_hold(&held);
	bool ok = record_write(o, true) && publish(o);
	if (ok) {
		o->committed = true;
		remove_stale(o);
		ok = record_write(o, false);
	}
	outdir_signals_restore(&held);
	if (ok)
		needs_print(o);
	return ok;
}
