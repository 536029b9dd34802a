/* test_chain.c: W002, the chain A -> B -> C, and the direct rule A -> C that
 * is its documented fix: a rule that covers what the rule into B moves (its
 * prefix a prefix of that rule's, its tags a subset) silences the warning;
 * a narrower, a disabled or an absent one does not. Hub-and-DR layouts
 * check clean. */
#include <string.h>

#include "check_helpers.h"

#define HEAD                                                                                    \
	"crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n  b: {region: us-west-2}\n"   \
	"  c: {region: eu-west-1}\n  d: {region: eu-central-1}\nreplication:\n"
/* b -> c, lines 9-11 (the rule's destination at 11:37) */
#define B_TO_C "  - source: b\n    rules:\n      - {id: on, destination: c}\n"
/* a's entry: its rules follow, one a line from line 14 */
#define A_ENTRY "  - source: a\n    rules:\n"

START_TEST(test_chain_without_direct_rule)
{
	spec_check(HEAD B_TO_C A_ENTRY "      - {id: ab, destination: b}\n");
	const struct crrc_diag *g = expect_only(CRRC_W002, 14, 31);
	ck_assert_ptr_nonnull(strstr(g->msg, "objects from 'a' do not reach 'c'"));
	ck_assert_uint_eq(g->notes[0].pos.line, 11);
}
END_TEST

START_TEST(test_direct_rule_silences)
{
	spec_check(HEAD B_TO_C A_ENTRY "      - {id: ab, destination: b}\n"
				       "      - {id: ac, destination: c}\n");
	expect_clean();
	spec_teardown();
	/* the direct rule first, or with a priority: the same */
	spec_check(HEAD B_TO_C A_ENTRY "      - {id: ac, destination: c, priority: 1}\n"
				       "      - {id: ab, destination: b, priority: 2}\n");
	expect_clean();
}
END_TEST

START_TEST(test_direct_rule_broader_silences)
{
	/* a -> b moves logs/app/ with tag k=v; a -> c moves all of logs/ */
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab, destination: b, filter: {prefix: logs/app/, tags: {k: v}}}\n"
		   "      - {id: ac, destination: c, filter: {prefix: logs/}}\n");
	expect_clean();
	spec_teardown();
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab, destination: b, filter: {prefix: x/, tags: {k: v, j: w}}}\n"
		   "      - {id: ac, destination: c, filter: {tags: {k: v}}}\n");
	expect_clean();
}
END_TEST

START_TEST(test_direct_rule_narrower_warns)
{
	/* a narrower prefix */
	spec_check(HEAD B_TO_C A_ENTRY "      - {id: ab, destination: b}\n"
				       "      - {id: ac, destination: c, filter: {prefix: logs/}}\n");
	expect_only(CRRC_W002, 14, 31);
	spec_teardown();
	/* a tag the rule into b does not require */
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab, destination: b, filter: {prefix: x/}}\n"
		   "      - {id: ac, destination: c, filter: {prefix: x/, tags: {k: v}}}\n");
	expect_only(CRRC_W002, 14, 31);
	spec_teardown();
	/* a prefix that is not a prefix of the other's */
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab, destination: b, filter: {prefix: logs/}}\n"
		   "      - {id: ac, destination: c, filter: {prefix: logs/app/}}\n");
	expect_only(CRRC_W002, 14, 31);
}
END_TEST

START_TEST(test_disabled_direct_rule_warns)
{
	spec_check(HEAD B_TO_C A_ENTRY "      - {id: ab, destination: b}\n"
				       "      - {id: ac, destination: c, enabled: false}\n");
	expect_only(CRRC_W002, 14, 31);
}
END_TEST

START_TEST(test_every_rule_into_b_covered)
{
	/* two rules into b, the direct rule covers one: the other warns */
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab-x, destination: b, filter: {prefix: x/}}\n"
		   "      - {id: ab-y, destination: b, filter: {prefix: y/}}\n"
		   "      - {id: ac, destination: c, filter: {prefix: x/}}\n");
	const struct crrc_diag *g = expect_only(CRRC_W002, 15, 33);
	ck_assert_ptr_nonnull(strstr(g->msg, "rule 'ab-y'"));
	spec_teardown();
	spec_check(HEAD B_TO_C A_ENTRY
		   "      - {id: ab-x, destination: b, filter: {prefix: x/}}\n"
		   "      - {id: ab-y, destination: b, filter: {prefix: y/}}\n"
		   "      - {id: ac-x, destination: c, filter: {prefix: x/}}\n"
		   "      - {id: ac-y, destination: c, filter: {prefix: y/}}\n");
	expect_clean();
}
END_TEST

START_TEST(test_every_onward_destination)
{
	/* b replicates into c and d; a covers c directly, not d */
	spec_check(HEAD "  - source: b\n    rules:\n      - {id: on, destination: c}\n"
		   "      - {id: on-d, destination: d}\n"
		   A_ENTRY "      - {id: ab, destination: b}\n      - {id: ac, destination: c}\n");
	const struct crrc_diag *g = expect_only(CRRC_W002, 15, 31);
	ck_assert_ptr_nonnull(strstr(g->msg, "do not reach 'd'"));
	ck_assert_uint_eq(g->notes[0].pos.line, 12);
}
END_TEST

START_TEST(test_hub_and_dr_clean)
{
	/* A hub replicates into two regional buckets and, directly, into
	 * their DR copies; each regional bucket replicates into its DR copy.
	 * The documented layout: no warning, so it passes --werror. */
	spec_check("crrc: 1\nname: hub\nbuckets:\n  hub: {region: us-east-1}\n"
		   "  eu: {region: eu-west-1}\n  eu-dr: {region: eu-central-1}\n"
		   "  ap: {region: ap-southeast-6}\n  ap-dr: {region: ap-southeast-2}\n"
		   "replication:\n  - source: hub\n    rules:\n"
		   "      - {id: to-eu, destination: eu}\n      - {id: to-eu-dr, destination: eu-dr}\n"
		   "      - {id: to-ap, destination: ap}\n      - {id: to-ap-dr, destination: ap-dr}\n"
		   "  - source: eu\n    rules:\n      - {id: eu-dr, destination: eu-dr}\n"
		   "  - source: ap\n    rules:\n      - {id: ap-dr, destination: ap-dr}\n");
	expect_clean();
}
END_TEST

static Suite *chain_suite(void)
{
	Suite *s = suite_create("chain");
	TCase *t = tcase_create("w002");
	tcase_add_checked_fixture(t, NULL, spec_teardown);
	tcase_add_test(t, test_chain_without_direct_rule);
	tcase_add_test(t, test_direct_rule_silences);
	tcase_add_test(t, test_direct_rule_broader_silences);
	tcase_add_test(t, test_direct_rule_narrower_warns);
	tcase_add_test(t, test_disabled_direct_rule_warns);
	tcase_add_test(t, test_every_rule_into_b_covered);
	tcase_add_test(t, test_every_onward_destination);
	tcase_add_test(t, test_hub_and_dr_clean);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(chain_suite());
}
