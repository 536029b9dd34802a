/* test_points.c: the checks of Multi-Region Access Points, each code at its
 * line and column: names (E082, E083), members (E084-E087), consistency
 * (E088, W014) and residency through points (E089); clean points; a point
 * list that aliases repeat judged once. */
#include <stdio.h>
#include <string.h>

#include "check_helpers.h"
#include "model/regions.h"

/* Lines 1-7: two buckets; lines 8-14 (REPL_BOTH): a two-way pair with
 * replica_modifications; then access_points: (line 15 after REPL_BOTH). */
#define HEAD                                                                                    \
	"crrc: 1\nname: demo\nbuckets:\n"                                                     \
	"  a:\n    region: us-east-1\n"                                                        \
	"  b:\n    region: us-west-2\n"
#define RULE(id, dest) "      - {id: " id ", destination: " dest ", replica_modifications: true}\n"
#define REPL_BOTH "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b")                \
	"  - source: b\n    rules:\n" RULE("to-a", "a")
#define POINTS "access_points:\n"

START_TEST(test_clean)
{
	/* active-active with replica_modifications; active-passive */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n"
		   "  q:\n    buckets: [a, b]\n    passive: [b]\n");
	expect_clean();
}
END_TEST

START_TEST(test_names)
{
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    name: ab\n    buckets: [a, b]\n");
	expect_only(CRRC_E082, 17, 11);
	spec_teardown();
	/* a made name: at the key */
	spec_check(HEAD REPL_BOTH POINTS "  P_x:\n    buckets: [a, b]\n");
	expect_only(CRRC_E082, 16, 3);
	spec_teardown();
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    name: -ab\n    buckets: [a, b]\n");
	expect_only(CRRC_E082, 17, 11);
	spec_teardown();
	/* the second of two equal names, with a note at the first */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n"
		   "  q:\n    name: demo-p\n    buckets: [a, b]\n");
	const struct crrc_diag *g = expect_only(CRRC_E083, 19, 11);
	ck_assert_uint_eq(g->notes[0].pos.line, 16);
	ck_assert_uint_eq(g->notes[0].pos.col, 3);
}
END_TEST

START_TEST(test_members)
{
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: []\n");
	expect_only(CRRC_E084, 17, 14);
	spec_teardown();
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b, a]\n");
	const struct crrc_diag *g = expect_only(CRRC_E084, 17, 21);
	ck_assert_uint_eq(g->notes[0].pos.col, 15);
	spec_teardown();
	/* eighteen buckets: the count, and nothing pair-wise */
	char text[4096];
	int n = snprintf(text, sizeof(text), "crrc: 1\nname: demo\nbuckets:\n");
	for (int i = 0; i < 18; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "  b%d: {region: %s}\n", i,
			      crrc_region_at((size_t)i)->code);
	n += snprintf(text + n, sizeof(text) - (size_t)n, "access_points:\n  p:\n    buckets: [");
	for (int i = 0; i < 18; i++)
		n += snprintf(text + n, sizeof(text) - (size_t)n, "%sb%d", i ? ", " : "", i);
	snprintf(text + n, sizeof(text) - (size_t)n, "]\n");
	spec_check(text);
	ck_assert_uint_eq(count(CRRC_E084), 1);
	ck_assert_uint_eq(count(CRRC_E088), 0);
	ck_assert_uint_eq(find(CRRC_E084)->pos.line, 24);
	spec_teardown();
	/* an unknown member: E050 at it, and no consistency */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, zz]\n");
	expect_only(CRRC_E050, 17, 18);
}
END_TEST

START_TEST(test_region)
{
	spec_check(HEAD "  c:\n    region: us-west-2\n" "replication:\n  - source: a\n    rules:\n"
		   RULE("to-b", "b") RULE("to-c", "c") POINTS
		   "  p:\n    buckets: [a, b, c]\n    passive: [b, c]\n");
	const struct crrc_diag *g = expect_only(CRRC_E085, 17, 21);
	ck_assert_uint_eq(g->notes[0].pos.col, 18);
}
END_TEST

START_TEST(test_passive)
{
	spec_check(HEAD "  c:\n    region: eu-west-1\n" REPL_BOTH POINTS
		   "  p:\n    buckets: [a, b]\n    passive: [c]\n");
	expect_only(CRRC_E086, 20, 15);
	spec_teardown();
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n    passive: [b, a]\n");
	expect_only(CRRC_E086, 18, 14);
	spec_teardown();
	/* an unknown passive key is E050 alone */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n    passive: [zz]\n");
	expect_only(CRRC_E050, 18, 15);
}
END_TEST

START_TEST(test_account)
{
	/* lines 1-9 */
	spec_check("crrc: 1\nname: demo\naccounts: {prod: \"111111111111\"}\nbuckets:\n"
		   "  a:\n    region: us-east-1\n    account: prod\n"
		   "  b: {region: us-west-2, existing: true}\n"
		   "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b")
		   "  - source: b\n    rules:\n" RULE("to-a", "a") POINTS
		   "  p:\n    buckets: [a, b]\n");
	expect_only(CRRC_E087, 18, 18);
	spec_teardown();
	/* in the deploying account, as the point: fine */
	spec_check(HEAD "  c: {region: eu-west-1, existing: true}\n" REPL_BOTH POINTS
		   "  p:\n    buckets: [a, b, c]\n    passive: [c]\n");
	ck_assert_uint_eq(count(CRRC_E087), 0);
}
END_TEST

START_TEST(test_consistency)
{
	/* only a -> b: b -> a is missing, at a's item */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b") POINTS
		   "  p:\n    buckets: [a, b]\n");
	const struct crrc_diag *g = expect_only(CRRC_E088, 14, 15);
	ck_assert_msg(strstr(g->msg, "'b' into 'a'"), "%s", g->msg);
	spec_teardown();
	/* passive b: a -> b is enough */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b") POINTS
		   "  p:\n    buckets: [a, b]\n    passive: [b]\n");
	expect_clean();
	spec_teardown();
	/* a disabled rule does not count: at the passive item */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n"
		   "      - {id: to-b, destination: b, enabled: false}\n" POINTS
		   "  p:\n    buckets: [a, b]\n    passive: [b]\n");
	expect_only(CRRC_E088, 14, 18);
	spec_teardown();
	/* without replica_modifications: at the rule (W003 too) */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b")
		   "  - source: b\n    rules:\n      - {id: to-a, destination: a}\n" POINTS
		   "  p:\n    buckets: [a, b]\n");
	ck_assert_uint_eq(count(CRRC_E088), 1);
	ck_assert_uint_eq(find(CRRC_E088)->pos.line, 14);
	ck_assert_uint_eq(find(CRRC_E088)->pos.col, 9);
	spec_teardown();
	/* filtered: W014 at the destination's item */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n"
		   "      - {id: to-b, destination: b, filter: {prefix: m/}}\n" POINTS
		   "  p:\n    buckets: [a, b]\n    passive: [b]\n");
	g = expect_only(CRRC_W014, 14, 18);
	ck_assert_msg(strstr(g->msg, "'to-b'"), "%s", g->msg);
}
END_TEST

START_TEST(test_residency)
{
	/* a prefix is refused through the point by its policy: no E089 */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n"
		   "policies:\n  residency:\n    - {prefix: eu/, regions: [us-east-1]}\n");
	ck_assert_uint_eq(count(CRRC_E070), 1); /* the rule into b breaks it (E070) */
	ck_assert_uint_eq(count(CRRC_E089), 0);
	spec_teardown();
	/* every object: no point can refuse it */
	spec_check(HEAD REPL_BOTH POINTS "  p:\n    buckets: [a, b]\n"
		   "policies:\n  residency:\n    - {prefix: '', regions: [us-east-1]}\n");
	ck_assert_uint_eq(count(CRRC_E089), 1);
	const struct crrc_diag *g = find(CRRC_E089);
	ck_assert_uint_eq(g->pos.line, 17);
	ck_assert_uint_eq(g->pos.col, 18);
	ck_assert_msg(strstr(g->msg, "'demo-p'") && strstr(g->msg, "any object") &&
			      strstr(g->msg, "us-west-2"),
		      "%s", g->msg);
}
END_TEST

START_TEST(test_aliased_list)
{
	/* one member list under two points: judged once */
	spec_check(HEAD "replication:\n  - source: a\n    rules:\n" RULE("to-b", "b") POINTS
		   "  p:\n    buckets: &l [a, b]\n  q:\n    buckets: *l\n");
	ck_assert_uint_eq(count(CRRC_E088), 1);
}
END_TEST

static Suite *points_suite(void)
{
	Suite *s = suite_create("points");
	TCase *t = tcase_create("points");
	tcase_add_checked_fixture(t, NULL, spec_teardown);
	tcase_add_test(t, test_clean);
	tcase_add_test(t, test_names);
	tcase_add_test(t, test_members);
	tcase_add_test(t, test_region);
	tcase_add_test(t, test_passive);
	tcase_add_test(t, test_account);
	tcase_add_test(t, test_consistency);
	tcase_add_test(t, test_residency);
	tcase_add_test(t, test_aliased_list);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(points_suite());
}
