/* test_load_yaml.c: the YAML layer of loading (crrc_load_buffer): merge
 * keys (<<), anchors and aliases, the alias-expansion bound and the depth
 * limit. The passes are not run. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_helpers.h"

/* --- merge keys ------------------------------------------------------------ */

START_TEST(test_merge_explicit_wins)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-base: &base {region: us-east-1, object_lock: true}\n"
			       "buckets:\n"
			       "  a: {<<: *base, region: eu-west-1}\n"
			       "  b:\n    region: us-west-2\n    <<: *base\n");
	no_diags(&l);
	ck_assert_uint_eq(l.m->nbuckets, 2);
	/* the explicit key wins, before or after the merge */
	str_at(l.m->buckets[0].region, "eu-west-1", 5, 26);
	str_at(l.m->buckets[1].region, "us-west-2", 7, 13);
	/* merged values point at where they were written */
	bool_at(l.m->buckets[0].object_lock, true, 3, 48);
	bool_at(l.m->buckets[1].object_lock, true, 3, 48);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_list_earlier_wins)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-one: &one {region: us-east-1}\n"
			       "x-two: &two {region: us-west-2, existing: true}\n"
			       "buckets:\n"
			       "  a: {<<: [*one, *two]}\n"
			       "  b: {<<: [*two, *one]}\n");
	no_diags(&l);
	ck_assert_str_eq(l.m->buckets[0].region.s, "us-east-1");
	ck_assert(l.m->buckets[0].existing.set && l.m->buckets[0].existing.v);
	ck_assert_str_eq(l.m->buckets[1].region.s, "us-west-2");
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_nested)
{
	/* a merged mapping may itself merge */
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-a: &a {region: us-east-1}\n"
			       "x-b: &b {<<: *a, existing: true}\n"
			       "buckets:\n  b: {<<: *b}\n");
	no_diags(&l);
	ck_assert_str_eq(l.m->buckets[0].region.s, "us-east-1");
	ck_assert(l.m->buckets[0].existing.v);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_unknown_key)
{
	/* a key that comes in through a merge is checked like any other */
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-a: &a {region: us-east-1, regoin: x}\n"
			       "buckets:\n  b: {<<: *a}\n");
	const struct crrc_diag *g = only(&l, CRRC_E020, 3, 29);
	ck_assert_ptr_nonnull(strstr(g->msg, "did you mean 'region'?"));
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_bad)
{
	struct loaded l = load(MINIMAL "    <<: us-east-1\n");
	const struct crrc_diag *g = only(&l, CRRC_E013, 6, 9);
	ck_assert_ptr_nonnull(strstr(g->msg, "<<"));
	loaded_free(&l);
	l = load("crrc: 1\nname: demo\nx-a: &a {region: us-east-1}\n"
		 "buckets:\n  b: {<<: [*a, oops]}\n");
	only(&l, CRRC_E013, 5, 16);
	/* the good part of the list still merged */
	ck_assert_str_eq(l.m->buckets[0].region.s, "us-east-1");
	loaded_free(&l);
	l = load(MINIMAL "    <<: [[a]]\n");
	only(&l, CRRC_E013, 6, 10);
	loaded_free(&l);
	/* a quoted "<<" is an ordinary (unknown) key */
	l = load(MINIMAL "    \"<<\": {region: x}\n");
	only(&l, CRRC_E020, 6, 5);
	loaded_free(&l);
}
END_TEST

/* A rule of a spec with buckets src, archive and eu: the rule named by id. */
#define RULE_SPEC(anchors, rules)                                                        \
	"crrc: 1\nname: demo\n" anchors "buckets:\n  src: {region: us-east-1}\n"         \
	"  archive: {region: us-west-2}\n  eu: {region: eu-west-1}\n"                   \
	"replication:\n  - source: src\n    rules: " rules "\n"

START_TEST(test_merge_nested_explicit_wins)
{
	/* a merged mapping's own keys win over those it merges, wherever the
	 * '<<' is in it, at any depth: the rule goes to eu, as YAML says */
	struct loaded l = load(RULE_SPEC(
		"x-archive: &archive {destination: archive, storage_class: GLACIER}\n" /* 3 */
		"x-eu: &eu {<<: *archive, destination: eu}\n"                          /* 4 */
		"x-eu2: &eu2 {destination: eu, <<: *archive}\n"                        /* 5 */
		"x-deep: &deep {<<: [*eu], storage_class: STANDARD_IA}\n",             /* 6 */
		"[{<<: *eu, id: a, filter: {prefix: customers/eu/}},"
		" {<<: *eu2, id: b}, {<<: *deep, id: c}, {<<: [*archive, *eu], id: d}]"));
	no_diags(&l);
	const struct crrc_rule *r = l.m->replications[0].rules;
	str_at(r[0].destination, "eu", 4, 39);
	str_at(r[0].storage_class, "GLACIER", 3, 59);
	str_at(r[1].destination, "eu", 5, 27);
	str_at(r[2].destination, "eu", 4, 39);
	str_at(r[2].storage_class, "STANDARD_IA", 6, 42);
	/* in a list the earlier mapping wins */
	str_at(r[3].destination, "archive", 3, 35);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_duplicate_in_merged)
{
	/* a key given twice in an anchored mapping is E021 wherever the mapping
	 * is merged, even from an x- key that crrc otherwise ignores; reported
	 * once for every use of the same kind, the first value kept */
	struct loaded l = load(RULE_SPEC(
		"x-eu: &eu {destination: eu, storage_class: GLACIER, destination: archive}\n",
		"[{<<: *eu, id: a}, {<<: [*eu], id: b}]"));
	const struct crrc_diag *g = only(&l, CRRC_E021, 3, 53);
	ck_assert_ptr_nonnull(strstr(g->msg, "'destination' given twice in a rule"));
	ck_assert_uint_eq(g->nnotes, 1);
	ck_assert_uint_eq(g->notes[0].pos.line, 3);
	ck_assert_uint_eq(g->notes[0].pos.col, 12);
	str_at(l.m->replications[0].rules[1].destination, "eu", 3, 25);
	loaded_free(&l);
	/* never merged: an extension holds what it likes */
	l = load("crrc: 1\nname: demo\nx-a: &a {k: 1, k: 2}\nbuckets: {b: {region: us-east-1}}\n");
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_key_twice)
{
	/* two merge keys in one mapping: YAML tools read them differently (the
	 * first or the last wins), so it is a repeated key; the first is read */
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-a: &a {region: us-east-1}\nx-b: &b {region: us-west-2}\n"
			       "buckets:\n  b: {<<: *a, existing: true, <<: *b}\n");
	const struct crrc_diag *g = only(&l, CRRC_E021, 6, 31);
	ck_assert_ptr_nonnull(strstr(g->msg, "<<: [*a, *b]"));
	ck_assert_uint_eq(g->notes[0].pos.col, 7);
	str_at(l.m->buckets[0].region, "us-east-1", 3, 18);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_alias_keys)
{
	/* a key is a key however written: an alias of a scalar written as a
	 * value elsewhere, a quoted key, a plain one. (An alias is reported
	 * where its anchor is.) */
	struct loaded l = load("crrc: 1\nname: demo\nx-k: &k region\n"
			       "x-m: &m {\"region\": eu-west-1}\n"
			       "buckets:\n  b: {<<: *m, *k : us-east-1, existing: true}\n"
			       "  c: {region: us-west-2, *k : us-east-2}\n");
	const struct crrc_diag *g = only(&l, CRRC_E021, 3, 6);
	ck_assert_uint_eq(g->notes[0].pos.line, 7);
	str_at(l.m->buckets[0].region, "us-east-1", 6, 20);
	str_at(l.m->buckets[1].region, "us-west-2", 7, 15);
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_large)
{
	/* past the size where keys are scanned (an index then): 40 tags merged
	 * over 40 explicit ones, half of them the same keys */
	char text[8192];
	size_t n = (size_t)sprintf(text, "crrc: 1\nname: demo\nx-t: &t {");
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(text + n, "%sk%02d: merged", i ? ", " : "", i + 20);
	n += (size_t)sprintf(text + n, "}\nbuckets:\n  b:\n    region: us-east-1\n    tags: {");
	for (int i = 0; i < 40; i++)
		n += (size_t)sprintf(text + n, "k%02d: own, %s", i, i == 20 ? "<<: *t, " : "");
	sprintf(text + n, "k%02d: own}\n", 40);
	struct loaded l = load(text);
	no_diags(&l);
	const struct crrc_tags *t = &l.m->buckets[0].own_tags;
	ck_assert_uint_eq(t->n, 60);
	for (size_t i = 0; i < t->n; i++)
		ck_assert_str_eq(t->v[i].value.s, i <= 40 ? "own" : "merged");
	loaded_free(&l);
}
END_TEST

START_TEST(test_merge_chain)
{
	/* 600 mappings, each merging the one before and overriding a key: the
	 * deepest value of every key is the one written last, in bounded time */
	size_t cap = 64 * 1024;
	char *text = malloc(cap);
	size_t n = (size_t)sprintf(text, "crrc: 1\nname: demo\nx-m0: &m0 {region: us-east-1, "
					 "existing: false}\n");
	for (int i = 1; i < 600; i++)
		n += (size_t)snprintf(text + n, cap - n, "x-m%d: &m%d {<<: *m%d, %s: %s}\n", i, i,
				      i - 1, i % 2 ? "existing" : "region",
				      i % 2 ? (i % 4 == 1 ? "true" : "false") : "us-west-2");
	snprintf(text + n, cap - n, "buckets: {b: {<<: *m599}}\n");
	struct loaded l = load(text);
	no_diags(&l);
	ck_assert_str_eq(l.m->buckets[0].region.s, "us-west-2");
	ck_assert_uint_eq(l.m->buckets[0].region.pos.line, 601);
	bool_at(l.m->buckets[0].existing, false, 602, 37);
	loaded_free(&l);
	free(text);
}
END_TEST

/* --- anchors and aliases --------------------------------------------------- */

START_TEST(test_anchors_aliases)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-region: &r us-east-1\n"
			       "x-tags: &t {team: media}\n"
			       "buckets:\n"
			       "  a: {region: *r, tags: *t}\n"
			       "  b: &bb {region: *r}\n"
			       "replication:\n"
			       "  - source: a\n"
			       "    rules: &rules\n"
			       "      - {id: one, destination: b}\n"
			       "  - source: b\n"
			       "    rules: *rules\n");
	no_diags(&l);
	ck_assert_uint_eq(l.m->nbuckets, 2);
	/* an alias stands for its anchor's node, position included; a node's
	 * position starts at its properties (the anchor), as libyaml marks it */
	for (size_t i = 0; i < 2; i++) {
		const struct crrc_str *r = &l.m->buckets[i].region;
		ck_assert_str_eq(r->s, "us-east-1");
		ck_assert_uint_eq(r->pos.line, 3);
		ck_assert_uint_eq(r->pos.col, 11);
	}
	ck_assert_str_eq(l.m->buckets[0].own_tags.v[0].value.s, "media");
	ck_assert_uint_eq(l.m->nreplications, 2);
	ck_assert_uint_eq(l.m->replications[1].nrules, 1);
	ck_assert_str_eq(l.m->replications[1].rules[0].id.s, "one");
	loaded_free(&l);
}
END_TEST

START_TEST(test_undefined_alias)
{
	struct loaded l = load("crrc: 1\nname: *nope\n");
	const struct crrc_diag *g = only(&l, CRRC_E012, 2, 7);
	ck_assert_ptr_nonnull(strstr(g->msg, "*nope"));
	loaded_free(&l);
	/* an alias inside its own anchor's collection is not defined yet */
	l = load("crrc: 1\nname: demo\nx-a: &a [1, *a]\nbuckets: {b: {region: us-east-1}}\n");
	only(&l, CRRC_E012, 3, 13);
	loaded_free(&l);
}
END_TEST

START_TEST(test_anchor_redefined)
{
	/* a later anchor of the same name replaces the earlier one */
	struct loaded l = load("crrc: 1\nname: demo\nx-a: &r us-east-1\nx-b: &r eu-west-1\n"
			       "buckets: {b: {region: *r}}\n");
	no_diags(&l);
	ck_assert_str_eq(l.m->buckets[0].region.s, "eu-west-1");
	loaded_free(&l);
}
END_TEST

START_TEST(test_alias_bomb)
{
	char text[2048];
	size_t n = (size_t)snprintf(text, sizeof(text),
				    "crrc: 1\nname: bomb\nx-a: &a [lol, lol, lol, lol, lol, lol, "
				    "lol, lol, lol, lol]\n");
	const char *names = "abcdefghij";
	for (int i = 1; i < 10; i++) {
		n += (size_t)snprintf(text + n, sizeof(text) - n, "x-%c: &%c [", names[i], names[i]);
		for (int k = 0; k < 10; k++)
			n += (size_t)snprintf(text + n, sizeof(text) - n, "%s*%c", k ? ", " : "",
					      names[i - 1]);
		n += (size_t)snprintf(text + n, sizeof(text) - n, "]\n");
	}
	snprintf(text + n, sizeof(text) - n, "buckets: {b: {region: us-east-1}}\n");
	struct loaded l = load(text);
	/* a is 11 nodes, b 111, ... e 111111: the aliases of b to e expand to
	 * 123440 nodes, and the 8th *e on f's line crosses 1,000,000 */
	const struct crrc_diag *g = only(&l, CRRC_E011, 8, 38);
	ck_assert_ptr_nonnull(strstr(g->msg, "1000000"));
	loaded_free(&l);
}
END_TEST

START_TEST(test_depth_limit)
{
	enum { depth = 10000 };
	static char text[2 * depth + 128];
	size_t n = (size_t)sprintf(text, "crrc: 1\nx-deep: ");
	memset(text + n, '[', depth);
	memset(text + n + depth, ']', depth);
	strcpy(text + n + 2 * depth, "\n");
	struct loaded l = load(text);
	/* the root mapping is level 1: the 64th [ opens the 65th level */
	only(&l, CRRC_E010, 2, 9 + CRRC_MAX_DEPTH - 1);
	loaded_free(&l);
	/* exactly at the limit is fine */
	n = (size_t)sprintf(text, MINIMAL "x-deep: ");
	memset(text + n, '[', CRRC_MAX_DEPTH - 1);
	memset(text + n + CRRC_MAX_DEPTH - 1, ']', CRRC_MAX_DEPTH - 1);
	strcpy(text + n + 2 * (CRRC_MAX_DEPTH - 1), "\n");
	l = load(text);
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

static Suite *load_yaml_suite(void)
{
	Suite *s = suite_create("load-yaml");
	TCase *t;
	t = tcase_create("merge");
	tcase_add_test(t, test_merge_explicit_wins);
	tcase_add_test(t, test_merge_list_earlier_wins);
	tcase_add_test(t, test_merge_nested);
	tcase_add_test(t, test_merge_unknown_key);
	tcase_add_test(t, test_merge_bad);
	tcase_add_test(t, test_merge_nested_explicit_wins);
	tcase_add_test(t, test_merge_duplicate_in_merged);
	tcase_add_test(t, test_merge_key_twice);
	tcase_add_test(t, test_merge_alias_keys);
	tcase_add_test(t, test_merge_large);
	tcase_add_test(t, test_merge_chain);
	suite_add_tcase(s, t);
	t = tcase_create("aliases");
	tcase_add_test(t, test_anchors_aliases);
	tcase_add_test(t, test_undefined_alias);
	tcase_add_test(t, test_anchor_redefined);
	tcase_add_test(t, test_alias_bomb);
	tcase_add_test(t, test_depth_limit);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(load_yaml_suite());
}
