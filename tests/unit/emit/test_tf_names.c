/* test_tf_names.c: unit tests of the Terraform target's names (names.c):
 * every name it makes is unique in its namespace, against specs built to
 * collide: account names and their variables (an alias that reads as
 * another account's account_<id>), providers (aliases that end like a
 * region, with made-up regions), bucket names with the names made from
 * them; and the rendered module declares no provider, variable, resource
 * or output twice. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "check/check.h"
#include "diag/diag.h"
#include "emit/emit.h"
#include "emit/terraform/terraform.h"
#include "emit/terraform/tf.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/resolve.h"
#include "check_main.h"

static char *text;
static struct crrc_diags *diags;
static struct crrc_model *model;
static struct crrc_desired *ds;
static struct tf t;

static void teardown(void)
{
	arena_destroy(t.tmp);
	arena_destroy(t.arena);
	memset(&t, 0, sizeof(t));
	desired_destroy(ds);
	crrc_model_destroy(model);
	diags_destroy(diags);
	free(text);
	ds = NULL, model = NULL, diags = NULL, text = NULL;
}

/* Load and resolve spec; checked free of errors unless checked is false
 * (made-up regions); plan its names. */
static void names_of(const char *spec, bool checked)
{
	text = strdup(spec);
	diags = diags_create();
	model = crrc_load_buffer("names.crr.yaml", text, strlen(text), diags);
	ck_assert_ptr_nonnull(model);
	crrc_resolve(model, diags);
	if (checked) {
		crrc_check(model, diags);
		if (diags_errors(diags))
			diags_render(diags, CRRC_DIAG_TEXT, stderr);
		ck_assert_uint_eq(diags_errors(diags), 0);
	}
	ds = desired_create(model);
	t = (struct tf){.ds = ds, .spec_path = "names.crr.yaml", .arena = arena_create(),
			.tmp = arena_create_sized(4096)};
	tf_names_plan(&t);
}

static size_t account_at(const char *id)
{
	for (size_t i = 0; i < ds->naccounts; i++)
		if (strcmp(ds->accounts[i].id, id) == 0)
			return i;
	ck_abort_msg("no account %s", id);
	return 0;
}

static const struct tf_provider *provider_of(const char *key)
{
	for (size_t i = 0; i < ds->nbuckets; i++)
		if (strcmp(ds->buckets[i].key, key) == 0)
			return tf_provider(&t, &ds->buckets[i]);
	ck_abort_msg("no bucket %s", key);
	return NULL;
}

/* No two strings of v[0..n) alike. */
static void assert_distinct(const char *what, const char *const *v, size_t n, size_t stride)
{
	struct arena *a = arena_create_sized(4096);
	struct strmap *seen = strmap_create(a, n);
	for (size_t i = 0; i < n; i++) {
		const char *s = *(const char *const *)((const char *)v + i * stride);
		ck_assert_msg(strmap_put(seen, s, strlen(s), (void *)s, NULL), "%s %s made twice",
			      what, s);
	}
	arena_destroy(a);
}

/* The module as rendered declares each provider alias, variable, resource
 * and output once: every line that opens one, counted. */
static void assert_module_unique(void)
{
	struct crrc_output out;
	output_init(&out);
	struct crrc_emit_options opt = {.spec_path = "names.crr.yaml"};
	ck_assert(crrc_target_terraform.emit(ds, &opt, &out.sink, diags));
	struct arena *a = arena_create_sized(4096);
	struct strmap *seen = strmap_create(a, 64);
	size_t n = 0;
	for (size_t i = 0; i < out.n; i++) {
		char *p = out.files[i].data;
		for (char *line = strtok(p, "\n"); line; line = strtok(NULL, "\n")) {
			if (strncmp(line, "resource ", 9) != 0 && strncmp(line, "output ", 7) != 0 &&
			    strncmp(line, "variable ", 9) != 0 && strncmp(line, "  alias ", 8) != 0)
				continue;
			char *copy = arena_strdup(a, line);
			ck_assert_msg(strmap_put(seen, copy, strlen(copy), copy, NULL),
				      "%s: declared twice: %s", out.files[i].path, copy);
			n++;
		}
	}
	ck_assert_uint_gt(n, 0);
	arena_destroy(a);
	output_free(&out);
}

#define HEAD "crrc: 1\nname: demo\n"

/* An alias that is another account's fallback name: it takes its own
 * account_<id>, the other keeps its. An alias that is its own account's
 * fallback name makes that very name. */
START_TEST(account_alias_like_another_id)
{
	names_of(HEAD "accounts:\n"
		      "  account-444455556666: \"111122223333\"\n"
		      "  account-777788889999: \"777788889999\"\n"
		      "  media: \"222233334444\"\n"
		      "buckets:\n"
		      "  a: {region: us-east-1, account: account-444455556666}\n"
		      "  b: {region: us-east-1, account: \"444455556666\"}\n"
		      "  c: {region: us-east-1, account: account-777788889999}\n"
		      "  d: {region: us-east-1, account: media}\n"
		      "  e: {region: us-east-1}\n"
		      "replication:\n"
		      "  - {source: a, rules: [{id: r, destination: b}]}\n",
		 true);
	ck_assert_str_eq(t.account_names[account_at("111122223333")], "account_111122223333");
	ck_assert_str_eq(t.account_names[account_at("444455556666")], "account_444455556666");
	ck_assert_str_eq(t.account_names[account_at("777788889999")], "account_777788889999");
	ck_assert_str_eq(t.account_names[account_at("222233334444")], "media");
	assert_distinct("account name", t.account_names, ds->naccounts, sizeof(char *));
	ck_assert_str_eq(provider_of("a")->alias, "account_111122223333_us_east_1");
	ck_assert_str_eq(provider_of("b")->alias, "account_444455556666_us_east_1");
	ck_assert_str_eq(provider_of("e")->alias, "us_east_1");
	assert_distinct("provider", &t.providers[0].alias, ds->nplaces, sizeof(*t.providers));
	assert_module_unique();
}
END_TEST

/* Aliases that end like a region and regions that end others (made up:
 * AWS has none): providers that would meet take a hash of their account
 * and region, the first keeps its name. */
START_TEST(providers_never_meet)
{
	names_of(HEAD "accounts:\n"
		      "  prod: \"111122223333\"\n"
		      "  prod-us: \"444455556666\"\n"
		      "buckets:\n"
		      "  a: {region: us-east-1, account: prod}\n"
		      "  b: {region: east-1, account: prod-us}\n"
		      "  c: {region: prod-us-east-1}\n",
		 false);
	ck_assert_str_eq(provider_of("a")->alias, "prod_us_east_1");
	char want[64];
	snprintf(want, sizeof(want), "prod_us_east_1_%08x",
		 (unsigned)uniq_hash("444455556666/east-1", 0));
	ck_assert_str_eq(provider_of("b")->alias, want);
	snprintf(want, sizeof(want), "prod_us_east_1_%08x", (unsigned)uniq_hash("/prod-us-east-1", 0));
	ck_assert_str_eq(provider_of("c")->alias, want);
	snprintf(want, sizeof(want), "aws.%s", provider_of("c")->alias);
	ck_assert_str_eq(provider_of("c")->ref, want);
	assert_distinct("provider", &t.providers[0].alias, ds->nplaces, sizeof(*t.providers));
}
END_TEST

/* Keys whose names end like the suffixes of others' names: each keeps its
 * name, and the module declares everything once. */
START_TEST(bucket_names_and_what_they_make)
{
	names_of(HEAD "buckets:\n"
		      "  a: {region: us-east-1}\n"
		      "  a-replication: {region: us-east-1}\n"
		      "  a-bucket-arn: {region: us-east-1}\n"
		      "  a-replication-role: {region: us-east-1}\n"
		      "  1a: {region: us-east-1}\n"
		      "  -1a: {region: us-east-1, name: demo-dash-1a}\n"
		      "replication:\n"
		      "  - {source: a, rules: [{id: r, destination: a-replication}]}\n"
		      "  - {source: a-replication, rules: [{id: r, destination: a}]}\n"
		      "  - {source: a-replication-role, rules: [{id: r, destination: a}]}\n",
		 true);
	static const char *const want[] = {"a", "a_replication", "a_bucket_arn",
					   "a_replication_role", "_1a", "__1a"};
	for (size_t i = 0; i < ds->nbuckets; i++)
		ck_assert_str_eq(t.names[i], want[i]);
	assert_module_unique();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tf_names");
	TCase *tc = tcase_create("names");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, account_alias_like_another_id);
	tcase_add_test(tc, providers_never_meet);
	tcase_add_test(tc, bucket_names_and_what_they_make);
	suite_add_tcase(s, tc);
	return check_main(s);
}
