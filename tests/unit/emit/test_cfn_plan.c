/* test_cfn_plan.c: unit tests of plan.c, the CloudFormation back end's plan
 * of stacks and deployment steps (its names: test_cfn_names.c). One stack
 * per (account, region) place in the order places are first named, named
 * with a usable account alias, the id or "default"; of_bucket and every
 * stack's buckets agree; named_iam exactly where a role is generated; steps
 * put a destination's stack before its source's, bootstrap the stacks of a
 * two-way pair across stacks or inside one; splitting a heavy place keeps
 * every part within the limits, every bucket in one stack, and moves no
 * bucket when another is added, inserted or the order changes. Every spec
 * is loaded from text, resolved and checked free of errors first. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "model/desired.h"
#include "cfn_helpers.h"

static struct planned one, two;

static void teardown(void)
{
	planned_free(&one);
	planned_free(&two);
}

/* A stack per (account, region), in the order buckets first name places;
 * the account part is a usable alias (short, lowercase, not "default"),
 * else the id, else "default". */
START_TEST(stacks_per_place)
{
	plan(&one, HEAD "accounts:\n"
			"  media: \"111122223333\"\n"
			"  Prod: \"444455556666\"\n"
			"  default: \"777788889999\"\n"
			"  an-alias-of-forty-characters-is-this-one: \"555566667777\"\n"
			"  an-alias-of-forty-one-characters-is-long1: \"888899990000\"\n"
			"buckets:\n"
			"  a: {region: us-east-1, account: media}\n"
			"  b: {region: us-east-1, account: Prod}\n"
			"  c: {region: eu-west-1, account: default}\n"
			"  d: {region: us-west-2, account: \"222233334444\"}\n"
			"  e: {region: us-west-2}\n"
			"  f: {region: us-east-1, account: media}\n"
			"  g: {region: eu-west-1, account: \"111122223333\"}\n"
			"  h: {region: us-east-1, account: an-alias-of-forty-one-characters-is-long1}\n"
			"  i: {region: us-west-2}\n"
			"  j: {region: us-east-1, account: an-alias-of-forty-characters-is-this-one}\n");
	static const char *const names[] = {
		"demo-media-us-east-1",        "demo-444455556666-us-east-1",
		"demo-777788889999-eu-west-1", "demo-222233334444-us-west-2",
		"demo-default-us-west-2",      "demo-media-eu-west-1",
		"demo-888899990000-us-east-1",
		"demo-an-alias-of-forty-characters-is-this-one-us-east-1",
	};
	assert_plan_sound(&one);
	ck_assert_uint_eq(one.p.nstacks, 8);
	for (size_t s = 0; s < 8; s++) {
		ck_assert_str_eq(one.p.stacks[s].name, names[s]);
		ck_assert_uint_eq(one.p.stacks[s].part, 0);
	}
	ck_assert_str_eq(one.p.spec_name, "demo");
	const struct cfn_stack *s = stack_of(&one, "a");
	ck_assert_ptr_eq(stack_of(&one, "f"), s);
	ck_assert_uint_eq(s->nbuckets, 2);
	ck_assert_str_eq(s->buckets[0]->key, "a");
	ck_assert_str_eq(s->buckets[1]->key, "f");
	ck_assert_str_eq(s->account_id, "111122223333");
	ck_assert_str_eq(s->account_alias, "media");
	ck_assert_str_eq(s->account_part, "media");
	ck_assert_str_eq(s->region, "us-east-1");
	ck_assert_str_eq(s->template, "demo-media-us-east-1.template.json");
	ck_assert_str_eq(stack_of(&one, "b")->account_alias, "Prod");
	ck_assert_str_eq(stack_of(&one, "b")->account_part, "444455556666");
	ck_assert_ptr_null(stack_of(&one, "e")->account_id);
	ck_assert_ptr_null(stack_of(&one, "e")->account_alias);
	ck_assert_ptr_eq(stack_of(&one, "i"), stack_of(&one, "e"));
	ck_assert_ptr_null(stack_of(&one, "d")->account_alias);
}
END_TEST

/* One way across regions: the destination's stack first, no bootstrap; a
 * generated role makes its stack named_iam. */
START_TEST(destination_before_source)
{
	plan(&one, HEAD "buckets:\n"
			"  src: {region: us-east-1}\n"
			"  dst: {region: us-west-2}\n"
			"replication:\n"
			"  - source: src\n"
			"    rules:\n"
			"      - {id: r, destination: dst}\n");
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	assert_steps(&one, "demo-default-us-west-2\ndemo-default-us-east-1\n");
	ck_assert(!stack_of(&one, "src")->bootstrap);
	ck_assert(!stack_of(&one, "dst")->bootstrap);
	ck_assert(stack_of(&one, "src")->named_iam);
	ck_assert(!stack_of(&one, "dst")->named_iam);
}
END_TEST

/* A chain across four regions, named source first: deployed from its end. */
START_TEST(chain_deploys_from_its_end)
{
	plan(&one, HEAD "buckets:\n"
			"  a: {region: us-east-1}\n"
			"  b: {region: us-east-2}\n"
			"  c: {region: us-west-1}\n"
			"  d: {region: us-west-2}\n"
			"replication:\n"
			"  - {source: a, rules: [{id: r, destination: b}]}\n"
			"  - {source: b, rules: [{id: r, destination: c}]}\n"
			"  - {source: c, rules: [{id: r, destination: d}]}\n");
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	assert_steps(&one, "demo-default-us-west-2\ndemo-default-us-west-1\n"
			   "demo-default-us-east-2\ndemo-default-us-east-1\n");
	ck_assert(!stack_of(&one, "d")->named_iam);
	ck_assert(stack_of(&one, "a")->named_iam && stack_of(&one, "c")->named_iam);
}
END_TEST

/* A two-way pair across two regions: both stacks bootstrap first. */
START_TEST(two_way_pair_bootstraps)
{
	plan(&one, HEAD "buckets:\n"
			"  east: {region: us-east-1}\n"
			"  west: {region: us-west-2}\n"
			"replication:\n"
			"  - {source: east, rules: [{id: r, destination: west, replica_modifications: true}]}\n"
			"  - {source: west, rules: [{id: r, destination: east, replica_modifications: true}]}\n");
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	ck_assert(stack_of(&one, "east")->bootstrap);
	ck_assert(stack_of(&one, "west")->bootstrap);
	assert_steps(&one, "+demo-default-us-east-1\n+demo-default-us-west-2\n"
			   "demo-default-us-east-1\ndemo-default-us-west-2\n");
}
END_TEST

/* Buckets of one stack replicating into each other: that stack bootstraps;
 * one way inside a stack needs no bootstrap. */
START_TEST(pair_inside_one_stack)
{
	plan(&one, HEAD "buckets:\n"
			"  maple: {region: ca-central-1}\n"
			"  birch: {region: ca-central-1}\n"
			"  oak: {region: us-east-1}\n"
			"  elm: {region: us-east-1}\n"
			"replication:\n"
			"  - {source: maple, rules: [{id: r, destination: birch, replica_modifications: true}]}\n"
			"  - {source: birch, rules: [{id: r, destination: maple, replica_modifications: true}]}\n"
			"  - {source: oak, rules: [{id: r, destination: elm}]}\n");
	assert_plan_sound(&one);
	ck_assert_uint_eq(one.p.nstacks, 2);
	ck_assert(stack_of(&one, "maple")->bootstrap);
	ck_assert(!stack_of(&one, "oak")->bootstrap);
	assert_steps(&one, "demo-default-us-east-1\n+demo-default-ca-central-1\n"
			   "demo-default-ca-central-1\n");
}
END_TEST

/* The ring of tests/cloudformation/specs/two-way-ring.crr.yaml: tokyo only
 * receives (first), east and west are a pair, ohio feeds the pair (after
 * it, no bootstrap), maple and birch are a pair inside one stack. */
START_TEST(ring_steps)
{
	plan(&one, "crrc: 1\nname: cfnring\nbuckets:\n"
		   "  east: {region: us-east-1}\n"
		   "  west: {region: us-west-2}\n"
		   "  tokyo: {region: ap-northeast-1}\n"
		   "  ohio: {region: us-east-2}\n"
		   "  maple: {region: ca-central-1}\n"
		   "  birch: {region: ca-central-1}\n"
		   "replication:\n"
		   "  - source: east\n"
		   "    rules:\n"
		   "      - {id: a, destination: west, replica_modifications: true}\n"
		   "      - {id: b, destination: tokyo}\n"
		   "  - {source: west, rules: [{id: c, destination: east, replica_modifications: true}]}\n"
		   "  - {source: ohio, rules: [{id: d, destination: east}]}\n"
		   "  - {source: maple, rules: [{id: e, destination: birch, replica_modifications: true}]}\n"
		   "  - {source: birch, rules: [{id: f, destination: maple, replica_modifications: true}]}\n");
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	assert_steps(&one, "cfnring-default-ap-northeast-1\n"
			   "+cfnring-default-us-east-1\n+cfnring-default-us-west-2\n"
			   "+cfnring-default-ca-central-1\n"
			   "cfnring-default-us-east-1\ncfnring-default-us-west-2\n"
			   "cfnring-default-us-east-2\ncfnring-default-ca-central-1\n");
	ck_assert(!stack_of(&one, "ohio")->bootstrap);
	ck_assert(!stack_of(&one, "tokyo")->bootstrap);
	ck_assert(stack_of(&one, "ohio")->named_iam);
	ck_assert(!stack_of(&one, "tokyo")->named_iam);
}
END_TEST

/* A role given in the spec is not created: its stack is not named_iam. */
START_TEST(named_iam_only_for_generated_roles)
{
	plan(&one, HEAD "accounts:\n  media: \"111122223333\"\n"
			"buckets:\n"
			"  given: {region: us-east-1, account: media}\n"
			"  made: {region: us-east-2, account: media}\n"
			"  dst: {region: us-west-2, account: media}\n"
			"replication:\n"
			"  - source: given\n"
			"    role: arn:aws:iam::111122223333:role/replicator\n"
			"    rules: [{id: r, destination: dst}]\n"
			"  - {source: made, rules: [{id: r, destination: dst}]}\n");
	assert_plan_sound(&one);
	ck_assert(!stack_of(&one, "given")->named_iam);
	ck_assert(stack_of(&one, "made")->named_iam);
	ck_assert(!stack_of(&one, "dst")->named_iam);
}
END_TEST

/* A spec of n buckets b000... in us-east-1 (reversed: named last first),
 * with extra before them and after them when not NULL, and dest in
 * us-west-2 that b000 and b007 (when there is one) replicate into. */
static char *split_spec(size_t n, const char *before, const char *after, bool reversed)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, HEAD "buckets:\n");
	if (before)
		buf_printf(&b, "  %s: {region: us-east-1}\n", before);
	for (size_t k = 0; k < n; k++)
		buf_printf(&b, "  b%03zu: {region: us-east-1}\n", reversed ? n - 1 - k : k);
	if (after)
		buf_printf(&b, "  %s: {region: us-east-1}\n", after);
	buf_puts(&b, "  dest: {region: us-west-2}\n"
		     "replication:\n"
		     "  - {source: b000, rules: [{id: r, destination: dest}]}\n");
	if (n > 7)
		buf_puts(&b, "  - {source: b007, rules: [{id: r, destination: dest}]}\n");
	return buf_detach(&b, NULL);
}

static void plan_split(struct planned *x, size_t n, const char *before, const char *after,
		       bool reversed, weigh_fn *weigh)
{
	char *spec = split_spec(n, before, after, reversed);
	plan_weighted(x, spec, weigh);
	free(spec);
}

/* Two outputs a bucket: 120 buckets are 240, over CFN_MAX_OUTPUTS. */
static struct cfn_weight two_outputs(const struct ds_bucket *b)
{
	return (struct cfn_weight){2, 2, 1000};
}

/* Weights that vary from bucket to bucket, by its key. */
static struct cfn_weight mixed(const struct ds_bucket *b)
{
	size_t h = (size_t)(crrc_hash(b->key, strlen(b->key)) % 1000);
	return (struct cfn_weight){1 + h % 13, 1 + h % 3, 2000 + h * 97};
}

/* Big enough that a part holds one bucket only. */
static struct cfn_weight full_resources(const struct ds_bucket *b)
{
	return (struct cfn_weight){CFN_MAX_RESOURCES, 1, 1000};
}

static struct cfn_weight tenth_bytes(const struct ds_bucket *b)
{
	return (struct cfn_weight){3, 1, (CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD) / 10};
}

/* Every stack of x within the limits by the weights weigh gives; the
 * parts of the split place named "-<part>" and ordered by part, the
 * destination's stack whole. Returns the number of parts of us-east-1. */
static size_t assert_parts_fit(const struct planned *x, weigh_fn *weigh)
{
	size_t parts = 0, last = 0;
	for (size_t s = 0; s < x->p.nstacks; s++) {
		const struct cfn_stack *st = &x->p.stacks[s];
		struct cfn_weight sum = {0};
		for (size_t k = 0; k < st->nbuckets; k++) {
			struct cfn_weight w = weigh(st->buckets[k]);
			sum.resources += w.resources;
			sum.outputs += w.outputs;
			sum.bytes += w.bytes;
		}
		ck_assert_uint_le(sum.resources, CFN_MAX_RESOURCES);
		ck_assert_uint_le(sum.outputs, CFN_MAX_OUTPUTS);
		ck_assert_uint_le(sum.bytes, CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD);
		if (strcmp(st->region, "us-west-2") == 0) {
			ck_assert_uint_eq(st->part, 0);
			ck_assert_str_eq(st->name, "demo-default-us-west-2");
			continue;
		}
		char want[64];
		snprintf(want, sizeof(want), "demo-default-us-east-1-%zu", st->part);
		ck_assert_str_eq(st->name, want);
		ck_assert_uint_gt(st->part, last);
		last = st->part;
		parts++;
	}
	return parts;
}

START_TEST(split_by_outputs)
{
	plan_split(&one, 120, NULL, NULL, false, two_outputs);
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	/* 240 outputs, parts filled to two thirds of 150 on average: 3. */
	size_t parts = assert_parts_fit(&one, two_outputs);
	ck_assert_uint_eq(parts, 3);
	ck_assert_uint_eq(one.p.nstacks, parts + 1);
	ck_assert_uint_eq(one.p.stacks[parts - 1].part, 3);
	ck_assert(stack_of(&one, "b000")->named_iam);
	ck_assert(!stack_of(&one, "dest")->named_iam);
	for (size_t s = 0; s < one.p.nstacks; s++)
		ck_assert(!one.p.stacks[s].bootstrap);
}
END_TEST

START_TEST(split_mixed_weights)
{
	plan_split(&one, 150, NULL, NULL, false, mixed);
	assert_plan_sound(&one);
	assert_destinations_first(&one);
	ck_assert_uint_ge(assert_parts_fit(&one, mixed), 2);
}
END_TEST

START_TEST(split_by_bytes)
{
	plan_split(&one, 25, NULL, NULL, false, tenth_bytes);
	assert_plan_sound(&one);
	ck_assert_uint_ge(assert_parts_fit(&one, tenth_bytes), 3);
}
END_TEST

/* Buckets at the limit on their own: a stack each. */
START_TEST(split_one_bucket_a_part)
{
	plan_split(&one, 10, NULL, NULL, false, full_resources);
	assert_plan_sound(&one);
	ck_assert_uint_eq(assert_parts_fit(&one, full_resources), 10);
	ck_assert_uint_eq(stack_of(&one, "dest")->nbuckets, 1);
}
END_TEST

/* Two buckets of half a template and a byte each: over the limit by two
 * bytes with the overhead counted (though within CFN_MAX_BYTES): split. */
static struct cfn_weight half_and_a_byte(const struct ds_bucket *b)
{
	return (struct cfn_weight){1, 1, (CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD) / 2 + 1};
}

static struct cfn_weight exactly_half(const struct ds_bucket *b)
{
	return (struct cfn_weight){CFN_MAX_RESOURCES / 2, CFN_MAX_OUTPUTS / 2,
				   (CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD) / 2};
}

static struct cfn_weight half_and_a_resource(const struct ds_bucket *b)
{
	return (struct cfn_weight){CFN_MAX_RESOURCES / 2 + 1, 1, 1000};
}

static struct cfn_weight half_and_an_output(const struct ds_bucket *b)
{
	return (struct cfn_weight){1, CFN_MAX_OUTPUTS / 2 + 1, 1000};
}

/* At each limit exactly: one stack; one over any of them: two. */
START_TEST(split_at_the_limits)
{
	static weigh_fn *const over[] = {half_and_a_byte, half_and_a_resource,
					 half_and_an_output};
	plan_split(&one, 2, NULL, NULL, false, exactly_half);
	assert_plan_sound(&one);
	ck_assert_uint_eq(one.p.nstacks, 2);
	ck_assert_uint_eq(stack_of(&one, "b000")->part, 0);
	for (size_t i = 0; i < sizeof(over) / sizeof(*over); i++) {
		planned_free(&one);
		plan_split(&one, 2, NULL, NULL, false, over[i]);
		assert_plan_sound(&one);
		ck_assert_uint_eq(assert_parts_fit(&one, over[i]), 2);
		ck_assert_ptr_ne(stack_of(&one, "b000"), stack_of(&one, "b001"));
	}
}
END_TEST

/* A place within the limits, however many buckets: one stack, no part. */
START_TEST(no_split_within_limits)
{
	plan_split(&one, 120, NULL, NULL, false, light);
	assert_plan_sound(&one);
	ck_assert_uint_eq(one.p.nstacks, 2);
	ck_assert_uint_eq(stack_of(&one, "b000")->part, 0);
	ck_assert_str_eq(stack_of(&one, "b000")->name, "demo-default-us-east-1");
	ck_assert_uint_eq(stack_of(&one, "b000")->nbuckets, 120);
}
END_TEST

/* Every bucket of one that two has too is in the same part in both. */
static void assert_same_parts(const struct planned *a, const struct planned *b)
{
	size_t moved = 0;
	for (size_t i = 0; i < a->ds->nbuckets; i++) {
		const char *key = a->ds->buckets[i].key;
		const struct cfn_stack *was = a->p.of_bucket[i];
		const struct cfn_stack *now = stack_of(b, key);
		if (was->part != now->part || strcmp(was->name, now->name) != 0) {
			fprintf(stderr, "%s moved from %s to %s\n", key, was->name, now->name);
			moved++;
		}
	}
	ck_assert_uint_eq(moved, 0);
}

/* The stability promise: with the number of parts unchanged, adding a
 * bucket at the end or the start, or reversing the order, moves nothing. */
START_TEST(split_stable)
{
	plan_split(&one, 120, NULL, NULL, false, two_outputs);
	size_t parts = assert_parts_fit(&one, two_outputs);
	ck_assert_uint_ge(parts, 2);
	static const struct {
		const char *before, *after;
		bool reversed;
	} variants[] = {{NULL, "zz-new", false}, {"aa-new", NULL, false}, {NULL, NULL, true},
			{"aa-new", "zz-new", true}};
	for (size_t v = 0; v < sizeof(variants) / sizeof(*variants); v++) {
		plan_split(&two, 120, variants[v].before, variants[v].after, variants[v].reversed,
			   two_outputs);
		assert_plan_sound(&two);
		ck_assert_uint_eq(assert_parts_fit(&two, two_outputs), parts);
		assert_same_parts(&one, &two);
		planned_free(&two);
	}
}
END_TEST

/* Removing a bucket moves nothing either (the last one: b119). */
START_TEST(split_stable_on_remove)
{
	plan_split(&one, 120, NULL, NULL, false, two_outputs);
	plan_split(&two, 119, NULL, NULL, false, two_outputs);
	ck_assert_uint_eq(assert_parts_fit(&two, two_outputs), assert_parts_fit(&one, two_outputs));
	assert_same_parts(&two, &one);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cfn_plan");
	TCase *tc = tcase_create("stacks");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, stacks_per_place);
	tcase_add_test(tc, destination_before_source);
	tcase_add_test(tc, chain_deploys_from_its_end);
	tcase_add_test(tc, two_way_pair_bootstraps);
	tcase_add_test(tc, pair_inside_one_stack);
	tcase_add_test(tc, ring_steps);
	tcase_add_test(tc, named_iam_only_for_generated_roles);
	suite_add_tcase(s, tc);
	tc = tcase_create("split");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, split_by_outputs);
	tcase_add_test(tc, split_mixed_weights);
	tcase_add_test(tc, split_by_bytes);
	tcase_add_test(tc, split_one_bucket_a_part);
	tcase_add_test(tc, split_at_the_limits);
	tcase_add_test(tc, no_split_within_limits);
	tcase_add_test(tc, split_stable);
	tcase_add_test(tc, split_stable_on_remove);
	suite_add_tcase(s, tc);
	return check_main(s);
}
