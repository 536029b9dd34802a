/* outdir.c: the output directory, as a sink (emit.h). Each file is rendered
 * into one buffer that drains to disk as it fills: while its bytes are those
 * of the file already there they are only compared, and from the first
 * difference on the identical prefix and the rest go to a temporary file.
 * Nothing is published before outdir_commit, which renames the temporary
 * files over their targets (a reader never sees half a file): a file that
 * did not change keeps its mtime, and a run that fails changes nothing. A
 * record of what crrc wrote (.crrc-files) lets a later run replace and
 * remove its own files and never touch anyone else's. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/oom.h"
#include "diag/diag.h"
#include "emit/outdir.h"

#define RECORD ".crrc-files"
#define TMP_SUFFIX ".tmp~"
/* The buffer drains at this size, and the existing file is read in pieces
 * of it: few system calls, and both stay small. */
#define CHUNK (256 * 1024)

enum mode {
	MODE_COMPARE, /* the bytes so far are those of the existing file */
	MODE_WRITE,   /* into the temporary file */
	MODE_DISCARD, /* the bytes go nowhere (the file's state says why) */
};

enum state {
	STATE_SKIPPED,   /* the directory is missing, or another file was refused */
	STATE_UNCHANGED, /* the existing file holds the very bytes */
	STATE_WRITTEN,   /* into tmp, renamed at the commit */
	STATE_REFUSED,   /* a file crrc did not write, with other bytes, is there */
	STATE_FAILED,    /* an I/O error: err */
};

struct outdir_file {
	char *name; /* as the back end gave it */
	char *path; /* in the directory */
	char *tmp;  /* the temporary file, while it exists */
	enum state state;
	int err;
};

struct outdir {
	struct crrc_sink sink;
	char *dir;
	FILE *log;
	struct crrc_diags *d; /* where problems go, during the commit */
	bool prepared;     /* the directory was made and the record read */
	int dir_err;       /* why the directory could not be made (0: it is there) */
	size_t created_at; /* the length of the first level of dir that crrc made */
	bool committed;
	/* The previous run's record: its names in its order, and sorted. */
	char *record;
	const char **rec, **rec_sorted;
	size_t nrec;
	struct outdir_file *files;
	size_t n, cap;
	bool refused; /* some file was refused: write nothing more */
	struct buf b; /* the file being rendered */
	char *old;    /* CHUNK bytes of the existing file, to compare */
	/* The file being rendered. */
	enum mode mode;
	bool foreign; /* there is a file, and crrc did not write it */
	int old_fd, tmp_fd;
	size_t same; /* its bytes so far, equal to the existing file's */
};

static char *path_join(const char *dir, const char *name, const char *suffix)
{
	size_t ld = strlen(dir), ln = strlen(name), ls = strlen(suffix);
	while (ld > 1 && dir[ld - 1] == '/')
		ld--; /* "out/" and "out" name the same directory */
	char *p = xrealloc(NULL, ld + ln + ls + 2);
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln);
	memcpy(p + ld + 1 + ln, suffix, ls + 1);
	return p;
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
	struct stat st;
	if (ok && stat(p, &st) == 0 && !S_ISDIR(st.st_mode)) {
		errno = ENOTDIR;
		ok = false;
	}
	free(p);
	return ok;
}

static int name_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static bool names_have(const char **sorted, size_t n, const char *name)
{
	return n && bsearch(&name, sorted, n, sizeof(*sorted), name_cmp);
}

/* The previous run's record: one file name a line. */
static void record_read(struct outdir *o)
{
	char *path = path_join(o->dir, RECORD, "");
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	o->record = buf_detach(&b, NULL);
	size_t lines = 1;
	for (const char *p = o->record; *p; p++)
		lines += *p == '\n';
	o->rec = xrealloc(NULL, lines * sizeof(*o->rec));
	o->rec_sorted = xrealloc(NULL, lines * sizeof(*o->rec));
	for (char *p = o->record, *eol; p && *p; p = eol) {
		eol = strchr(p, '\n');
		if (eol)
			*eol++ = '\0';
		o->rec[o->nrec++] = p;
	}
	memcpy(o->rec_sorted, o->rec, o->nrec * sizeof(*o->rec));
	qsort(o->rec_sorted, o->nrec, sizeof(*o->rec), name_cmp);
}

/* At the first file (or the commit): the directory and the record. */
static void prepare(struct outdir *o)
{
	if (o->prepared)
		return;
	o->prepared = true;
	errno = 0;
	if (!mkdir_p(o))
		o->dir_err = errno ? errno : EIO;
	else
		record_read(o);
}

static struct outdir_file *current(struct outdir *o)
{
	return &o->files[o->n - 1];
}

static void file_fail(struct outdir *o, int err)
{
	struct outdir_file *f = current(o);
	f->state = STATE_FAILED;
	f->err = err ? err : EIO;
	o->mode = MODE_DISCARD;
	if (o->tmp_fd >= 0)
		close(o->tmp_fd);
	o->tmp_fd = -1;
}

static bool write_full(int fd, const char *data, size_t len)
{
	while (len) {
		ssize_t n = write(fd, data, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return false;
		data += n;
		len -= (size_t)n;
	}
	return true;
}

/* Up to len bytes of fd at off (pread) or at its offset (off < 0): fewer
 * only at the end of the file; -1 on error. */
static ssize_t read_full(int fd, char *p, size_t len, off_t off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t n = off < 0 ? read(fd, p + got, len - got)
				    : pread(fd, p + got, len - got, off + (off_t)got);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

static bool tmp_open(struct outdir *o)
{
	struct outdir_file *f = current(o);
	f->tmp = path_join(o->dir, f->name, TMP_SUFFIX);
	o->tmp_fd = open(f->tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (o->tmp_fd < 0) {
		free(f->tmp);
		f->tmp = NULL;
		file_fail(o, errno);
		return false;
	}
	o->mode = MODE_WRITE;
	return true;
}

/* The bytes that were the same as the existing file's, into the
 * temporary file: copied from the existing file. */
static void copy_prefix(struct outdir *o)
{
	for (size_t off = 0; off < o->same;) {
		size_t n = o->same - off < CHUNK ? o->same - off : CHUNK;
		ssize_t got = read_full(o->old_fd, o->old, n, (off_t)off);
		if (got != (ssize_t)n || !write_full(o->tmp_fd, o->old, n)) {
			file_fail(o, got < 0 || got == (ssize_t)n ? errno : EIO);
			return;
		}
		off += n;
	}
}

/* The bytes differ from the existing file's from o->same on. */
static void diverge(struct outdir *o)
{
	if (o->foreign) {
		current(o)->state = STATE_REFUSED;
		o->refused = true;
		o->mode = MODE_DISCARD;
	} else if (tmp_open(o)) {
		copy_prefix(o);
	}
	if (o->old_fd >= 0)
		close(o->old_fd);
	o->old_fd = -1;
}

/* How many of the len bytes at data are the existing file's next ones (in
 * pieces: a piece that differs counts for none). */
static size_t compare(struct outdir *o, const char *data, size_t len)
{
	size_t k = 0;
	while (k < len) {
		size_t n = len - k < CHUNK ? len - k : CHUNK;
		if (read_full(o->old_fd, o->old, n, -1) != (ssize_t)n ||
		    memcmp(o->old, data + k, n) != 0)
			break;
		k += n;
		o->same += n;
	}
	return k;
}

static void consume(struct outdir *o, const char *data, size_t len)
{
	if (o->mode == MODE_COMPARE) {
		size_t k = compare(o, data, len);
		if (k == len)
			return;
		diverge(o);
		data += k;
		len -= k;
	}
	if (o->mode == MODE_WRITE && !write_full(o->tmp_fd, data, len))
		file_fail(o, errno);
}

static void drain(struct buf *b)
{
	struct outdir *o = CRRC_CONTAINER_OF(b, struct outdir, b);
	consume(o, b->data, b->len);
}

static struct outdir_file *file_add(struct outdir *o, const char *name)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? 2 * o->cap : 16;
		o->files = xrealloc(o->files, o->cap * sizeof(*o->files));
	}
	struct outdir_file *f = &o->files[o->n++];
	size_t len = strlen(name);
	*f = (struct outdir_file){.name = xrealloc(NULL, len + 1), .state = STATE_SKIPPED};
	memcpy(f->name, name, len + 1);
	f->path = path_join(o->dir, name, "");
	return f;
}

static struct buf *sink_open(struct crrc_sink *s, const char *name)
{
	struct outdir *o = CRRC_CONTAINER_OF(s, struct outdir, sink);
	prepare(o);
	struct outdir_file *f = file_add(o, name);
	o->b.len = o->b.drained = o->same = 0;
	o->b.data[0] = '\0';
	o->mode = MODE_DISCARD;
	o->foreign = false;
	struct stat st;
	if (o->dir_err) {
		return &o->b;
	} else if (stat(f->path, &st) != 0) {
		if (!o->refused)
			tmp_open(o);
		return &o->b;
	}
	o->foreign = !names_have(o->rec_sorted, o->nrec, name);
	if (o->refused && !o->foreign)
		return &o->b; /* nothing will be written: only refusals matter */
	o->mode = MODE_COMPARE;
	o->old_fd = S_ISREG(st.st_mode) ? open(f->path, O_RDONLY | O_CLOEXEC) : -1;
	if (o->old_fd < 0)
		diverge(o);
	return &o->b;
}

static void sink_close(struct crrc_sink *s)
{
	struct outdir *o = CRRC_CONTAINER_OF(s, struct outdir, sink);
	struct outdir_file *f = current(o);
	consume(o, o->b.data, o->b.len);
	o->b.drained += o->b.len;
	o->b.len = 0;
	if (o->mode == MODE_COMPARE) {
		char c;
		if (read_full(o->old_fd, &c, 1, -1) == 0) {
			f->state = STATE_UNCHANGED;
			o->mode = MODE_DISCARD;
		} else {
			diverge(o); /* the existing file is longer */
		}
	}
	if (o->mode == MODE_WRITE) {
		int fd = o->tmp_fd;
		o->tmp_fd = -1;
		if (close(fd) == 0)
			f->state = STATE_WRITTEN;
		else
			file_fail(o, errno);
	}
	if (o->old_fd >= 0)
		close(o->old_fd);
	o->old_fd = -1;
	o->mode = MODE_DISCARD;
}

struct outdir *outdir_create(const char *dir, FILE *log)
{
	struct outdir *o = xrealloc(NULL, sizeof(*o));
	*o = (struct outdir){
		.sink = {.open = sink_open, .close = sink_close},
		.log = log,
		.old_fd = -1,
		.tmp_fd = -1,
		.mode = MODE_DISCARD,
	};
	size_t len = strlen(dir);
	o->dir = xrealloc(NULL, len + 1);
	memcpy(o->dir, dir, len + 1);
	o->old = xrealloc(NULL, CHUNK);
	buf_grow(&o->b, CHUNK - 1); /* the one allocation, before it may drain */
	o->b.drain = drain;
	return o;
}

struct crrc_sink *outdir_sink(struct outdir *o)
{
	return &o->sink;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

/* A file of the output that cannot be written, as a diagnostic about that
 * file: E093 when the disk or the quota is full, else E092. */
static void write_problem(struct outdir *o, const char *path, int err)
{
	diags_set_file(o->d, path, NULL, 0);
	if (err == ENOSPC || err == EDQUOT)
		diags_add(o->d, CRRC_E093, (struct crrc_pos){0},
			  "cannot write %s: %s: free some space, or choose another --out; "
			  "nothing was changed in %s",
			  path, strerror(err), o->dir);
	else
		diags_add(o->d, CRRC_E092, (struct crrc_pos){0}, "cannot write %s: %s", path,
			  strerror(err));
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
				  "%s exists and was not written by crrc; not overwriting it "
				  "(move it away or choose another --out)",
				  f->path);
		} else if (f->state == STATE_FAILED) {
			write_problem(o, f->path, f->err);
		}
		ok = ok && f->state != STATE_REFUSED && f->state != STATE_FAILED;
	}
	return ok;
}

/* Put the files in place, in order; stops at the first that fails. */
static bool publish(struct outdir *o)
{
	for (size_t i = 0; i < o->n; i++) {
		struct outdir_file *f = &o->files[i];
		if (f->state == STATE_WRITTEN && rename(f->tmp, f->path) != 0) {
			write_problem(o, f->path, errno);
			return false;
		}
		if (f->state == STATE_WRITTEN) {
			free(f->tmp);
			f->tmp = NULL;
		}
		fprintf(o->log, "%s %s\n", f->state == STATE_WRITTEN ? "wrote" : "unchanged",
			f->path);
		if (ends_with(f->name, ".sh"))
			chmod(f->path, 0755);
	}
	return true;
}

/* Remove what the previous run wrote and this one did not. */
static void remove_stale(struct outdir *o)
{
	const char **names = xrealloc(NULL, o->n * sizeof(*names));
	for (size_t i = 0; i < o->n; i++)
		names[i] = o->files[i].name;
	qsort(names, o->n, sizeof(*names), name_cmp);
	for (size_t i = 0; i < o->nrec; i++) {
		const char *name = o->rec[i];
		if (!*name || strchr(name, '/') || strcmp(name, RECORD) == 0 ||
		    names_have(names, o->n, name))
			continue;
		char *path = path_join(o->dir, name, "");
		if (unlink(path) == 0)
			fprintf(o->log, "removed %s\n", path);
		free(path);
	}
	free(names);
}

static bool record_write(struct outdir *o)
{
	char *path = path_join(o->dir, RECORD, ""), *tmp = path_join(o->dir, RECORD, TMP_SUFFIX);
	errno = 0;
	FILE *f = fopen(tmp, "wb");
	bool ok = f != NULL;
	for (size_t i = 0; ok && i < o->n; i++)
		ok = fprintf(f, "%s\n", o->files[i].name) > 0;
	if (f && fclose(f) != 0)
		ok = false;
	ok = ok && rename(tmp, path) == 0;
	if (!ok) {
		write_problem(o, path, errno ? errno : EIO);
		unlink(tmp);
	}
	free(tmp);
	free(path);
	return ok;
}

bool outdir_commit(struct outdir *o, struct crrc_diags *d)
{
	o->d = d;
	prepare(o);
	if (o->dir_err) {
		diags_set_file(d, o->dir, NULL, 0);
		diags_add(d, o->dir_err == ENOSPC || o->dir_err == EDQUOT ? CRRC_E093 : CRRC_E090,
			  (struct crrc_pos){0}, "cannot create the output directory %s: %s", o->dir,
			  strerror(o->dir_err));
		return false;
	}
	if (!report_problems(o) || !publish(o))
		return false;
	o->committed = true;
	remove_stale(o);
	return record_write(o);
}

/* Without a commit: the levels of the directory that crrc made, when
 * they are empty. */
static void rollback_dir(struct outdir *o)
{
	if (!o->created_at || o->committed)
		return;
	char *p = xrealloc(NULL, strlen(o->dir) + 1);
	strcpy(p, o->dir);
	for (size_t len = strlen(p); len >= o->created_at; len--) {
		if (p[len - 1] == '/')
			continue; /* "a/b/" and "a//b" */
		p[len] = '\0';
		if (rmdir(p) != 0)
			break;
		while (len > 0 && p[len - 1] != '/')
			len--;
		if (len == 0)
			break;
	}
	free(p);
}

void outdir_destroy(struct outdir *o)
{
	if (!o)
		return;
	if (o->old_fd >= 0)
		close(o->old_fd);
	if (o->tmp_fd >= 0)
		close(o->tmp_fd);
	for (size_t i = 0; i < o->n; i++) {
		if (o->files[i].tmp)
			unlink(o->files[i].tmp);
		free(o->files[i].tmp);
		free(o->files[i].name);
		free(o->files[i].path);
	}
	rollback_dir(o);
	free(o->files);
	free(o->record);
	free(o->rec);
	free(o->rec_sorted);
	buf_free(&o->b);
	free(o->old);
	free(o->dir);
	free(o);
}
