/* test_spill.c: the spill file (spill.c): pieces put and got back by
 * offset, in order, out of order and while still in the write buffer;
 * pieces larger than the buffer; empty pieces; a read past the end and a
 * write that fails (both sticky: the caller then makes the bytes again);
 * no temporary file when $TMPDIR is missing; and no file nor descriptor
 * left behind. Each test runs with $TMPDIR a fresh directory of its own. */
#include <check.h>
#include <dirent.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "base/spill.h"
#include "check_main.h"

#define KB 1024u

static char dir[256];

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/test_spill.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(setenv("TMPDIR", dir, 1), 0);
}

static void teardown(void)
{
	rmdir(dir);
}

/* Entries in a directory, "." and ".." aside; -1 when it cannot be read. */
static int dir_entries(const char *path)
{
	DIR *d = opendir(path);
	if (!d)
		return -1;
	int n = 0;
	for (struct dirent *e; (e = readdir(d));)
		n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
	closedir(d);
	return n;
}

/* Open descriptors of this process. */
static int open_fds(void)
{
	return dir_entries("/proc/self/fd") - 1; /* the one opendir holds */
}

/* A piece of the test: its bytes (distinct for every seed) and offset. */
struct piece {
	char *data;
	size_t len;
	uint64_t at;
};

static char *bytes_make(size_t len, uint32_t seed)
{
	char *p = malloc(len ? len : 1);
	ck_assert_ptr_nonnull(p);
	uint32_t x = seed * 2654435761u + 1;
	for (size_t i = 0; i < len; i++) {
		x ^= x << 13;
		x ^= x >> 17;
		x ^= x << 5;
		p[i] = (char)(x >> 24);
	}
	return p;
}

static void piece_put(struct spill *s, struct piece *p, size_t len, uint32_t seed,
		      uint64_t *total)
{
	p->len = len;
	p->data = bytes_make(len, seed);
	spill_put(s, p->data, len, &p->at);
	ck_assert_uint_eq(p->at, *total); /* pieces follow each other */
	*total += len;
}

static void piece_check(struct spill *s, const struct piece *p)
{
	const char *got = spill_get(s, p->at, p->len);
	ck_assert_msg(got != NULL, "get of %zu bytes at %ju failed", p->len, (uintmax_t)p->at);
	ck_assert_msg(memcmp(got, p->data, p->len) == 0, "the %zu bytes at %ju differ", p->len,
		      (uintmax_t)p->at);
}

/* Sizes of the round trip: small and empty pieces among pieces larger than
 * the write buffer, so that it drains before, between and after them. */
static size_t round_trip_size(size_t i)
{
	static const size_t big[] = {300 * KB, 257 * KB, 1100 * KB, 513 * KB, 64 * KB};
	if (i % 7 == 3)
		return 0;
	if (i % 11 == 5)
		return big[(i / 11) % (sizeof(big) / sizeof(big[0]))];
	return 1 + (i * 7919) % 9000;
}

START_TEST(test_round_trip)
{
	enum { N = 400 };
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	static struct piece p[N];
	uint64_t total = 0;
	for (size_t i = 0; i < N; i++)
		piece_put(s, &p[i], round_trip_size(i), (uint32_t)i, &total);
	ck_assert_uint_gt(total, 8 * 1024 * KB); /* several drains */
	for (size_t i = 0; i < N; i++)
		piece_check(s, &p[i]);
	/* in a random order, each piece several times */
	uint32_t x = 12345;
	for (size_t k = 0; k < 3 * N; k++) {
		x = x * 1103515245u + 12345u;
		piece_check(s, &p[(x >> 8) % N]);
	}
	for (size_t i = N; i-- > 0;)
		piece_check(s, &p[i]);
	spill_destroy(s);
	for (size_t i = 0; i < N; i++)
		free(p[i].data);
}
END_TEST

START_TEST(test_get_from_write_buffer)
{
	/* Pieces got back before any drain: they are still in the write
	 * buffer, and a get must reach them; puts after a get go on at the
	 * right offset. */
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	struct piece p[8];
	uint64_t total = 0;
	piece_put(s, &p[0], 100, 1, &total);
	piece_check(s, &p[0]);
	piece_put(s, &p[1], 5000, 2, &total);
	piece_put(s, &p[2], 7, 3, &total);
	piece_check(s, &p[2]);
	piece_check(s, &p[1]);
	piece_check(s, &p[0]);
	/* a part of a piece, and a span across two pieces */
	const char *got = spill_get(s, p[1].at + 10, 20);
	ck_assert_ptr_nonnull(got);
	ck_assert_mem_eq(got, p[1].data + 10, 20);
	got = spill_get(s, p[1].at + p[1].len - 3, 5);
	ck_assert_ptr_nonnull(got);
	ck_assert_mem_eq(got, p[1].data + p[1].len - 3, 3);
	ck_assert_mem_eq(got + 3, p[2].data, 2);
	/* a large piece right after a get, then a small one in the buffer */
	piece_put(s, &p[3], 700 * KB, 4, &total);
	piece_put(s, &p[4], 33, 5, &total);
	piece_check(s, &p[4]);
	piece_check(s, &p[3]);
	piece_put(s, &p[5], 1, 6, &total);
	piece_check(s, &p[5]);
	for (size_t i = 0; i < 6; i++)
		piece_check(s, &p[i]);
	spill_destroy(s);
	for (size_t i = 0; i < 6; i++)
		free(p[i].data);
}
END_TEST

START_TEST(test_empty_pieces)
{
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	uint64_t at = 99;
	spill_put(s, "", 0, &at); /* the very first piece, of an empty file */
	ck_assert_uint_eq(at, 0);
	ck_assert_ptr_nonnull(spill_get(s, at, 0));
	struct piece p[3];
	uint64_t total = 0;
	piece_put(s, &p[0], 0, 1, &total);
	piece_put(s, &p[1], 4096, 2, &total);
	piece_put(s, &p[2], 0, 3, &total);
	ck_assert_uint_eq(p[2].at, 4096);
	for (size_t i = 0; i < 3; i++)
		piece_check(s, &p[i]);
	ck_assert_ptr_nonnull(spill_get(s, total, 0)); /* empty, at the end */
	piece_check(s, &p[1]);
	spill_destroy(s);
	for (size_t i = 0; i < 3; i++)
		free(p[i].data);
}
END_TEST

START_TEST(test_read_past_end)
{
	/* A read the file cannot satisfy fails, and every read after it:
	 * the caller makes the bytes again rather than trust any. */
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	struct piece p;
	uint64_t total = 0;
	piece_put(s, &p, 1000, 1, &total);
	piece_check(s, &p);
	ck_assert_ptr_null(spill_get(s, 990, 20));
	ck_assert_ptr_null(spill_get(s, p.at, p.len));
	ck_assert_ptr_null(spill_get(s, 0, 1));
	spill_destroy(s);
	free(p.data);
}
END_TEST

START_TEST(test_write_fails)
{
	/* A file size limit makes the drain fail part way (EFBIG, with
	 * SIGXFSZ ignored): no read succeeds after it, not even of bytes
	 * that were written before the limit was reached. */
	signal(SIGXFSZ, SIG_IGN);
	struct rlimit old, lim;
	ck_assert_int_eq(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 64 * KB;
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &lim), 0);
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	struct piece p[3];
	uint64_t total = 0;
	piece_put(s, &p[0], 16 * KB, 1, &total);
	piece_check(s, &p[0]); /* drained within the limit */
	piece_put(s, &p[1], 900 * KB, 2, &total);
	piece_put(s, &p[2], 100, 3, &total);
	ck_assert_ptr_null(spill_get(s, p[0].at, p[0].len)); /* the drain failed */
	ck_assert_ptr_null(spill_get(s, p[2].at, p[2].len));
	ck_assert_ptr_null(spill_get(s, p[1].at, 10));
	ck_assert_int_eq(setrlimit(RLIMIT_FSIZE, &old), 0);
	spill_destroy(s);
	for (size_t i = 0; i < 3; i++)
		free(p[i].data);
}
END_TEST

START_TEST(test_no_tmpdir)
{
	char missing[300];
	snprintf(missing, sizeof(missing), "%s/missing", dir);
	ck_assert_int_eq(setenv("TMPDIR", missing, 1), 0);
	int fds = open_fds();
	ck_assert_ptr_null(spill_create());
	ck_assert_int_eq(open_fds(), fds);
	/* a regular file is no directory either */
	FILE *f = fopen(missing, "w");
	ck_assert_ptr_nonnull(f);
	fclose(f);
	ck_assert_ptr_null(spill_create());
	ck_assert_int_eq(open_fds(), fds);
	ck_assert_int_eq(unlink(missing), 0);
	ck_assert_int_eq(dir_entries(dir), 0);
	spill_destroy(NULL);
	/* an empty TMPDIR, or none, means /tmp */
	ck_assert_int_eq(setenv("TMPDIR", "", 1), 0);
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	spill_destroy(s);
	ck_assert_int_eq(unsetenv("TMPDIR"), 0);
	s = spill_create();
	ck_assert_ptr_nonnull(s);
	spill_destroy(s);
}
END_TEST

START_TEST(test_nothing_left)
{
	/* The file is unlinked as soon as it is made: TMPDIR holds nothing
	 * while the spill lives, nor after; its descriptor is closed. */
	int fds = open_fds();
	ck_assert_int_eq(dir_entries(dir), 0);
	struct spill *s = spill_create();
	ck_assert_ptr_nonnull(s);
	ck_assert_int_eq(dir_entries(dir), 0);
	ck_assert_int_eq(open_fds(), fds + 1);
	struct piece p;
	uint64_t total = 0;
	piece_put(s, &p, 600 * KB, 1, &total);
	piece_check(s, &p);
	ck_assert_int_eq(dir_entries(dir), 0);
	spill_destroy(s);
	ck_assert_int_eq(dir_entries(dir), 0);
	ck_assert_int_eq(open_fds(), fds);
	/* many of them, one after another and side by side */
	struct spill *v[20];
	for (size_t i = 0; i < 20; i++)
		ck_assert_ptr_nonnull(v[i] = spill_create());
	ck_assert_int_eq(dir_entries(dir), 0);
	for (size_t i = 0; i < 20; i++)
		spill_destroy(v[i]);
	ck_assert_int_eq(open_fds(), fds);
	ck_assert_int_eq(rmdir(dir), 0); /* empty, so it goes */
	free(p.data);
}
END_TEST

static Suite *spill_suite(void)
{
	Suite *s = suite_create("spill");
	TCase *t = tcase_create("spill");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_round_trip);
	tcase_add_test(t, test_get_from_write_buffer);
	tcase_add_test(t, test_empty_pieces);
	tcase_add_test(t, test_read_past_end);
	tcase_add_test(t, test_write_fails);
	tcase_add_test(t, test_no_tmpdir);
	tcase_add_test(t, test_nothing_left);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(spill_suite());
}
