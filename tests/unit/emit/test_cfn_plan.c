/* test_cfn_plan.c: unit tests of plan.c, the CloudFormation back end's plan
 * of stacks and deployment steps. Logical ids (CamelCase of the key, a hash
 * suffix for keys whose forms collide, for long keys and empty forms, a
 * function of the key and not of the spec's order; every name they make
 * unique, against keys built to collide, in the rendered templates too);
 * one stack per (account, region) place in the order places are first
 * named, named with a usable account alias, the id or "default", never two
 * alike; of_bucket and every stack's buckets
 * agree; named_iam exactly where a role is generated; steps put a
 * destination's stack before its source's, bootstrap the stacks of a
 * two-way pair across stacks or inside one; splitting a heavy place keeps
 * every part within the limits, every bucket in one stack, and moves no
 * bucket when another is added, inserted or the order changes. Every spec
 * is loaded from text, resolved and checked free of errors first (but for
 * made-up regions, which only plan_unchecked takes). */
#include <check.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "check/check.h"
#include "diag/diag.h"
#include "emit/cloudformation/cfn.h"
#include "emit/cloudformation/cloudformation.h"
#include "emit/emit.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/model.h"
#include "model/regions.h"
#include "model/resolve.h"
#include "check_main.h"

/* One planned spec: what it was made from and its plan. */
struct planned {
	char *text;
	struct crrc_diags *d;
	struct crrc_model *m;
	struct crrc_desired *ds;
	struct arena *a;
	const char **ids;
	struct cfn_plan p;
};

static struct planned one, two;

static void planned_free(struct planned *x)
{
	arena_destroy(x->a);
	desired_destroy(x->ds);
	crrc_model_destroy(x->m);
	diags_destroy(x->d);
	free(x->text);
	memset(x, 0, sizeof(*x));
}

static void teardown(void)
{
	planned_free(&one);
	planned_free(&two);
}

/* Load, resolve and check spec (no error allowed), make its desired state
 * and logical ids. */
static void desire(struct planned *x, const char *spec)
{
	x->text = strdup(spec);
	x->d = diags_create();
	x->m = crrc_load_buffer("plan.crr.yaml", x->text, strlen(x->text), x->d);
	ck_assert_ptr_nonnull(x->m);
	crrc_resolve(x->m, x->d);
	crrc_check(x->m, x->d);
	if (diags_errors(x->d))
		diags_render(x->d, CRRC_DIAG_TEXT, stderr);
	ck_assert_uint_eq(diags_errors(x->d), 0);
	x->ds = desired_create(x->m);
	ck_assert_ptr_nonnull(x->ds);
	x->a = arena_create();
	x->ids = cfn_logical_ids(x->ds, x->a);
}

/* The same for a spec with errors, such as regions AWS does not have. */
static void desire_unchecked(struct planned *x, const char *spec)
{
	x->text = strdup(spec);
	x->d = diags_create();
	x->m = crrc_load_buffer("plan.crr.yaml", x->text, strlen(x->text), x->d);
	ck_assert_ptr_nonnull(x->m);
	crrc_resolve(x->m, x->d);
	x->ds = desired_create(x->m);
	x->a = arena_create();
	x->ids = cfn_logical_ids(x->ds, x->a);
}

typedef struct cfn_weight weigh_fn(const struct ds_bucket *b);

static struct cfn_weight light(const struct ds_bucket *b)
{
	return (struct cfn_weight){1, 1, 1000};
}

/* Plan with the weights weigh gives each bucket. */
static void plan_weighted(struct planned *x, const char *spec, weigh_fn *weigh)
{
	desire(x, spec);
	struct cfn_weight *w = calloc(x->ds->nbuckets + 1, sizeof(*w));
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		w[i] = weigh(&x->ds->buckets[i]);
	cfn_plan_build(x->ds, x->a, x->ids, w, &x->p);
	free(w);
}

static void plan(struct planned *x, const char *spec)
{
	plan_weighted(x, spec, light);
}

static void plan_unchecked(struct planned *x, const char *spec)
{
	desire_unchecked(x, spec);
	struct cfn_weight *w = calloc(x->ds->nbuckets + 1, sizeof(*w));
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		w[i] = light(&x->ds->buckets[i]);
	cfn_plan_build(x->ds, x->a, x->ids, w, &x->p);
	free(w);
}

static size_t bucket_at(const struct planned *x, const char *key)
{
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		if (strcmp(x->ds->buckets[i].key, key) == 0)
			return i;
	ck_abort_msg("no bucket '%s'", key);
	return 0;
}

static const char *id_of(const struct planned *x, const char *key)
{
	return x->ids[bucket_at(x, key)];
}

static const struct cfn_stack *stack_of(const struct planned *x, const char *key)
{
	return x->p.of_bucket[bucket_at(x, key)];
}

/* The position of stack s's step (bootstrap or not) among the steps. */
static size_t step_at(const struct planned *x, const struct cfn_stack *s, bool bootstrap)
{
	for (size_t i = 0; i < x->p.nsteps; i++)
		if (x->p.steps[i].stack == s && x->p.steps[i].bootstrap == bootstrap)
			return i;
	ck_abort_msg("no %sstep for %s", bootstrap ? "bootstrap " : "", s->name);
	return 0;
}

/* The steps as "name" and "+name" (bootstrap), one a line. */
static char *steps_text(const struct planned *x)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < x->p.nsteps; i++)
		buf_printf(&b, "%s%s\n", x->p.steps[i].bootstrap ? "+" : "", x->p.steps[i].stack->name);
	return buf_detach(&b, NULL);
}

static void assert_steps(const struct planned *x, const char *want)
{
	char *got = steps_text(x);
	ck_assert_str_eq(got, want);
	free(got);
}

/* What every plan holds: every bucket in exactly one stack, the one
 * of_bucket names, of its place, in the spec's order; stacks indexed and
 * named consistently; one real step per stack and a bootstrap step exactly
 * for bootstrap stacks, before its real one. */
static void assert_plan_sound(const struct planned *x)
{
	const struct cfn_plan *p = &x->p;
	size_t seen = 0;
	for (size_t s = 0; s < p->nstacks; s++) {
		const struct cfn_stack *st = &p->stacks[s];
		ck_assert_uint_eq(st->index, s);
		ck_assert_uint_gt(st->nbuckets, 0);
		char want[512];
		snprintf(want, sizeof(want), "%s.template.json", st->name);
		ck_assert_str_eq(st->template, want);
		snprintf(want, sizeof(want), "%s.bootstrap.template.json", st->name);
		ck_assert_str_eq(st->bootstrap_template, want);
		for (size_t k = 0; k < st->nbuckets; k++) {
			const struct ds_bucket *b = st->buckets[k];
			ck_assert_ptr_eq(p->of_bucket[b->index], st);
			ck_assert_ptr_eq(b, &x->ds->buckets[b->index]);
			ck_assert_str_eq(b->place->region, st->region);
			ck_assert_ptr_eq(b->place->account ? b->place->account->id : NULL, st->account_id);
			if (k)
				ck_assert_uint_gt(b->index, st->buckets[k - 1]->index);
		}
		seen += st->nbuckets;
		for (size_t t = 0; t < s; t++)
			ck_assert_str_ne(p->stacks[t].name, st->name);
		size_t real = 0, boot = 0;
		for (size_t i = 0; i < p->nsteps; i++) {
			real += p->steps[i].stack == st && !p->steps[i].bootstrap;
			boot += p->steps[i].stack == st && p->steps[i].bootstrap;
		}
		ck_assert_uint_eq(real, 1);
		ck_assert_uint_eq(boot, st->bootstrap ? 1 : 0);
		if (st->bootstrap)
			ck_assert_uint_lt(step_at(x, st, true), step_at(x, st, false));
	}
	ck_assert_uint_eq(seen, x->ds->nbuckets);
}

/* A source's real step comes after its destinations' first step (their
 * bootstrap when they have one), for every rule across stacks. */
static void assert_destinations_first(const struct planned *x)
{
	for (size_t i = 0; i < x->ds->nreplications; i++) {
		const struct ds_replication *r = &x->ds->replications[i];
		const struct cfn_stack *src = x->p.of_bucket[r->source->index];
		for (size_t k = 0; k < r->nrules; k++) {
			const struct cfn_stack *dst = x->p.of_bucket[r->rules[k].dest->index];
			if (dst == src)
				continue;
			size_t first = step_at(x, dst, dst->bootstrap);
			ck_assert_msg(first < step_at(x, src, false), "%s deploys before %s",
				      src->name, dst->name);
		}
	}
}

#define HEAD "crrc: 1\nname: demo\n"

/* Every id of x differs from every other. */
static void assert_ids_distinct(const struct planned *x)
{
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(x->ids[i], x->ids[k]);
}

/* Every name the ids of x make in a template (<id>Bucket, <id>BucketArn...)
 * differs from every other. */
static void assert_names_distinct(const struct planned *x)
{
	static const char *const suffixes[] = {CFN_ID_BUCKET, CFN_ID_POLICY, CFN_ID_ROLE,
					       CFN_ID_BUCKET_ARN, CFN_ID_ROLE_ARN};
	struct arena *a = arena_create_sized(4096);
	struct strmap *seen = strmap_create(a, 5 * x->ds->nbuckets);
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		for (size_t k = 0; k < 5; k++) {
			char *name = arena_printf(a, "%s%s", x->ids[i], suffixes[k]);
			ck_assert_msg(strmap_put(seen, name, strlen(name), name, NULL),
				      "%s is made twice", name);
		}
	arena_destroy(a);
}

/* id is stem followed by 8 lowercase hex digits. */
static void assert_hashed(const char *id, const char *stem)
{
	size_t n = strlen(stem);
	ck_assert_uint_eq(strlen(id), n + 8);
	ck_assert_msg(strncmp(id, stem, n) == 0, "%s does not start with %s", id, stem);
	for (size_t i = n; i < n + 8; i++)
		ck_assert_msg((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'),
			      "%s: no hex suffix", id);
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
	tcase_add_test(tc, stacks_per_place);
	tcase_add_test(tc, stack_names_regions_apart);
	tcase_add_test(tc, stack_names_never_meet);
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
