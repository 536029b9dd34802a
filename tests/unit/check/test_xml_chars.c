/* test_xml_chars.c: E027. Every string that reaches S3 in an XML document
 * (rule ids, filter prefixes and tags, storage classes, replica and bucket
 * KMS keys, the role ARN, bucket tags) refuses the characters XML 1.0 does
 * not have, which YAML escapes can write: control characters but tab, line
 * feed and carriage return, U+FFFE and U+FFFF. The characters XML allows
 * (tab, NEL, U+FFFD, the last plane) pass; a surrogate escape is refused by
 * the YAML parser itself. Each bad string is reported once, at the string. */
#include <string.h>

#include "check_helpers.h"

/* Lines 1-8; a rule follows at line 9 (id at 9:13), its keys from line 11
 * at column 9. */
#define HEAD                                                                                    \
	"crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n  b: {region: us-west-2}\n"   \
	"replication:\n  - source: a\n    rules:\n"
#define RULE(id) "      - id: " id "\n        destination: b\n"

struct xml_case {
	const char *yaml;
	unsigned line, col;
	const char *fragment;
	size_t others; /* diagnostics of other codes the value also earns */
};

static const struct xml_case cases[] = {
	{HEAD RULE("\"r\\u0007\""), 9, 13, "rule id 'r\a' contains U+0007 (character 2)", 0},
	{HEAD RULE("r1") "        filter: {prefix: \"x/\\u001F\"}\n", 11, 26,
	 "filter prefix 'x/\x1f' contains U+001F (character 3)", 0},
	{HEAD RULE("r1") "        filter: {tags: {\"k\\x1b\": v}}\n", 11, 25,
	 "tag key 'k\x1b' contains U+001B", 0},
	{HEAD RULE("r1") "        filter: {tags: {k: \"\\uFFFF\"}}\n", 11, 28,
	 "tag value '\xef\xbf\xbf' contains U+FFFF (character 1)", 0},
	{HEAD RULE("r1") "        storage_class: \"GLACIER\\a\"\n", 11, 24,
	 "storage class 'GLACIER\a' contains U+0007 (character 8)", 1},
	/* E044 too, and E074: the source has no key to decrypt with */
	{HEAD RULE("r1") "        sse_kms_objects: true\n        replica_kms_key: "
			 "\"arn:aws:kms:us-west-2:111122223333:key/a\\uFFFEb\"\n",
	 12, 26, "replica KMS key", 2},
	{"crrc: 1\nname: demo\nbuckets:\n  a: {region: us-east-1}\n  b: {region: us-west-2}\n"
	 "replication:\n  - source: a\n    role: \"arn:aws:iam::111122223333:role/r\\u0001\"\n"
	 "    rules:\n" RULE("r1"),
	 8, 11, "role ARN", 1},
	{"crrc: 1\nname: demo\nbuckets:\n  a:\n    region: us-east-1\n    encryption: sse-kms\n"
	 "    kms_key: \"arn:aws:kms:us-east-1:111122223333:key/\\b\"\n",
	 7, 14, "S3 reads the encryption configuration as XML", 1},
	{"crrc: 1\nname: demo\nbuckets:\n  a:\n    region: us-east-1\n"
	 "    tags: {team: \"a\\vb\"}\n",
	 6, 18, "tag value 'a\vb' contains U+000B", 0},
	{"crrc: 1\nname: demo\ntags: {\"t\\u0007\": x}\nbuckets:\n  a: {region: us-east-1}\n"
	 "  b: {region: us-west-2}\n",
	 3, 8, "S3 reads the bucket tagging as XML", 0},
};

START_TEST(test_xml_character)
{
	const struct xml_case *c = &cases[_i];
	spec_check(c->yaml);
	ck_assert_msg(count(CRRC_E027) == 1 && diags_count(diags) == 1 + c->others,
		      "expected one E027 and %zu other(s), got:%s", c->others, diags_dump());
	const struct crrc_diag *g = find(CRRC_E027);
	ck_assert_msg(g->pos.line == c->line && g->pos.col == c->col, "E027 at %u:%u, got:%s",
		      c->line, c->col, diags_dump());
	ck_assert_msg(strstr(g->msg, c->fragment), "'%s' is not in: %s", c->fragment, g->msg);
}
END_TEST

START_TEST(test_xml_allows)
{
	/* tab, NEL (XML 1.0 allows U+0080-U+009F), U+FFFD and the last
	 * plane's last code point */
	spec_check(HEAD RULE("\"r\\tx\"") "        filter: {prefix: \"a\\u0085\\uFFFD\\U0010FFFF\"}\n");
	expect_clean();
}
END_TEST

START_TEST(test_surrogate_refused_by_yaml)
{
	/* valid UTF-8 holds no surrogate, and libyaml refuses the escape */
	struct crrc_diags *d = diags_create();
	const char *yaml = HEAD RULE("\"r\\uD800\"");
	struct crrc_model *m = crrc_load_buffer("t.crr.yaml", yaml, strlen(yaml), d);
	ck_assert_uint_eq(diags_count(d), 1);
	ck_assert_str_eq(crrc_code_name(diags_at(d, 0)->code), "E006");
	crrc_model_destroy(m);
	diags_destroy(d);
}
END_TEST

static Suite *xml_suite(void)
{
	Suite *s = suite_create("xml-chars");
	TCase *t = tcase_create("e027");
	tcase_add_checked_fixture(t, NULL, spec_teardown);
	tcase_add_loop_test(t, test_xml_character, 0, sizeof(cases) / sizeof(cases[0]));
	tcase_add_test(t, test_xml_allows);
	tcase_add_test(t, test_surrogate_refused_by_yaml);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(xml_suite());
}
