/* test_grants.c: the checks of what a replication role can be granted
 * (issue 11), each at its line and column, with the cases that must stay
 * quiet: E074 (SSE-KMS objects from a source without a key, for the role
 * crrc generates), E075 (an AWS managed key the role must decrypt or
 * encrypt with), E076 (an owner override from a source of unknown
 * account). */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "check_main.h"

static char *text;
static struct crrc_model *model;
static struct crrc_diags *diags;

static void teardown(void)
{
	crrc_model_destroy(model);
	diags_destroy(diags);
	free(text);
	model = NULL, diags = NULL, text = NULL;
}

static void load(const char *spec)
{
	text = strdup(spec);
	diags = diags_create();
	model = crrc_load_buffer("grants.crr.yaml", text, strlen(text), diags);
	ck_assert_ptr_nonnull(model);
	crrc_resolve(model, diags);
	crrc_check(model, diags);
}

static const char *dump(void)
{
	static char out[4096];
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; i < diags_count(diags) && at < sizeof(out) - 1; i++) {
		const struct crrc_diag *g = diags_at(diags, i);
		int n = snprintf(out + at, sizeof(out) - at, "\n  %s %u:%u %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return out;
}

/* The diagnostics are exactly n of code, the first at line:col, with
 * fragment in its message; a note at note_line when note_line > 0. */
static void expect(enum crrc_code code, size_t n, unsigned line, unsigned col,
		   const char *fragment, unsigned note_line)
{
	ck_assert_msg(diags_count(diags) == n, "want %zu %s, got:%s", n, crrc_code_name(code),
		      dump());
	for (size_t i = 0; i < n; i++)
		ck_assert_msg(diags_at(diags, i)->code == code, "want %s, got:%s",
			      crrc_code_name(code), dump());
	const struct crrc_diag *g = diags_at(diags, 0);
	ck_assert_msg(g->pos.line == line && g->pos.col == col, "want %u:%u, got:%s", line, col,
		      dump());
	ck_assert_msg(strstr(g->msg, fragment), "'%s' not in: %s", fragment, g->msg);
	if (note_line) {
		ck_assert_uint_ge(g->nnotes, 1);
		ck_assert_uint_eq(g->notes[0].pos.line, note_line);
	}
}

static void expect_clean(void)
{
	ck_assert_msg(diags_count(diags) == 0, "want nothing, got:%s", dump());
}

#define SRC_KEY "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define DST_KEY "arn:aws:kms:us-west-2:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
#define SRC_MANAGED "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"
#define DST_MANAGED "arn:aws:kms:us-west-2:111122223333:alias/aws/s3"

/* Lines 1-7: an SSE-S3 source a and a destination b; entries follow, rules
 * of three lines (a prefix each, so that none shadows another). */
#define BASE(src_extra, dst_extra)                                                              \
	"crrc: 1\nname: demo\nbuckets:\n"                                                       \
	"  a:\n    region: us-east-1\n" src_extra                                               \
	"  b:\n    region: us-west-2\n" dst_extra
#define PLAIN BASE("", "")
#define ENTRY "replication:\n  - source: a\n    rules:\n"
#define RULE(id) "      - id: " id "\n        destination: b\n        filter: {prefix: " id "/}\n"

/* ---- E074 ---- */

START_TEST(e074_sse_s3_source)
{
	load(PLAIN ENTRY RULE("r1") "        sse_kms_objects: true\n"
	     "        replica_kms_key: " DST_KEY "\n");
	expect(CRRC_E074, 1, 14, 26, "has no KMS key", 5);
}
END_TEST

/* Every rule that asks for SSE-KMS objects is reported, at its line. */
START_TEST(e074_each_rule)
{
	load(PLAIN ENTRY RULE("r1") "        sse_kms_objects: true\n"
	     "        replica_kms_key: " DST_KEY "\n" RULE("r2") "        sse_kms_objects: false\n"
	     RULE("r3") "        sse_kms_objects: true\n        replica_kms_key: " DST_KEY "\n");
	expect(CRRC_E074, 2, 14, 26, "rule 'r1'", 0);
	ck_assert_uint_eq(diags_at(diags, 1)->pos.line, 23);
}
END_TEST

/* Quiet: a source with its key; a role of one's own, which may decrypt
 * keys the spec does not name; an sse-kms source without a key is E042
 * alone. */
START_TEST(e074_quiet)
{
	load(BASE("    encryption: sse-kms\n    kms_key: " SRC_KEY "\n", "") ENTRY RULE("r1")
	     "        sse_kms_objects: true\n        replica_kms_key: " DST_KEY "\n");
	expect_clean();
	teardown();
	load(PLAIN "replication:\n  - source: a\n    role: arn:aws:iam::111122223333:role/mine\n"
	     "    rules:\n" RULE("r1") "        sse_kms_objects: true\n"
	     "        replica_kms_key: " DST_KEY "\n");
	expect_clean();
	teardown();
	load(BASE("    encryption: sse-kms\n", "") ENTRY RULE("r1")
	     "        replica_kms_key: " DST_KEY "\n");
	expect(CRRC_E042, 1, 6, 17, "no kms_key", 0);
}
END_TEST

/* ---- E075 ---- */

/* A replica key given as AWS managed: at the key. */
START_TEST(e075_replica_key)
{
	load(BASE("    encryption: sse-kms\n    kms_key: " SRC_KEY "\n", "") ENTRY RULE("r1")
	     "        replica_kms_key: " DST_MANAGED "\n");
	expect(CRRC_E075, 1, 16, 26, "AWS managed key", 0);
}
END_TEST

/* The destination's own key, AWS managed, taken as the replica key: at
 * the rule, with a note at the destination's key. */
START_TEST(e075_destination_key_taken)
{
	load(BASE("    encryption: sse-kms\n    kms_key: " SRC_KEY "\n",
		  "    encryption: sse-kms\n    kms_key: " DST_MANAGED "\n") ENTRY RULE("r1"));
	expect(CRRC_E075, 1, 15, 9, "rule 'r1'", 11);
}
END_TEST

/* A source encrypted with an AWS managed key whose objects are
 * replicated: once, at its key, whatever the number of rules. */
START_TEST(e075_source_key)
{
	load(BASE("    encryption: sse-kms\n    kms_key: " SRC_MANAGED "\n", "") ENTRY RULE("r1")
	     "        replica_kms_key: " DST_KEY "\n" RULE("r2")
	     "        replica_kms_key: " DST_KEY "\n");
	expect(CRRC_E075, 1, 7, 14, "decrypt", 13);
}
END_TEST

/* Quiet: AWS managed keys no role uses (the source's objects left out,
 * the destination's key unused), and aliases that only look alike. */
START_TEST(e075_quiet)
{
	load(BASE("    encryption: sse-kms\n    kms_key: " SRC_MANAGED "\n",
		  "    encryption: sse-kms\n    kms_key: " DST_MANAGED "\n")
	     ENTRY RULE("r1") "        sse_kms_objects: false\n");
	expect_clean();
	teardown();
	load(BASE("    encryption: sse-kms\n"
		  "    kms_key: arn:aws:kms:us-east-1:111122223333:alias/awsome\n",
		  "") ENTRY RULE("r1")
	     "        replica_kms_key: arn:aws:kms:us-west-2:111122223333:alias/aws-s3\n");
	expect_clean();
}
END_TEST

/* ---- E076 ---- */

#define ACCOUNT_B BASE("", "    account: \"444455556666\"\n")

START_TEST(e076_source_without_account)
{
	load(ACCOUNT_B ENTRY RULE("r1") RULE("r2") "        owner: destination\n" RULE("r3")
	     "        owner: destination\n");
	expect(CRRC_E076, 1, 10, 13, "no account", 18);
}
END_TEST

/* Quiet: a source with an account, or one whose account is wrong (E036
 * alone); no override. */
START_TEST(e076_quiet)
{
	load(BASE("    account: \"111122223333\"\n", "    account: \"444455556666\"\n") ENTRY
	     RULE("r1") "        owner: destination\n");
	expect_clean();
	teardown();
	load(BASE("    account: nobody\n", "    account: \"444455556666\"\n") ENTRY RULE("r1")
	     "        owner: destination\n");
	expect(CRRC_E036, 1, 6, 14, "nobody", 0);
	teardown();
	load(ACCOUNT_B ENTRY RULE("r1"));
	expect_clean();
}
END_TEST

int main(void)
{
	Suite *s = suite_create("grants");
	TCase *tc = tcase_create("grants");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, e074_sse_s3_source);
	tcase_add_test(tc, e074_each_rule);
	tcase_add_test(tc, e074_quiet);
	tcase_add_test(tc, e075_replica_key);
	tcase_add_test(tc, e075_destination_key_taken);
	tcase_add_test(tc, e075_source_key);
	tcase_add_test(tc, e075_quiet);
	tcase_add_test(tc, e076_source_without_account);
	tcase_add_test(tc, e076_quiet);
	suite_add_tcase(s, tc);
	return check_main(s);
}
