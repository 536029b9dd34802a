/* test_cfn_names.c: unit tests of the names the CloudFormation back end
 * makes (plan.c): logical ids (CamelCase of the key, a hash suffix for keys
 * whose forms collide, for long keys and empty forms, a function of the key
 * and not of the spec's order), every name they make unique against keys
 * built to collide, in the rendered templates too; stack names never two
 * alike, with made-up regions that end others. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uniq.h"
#include "diag/diag.h"
#include "emit/cloudformation/cloudformation.h"
#include "emit/emit.h"
#include "model/desired.h"
#include "model/regions.h"
#include "cfn_helpers.h"

static struct planned one, two;

static void teardown(void)
{
	planned_free(&one);
	planned_free(&two);
}

START_TEST(ids_camel_case)
{
	plan(&one, HEAD "buckets:\n"
			"  eu-customers: {region: eu-west-1}\n"
			"  a: {region: us-east-1}\n"
			"  logs-2024-archive: {region: us-east-1}\n"
			"  x--y: {region: us-east-1}\n"
			"  3d-models: {region: us-east-1}\n"
			"  already0k: {region: us-east-1}\n");
	ck_assert_str_eq(id_of(&one, "eu-customers"), "EuCustomers");
	ck_assert_str_eq(id_of(&one, "a"), "A");
	ck_assert_str_eq(id_of(&one, "logs-2024-archive"), "Logs2024Archive");
	ck_assert_str_eq(id_of(&one, "x--y"), "XY");
	ck_assert_str_eq(id_of(&one, "3d-models"), "3dModels");
	ck_assert_str_eq(id_of(&one, "already0k"), "Already0k");
	ck_assert_ptr_eq(one.p.ids, one.ids);
}
END_TEST

/* "a-1" and "a1" are both "A1": both get a hash of their key, others keep
 * their form. */
START_TEST(ids_colliding_keys)
{
	plan(&one, HEAD "buckets:\n"
			"  a-1: {region: us-east-1}\n"
			"  b: {region: us-east-1}\n"
			"  a1: {region: us-east-1}\n");
	assert_hashed(id_of(&one, "a-1"), "A1");
	assert_hashed(id_of(&one, "a1"), "A1");
	ck_assert_str_eq(id_of(&one, "b"), "B");
	assert_ids_distinct(&one);
	/* Three forms the same: all three hashed, all distinct. */
	plan(&two, HEAD "buckets:\n"
			"  a-1: {region: us-east-1}\n"
			"  a--1: {region: us-east-1}\n"
			"  a1: {region: us-east-1}\n");
	assert_hashed(id_of(&two, "a--1"), "A1");
	assert_ids_distinct(&two);
}
END_TEST

/* A hashed id depends on its key alone: not on the order of the buckets,
 * nor on which other key it collides with. */
START_TEST(ids_function_of_key)
{
	plan(&one, HEAD "buckets:\n"
			"  a-1: {region: us-east-1}\n"
			"  a1: {region: us-east-1}\n"
			"  eu-x: {region: eu-west-1}\n");
	plan(&two, HEAD "buckets:\n"
			"  eu-x: {region: eu-west-1}\n"
			"  c: {region: us-east-1}\n"
			"  a--1: {region: us-east-1}\n"
			"  a-1: {region: us-east-1}\n");
	ck_assert_str_eq(id_of(&one, "a-1"), id_of(&two, "a-1"));
	ck_assert_str_eq(id_of(&one, "eu-x"), id_of(&two, "eu-x"));
	ck_assert_str_ne(id_of(&one, "a1"), id_of(&two, "a--1"));
}
END_TEST

/* Keys without a letter or digit have no form: "Bucket" and a hash. A form
 * over 200 characters is cut to 192 and hashed. */
START_TEST(ids_empty_and_long)
{
	char key[240], other[240];
	memset(key, 'k', 230);
	key[230] = '\0';
	memcpy(other, key, 231);
	other[229] = 'z';
	char spec[2048];
	snprintf(spec, sizeof(spec),
		 HEAD "buckets:\n"
		      "  \"-\": {region: us-east-1, name: demo-dash-one}\n"
		      "  \"--\": {region: us-east-1, name: demo-dash-two}\n"
		      "  %s: {region: us-east-1, name: demo-long-one}\n"
		      "  %s: {region: us-east-1, name: demo-long-two}\n",
		 key, other);
	plan(&one, spec);
	assert_hashed(id_of(&one, "-"), "Bucket");
	assert_hashed(id_of(&one, "--"), "Bucket");
	char stem[240];
	memset(stem, 'k', 192);
	stem[0] = 'K';
	stem[192] = '\0';
	assert_hashed(id_of(&one, key), stem);
	assert_hashed(id_of(&one, other), stem);
	assert_ids_distinct(&one);
}
END_TEST

/* A hashed id can equal another key's plain form: "a-1" and "a1" collide
 * and become "A1" + 8 hex digits h; a third key "a1" + h has the form
 * "A1" + h. The plain form keeps its id (it collides with no other form),
 * the hashed one takes the hash of its key and a counter; wherever the
 * third key stands. */
START_TEST(ids_hash_suffix_never_collides)
{
	char key[32], spec[512], want[32];
	snprintf(key, sizeof(key), "a1%08x", (unsigned)uniq_hash("a-1", 0));
	for (size_t i = 0; i < 2; i++) {
		if (i == 0)
			snprintf(spec, sizeof(spec),
				 HEAD "buckets:\n  a-1: {region: us-east-1}\n  a1: {region: us-east-1}\n"
				      "  %s: {region: us-east-1}\n", key);
		else
			snprintf(spec, sizeof(spec),
				 HEAD "buckets:\n  %s: {region: us-east-1}\n  a-1: {region: us-east-1}\n"
				      "  a1: {region: us-east-1}\n", key);
		plan(&one, spec);
		assert_ids_distinct(&one);
		assert_names_distinct(&one);
		snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash("a-1", 0));
		ck_assert_str_eq(id_of(&one, key), want);
		snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash("a-1", 1));
		ck_assert_str_eq(id_of(&one, "a-1"), want);
		snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash("a1", 0));
		ck_assert_str_eq(id_of(&one, "a1"), want);
		planned_free(&one);
	}
}
END_TEST

/* The counter goes on while the names are taken: the plain forms of two
 * keys take the first two hashed ids of "a-1", which gets the third. */
START_TEST(ids_counter_goes_on)
{
	char k0[32], k1[32], spec[512], want[32];
	snprintf(k0, sizeof(k0), "a1%08x", (unsigned)uniq_hash("a-1", 0));
	snprintf(k1, sizeof(k1), "a1%08x", (unsigned)uniq_hash("a-1", 1));
	snprintf(spec, sizeof(spec),
		 HEAD "buckets:\n  a-1: {region: us-east-1}\n  a1: {region: us-east-1}\n"
		      "  %s: {region: us-east-1}\n  %s: {region: us-east-1}\n",
		 k1, k0);
	plan(&one, spec);
	assert_ids_distinct(&one);
	snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash("a-1", 2));
	ck_assert_str_eq(id_of(&one, "a-1"), want);
}
END_TEST

/* Two keys of one form whose hashes agree in their low 32 bits (found by
 * a search over hyphens): the first keeps the hashed id, the second takes
 * its key's hash with a counter. */
#define SAME_HASH_1 "---------------------------a--------------------------1"
#define SAME_HASH_2                                                                             \
	"--------------------------------------a-------------------------------------------------" \
	"---------1-----"

START_TEST(ids_hashes_that_meet)
{
	ck_assert_uint_eq(uniq_hash(SAME_HASH_1, 0), uniq_hash(SAME_HASH_2, 0));
	plan(&one, HEAD "buckets:\n"
			"  \"" SAME_HASH_1 "\": {region: us-east-1, name: demo-same-one}\n"
			"  \"" SAME_HASH_2 "\": {region: us-east-1, name: demo-same-two}\n");
	assert_ids_distinct(&one);
	char want[32];
	snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash(SAME_HASH_1, 0));
	ck_assert_str_eq(id_of(&one, SAME_HASH_1), want);
	snprintf(want, sizeof(want), "A1%08x", (unsigned)uniq_hash(SAME_HASH_2, 1));
	ck_assert_str_eq(id_of(&one, SAME_HASH_2), want);
}
END_TEST

/* Keys whose forms end like the suffixes of the names made from ids: every
 * name stays unique, and no plain id is hashed for it. */
START_TEST(ids_derived_names)
{
	plan(&one, HEAD "buckets:\n"
			"  a: {region: us-east-1}\n"
			"  a-bucket: {region: us-east-1}\n"
			"  a-bucket-policy: {region: us-east-1}\n"
			"  a-replication-role: {region: us-east-1}\n"
			"  a-bucket-arn: {region: us-east-1}\n"
			"  a-replication-role-arn: {region: us-east-1}\n"
			"  a-policy: {region: us-east-1}\n"
			"  a-arn: {region: us-east-1}\n"
			"replication:\n"
			"  - {source: a, rules: [{id: r, destination: a-bucket}]}\n"
			"  - {source: a-bucket, rules: [{id: r, destination: a}]}\n");
	assert_names_distinct(&one);
	ck_assert_str_eq(id_of(&one, "a"), "A");
	ck_assert_str_eq(id_of(&one, "a-bucket"), "ABucket");
	ck_assert_str_eq(id_of(&one, "a-replication-role-arn"), "AReplicationRoleArn");
}
END_TEST

/* The templates of x as rendered: each parses with no key twice, and no
 * output is named like a resource. Returns how many names it saw. */
static size_t assert_templates_unique(const struct planned *x)
{
	struct crrc_output out;
	output_init(&out);
	struct crrc_emit_options opt = {.spec_path = "plan.crr.yaml"};
	ck_assert(crrc_target_cloudformation.emit(x->ds, &opt, &out.sink, x->d));
	size_t names = 0;
	for (size_t i = 0; i < out.n; i++) {
		const char *path = out.files[i].path;
		if (strlen(path) < 14 || strcmp(path + strlen(path) - 14, ".template.json") != 0)
			continue;
		json_error_t err;
		json_t *t = json_loadb(out.files[i].data, out.files[i].len, JSON_REJECT_DUPLICATES,
				       &err);
		ck_assert_msg(t != NULL, "%s: %s", path, err.text);
		json_t *res = json_object_get(t, "Resources"), *outs = json_object_get(t, "Outputs");
		const char *k;
		json_t *v;
		json_object_foreach(outs, k, v) ck_assert_msg(!json_object_get(res, k),
							      "%s: output %s is a resource", path, k);
		names += json_object_size(res) + json_object_size(outs);
		json_decref(t);
	}
	output_free(&out);
	return names;
}

/* Every key that can meet another in a template, with replication and
 * bucket policies, rendered: every name once. */
START_TEST(templates_names_unique)
{
	char spec[2048];
	snprintf(spec, sizeof(spec),
		 HEAD "accounts:\n  prod: \"111122223333\"\n  vault: \"444455556666\"\n"
		      "buckets:\n"
		      "  a: {region: us-east-1, account: prod}\n"
		      "  a-bucket: {region: us-east-1, account: prod}\n"
		      "  a-bucket-policy: {region: us-east-1, account: vault}\n"
		      "  a-replication-role: {region: us-east-1, account: prod}\n"
		      "  a-1: {region: us-east-1, account: vault}\n"
		      "  a1: {region: us-east-1, account: vault}\n"
		      "  a1%08x: {region: us-east-1, account: vault}\n"
		      "replication:\n"
		      "  - source: a\n    rules:\n"
		      "      - {id: r1, destination: a-bucket-policy}\n"
		      "      - {id: r2, destination: a-1}\n"
		      "      - {id: r3, destination: a1}\n"
		      "  - {source: a-bucket, rules: [{id: r, destination: a1%08x}]}\n"
		      "  - {source: a-replication-role, rules: [{id: r, destination: a-1}]}\n",
		 (unsigned)uniq_hash("a-1", 0), (unsigned)uniq_hash("a-1", 0));
	plan(&one, spec);
	assert_names_distinct(&one);
	/* 7 buckets, 3 roles, 4 bucket policies; 7 + 3 outputs */
	ck_assert_uint_eq(assert_templates_unique(&one), 24);
}
END_TEST

/* Stack names cannot meet while no region's code ends another's after a
 * hyphen, nor holds two groups of digits: true of the table. */
START_TEST(stack_names_regions_apart)
{
	for (size_t i = 0; i < crrc_region_count(); i++) {
		const char *a = crrc_region_at(i)->code;
		size_t n = strlen(a);
		for (size_t k = 0; k < crrc_region_count(); k++) {
			const char *b = crrc_region_at(k)->code;
			size_t m = strlen(b);
			ck_assert_msg(!(n > m && a[n - m - 1] == '-' && strcmp(a + n - m, b) == 0),
				      "region %s ends with region %s", a, b);
		}
		const char *last = strrchr(a, '-');
		ck_assert(last && last > a && !(last[-1] >= '0' && last[-1] <= '9'));
	}
}
END_TEST

/* With regions that end others (which AWS does not have), an alias that
 * ends like a region would give two places one stack name: the later one
 * takes a hash of its account, region and part. */
START_TEST(stack_names_never_meet)
{
	plan_unchecked(&one, HEAD "accounts:\n"
				  "  prod: \"111122223333\"\n"
				  "  prod-us: \"444455556666\"\n"
				  "buckets:\n"
				  "  a: {region: us-east-1, account: prod}\n"
				  "  b: {region: east-1, account: prod-us}\n"
				  "  c: {region: us-east-1-1}\n"
				  "  d: {region: us-east-1, account: prod}\n"
				  "  e: {region: us-east-1}\n");
	assert_plan_sound(&one);
	ck_assert_uint_eq(one.p.nstacks, 4);
	ck_assert_str_eq(stack_of(&one, "a")->name, "demo-prod-us-east-1");
	char want[64];
	snprintf(want, sizeof(want), "demo-prod-us-east-1-%08x",
		 (unsigned)uniq_hash("444455556666/east-1/0", 0));
	ck_assert_str_eq(stack_of(&one, "b")->name, want);
	ck_assert_str_eq(stack_of(&one, "c")->name, "demo-default-us-east-1-1");
	ck_assert_str_eq(stack_of(&one, "e")->name, "demo-default-us-east-1");
	snprintf(want, sizeof(want), "%s.template.json", stack_of(&one, "b")->name);
	ck_assert_str_eq(stack_of(&one, "b")->template, want);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cfn_names");
	TCase *tc = tcase_create("ids");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, ids_camel_case);
	tcase_add_test(tc, ids_colliding_keys);
	tcase_add_test(tc, ids_function_of_key);
	tcase_add_test(tc, ids_empty_and_long);
	tcase_add_test(tc, ids_hash_suffix_never_collides);
	tcase_add_test(tc, ids_counter_goes_on);
	tcase_add_test(tc, ids_hashes_that_meet);
	tcase_add_test(tc, ids_derived_names);
	tcase_add_test(tc, templates_names_unique);
	suite_add_tcase(s, tc);
	tc = tcase_create("stacks");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, stack_names_regions_apart);
	tcase_add_test(tc, stack_names_never_meet);
	suite_add_tcase(s, tc);
	return check_main(s);
}
