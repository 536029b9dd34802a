/* test_hcl.c: unit tests of hcl.c: string escaping (every string from a
 * spec must stay a literal in HCL, template sequences included), object
 * keys, and the writer's layout (the `=` alignment and blank lines of
 * `terraform fmt`, jsonencode bodies). */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "emit/terraform/hcl.h"
#include "check_main.h"

static struct buf out;

static void teardown(void)
{
	buf_free(&out);
}

static const char *escaped(const char *s, size_t len)
{
	buf_free(&out);
	hcl_escape(&out, s, len);
	return out.data ? out.data : "";
}

#define ESC(s) escaped(s, sizeof(s) - 1)

START_TEST(escape_plain)
{
	ck_assert_str_eq(ESC("media/2024"), "media/2024");
	ck_assert_str_eq(ESC(""), "");
	ck_assert_str_eq(ESC("données"), "données");
}
END_TEST

START_TEST(escape_quote_backslash)
{
	ck_assert_str_eq(ESC("a\"b"), "a\\\"b");
	ck_assert_str_eq(ESC("a\\b"), "a\\\\b");
	ck_assert_str_eq(ESC("\\"), "\\\\");
	ck_assert_str_eq(ESC("\\\""), "\\\\\\\"");
}
END_TEST

START_TEST(escape_controls)
{
	ck_assert_str_eq(ESC("a\nb\rc\td"), "a\\nb\\rc\\td");
	ck_assert_str_eq(ESC("\x01\x1b\x1f\x7f"), "\\u0001\\u001b\\u001f\\u007f");
	ck_assert_str_eq(escaped("a\0b", 3), "a\\u0000b");
	/* C1 controls (U+0080..U+009F) are escaped; other characters kept. */
	ck_assert_str_eq(ESC("x\xc2\x85y\xc2\xa0z"), "x\\u0085y\xc2\xa0z");
}
END_TEST

START_TEST(escape_templates)
{
	ck_assert_str_eq(ESC("${var.x}"), "$${var.x}");
	ck_assert_str_eq(ESC("%{ if true }"), "%%{ if true }");
	/* Already doubled sequences are literal text too: each "${" gains a "$". */
	ck_assert_str_eq(ESC("$${x}"), "$$${x}");
	ck_assert_str_eq(ESC("%%{x}"), "%%%{x}");
	/* A lone $ or % is no sequence. */
	ck_assert_str_eq(ESC("$ % $x %x {}"), "$ % $x %x {}");
	ck_assert_str_eq(ESC("100%"), "100%");
	ck_assert_str_eq(ESC("a$"), "a$");
}
END_TEST

START_TEST(escape_hostile)
{
	ck_assert_str_eq(ESC("${file(\"/etc/passwd\")}\"%{x}\\"),
			 "$${file(\\\"/etc/passwd\\\")}\\\"%%{x}\\\\");
}
END_TEST

START_TEST(quote_wraps)
{
	hcl_quote(&out, "a\"", 2);
	ck_assert_str_eq(out.data, "\"a\\\"\"");
}
END_TEST

START_TEST(keys)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{"Version", "Version"},
		{"owner", "owner"},
		{"_x9", "_x9"},
		{"cost-center", "\"cost-center\""},
		{"kms:ViaService", "\"kms:ViaService\""},
		{"team name", "\"team name\""},
		{"9lives", "\"9lives\""},
		{"true", "\"true\""},
		{"null", "\"null\""},
		{"for", "\"for\""},
		{"if", "\"if\""},
		{"", "\"\""},
		{"${x}", "\"$${x}\""},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		buf_free(&out);
		hcl_key(&out, cases[i].in, strlen(cases[i].in));
		ck_assert_msg(out.data && strcmp(out.data, cases[i].want) == 0,
			      "key %s: got %s, want %s", cases[i].in, out.data, cases[i].want);
	}
}
END_TEST

START_TEST(writer_aligns_and_spaces)
{
	struct hcl h;
	hcl_init(&h, &out);
	hcl_comment(&h, "Generated\x1b[31m");
	hcl_block(&h, "resource \"aws_s3_bucket\" \"a\"");
	hcl_attr(&h, "provider", "aws.us_east_1");
	hcl_attr_str(&h, "bucket", "b", 1);
	hcl_block_empty(&h, "filter");
	hcl_attr(&h, "x", "1");
	hcl_attr_open(&h, "tags", "{");
	hcl_entry_str(&h, "cost-center", 11, "m", 1);
	hcl_entry_str(&h, "équipe", strlen("équipe"), "d", 1);
	hcl_entry_str(&h, "k", 1, "${v}", 4);
	hcl_attr_close(&h, "}");
	hcl_block(&h, "versioning_configuration");
	hcl_attr(&h, "status", "\"Enabled\"");
	hcl_end(&h);
	hcl_end(&h);
	hcl_block(&h, "output \"o\"");
	hcl_attr_open(&h, "depends_on", "[");
	hcl_item(&h, "a.b");
	hcl_attr_close(&h, "]");
	hcl_end(&h);
	hcl_finish(&h);
	ck_assert_str_eq(out.data, "# Generated\\x1b[31m\n"
				   "\n"
				   "resource \"aws_s3_bucket\" \"a\" {\n"
				   "  provider = aws.us_east_1\n"
				   "  bucket   = \"b\"\n"
				   "\n"
				   "  filter {}\n"
				   "\n"
				   "  x = 1\n"
				   "\n"
				   "  tags = {\n"
				   "    \"cost-center\" = \"m\"\n"
				   "    \"équipe\"      = \"d\"\n"
				   "    k             = \"$${v}\"\n"
				   "  }\n"
				   "\n"
				   "  versioning_configuration {\n"
				   "    status = \"Enabled\"\n"
				   "  }\n"
				   "}\n"
				   "\n"
				   "output \"o\" {\n"
				   "  depends_on = [\n"
				   "    a.b,\n"
				   "  ]\n"
				   "}\n");
}
END_TEST

static const char *subst(void *ctx, const char *s, size_t len)
{
	(void)ctx;
	return len == 3 && memcmp(s, "ARN", 3) == 0 ? "aws_s3_bucket.a.arn" : NULL;
}

START_TEST(writer_jsonencode)
{
	json_error_t err;
	json_t *v = json_loads("{\"Version\": \"2012-10-17\", \"Statement\": [{\"Sid\": \"A\","
			       " \"Effect\": \"Allow\", \"Resource\": \"ARN\", \"N\": 3,"
			       " \"B\": true, \"Z\": null, \"E\": [], \"O\": {},"
			       " \"Condition\": {\"StringLike\": {\"kms:x\": [\"ARN\", \"${a}\"]}}}]}",
			       0, &err);
	ck_assert_ptr_nonnull(v);
	struct hcl h;
	hcl_init(&h, &out);
	hcl_block(&h, "resource \"r\" \"n\"");
	hcl_attr(&h, "provider", "p");
	hcl_attr_jsonencode(&h, "policy", v, subst, NULL);
	hcl_attr_jsonencode(&h, "scalar", json_object_get(v, "Version"), NULL, NULL);
	hcl_end(&h);
	hcl_finish(&h);
	json_decref(v);
	ck_assert_str_eq(out.data, "resource \"r\" \"n\" {\n"
				   "  provider = p\n"
				   "\n"
				   "  policy = jsonencode({\n"
				   "    Version = \"2012-10-17\"\n"
				   "    Statement = [\n"
				   "      {\n"
				   "        Sid      = \"A\"\n"
				   "        Effect   = \"Allow\"\n"
				   "        Resource = aws_s3_bucket.a.arn\n"
				   "        N        = 3\n"
				   "        B        = true\n"
				   "        Z        = null\n"
				   "        E        = []\n"
				   "        O        = {}\n"
				   "        Condition = {\n"
				   "          StringLike = {\n"
				   "            \"kms:x\" = [\n"
				   "              aws_s3_bucket.a.arn,\n"
				   "              \"$${a}\",\n"
				   "            ]\n"
				   "          }\n"
				   "        }\n"
				   "      },\n"
				   "    ]\n"
				   "  })\n"
				   "\n"
				   "  scalar = jsonencode(\"2012-10-17\")\n"
				   "}\n");
}
END_TEST

static Suite *hcl_suite(void)
{
	Suite *s = suite_create("hcl");
	TCase *tc = tcase_create("escape");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, escape_plain);
	tcase_add_test(tc, escape_quote_backslash);
	tcase_add_test(tc, escape_controls);
	tcase_add_test(tc, escape_templates);
	tcase_add_test(tc, escape_hostile);
	tcase_add_test(tc, quote_wraps);
	tcase_add_test(tc, keys);
	suite_add_tcase(s, tc);
	tc = tcase_create("writer");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, writer_aligns_and_spaces);
	tcase_add_test(tc, writer_jsonencode);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return check_main(hcl_suite());
}
