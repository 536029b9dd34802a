/* test_outdir.c: the draining buffer and the output directory as a sink
 * (outdir.c): fresh writes, reruns that change nothing (mtime kept), files
 * that change in place, grow or shrink, files of several drains, files crrc
 * did not write (refused, and then nothing at all is written), stale files
 * removed, a sink destroyed without a commit, *.sh made executable, and
 * directories that cannot be written. Last, every example through both back
 * ends: the directory holds the very bytes of the in-memory sink. */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "base/buf.h"
#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "diag/diag.h"
#include "cli/targets.h"
#include "emit/outdir.h"
#include "model/desired.h"
#include "check_main.h"

/* A file for a run: its name and bytes. */
struct file {
	const char *name;
	const char *data;
	size_t len;
};

#define FILE_STR(n, s) {(n), (s), sizeof(s) - 1}

static char dir[256];
static char victim[300]; /* a file outside dir that no run may touch */
static char *log_text;
static size_t log_len;
/* Where the next runs' temporary names come from (NULL: getrandom). */
static uint64_t (*test_random)(void *ctx);
static void *test_random_ctx;

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/test_outdir.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(victim, sizeof(victim), "%s.victim", dir);
	FILE *f = fopen(victim, "wb");
	ck_assert_ptr_nonnull(f);
	fputs("victim\n", f);
	fclose(f);
	test_random = NULL;
}

static void remove_tree(const char *path)
{
	DIR *d = opendir(path);
	if (!d) {
		unlink(path);
		return;
	}
	for (struct dirent *e; (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		char sub[1024];
		snprintf(sub, sizeof(sub), "%s/%s", path, e->d_name);
		chmod(sub, 0755);
		remove_tree(sub);
	}
	closedir(d);
	rmdir(path);
}

static void teardown(void)
{
	chmod(dir, 0755);
	remove_tree(dir);
	unlink(victim);
	free(log_text);
	log_text = NULL;
	unsetenv("CRRC_LOCK_WAIT");
}

static char *in_dir(const char *name)
{
	static char path[2][512];
	static int which;
	which = !which;
	snprintf(path[which], sizeof(path[which]), "%s/%s", dir, name);
	return path[which];
}

/* One run of the sink over files into out: each file written in pieces of
 * piece bytes. Returns what the commit returned; the log is in log_text,
 * followed by the commit's diagnostics, one a line: "CODE file: message". */
static bool run_into(const char *out, const struct file *files, size_t n, size_t piece,
		     bool commit)
{
	free(log_text);
	log_text = NULL;
	FILE *log = open_memstream(&log_text, &log_len);
	ck_assert_ptr_nonnull(log);
	struct outdir *o = outdir_create(out, log);
	if (test_random)
		outdir_set_random(o, test_random, test_random_ctx);
	struct crrc_sink *s = outdir_sink(o);
	for (size_t i = 0; i < n; i++) {
		struct buf *b = s->open(s, files[i].name);
		for (size_t at = 0; at < files[i].len; at += piece)
			buf_put(b, files[i].data + at,
				files[i].len - at < piece ? files[i].len - at : piece);
		ck_assert_uint_eq(buf_size(b), files[i].len);
		s->close(s);
	}
	struct crrc_diags *d = diags_create();
	bool ok = commit && outdir_commit(o, d);
	ck_assert_int_eq(ok, commit && diags_errors(d) == 0);
	for (size_t i = 0; i < diags_count(d); i++) {
		const struct crrc_diag *g = diags_at(d, i);
		fprintf(log, "%s %s: %s\n", crrc_code_name(g->code), g->file, g->msg);
	}
	diags_destroy(d);
	outdir_destroy(o);
	fclose(log);
	return ok;
}

static bool run(const struct file *files, size_t n)
{
	return run_into(dir, files, n, 1000, true);
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	return buf_detach(&b, len);
}

static void assert_contents(const char *name, const char *data, size_t len)
{
	size_t got_len;
	char *got = slurp(in_dir(name), &got_len);
	ck_assert_msg(got != NULL, "%s is missing", name);
	ck_assert_uint_eq(got_len, len);
	ck_assert_msg(memcmp(got, data, len) == 0, "%s holds other bytes", name);
	free(got);
}

static void assert_log(const char *want)
{
	ck_assert_str_eq(log_text ? log_text : "", want);
}

/* Every name, size, inode, mtime and byte in the directory, as text. */
static char *snapshot(void)
{
	struct buf b = BUF_INIT;
	struct dirent **names;
	int n = scandir(dir, &names, NULL, alphasort);
	ck_assert_int_ge(n, 0);
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		struct stat st;
		if (strcmp(name, ".") != 0 && strcmp(name, "..") != 0 &&
		    stat(in_dir(name), &st) == 0) {
			size_t len = 0;
			char *data = slurp(in_dir(name), &len);
			buf_printf(&b, "%s %lld %llu %lld.%09ld %o\n", name, (long long)st.st_size,
				   (unsigned long long)st.st_ino, (long long)st.st_mtim.tv_sec,
				   st.st_mtim.tv_nsec, (unsigned)st.st_mode);
			if (data)
				buf_put(&b, data, len);
			free(data);
		}
		free(names[i]);
	}
	free(names);
	buf_putc(&b, '\0');
	return buf_detach(&b, NULL);
}

static void age(const char *name)
{
	struct timespec t[2] = {{1000000000, 0}, {1000000000, 0}};
	ck_assert_int_eq(utimensat(AT_FDCWD, in_dir(name), t, 0), 0);
}

static time_t mtime(const char *name)
{
	struct stat st;
	ck_assert_int_eq(stat(in_dir(name), &st), 0);
	return st.st_mtime;
}

static void put_foreign(const char *name, const char *text)
{
	FILE *f = fopen(in_dir(name), "wb");
	ck_assert_ptr_nonnull(f);
	fputs(text, f);
	fclose(f);
}

/* No temporary file of crrc's is left in dir. */
static void assert_no_temporary(void)
{
	DIR *d = opendir(dir);
	ck_assert_ptr_nonnull(d);
	for (struct dirent *e; (e = readdir(d));) {
		size_t n = strlen(e->d_name);
		ck_assert_msg(strncmp(e->d_name, ".crrc-tmp-", 10) != 0 &&
				      (n < 5 || strcmp(e->d_name + n - 5, ".tmp~") != 0),
			      "left behind: %s", e->d_name);
	}
	closedir(d);
}

static void assert_victim(void)
{
	size_t len;
	char *got = slurp(victim, &len);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(len == 7 && memcmp(got, "victim\n", 7) == 0, "the victim was written");
	free(got);
}

/* The log a run should print, as formatted. */
static char *expect_log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *expect_log(const char *fmt, ...)
{
	static char text[4096];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	return text;
}

/* A drain that collects what it is given. */
static struct buf drained;

static void collect(struct buf *b)
{
	buf_put(&drained, b->data, b->len);
}

START_TEST(test_buf_drain)
{
	struct buf b = BUF_INIT;
	buf_grow(&b, 99); /* cap 256 */
	b.drain = collect;
	struct buf want = BUF_INIT;
	for (int i = 0; i < 1000; i++) {
		buf_printf(&b, "line %d\n", i);
		buf_printf(&want, "line %d\n", i);
	}
	ck_assert_uint_eq(b.cap, 256); /* drained, never grown */
	ck_assert_uint_eq(buf_size(&b), want.len);
	ck_assert_uint_eq(drained.len + b.len, want.len);
	buf_put(&b, "x", 0);
	char big[1000];
	memset(big, 'y', sizeof(big));
	buf_put(&b, big, sizeof(big)); /* more than fits: drains, then grows */
	buf_put(&want, big, sizeof(big));
	ck_assert_uint_ge(b.cap, 1001);
	buf_put(&drained, b.data, b.len);
	ck_assert_uint_eq(drained.len, want.len);
	ck_assert(memcmp(drained.data, want.data, want.len) == 0);
	buf_free(&b);
	buf_free(&want);
	buf_free(&drained);
}
END_TEST

START_TEST(test_fresh)
{
	struct file f[] = {FILE_STR("a.txt", "hello\n"), FILE_STR("deploy.sh", "#!/bin/sh\n"),
			   FILE_STR("empty", "")};
	ck_assert(run(f, 3));
	assert_log(expect_log("wrote %s/a.txt\nwrote %s/deploy.sh\nwrote %s/empty\n", dir, dir,
			      dir));
	assert_contents("a.txt", "hello\n", 6);
	assert_contents("deploy.sh", "#!/bin/sh\n", 10);
	assert_contents("empty", "", 0);
	assert_contents(".crrc-files", "a.txt\ndeploy.sh\nempty\n", 22);
	struct stat st;
	ck_assert_int_eq(stat(in_dir("deploy.sh"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
	ck_assert_int_eq(stat(in_dir("a.txt"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0111, 0);
	assert_no_temporary();
}
END_TEST

START_TEST(test_rerun_unchanged)
{
	struct file f[] = {FILE_STR("a.txt", "hello\n"), FILE_STR("deploy.sh", "#!/bin/sh\n"),
			   FILE_STR("empty", "")};
	ck_assert(run(f, 3));
	age("a.txt");
	age("empty");
	chmod(in_dir("deploy.sh"), 0644); /* made executable again, unchanged */
	ck_assert(run(f, 3));
	assert_log(expect_log("unchanged %s/a.txt\nunchanged %s/deploy.sh\nunchanged %s/empty\n",
			      dir, dir, dir));
	ck_assert_int_eq(mtime("a.txt"), 1000000000);
	ck_assert_int_eq(mtime("empty"), 1000000000);
	struct stat st;
	ck_assert_int_eq(stat(in_dir("deploy.sh"), &st), 0);
	ck_assert_uint_eq(st.st_mode & 0777, 0755);
}
END_TEST

/* Rewrite "a" from before to after: written, with after's bytes. */
static void change(const char *before, size_t lb, const char *after, size_t la)
{
	struct file f = {"a", before, lb};
	ck_assert(run(&f, 1));
	age("a");
	f = (struct file){"a", after, la};
	ck_assert(run(&f, 1));
	assert_log(expect_log("wrote %s/a\n", dir));
	assert_contents("a", after, la);
	ck_assert_int_ne(mtime("a"), 1000000000);
	assert_no_temporary();
}

START_TEST(test_changed)
{
	change("hello\n", 6, "hallo\n", 6);
	change("hallo\n", 6, "hallo world\n", 12);
	change("hallo world\n", 12, "hal", 3);
	change("hal", 3, "", 0);
	change("", 0, "x", 1);
}
END_TEST

/* size bytes of a deterministic noise. */
static char *noise(size_t size)
{
	char *p = malloc(size);
	ck_assert_ptr_nonnull(p);
	unsigned long long x = 88172645463325252ull;
	for (size_t i = 0; i < size; i++) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17;
		p[i] = (char)(x & 0xff);
	}
	return p;
}

#define LARGE (1024 * 1024 + 123) /* several drains of the sink's buffer */

START_TEST(test_large)
{
	char *data = noise(LARGE + 1);
	struct file f = {"big", data, LARGE};
	ck_assert(run_into(dir, &f, 1, 4099, true));
	assert_contents("big", data, LARGE);
	age("big");
	ck_assert(run_into(dir, &f, 1, 100000, true));
	assert_log(expect_log("unchanged %s/big\n", dir));
	ck_assert_int_eq(mtime("big"), 1000000000);
	/* a difference early, in the middle, at the very end; one byte more
	 * and one less: the prefix that was compared is copied right */
	size_t at[] = {0, 300000, 700001, LARGE - 1};
	for (size_t i = 0; i < sizeof(at) / sizeof(at[0]); i++) {
		data[at[i]] ^= 0x55;
		ck_assert(run_into(dir, &f, 1, 4099, true));
		assert_log(expect_log("wrote %s/big\n", dir));
		assert_contents("big", data, LARGE);
	}
	f.len = LARGE + 1;
	ck_assert(run_into(dir, &f, 1, 65536, true));
	assert_log(expect_log("wrote %s/big\n", dir));
	assert_contents("big", data, LARGE + 1);
	f.len = LARGE - 1;
	ck_assert(run_into(dir, &f, 1, 65536, true));
	assert_log(expect_log("wrote %s/big\n", dir));
	assert_contents("big", data, LARGE - 1);
	f.len = 2 * 262144; /* exactly two drains */
	ck_assert(run_into(dir, &f, 1, 262144, true));
	assert_contents("big", data, f.len);
	ck_assert(run_into(dir, &f, 1, 262144, true));
	assert_log(expect_log("unchanged %s/big\n", dir));
	free(data);
}
END_TEST

START_TEST(test_foreign_refused)
{
	struct file first[] = {FILE_STR("a", "one\n"), FILE_STR("b", "two\n")};
	ck_assert(run(first, 2));
	put_foreign("c", "mine\n");
	put_foreign("e", "mine too\n");
	char *before = snapshot();
	struct file second[] = {FILE_STR("a", "changed\n"), FILE_STR("c", "crrc's\n"),
				FILE_STR("d", "new\n"), FILE_STR("e", "crrc's too\n"),
				FILE_STR("f", "new too\n")};
	ck_assert(!run(second, 5));
	assert_log(expect_log("E091 %s/c: %s/c exists and was not written by crrc; not "
			      "overwriting it (move it away or choose another --out)\n"
			      "E091 %s/e: %s/e exists and was not written by crrc; not "
			      "overwriting it (move it away or choose another --out)\n",
			      dir, dir, dir, dir));
	char *after = snapshot();
	ck_assert_str_eq(after, before); /* b not removed, no temporary file */
	free(before);
	free(after);
}
END_TEST

START_TEST(test_foreign_identical)
{
	put_foreign("c", "same\n");
	age("c");
	struct file f[] = {FILE_STR("c", "same\n"), FILE_STR("d", "new\n")};
	ck_assert(run(f, 2));
	assert_log(expect_log("unchanged %s/c\nwrote %s/d\n", dir, dir));
	ck_assert_int_eq(mtime("c"), 1000000000);
	assert_contents(".crrc-files", "c\nd\n", 4);
	/* now crrc's: replaced when it changes */
	f[0] = (struct file)FILE_STR("c", "other\n");
	ck_assert(run(f, 2));
	assert_contents("c", "other\n", 6);
}
END_TEST

START_TEST(test_stale)
{
	struct file first[] = {FILE_STR("a", "one\n"), FILE_STR("b", "two\n"),
			       FILE_STR("c", "three\n")};
	ck_assert(run(first, 3));
	put_foreign("x", "mine\n");
	struct file second[] = {FILE_STR("b", "two\n")};
	ck_assert(run(second, 1));
	assert_log(expect_log("unchanged %s/b\nremoved %s/a\nremoved %s/c\n", dir, dir, dir));
	ck_assert_int_eq(access(in_dir("a"), F_OK), -1);
	ck_assert_int_eq(access(in_dir("c"), F_OK), -1);
	assert_contents("x", "mine\n", 5);
	assert_contents(".crrc-files", "b\n", 2);
	/* x is never crrc's, whatever a later run removes */
	struct file third[] = {FILE_STR("a", "one\n")};
	ck_assert(run(third, 1));
	assert_contents("x", "mine\n", 5);
}
END_TEST

START_TEST(test_destroy_without_commit)
{
	struct file first[] = {FILE_STR("a", "one\n"), FILE_STR("b", "two\n")};
	ck_assert(run(first, 2));
	char *before = snapshot();
	struct file second[] = {FILE_STR("a", "changed\n"), FILE_STR("c", "new\n")};
	run_into(dir, second, 2, 1000, false);
	assert_log("");
	char *after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	/* a directory it made is gone again */
	char *deep = strdup(in_dir("x/y/"));
	run_into(deep, second, 2, 1000, false);
	ck_assert_int_eq(access(in_dir("x"), F_OK), -1);
	ck_assert(run_into(deep, second, 2, 1000, true));
	assert_contents("x/y/c", "new\n", 4);
	free(deep);
}
END_TEST

/* A relative --out of two new levels, as `./setup` gives on a fresh clone
 * (out/terraform): the second mkdir once read a stale errno as failure. */
START_TEST(test_new_relative_levels)
{
	char *cwd = getcwd(NULL, 0);
	ck_assert_ptr_nonnull(cwd);
	ck_assert_int_eq(chdir(dir), 0);
	struct file f[] = {FILE_STR("a", "one\n")};
	errno = EIO; /* whatever the last failed call left */
	bool ok = run_into("n1/n2", f, 1, 1000, true);
	ck_assert_int_eq(chdir(cwd), 0);
	free(cwd);
	ck_assert_msg(ok, "%s", log_text ? log_text : "");
	assert_contents("n1/n2/a", "one\n", 4);
}
END_TEST

START_TEST(test_not_a_directory)
{
	put_foreign("file", "mine\n");
	struct file f[] = {FILE_STR("a", "one\n")};
	ck_assert(!run_into(in_dir("file"), f, 1, 1000, true));
	ck_assert_msg(strstr(log_text, "E090 ") == log_text, "%s", log_text);
	ck_assert(!run_into(in_dir("file/sub"), f, 1, 1000, true));
	ck_assert_msg(strstr(log_text, "E090 ") == log_text, "%s", log_text);
	assert_contents("file", "mine\n", 5);
}
END_TEST

START_TEST(test_unwritable)
{
	if (geteuid() == 0) {
		fputs("test_unwritable: skipped, running as root (permissions do not stop root)\n",
		      stderr);
		return;
	}
	struct file f[] = {FILE_STR("a", "one\n"), FILE_STR("b", "two\n")};
	ck_assert(run(f, 2));
	char *before = snapshot();
	ck_assert_int_eq(chmod(dir, 0555), 0);
	struct file g[] = {FILE_STR("a", "changed\n"), FILE_STR("b", "two\n")};
	ck_assert(!run(g, 2));
	ck_assert_msg(strstr(log_text, "E092 ") == log_text, "%s", log_text);
	ck_assert_int_eq(chmod(dir, 0755), 0);
	char *after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
}
END_TEST

/* A link planted at the very name crrc picks for a temporary file, just
 * before it creates it (the random source plants it): O_EXCL|O_NOFOLLOW
 * refuses the name, crrc takes another, and the link's target is never
 * written. */
struct planting {
	int calls;
	int plant; /* how many of the first names get a link */
};

static uint64_t plant_link(void *ctx)
{
	struct planting *p = ctx;
	uint64_t r = 0x7e57000000000000ull + (uint64_t)++p->calls;
	if (p->calls <= p->plant) {
		char name[64];
		snprintf(name, sizeof(name), ".crrc-tmp-%016llx", (unsigned long long)r);
		ck_assert_int_eq(symlink(victim, in_dir(name)), 0);
	}
	return r;
}

START_TEST(test_link_at_temporary_name)
{
	struct planting p = {.plant = 3};
	test_random = plant_link;
	test_random_ctx = &p;
	struct file f[] = {FILE_STR("a.txt", "hello\n"), FILE_STR("deploy.sh", "#!/bin/sh\n")};
	ck_assert(run(f, 2));
	assert_victim();
	assert_contents("a.txt", "hello\n", 6);
	assert_contents("deploy.sh", "#!/bin/sh\n", 10);
	ck_assert_int_gt(p.calls, 3); /* the planted names were skipped */
	/* the next run sweeps the links (never their target) */
	test_random = NULL;
	ck_assert(run(f, 2));
	assert_no_temporary();
	assert_victim();
}
END_TEST

/* A link, recorded or not, or a directory at a final name: refused, and
 * nothing is written anywhere. */
START_TEST(test_link_at_final_name)
{
	struct file f[] = {FILE_STR("a.txt", "hello\n"), FILE_STR("b.txt", "two\n")};
	ck_assert(run(f, 2));
	ck_assert_int_eq(unlink(in_dir("a.txt")), 0);
	ck_assert_int_eq(symlink(victim, in_dir("a.txt")), 0); /* recorded name */
	ck_assert_int_eq(symlink(victim, in_dir("c.txt")), 0); /* a new name */
	ck_assert_int_eq(mkdir(in_dir("d.txt"), 0755), 0);
	char *before = snapshot();
	struct file g[] = {FILE_STR("a.txt", "changed\n"), FILE_STR("b.txt", "two, changed\n"),
			   FILE_STR("c.txt", "three\n"), FILE_STR("d.txt", "four\n")};
	ck_assert(!run(g, 4));
	for (const char *const *n = (const char *const[]){"a.txt", "c.txt", "d.txt", NULL}; *n;
	     n++) {
		char want[600];
		snprintf(want, sizeof(want), "E091 %s/%s: %s/%s is a symbolic link or not a regular "
			 "file", dir, *n, dir, *n);
		ck_assert_msg(strstr(log_text, want), "%s", log_text);
	}
	char *after = snapshot();
	ck_assert_str_eq(after, before);
	free(before);
	free(after);
	assert_victim();
	struct stat st;
	ck_assert_int_eq(lstat(in_dir("a.txt"), &st), 0);
	ck_assert(S_ISLNK(st.st_mode));
	assert_no_temporary();
}
END_TEST

/* The record replaced by a link: it is not read through (crrc's files are
 * then foreign, and refused when they would change), and rewriting it
 * replaces the link, never its target. */
START_TEST(test_link_at_record)
{
	struct file f[] = {FILE_STR("a.txt", "hello\n")};
	ck_assert(run(f, 1));
	ck_assert_int_eq(unlink(in_dir(".crrc-files")), 0);
	ck_assert_int_eq(symlink(victim, in_dir(".crrc-files")), 0);
	struct file g[] = {FILE_STR("a.txt", "changed\n")};
	ck_assert(!run(g, 1));
	ck_assert_msg(strstr(log_text, "E091 "), "%s", log_text);
	assert_victim();
	ck_assert(run(f, 1)); /* the same bytes: unchanged, and recorded again */
	struct stat st;
	ck_assert_int_eq(lstat(in_dir(".crrc-files"), &st), 0);
	ck_assert(S_ISREG(st.st_mode));
	assert_contents(".crrc-files", "a.txt\n", 6);
	assert_victim();
}
END_TEST

/* What a dead run left is swept: crrc's temporary files, old-style ones of
 * recorded names; another's file that merely ends in .tmp~ stays. */
START_TEST(test_sweep)
{
	struct file f[] = {FILE_STR("a.txt", "hello\n")};
	ck_assert(run(f, 1));
	put_foreign(".crrc-tmp-00000000deadbeef", "half a file");
	put_foreign("a.txt.tmp~", "old style");
	put_foreign(".crrc-files.tmp~", "old style record");
	put_foreign("notes.tmp~", "someone else's");
	ck_assert_int_eq(symlink(victim, in_dir(".crrc-tmp-00000000feedface")), 0);
	ck_assert(run(f, 1));
	for (const char *const *n = (const char *const[]){".crrc-tmp-00000000deadbeef",
		"a.txt.tmp~", ".crrc-files.tmp~", ".crrc-tmp-00000000feedface", NULL}; *n; n++)
		ck_assert_msg(access(in_dir(*n), F_OK) != 0, "%s was not swept", *n);
	assert_contents("notes.tmp~", "someone else's", 14);
	assert_victim();
}
END_TEST

/* One sink that has opened a file into dir (and so holds its lock). */
static struct outdir *holder(FILE *log)
{
	struct outdir *o = outdir_create(dir, log);
	struct crrc_sink *s = outdir_sink(o);
	buf_puts(s->open(s, "held.txt"), "held\n");
	s->close(s);
	return o;
}

/* Two compiles into one directory: the second waits for the first's lock,
 * a bounded time (E094 after it), and never interleaves. */
START_TEST(test_lock)
{
	FILE *log = fopen("/dev/null", "w");
	struct outdir *first = holder(log);
	setenv("CRRC_LOCK_WAIT", "0.2", 1);
	struct file f[] = {FILE_STR("a.txt", "hello\n")};
	ck_assert(!run(f, 1)); /* waits 0.2 s, then gives up */
	ck_assert_msg(strstr(log_text, "E094 ") == log_text, "%s", log_text);
	ck_assert_int_eq(access(in_dir("a.txt"), F_OK), -1);
	struct crrc_diags *d = diags_create();
	ck_assert(outdir_commit(first, d));
	diags_destroy(d);
	outdir_destroy(first); /* the lock goes with it */
	ck_assert(run(f, 1));
	assert_contents("a.txt", "hello\n", 6);
	assert_contents(".crrc-files", "a.txt\n", 6); /* held.txt, the first's, removed */
	fclose(log);
}
END_TEST

/* A run killed between the renames and the last record: the record lists
 * the old files and the new (written before the renames), so the next run
 * takes every one of them for crrc's and converges. */
START_TEST(test_after_a_crash)
{
	struct file old[] = {FILE_STR("a.txt", "old a\n"), FILE_STR("gone.txt", "old\n")};
	ck_assert(run(old, 2));
	/* the state a kill leaves after renaming a.txt and b.txt */
	put_foreign("a.txt", "new a\n");
	put_foreign("b.txt", "new b\n");
	put_foreign(".crrc-files", "a.txt\nb.txt\na.txt\ngone.txt\n");
	put_foreign(".crrc-tmp-0000000000000001", "new c, half");
	struct file now[] = {FILE_STR("a.txt", "new a\n"), FILE_STR("b.txt", "new b\n"),
			     FILE_STR("c.txt", "new c\n")};
	ck_assert(run(now, 3));
	assert_contents("c.txt", "new c\n", 6);
	ck_assert_int_eq(access(in_dir("gone.txt"), F_OK), -1);
	assert_contents(".crrc-files", "a.txt\nb.txt\nc.txt\n", 18);
	assert_no_temporary();
}
END_TEST

/* path into dir through target t: into memory, into the directory (twice),
 * the same files and bytes. */
static void compare_sinks(const char *path, const struct crrc_target *t)
{
	struct crrc_diags *d = diags_create();
	struct crrc_model *m = crrc_load_file(path, d);
	ck_assert_ptr_nonnull(m);
	crrc_resolve(m, d);
	crrc_check(m, d);
	ck_assert_uint_eq(diags_errors(d), 0);
	struct crrc_emit_options eo = {.spec_path = path};
	struct crrc_desired *ds = desired_create(m);
	struct crrc_output mem;
	output_init(&mem);
	ck_assert(t->emit(ds, &eo, &mem.sink, d));
	FILE *log = fopen("/dev/null", "w");
	for (int pass = 0; pass < 2; pass++) {
		struct outdir *o = outdir_create(dir, log);
		ck_assert(t->emit(ds, &eo, outdir_sink(o), d));
		ck_assert(outdir_commit(o, d));
		outdir_destroy(o);
	}
	fclose(log);
	ck_assert_uint_gt(mem.n, 0);
	struct buf record = BUF_INIT;
	for (size_t i = 0; i < mem.n; i++) {
		assert_contents(mem.files[i].path, mem.files[i].data, mem.files[i].len);
		buf_printf(&record, "%s\n", mem.files[i].path);
	}
	assert_contents(".crrc-files", record.data, record.len);
	buf_free(&record);
	output_free(&mem);
	desired_destroy(ds);
	crrc_model_destroy(m);
	diags_destroy(d);
}

START_TEST(test_examples)
{
	const char *root = getenv("CRRC_SOURCE_ROOT");
	char examples[512];
	snprintf(examples, sizeof(examples), "%s/examples", root ? root : ".");
	struct dirent **names;
	int n = scandir(examples, &names, NULL, alphasort);
	ck_assert_int_gt(n, 0);
	int seen = 0;
	for (int i = 0; i < n; i++) {
		const char *name = names[i]->d_name;
		size_t len = strlen(name);
		if (len > 9 && strcmp(name + len - 9, ".crr.yaml") == 0) {
			char path[1024];
			snprintf(path, sizeof(path), "%s/%s", examples, name);
			for (size_t k = 0; k < crrc_target_count(); k++)
				compare_sinks(path, crrc_target_at(k));
			seen += strcmp(name, "streamvision.crr.yaml") == 0;
		}
		free(names[i]);
	}
	free(names);
	ck_assert_int_eq(seen, 1);
}
END_TEST

static Suite *outdir_suite(void)
{
	Suite *s = suite_create("outdir");
	TCase *t = tcase_create("buf");
	tcase_add_test(t, test_buf_drain);
	suite_add_tcase(s, t);
	t = tcase_create("outdir");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_fresh);
	tcase_add_test(t, test_rerun_unchanged);
	tcase_add_test(t, test_changed);
	tcase_add_test(t, test_large);
	tcase_add_test(t, test_foreign_refused);
	tcase_add_test(t, test_foreign_identical);
	tcase_add_test(t, test_stale);
	tcase_add_test(t, test_destroy_without_commit);
	tcase_add_test(t, test_new_relative_levels);
	tcase_add_test(t, test_not_a_directory);
	tcase_add_test(t, test_unwritable);
	tcase_add_test(t, test_link_at_temporary_name);
	tcase_add_test(t, test_link_at_final_name);
	tcase_add_test(t, test_link_at_record);
	tcase_add_test(t, test_sweep);
	tcase_add_test(t, test_lock);
	tcase_add_test(t, test_after_a_crash);
	suite_add_tcase(s, t);
	t = tcase_create("examples");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_examples);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(outdir_suite());
}
