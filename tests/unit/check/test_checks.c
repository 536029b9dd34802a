/* test_passes.c: unit tests of the resolution pass and the validation
 * passes. Each spec is a small valid base with YAML appended; each test
 * loads it with crrc_load_buffer, runs the passes, and asserts the
 * diagnostics (code, line, column, and no other diagnostic) or the resolved
 * model. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "diag/diag.h"
#include "base/strmap.h"
#include "check_main.h"

/* The base: two buckets, valid, lines 1-7. Appended YAML starts at line 8:
 * more buckets (it ends inside buckets:) or more top-level keys. */
#define BASE_NAMED(n)                                                                           \
	"crrc: 1\n"                                                                             \
	"name: " n "\n"                                                                         \
	"buckets:\n"                                                                            \
	"  a:\n"                                                                                \
	"    region: us-east-1\n"                                                               \
	"  b:\n"                                                                                \
	"    region: us-west-2\n"
#define BASE BASE_NAMED("demo")

/* An entry for source a: three lines; each RULE is two more, the id's value
 * at column 13 and the destination's at column 22; rule keys that follow
 * have their value at column 9 + strlen(key) + 2. */
#define REPL_HEAD(src) "replication:\n  - source: " src "\n    rules:\n"
#define RULE(id, dest) "      - id: " id "\n        destination: " dest "\n"
#define REPL REPL_HEAD("a") RULE("r1", "b") /* lines 8-12 */
/* The same with a role of one's own (which may decrypt any key): 8-13. */
#define REPL_ROLE                                                                               \
	"replication:\n  - source: a\n    role: arn:aws:iam::111122223333:role/mine\n"          \
	"    rules:\n" RULE("r1", "b")

#define KEY_USE1 "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define KEY_USW2 "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

static char *text;
static struct crrc_model *model;
static struct crrc_diags *diags;
static char dump[8192];

static void teardown(void)
{
	crrc_model_destroy(model);
	diags_destroy(diags);
	free(text);
	model = NULL;
	diags = NULL;
	text = NULL;
}

/* Every diagnostic, for failure messages. */
static const char *diags_dump(void)
{
	size_t at = 0;
	dump[0] = '\0';
	for (size_t i = 0; i < diags_count(diags) && at < sizeof(dump) - 1; i++) {
		const struct crrc_diag *g = diags_at(diags, i);
		int n = snprintf(dump + at, sizeof(dump) - at, "\n  %s %u:%u %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return dump;
}

/* Load the base with extra appended (or extra alone when it is a whole
 * spec, starting with "crrc:"), and run the passes. */
static void load(const char *extra)
{
	struct buf b = BUF_INIT;
	if (strncmp(extra, "crrc:", 5) != 0)
		buf_puts(&b, BASE);
	buf_puts(&b, extra);
	size_t len;
	text = buf_detach(&b, &len);
	diags = diags_create();
	model = crrc_load_buffer("test.crr.yaml", text, len, diags);
	ck_assert_msg(model != NULL, "the spec did not load:%s", diags_dump());
	crrc_resolve(model, diags);
	crrc_check(model, diags);
}

static const struct crrc_diag *find(enum crrc_code code)
{
	for (size_t i = 0; i < diags_count(diags); i++)
		if (diags_at(diags, i)->code == code)
			return diags_at(diags, i);
	return NULL;
}

/* Exactly one diagnostic: code at line:col. */
static const struct crrc_diag *expect_only(enum crrc_code code, unsigned line, unsigned col)
{
	ck_assert_msg(diags_count(diags) == 1, "expected only %s at %u:%u, got:%s",
		      crrc_code_name(code), line, col, diags_dump());
	const struct crrc_diag *g = diags_at(diags, 0);
	ck_assert_msg(g->code == code && g->pos.line == line && g->pos.col == col,
		      "expected %s at %u:%u, got:%s", crrc_code_name(code), line, col,
		      diags_dump());
	return g;
}

static void expect_clean(void)
{
	ck_assert_msg(diags_count(diags) == 0, "expected no diagnostic, got:%s", diags_dump());
}

static size_t count(enum crrc_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < diags_count(diags); i++)
		n += diags_at(diags, i)->code == code;
	return n;
}

/* One spec per code: it must produce exactly that diagnostic, there, with
 * fragment in its message, and (note_line > 0) a first note there. */
struct code_case {
	const char *yaml;
	enum crrc_code code;
	unsigned line, col;
	const char *fragment;
	unsigned note_line, note_col;
};

static const struct code_case code_cases[] = {
	{"crrc: 1\nname: 9lives\nbuckets:\n  a:\n    region: us-east-1\n", CRRC_E030, 2, 7,
	 "starts with '9'", 0, 0},
	{"crrc: 1\nname: Demo\nbuckets:\n  a:\n    region: us-east-1\n", CRRC_E030, 2, 7, "'D'", 0, 0},
	{"  Bad:\n    region: us-east-1\n", CRRC_E031, 8, 3, "contains 'B'", 0, 0},
	{"  c:\n    name: my_bucket\n    region: us-east-1\n", CRRC_E032, 9, 11, "'_'", 0, 0},
	/* the first is a's default name: the note is at a's key */
	{"  c:\n    name: demo-a\n    region: eu-west-1\n", CRRC_E033, 9, 11, "'a' and 'c'", 4,
	 3},
	{"  c:\n    region: us-est-1\n", CRRC_E034, 9, 13, "did you mean 'us-east-1'", 0, 0},
	{"policies:\n  residency:\n    - prefix: x/\n      regions: [eu-wset-1]\n", CRRC_E034,
	 11, 17, "did you mean 'eu-west-1'", 0, 0},
	{"  c:\n    region: us-east-1\n    account: \"12345\"\n", CRRC_E035, 10, 14,
	 "has 5 digits", 0, 0},
	{"accounts:\n  media: \"1234567890123\"\n", CRRC_E035, 9, 10, "not 12 digits", 0, 0},
	{"  c:\n    region: us-east-1\n    account: meda\naccounts:\n  media: \"111122223333\"\n",
	 CRRC_E036, 10, 14, "did you mean 'media'", 0, 0},
	{"tags:\n  \"team!\": x\n", CRRC_E037, 9, 3, "contains '!'", 0, 0},
	{"tags:\n  team: \"a#b\"\n", CRRC_E038, 9, 9, "contains '#'", 0, 0},
	{"tags:\n  \"Aws:team\": x\n", CRRC_E039, 9, 3, "'Aws:'", 0, 0},
	{REPL "        filter:\n          tags: {\"aws:x\": y}\n", CRRC_E039, 14, 18, "'aws:'", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kmss\n", CRRC_E041, 10, 17,
	 "did you mean 'sse-kms'", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: SSE-KMS\n    kms_key: " KEY_USE1 "\n",
	 CRRC_E041, 10, 17, "did you mean 'sse-kms'", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n", CRRC_E042, 10, 17,
	 "no kms_key", 0, 0},
	{"  c:\n    region: us-east-1\n    kms_key: " KEY_USE1 "\n", CRRC_E043, 10, 14,
	 "not sse-kms", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n"
	 "    kms_key: arn:aws:kms:us-east-1:123:key/abc\n",
	 CRRC_E044, 11, 14, "'123', which is not 12 digits", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n"
	 "    kms_key: arn:aws:kms:us-east-1:111122223333:bucket/abc\n",
	 CRRC_E044, 11, 14, "resource 'bucket/abc'", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n    kms_key: " KEY_USW2 "\n",
	 CRRC_E045, 11, 14, "is in us-west-2", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n"
	 "    kms_key: arn:aws-cn:kms:cn-north-1:111122223333:alias/media\n",
	 CRRC_E046, 11, 14, "partition aws-cn", 0, 0},
	{REPL_HEAD("x") RULE("r1", "b"), CRRC_E050, 9, 13, "source 'x'", 0, 0},
	{"  primary:\n    region: eu-west-1\n" REPL_HEAD("a") RULE("r1", "primry"), CRRC_E050, 14,
	 22, "did you mean 'primary'", 0, 0},
	{REPL "  - source: a\n    rules:\n" RULE("r2", "b"), CRRC_E051, 13, 13, "second", 9, 13},
	{REPL_HEAD("a") RULE("r1", "a"), CRRC_E052, 12, 22, "into itself", 0, 0},
	{REPL_HEAD("a") RULE("\"\"", "b"), CRRC_E053, 11, 13, "0 characters", 0, 0},
	{REPL "        filter: {prefix: x/}\n" RULE("r1", "b") "        filter: {prefix: y/}\n",
	 CRRC_E054, 14, 13, "'r1'", 11, 13},
	{REPL "        filter: {prefix: x/}\n" RULE("r2", "b")
	      "        priority: 5\n        filter: {prefix: y/}\n",
	 CRRC_E055, 11, 9, "rule 'r1' has no priority", 16, 19},
	{REPL "        priority: 5\n        filter: {prefix: x/}\n" RULE("r2", "b")
	      "        priority: 5\n        filter: {prefix: y/}\n",
	 CRRC_E056, 17, 19, "priority 5", 13, 19},
	{REPL "        delete_markers: true\n        filter:\n          tags: {k: v}\n",
	 CRRC_E057, 13, 25, "tag filter", 15, 17},
	{REPL "        rtc: true\n        metrics: false\n", CRRC_E058, 14, 18, "metrics", 0, 0},
	{"  c:\n    region: us-east-1\n    encryption: sse-kms\n    kms_key: " KEY_USE1 "\n"
	 REPL_HEAD("c") RULE("r1", "b"),
	 CRRC_E059, 15, 9, "destination 'b' has no kms_key", 10, 17},
	{REPL_ROLE "        sse_kms_objects: true\n        replica_kms_key: " KEY_USE1 "\n",
	 CRRC_E060, 15, 26, "destination 'b' is in us-west-2", 0, 0},
	{REPL_ROLE "        sse_kms_objects: true\n"
		   "        replica_kms_key: arn:aws:kms:us-west-2:1:key/x\n",
	 CRRC_E044, 15, 26, "'1', which is not 12 digits", 0, 0},
	{REPL_ROLE "        sse_kms_objects: true\n"
		   "        replica_kms_key: arn:aws-cn:kms:cn-north-1:111122223333:key/x\n",
	 CRRC_E046, 15, 26, "but destination 'b' is in aws", 0, 0},
	{"  c:\n    region: us-east-1\n    account: \"111122223333\"\n" REPL_HEAD("c")
	 RULE("r1", "b") "        owner: destination\n",
	 CRRC_E061, 16, 16, "'b' has no account", 0, 0},
	{"  c:\n    region: us-east-1\n    object_lock: true\n" REPL_HEAD("c") RULE("r1", "b"),
	 CRRC_E062, 15, 22, "object lock", 10, 18},
	{"  c:\n    region: cn-north-1\n" REPL_HEAD("a") RULE("r1", "c"), CRRC_E063, 14, 22,
	 "between partitions", 0, 0},
	{REPL "        storage_class: STANDARD-IA\n", CRRC_E064, 13, 24, "'STANDARD_IA'", 0, 0},
	{REPL "        storage_class: glacier\n", CRRC_E064, 13, 24, "'GLACIER'", 0, 0},
	{REPL "        owner: destinaton\n", CRRC_E065, 13, 16, "did you mean 'destination'", 0, 0},
	{"replication:\n  - source: a\n    role: arn:aws:iam::123:role/x\n    rules:\n"
	 RULE("r1", "b"),
	 CRRC_E067, 10, 11, "not 12 digits", 0, 0},
	{"replication:\n  - source: a\n    role: arn:aws:iam::111122223333:user/x\n    rules:\n"
	 RULE("r1", "b"),
	 CRRC_E067, 10, 11, "not role/<name>", 0, 0},
	{"  c:\n    region: us-east-1\n    account: \"111122223333\"\n"
	 "replication:\n  - source: c\n    role: arn:aws:iam::444455556666:role/r\n    rules:\n"
	 RULE("r1", "b"),
	 CRRC_E068, 13, 11, "account 444455556666", 0, 0},
	{REPL "        priority: -1\n", CRRC_E069, 13, 19, "-1", 0, 0},
	{REPL "        priority: 2147483648\n", CRRC_E069, 13, 19, "2147483648", 0, 0},
	{REPL "policies:\n  residency:\n    - prefix: customers/eu/\n      regions: [eu-west-1]\n",
	 CRRC_E070, 12, 22, "rule 'r1' ('a' to 'b') can move objects under 'customers/eu/' "
			    "into us-west-2",
	 15, 15},
	{"policies:\n  rpo_minutes: 5\n", CRRC_E071, 9, 16, "rpo_minutes: 5", 0, 0},
	{REPL "policies:\n  rpo_minutes: 15\n", CRRC_E072, 11, 9, "rule 'r1' has no rtc", 14,
	 16},
	{"  c:\n    name: demo.c\n    region: us-east-1\n", CRRC_W001, 9, 11, "dots", 0, 0},
	{"  c:\n    region: eu-west-1\n" REPL_HEAD("a") RULE("r1", "b")
	 "  - source: b\n    rules:\n" RULE("r2", "c"),
	 CRRC_W002, 14, 22, "objects from 'a' do not reach 'c'", 18, 22},
	{REPL "  - source: b\n    rules:\n" RULE("r2", "a"), CRRC_W003, 12, 22,
	 "replica_modifications", 16, 22},
	{"  c:\n    region: us-east-1\n" REPL_HEAD("a") RULE("r1", "c"), CRRC_W004, 14, 22,
	 "Same-Region Replication", 0, 0},
	{REPL "        priority: 2\n        filter: {prefix: logs/}\n" RULE("r2", "b")
	      "        priority: 1\n        filter: {prefix: logs/app/}\n",
	 CRRC_W005, 15, 9, "rule 'r2' can never replicate anything: rule 'r1'", 11, 9},
	{REPL "        filter:\n          tags: {t1: v, t2: v, t3: v, t4: v, t5: v, t6: v, t7: v, "
	      "t8: v, t9: v, t10: v, t11: v}\n",
	 CRRC_W005, 14, 17, "requires 11 tags", 0, 0},
	{REPL "        existing_objects: true\n", CRRC_W006, 13, 27, "Batch Replication", 0, 0},
	{REPL "        replica_kms_key: " KEY_USW2 "\n", CRRC_W007, 13, 26, "unused", 0, 0},
};

START_TEST(test_code)
{
	const struct code_case *c = &code_cases[_i];
	load(c->yaml);
	const struct crrc_diag *g = expect_only(c->code, c->line, c->col);
	ck_assert_msg(strstr(g->msg, c->fragment), "'%s' is not in: %s", c->fragment, g->msg);
	if (c->note_line) {
		ck_assert_msg(g->nnotes >= 1, "no note: %s", g->msg);
		ck_assert_uint_eq(g->notes[0].pos.line, c->note_line);
		ck_assert_uint_eq(g->notes[0].pos.col, c->note_col);
	}
}
END_TEST

/* A source replicating into n buckets, delete markers too: the generated
 * role's policy has a statement a destination. 60 fit IAM's 10,240
 * characters, 70 do not. */
static void load_fan_out(int n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: fan\nbuckets:\n  src: {region: us-east-1}\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "  d%d: {region: us-west-2}\n", i);
	buf_puts(&b, "replication:\n  - source: src\n    rules:\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "      - {id: r%d, destination: d%d, delete_markers: true}\n", i, i);
	load(b.data);
	buf_free(&b);
}

START_TEST(test_role_policy_size)
{
	load_fan_out(70);
	const struct crrc_diag *g = expect_only(CRRC_E073, 76, 13);
	ck_assert_msg(strstr(g->msg, "10240"), "%s", g->msg);
	teardown();
	load_fan_out(60);
	ck_assert_uint_eq(diags_count(diags), 0);
}
END_TEST

/* Every S3 naming rule, each named in the message. */
static const struct {
	const char *name, *fragment;
} bad_names[] = {
	{"ab", "2 characters"},
	{"a123456789012345678901234567890123456789012345678901234567890123", "64 characters"},
	{"My-bucket", "'M'"},
	{"-abc", "begins with '-'"},
	{"abc.", "ends with '.'"},
	{"a..b", "adjacent periods"},
	{"192.168.5.4", "IP address"},
	{"xn--abc", "'xn--'"},
	{"sthree-abc", "'sthree-'"},
	{"amzn-s3-demo-abc", "'amzn-s3-demo-'"},
	{"abc-s3alias", "'-s3alias'"},
	{"abc--ol-s3", "'--ol-s3'"},
	{"abc.mrap", "'.mrap'"},
	{"abc--x-s3", "'--x-s3'"},
	{"abc--table-s3", "'--table-s3'"},
};

START_TEST(test_bucket_name_rule)
{
	char extra[256];
	snprintf(extra, sizeof(extra), "  c:\n    name: \"%s\"\n    region: us-east-1\n",
		 bad_names[_i].name);
	load(extra);
	const struct crrc_diag *g = expect_only(CRRC_E032, 9, 11);
	ck_assert_msg(strstr(g->msg, bad_names[_i].fragment), "'%s' is not in: %s",
		      bad_names[_i].fragment, g->msg);
}
END_TEST

START_TEST(test_default_name_too_long)
{
	/* said at the key the default name is made of, not inside the bucket */
	load("  a-very-long-bucket-key-that-makes-the-default-name-too-long:\n"
	     "    region: us-east-1\n");
	const struct crrc_diag *g = expect_only(CRRC_E032, 8, 3);
	ck_assert_ptr_nonnull(strstr(g->msg, "give the bucket a name:"));
}
END_TEST

static char *repeat(const char *unit, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++)
		buf_puts(&b, unit);
	return buf_detach(&b, NULL);
}

static char *tags_flow(size_t n)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "{");
	for (size_t i = 0; i < n; i++)
		buf_printf(&b, "%st%zu: v", i ? ", " : "", i);
	buf_puts(&b, "}");
	return buf_detach(&b, NULL);
}

START_TEST(test_too_many_tags_bucket)
{
	char *tags = tags_flow(51), extra[2048];
	snprintf(extra, sizeof(extra), "  c:\n    region: us-east-1\n    tags: %s\n", tags);
	free(tags);
	load(extra);
	expect_only(CRRC_E040, 10, 11);
}
END_TEST

START_TEST(test_too_many_tags_merged)
{
	/* 30 top-level tags and 31 own, 10 of them on the same keys: 51. */
	struct buf b = BUF_INIT;
	buf_puts(&b, "  c:\n    region: us-east-1\n    tags: {");
	for (size_t i = 20; i < 51; i++)
		buf_printf(&b, "%st%zu: own", i > 20 ? ", " : "", i);
	buf_puts(&b, "}\ntags: {");
	for (size_t i = 0; i < 30; i++)
		buf_printf(&b, "%st%zu: top", i ? ", " : "", i);
	buf_puts(&b, "}\n");
	char *extra = buf_detach(&b, NULL);
	load(extra);
	free(extra);
	expect_only(CRRC_E040, 10, 11);
	const struct crrc_bucket *c = &model->buckets[2];
	ck_assert_uint_eq(c->tags.n, 51);
	ck_assert_str_eq(c->tags.v[20].value.s, "own"); /* t20: the bucket's value, in place */
	ck_assert_str_eq(c->tags.v[19].value.s, "top");
}
END_TEST

START_TEST(test_too_many_tags_top)
{
	char *tags = tags_flow(51), extra[2048];
	snprintf(extra, sizeof(extra), "tags: %s\n", tags);
	free(tags);
	load(extra);
	expect_only(CRRC_E040, 8, 7); /* once, not once per bucket */
}
END_TEST

START_TEST(test_tag_lengths_in_characters)
{
	char *key = repeat("\xc3\xa9", 128), *value = repeat("\xc3\xa9", 256), extra[4096];
	snprintf(extra, sizeof(extra), "tags:\n  %s: %s\n", key, value);
	load(extra);
	expect_clean(); /* 256 and 512 bytes, but 128 and 256 characters */
	teardown();
	snprintf(extra, sizeof(extra), "tags:\n  %s\xc3\xa9: x\n  k: %s\xc3\xa9\n", key, value);
	load(extra);
	ck_assert_uint_eq(count(CRRC_E037), 1);
	ck_assert_uint_eq(count(CRRC_E038), 1);
	ck_assert_uint_eq(diags_count(diags), 2);
	free(key);
	free(value);
}
END_TEST

START_TEST(test_tag_empty_value_and_unicode)
{
	load("tags:\n  \"team name\": \"\"\n  \xe6\x97\xa5\xe6\x9c\xac: \"a+b-c=d.e_f:g/h@i\"\n");
	expect_clean();
}
END_TEST

START_TEST(test_rule_id_too_long)
{
	char *id = repeat("x", 256), extra[1024];
	snprintf(extra, sizeof(extra), REPL_HEAD("a") RULE("%s", "b"), id);
	free(id);
	load(extra);
	expect_only(CRRC_E053, 11, 13);
}
END_TEST

START_TEST(test_prefix_too_long)
{
	char *prefix = repeat("p", 1025), extra[2048];
	snprintf(extra, sizeof(extra), REPL "        filter:\n          prefix: %s\n", prefix);
	load(extra);
	expect_only(CRRC_E066, 14, 19);
	teardown();
	prefix[1024] = '\0'; /* 1024 bytes: the limit, legal */
	snprintf(extra, sizeof(extra), REPL "        filter:\n          prefix: %s\n", prefix);
	free(prefix);
	load(extra);
	expect_clean();
}
END_TEST

/* --- the resolved model ---------------------------------------------------- */

START_TEST(test_default_names_and_arns)
{
	load("  c:\n    name: explicit-name\n    region: cn-north-1\n");
	expect_clean();
	const struct crrc_bucket *a = &model->buckets[0], *c = &model->buckets[2];
	ck_assert_str_eq(a->name.s, "demo-a");
	ck_assert_uint_eq(a->name.len, 6);
	ck_assert(!a->name.set);
	ck_assert_uint_eq(a->name.pos.line, a->key.pos.line); /* the key it is made of */
	ck_assert_uint_eq(a->name.pos.col, a->key.pos.col);
	ck_assert_str_eq(a->arn, "arn:aws:s3:::demo-a");
	ck_assert(c->name.set);
	ck_assert_str_eq(c->arn, "arn:aws-cn:s3:::explicit-name");
	ck_assert_str_eq(c->reg->partition, "aws-cn");
	ck_assert_uint_eq(c->index, 2);
	ck_assert_int_eq(a->enc, CRRC_SSE_S3);
}
END_TEST

START_TEST(test_default_priorities)
{
	load(REPL "        filter: {prefix: x/}\n" RULE("r2", "b") "        filter: {prefix: y/}\n"
		  RULE("r3", "b") "        filter: {prefix: z/}\n");
	expect_clean();
	const struct crrc_replication *r = &model->replications[0];
	ck_assert_uint_eq(r->nrules, 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(r->rules[i].priority.v, (long long)i + 1);
		ck_assert(!r->rules[i].priority.set);
	}
	ck_assert_ptr_eq(r->src, &model->buckets[0]);
	ck_assert_ptr_eq(model->buckets[0].replication, r);
	ck_assert_ptr_eq(r->rules[0].dest, &model->buckets[1]);
}
END_TEST

START_TEST(test_default_metrics_and_owner)
{
	load(REPL "        rtc: true\n" RULE("r2", "b") "        filter: {prefix: x/}\n"
		  "        owner: source\n");
	expect_clean();
	const struct crrc_rule *r = model->replications[0].rules;
	ck_assert(r[0].metrics.v && !r[0].metrics.set);
	ck_assert(!r[1].metrics.v);
	ck_assert(!r[0].owner_destination && !r[1].owner_destination);
}
END_TEST

START_TEST(test_default_kms)
{
	/* c (sse-kms) replicates into d (sse-kms): SSE-KMS objects by default,
	 * with d's key as the replica key; a (sse-s3) into b: neither. */
	load("  c:\n    region: us-east-1\n    encryption: sse-kms\n    kms_key: " KEY_USE1 "\n"
	     "  d:\n    region: us-west-2\n    encryption: sse-kms\n    kms_key: " KEY_USW2 "\n"
	     "replication:\n  - source: c\n    rules:\n" RULE("r1", "d")
	     "  - source: a\n    rules:\n" RULE("r1", "b"));
	expect_clean();
	const struct crrc_rule *kms = &model->replications[0].rules[0];
	const struct crrc_rule *plain = &model->replications[1].rules[0];
	ck_assert_int_eq(model->buckets[2].enc, CRRC_SSE_KMS);
	ck_assert(kms->sse_kms_objects.v && !kms->sse_kms_objects.set);
	ck_assert_str_eq(kms->replica_kms_key.s, KEY_USW2);
	ck_assert(!kms->replica_kms_key.set);
	ck_assert(!plain->sse_kms_objects.v);
	ck_assert_ptr_null(plain->replica_kms_key.s);
}
END_TEST

START_TEST(test_accounts)
{
	load("  c:\n    region: us-east-1\n    account: media\n"
	     "  d:\n    region: us-west-2\n    account: \"012345678901\"\n"
	     "accounts:\n  media: \"111122223333\"\n");
	expect_clean();
	const struct crrc_bucket *c = &model->buckets[2], *d = &model->buckets[3];
	ck_assert_str_eq(c->account_id, "111122223333");
	ck_assert_str_eq(c->account_alias, "media");
	ck_assert_str_eq(d->account_id, "012345678901");
	ck_assert_ptr_null(d->account_alias);
	ck_assert_ptr_null(model->buckets[0].account_id);
}
END_TEST

START_TEST(test_merged_tags)
{
	load("  c:\n    region: us-east-1\n    tags: {tier: hot, team: media}\n"
	     "tags: {cost: x, tier: cold}\n");
	expect_clean();
	const struct crrc_tags *t = &model->buckets[2].tags;
	ck_assert_uint_eq(t->n, 3);
	ck_assert_str_eq(t->v[0].key.s, "cost");
	ck_assert_str_eq(t->v[1].key.s, "tier");
	ck_assert_str_eq(t->v[1].value.s, "hot");
	ck_assert_str_eq(t->v[2].key.s, "team");
	const struct crrc_tags *a = &model->buckets[0].tags;
	ck_assert_uint_eq(a->n, 2);
	ck_assert_str_eq(a->v[1].value.s, "cold");
}
END_TEST

START_TEST(test_role_generated)
{
	load("  c:\n    region: us-east-1\n    account: \"111122223333\"\n"
	     REPL_HEAD("c") RULE("r1", "b") "  - source: a\n    rules:\n" RULE("r1", "b"));
	expect_clean();
	const struct crrc_replication *c = &model->replications[0], *a = &model->replications[1];
	ck_assert(c->role_generated);
	ck_assert_str_eq(c->role_name, "demo-c-replication");
	ck_assert_str_eq(c->role_arn, "arn:aws:iam::111122223333:role/demo-c-replication");
	ck_assert_str_eq(a->role_name, "demo-a-replication");
	ck_assert_ptr_null(a->role_arn); /* no account known */
}
END_TEST

START_TEST(test_role_given)
{
	load("replication:\n  - source: a\n    role: arn:aws:iam::111122223333:role/svc/existing\n"
	     "    rules:\n" RULE("r1", "b"));
	expect_clean();
	const struct crrc_replication *r = &model->replications[0];
	ck_assert(!r->role_generated);
	ck_assert_str_eq(r->role_name, "existing");
	ck_assert_str_eq(r->role_arn, "arn:aws:iam::111122223333:role/svc/existing");
}
END_TEST

START_TEST(test_role_name_shortened)
{
	const char *spec = "abcdefghijklmnopqrstuvwxyz-12345";        /* 32 */
	const char *key = "source-bucket-with-a-rather-long-logical-name"; /* 45 */
	char yaml[1024], full[256];
	snprintf(yaml, sizeof(yaml),
		 "crrc: 1\nname: %s\nbuckets:\n  %s:\n    region: us-east-1\n"
		 "  b:\n    name: dest-bucket-b\n    region: us-west-2\n"
		 "replication:\n  - source: %s\n    rules:\n" RULE("r1", "b"),
		 spec, key, key);
	snprintf(full, sizeof(full), "%s-%s-replication", spec, key);
	load(yaml);
	/* The default name of the source is too long for S3: that is all. */
	ck_assert_uint_eq(diags_count(diags), 1);
	ck_assert_uint_eq(count(CRRC_E032), 1);
	const char *name = model->replications[0].role_name;
	char want[80];
	snprintf(want, sizeof(want), "%.55s-%08x", full,
		 (unsigned)(crrc_hash(full, strlen(full)) & 0xffffffffu));
	ck_assert_uint_le(strlen(name), CRRC_MAX_ROLE_NAME);
	ck_assert_str_eq(name, want);
	/* Deterministic: the same spec gives the same name. */
	char *first = strdup(name);
	teardown();
	load(yaml);
	ck_assert_str_eq(model->replications[0].role_name, first);
	free(first);
}
END_TEST

START_TEST(test_role_name_64_kept)
{
	/* 64 characters exactly: kept as it is. */
	const char *key = "k234567890123456789012345678901234567890123456789"; /* 49 */
	char yaml[512];
	snprintf(yaml, sizeof(yaml),
		 "crrc: 1\nname: ab\nbuckets:\n  %s:\n    name: src-bucket\n    region: us-east-1\n"
		 "  b:\n    region: us-west-2\nreplication:\n  - source: %s\n    rules:\n"
		 RULE("r1", "b"),
		 key, key);
	load(yaml);
	expect_clean();
	ck_assert_uint_eq(strlen(model->replications[0].role_name), 64);
	ck_assert(strstr(model->replications[0].role_name, "-replication") != NULL);
}
END_TEST

START_TEST(test_partial_model_is_quiet)
{
	/* A bucket without region and a rule without destination: the
	 * loader reports the missing keys, and no pass piles on. */
	load("  c:\n    name: demo-c\n" REPL_HEAD("c") "      - id: r1\n        rtc: true\n"
	     "policies:\n  residency:\n    - prefix: x/\n      regions: [eu-west-1]\n"
	     "  rpo_minutes: 15\n");
	ck_assert_msg(count(CRRC_E023) == 2 && diags_count(diags) == 2, "got:%s", diags_dump());
}
END_TEST

START_TEST(test_streamvision_clean)
{
	const char *root = getenv("CRRC_SOURCE_ROOT");
	char path[4096];
	snprintf(path, sizeof(path), "%s/examples/streamvision.crr.yaml", root ? root : ".");
	diags = diags_create();
	model = crrc_load_file(path, diags);
	ck_assert_msg(model != NULL, "%s did not load:%s", path, diags_dump());
	crrc_resolve(model, diags);
	crrc_check(model, diags);
	/* clean but for what the spec accepts on purpose (# crrc:ignore) */
	for (size_t i = 0; i < diags_count(diags); i++)
		ck_assert_msg(diags_at(diags, i)->ignored, "expected no diagnostic, got:%s",
			      diags_dump());
}
END_TEST

/* --- the residency proof ---------------------------------------------------- */

#define RESIDENCY(prefix)                                                                       \
	"policies:\n  residency:\n    - prefix: " prefix "\n      regions: [eu-west-1, "         \
	"eu-central-1]\n"

START_TEST(test_residency_rule_prefix_longer)
{
	load(REPL "        filter: {prefix: customers/eu/fr/}\n" RESIDENCY("customers/eu/"));
	const struct crrc_diag *g = expect_only(CRRC_E070, 12, 22);
	ck_assert_ptr_nonnull(strstr(g->msg, "under 'customers/eu/fr/' into us-west-2"));
}
END_TEST

START_TEST(test_residency_rule_prefix_shorter)
{
	load(REPL "        filter: {prefix: customers/}\n" RESIDENCY("customers/eu/"));
	const struct crrc_diag *g = expect_only(CRRC_E070, 12, 22);
	ck_assert_ptr_nonnull(strstr(g->msg, "under 'customers/eu/'"));
}
END_TEST

START_TEST(test_residency_no_prefix)
{
	load(REPL RESIDENCY("customers/eu/"));
	expect_only(CRRC_E070, 12, 22);
	teardown();
	/* A policy with the empty prefix covers every object. */
	load(REPL "        filter: {prefix: media/}\n" RESIDENCY("\"\""));
	const struct crrc_diag *g = expect_only(CRRC_E070, 12, 22);
	ck_assert_ptr_nonnull(strstr(g->msg, "under 'media/' into us-west-2"));
	ck_assert_ptr_nonnull(strstr(g->msg, "policy for all objects"));
	teardown();
	/* A policy that lacks its prefix is reported by the loader alone. */
	load(REPL "policies:\n  residency:\n    - regions: [eu-west-1]\n");
	ck_assert_msg(count(CRRC_E023) == 1 && diags_count(diags) == 1, "got:%s", diags_dump());
}
END_TEST

START_TEST(test_residency_disjoint)
{
	load(REPL "        filter: {prefix: customers/us/}\n" RESIDENCY("customers/eu/"));
	expect_clean();
}
END_TEST

START_TEST(test_residency_tags_never_clear)
{
	load(REPL "        filter:\n          prefix: customers/\n          tags: {region: us}\n"
		  RESIDENCY("customers/eu/"));
	expect_only(CRRC_E070, 12, 22);
}
END_TEST

START_TEST(test_residency_allowed_region)
{
	load("  eu:\n    region: eu-central-1\n" REPL_HEAD("a") RULE("r1", "eu")
	     RESIDENCY("customers/eu/"));
	expect_clean();
}
END_TEST

START_TEST(test_residency_disabled_rule)
{
	load(REPL "        enabled: false\n" RESIDENCY("customers/eu/"));
	expect_clean();
}
END_TEST

START_TEST(test_residency_every_rule_and_policy)
{
	/* Two rules break two policies: four errors, one per pair. */
	load(REPL "        filter: {prefix: c/}\n" RULE("r2", "b") "        filter: {prefix: c/x/}\n"
		  "policies:\n  residency:\n    - prefix: c/x/\n      regions: [eu-west-1]\n"
		  "    - prefix: c/\n      regions: [eu-west-1]\n");
	ck_assert_msg(count(CRRC_E070) == 4 && diags_count(diags) == 4, "got:%s", diags_dump());
}
END_TEST

START_TEST(test_residency_bounded)
{
	/* One rule against five policies: three errors, and a note on the
	 * last that there are more. */
	load(REPL "policies:\n  residency:\n"
		  "    - {prefix: a/, regions: [eu-west-1]}\n    - {prefix: b/, regions: [eu-west-1]}\n"
		  "    - {prefix: c/, regions: [eu-west-1]}\n    - {prefix: d/, regions: [eu-west-1]}\n"
		  "    - {prefix: e/, regions: [eu-west-1]}\n");
	ck_assert_msg(count(CRRC_E070) == 3 && diags_count(diags) == 3, "got:%s", diags_dump());
	const struct crrc_diag *last = diags_at(diags, 2);
	ck_assert_uint_eq(last->nnotes, 2);
	ck_assert_ptr_nonnull(strstr(last->notes[1].msg, "further residency policies"));
}
END_TEST

/* --- warnings that must not fire ------------------------------------------ */

START_TEST(test_two_way_with_replica_modifications)
{
	load(REPL "        replica_modifications: true\n"
		  "  - source: b\n    rules:\n" RULE("r2", "a")
		  "        replica_modifications: true\n");
	expect_clean();
}
END_TEST

START_TEST(test_not_shadowed)
{
	/* Lower priority with the broader prefix, a tag the other lacks, or
	 * another destination: each rule still replicates something. */
	load("  c:\n    region: eu-west-1\n"
	     REPL_HEAD("a") RULE("r1", "b") "        priority: 1\n        filter: {prefix: logs/}\n"
	     RULE("r2", "b") "        priority: 2\n        filter: {prefix: logs/app/}\n"
	     RULE("r3", "b") "        priority: 4\n        filter:\n          prefix: x/\n"
	     "          tags: {k: v}\n"
	     RULE("r4", "b") "        priority: 3\n        filter: {prefix: x/y}\n"
	     RULE("r5", "c") "        priority: 0\n        filter: {prefix: logs/app/z}\n");
	expect_clean();
	teardown();
	/* ...but a subset of the tags shadows. */
	load(REPL_HEAD("a") RULE("r1", "b") "        priority: 2\n        filter:\n"
	     "          prefix: x/\n          tags: {k: v}\n"
	     RULE("r2", "b") "        priority: 1\n        filter:\n"
	     "          prefix: x/y/\n          tags: {k: v, j: w}\n");
	expect_only(CRRC_W005, 17, 9);
}
END_TEST

START_TEST(test_chain_not_two_way)
{
	/* A <-> B both ways with replica_modifications, B -> C: a chain. */
	load("  c:\n    region: eu-west-1\n" REPL_HEAD("a") RULE("r1", "b")
	     "        replica_modifications: true\n"
	     "  - source: b\n    rules:\n" RULE("r2", "a") "        replica_modifications: true\n"
	     "        filter: {prefix: x/}\n"
	     RULE("r3", "c") "        filter: {prefix: y/}\n");
	ck_assert_msg(count(CRRC_W002) == 1 && diags_count(diags) == 1, "got:%s", diags_dump());
	ck_assert_uint_eq(find(CRRC_W002)->pos.line, 14);
}
END_TEST

static Suite *passes_suite(void)
{
	Suite *s = suite_create("passes");
	TCase *t = tcase_create("codes");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_loop_test(t, test_code, 0, sizeof(code_cases) / sizeof(code_cases[0]));
	tcase_add_loop_test(t, test_bucket_name_rule, 0, sizeof(bad_names) / sizeof(bad_names[0]));
	tcase_add_test(t, test_default_name_too_long);
	tcase_add_test(t, test_too_many_tags_bucket);
	tcase_add_test(t, test_too_many_tags_merged);
	tcase_add_test(t, test_too_many_tags_top);
	tcase_add_test(t, test_tag_lengths_in_characters);
	tcase_add_test(t, test_tag_empty_value_and_unicode);
	tcase_add_test(t, test_rule_id_too_long);
	tcase_add_test(t, test_prefix_too_long);
	tcase_add_test(t, test_role_policy_size);
	suite_add_tcase(s, t);

	t = tcase_create("model");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_default_names_and_arns);
	tcase_add_test(t, test_default_priorities);
	tcase_add_test(t, test_default_metrics_and_owner);
	tcase_add_test(t, test_default_kms);
	tcase_add_test(t, test_accounts);
	tcase_add_test(t, test_merged_tags);
	tcase_add_test(t, test_role_generated);
	tcase_add_test(t, test_role_given);
	tcase_add_test(t, test_role_name_shortened);
	tcase_add_test(t, test_role_name_64_kept);
	tcase_add_test(t, test_partial_model_is_quiet);
	tcase_add_test(t, test_streamvision_clean);
	suite_add_tcase(s, t);

	t = tcase_create("residency");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_residency_rule_prefix_longer);
	tcase_add_test(t, test_residency_rule_prefix_shorter);
	tcase_add_test(t, test_residency_no_prefix);
	tcase_add_test(t, test_residency_disjoint);
	tcase_add_test(t, test_residency_tags_never_clear);
	tcase_add_test(t, test_residency_allowed_region);
	tcase_add_test(t, test_residency_disabled_rule);
	tcase_add_test(t, test_residency_every_rule_and_policy);
	tcase_add_test(t, test_residency_bounded);
	suite_add_tcase(s, t);

	t = tcase_create("quiet");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_two_way_with_replica_modifications);
	tcase_add_test(t, test_not_shadowed);
	tcase_add_test(t, test_chain_not_two_way);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(passes_suite());
}
