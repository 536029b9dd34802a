/* test_iam_tags.c: E079. The top-level tags go on every bucket (S3) and on
 * every role crrc generates (IAM), and IAM is stricter: beyond ASCII it
 * takes only the general categories L, Z and N (a symbol such as the euro
 * sign, an emoji or U+FEFF is refused), and tag keys that differ only in
 * case collide. Without a generated role, or on buckets' own and filter
 * tags, S3's rules alone apply. */
#include <string.h>

#include "check_helpers.h"

/* Line 3 holds the tags; a generated role follows from line 6. */
#define SPEC(tags, role)                                                                        \
	"crrc: 1\nname: demo\ntags: " tags "\nbuckets:\n  a: {region: us-east-1}\n"            \
	"  b: {region: us-west-2}\nreplication:\n  - source: a\n" role "    rules:\n"          \
	"      - {id: r1, destination: b}\n"
#define GENERATED ""
#define GIVEN "    role: arn:aws:iam::111122223333:role/given\n"

START_TEST(test_symbol_refused)
{
	spec_check(SPEC("{cost: \"\xe2\x82\xac" "100\"}", GENERATED));
	const struct crrc_diag *g = expect_only(CRRC_E079, 3, 14);
	ck_assert_ptr_nonnull(strstr(g->msg, "U+20AC, character 1"));
	ck_assert_ptr_nonnull(strstr(g->msg, "demo-a-replication"));
}
END_TEST

START_TEST(test_emoji_and_bom_refused)
{
	spec_check(SPEC("{\"team\xf0\x9f\x98\x80\": x}", GENERATED));
	expect_only(CRRC_E079, 3, 8);
	spec_teardown();
	spec_check(SPEC("{team: \"\\uFEFFmedia\"}", GENERATED));
	const struct crrc_diag *g = expect_only(CRRC_E079, 3, 14);
	ck_assert_ptr_nonnull(strstr(g->msg, "U+FEFF"));
}
END_TEST

START_TEST(test_letters_of_any_script_pass)
{
	/* Latin with marks, CJK, Arabic-Indic digit, no-break space (Zs) */
	spec_check(SPEC("{\"\xc3\xa9quipe\": \"\xe6\x97\xa5\xe6\x9c\xac\", "
			"n: \"\xd9\xa3\xc2\xa0x\"}", GENERATED));
	expect_clean();
}
END_TEST

START_TEST(test_case_insensitive_keys)
{
	spec_check(SPEC("{Team: a, team: b}", GENERATED));
	const struct crrc_diag *g = expect_only(CRRC_E079, 3, 17);
	ck_assert_ptr_nonnull(strstr(g->msg, "'Team' and 'team' differ only in case"));
	ck_assert_uint_eq(g->notes[0].pos.col, 8);
	spec_teardown();
	/* beyond ASCII: É and é */
	spec_check(SPEC("{\"\xc3\x89t\xc3\xa9\": a, \"\xc3\xa9t\xc3\xa9\": b}", GENERATED));
	expect_only(CRRC_E079, 3, 18);
}
END_TEST

START_TEST(test_s3_only_tags_pass)
{
	/* no generated role: the top-level tags go on buckets only */
	spec_check(SPEC("{cost: \"\xe2\x82\xac" "100\", Team: a, team: b}", GIVEN));
	expect_clean();
	spec_teardown();
	/* a bucket's own tags and a filter's tags never reach IAM */
	spec_check("crrc: 1\nname: demo\nbuckets:\n"
		   "  a: {region: us-east-1, tags: {cost: \"\xe2\x82\xac\", Team: a, team: b}}\n"
		   "  b: {region: us-west-2}\nreplication:\n  - source: a\n    rules:\n"
		   "      - {id: r1, destination: b, filter: {tags: {k: \"\xe2\x82\xac\"}}}\n");
	expect_clean();
}
END_TEST

static Suite *iam_tags_suite(void)
{
	Suite *s = suite_create("iam-tags");
	TCase *t = tcase_create("e079");
	tcase_add_checked_fixture(t, NULL, spec_teardown);
	tcase_add_test(t, test_symbol_refused);
	tcase_add_test(t, test_emoji_and_bom_refused);
	tcase_add_test(t, test_letters_of_any_script_pass);
	tcase_add_test(t, test_case_insensitive_keys);
	tcase_add_test(t, test_s3_only_tags_pass);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(iam_tags_suite());
}
