/* outdir.c: the output directory, as a sink (emit.h). Each file is rendered
 * into one buffer that drains to disk as it fills: while its bytes are those
 * of the file already there they are only compared, and from the first
 * difference on the identical prefix and the rest go to a temporary file of
 * a fresh random name, created with O_EXCL|O_NOFOLLOW. Every name is opened
 * relative to the directory's descriptor and never through a symbolic link.
 * Nothing is published before outdir_commit (outdir_publish.c), which also
 * holds the directory's lock. A file that did not change keeps its mtime,
 * and a run that fails changes nothing. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/fdio.h"
#include "base/oom.h"
#include "emit/outdir_impl.h"

/* The buffer drains at this size, and the existing file is read in pieces
 * of it: few system calls, and both stay small. */
#define CHUNK (256 * 1024)

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

static bool ends_with(const char *s, const char *suffix)
{
	size_t ls = strlen(s), lx = strlen(suffix);
	return ls >= lx && strcmp(s + ls - lx, suffix) == 0;
}

static bool tmp_open(struct outdir *o)
{
	struct outdir_file *f = current(o);
	if (o->check_only) { /* it would be written: that is all --check needs */
		f->state = STATE_WRITTEN;
		o->mode = MODE_DISCARD;
		return false;
	}
	o->tmp_fd = outdir_tmp_create(o, f->tmp, &f->has_tmp);
	if (o->tmp_fd < 0) {
		file_fail(o, errno);
		return false;
	}
	/* A script is executable from the start: no chmod by name later,
	 * which a link planted in between would redirect. */
	if (ends_with(f->name, ".sh") && fchmod(o->tmp_fd, 0755) != 0) {
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
		ssize_t got = fd_read_full(o->old_fd, o->old, n, (off_t)off);
		if (got != (ssize_t)n || !fd_write_all(o->tmp_fd, o->old, n)) {
			file_fail(o, got < 0 || got == (ssize_t)n ? errno : EIO);
			return;
		}
		off += n;
	}
}

/* The bytes differ from the existing file's from o->same on. */
static void diverge(struct outdir *o)
{
	if (o->foreign || current(o)->not_regular) {
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
		if (fd_read_full(o->old_fd, o->old, n, -1) != (ssize_t)n ||
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
	if (o->mode == MODE_WRITE && !fd_write_all(o->tmp_fd, data, len))
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
		/* the signal handlers read the array: it moves with them held */
		sigset_t held;
		outdir_signals_hold(&held);
		o->cap = o->cap ? 2 * o->cap : 16;
		o->files = xrealloc(o->files, o->cap * sizeof(*o->files));
		outdir_signals_restore(&held);
	}
	struct outdir_file *f = &o->files[o->n++];
	size_t len = strlen(name);
	*f = (struct outdir_file){.name = xrealloc(NULL, len + 1), .state = STATE_SKIPPED};
	memcpy(f->name, name, len + 1);
	f->path = outdir_path(o, name);
	return f;
}

/* The existing file at f's name, to compare with: opened without
 * following a link, and only when it is a regular file (anything else at
 * the name is refused, whoever made it). */
static void existing_open(struct outdir *o, struct outdir_file *f)
{
	struct stat st;
	o->old_fd = openat(o->dirfd, f->name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (o->old_fd >= 0 && (fstat(o->old_fd, &st) != 0 || !S_ISREG(st.st_mode))) {
		close(o->old_fd);
		o->old_fd = -1;
	}
	if (o->old_fd < 0)
		f->not_regular = true;
}

static struct buf *sink_open(struct crrc_sink *s, const char *name)
{
	struct outdir *o = CRRC_CONTAINER_OF(s, struct outdir, sink);
	outdir_prepare(o);
	struct outdir_file *f = file_add(o, name);
	o->b.len = o->b.drained = o->same = 0;
	o->b.data[0] = '\0';
	o->mode = MODE_DISCARD;
	o->foreign = false;
	struct stat st;
	if (o->dir_err || o->busy)
		return &o->b;
	if (o->dirfd < 0) { /* --check of a directory that is not there */
		tmp_open(o);
		return &o->b;
	}
	if (!*name || strchr(name, '/') || strncmp(name, OUTDIR_TMP_PREFIX, 10) == 0 ||
	    strcmp(name, OUTDIR_RECORD) == 0) {
		file_fail(o, EINVAL); /* a target's bug: its names are plain */
		return &o->b;
	}
	if (fstatat(o->dirfd, name, &st, AT_SYMLINK_NOFOLLOW) != 0) {
		if (errno != ENOENT)
			file_fail(o, errno);
		else if (!o->refused)
			tmp_open(o);
		return &o->b;
	}
	o->foreign = !outdir_recorded(o, name);
	if (o->refused && !o->foreign && S_ISREG(st.st_mode))
		return &o->b; /* nothing will be written: only refusals matter */
	o->mode = MODE_COMPARE;
	if (S_ISREG(st.st_mode))
		existing_open(o, f);
	else
		f->not_regular = true;
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
		if (fd_read_full(o->old_fd, &c, 1, -1) == 0) {
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

static void sink_require(struct crrc_sink *s, const char *name, const char *why)
{
	struct outdir *o = CRRC_CONTAINER_OF(s, struct outdir, sink);
	buf_printf(&o->needs, "%s\t%s\n", name, why);
}

struct outdir *outdir_create(const char *dir, FILE *log)
{
	struct outdir *o = xrealloc(NULL, sizeof(*o));
	*o = (struct outdir){
		.sink = {.open = sink_open, .close = sink_close, .require = sink_require},
		.log = log,
		.dirfd = -1,
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

struct outdir *outdir_create_check(const char *dir, FILE *log)
{
	struct outdir *o = outdir_create(dir, log);
	o->check_only = true;
	return o;
}

struct crrc_sink *outdir_sink(struct outdir *o)
{
	return &o->sink;
}

void outdir_set_random(struct outdir *o, uint64_t (*random)(void *ctx), void *ctx)
{
	o->random = random;
	o->random_ctx = ctx;
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
		if (o->files[i].has_tmp)
			unlinkat(o->dirfd, o->files[i].tmp, 0);
		free(o->files[i].name);
		free(o->files[i].path);
	}
	if (o->has_record_tmp)
		unlinkat(o->dirfd, o->record_tmp, 0);
	outdir_release(o); /* the signal handlers let go of o; the lock goes */
	rollback_dir(o);
	free(o->files);
	free(o->record);
	free(o->rec);
	free(o->rec_sorted);
	buf_free(&o->b);
	buf_free(&o->needs);
	free(o->old);
	free(o->dir);
	free(o);
}
