/* outdir.c: writing a back end's files into the output directory. A
 * record of what crrc wrote (.crrc-files) lets a later run replace and
 * remove its own files and never touch anyone else's. Files are written to
 * a temporary name and renamed, so a reader never sees half a file. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "emit.h"

#define RECORD ".crrc-files"

static bool mkdir_p(const char *dir)
{
	char *p = strdup(dir);
	if (!p)
		return false;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0777) != 0 && errno != EEXIST) {
			free(p);
			return false;
		}
		*s = '/';
	}
	bool ok = mkdir(p, 0777) == 0 || errno == EEXIST;
	free(p);
	return ok;
}

static char *path_join(const char *dir, const char *name)
{
	size_t ld = strlen(dir), ln = strlen(name);
	while (ld > 1 && dir[ld - 1] == '/')
		ld--; /* "out/" and "out" name the same directory */
	char *p = malloc(ld + ln + 2);
	if (!p)
		abort();
	memcpy(p, dir, ld);
	p[ld] = '/';
	memcpy(p + ld + 1, name, ln + 1);
	return p;
}

/* The previous run's record: one file name a line. */
static char *record_read(const char *dir)
{
	char *path = path_join(dir, RECORD);
	FILE *f = fopen(path, "r");
	free(path);
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[4096];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	buf_putc(&b, '\0');
	return buf_detach(&b, NULL);
}

static bool record_has(const char *record, const char *name)
{
	size_t ln = strlen(name);
	for (const char *p = record; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		if (len == ln && memcmp(p, name, ln) == 0)
			return true;
		p = eol ? eol + 1 : NULL;
	}
	return false;
}

/* Whether the file at path holds f's bytes: sizes first, then the bytes,
 * read in large chunks straight into one buffer (no stdio copy). */
static bool same_contents(const char *path, const struct crrc_file *f)
{
	FILE *fp = fopen(path, "rb");
	if (!fp)
		return false;
	struct stat st;
	bool same = fstat(fileno(fp), &st) == 0 && (size_t)st.st_size == f->len;
	size_t size = 1 << 16, off = 0, n;
	char *chunk = same ? malloc(size) : NULL;
	same = same && chunk && setvbuf(fp, NULL, _IONBF, 0) == 0;
	while (same && (n = fread(chunk, 1, size, fp)) > 0) {
		same = off + n <= f->len && memcmp(chunk, f->data + off, n) == 0;
		off += n;
	}
	free(chunk);
	fclose(fp);
	return same && off == f->len;
}

static bool write_atomic(const char *path, const char *data, size_t len)
{
	size_t lp = strlen(path);
	char *tmp = malloc(lp + 6);
	if (!tmp)
		abort();
	memcpy(tmp, path, lp);
	memcpy(tmp + lp, ".tmp~", 6);
	FILE *f = fopen(tmp, "wb");
	bool ok = f && fwrite(data, 1, len, f) == len;
	if (f && fclose(f) != 0)
		ok = false;
	ok = ok && rename(tmp, path) == 0;
	if (!ok)
		unlink(tmp);
	free(tmp);
	return ok;
}

/* Refuse before writing anything when a file is in the way. */
static bool check_clobber(const char *dir, const struct crrc_output *o, const char *record,
			  FILE *log)
{
	bool ok = true;
	for (size_t i = 0; i < o->n; i++) {
		char *path = path_join(dir, o->files[i].path);
		struct stat st;
		if (stat(path, &st) == 0 && !record_has(record, o->files[i].path) &&
		    !same_contents(path, &o->files[i])) {
			fprintf(log, "crrc: %s exists and was not written by crrc; "
				     "not overwriting it (move it away or choose another --out)\n",
				path);
			ok = false;
		}
		free(path);
	}
	return ok;
}

static void remove_stale(const char *dir, const struct crrc_output *o, const char *record,
			 FILE *log)
{
	for (const char *p = record; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t len = eol ? (size_t)(eol - p) : strlen(p);
		char *name = strndup(p, len);
		if (name && *name && !strchr(name, '/') && strcmp(name, RECORD) != 0 &&
		    !output_find(o, name)) {
			char *path = path_join(dir, name);
			if (unlink(path) == 0)
				fprintf(log, "removed %s\n", path);
			free(path);
		}
		free(name);
		p = eol ? eol + 1 : NULL;
	}
}

bool outdir_write(const char *dir, const struct crrc_output *o, FILE *log)
{
	if (!mkdir_p(dir)) {
		fprintf(log, "crrc: cannot create %s: %s\n", dir, strerror(errno));
		return false;
	}
	char *record = record_read(dir);
	bool ok = check_clobber(dir, o, record, log);
	struct buf rec = BUF_INIT;
	for (size_t i = 0; ok && i < o->n; i++) {
		const struct crrc_file *f = &o->files[i];
		char *path = path_join(dir, f->path);
		if (same_contents(path, f)) {
			fprintf(log, "unchanged %s\n", path);
		} else if (write_atomic(path, f->data, f->len)) {
			fprintf(log, "wrote %s\n", path);
		} else {
			fprintf(log, "crrc: cannot write %s: %s\n", path, strerror(errno));
			ok = false;
		}
		if (f->len >= 3 && strcmp(f->path + strlen(f->path) - 3, ".sh") == 0)
			chmod(path, 0755);
		buf_printf(&rec, "%s\n", f->path);
		free(path);
	}
	if (ok) {
		remove_stale(dir, o, record, log);
		char *rpath = path_join(dir, RECORD);
		ok = write_atomic(rpath, rec.data ? rec.data : "", rec.len);
		free(rpath);
	}
	buf_free(&rec);
	free(record);
	return ok;
}
