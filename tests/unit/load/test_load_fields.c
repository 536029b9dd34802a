/* test_load_fields.c: the builder on strings (crrc_load_buffer): every
 * field of the language read with its value and position, types, keys
 * (unknown, duplicate, missing), the x- extension keys, the version and
 * the counts. The passes are not run: these are the diagnostics of
 * loading alone. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "load_helpers.h"

/* --- every field ------------------------------------------------------- */

static const char full_spec[] =
	"crrc: 1\n"                                                        /* 1 */
	"name: demo\n"                                                     /* 2 */
	"tags: {cost-center: media}\n"                                     /* 3 */
	"accounts:\n"                                                      /* 4 */
	"  media: \"011122223333\"\n"                                      /* 5 */
	"  dr: 444455556666\n"                                             /* 6 */
	"buckets:\n"                                                       /* 7 */
	"  primary:\n"                                                     /* 8 */
	"    name: demo-media\n"                                           /* 9 */
	"    region: us-east-1\n"                                          /* 10 */
	"    account: media\n"                                             /* 11 */
	"    encryption: sse-kms\n"                                        /* 12 */
	"    kms_key: arn:aws:kms:us-east-1:011122223333:key/k1\n"         /* 13 */
	"    object_lock: true\n"                                          /* 14 */
	"    existing: false\n"                                            /* 15 */
	"    tags: {tier: hot, empty: }\n"                                 /* 16 */
	"  dr:\n"                                                          /* 17 */
	"    region: us-west-2\n"                                          /* 18 */
	"replication:\n"                                                   /* 19 */
	"  - source: primary\n"                                            /* 20 */
	"    role: arn:aws:iam::011122223333:role/r\n"                     /* 21 */
	"    rules:\n"                                                     /* 22 */
	"      - id: dr-all\n"                                             /* 23 */
	"        destination: dr\n"                                        /* 24 */
	"        priority: 10\n"                                           /* 25 */
	"        enabled: false\n"                                         /* 26 */
	"        filter:\n"                                                /* 27 */
	"          prefix: videos/\n"                                      /* 28 */
	"          tags: {class: master}\n"                                /* 29 */
	"        delete_markers: true\n"                                   /* 30 */
	"        storage_class: STANDARD_IA\n"                             /* 31 */
	"        rtc: true\n"                                              /* 32 */
	"        metrics: true\n"                                          /* 33 */
	"        sse_kms_objects: true\n"                                  /* 34 */
	"        replica_kms_key: arn:aws:kms:us-west-2:444455556666:key/k2\n" /* 35 */
	"        owner: destination\n"                                     /* 36 */
	"        replica_modifications: true\n"                            /* 37 */
	"        existing_objects: true\n"                                 /* 38 */
	"policies:\n"                                                      /* 39 */
	"  residency:\n"                                                   /* 40 */
	"    - prefix: customers/eu/\n"                                    /* 41 */
	"      regions: [eu-west-1, eu-central-1]\n"                       /* 42 */
	"  rpo_minutes: 15\n";                                             /* 43 */

START_TEST(test_full_spec_root)
{
	struct loaded l = load(full_spec);
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_str_eq(m->file, "spec.crr.yaml");
	int_at(m->version, 1, 1, 7);
	str_at(m->name, "demo", 2, 7);
	ck_assert(m->tags.set);
	ck_assert_uint_eq(m->tags.n, 1);
	str_at(m->tags.v[0].key, "cost-center", 3, 8);
	str_at(m->tags.v[0].value, "media", 3, 21);
	ck_assert_uint_eq(m->naccounts, 2);
	str_at(m->accounts[0].alias, "media", 5, 3);
	/* quoted, so the leading zero is kept; positions point at the quote */
	ck_assert_str_eq(m->accounts[0].id.s, "011122223333");
	ck_assert_uint_eq(m->accounts[0].id.pos.line, 5);
	ck_assert_uint_eq(m->accounts[0].id.pos.col, 10);
	/* unquoted, an account id is a string as written */
	str_at(m->accounts[1].id, "444455556666", 6, 7);
	int_at(m->rpo_minutes, 15, 43, 16);
	ck_assert_uint_eq(m->nresidency, 1);
	str_at(m->residency[0].prefix, "customers/eu/", 41, 15);
	ck_assert_uint_eq(m->residency[0].pos.line, 41);
	ck_assert_uint_eq(m->residency[0].pos.col, 7);
	ck_assert_uint_eq(m->residency[0].nregions, 2);
	str_at(m->residency[0].regions[0], "eu-west-1", 42, 17);
	str_at(m->residency[0].regions[1], "eu-central-1", 42, 28);
	ck_assert_uint_eq(m->residency[0].regions_pos.line, 42);
	ck_assert_uint_eq(m->residency[0].regions_pos.col, 16);
	loaded_free(&l);
}
END_TEST

START_TEST(test_full_spec_buckets)
{
	struct loaded l = load(full_spec);
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 2);
	ck_assert_uint_eq(m->buckets_pos.line, 8);
	const struct crrc_bucket *b = &m->buckets[0];
	str_at(b->key, "primary", 8, 3);
	ck_assert_uint_eq(b->pos.line, 9);
	ck_assert_uint_eq(b->pos.col, 5);
	ck_assert_uint_eq(b->index, 0);
	str_at(b->name, "demo-media", 9, 11);
	str_at(b->region, "us-east-1", 10, 13);
	str_at(b->account, "media", 11, 14);
	str_at(b->encryption, "sse-kms", 12, 17);
	str_at(b->kms_key, "arn:aws:kms:us-east-1:011122223333:key/k1", 13, 14);
	bool_at(b->object_lock, true, 14, 18);
	bool_at(b->existing, false, 15, 15);
	ck_assert(b->own_tags.set);
	ck_assert_uint_eq(b->own_tags.n, 2);
	str_at(b->own_tags.v[0].key, "tier", 16, 12);
	str_at(b->own_tags.v[0].value, "hot", 16, 18);
	/* a tag with no value has the empty value */
	ck_assert_str_eq(b->own_tags.v[1].key.s, "empty");
	ck_assert(b->own_tags.v[1].value.set);
	ck_assert_uint_eq(b->own_tags.v[1].value.len, 0);
	const struct crrc_bucket *dr = &m->buckets[1];
	str_at(dr->key, "dr", 17, 3);
	ck_assert_uint_eq(dr->index, 1);
	str_at(dr->region, "us-west-2", 18, 13);
	/* absent keys stay unset: defaults are the resolver's */
	ck_assert(!dr->name.set);
	ck_assert(!dr->account.set);
	ck_assert(!dr->encryption.set);
	ck_assert(!dr->kms_key.set);
	ck_assert(!dr->object_lock.set);
	ck_assert(!dr->existing.set);
	ck_assert(!dr->own_tags.set);
	loaded_free(&l);
}
END_TEST

START_TEST(test_full_spec_replication)
{
	struct loaded l = load(full_spec);
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nreplications, 1);
	const struct crrc_replication *r = &m->replications[0];
	ck_assert_uint_eq(r->pos.line, 20);
	ck_assert_uint_eq(r->pos.col, 5);
	str_at(r->source, "primary", 20, 13);
	str_at(r->role, "arn:aws:iam::011122223333:role/r", 21, 11);
	ck_assert(r->rules_set);
	ck_assert_uint_eq(r->rules_pos.line, 23);
	ck_assert_uint_eq(r->rules_pos.col, 7);
	ck_assert_uint_eq(r->nrules, 1);
	const struct crrc_rule *u = &r->rules[0];
	ck_assert_uint_eq(u->pos.line, 23);
	ck_assert_uint_eq(u->pos.col, 9);
	str_at(u->id, "dr-all", 23, 13);
	str_at(u->destination, "dr", 24, 22);
	int_at(u->priority, 10, 25, 19);
	bool_at(u->enabled, false, 26, 18);
	ck_assert(u->filter.set);
	ck_assert_uint_eq(u->filter.pos.line, 28);
	ck_assert_uint_eq(u->filter.pos.col, 11);
	str_at(u->filter.prefix, "videos/", 28, 19);
	ck_assert_uint_eq(u->filter.tags.n, 1);
	str_at(u->filter.tags.v[0].key, "class", 29, 18);
	str_at(u->filter.tags.v[0].value, "master", 29, 25);
	bool_at(u->delete_markers, true, 30, 25);
	str_at(u->storage_class, "STANDARD_IA", 31, 24);
	bool_at(u->rtc, true, 32, 14);
	bool_at(u->metrics, true, 33, 18);
	bool_at(u->sse_kms_objects, true, 34, 26);
	str_at(u->replica_kms_key, "arn:aws:kms:us-west-2:444455556666:key/k2", 35, 26);
	str_at(u->owner, "destination", 36, 16);
	bool_at(u->replica_modifications, true, 37, 32);
	bool_at(u->existing_objects, true, 38, 27);
	loaded_free(&l);
}
END_TEST

/* Multi-Region Access Points: each field with its position; wrong types,
 * unknown keys, a missing buckets list. */
START_TEST(test_access_points)
{
	struct loaded l = load(MINIMAL "access_points:\n"                   /* 6 */
				       "  media:\n"                          /* 7 */
				       "    name: demo-point\n"              /* 8 */
				       "    buckets: [b, c]\n"               /* 9 */
				       "    passive:\n      - c\n"           /* 10-11 */
				       "  other: {buckets: [b]}\n");         /* 12 */
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->naccess_points, 2);
	const struct crrc_access_point *p = &m->access_points[0];
	str_at(p->key, "media", 7, 3);
	ck_assert_uint_eq(p->pos.line, 8);
	ck_assert_uint_eq(p->pos.col, 5);
	str_at(p->name, "demo-point", 8, 11);
	ck_assert_uint_eq(p->nbuckets, 2);
	str_at(p->buckets[0], "b", 9, 15);
	str_at(p->buckets[1], "c", 9, 18);
	ck_assert_uint_eq(p->buckets_pos.line, 9);
	ck_assert_uint_eq(p->buckets_pos.col, 14);
	ck_assert_uint_eq(p->npassive, 1);
	str_at(p->passive[0], "c", 11, 9);
	ck_assert_uint_eq(p->passive_pos.line, 11);
	p = &m->access_points[1];
	str_at(p->key, "other", 12, 3);
	ck_assert(!p->name.set);
	ck_assert_uint_eq(p->npassive, 0);
	loaded_free(&l);

	l = load(MINIMAL "access_points: [a]\n");
	only(&l, CRRC_E022, 6, 16);
	loaded_free(&l);
	l = load(MINIMAL "access_points:\n  a: {bucket: [b]}\n");
	ck_assert_ptr_nonnull(strstr(has(&l, CRRC_E020, 7, 7)->msg, "did you mean 'buckets'?"));
	has(&l, CRRC_E023, 7, 6);
	loaded_free(&l);
	l = load(MINIMAL "access_points:\n  a: {buckets: b, passive: [[c]], name: [n]}\n");
	has(&l, CRRC_E022, 7, 16);
	has(&l, CRRC_E022, 7, 29);
	has(&l, CRRC_E022, 7, 41);
	ck_assert_uint_eq(diags_count(l.d), 3);
	loaded_free(&l);
}
END_TEST

START_TEST(test_absent_optional)
{
	struct loaded l = load(MINIMAL "replication:\n  - source: b\n    rules:\n"
					 "      - {id: r, destination: b}\n");
	no_diags(&l);
	ck_assert(!l.m->tags.set);
	ck_assert_uint_eq(l.m->naccounts, 0);
	ck_assert(!l.m->rpo_minutes.set);
	ck_assert_uint_eq(l.m->nresidency, 0);
	const struct crrc_rule *u = &l.m->replications[0].rules[0];
	ck_assert(!l.m->replications[0].role.set);
	ck_assert(!u->priority.set);
	ck_assert(!u->enabled.set);
	ck_assert(!u->filter.set);
	ck_assert(!u->rtc.set);
	ck_assert(!u->metrics.set);
	ck_assert(!u->owner.set);
	ck_assert(!u->replica_kms_key.set);
	/* flow style positions */
	str_at(u->id, "r", 9, 14);
	str_at(u->destination, "b", 9, 30);
	loaded_free(&l);
}
END_TEST

/* --- types --------------------------------------------------------------- */

START_TEST(test_quoted_true_is_not_a_bool)
{
	struct loaded l = load(MINIMAL "    object_lock: \"true\"\n");
	const struct crrc_diag *g = only(&l, CRRC_E022, 6, 18);
	ck_assert_ptr_nonnull(strstr(g->msg, "object_lock"));
	ck_assert_ptr_nonnull(strstr(g->msg, "true or false"));
	ck_assert(!l.m->buckets[0].object_lock.set);
	loaded_free(&l);
}
END_TEST

START_TEST(test_yes_is_not_a_bool)
{
	static const char *const words[] = {"yes", "no", "on", "off", "y", "1"};
	for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), MINIMAL "    existing: %s\n", words[i]);
		struct loaded l = load(text);
		const struct crrc_diag *g = only(&l, CRRC_E022, 6, 15);
		ck_assert_ptr_nonnull(strstr(g->msg, words[i]));
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_bool_spellings)
{
	struct loaded l = load(MINIMAL "    object_lock: True\n    existing: FALSE\n");
	no_diags(&l);
	bool_at(l.m->buckets[0].object_lock, true, 6, 18);
	bool_at(l.m->buckets[0].existing, false, 7, 15);
	loaded_free(&l);
}
END_TEST

START_TEST(test_scalars_are_strings)
{
	/* 2024 and true are the strings "2024" and "true" where a string is wanted */
	struct loaded l = load("crrc: 1\nname: 2024\nbuckets:\n  b:\n    region: true\n");
	no_diags(&l);
	str_at(l.m->name, "2024", 2, 7);
	str_at(l.m->buckets[0].region, "true", 5, 13);
	loaded_free(&l);
}
END_TEST

START_TEST(test_integers)
{
	struct loaded l = load(MINIMAL "policies: {rpo_minutes: -5}\n");
	no_diags(&l);
	int_at(l.m->rpo_minutes, -5, 6, 25);
	loaded_free(&l);
	l = load(MINIMAL "policies: {rpo_minutes: +20}\n");
	no_diags(&l);
	ck_assert_int_eq(l.m->rpo_minutes.v, 20);
	loaded_free(&l);
	static const char *const bad[] = {"\"15\"", "15.0", "1e3", "0x10", "fifteen",
					  "99999999999999999999", "-", "[15]"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char text[256];
		snprintf(text, sizeof(text), MINIMAL "policies: {rpo_minutes: %s}\n", bad[i]);
		l = load(text);
		const struct crrc_diag *g = only(&l, CRRC_E022, 6, 25);
		ck_assert_ptr_nonnull(strstr(g->msg, "an integer"));
		ck_assert(!l.m->rpo_minutes.set);
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_version_types)
{
	struct loaded l = load("crrc: \"1\"\nname: demo\nbuckets: {b: {region: us-east-1}}\n");
	only(&l, CRRC_E022, 1, 7);
	loaded_free(&l);
}
END_TEST

START_TEST(test_null_values)
{
	/* null of an optional mapping or list: as if absent */
	struct loaded l = load(MINIMAL "tags:\naccounts: ~\nreplication: null\npolicies:\n");
	no_diags(&l);
	ck_assert(!l.m->tags.set);
	ck_assert_uint_eq(l.m->nreplications, 0);
	loaded_free(&l);
	l = load(MINIMAL "    tags: ~\n");
	no_diags(&l);
	ck_assert(!l.m->buckets[0].own_tags.set);
	loaded_free(&l);
	/* null where a string is required is a type error, naming null */
	l = load("crrc: 1\nname:\nbuckets: {b: {region: us-east-1}}\n");
	const struct crrc_diag *g = only(&l, CRRC_E022, 2, 6);
	ck_assert_ptr_nonnull(strstr(g->msg, "null"));
	loaded_free(&l);
	l = load(MINIMAL "    account: ~\n");
	only(&l, CRRC_E022, 6, 14);
	loaded_free(&l);
	/* a quoted "~" is a string */
	l = load(MINIMAL "    account: \"~\"\n");
	no_diags(&l);
	ck_assert_str_eq(l.m->buckets[0].account.s, "~");
	loaded_free(&l);
	/* null where a required list is */
	l = load(MINIMAL "replication:\n  - source: b\n    rules:\n");
	only(&l, CRRC_E022, 8, 11);
	loaded_free(&l);
}
END_TEST

START_TEST(test_mapping_where_scalar)
{
	struct loaded l = load("crrc: 1\nname: {a: b}\nbuckets: {b: {region: us-east-1}}\n");
	const struct crrc_diag *g = only(&l, CRRC_E022, 2, 7);
	ck_assert_ptr_nonnull(strstr(g->msg, "a mapping"));
	loaded_free(&l);
	l = load("crrc: 1\nname: [a]\nbuckets: {b: {region: us-east-1}}\n");
	g = only(&l, CRRC_E022, 2, 7);
	ck_assert_ptr_nonnull(strstr(g->msg, "a list"));
	loaded_free(&l);
}
END_TEST

START_TEST(test_scalar_where_mapping)
{
	struct loaded l = load("crrc: 1\nname: demo\nbuckets: primary\n");
	const struct crrc_diag *g = only(&l, CRRC_E022, 3, 10);
	ck_assert_ptr_nonnull(strstr(g->msg, "'primary'"));
	loaded_free(&l);
	l = load("crrc: 1\nname: demo\nbuckets:\n  b: us-east-1\n");
	only(&l, CRRC_E022, 4, 6);
	loaded_free(&l);
	l = load(MINIMAL "replication: primary\n");
	only(&l, CRRC_E022, 6, 14);
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - source: b\n    rules:\n      - just-an-id\n");
	only(&l, CRRC_E022, 9, 9);
	loaded_free(&l);
	l = load(MINIMAL "    tags: [a, b]\n");
	only(&l, CRRC_E022, 6, 11);
	loaded_free(&l);
	/* a tag value that is a mapping */
	l = load(MINIMAL "    tags: {a: {b: c}}\n");
	only(&l, CRRC_E022, 6, 15);
	loaded_free(&l);
	/* the whole spec a scalar, or a list */
	l = load("just text\n");
	only(&l, CRRC_E022, 1, 1);
	ck_assert_ptr_nonnull(l.m);
	loaded_free(&l);
	l = load("- crrc: 1\n");
	only(&l, CRRC_E022, 1, 1);
	loaded_free(&l);
}
END_TEST

START_TEST(test_nonscalar_key)
{
	struct loaded l = load(MINIMAL "? [a, b]\n: 1\n");
	only(&l, CRRC_E022, 6, 3);
	loaded_free(&l);
}
END_TEST

/* --- keys ---------------------------------------------------------------- */

START_TEST(test_unknown_key_suggests)
{
	struct loaded l = load("crrc: 1\nname: demo\nbuckets:\n  b:\n    regoin: us-east-1\n");
	ck_assert_uint_eq(diags_count(l.d), 2);
	const struct crrc_diag *g = has(&l, CRRC_E020, 5, 5);
	ck_assert_ptr_nonnull(strstr(g->msg, "'regoin'"));
	ck_assert_ptr_nonnull(strstr(g->msg, "did you mean 'region'?"));
	ck_assert_uint_eq(g->pos.len, 6);
	/* and region is then missing, reported at the bucket's mapping */
	g = has(&l, CRRC_E023, 5, 5);
	ck_assert_ptr_nonnull(strstr(g->msg, "'region'"));
	loaded_free(&l);
}
END_TEST

START_TEST(test_unknown_key_everywhere)
{
	struct {
		const char *text;
		uint32_t line, col;
		const char *suggest;
	} cases[] = {
		{MINIMAL "replicaton: []\n", 6, 1, "replication"},
		{MINIMAL "    storage_class: GLACIER\n", 6, 5, NULL},
		{MINIMAL "policies: {rpo_minute: 15}\n", 6, 12, "rpo_minutes"},
		{MINIMAL "policies: {residency: [{prefix: a/, regions: [x], region: y}]}\n", 6, 51,
		 "regions"},
		{MINIMAL "replication:\n  - source: b\n    rulez: []\n", 8, 5, "rules"},
		{MINIMAL "replication:\n  - source: b\n    rules:\n      - {id: r, destination: b, "
			 "priorty: 1}\n",
		 9, 33, "priority"},
		{MINIMAL "replication:\n  - source: b\n    rules:\n      - {id: r, destination: b, "
			 "filter: {prefx: a}}\n",
		 9, 42, "prefix"},
		{MINIMAL "zebra: 1\n", 6, 1, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct loaded l = load(cases[i].text);
		const struct crrc_diag *g = has(&l, CRRC_E020, cases[i].line, cases[i].col);
		if (cases[i].suggest) {
			char want[64];
			snprintf(want, sizeof(want), "did you mean '%s'?", cases[i].suggest);
			ck_assert_msg(strstr(g->msg, want), "case %zu: %s", i, g->msg);
		} else {
			ck_assert_msg(!strstr(g->msg, "did you mean"), "case %zu: %s", i, g->msg);
		}
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_duplicate_key)
{
	struct loaded l = load(MINIMAL "    region: us-west-2\n");
	const struct crrc_diag *g = only(&l, CRRC_E021, 6, 5);
	ck_assert_ptr_nonnull(strstr(g->msg, "'region'"));
	ck_assert_uint_eq(g->nnotes, 1);
	ck_assert_uint_eq(g->notes[0].pos.line, 5);
	ck_assert_uint_eq(g->notes[0].pos.col, 5);
	/* the first one counts */
	ck_assert_str_eq(l.m->buckets[0].region.s, "us-east-1");
	loaded_free(&l);
}
END_TEST

START_TEST(test_duplicate_key_everywhere)
{
	/* top level, bucket keys, tag maps, flow mappings */
	struct loaded l = load(MINIMAL "name: again\n");
	const struct crrc_diag *g = only(&l, CRRC_E021, 6, 1);
	ck_assert_uint_eq(g->notes[0].pos.line, 2);
	ck_assert_uint_eq(g->notes[0].pos.col, 1);
	loaded_free(&l);
	l = load("crrc: 1\nname: demo\nbuckets:\n  b: {region: us-east-1}\n  b: {region: us-west-2}\n");
	g = only(&l, CRRC_E021, 5, 3);
	ck_assert_uint_eq(g->notes[0].pos.line, 4);
	ck_assert_uint_eq(l.m->nbuckets, 1);
	loaded_free(&l);
	l = load(MINIMAL "    tags: {a: 1, b: 2, a: 3}\n");
	g = only(&l, CRRC_E021, 6, 24);
	ck_assert_uint_eq(g->notes[0].pos.col, 12);
	loaded_free(&l);
	/* a quoted key is the same key */
	l = load(MINIMAL "\"name\": again\n");
	only(&l, CRRC_E021, 6, 1);
	loaded_free(&l);
	/* a large mapping (hash map path): many tags, one repeated */
	char text[4096];
	size_t n = (size_t)snprintf(text, sizeof(text), "%s    tags:\n", MINIMAL);
	for (int i = 0; i < 40; i++)
		n += (size_t)snprintf(text + n, sizeof(text) - n, "      k%d: v\n", i);
	snprintf(text + n, sizeof(text) - n, "      k7: again\n");
	l = load(text);
	g = only(&l, CRRC_E021, 47, 7);
	ck_assert_uint_eq(g->notes[0].pos.line, 14);
	loaded_free(&l);
}
END_TEST

START_TEST(test_missing_keys)
{
	struct loaded l = load("crrc: 1\n");
	ck_assert_uint_eq(diags_count(l.d), 2);
	const struct crrc_diag *g = has(&l, CRRC_E023, 1, 1);
	ck_assert_ptr_nonnull(strstr(g->msg, "'name'"));
	g = diags_at(l.d, 1);
	ck_assert_ptr_nonnull(strstr(g->msg, "'buckets'"));
	loaded_free(&l);
	l = load("name: demo\nbuckets: {b: {region: us-east-1}}\n");
	g = only(&l, CRRC_E023, 1, 1);
	ck_assert_ptr_nonnull(strstr(g->msg, "'crrc'"));
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - role: x\n");
	ck_assert_uint_eq(diags_count(l.d), 2); /* source and rules */
	has(&l, CRRC_E023, 7, 5);
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - source: b\n    rules:\n      - enabled: true\n");
	ck_assert_uint_eq(diags_count(l.d), 2); /* id and destination */
	g = has(&l, CRRC_E023, 9, 9);
	ck_assert_ptr_nonnull(strstr(g->msg, "'id'"));
	loaded_free(&l);
	l = load(MINIMAL "policies:\n  residency:\n    - regions: [eu-west-1]\n");
	g = only(&l, CRRC_E023, 8, 7);
	ck_assert_ptr_nonnull(strstr(g->msg, "'prefix'"));
	loaded_free(&l);
}
END_TEST


START_TEST(test_all_diagnostics_reported)
{
	/* every mistake of a file in one run, not just the first */
	struct loaded l = load("crrc: 2\nname: demo\nbuckets:\n"
			       "  a: {regoin: x}\n  b: {region: y, object_lock: yes}\n"
			       "polices: {}\n");
	ck_assert_uint_eq(diags_count(l.d), 5);
	has(&l, CRRC_E024, 1, 7);
	has(&l, CRRC_E020, 4, 7);
	has(&l, CRRC_E023, 4, 6);
	has(&l, CRRC_E022, 5, 31);
	has(&l, CRRC_E020, 6, 1);
	loaded_free(&l);
}
END_TEST

/* --- extension keys -------------------------------------------------------- */

START_TEST(test_extension_keys_top_level)
{
	struct loaded l = load(MINIMAL "x-anything: {whatever: [1, 2, {deep: true}]}\nx-: 1\n");
	no_diags(&l);
	loaded_free(&l);
}
END_TEST

START_TEST(test_extension_keys_elsewhere)
{
	struct loaded l = load(MINIMAL "    x-note: hello\n");
	only(&l, CRRC_E020, 6, 5);
	loaded_free(&l);
	l = load(MINIMAL "policies: {x-a: 1}\n");
	only(&l, CRRC_E020, 6, 12);
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - {source: b, rules: [{id: r, destination: b, "
			 "x-y: 1}]}\n");
	only(&l, CRRC_E020, 7, 49);
	loaded_free(&l);
	/* "x_" or "X-" is not the extension prefix */
	l = load(MINIMAL "X-a: 1\n");
	only(&l, CRRC_E020, 6, 1);
	loaded_free(&l);
}
END_TEST

/* --- version, versioning, counts ------------------------------------------- */

START_TEST(test_version)
{
	struct loaded l = load("crrc: 2\nname: demo\nbuckets: {b: {region: us-east-1}}\n");
	const struct crrc_diag *g = only(&l, CRRC_E024, 1, 7);
	ck_assert_ptr_nonnull(strstr(g->msg, "crrc: 1"));
	loaded_free(&l);
	l = load("crrc: 0\nname: demo\nbuckets: {b: {region: us-east-1}}\n");
	only(&l, CRRC_E024, 1, 7);
	loaded_free(&l);
}
END_TEST

START_TEST(test_versioning)
{
	struct loaded l = load(MINIMAL "    versioning: true\n");
	const struct crrc_diag *g = only(&l, CRRC_E025, 6, 5);
	ck_assert_ptr_nonnull(strstr(g->msg, "always"));
	loaded_free(&l);
	l = load(MINIMAL "versioning: {enabled: true}\n");
	only(&l, CRRC_E025, 6, 1);
	loaded_free(&l);
}
END_TEST

START_TEST(test_counts)
{
	struct loaded l = load("crrc: 1\nname: demo\nbuckets: {}\n");
	only(&l, CRRC_E026, 3, 10);
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - source: b\n    rules: []\n");
	only(&l, CRRC_E026, 8, 12);
	loaded_free(&l);
	l = load(MINIMAL "policies: {residency: [{prefix: a/, regions: []}]}\n");
	only(&l, CRRC_E026, 6, 46);
	loaded_free(&l);
	/* 1000 rules are fine, 1001 are not */
	for (int nr = CRRC_MAX_RULES; nr <= CRRC_MAX_RULES + 1; nr++) {
		size_t cap = 64u * (size_t)nr + 256;
		char *text = malloc(cap);
		size_t n = (size_t)snprintf(text, cap, MINIMAL "replication:\n  - source: b\n"
							       "    rules:\n");
		for (int i = 0; i < nr; i++)
			n += (size_t)snprintf(text + n, cap - n,
					      "      - {id: r%d, destination: b}\n", i);
		l = load(text);
		if (nr == CRRC_MAX_RULES) {
			no_diags(&l);
			ck_assert_uint_eq(l.m->replications[0].nrules, (size_t)nr);
		} else {
			const struct crrc_diag *g = only(&l, CRRC_E026, 9, 7);
			ck_assert_ptr_nonnull(strstr(g->msg, "1001"));
		}
		loaded_free(&l);
		free(text);
	}
}
END_TEST

static Suite *load_fields_suite(void)
{
	Suite *s = suite_create("load-fields");
	TCase *t;
	t = tcase_create("fields");
	tcase_add_test(t, test_full_spec_root);
	tcase_add_test(t, test_full_spec_buckets);
	tcase_add_test(t, test_full_spec_replication);
	tcase_add_test(t, test_absent_optional);
	tcase_add_test(t, test_access_points);
	suite_add_tcase(s, t);
	t = tcase_create("types");
	tcase_add_test(t, test_quoted_true_is_not_a_bool);
	tcase_add_test(t, test_yes_is_not_a_bool);
	tcase_add_test(t, test_bool_spellings);
	tcase_add_test(t, test_scalars_are_strings);
	tcase_add_test(t, test_integers);
	tcase_add_test(t, test_version_types);
	tcase_add_test(t, test_null_values);
	tcase_add_test(t, test_mapping_where_scalar);
	tcase_add_test(t, test_scalar_where_mapping);
	tcase_add_test(t, test_nonscalar_key);
	suite_add_tcase(s, t);
	t = tcase_create("keys");
	tcase_add_test(t, test_unknown_key_suggests);
	tcase_add_test(t, test_unknown_key_everywhere);
	tcase_add_test(t, test_duplicate_key);
	tcase_add_test(t, test_duplicate_key_everywhere);
	tcase_add_test(t, test_missing_keys);
	tcase_add_test(t, test_all_diagnostics_reported);
	suite_add_tcase(s, t);
	t = tcase_create("extensions");
	tcase_add_test(t, test_extension_keys_top_level);
	tcase_add_test(t, test_extension_keys_elsewhere);
	suite_add_tcase(s, t);
	t = tcase_create("limits");
	tcase_add_test(t, test_version);
	tcase_add_test(t, test_versioning);
	tcase_add_test(t, test_counts);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(load_fields_suite());
}
