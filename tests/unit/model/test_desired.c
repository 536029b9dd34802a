/* test_desired.c: unit tests of the desired state (model/desired.h) built
 * from specs given as strings: rule filters, RTC and metrics, KMS, owner
 * override, places and accounts, each entry's destinations, the bucket
 * policies' admits, roles, buckets, positions, partial models and a large
 * spec; and of ARNs (model/arn.h) and regions (model/regions.h). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/arena.h"
#include "base/buf.h"
#include "load/load.h"
#include "model/arn.h"
#include "model/regions.h"
#include "model/resolve.h"
#include "model_helpers.h"

/* Two buckets in the deploying account, lines 1-7; an entry for src starts
 * at line 8 (REPL, lines 8-10), its rules from line 11 (RULE: two lines, the
 * rule's mapping at column 9). */
#define HEAD                                                                                    \
	"crrc: 1\n"                                                                             \
	"name: demo\n"                                                                          \
	"buckets:\n"                                                                            \
	"  src:\n"                                                                              \
	"    region: us-east-1\n"                                                                \
	"  dst:\n"                                                                              \
	"    region: us-west-2\n"
#define REPL "replication:\n  - source: src\n    rules:\n"
#define RULE(id, dest) "      - id: " id "\n        destination: " dest "\n"

#define KEY_USE1 "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define KEY_USW2 "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define KEY2_USW2 "arn:aws:kms:us-west-2:111122223333:key/99999999-12ab-34cd-56ef-1234567890ab"

static struct spec S;

static void teardown(void)
{
	spec_free(&S);
}

/* A string of the model equals want. */
static void str_is(const struct crrc_str *s, const char *want)
{
	ck_assert_ptr_nonnull(s);
	ck_assert_ptr_nonnull(s->s);
	ck_assert_str_eq(s->s, want);
}

/* ---- rules ---- */

/* Lines 8-33: one rule per filter form, positions as commented. */
static const char filters_spec[] = HEAD REPL
	RULE("none", "dst")                                      /* 11-12 */
	RULE("prefix", "dst") "        filter:\n          prefix: logs/\n" /* 13-16 */
	RULE("one-tag", "dst") "        filter:\n          tags: {k: v}\n" /* 17-20 */
	RULE("prefix-tag", "dst")
	"        filter:\n          prefix: img/\n          tags: {k: v}\n"  /* 21-25 */
	RULE("two-tags", "dst") "        filter:\n          tags: {k: v, l: w}\n" /* 26-29 */
	RULE("empty-prefix", "dst") "        filter:\n          prefix: \"\"\n"; /* 30-33 */

START_TEST(test_filter_forms)
{
	spec_load(&S, filters_spec, true);
	spec_no_errors(&S);
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	ck_assert_uint_eq(r->nrules, 6);

	const struct ds_rule *k = ds_rule_of(r, "none");
	ck_assert_int_eq(k->filter, DS_FILTER_PREFIX);
	ck_assert_ptr_null(k->prefix);
	ck_assert_uint_eq(k->tags->n, 0);

	k = ds_rule_of(r, "prefix");
	ck_assert_int_eq(k->filter, DS_FILTER_PREFIX);
	str_is(k->prefix, "logs/");
	ck_assert_uint_eq(k->tags->n, 0);

	k = ds_rule_of(r, "one-tag");
	ck_assert_int_eq(k->filter, DS_FILTER_TAG);
	ck_assert_ptr_null(k->prefix);
	ck_assert_uint_eq(k->tags->n, 1);
	str_is(&k->tags->v[0].key, "k");
	str_is(&k->tags->v[0].value, "v");

	k = ds_rule_of(r, "prefix-tag");
	ck_assert_int_eq(k->filter, DS_FILTER_AND);
	str_is(k->prefix, "img/");
	ck_assert_uint_eq(k->tags->n, 1);

	k = ds_rule_of(r, "two-tags");
	ck_assert_int_eq(k->filter, DS_FILTER_AND);
	ck_assert_ptr_null(k->prefix);
	ck_assert_uint_eq(k->tags->n, 2);
	str_is(&k->tags->v[1].key, "l");

	/* an empty prefix given is a prefix: every object */
	k = ds_rule_of(r, "empty-prefix");
	ck_assert_int_eq(k->filter, DS_FILTER_PREFIX);
	str_is(k->prefix, "");
	ck_assert_uint_eq(k->tags->n, 0);
}
END_TEST

/* Each rule's pos is its mapping's: the line of its "id", column 9. */
START_TEST(test_positions)
{
	static const struct {
		const char *id;
		unsigned line;
	} want[] = {{"none", 11},     {"prefix", 13},   {"one-tag", 17},
		    {"prefix-tag", 21}, {"two-tags", 26}, {"empty-prefix", 30}};
	spec_load(&S, filters_spec, true);
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct ds_rule *k = &r->rules[i];
		ck_assert_str_eq(k->id->s, want[i].id);
		ck_assert_uint_eq(k->pos.line, want[i].line);
		ck_assert_uint_eq(k->pos.col, 9);
		ck_assert_ptr_eq(k->spec, &S.m->replications[0].rules[i]);
		ck_assert_int_eq(k->priority, (long long)i + 1);
	}
	/* the entry's mapping, line 9 column 5; a generated role: its source */
	ck_assert_uint_eq(r->pos.line, 9);
	ck_assert_uint_eq(r->pos.col, 5);
	ck_assert_uint_eq(r->role.pos.line, 9);
	ck_assert_uint_eq(r->role.pos.col, 13);
	/* a bucket's mapping: src at 5:5, dst at 7:5 */
	ck_assert_uint_eq(ds_bucket_of(S.ds, "src")->pos.line, 5);
	ck_assert_uint_eq(ds_bucket_of(S.ds, "src")->pos.col, 5);
	ck_assert_uint_eq(ds_bucket_of(S.ds, "dst")->pos.line, 7);
}
END_TEST

START_TEST(test_rtc_metrics_enabled)
{
	spec_load(&S,
		  HEAD REPL RULE("plain", "dst") RULE("rtc", "dst") "        rtc: true\n"
		  RULE("metrics", "dst") "        metrics: true\n"
		  RULE("off", "dst") "        enabled: false\n        storage_class: GLACIER\n",
		  true);
	spec_no_errors(&S);
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	const struct ds_rule *k = ds_rule_of(r, "plain");
	ck_assert_int_eq(k->rtc_minutes, 0);
	ck_assert(!k->metrics);
	ck_assert_int_eq(k->metrics_minutes, 0);
	ck_assert(k->enabled);
	ck_assert_ptr_null(k->storage_class);
	ck_assert(!k->delete_markers && !k->replica_modifications && !k->sse_kms_objects);

	k = ds_rule_of(r, "rtc");
	ck_assert_int_eq(k->rtc_minutes, DS_RTC_MINUTES);
	ck_assert_int_eq(k->rtc_minutes, 15);
	ck_assert(k->metrics);
	ck_assert_int_eq(k->metrics_minutes, 15);

	/* S3 refuses an event threshold without RTC */
	k = ds_rule_of(r, "metrics");
	ck_assert_int_eq(k->rtc_minutes, 0);
	ck_assert(k->metrics);
	ck_assert_int_eq(k->metrics_minutes, 0);

	k = ds_rule_of(r, "off");
	ck_assert(!k->enabled);
	str_is(k->storage_class, "GLACIER");
}
END_TEST

START_TEST(test_rule_flags)
{
	spec_load(&S,
		  HEAD REPL RULE("dm", "dst") "        delete_markers: true\n"
		  "        replica_modifications: true\n        existing_objects: true\n",
		  true);
	spec_no_errors(&S);
	const struct ds_rule *k = ds_rule_of(ds_replication_of(S.ds, "src"), "dm");
	ck_assert(k->delete_markers);
	ck_assert(k->replica_modifications);
	ck_assert(!k->owner_override);
	ck_assert_ptr_null(k->dest_account);
}
END_TEST

/* Lines 1-15 buckets, then the entry. */
static const char kms_spec[] =
	"crrc: 1\nname: demo\nbuckets:\n"
	"  src:\n    region: us-east-1\n    encryption: sse-kms\n    kms_key: " KEY_USE1 "\n"
	"  dst:\n    region: us-west-2\n    encryption: sse-kms\n    kms_key: " KEY_USW2 "\n"
	"  plain:\n    region: us-west-2\n" REPL
	RULE("default-key", "dst")
	RULE("own-key", "dst") "        replica_kms_key: " KEY2_USW2 "\n"
	RULE("no-kms", "dst") "        sse_kms_objects: false\n        replica_kms_key: " KEY2_USW2 "\n"
	RULE("to-plain", "plain") "        replica_kms_key: " KEY2_USW2 "\n";

START_TEST(test_replica_kms_key)
{
	spec_load(&S, kms_spec, true);
	spec_no_errors(&S);
	ck_assert(spec_has(&S, CRRC_W007));
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	const struct ds_rule *k = ds_rule_of(r, "default-key");
	ck_assert(k->sse_kms_objects);
	str_is(k->replica_kms_key, KEY_USW2); /* the destination's */
	k = ds_rule_of(r, "own-key");
	ck_assert(k->sse_kms_objects);
	str_is(k->replica_kms_key, KEY2_USW2);
	/* a replica key without SSE-KMS objects is not used */
	k = ds_rule_of(r, "no-kms");
	ck_assert(!k->sse_kms_objects);
	ck_assert_ptr_null(k->replica_kms_key);
	k = ds_rule_of(r, "to-plain");
	ck_assert(k->sse_kms_objects);
	str_is(k->replica_kms_key, KEY2_USW2);
}
END_TEST

#define ACCOUNTS "accounts:\n  prod: \"111111111111\"\n  vault: \"222222222222\"\n"

START_TEST(test_owner_override)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src: {region: us-east-1, account: prod}\n"
		  "  dst: {region: us-west-2, account: vault}\n"
		  "  mine: {region: us-west-2}\n" REPL
		  RULE("to-vault", "dst") "        owner: destination\n"
		  RULE("kept", "dst") "        owner: source\n"
		  RULE("nobody", "mine") "        owner: destination\n",
		  true);
	ck_assert_msg(spec_has(&S, CRRC_E061), "%s", spec_diags(&S));
	ck_assert_uint_eq(diags_errors(S.d), 1);
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	const struct ds_rule *k = ds_rule_of(r, "to-vault");
	ck_assert(k->owner_override);
	ck_assert_str_eq(k->dest_account, "222222222222");
	k = ds_rule_of(r, "kept");
	ck_assert(!k->owner_override);
	ck_assert_ptr_null(k->dest_account);
	/* no destination account: none to give replicas to (E061) */
	k = ds_rule_of(r, "nobody");
	ck_assert(!k->owner_override);
	ck_assert_ptr_null(k->dest_account);
}
END_TEST

/* ---- places, accounts, buckets ---- */

static const char places_spec[] =
	"crrc: 1\nname: demo\n"
	"accounts:\n  prod: \"111111111111\"\n  prod-alt: \"111111111111\"\n"
	"  vault: \"222222222222\"\n"
	"buckets:\n"
	"  a: {region: us-east-1, account: prod-alt}\n"
	"  b: {region: us-west-2}\n"
	"  c: {region: us-east-1, account: \"222222222222\"}\n"
	"  d: {region: us-east-1, account: prod}\n"
	"  e: {region: us-west-2}\n"
	"  f: {region: us-east-1}\n"
	"  g: {region: cn-north-1, account: \"333333333333\"}\n";

START_TEST(test_accounts)
{
	spec_load(&S, places_spec, true);
	spec_no_errors(&S);
	const struct crrc_desired *ds = S.ds;
	ck_assert_uint_eq(ds->naccounts, 3);
	ck_assert_str_eq(ds->accounts[0].id, "111111111111");
	ck_assert_str_eq(ds->accounts[0].alias, "prod"); /* the first alias, not prod-alt */
	ck_assert_str_eq(ds->accounts[0].partition, "aws");
	ck_assert_str_eq(ds->accounts[1].id, "222222222222");
	ck_assert_str_eq(ds->accounts[1].alias, "vault"); /* given by id, alias found */
	ck_assert_str_eq(ds->accounts[2].id, "333333333333");
	ck_assert_ptr_null(ds->accounts[2].alias);
	ck_assert_str_eq(ds->accounts[2].partition, "aws-cn");
}
END_TEST

START_TEST(test_places)
{
	static const struct {
		int account; /* index in ds->accounts; -1: the deploying credentials */
		const char *region, *partition;
		size_t nbuckets;
	} want[] = {{0, "us-east-1", "aws", 2},  {-1, "us-west-2", "aws", 2},
		    {1, "us-east-1", "aws", 1},  {-1, "us-east-1", "aws", 1},
		    {2, "cn-north-1", "aws-cn", 1}};
	static const struct {
		const char *key;
		size_t place;
	} where[] = {{"a", 0}, {"b", 1}, {"c", 2}, {"d", 0}, {"e", 1}, {"f", 3}, {"g", 4}};
	spec_load(&S, places_spec, true);
	const struct crrc_desired *ds = S.ds;
	ck_assert_uint_eq(ds->nplaces, 5);
	for (size_t i = 0; i < 5; i++) {
		const struct ds_place *p = &ds->places[i];
		if (want[i].account < 0)
			ck_assert_ptr_null(p->account);
		else
			ck_assert_ptr_eq(p->account, &ds->accounts[want[i].account]);
		ck_assert_str_eq(p->region, want[i].region);
		ck_assert_str_eq(p->partition, want[i].partition);
		ck_assert_uint_eq(p->nbuckets, want[i].nbuckets);
	}
	ck_assert_uint_eq(ds->nbuckets, 7);
	for (size_t i = 0; i < 7; i++)
		ck_assert_ptr_eq(ds_bucket_of(ds, where[i].key)->place, &ds->places[where[i].place]);
}
END_TEST

static const char buckets_spec[] =
	"crrc: 1\nname: demo\ntags: {team: data}\nbuckets:\n"
	"  kms:\n    region: us-east-1\n    encryption: sse-kms\n    kms_key: " KEY_USE1 "\n"
	"    tags: {tier: hot}\n"
	"  s3:\n    name: my-explicit-name\n    region: us-west-2\n    encryption: sse-s3\n"
	"  old:\n    region: us-west-2\n    existing: true\n    object_lock: true\n"
	"  cn:\n    region: cn-northwest-1\n";

START_TEST(test_buckets)
{
	spec_load(&S, buckets_spec, true);
	spec_no_errors(&S);
	const struct crrc_desired *ds = S.ds;
	ck_assert_str_eq(ds->name, "demo");
	ck_assert_uint_eq(ds->tags->n, 1);
	ck_assert_ptr_eq(ds->m, S.m);
	ck_assert_uint_eq(ds->nreplications, 0);
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const struct ds_bucket *b = &ds->buckets[i];
		ck_assert(b->versioning); /* always */
		ck_assert_uint_eq(b->index, i);
		ck_assert_ptr_eq(b->spec, &S.m->buckets[i]);
		ck_assert_ptr_eq(desired_bucket(ds, &S.m->buckets[i]), b);
		ck_assert_ptr_null(b->replication);
		ck_assert_uint_eq(b->nadmits, 0);
	}
	const struct ds_bucket *b = ds_bucket_of(ds, "kms");
	ck_assert(b->create && !b->object_lock);
	str_is(b->kms_key, KEY_USE1);
	ck_assert_str_eq(b->name, "demo-kms");
	ck_assert_str_eq(b->arn, "arn:aws:s3:::demo-kms");
	ck_assert_uint_eq(b->tags->n, 2);
	b = ds_bucket_of(ds, "s3");
	ck_assert(b->create);
	ck_assert_ptr_null(b->kms_key);
	ck_assert_str_eq(b->name, "my-explicit-name");
	b = ds_bucket_of(ds, "old");
	ck_assert(!b->create);
	ck_assert(b->object_lock);
	ck_assert_ptr_null(b->kms_key);
	b = ds_bucket_of(ds, "cn");
	ck_assert_str_eq(b->arn, "arn:aws-cn:s3:::demo-cn");
	ck_assert_str_eq(b->place->partition, "aws-cn");
	ck_assert_ptr_null(desired_bucket(ds, NULL));
}
END_TEST

/* ---- destinations, admits, roles ---- */

static const char dests_spec[] =
	"crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
	"  src: {region: us-east-1, account: prod}\n"
	"  src2: {region: us-east-2, account: prod}\n"
	"  free: {region: us-east-2}\n"
	"  x: {region: us-west-2, account: vault}\n"
	"  y: {region: us-west-2, account: prod}\n"
	"  z: {region: us-west-1}\n"
	"replication:\n"
	"  - source: src\n    rules:\n"
	RULE("r1", "x") "        owner: destination\n" RULE("r2", "y") RULE("r3", "x")
	RULE("r4", "z") RULE("r5", "y")
	"  - source: src2\n    role: arn:aws:iam::111111111111:role/ops/custom-role\n    rules:\n"
	RULE("s1", "x")
	"  - source: free\n    rules:\n" RULE("f1", "x")
	"  - source: z\n    role: arn:aws:iam::111111111111:role/given\n    rules:\n"
	RULE("z1", "x");

START_TEST(test_dests)
{
	spec_load(&S, dests_spec, true);
	spec_no_errors(&S);
	const struct crrc_desired *ds = S.ds;
	ck_assert_uint_eq(ds->nreplications, 4);
	const struct ds_replication *r = ds_replication_of(ds, "src");
	ck_assert_ptr_eq(r, &ds->replications[0]);
	ck_assert_uint_eq(r->index, 0);
	ck_assert_ptr_eq(ds_bucket_of(ds, "src")->replication, r);
	ck_assert_ptr_eq(r->source, ds_bucket_of(ds, "src"));
	ck_assert_uint_eq(r->ndests, 3);
	ck_assert_ptr_eq(r->dests[0].bucket, ds_bucket_of(ds, "x"));
	ck_assert_ptr_eq(r->dests[1].bucket, ds_bucket_of(ds, "y"));
	ck_assert_ptr_eq(r->dests[2].bucket, ds_bucket_of(ds, "z"));
	ck_assert(r->dests[0].owner_override); /* r1's, OR-ed with r3's */
	ck_assert(!r->dests[1].owner_override);
	ck_assert(!r->dests[2].owner_override);
	static const size_t dest_index[] = {0, 1, 0, 2, 1};
	ck_assert_uint_eq(r->nrules, 5);
	for (size_t i = 0; i < 5; i++) {
		ck_assert_uint_eq(r->rules[i].dest_index, dest_index[i]);
		ck_assert_ptr_eq(r->dests[r->rules[i].dest_index].bucket, r->rules[i].dest);
	}
	const struct ds_replication *r2 = ds_replication_of(ds, "src2");
	ck_assert_uint_eq(r2->index, 1);
	ck_assert_uint_eq(r2->ndests, 1);
	ck_assert_uint_eq(r2->rules[0].dest_index, 0);
}
END_TEST

START_TEST(test_admits)
{
	spec_load(&S, dests_spec, true);
	const struct crrc_desired *ds = S.ds;
	const struct ds_bucket *x = ds_bucket_of(ds, "x");
	/* src (twice into x: once) and src2 are in prod; the accounts of free
	 * and z are unknown (z's role has an ARN, still none) */
	ck_assert_uint_eq(x->nadmits, 2);
	ck_assert_ptr_eq(x->admits[0].replication, ds_replication_of(ds, "src"));
	ck_assert(x->admits[0].owner_override);
	ck_assert_ptr_eq(x->admits[1].replication, ds_replication_of(ds, "src2"));
	ck_assert(!x->admits[1].owner_override);
	/* same account, unknown account, sources */
	ck_assert_str_eq(ds_replication_of(ds, "z")->role.arn, "arn:aws:iam::111111111111:role/given");
	static const char *const none[] = {"y", "z", "src", "src2", "free"};
	for (size_t i = 0; i < sizeof(none) / sizeof(none[0]); i++) {
		ck_assert_uint_eq(ds_bucket_of(ds, none[i])->nadmits, 0);
		ck_assert_ptr_null(ds_bucket_of(ds, none[i])->admits);
	}
}
END_TEST

START_TEST(test_roles)
{
	spec_load(&S, dests_spec, true);
	const struct crrc_desired *ds = S.ds;
	const struct ds_role *role = &ds_replication_of(ds, "src")->role;
	ck_assert(role->create);
	ck_assert_str_eq(role->name, "demo-src-replication");
	ck_assert_str_eq(role->name, S.m->replications[0].role_name);
	ck_assert_str_eq(role->arn, "arn:aws:iam::111111111111:role/demo-src-replication");

	role = &ds_replication_of(ds, "src2")->role;
	ck_assert(!role->create);
	ck_assert_str_eq(role->arn, "arn:aws:iam::111111111111:role/ops/custom-role");
	ck_assert_str_eq(role->name, "custom-role");
	/* a given role's pos is the role: value's */
	ck_assert_uint_eq(role->pos.line, S.m->replications[1].role.pos.line);
	ck_assert_uint_eq(role->pos.col, 11);

	/* generated in an unknown (the deploying) account: no ARN yet */
	role = &ds_replication_of(ds, "free")->role;
	ck_assert(role->create);
	ck_assert_str_eq(role->name, "demo-free-replication");
	ck_assert_ptr_null(role->arn);
}
END_TEST

/* ---- Multi-Region Access Points ---- */

START_TEST(test_points)
{
	/* lines 8-14: a point over both buckets, dst passive; one whose member
	 * is unknown is left out */
	spec_load(&S, HEAD "access_points:\n  media:\n    buckets: [src, dst]\n"
		      "    passive: [dst]\n  ghost:\n    name: the-ghost\n    buckets: [src, nope]\n",
		  false);
	ck_assert(spec_has(&S, CRRC_E050));
	ck_assert_uint_eq(S.ds->npoints, 1);
	const struct ds_access_point *p = &S.ds->points[0];
	ck_assert_str_eq(p->key, "media");
	ck_assert_str_eq(p->name, "demo-media");
	ck_assert_ptr_null(p->account);
	ck_assert_ptr_eq(p->place, ds_bucket_of(S.ds, "src")->place);
	ck_assert_ptr_eq(p->spec, &S.m->access_points[0]);
	ck_assert_uint_eq(p->pos.line, 10);
	ck_assert_uint_eq(p->nmembers, 2);
	ck_assert_ptr_eq(p->members[0].bucket, ds_bucket_of(S.ds, "src"));
	ck_assert(p->members[0].active);
	ck_assert_ptr_eq(p->members[1].bucket, ds_bucket_of(S.ds, "dst"));
	ck_assert(!p->members[1].active);
	ck_assert_uint_eq(p->members[1].pos.line, 10);
	ck_assert_uint_eq(p->members[1].pos.col, 20);
	ck_assert_uint_eq(p->index, 0);
	/* the model: the made name, and the given one */
	ck_assert_str_eq(S.m->access_points[1].point_name, "the-ghost");
	ck_assert_ptr_null(S.m->access_points[1].members[1]);
}
END_TEST

/* ---- partial models ---- */

START_TEST(test_partial_unknown_destination)
{
	spec_load(&S, HEAD REPL RULE("r1", "nope") RULE("r2", "dst") RULE("r3", "src")
		      "      - id: r4\n        rtc: maybe\n", true);
	ck_assert(spec_has(&S, CRRC_E050));
	ck_assert(spec_has(&S, CRRC_E052));
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nrules, 1); /* r2 alone */
	ck_assert_str_eq(r->rules[0].id->s, "r2");
	ck_assert_ptr_eq(r->rules[0].spec, &S.m->replications[0].rules[1]);
	ck_assert_uint_eq(r->ndests, 1);
	ck_assert_ptr_eq(r->dests[0].bucket, ds_bucket_of(S.ds, "dst"));
	ck_assert_uint_eq(r->rules[0].dest_index, 0);
}
END_TEST

START_TEST(test_partial_unknown_source)
{
	spec_load(&S, HEAD "replication:\n  - source: ghost\n    rules:\n" RULE("r1", "dst")
		      "  - source: dst\n    rules:\n" RULE("back", "src"), true);
	ck_assert(spec_has(&S, CRRC_E050));
	ck_assert_uint_eq(S.ds->nreplications, 1);
	ck_assert_str_eq(S.ds->replications[0].source->key, "dst");
	ck_assert_uint_eq(S.ds->replications[0].index, 0);
	ck_assert_ptr_eq(S.ds->replications[0].spec, &S.m->replications[1]);
	ck_assert_ptr_null(ds_bucket_of(S.ds, "src")->replication);
}
END_TEST

START_TEST(test_partial_second_entry)
{
	spec_load(&S, HEAD REPL RULE("r1", "dst") "  - source: src\n    rules:\n" RULE("r2", "dst"),
		  true);
	ck_assert(spec_has(&S, CRRC_E051));
	ck_assert_uint_eq(S.ds->nreplications, 1);
	ck_assert_str_eq(S.ds->replications[0].rules[0].id->s, "r1");
	ck_assert_ptr_eq(ds_bucket_of(S.ds, "src")->replication, &S.ds->replications[0]);
}
END_TEST

START_TEST(test_partial_unknown_region_and_account)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src: {region: mars-north-1, account: prod}\n"
		  "  dst: {region: us-west-2, account: vault}\n"
		  "  lost: {region: us-west-2, account: nobody}\n"
		  "  mine: {region: us-west-2}\n" REPL RULE("r1", "dst") RULE("r2", "lost"),
		  true);
	ck_assert(spec_has(&S, CRRC_E034));
	ck_assert(spec_has(&S, CRRC_E036));
	const struct ds_bucket *src = ds_bucket_of(S.ds, "src");
	ck_assert_ptr_null(src->arn);
	ck_assert_str_eq(src->place->region, "mars-north-1");
	ck_assert_ptr_nonnull(src->place->account);
	/* an unknown alias: the deploying credentials' place, with mine */
	const struct ds_bucket *lost = ds_bucket_of(S.ds, "lost");
	ck_assert_ptr_null(lost->place->account);
	ck_assert_ptr_eq(lost->place, ds_bucket_of(S.ds, "mine")->place);
	ck_assert_uint_eq(lost->place->nbuckets, 2);
	/* the role has no ARN (the region is unknown): no bucket policy */
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	ck_assert_ptr_null(r->role.arn);
	ck_assert_uint_eq(ds_bucket_of(S.ds, "dst")->nadmits, 0);
	ck_assert_uint_eq(r->ndests, 2);
}
END_TEST

START_TEST(test_partial_no_name_no_rules)
{
	spec_load(&S,
		  "crrc: 1\nbuckets:\n  src:\n    region: us-east-1\n  dst:\n"
		  "    region: us-west-2\nreplication:\n  - source: src\n    rules: []\n"
		  "  - source: dst\n    rules:\n      - id: r1\n",
		  true);
	ck_assert(diags_errors(S.d) > 0);
	ck_assert_ptr_null(S.ds->name);
	const struct ds_bucket *src = ds_bucket_of(S.ds, "src");
	ck_assert_ptr_null(src->name);
	ck_assert_ptr_null(src->arn);
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nrules, 0);
	ck_assert_uint_eq(r->ndests, 0);
	r = ds_replication_of(S.ds, "dst");
	ck_assert_ptr_nonnull(r);
	ck_assert_uint_eq(r->nrules, 0); /* r1 has no destination */
}
END_TEST

START_TEST(test_partial_empty)
{
	spec_load(&S, "crrc: 1\nname: demo\nbuckets: {}\nreplication:\n  - source: a\n", true);
	ck_assert(diags_errors(S.d) > 0);
	ck_assert_uint_eq(S.ds->nbuckets, 0);
	ck_assert_uint_eq(S.ds->nplaces, 0);
	ck_assert_uint_eq(S.ds->naccounts, 0);
	ck_assert_uint_eq(S.ds->nreplications, 0);
	desired_destroy(NULL);
}
END_TEST

/* Partial models from every spec above, with a line cut off at each
 * length: desired_create never crashes (run under ASan and UBSan). */
START_TEST(test_partial_truncated)
{
	static const char *const specs[] = {filters_spec, kms_spec, places_spec, buckets_spec,
					    dests_spec};
	for (size_t k = 0; k < sizeof(specs) / sizeof(specs[0]); k++) {
		size_t len = strlen(specs[k]);
		for (size_t cut = 1; cut < len; cut += 7) {
			char *t = strndup(specs[k], cut);
			struct crrc_diags *d = diags_create();
			struct crrc_model *m = crrc_load_buffer("t.crr.yaml", t, cut, d);
			if (m) {
				crrc_resolve(m, d);
				struct crrc_desired *ds = desired_create(m);
				ck_assert_uint_eq(ds->nbuckets, m->nbuckets);
				ck_assert_uint_le(ds->nreplications, m->nreplications);
				desired_destroy(ds);
			}
			crrc_model_destroy(m);
			diags_destroy(d);
			free(t);
		}
	}
}
END_TEST

/* ---- a large spec ---- */

#define BIG_BUCKETS 5000
#define BIG_DESTS 1000
#define BIG_ACCOUNTS 10

/* BIG_BUCKETS buckets in BIG_ACCOUNTS accounts and 4 regions; b0 replicates
 * into b1..b1000, and from b1001 on each odd bucket into the next. */
static char *big_spec(void)
{
	static const char *const regions[] = {"us-east-1", "us-west-2", "eu-west-1", "ap-south-1"};
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: big\nbuckets:\n");
	for (int i = 0; i < BIG_BUCKETS; i++)
		buf_printf(&b, "  b%d: {region: %s, account: \"1000000000%02d\"}\n", i,
			   regions[i % 4], i % BIG_ACCOUNTS);
	buf_puts(&b, "replication:\n  - source: b0\n    rules:\n");
	for (int i = 1; i <= BIG_DESTS; i++)
		buf_printf(&b, "      - {id: r%d, destination: b%d}\n", i, i);
	for (int i = BIG_DESTS + 1; i + 1 < BIG_BUCKETS; i += 2)
		buf_printf(&b, "  - source: b%d\n    rules: [{id: r, destination: b%d}]\n", i,
			   i + 1);
	size_t len;
	return buf_detach(&b, &len);
}

static double seconds_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (double)(t1.tv_sec - t0->tv_sec) + (double)(t1.tv_nsec - t0->tv_nsec) / 1e9;
}

START_TEST(test_linear)
{
	char *text = big_spec();
	spec_load(&S, text, false);
	free(text);
	spec_no_errors(&S);
	desired_destroy(S.ds);
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	S.ds = desired_create(S.m);
	double took = seconds_since(&t0);
	ck_assert_msg(took < 2.0, "desired_create took %.2f s", took);

	const struct crrc_desired *ds = S.ds;
	ck_assert_uint_eq(ds->nbuckets, BIG_BUCKETS);
	ck_assert_uint_eq(ds->naccounts, BIG_ACCOUNTS);
	ck_assert_uint_eq(ds->nplaces, 20); /* lcm(10, 4) (account, region) pairs */
	ck_assert_uint_eq(ds->nreplications, 1 + (BIG_BUCKETS - BIG_DESTS - 2) / 2);
	const struct ds_replication *r = &ds->replications[0];
	ck_assert_uint_eq(r->nrules, BIG_DESTS);
	ck_assert_uint_eq(r->ndests, BIG_DESTS);
	for (size_t i = 0; i < BIG_DESTS; i++) {
		ck_assert_uint_eq(r->rules[i].dest_index, i);
		const struct ds_bucket *d = r->dests[i].bucket;
		ck_assert_uint_eq(d->index, i + 1);
		/* in b0's account: every tenth */
		ck_assert_uint_eq(d->nadmits, (i + 1) % BIG_ACCOUNTS ? 1 : 0);
	}
	size_t total = 0;
	for (size_t i = 0; i < ds->nplaces; i++)
		total += ds->places[i].nbuckets;
	ck_assert_uint_eq(total, BIG_BUCKETS);
}
END_TEST

/* ---- ARNs ---- */

static void field_is(const char *f, size_t len, const char *want)
{
	ck_assert_uint_eq(len, strlen(want));
	ck_assert_int_eq(memcmp(f, want, len), 0);
}

START_TEST(test_arn_split_good)
{
	struct arn a;
	const char *s = "arn:aws:s3:::my-bucket";
	ck_assert(arn_split(s, strlen(s), &a));
	field_is(a.partition, a.partition_len, "aws");
	field_is(a.service, a.service_len, "s3");
	field_is(a.region, a.region_len, "");
	field_is(a.account, a.account_len, "");
	field_is(a.resource, a.resource_len, "my-bucket");

	s = KEY_USE1;
	ck_assert(arn_split(s, strlen(s), &a));
	field_is(a.partition, a.partition_len, "aws");
	field_is(a.service, a.service_len, "kms");
	field_is(a.region, a.region_len, "us-east-1");
	field_is(a.account, a.account_len, "111122223333");
	field_is(a.resource, a.resource_len, "key/1234abcd-12ab-34cd-56ef-1234567890ab");
	ck_assert(arn_field_is(a.service, a.service_len, "kms"));
	ck_assert(!arn_field_is(a.service, a.service_len, "km"));
	ck_assert(!arn_field_is(a.service, a.service_len, "kmsx"));

	/* the resource keeps its colons */
	s = "arn:aws-cn:logs:cn-north-1:123456789012:log-group:my:group";
	ck_assert(arn_split(s, strlen(s), &a));
	field_is(a.partition, a.partition_len, "aws-cn");
	field_is(a.resource, a.resource_len, "log-group:my:group");

	/* six fields, the last empty */
	s = "arn:aws:s3:::";
	ck_assert(arn_split(s, strlen(s), &a));
	ck_assert_uint_eq(a.resource_len, 0);
}
END_TEST

START_TEST(test_arn_split_bad)
{
	static const char *const bad[] = {
		"",        "arn",          "arn:",          "arn:aws",       "arn:aws:s3",
		"arn:aws:s3::", "arm:aws:s3:::b", "ARN:aws:s3:::b", " arn:aws:s3:::b", "aws:s3:::b:c",
	};
	struct arn a;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(!arn_split(bad[i], strlen(bad[i]), &a), "'%s' split", bad[i]);
	ck_assert(!arn_split(NULL, 0, &a));
	/* len bounds the text: no NUL after it, and nothing read past it */
	char *cut = malloc(10);
	memcpy(cut, "arn:aws:s3:::b", 10);
	ck_assert(!arn_split(cut, 10, &a));
	free(cut);
	const char *s = "arn:aws:s3:::bucket";
	ck_assert(arn_split(s, 14, &a));
	field_is(a.resource, a.resource_len, "b");
}
END_TEST

/* ---- regions and partitions ---- */

START_TEST(test_region_find)
{
	const struct crrc_region *r = crrc_region_find("us-east-1");
	ck_assert_ptr_nonnull(r);
	ck_assert_str_eq(r->code, "us-east-1");
	ck_assert_str_eq(r->partition, "aws");
	ck_assert_str_eq(crrc_region_find("cn-northwest-1")->partition, "aws-cn");
	ck_assert_str_eq(crrc_region_find("us-gov-west-1")->partition, "aws-us-gov");
	ck_assert_ptr_null(crrc_region_find("us-east-9"));
	ck_assert_ptr_null(crrc_region_find("US-EAST-1"));
	ck_assert_ptr_null(crrc_region_find(""));
	ck_assert_ptr_null(crrc_region_find(NULL));
	ck_assert_uint_eq(crrc_region_count(), 38);
	ck_assert_ptr_null(crrc_region_at(crrc_region_count()));
	for (size_t i = 0; i < crrc_region_count(); i++) {
		const struct crrc_region *x = crrc_region_at(i);
		ck_assert_ptr_eq(crrc_region_find(x->code), x);
		const char *want = strncmp(x->code, "cn-", 3) == 0       ? "aws-cn"
				   : strncmp(x->code, "us-gov-", 7) == 0 ? "aws-us-gov"
									 : "aws";
		ck_assert_str_eq(x->partition, want);
		ck_assert(partition_known(x->partition, strlen(x->partition)));
	}
}
END_TEST

START_TEST(test_partitions)
{
	ck_assert(partition_known("aws", 3));
	ck_assert(partition_known("aws-cn", 6));
	ck_assert(partition_known("aws-us-gov", 10));
	ck_assert(partition_known("aws-cn", 3)); /* its first 3 bytes: "aws" */
	ck_assert(!partition_known("aws-iso", 7));
	ck_assert(!partition_known("AWS", 3));
	ck_assert(!partition_known("aw", 2));
	ck_assert(!partition_known("", 0));
	ck_assert_str_eq(partition_dns_suffix("aws"), ".amazonaws.com");
	ck_assert_str_eq(partition_dns_suffix("aws-us-gov"), ".amazonaws.com");
	ck_assert_str_eq(partition_dns_suffix("aws-cn"), ".amazonaws.com.cn");
	ck_assert_str_eq(partition_dns_suffix(NULL), ".amazonaws.com");
}
END_TEST

static struct crrc_str region_str(const char *s)
{
	return (struct crrc_str){.s = s, .len = (uint32_t)strlen(s), .set = true,
				 .pos = {.line = 4, .col = 13, .len = (uint32_t)strlen(s)}};
}

/* The only diagnostic is E034 at 4:13, its message containing want. */
static void only_e034(struct crrc_diags *d, const char *want)
{
	ck_assert_uint_eq(diags_count(d), 1);
	ck_assert_uint_eq(diags_errors(d), 1);
	const struct crrc_diag *g = diags_at(d, 0);
	ck_assert_str_eq(crrc_code_name(g->code), "E034");
	ck_assert_uint_eq(g->pos.line, 4);
	ck_assert_uint_eq(g->pos.col, 13);
	ck_assert_msg(strstr(g->msg, want), "'%s' lacks '%s'", g->msg, want);
}

START_TEST(test_regions_lookup)
{
	struct arena *a = arena_create();
	struct strmap *index = regions_index(a);
	struct crrc_diags *d = diags_create();
	struct crrc_str s = region_str("eu-west-3");
	for (int i = 0; i < 2; i++) {
		const struct crrc_region *r = regions_lookup(i ? index : NULL, &s, d);
		ck_assert_ptr_eq(r, crrc_region_find("eu-west-3"));
	}
	struct crrc_str unset = {0};
	ck_assert_ptr_null(regions_lookup(index, &unset, d));
	ck_assert_uint_eq(diags_count(d), 0);
	diags_destroy(d);

	static const struct {
		const char *code, *msg;
	} bad[] = {{"us-east-l", "did you mean 'us-east-1'?"},
		   {"US-EAST-1", "did you mean 'us-east-1'?"},
		   {"atlantis-deep-9", "give an AWS region code"}};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		for (int i = 0; i < 2; i++) {
			d = diags_create();
			s = region_str(bad[k].code);
			ck_assert_ptr_null(regions_lookup(i ? index : NULL, &s, d));
			only_e034(d, bad[k].msg);
			diags_destroy(d);
		}
	}
	arena_destroy(a);
}
END_TEST

static Suite *desired_suite(void)
{
	Suite *s = suite_create("desired");
	TCase *t = tcase_create("rules");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_filter_forms);
	tcase_add_test(t, test_positions);
	tcase_add_test(t, test_rtc_metrics_enabled);
	tcase_add_test(t, test_rule_flags);
	tcase_add_test(t, test_replica_kms_key);
	tcase_add_test(t, test_owner_override);
	suite_add_tcase(s, t);

	t = tcase_create("places");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_accounts);
	tcase_add_test(t, test_places);
	tcase_add_test(t, test_buckets);
	tcase_add_test(t, test_dests);
	tcase_add_test(t, test_admits);
	tcase_add_test(t, test_roles);
	tcase_add_test(t, test_points);
	suite_add_tcase(s, t);

	t = tcase_create("partial");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_partial_unknown_destination);
	tcase_add_test(t, test_partial_unknown_source);
	tcase_add_test(t, test_partial_second_entry);
	tcase_add_test(t, test_partial_unknown_region_and_account);
	tcase_add_test(t, test_partial_no_name_no_rules);
	tcase_add_test(t, test_partial_empty);
	tcase_add_test(t, test_partial_truncated);
	suite_add_tcase(s, t);

	t = tcase_create("linear");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_linear);
	suite_add_tcase(s, t);

	t = tcase_create("arn-regions");
	tcase_add_test(t, test_arn_split_good);
	tcase_add_test(t, test_arn_split_bad);
	tcase_add_test(t, test_region_find);
	tcase_add_test(t, test_partitions);
	tcase_add_test(t, test_regions_lookup);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(desired_suite());
}
