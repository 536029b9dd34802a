/* test_diag_reread.c: the source text of diagnostics once a file's text is
 * freed after parsing (diag.c): diags_drop_text forgets it, and
 * diags_reread_sources reads the file again to quote it: each file its own
 * text, and no quote at all (the diagnostic still printed) when the file
 * changed size or went away. Also diags_keep_last_since, which keeps only
 * the diagnostic of a parse that stopped. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "diag/diag.h"
#include "check_main.h"

static char dir[256];

static void setup(void)
{
	const char *tmp = getenv("TMPDIR");
	snprintf(dir, sizeof(dir), "%s/test_diag_reread.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char path[400];
	for (const char *const *n = (const char *const[]){"a.crr.yaml", "b.crr.yaml", NULL}; *n;
	     n++) {
		snprintf(path, sizeof(path), "%s/%s", dir, *n);
		unlink(path);
	}
	rmdir(dir);
}

static const char a_text[] = "crrc: 1\nname: alpha\nbuckets: {}\n";
static const char b_text[] = "crrc: 1\nname: bravo-longer\nbuckets: {x: {}}\n";

/* Write data to name in the test's directory; the path is static. */
static const char *file_write(const char *name, const char *data, size_t len)
{
	static char path[2][400];
	char *p = path[name[0] == 'b'];
	snprintf(p, sizeof(path[0]), "%s/%s", dir, name);
	FILE *f = fopen(p, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	ck_assert_int_eq(fclose(f), 0);
	return p;
}

/* As the loader does: the file's text, a diagnostic in it, the text
 * freed (scribbled over first, so a quote of freed text shows). */
static void file_load(struct crrc_diags *d, const char *path, const char *data, size_t len,
		      struct crrc_pos pos)
{
	char *text = malloc(len + 1);
	ck_assert_ptr_nonnull(text);
	memcpy(text, data, len + 1);
	diags_set_file(d, path, text, len);
	diags_add(d, CRRC_E020, pos, "unknown key");
	ck_assert_ptr_eq(diags_at(d, diags_count(d) - 1)->source, text);
	diags_drop_text(d);
	ck_assert_ptr_null(diags_at(d, diags_count(d) - 1)->source);
	memset(text, '#', len);
	free(text);
}

/* The text rendering of d (free() it). */
static char *render(const struct crrc_diags *d)
{
	char *out = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&out, &len);
	ck_assert_ptr_nonnull(f);
	diags_render(d, CRRC_DIAG_TEXT, f);
	ck_assert_int_eq(fclose(f), 0);
	return out;
}

static void assert_contains(const char *text, const char *want)
{
	ck_assert_msg(strstr(text, want) != NULL, "no\n%s\nin\n%s", want, text);
}

START_TEST(test_reread_quotes)
{
	struct crrc_diags *d = diags_create();
	const char *path = file_write("a.crr.yaml", a_text, sizeof(a_text) - 1);
	file_load(d, path, a_text, sizeof(a_text) - 1, (struct crrc_pos){2, 7, 5});
	/* as the passes do, after the text is gone */
	diags_add(d, CRRC_E021, (struct crrc_pos){3, 1, 7}, "later");
	ck_assert_ptr_null(diags_at(d, 1)->source);
	diags_reread_sources(d);
	for (size_t i = 0; i < 2; i++) {
		const struct crrc_diag *g = diags_at(d, i);
		ck_assert_ptr_nonnull(g->source);
		ck_assert_uint_eq(g->source_len, sizeof(a_text) - 1);
		ck_assert_mem_eq(g->source, a_text, sizeof(a_text) - 1);
	}
	diags_reread_sources(d); /* a second time changes nothing */
	char *out = render(d);
	char want[600];
	snprintf(want, sizeof(want),
		 "%s:2:7: error[E020]: unknown key\n"
		 "    2 | name: alpha\n"
		 "      |       ^~~~~\n", path);
	assert_contains(out, want);
	assert_contains(out, "    3 | buckets: {}\n      | ^~~~~~~\n");
	free(out);
	diags_destroy(d);
}
END_TEST

START_TEST(test_reread_two_files)
{
	/* Two files with mistakes at the same line and column: each quotes
	 * its own line, whatever the order of the diagnostics. */
	struct crrc_diags *d = diags_create();
	const char *a = file_write("a.crr.yaml", a_text, sizeof(a_text) - 1);
	const char *b = file_write("b.crr.yaml", b_text, sizeof(b_text) - 1);
	file_load(d, b, b_text, sizeof(b_text) - 1, (struct crrc_pos){2, 7, 5});
	file_load(d, a, a_text, sizeof(a_text) - 1, (struct crrc_pos){2, 7, 5});
	diags_sort(d);
	diags_reread_sources(d);
	ck_assert_uint_eq(diags_count(d), 2);
	for (size_t i = 0; i < 2; i++) {
		const struct crrc_diag *g = diags_at(d, i);
		bool is_a = strcmp(g->file, a) == 0;
		const char *want = is_a ? a_text : b_text;
		ck_assert_ptr_nonnull(g->source);
		ck_assert_uint_eq(g->source_len, strlen(want));
		ck_assert_mem_eq(g->source, want, strlen(want));
	}
	char *out = render(d);
	char want[600];
	snprintf(want, sizeof(want), "%s:2:7: error[E020]: unknown key\n    2 | name: alpha\n", a);
	assert_contains(out, want);
	snprintf(want, sizeof(want), "%s:2:7: error[E020]: unknown key\n    2 | name: bravo-longer\n",
		 b);
	assert_contains(out, want);
	free(out);
	diags_destroy(d);
}
END_TEST

/* A diagnostic of path, whose file is then changed by change: it is printed
 * without a source line. */
static void changed_file(void (*change)(const char *path))
{
	struct crrc_diags *d = diags_create();
	const char *path = file_write("a.crr.yaml", a_text, sizeof(a_text) - 1);
	file_load(d, path, a_text, sizeof(a_text) - 1, (struct crrc_pos){2, 7, 5});
	change(path);
	diags_reread_sources(d);
	ck_assert_ptr_null(diags_at(d, 0)->source);
	char *out = render(d);
	char want[600];
	snprintf(want, sizeof(want), "%s:2:7: error[E020]: unknown key\n", path);
	ck_assert_str_eq(out, want);
	free(out);
	diags_destroy(d);
}

static void append(const char *path)
{
	FILE *f = fopen(path, "ab");
	ck_assert_ptr_nonnull(f);
	fputs("x: 1\n", f);
	fclose(f);
}

static void shrink(const char *path)
{
	ck_assert_int_eq(truncate(path, 10), 0);
}

static void empty(const char *path)
{
	ck_assert_int_eq(truncate(path, 0), 0);
}

static void remove_file(const char *path)
{
	ck_assert_int_eq(unlink(path), 0);
}

START_TEST(test_reread_changed)
{
	changed_file(append);
	changed_file(shrink);
	changed_file(empty);
	changed_file(remove_file);
}
END_TEST

START_TEST(test_text_kept)
{
	/* A text not dropped (a buffer, as crrc_load_buffer's) is quoted as
	 * it is: no file is read, and there is none. */
	struct crrc_diags *d = diags_create();
	char path[400];
	snprintf(path, sizeof(path), "%s/none.crr.yaml", dir);
	diags_set_file(d, path, a_text, sizeof(a_text) - 1);
	diags_add(d, CRRC_E020, (struct crrc_pos){2, 7, 5}, "unknown key");
	diags_reread_sources(d);
	ck_assert_ptr_eq(diags_at(d, 0)->source, a_text);
	char *out = render(d);
	assert_contains(out, "    2 | name: alpha\n");
	free(out);
	diags_destroy(d);
}
END_TEST

START_TEST(test_keep_last_since)
{
	struct crrc_diags *d = diags_create();
	diags_set_file(d, "a.crr.yaml", a_text, sizeof(a_text) - 1);
	diags_add(d, CRRC_W004, (struct crrc_pos){1, 1, 1}, "before the mark");
	struct diags_mark m = diags_mark(d);
	diags_add(d, CRRC_E020, (struct crrc_pos){2, 1, 1}, "one");
	diags_add(d, CRRC_W004, (struct crrc_pos){2, 2, 1}, "two");
	diag_note(diags_add(d, CRRC_E021, (struct crrc_pos){3, 1, 1}, "three"),
		  (struct crrc_pos){1, 1, 1}, "a note");
	diags_add(d, CRRC_E006, (struct crrc_pos){3, 5, 1}, "why it stopped");
	diags_keep_last_since(d, m);
	ck_assert_uint_eq(diags_count(d), 2);
	ck_assert_uint_eq(diags_errors(d), 1);
	ck_assert_uint_eq(diags_at(d, 0)->code, CRRC_W004);
	const struct crrc_diag *g = diags_at(d, 1);
	ck_assert_uint_eq(g->code, CRRC_E006);
	ck_assert_str_eq(g->msg, "why it stopped");
	ck_assert_uint_eq(g->pos.line, 3);
	ck_assert_uint_eq(g->pos.col, 5);
	ck_assert_uint_eq(g->nnotes, 0);
	/* only one since the mark, or none: nothing to forget */
	m = diags_mark(d);
	diags_keep_last_since(d, m);
	ck_assert_uint_eq(diags_count(d), 2);
	diags_add(d, CRRC_E006, (struct crrc_pos){4, 1, 1}, "again");
	diags_keep_last_since(d, m);
	ck_assert_uint_eq(diags_count(d), 3);
	ck_assert_uint_eq(diags_errors(d), 2);
	char *out = render(d);
	ck_assert_ptr_null(strstr(out, "one"));
	ck_assert_ptr_null(strstr(out, "three"));
	assert_contains(out, "a.crr.yaml:3:5: error[E006]: why it stopped\n");
	free(out);
	diags_destroy(d);
}
END_TEST

static Suite *reread_suite(void)
{
	Suite *s = suite_create("diag-reread");
	TCase *t = tcase_create("reread");
	tcase_add_checked_fixture(t, setup, teardown);
	tcase_add_test(t, test_reread_quotes);
	tcase_add_test(t, test_reread_two_files);
	tcase_add_test(t, test_reread_changed);
	tcase_add_test(t, test_text_kept);
	tcase_add_test(t, test_keep_last_since);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(reread_suite());
}
