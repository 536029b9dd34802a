/* test_load_bytes.c: what is refused before or while YAML is parsed: the
 * byte screen (encodings, NUL, control characters), line ends, the BOM,
 * tabs, empty files, several documents, syntax errors, the size limit and
 * files that cannot be read. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_helpers.h"

/* --- the byte screen and YAML-level errors --------------------------------- */

START_TEST(test_empty)
{
	static const char *const texts[] = {"", "\n\n", "# only\n# comments\n", "---\n", "--- # c\n...\n"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct loaded l = load(texts[i]);
		/* the whole file: no line */
		only(&l, CRRC_E008, 0, 0);
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_several_documents)
{
	struct loaded l = load(MINIMAL "---\ncrrc: 1\n");
	only(&l, CRRC_E009, 6, 1);
	loaded_free(&l);
	/* one document with explicit markers is fine */
	l = load("---\n" MINIMAL "...\n");
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

START_TEST(test_invalid_utf8)
{
	struct loaded l = load("crrc: 1\nname: d\xc3\x28mo\n");
	const struct crrc_diag *g = only(&l, CRRC_E003, 2, 8);
	ck_assert_ptr_nonnull(strstr(g->msg, "0xC3"));
	loaded_free(&l);
	/* overlong, surrogate, truncated at the end */
	static const char *const bad[] = {"\xc0\xaf", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "crrc: 1\nname: \xc3\xa9%s", bad[i]);
		l = load(text);
		only(&l, CRRC_E003, 2, 8);
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char text[] = "crrc: 1\nname: de\0mo\n";
	struct loaded l = load_n(text, sizeof(text) - 1);
	only(&l, CRRC_E004, 2, 9);
	loaded_free(&l);
	/* written as an escape in a double-quoted scalar: C strings would end
	 * there ("crrc\0junk" would read as crrc), so it is refused too */
	l = load("crrc: 1\n\"crrc\\0junk\": 2\nname: demo\nbuckets: {b: {region: us-east-1}}\n");
	only(&l, CRRC_E004, 2, 1);
	loaded_free(&l);
	l = load("crrc: 1\nname: \"de\\x00mo\"\n");
	only(&l, CRRC_E004, 2, 7);
	loaded_free(&l);
}
END_TEST

START_TEST(test_control_characters)
{
	struct loaded l = load("crrc: 1\nname: de\x1b[31mmo\n");
	const struct crrc_diag *g = only(&l, CRRC_E005, 2, 9);
	ck_assert_ptr_nonnull(strstr(g->msg, "U+001B"));
	loaded_free(&l);
	l = load("crrc: 1\nname: \xc2\x9b" "31m\n"); /* C1 CSI */
	only(&l, CRRC_E005, 2, 7);
	loaded_free(&l);
	l = load("crrc: 1\nname: a\x7f\n");
	only(&l, CRRC_E005, 2, 8);
	loaded_free(&l);
	/* NEL, LS, PS and a lone CR are line breaks to libyaml only */
	static const char *const breaks[] = {"\xc2\x85", "\xe2\x80\xa8", "\xe2\x80\xa9", "\r"};
	for (size_t i = 0; i < sizeof(breaks) / sizeof(breaks[0]); i++) {
		char text[64];
		snprintf(text, sizeof(text), "crrc: 1\nname: \"a%sb\"\n", breaks[i]);
		l = load(text);
		only(&l, CRRC_E005, 2, 9);
		loaded_free(&l);
	}
	/* escaped in a quoted scalar it passes the screen, and is kept as is */
	l = load(MINIMAL "x-a: \"\\e[31m\"\n");
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

START_TEST(test_crlf)
{
	struct loaded l = load("crrc: 1\r\nname: demo\r\nbuckets:\r\n  b:\r\n    region: us-east-1\r\n"
			       "    regoin: x\r\n");
	const struct crrc_diag *g = only(&l, CRRC_E020, 6, 5);
	ck_assert_uint_eq(g->pos.len, 6);
	str_at(l.m->name, "demo", 2, 7);
	str_at(l.m->buckets[0].region, "us-east-1", 5, 13);
	loaded_free(&l);
}
END_TEST

START_TEST(test_bom)
{
	/* a UTF-8 byte-order mark (Windows editors) is skipped, not a column */
	struct loaded l = load("\xef\xbb\xbf" MINIMAL);
	no_diags(&l);
	int_at(l.m->version, 1, 1, 7);
	str_at(l.m->name, "demo", 2, 7);
	loaded_free(&l);
}
END_TEST

START_TEST(test_tabs)
{
	struct loaded l = load("crrc: 1\nbuckets:\n\tb: 1\n");
	only(&l, CRRC_E007, 3, 1);
	loaded_free(&l);
	/* a tab inside a value is fine */
	l = load(MINIMAL "x-a: \"a\tb\"\nx-b: a\tb\n");
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

START_TEST(test_syntax_error)
{
	struct loaded l = load("crrc: 1\nname: [demo\n");
	ck_assert_uint_eq(diags_count(l.d), 1);
	ck_assert_uint_eq(diags_at(l.d, 0)->code, CRRC_E006);
	ck_assert_uint_eq(diags_at(l.d, 0)->pos.line, 3);
	loaded_free(&l);
	l = load("crrc: 1\n  name: demo\n");
	only(&l, CRRC_E006, 2, 7);
	loaded_free(&l);
	l = load("crrc: 1\nname: \"demo\n");
	ck_assert_uint_eq(diags_at(l.d, 0)->code, CRRC_E006);
	loaded_free(&l);
}
END_TEST

START_TEST(test_size_limit)
{
	/* refused before anything is read: the buffer is never touched */
	struct crrc_diags *d = diags_create();
	static const char one[1] = {'x'};
	struct crrc_model *m = crrc_load_buffer("big", one, (size_t)CRRC_MAX_FILE_BYTES + 1, d);
	ck_assert_ptr_null(m);
	ck_assert_uint_eq(diags_count(d), 1);
	ck_assert_uint_eq(diags_at(d, 0)->code, CRRC_E002);
	diags_destroy(d);
}
END_TEST

START_TEST(test_load_file_errors)
{
	struct crrc_diags *d = diags_create();
	ck_assert_ptr_null(crrc_load_file("/nonexistent/spec.crr.yaml", d));
	ck_assert_ptr_null(crrc_load_file("/", d));
	ck_assert_uint_eq(diags_count(d), 2);
	ck_assert_uint_eq(diags_at(d, 0)->code, CRRC_E001);
	ck_assert_ptr_nonnull(strstr(diags_at(d, 0)->msg, "No such file"));
	ck_assert_uint_eq(diags_at(d, 1)->code, CRRC_E001);
	ck_assert_ptr_nonnull(strstr(diags_at(d, 1)->msg, "directory"));
	diags_destroy(d);
}
END_TEST

static Suite *load_bytes_suite(void)
{
	Suite *s = suite_create("load-bytes");
	TCase *t;
	t = tcase_create("bytes");
	tcase_add_test(t, test_empty);
	tcase_add_test(t, test_several_documents);
	tcase_add_test(t, test_invalid_utf8);
	tcase_add_test(t, test_nul_byte);
	tcase_add_test(t, test_control_characters);
	tcase_add_test(t, test_crlf);
	tcase_add_test(t, test_bom);
	tcase_add_test(t, test_tabs);
	tcase_add_test(t, test_syntax_error);
	tcase_add_test(t, test_size_limit);
	tcase_add_test(t, test_load_file_errors);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(load_bytes_suite());
}
