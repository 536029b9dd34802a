/* test_load_stream.c: the entries of the buckets and replication sections,
 * built one by one as the loader completes them (build_entry) and dropped
 * from the tree. What must still go through the whole tree: entries that
 * define an anchor, anchored sections, merge keys in a section, repeated
 * keys, repeated root keys, entries that are not mappings. The model must
 * be what it was when the whole tree was built, diagnostics included, and
 * keep no pointer into the tree or the scratch memory of an entry. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "load_helpers.h"

/* The bucket with this key; fails the test when there is none. */
static const struct crrc_bucket *bucket(const struct crrc_model *m, const char *key)
{
	for (size_t i = 0; i < m->nbuckets; i++)
		if (strcmp(m->buckets[i].key.s, key) == 0)
			return &m->buckets[i];
	ck_abort_msg("no bucket '%s'", key);
	return NULL;
}

static void pos_at(struct crrc_pos p, uint32_t line, uint32_t col)
{
	ck_assert_uint_eq(p.line, line);
	ck_assert_uint_eq(p.col, col);
}

/* --- anchors in entries ------------------------------------------------------ */

static const char anchored_entries[] =
	"crrc: 1\n"                                 /* 1 */
	"name: demo\n"                              /* 2 */
	"buckets:\n"                                /* 3 */
	"  a:\n"                                    /* 4 */
	"    region: us-east-1\n"                   /* 5 */
	"  b:\n"                                    /* 6 */
	"    region: us-west-2\n"                   /* 7 */
	"    tags: &t {team: media, tier: hot}\n"   /* 8 */
	"  c:\n"                                    /* 9 */
	"    tags: *t\n"                            /* 10 */
	"    region: eu-west-1\n"                   /* 11 */
	"  d: &b1\n"                                /* 12 */
	"    region: ap-south-1\n"                  /* 13 */
	"    object_lock: true\n"                   /* 14 */
	"    name: &n shared-name\n"                /* 15 */
	"  e:\n"                                    /* 16 */
	"    <<: *b1\n"                             /* 17 */
	"    existing: true\n"                      /* 18 */
	"    name: e-name\n"                        /* 19 */
	"  f: {<<: [*b1], tags: *t, name: *n}\n";   /* 20 */

/* The tags team: media, tier: hot of line 8. */
static void tags_of_b(const struct crrc_tags *t)
{
	ck_assert(t->set);
	pos_at(t->pos, 8, 11);
	ck_assert_uint_eq(t->n, 2);
	str_at(t->v[0].key, "team", 8, 15);
	str_at(t->v[0].value, "media", 8, 21);
	str_at(t->v[1].key, "tier", 8, 28);
	str_at(t->v[1].value, "hot", 8, 34);
}

/* An anchored scalar's position starts at its anchor, as libyaml marks it. */
static void shared_name(struct crrc_str s)
{
	ck_assert(s.set);
	ck_assert_str_eq(s.s, "shared-name");
	ck_assert_uint_eq(s.len, strlen("shared-name"));
	pos_at(s.pos, 15, 11);
}

START_TEST(test_anchor_in_entry)
{
	struct loaded l = load(anchored_entries);
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 6);
	static const char *const keys[] = {"a", "b", "c", "d", "e", "f"};
	static const uint32_t key_lines[] = {4, 6, 9, 12, 16, 20};
	for (size_t i = 0; i < 6; i++) {
		str_at(m->buckets[i].key, keys[i], key_lines[i], 3);
		ck_assert_uint_eq(m->buckets[i].index, i);
	}
	const struct crrc_bucket *a = &m->buckets[0], *b = &m->buckets[1], *c = &m->buckets[2];
	const struct crrc_bucket *d = &m->buckets[3], *e = &m->buckets[4], *f = &m->buckets[5];
	pos_at(a->pos, 5, 5);
	str_at(a->region, "us-east-1", 5, 13);
	ck_assert(!a->own_tags.set);
	/* b defines &t: kept whole in the tree, read by build_model */
	pos_at(b->pos, 7, 5);
	str_at(b->region, "us-west-2", 7, 13);
	tags_of_b(&b->own_tags);
	/* c, built as it completed, reads b's tags through the alias */
	pos_at(c->pos, 10, 5);
	str_at(c->region, "eu-west-1", 11, 13);
	tags_of_b(&c->own_tags);
	/* the text of a node is copied into the model once, whatever brings it */
	ck_assert_ptr_eq(c->own_tags.v[0].key.s, b->own_tags.v[0].key.s);
	ck_assert_ptr_eq(c->own_tags.v[1].value.s, b->own_tags.v[1].value.s);
	/* d is anchored itself: not built as it completed, read from the tree */
	pos_at(d->pos, 12, 6);
	str_at(d->region, "ap-south-1", 13, 13);
	bool_at(d->object_lock, true, 14, 18);
	shared_name(d->name);
	/* e merges d; its own name wins */
	pos_at(e->pos, 17, 5);
	str_at(e->region, "ap-south-1", 13, 13);
	bool_at(e->object_lock, true, 14, 18);
	bool_at(e->existing, true, 18, 15);
	str_at(e->name, "e-name", 19, 11);
	/* f merges d, aliases b's tags and d's name */
	pos_at(f->pos, 20, 6);
	str_at(f->region, "ap-south-1", 13, 13);
	bool_at(f->object_lock, true, 14, 18);
	tags_of_b(&f->own_tags);
	shared_name(f->name);
	ck_assert_ptr_eq(f->name.s, d->name.s);
	ck_assert(!f->existing.set);
	loaded_free(&l);
}
END_TEST

START_TEST(test_anchor_in_replication_entry)
{
	struct loaded l = load("crrc: 1\nname: demo\n"                              /* 1-2 */
			       "buckets: {a: {region: us-east-1}, b: {region: us-west-2}}\n"
			       "replication:\n"                                         /* 4 */
			       "  - source: a\n"                                        /* 5 */
			       "    rules: &rules\n"                                    /* 6 */
			       "      - {id: one, destination: b, filter: {prefix: p/}}\n"
			       "  - {source: b, rules: *rules}\n"                       /* 8 */
			       "  - &r3 {source: a, role: arn:aws:iam::1:role/x, rules: *rules}\n"
			       "  - {<<: *r3, source: b}\n");                           /* 10 */
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nreplications, 4);
	static const char *const sources[] = {"a", "b", "a", "b"};
	static const uint32_t lines[] = {5, 8, 9, 10};
	for (size_t i = 0; i < 4; i++) {
		const struct crrc_replication *r = &m->replications[i];
		ck_assert_str_eq(r->source.s, sources[i]);
		pos_at(r->pos, lines[i], 5);
		ck_assert_uint_eq(r->nrules, 1);
		str_at(r->rules[0].id, "one", 7, 14);
		str_at(r->rules[0].destination, "b", 7, 32);
		str_at(r->rules[0].filter.prefix, "p/", 7, 52);
		pos_at(r->rules_pos, 6, 12);
	}
	ck_assert(!m->replications[0].role.set && !m->replications[1].role.set);
	str_at(m->replications[2].role, "arn:aws:iam::1:role/x", 9, 27);
	str_at(m->replications[3].role, "arn:aws:iam::1:role/x", 9, 27);
	loaded_free(&l);
}
END_TEST

/* --- merge keys in a section ------------------------------------------------- */

START_TEST(test_section_merge)
{
	struct loaded l = load("crrc: 1\n"                                           /* 1 */
			       "name: demo\n"                                        /* 2 */
			       "x-more: &more\n"                                     /* 3 */
			       "  c: {region: eu-west-1}\n"                          /* 4 */
			       "  a: {regoin: never-read}\n"                         /* 5 */
			       "  d: {region: sa-east-1, existing: true}\n"          /* 6 */
			       "x-last: &last {g: {region: me-south-1}, d: {regoin: never-read}}\n"
			       "buckets:\n"                                          /* 8 */
			       "  a: {region: us-east-1}\n"                          /* 9 */
			       "  <<: [*more, *last]\n"                              /* 10 */
			       "  b:\n"                                              /* 11 */
			       "    region: us-west-2\n");                           /* 12 */
	/* explicit keys win over merged ones, which are never read then */
	no_diags(&l);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 5);
	pos_at(m->buckets_pos, 9, 3);
	/* the explicit entries first, in order, then the merged ones */
	static const char *const keys[] = {"a", "b", "c", "d", "g"};
	static const uint32_t key_pos[][2] = {{9, 3}, {11, 3}, {4, 3}, {6, 3}, {7, 16}};
	for (size_t i = 0; i < 5; i++) {
		str_at(m->buckets[i].key, keys[i], key_pos[i][0], key_pos[i][1]);
		ck_assert_uint_eq(m->buckets[i].index, i);
	}
	str_at(m->buckets[0].region, "us-east-1", 9, 15);
	ck_assert(!m->buckets[0].existing.set);
	str_at(m->buckets[1].region, "us-west-2", 12, 13);
	pos_at(m->buckets[1].pos, 12, 5);
	str_at(m->buckets[2].region, "eu-west-1", 4, 15);
	pos_at(m->buckets[2].pos, 4, 6);
	str_at(m->buckets[3].region, "sa-east-1", 6, 15);
	bool_at(m->buckets[3].existing, true, 6, 36);
	str_at(m->buckets[4].region, "me-south-1", 7, 28);
	loaded_free(&l);
}
END_TEST

START_TEST(test_section_merge_errors)
{
	/* an error in an explicit entry, built as it completed, and in a merged
	 * one, read from the tree: each reported once, where it was written */
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-more: &more {c: {region: eu-west-1, regoin: x}}\n"
			       "buckets:\n"
			       "  <<: *more\n"
			       "  a: {region: us-east-1, object_lock: yes}\n");
	ck_assert_uint_eq(diags_count(l.d), 2);
	has(&l, CRRC_E020, 3, 39);
	has(&l, CRRC_E022, 6, 39);
	ck_assert_uint_eq(l.m->nbuckets, 2);
	ck_assert_str_eq(l.m->buckets[0].key.s, "a");
	ck_assert_str_eq(l.m->buckets[1].key.s, "c");
	ck_assert(!l.m->buckets[0].object_lock.set);
	loaded_free(&l);
}
END_TEST

/* --- repeated keys ----------------------------------------------------------- */

START_TEST(test_repeated_bucket_key)
{
	struct loaded l = load("crrc: 1\nname: demo\nbuckets:\n"
			       "  a: {region: us-east-1, name: first-a}\n"  /* 4 */
			       "  b: {region: us-west-2}\n"                 /* 5 */
			       "  a: {regoin: x, object_lock: maybe}\n"     /* 6 */
			       "  'a':\n    tags: [not, tags]\n");          /* 7-8 */
	/* Each later a is E021, a note at the first. What the code does now
	 * (acb0049): a later one is built too, and its own mistakes are
	 * reported; before entries were built one by one, only the two E021
	 * were. Its values never reach the model. */
	ck_assert_uint_eq(diags_count(l.d), 7);
	const struct crrc_diag *g = has(&l, CRRC_E021, 6, 3);
	ck_assert_uint_eq(g->nnotes, 1);
	pos_at(g->notes[0].pos, 4, 3);
	g = has(&l, CRRC_E021, 7, 3);
	pos_at(g->notes[0].pos, 4, 3);
	has(&l, CRRC_E023, 6, 6);
	has(&l, CRRC_E020, 6, 7);
	has(&l, CRRC_E022, 6, 31);
	has(&l, CRRC_E023, 8, 5);
	has(&l, CRRC_E022, 8, 11);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 2);
	str_at(m->buckets[0].key, "a", 4, 3);
	str_at(m->buckets[0].region, "us-east-1", 4, 15);
	str_at(m->buckets[0].name, "first-a", 4, 32);
	pos_at(m->buckets[0].pos, 4, 6);
	ck_assert(!m->buckets[0].object_lock.set);
	ck_assert(!m->buckets[0].own_tags.set);
	str_at(m->buckets[1].key, "b", 5, 3);
	str_at(m->buckets[1].region, "us-west-2", 5, 15);
	ck_assert_uint_eq(m->buckets[1].index, 1);
	loaded_free(&l);
}
END_TEST

START_TEST(test_repeated_root_key)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "buckets:\n"                                          /* 3 */
			       "  a: {region: us-east-1}\n"                          /* 4 */
			       "replication:\n"                                      /* 5 */
			       "  - {source: a, rules: [{id: r, destination: a}]}\n" /* 6 */
			       "buckets:\n"                                          /* 7 */
			       "  z: {regoin: us-east-1}\n"                          /* 8 */
			       "replication:\n"                                      /* 9 */
			       "  - {sourc: a}\n"                                    /* 10 */
			       "\"buckets\": {y: {region: 1}}\n");                   /* 11 */
	/* only the first of each is read */
	ck_assert_uint_eq(diags_count(l.d), 3);
	pos_at(has(&l, CRRC_E021, 7, 1)->notes[0].pos, 3, 1);
	pos_at(has(&l, CRRC_E021, 9, 1)->notes[0].pos, 5, 1);
	pos_at(has(&l, CRRC_E021, 11, 1)->notes[0].pos, 3, 1);
	ck_assert_uint_eq(l.m->nbuckets, 1);
	str_at(l.m->buckets[0].key, "a", 4, 3);
	str_at(l.m->buckets[0].region, "us-east-1", 4, 15);
	ck_assert_uint_eq(l.m->nreplications, 1);
	str_at(l.m->replications[0].source, "a", 6, 14);
	loaded_free(&l);
}
END_TEST

/* --- anchored sections ------------------------------------------------------- */

START_TEST(test_anchored_section)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "buckets: &all\n"                                     /* 3 */
			       "  a: {region: us-east-1, regoin: x}\n"               /* 4 */
			       "  b: {region: us-west-2, tags: {t: v}}\n"            /* 5 */
			       "replication: &reps\n"                                /* 6 */
			       "  - {source: a, rules: [{id: r, destination: b}]}\n" /* 7 */
			       "  - {source: b, rules: [{id: s, destination: a}]}\n" /* 8 */
			       "x-all: *all\n"
			       "x-merged: {<<: *all, c: {region: eu-west-1}}\n"
			       "x-reps: [*reps, *reps]\n");
	/* read once from the tree: its error once, not once per alias */
	const struct crrc_diag *g = only(&l, CRRC_E020, 4, 26);
	ck_assert_ptr_nonnull(strstr(g->msg, "'regoin'"));
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 2);
	str_at(m->buckets[0].key, "a", 4, 3);
	str_at(m->buckets[0].region, "us-east-1", 4, 15);
	str_at(m->buckets[1].key, "b", 5, 3);
	str_at(m->buckets[1].own_tags.v[0].value, "v", 5, 36);
	ck_assert_uint_eq(m->buckets[1].index, 1);
	ck_assert_uint_eq(m->nreplications, 2);
	str_at(m->replications[0].source, "a", 7, 14);
	str_at(m->replications[1].rules[0].id, "s", 8, 30);
	pos_at(m->replications[1].pos, 8, 5);
	loaded_free(&l);
}
END_TEST

START_TEST(test_aliased_section)
{
	/* a whole section brought by an alias */
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "x-b: &b {a: {region: us-east-1}, b: {region: us-west-2}}\n"
			       "x-r: &r [{source: a, rules: [{id: r, destination: b}]}]\n"
			       "buckets: *b\nreplication: *r\n");
	no_diags(&l);
	ck_assert_uint_eq(l.m->nbuckets, 2);
	str_at(l.m->buckets[1].key, "b", 3, 34);
	str_at(l.m->buckets[1].region, "us-west-2", 3, 46);
	ck_assert_uint_eq(l.m->nreplications, 1);
	str_at(l.m->replications[0].rules[0].destination, "b", 4, 51);
	loaded_free(&l);
}
END_TEST

/* --- entries that are not mappings ------------------------------------------- */

START_TEST(test_bucket_not_a_mapping)
{
	struct loaded l = load("crrc: 1\nname: demo\nbuckets:\n"
			       "  a: {region: us-east-1}\n"  /* 4 */
			       "  b: us-west-2\n"            /* 5 */
			       "  c: [x, y]\n"               /* 6 */
			       "  d: {region: eu-west-1}\n"  /* 7 */
			       "  e: \"{region: x}\"\n");    /* 8 */
	ck_assert_uint_eq(diags_count(l.d), 3);
	ck_assert_ptr_nonnull(strstr(has(&l, CRRC_E022, 5, 6)->msg, "'us-west-2'"));
	ck_assert_ptr_nonnull(strstr(has(&l, CRRC_E022, 6, 6)->msg, "a list"));
	has(&l, CRRC_E022, 8, 6);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nbuckets, 2);
	str_at(m->buckets[0].key, "a", 4, 3);
	ck_assert_uint_eq(m->buckets[0].index, 0);
	str_at(m->buckets[1].key, "d", 7, 3);
	str_at(m->buckets[1].region, "eu-west-1", 7, 15);
	pos_at(m->buckets[1].pos, 7, 6);
	ck_assert_uint_eq(m->buckets[1].index, 1);
	loaded_free(&l);
}
END_TEST

START_TEST(test_replication_item_not_a_mapping)
{
	struct loaded l = load("crrc: 1\nname: demo\n"
			       "buckets: {a: {region: us-east-1}, b: {region: us-west-2}}\n"
			       "replication:\n"                               /* 4 */
			       "  - source: a\n"                              /* 5 */
			       "    rules: [{id: r1, destination: b}]\n"      /* 6 */
			       "  - just-a-string\n"                          /* 7 */
			       "  - [a, list]\n"                              /* 8 */
			       "  - source: b\n"                              /* 9 */
			       "    rules: [{id: r2, destination: a}]\n"      /* 10 */
			       "  - {source: a, rules: [{id: r3, destination: b}], sourc: x}\n");
	ck_assert_uint_eq(diags_count(l.d), 3);
	has(&l, CRRC_E022, 7, 5);
	has(&l, CRRC_E022, 8, 5);
	has(&l, CRRC_E020, 11, 52);
	const struct crrc_model *m = l.m;
	ck_assert_uint_eq(m->nreplications, 3);
	static const char *const ids[] = {"r1", "r2", "r3"};
	static const uint32_t lines[] = {5, 9, 11};
	for (size_t i = 0; i < 3; i++) {
		pos_at(m->replications[i].pos, lines[i], 5);
		ck_assert_str_eq(m->replications[i].rules[0].id.s, ids[i]);
	}
	str_at(m->replications[0].source, "a", 5, 13);
	str_at(m->replications[1].source, "b", 9, 13);
	str_at(m->replications[1].rules[0].destination, "a", 10, 35);
	loaded_free(&l);
}
END_TEST

/* --- errors that stop the parse after complete entries ----------------------- */

START_TEST(test_syntax_error_after_entries)
{
	/* The entries complete before the error were built, but a file that
	 * cannot be read to its end reports why, only: not the mistakes of
	 * some entries (nor crrc: 2, the root keys being never read). The
	 * model holds no bucket. */
	struct loaded l = load("crrc: 2\nname: demo\nbuckets:\n"
			       "  a: {region: us-east-1, regoin: x}\n"  /* 4 */
			       "  b: {region: us-west-2}\n"             /* 5 */
			       "  c: {region: [oops\n");                /* 6 */
	ck_assert_uint_eq(diags_count(l.d), 1);
	ck_assert_uint_eq(diags_errors(l.d), 1);
	const struct crrc_diag *g = diags_at(l.d, 0);
	ck_assert_uint_eq(g->code, CRRC_E006);
	ck_assert_uint_eq(g->pos.line, 7);
	ck_assert_ptr_nonnull(l.m);
	ck_assert_uint_eq(l.m->nbuckets, 0);
	ck_assert_ptr_null(l.m->buckets);
	ck_assert_uint_eq(l.m->nreplications, 0);
	ck_assert(!l.m->name.set && !l.m->version.set);
	loaded_free(&l);
	/* the same for every error that stops the parse: an undefined alias */
	l = load("crrc: 1\nname: demo\nbuckets: {a: {region: us-east-1}}\n"
		 "replication:\n  - {source: a, rules: []}\n  - {source: *nope}\n");
	only(&l, CRRC_E012, 6, 14);
	ck_assert_uint_eq(l.m->nbuckets, 0);
	ck_assert_uint_eq(l.m->nreplications, 0);
	loaded_free(&l);
}
END_TEST

/* --- the model owns its strings ---------------------------------------------- */

static const char strings_spec[] =
	"crrc: 1\nname: strings\n"
	"accounts: {media: \"111122223333\"}\n"
	"x-k: &k arn:aws:kms:us-east-1:111122223333:key/shared\n"
	"buckets:\n"
	"  built-one:\n"
	"    name: built-one-name\n"
	"    region: us-east-1\n"
	"    account: media\n"
	"    encryption: sse-kms\n"
	"    kms_key: *k\n"
	"    tags: {tag-key-1: tag-value-1, empty-tag: }\n"
	"  kept-whole:\n"
	"    region: &kr eu-west-1\n"
	"    tags: &kt {tag-key-2: tag-value-2}\n"
	"  built-two: {region: *kr, tags: *kt, name: \"built two\"}\n"
	"replication:\n"
	"  - source: built-one\n"
	"    role: arn:aws:iam::111122223333:role/replicator\n"
	"    rules:\n"
	"      - id: rule-one\n"
	"        destination: built-two\n"
	"        storage_class: STANDARD_IA\n"
	"        owner: destination\n"
	"        replica_kms_key: *k\n"
	"        filter: {prefix: videos/, tags: {class: master}}\n"
	"  - {source: kept-whole, rules: [{id: &rid rule-two, destination: built-one}]}\n"
	"  - {source: built-two, rules: [{id: *rid, destination: kept-whole}]}\n";

static void check_strings(const struct crrc_model *m)
{
	ck_assert_uint_eq(m->nbuckets, 3);
	const struct crrc_bucket *b = bucket(m, "built-one");
	ck_assert_str_eq(b->name.s, "built-one-name");
	ck_assert_str_eq(b->region.s, "us-east-1");
	ck_assert_str_eq(b->account.s, "media");
	ck_assert_str_eq(b->encryption.s, "sse-kms");
	ck_assert_str_eq(b->kms_key.s, "arn:aws:kms:us-east-1:111122223333:key/shared");
	ck_assert_str_eq(b->own_tags.v[0].key.s, "tag-key-1");
	ck_assert_str_eq(b->own_tags.v[0].value.s, "tag-value-1");
	ck_assert_str_eq(b->own_tags.v[1].key.s, "empty-tag");
	ck_assert_str_eq(b->own_tags.v[1].value.s, "");
	b = bucket(m, "kept-whole");
	ck_assert_str_eq(b->region.s, "eu-west-1");
	ck_assert_str_eq(b->own_tags.v[0].key.s, "tag-key-2");
	ck_assert_str_eq(b->own_tags.v[0].value.s, "tag-value-2");
	b = bucket(m, "built-two");
	ck_assert_str_eq(b->name.s, "built two");
	ck_assert_str_eq(b->region.s, "eu-west-1");
	ck_assert_str_eq(b->own_tags.v[0].value.s, "tag-value-2");
	ck_assert_str_eq(m->accounts[0].alias.s, "media");
	ck_assert_str_eq(m->accounts[0].id.s, "111122223333");
	ck_assert_uint_eq(m->nreplications, 3);
	const struct crrc_replication *r = &m->replications[0];
	ck_assert_str_eq(r->source.s, "built-one");
	ck_assert_str_eq(r->role.s, "arn:aws:iam::111122223333:role/replicator");
	const struct crrc_rule *u = &r->rules[0];
	ck_assert_str_eq(u->id.s, "rule-one");
	ck_assert_str_eq(u->destination.s, "built-two");
	ck_assert_str_eq(u->storage_class.s, "STANDARD_IA");
	ck_assert_str_eq(u->owner.s, "destination");
	ck_assert_str_eq(u->replica_kms_key.s, "arn:aws:kms:us-east-1:111122223333:key/shared");
	ck_assert_str_eq(u->filter.prefix.s, "videos/");
	ck_assert_str_eq(u->filter.tags.v[0].key.s, "class");
	ck_assert_str_eq(u->filter.tags.v[0].value.s, "master");
	ck_assert_str_eq(m->replications[1].source.s, "kept-whole");
	ck_assert_str_eq(m->replications[1].rules[0].id.s, "rule-two");
	ck_assert_str_eq(m->replications[1].rules[0].destination.s, "built-one");
	ck_assert_str_eq(m->replications[2].source.s, "built-two");
	ck_assert_str_eq(m->replications[2].rules[0].id.s, "rule-two");
	ck_assert_str_eq(m->replications[2].rules[0].destination.s, "kept-whole");
}

START_TEST(test_strings_survive_the_tree)
{
	struct loaded l = load(strings_spec);
	no_diags(&l);
	/* another load reuses whatever memory the first one freed */
	struct loaded other = load(anchored_entries);
	no_diags(&other);
	check_strings(l.m);
	loaded_free(&other);
	check_strings(l.m);
	loaded_free(&l);
}
END_TEST

START_TEST(test_strings_survive_the_file)
{
	/* from a file: its text is freed too once it is parsed */
	char path[] = "/tmp/crrc-test-XXXXXX";
	int fd = mkstemp(path);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write(fd, strings_spec, sizeof(strings_spec) - 1),
			 (ssize_t)(sizeof(strings_spec) - 1));
	close(fd);
	struct crrc_diags *d = diags_create();
	struct crrc_model *m = crrc_load_file(path, d);
	unlink(path);
	ck_assert_ptr_nonnull(m);
	ck_assert_uint_eq(diags_count(d), 0);
	struct loaded other = load(anchored_entries);
	check_strings(m);
	loaded_free(&other);
	crrc_model_destroy(m);
	diags_destroy(d);
}
END_TEST

/* --- many entries ------------------------------------------------------------ */

/* The stage's vectors start at 2 MiB and double: so many entries that they
 * grow through several mremaps (2, 4, 8, 16 MiB of buckets). */
#define VEC_FIRST (2u * 1024u * 1024u)

/* Buckets b000000... with region r-<i>; bucket mid defines an anchor when
 * mid < n, so that the vector is copied rather than taken. */
static char *many_buckets(size_t n, size_t mid)
{
	size_t cap = 64 * n + 64, len = 0;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text, cap, "crrc: 1\nname: many\nbuckets:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len, "  b%06zu: {region: %sr-%zu}\n", i,
					i == mid ? "&mid " : "", i);
	return text;
}

START_TEST(test_many_buckets)
{
	size_t n = 4 * VEC_FIRST / sizeof(struct crrc_bucket) + 100;
	ck_assert_uint_ge(n, 3000);
	/* the vector taken as the model's array; copied (an entry kept whole) */
	const size_t mids[] = {n, n / 2};
	for (size_t k = 0; k < 2; k++) {
		size_t mid = mids[k];
		char *text = many_buckets(n, mid);
		struct loaded l = load(text);
		free(text);
		no_diags(&l);
		ck_assert_uint_eq(l.m->nbuckets, n);
		for (size_t i = 0; i < n; i++) {
			const struct crrc_bucket *b = &l.m->buckets[i];
			char key[16], region[32];
			snprintf(key, sizeof(key), "b%06zu", i);
			snprintf(region, sizeof(region), "r-%zu", i);
			ck_assert_uint_eq(b->index, i);
			ck_assert_str_eq(b->key.s, key);
			ck_assert_uint_eq(b->key.pos.line, i + 4);
			ck_assert_str_eq(b->region.s, region);
			ck_assert_uint_eq(b->region.pos.line, i + 4);
			/* an anchored scalar starts at its anchor */
			ck_assert_uint_eq(b->region.pos.col, 21);
		}
		loaded_free(&l);
	}
}
END_TEST

START_TEST(test_many_replications)
{
	size_t n = 2 * VEC_FIRST / sizeof(struct crrc_replication) + 100;
	size_t cap = 80 * n + 128, len = 0;
	char *text = malloc(cap);
	ck_assert_ptr_nonnull(text);
	len += (size_t)snprintf(text, cap, "crrc: 1\nname: many\nbuckets: {d: {region: x}}\n"
					   "replication:\n");
	for (size_t i = 0; i < n; i++)
		len += (size_t)snprintf(text + len, cap - len,
					"  - {source: s%zu, rules: [{id: r%zu, destination: d}]}\n",
					i, i);
	struct loaded l = load(text);
	free(text);
	no_diags(&l);
	ck_assert_uint_eq(l.m->nreplications, n);
	for (size_t i = 0; i < n; i++) {
		const struct crrc_replication *r = &l.m->replications[i];
		char want[32];
		snprintf(want, sizeof(want), "s%zu", i);
		ck_assert_str_eq(r->source.s, want);
		snprintf(want, sizeof(want), "r%zu", i);
		ck_assert_uint_eq(r->nrules, 1);
		ck_assert_str_eq(r->rules[0].id.s, want);
		pos_at(r->pos, (uint32_t)i + 5, 5);
	}
	loaded_free(&l);
}
END_TEST

START_TEST(test_complex_root_key)
{
	/* a collection as a root key after a section is not part of it */
	struct loaded l = load("crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n"
			       "? {x: {regoin: 1}}\n: 1\n");
	only(&l, CRRC_E022, 5, 3);
	loaded_free(&l);
	l = load(MINIMAL "replication:\n  - {source: b, rules: [{id: r, destination: b}]}\n"
			 "? [{sourc: a}]\n: 1\n");
	only(&l, CRRC_E022, 8, 3);
	loaded_free(&l);
}
END_TEST

static Suite *load_stream_suite(void)
{
	Suite *s = suite_create("load-stream");
	TCase *t = tcase_create("anchors");
	tcase_add_test(t, test_anchor_in_entry);
	tcase_add_test(t, test_anchor_in_replication_entry);
	tcase_add_test(t, test_anchored_section);
	tcase_add_test(t, test_aliased_section);
	suite_add_tcase(s, t);
	t = tcase_create("tree");
	tcase_add_test(t, test_section_merge);
	tcase_add_test(t, test_section_merge_errors);
	tcase_add_test(t, test_repeated_bucket_key);
	tcase_add_test(t, test_repeated_root_key);
	tcase_add_test(t, test_bucket_not_a_mapping);
	tcase_add_test(t, test_replication_item_not_a_mapping);
	tcase_add_test(t, test_syntax_error_after_entries);
	tcase_add_test(t, test_complex_root_key);
	suite_add_tcase(s, t);
	t = tcase_create("memory");
	tcase_add_test(t, test_strings_survive_the_tree);
	tcase_add_test(t, test_strings_survive_the_file);
	tcase_add_test(t, test_many_buckets);
	tcase_add_test(t, test_many_replications);
	tcase_set_timeout(t, 60);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(load_stream_suite());
}
