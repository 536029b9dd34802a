/* test_role_names.c: the names of the roles crrc generates (resolve.c)
 * are unique among the roles of the spec, as IAM compares them (without
 * case): a generated name that a given role has, or that another generated
 * role takes first (two long names whose hashes meet, found by a search),
 * takes a hash, then a hash with a counter; names that meet nothing are
 * kept. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "base/uniq.h"
#include "model_helpers.h"

static struct spec S;

static void teardown(void)
{
	spec_free(&S);
}

static const char *role_of(const char *source)
{
	const struct ds_replication *r = ds_replication_of(S.ds, source);
	ck_assert_ptr_nonnull(r);
	return r->role.name;
}

#define HEAD                                                                                    \
	"crrc: 1\nname: demo\naccounts:\n  prod: \"111122223333\"\nbuckets:\n"                   \
	"  src: {region: us-east-1, account: prod}\n"                                           \
	"  other: {region: us-east-2, account: prod}\n"                                         \
	"  dst: {region: us-west-2, account: prod}\n"

/* The spec gives entry src a role named as crrc would name other's: other
 * takes the hash of its name; a given name that differs in case alone
 * counts as the same. */
START_TEST(given_role_takes_the_name)
{
	static const char *const given[] = {"demo-other-replication", "Demo-Other-Replication"};
	for (size_t i = 0; i < 2; i++) {
		char spec[1024], want[80];
		snprintf(spec, sizeof(spec),
			 HEAD "replication:\n"
			      "  - source: src\n    role: arn:aws:iam::111122223333:role/%s\n"
			      "    rules: [{id: r, destination: dst}]\n"
			      "  - {source: other, rules: [{id: r, destination: dst}]}\n",
			 given[i]);
		spec_load(&S, spec, true);
		spec_no_errors(&S);
		snprintf(want, sizeof(want), "demo-other-replication-%08x",
			 (unsigned)uniq_hash("demo-other-replication", 0));
		ck_assert_str_eq(role_of("other"), want);
		ck_assert_str_eq(ds_replication_of(S.ds, "other")->role.arn + 31, want);
		spec_free(&S);
	}
}
END_TEST

/* Given roles take both the name and its first hash: the counter goes on. */
START_TEST(counter_goes_on)
{
	char spec[1024], h0[80], want[80];
	snprintf(h0, sizeof(h0), "demo-other-replication-%08x",
		 (unsigned)uniq_hash("demo-other-replication", 0));
	snprintf(spec, sizeof(spec),
		 HEAD "  more: {region: eu-west-1, account: prod}\n"
		      "replication:\n"
		      "  - {source: other, rules: [{id: r, destination: dst}]}\n"
		      "  - source: src\n    role: arn:aws:iam::111122223333:role/demo-other-replication\n"
		      "    rules: [{id: r, destination: dst}]\n"
		      "  - source: more\n    role: arn:aws:iam::111122223333:role/path/%s\n"
		      "    rules: [{id: r, destination: dst}]\n",
		 h0);
	spec_load(&S, spec, true);
	spec_no_errors(&S);
	snprintf(want, sizeof(want), "demo-other-replication-%08x",
		 (unsigned)uniq_hash("demo-other-replication", 1));
	ck_assert_str_eq(role_of("other"), want);
}
END_TEST

/* Two sources whose names are too long for IAM, with one prefix and hashes
 * that meet: the second takes the hash of its name and 1. */
#define LONG_1 "a-source-bucket-whose-logical-name-is-rather-long-bo3q"
#define LONG_2 "a-source-bucket-whose-logical-name-is-rather-long-6iaa"

START_TEST(long_names_whose_hashes_meet)
{
	ck_assert_uint_eq(uniq_hash("demo-" LONG_1 "-replication", 0),
			  uniq_hash("demo-" LONG_2 "-replication", 0));
	spec_load(&S, HEAD "  " LONG_1 ": {region: us-east-1, name: demo-long-one}\n"
			   "  " LONG_2 ": {region: us-east-1, name: demo-long-two}\n"
			   "replication:\n"
			   "  - {source: " LONG_1 ", rules: [{id: r, destination: dst}]}\n"
			   "  - {source: " LONG_2 ", rules: [{id: r, destination: dst}]}\n",
		  true);
	spec_no_errors(&S);
	char want[80];
	snprintf(want, sizeof(want), "%.54s-%08x", "demo-" LONG_1,
		 (unsigned)uniq_hash("demo-" LONG_1 "-replication", 0));
	ck_assert_str_eq(role_of(LONG_1), want);
	snprintf(want, sizeof(want), "%.54s-%08x", "demo-" LONG_2,
		 (unsigned)uniq_hash("demo-" LONG_2 "-replication", 1));
	ck_assert_str_eq(role_of(LONG_2), want);
	ck_assert_uint_le(strlen(role_of(LONG_2)), CRRC_MAX_ROLE_NAME);
}
END_TEST

/* Names that meet nothing are kept, given roles elsewhere or not. */
START_TEST(names_kept)
{
	spec_load(&S, HEAD "replication:\n"
			   "  - source: src\n    role: arn:aws:iam::111122223333:role/demo-src-replication\n"
			   "    rules: [{id: r, destination: dst}]\n"
			   "  - {source: other, rules: [{id: r, destination: dst}]}\n"
			   "  - {source: dst, rules: [{id: r, destination: other}]}\n",
		  true);
	ck_assert_str_eq(role_of("src"), "demo-src-replication");
	ck_assert_str_eq(role_of("other"), "demo-other-replication");
	ck_assert_str_eq(role_of("dst"), "demo-dst-replication");
}
END_TEST

int main(void)
{
	Suite *s = suite_create("role_names");
	TCase *tc = tcase_create("names");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, given_role_takes_the_name);
	tcase_add_test(tc, counter_goes_on);
	tcase_add_test(tc, long_names_whose_hashes_meet);
	tcase_add_test(tc, names_kept);
	suite_add_tcase(s, tc);
	return check_main(s);
}
