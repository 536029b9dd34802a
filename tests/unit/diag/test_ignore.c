/* test_ignore.c: warnings accepted on purpose. A "# crrc:ignore CODE[,CODE]
 * reason" comment covers its line and the next; the spec's ignore: list
 * covers the file; diags_ignore_everywhere (--ignore) every file. An
 * ignored warning is counted nowhere, kept for SARIF with its reason; an
 * ignore that matches nothing, names an error, W011 or no code is W011 at
 * the ignore; a comment inside a scalar is no comment; a file that cannot
 * be read to its end reports no unused ignore. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "check_main.h"

static struct crrc_diags *d;
static char dump[8192];

/* Same-region replication a -> b (W004 at the rule's destination, line 9
 * when the rule is one line), lines 1-8 before the rule. */
#define HEAD                                                                                    \
	"crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n  b: {region: us-east-1}\n"   \
	"replication:\n  - source: a\n    rules:\n"
#define SRR_RULE "      - {id: r1, destination: b}"

static void teardown(void)
{
	diags_destroy(d);
	d = NULL;
}

/* Load, check, report unused ignores (as the command line does). */
static void run_with(const char *yaml, enum crrc_code everywhere)
{
	if (!d)
		d = diags_create();
	if (everywhere != CRRC_CODE_COUNT)
		ck_assert(diags_ignore_everywhere(d, everywhere));
	struct crrc_model *m = crrc_load_buffer("t.crr.yaml", yaml, strlen(yaml), d);
	if (m) {
		crrc_resolve(m, d);
		crrc_check(m, d);
	}
	crrc_model_destroy(m);
	diags_report_unused_ignores(d);
	diags_sort(d);
}

static void run(const char *yaml)
{
	run_with(yaml, CRRC_CODE_COUNT);
}

static const char *dumped(void)
{
	size_t at = 0;
	dump[0] = '\0';
	for (size_t i = 0; i < diags_count(d) && at < sizeof(dump) - 1; i++) {
		const struct crrc_diag *g = diags_at(d, i);
		int n = snprintf(dump + at, sizeof(dump) - at, "\n  %s %u:%u%s %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col,
				 g->ignored ? " (ignored)" : "", g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return dump;
}

/* The diagnostics that are not ignored: exactly these codes at these places. */
static void expect_shown(size_t n, const enum crrc_code *codes, const unsigned *lines,
			 const unsigned *cols)
{
	size_t shown = 0;
	for (size_t i = 0; i < diags_count(d); i++) {
		const struct crrc_diag *g = diags_at(d, i);
		if (g->ignored)
			continue;
		ck_assert_msg(shown < n && g->code == codes[shown] && g->pos.line == lines[shown] &&
				      g->pos.col == cols[shown],
			      "unexpected diagnostic %zu:%s", shown, dumped());
		shown++;
	}
	ck_assert_msg(shown == n, "expected %zu diagnostics shown, got:%s", n, dumped());
}

static const struct crrc_diag *ignored_one(enum crrc_code code)
{
	for (size_t i = 0; i < diags_count(d); i++)
		if (diags_at(d, i)->ignored && diags_at(d, i)->code == code)
			return diags_at(d, i);
	ck_abort_msg("no ignored %s:%s", crrc_code_name(code), dumped());
	return NULL;
}

START_TEST(test_comment_above)
{
	run(HEAD "      # crrc:ignore W004 the audit copy stays in the region\n" SRR_RULE "\n");
	expect_shown(0, NULL, NULL, NULL);
	const struct crrc_diag *g = ignored_one(CRRC_W004);
	ck_assert_str_eq(g->why, "the audit copy stays in the region");
	ck_assert(!g->external);
	ck_assert_uint_eq(diags_errors(d), 0);
}
END_TEST

START_TEST(test_comment_on_the_line)
{
	run(HEAD SRR_RULE "  #crrc:ignore W004\n");
	expect_shown(0, NULL, NULL, NULL);
	ck_assert_ptr_null(ignored_one(CRRC_W004)->why);
}
END_TEST

START_TEST(test_comment_two_lines_above)
{
	/* too far: W004 stays, and the comment is unused (W011 at its code) */
	run(HEAD "      # crrc:ignore W004\n\n" SRR_RULE "\n");
	expect_shown(2, (enum crrc_code[]){CRRC_W011, CRRC_W004}, (unsigned[]){9, 11},
		     (unsigned[]){21, 31});
}
END_TEST

START_TEST(test_several_codes)
{
	/* W004 and W006 on one line; the comment names both, and W002 */
	run(HEAD "      - {id: r1, destination: b, existing_objects: true}  "
		 "# crrc:ignore W006, W004,W002 known\n");
	expect_shown(1, (enum crrc_code[]){CRRC_W011}, (unsigned[]){9},
		     (unsigned[]){84});
	ck_assert_str_eq(ignored_one(CRRC_W004)->why, "known");
	ck_assert_str_eq(ignored_one(CRRC_W006)->why, "known");
}
END_TEST

START_TEST(test_not_a_comment)
{
	/* above each destination: a quoted scalar, a block scalar, and a
	 * plain scalar without a space before '#' */
	run("crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n  b: {region: us-east-1}\n"
	    "  c: {region: us-east-1}\n  d: {region: us-east-1}\n"
	    "replication:\n  - source: a\n    rules:\n"
	    "      - id: \"x # crrc:ignore W004\"\n        destination: b\n"
	    "      - filter:\n          prefix: |\n            # crrc:ignore W004\n"
	    "        destination: c\n        id: r2\n"
	    "      - id: a#crrc:ignore W004\n        destination: d\n");
	expect_shown(3, (enum crrc_code[]){CRRC_W004, CRRC_W004, CRRC_W004},
		     (unsigned[]){12, 16, 19}, (unsigned[]){22, 22, 22});
}
END_TEST

START_TEST(test_positions_after_multibyte_and_crlf)
{
	run("crrc: 1\r\nname: demo\r\ntags: {t: \"\xc3\xa9\xc3\xa9\"}  # crrc:ignore W001\r\n"
	    "buckets:\r\n  a: {region: us-east-1}\r\n");
	expect_shown(1, (enum crrc_code[]){CRRC_W011}, (unsigned[]){3}, (unsigned[]){32});
	teardown();
	/* a byte-order mark is no column; a comment may open the file */
	run("\xef\xbb\xbf# crrc:ignore W001\ncrrc: 1\nname: demo\nbuckets:\n"
	    "  a: {region: us-east-1}\n");
	expect_shown(1, (enum crrc_code[]){CRRC_W011}, (unsigned[]){1}, (unsigned[]){15});
}
END_TEST

START_TEST(test_list_covers_the_file)
{
	run("crrc: 1\nname: demo\nignore: [W004, W001]\nbuckets:\n  a: {region: us-east-1}\n"
	    "  b: {region: us-east-1}\n  c: {region: us-east-1}\nreplication:\n  - source: a\n"
	    "    rules:\n      - {id: r1, destination: b}\n      - {id: r2, destination: c}\n");
	/* both W004s ignored; W001 is unused */
	expect_shown(1, (enum crrc_code[]){CRRC_W011}, (unsigned[]){3}, (unsigned[]){16});
	size_t n = 0;
	for (size_t i = 0; i < diags_count(d); i++)
		n += diags_at(d, i)->ignored;
	ck_assert_uint_eq(n, 2);
}
END_TEST

START_TEST(test_repeated_ignore)
{
	/* the list twice, and a comment that a list entry covers already */
	run(HEAD "      # crrc:ignore W004\n" SRR_RULE "\nignore: [W004, W004]\n");
	expect_shown(2, (enum crrc_code[]){CRRC_W011, CRRC_W011}, (unsigned[]){11, 11},
		     (unsigned[]){10, 16});
	/* the comment took the warning: the first entry matched nothing, the
	 * second repeats it */
	ck_assert_ptr_nonnull(strstr(diags_at(d, 1)->msg, "matches no W004"));
	ck_assert_ptr_nonnull(strstr(diags_at(d, 2)->msg, "ignored here already, by the ignore at "
							 "line 11"));
}
END_TEST

START_TEST(test_what_cannot_be_ignored)
{
	/* an error, an unknown code, W011 itself, a comment without a code;
	 * the error is still reported, and fails the run */
	run("crrc: 1\nname: demo\nignore: [E034, W999, W011]\nbuckets:\n"
	    "  a: {region: us-est-1}  # crrc:ignore E034\n  b: {region: us-east-1}  # crrc:ignore\n");
	expect_shown(6,
		     (enum crrc_code[]){CRRC_W011, CRRC_W011, CRRC_W011, CRRC_E034, CRRC_W011,
					CRRC_W011},
		     (unsigned[]){3, 3, 3, 5, 5, 6}, (unsigned[]){10, 16, 22, 15, 40, 29});
	ck_assert_uint_eq(diags_errors(d), 1);
}
END_TEST

START_TEST(test_everywhere)
{
	run_with(HEAD SRR_RULE "\n", CRRC_W004);
	expect_shown(0, NULL, NULL, NULL);
	ck_assert(ignored_one(CRRC_W004)->external);
	ck_assert(!diags_ignore_everywhere(d, CRRC_E034));
	ck_assert(diags_ignore_everywhere(d, CRRC_W011));
	teardown();
	/* with the spec's own ignore of the same code: that one is used */
	run_with(HEAD "      # crrc:ignore W004 audit\n" SRR_RULE "\n", CRRC_W004);
	expect_shown(0, NULL, NULL, NULL);
	ck_assert_str_eq(ignored_one(CRRC_W004)->why, "audit");
	teardown();
	/* unused, it says nothing: one list for many specs */
	run_with("crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n", CRRC_W004);
	expect_shown(0, NULL, NULL, NULL);
}
END_TEST

START_TEST(test_werror_counts_no_ignored)
{
	d = diags_create();
	diags_set_werror(d, true);
	run(HEAD "      # crrc:ignore W004\n" SRR_RULE "\n");
	ck_assert_uint_eq(diags_errors(d), 0);
	diags_set_werror(d, false);
	diags_set_werror(d, true);
	ck_assert_uint_eq(diags_errors(d), 0);
}
END_TEST

START_TEST(test_failed_load_reports_no_unused)
{
	run("crrc: 1  # crrc:ignore W004\nname: [demo\n");
	ck_assert_msg(diags_count(d) == 1 && diags_at(d, 0)->code == CRRC_E006, "got:%s",
		      dumped());
}
END_TEST

static Suite *ignore_suite(void)
{
	Suite *s = suite_create("ignore");
	TCase *t = tcase_create("ignore");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_comment_above);
	tcase_add_test(t, test_comment_on_the_line);
	tcase_add_test(t, test_comment_two_lines_above);
	tcase_add_test(t, test_several_codes);
	tcase_add_test(t, test_not_a_comment);
	tcase_add_test(t, test_positions_after_multibyte_and_crlf);
	tcase_add_test(t, test_list_covers_the_file);
	tcase_add_test(t, test_repeated_ignore);
	tcase_add_test(t, test_what_cannot_be_ignored);
	tcase_add_test(t, test_everywhere);
	tcase_add_test(t, test_werror_counts_no_ignored);
	tcase_add_test(t, test_failed_load_reports_no_unused);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(ignore_suite());
}
