/* test_iam_exact.c: the IAM documents grant exactly what the rules need
 * and name every statement once (issue 11): statement ids against keys
 * built to collide; s3:ReplicateDelete only into destinations where a rule
 * replicates delete markers. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/uniq.h"
#include "model/iam.h"
#include "iam_helpers.h"
#include "model_helpers.h"

static struct spec S;
static json_t *doc;

static void teardown(void)
{
	json_decref(doc);
	doc = NULL;
	spec_free(&S);
}

static json_t *role_policy_of(const char *source)
{
	const struct ds_replication *r = ds_replication_of(S.ds, source);
	ck_assert_ptr_nonnull(r);
	return iam_role_policy(r);
}

#define RULE(id, dest) "      - id: " id "\n        destination: " dest "\n"
#define KEY_X "arn:aws:kms:us-west-2:111111111111:key/11111111-1111-1111-1111-111111111111"
#define ALIAS_X "arn:aws:kms:us-west-2:111111111111:alias/x"
#define SRC_KEY "arn:aws:kms:us-east-1:111111111111:key/00000000-1111-1111-1111-111111111111"
#define SRC_KMS "encryption: sse-kms, kms_key: \"" SRC_KEY "\""

/* ---- statement ids ---- */

/* "x" by alias makes EncryptForXByAlias, as "x-by-alias" by ARN would: the
 * later takes the hash of its key. */
START_TEST(sid_suffix_meets_key)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n  src: {region: us-east-1, " SRC_KMS "}\n"
		  "  x: {region: us-west-2}\n  x-by-alias: {region: us-west-2}\n"
		  "replication:\n  - source: src\n    rules:\n"
		  RULE("a", "x") "        replica_kms_key: " ALIAS_X "\n"
		  RULE("b", "x-by-alias") "        replica_kms_key: " KEY_X "\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	char want[64];
	snprintf(want, sizeof(want), "EncryptForXByAlias%08x", (unsigned)uniq_hash("x-by-alias", 0));
	STRINGS_ARE(json_object_get(stmt(doc, "EncryptForXByAlias"), "Resource"),
		    "arn:aws:kms:us-west-2:111111111111:key/*");
	STRINGS_ARE(json_object_get(stmt(doc, want), "Resource"), KEY_X);
}
END_TEST

/* A key whose plain id is the hashed id another key would take: that one
 * takes its key's hash with a counter; never an empty Sid. */
START_TEST(sid_hash_met_by_plain)
{
	char spec[1024], key[32], want[64];
	snprintf(key, sizeof(key), "a1%08x", (unsigned)uniq_hash("a1", 0));
	snprintf(spec, sizeof(spec),
		 "crrc: 1\nname: demo\nbuckets:\n  src: {region: us-east-1}\n"
		 "  %s: {region: us-west-2}\n  a-1: {region: us-west-2}\n  a1: {region: us-west-2}\n"
		 "replication:\n  - source: src\n    rules:\n"
		 RULE("r1", "%s") RULE("r2", "a-1") RULE("r3", "a1"),
		 key, key);
	spec_load(&S, spec, true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	snprintf(want, sizeof(want), "ReplicateToA1%08x", (unsigned)uniq_hash("a1", 1));
	char sids[256];
	snprintf(sids, sizeof(sids),
		 "SourceSrcBucket SourceSrcObjects ReplicateToA1%08x ReplicateToA1 %s",
		 (unsigned)uniq_hash("a1", 0), want);
	sids_are(doc, sids);
	STRINGS_ARE(json_object_get(stmt(doc, want), "Resource"), "arn:aws:s3:::demo-a1/*");
}
END_TEST

/* ---- s3:ReplicateDelete ---- */

#define ACCOUNTS "accounts:\n  prod: \"111111111111\"\n  vault: \"222222222222\"\n"

/* s3:ReplicateDelete where a rule into the destination replicates delete
 * markers, and only there: in the role, and in the policy of a destination
 * in another account, entry by entry. */
START_TEST(replicate_delete_where_delete_markers)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src: {region: us-east-1, account: prod}\n"
		  "  src2: {region: us-east-2, account: prod}\n"
		  "  x: {region: us-west-2, account: vault}\n"
		  "  y: {region: us-west-1, account: prod}\n"
		  "replication:\n  - source: src\n    rules:\n"
		  RULE("keep", "x") RULE("mirror", "x") "        delete_markers: true\n"
		  RULE("tags", "y") "        filter: {tags: {k: v}}\n"
		  RULE("off", "y") "        delete_markers: false\n"
		  "  - source: src2\n    rules:\n" RULE("r", "x") "        owner: destination\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToX"), "Action"), "s3:ReplicateObject",
		    "s3:ReplicateDelete", "s3:ReplicateTags");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToY"), "Action"), "s3:ReplicateObject",
		    "s3:ReplicateTags");
	json_decref(doc);
	doc = role_policy_of("src2");
	ck_assert(!has_action(doc, "s3:ReplicateDelete"));
	json_decref(doc);
	doc = iam_bucket_policy(ds_bucket_of(S.ds, "x"));
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateFromSrc"), "Action"), "s3:ReplicateObject",
		    "s3:ReplicateDelete", "s3:ReplicateTags");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateFromSrc2"), "Action"), "s3:ReplicateObject",
		    "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner");
	/* the desired state says so, for every back end */
	const struct ds_replication *r = ds_replication_of(S.ds, "src");
	ck_assert(r->dests[0].delete_markers && !r->dests[1].delete_markers);
	ck_assert(ds_bucket_of(S.ds, "x")->admits[0].delete_markers);
	ck_assert(!ds_bucket_of(S.ds, "x")->admits[1].delete_markers);
}
END_TEST

static Suite *exact_suite(void)
{
	Suite *s = suite_create("iam_exact");
	TCase *t = tcase_create("sids");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, sid_suffix_meets_key);
	tcase_add_test(t, sid_hash_met_by_plain);
	suite_add_tcase(s, t);
	t = tcase_create("actions");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, replicate_delete_where_delete_markers);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(exact_suite());
}
