/* test_iam.c: unit tests of the IAM documents (model/iam.h) made from the
 * desired state of specs given as strings: the trust policy, the role's
 * permissions (source, destinations, KMS keys by ARN and by alias, in every
 * partition), the bucket policies of cross-account destinations and the
 * policy of a Multi-Region Access Point; never
 * a wildcard action nor a bare "*" resource; partial models. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "base/buf.h"
#include "base/strmap.h"
#include "check/check.h"
#include "load/load.h"
#include "model/iam.h"
#include "model/resolve.h"
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

/* ---- the trust policy ---- */

START_TEST(test_trust_policy)
{
	doc = iam_trust_policy();
	json_t *list = statements(doc);
	ck_assert_uint_eq(json_array_size(list), 1);
	json_t *st = json_array_get(list, 0);
	ck_assert_str_eq(str_of(json_object_get(st, "Principal"), "Service"), "s3.amazonaws.com");
	ck_assert_str_eq(str_of(st, "Action"), "sts:AssumeRole");
	ck_assert_ptr_null(json_object_get(st, "Resource"));
	json_is(doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
		     "\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
		     "\"Action\":\"sts:AssumeRole\"}]}");
}
END_TEST

/* ---- the role policy ---- */

#define RULE(id, dest) "      - id: " id "\n        destination: " dest "\n"
#define ACCOUNTS "accounts:\n  prod: \"111111111111\"\n  vault: \"222222222222\"\n"

START_TEST(test_role_policy_same_account)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src: {region: us-east-1, account: prod}\n"
		  "  x: {region: us-west-2, account: prod}\n"
		  "  y: {region: eu-west-1}\n"
		  "replication:\n  - source: src\n    rules:\n"
		  RULE("r1", "x") RULE("r2", "y") RULE("r3", "x") "        delete_markers: true\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	sids_are(doc, "SourceSrcBucket SourceSrcObjects ReplicateToX ReplicateToY");
	json_t *st = stmt(doc, "SourceSrcBucket");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:GetReplicationConfiguration",
		    "s3:ListBucket");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::demo-src");
	st = stmt(doc, "SourceSrcObjects");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:GetObjectVersionForReplication",
		    "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::demo-src/*");
	st = stmt(doc, "ReplicateToX");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:ReplicateObject", "s3:ReplicateDelete",
		    "s3:ReplicateTags");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::demo-x/*");
	ck_assert_ptr_null(json_object_get(st, "Condition"));
	ck_assert_ptr_null(json_object_get(st, "Principal"));
	/* no rule into y replicates delete markers: no s3:ReplicateDelete */
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToY"), "Action"), "s3:ReplicateObject",
		    "s3:ReplicateTags");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToY"), "Resource"),
		    "arn:aws:s3:::demo-y/*");
	ck_assert(!has_action(doc, "kms:Decrypt"));
	ck_assert(!has_action(doc, "kms:Encrypt"));
	ck_assert(!has_action(doc, "s3:ObjectOwnerOverrideToBucketOwner"));
	/* no bucket policy: every destination is in the source's account or
	 * in an unknown one */
	for (size_t i = 0; i < S.ds->nbuckets; i++)
		ck_assert_ptr_null(iam_bucket_policy(&S.ds->buckets[i]));
	ck_assert_ptr_null(iam_bucket_policy(NULL));
	ck_assert_ptr_null(iam_role_policy(NULL));
}
END_TEST

START_TEST(test_role_policy_object_lock)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n"
		  "  src: {region: us-east-1, object_lock: true}\n"
		  "  dst: {region: us-west-2, object_lock: true}\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst"),
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	STRINGS_ARE(json_object_get(stmt(doc, "SourceSrcObjects"), "Action"),
		    "s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl",
		    "s3:GetObjectVersionTagging", "s3:GetObjectRetention", "s3:GetObjectLegalHold");
	/* the destination's object lock asks nothing more of the role */
	ck_assert_uint_eq(json_array_size(json_object_get(stmt(doc, "ReplicateToDst"), "Action")),
			  2);
}
END_TEST

#define LEDGER_KEY "arn:aws:kms:eu-west-1:210987654321:key/6f1c2a7e-93b4-4d0a-8e25-1b7f3c9d4e60"
#define VAULT_KEY "arn:aws:kms:eu-central-1:098765432109:key/c3a81f5d-2e47-4b96-a0d8-7e5f19b2c6a4"
#define REPLICA_KEY "arn:aws:kms:eu-central-1:098765432109:key/8b2e4d61-5f3a-4c7e-9d10-a4c6e2f8b735"
#define VAULT_ALIAS "arn:aws:kms:eu-central-1:098765432109:alias/vault-replicas"
#define ROLE_ARN "arn:aws:iam::210987654321:role/nw-ledger-replication"

/* The ledger in payments replicates into a vault in another account, both
 * SSE-KMS; rules follow. */
#define LEDGER_SPEC                                                                             \
	"crrc: 1\nname: nw\n"                                                                   \
	"accounts:\n  payments: \"210987654321\"\n  vault: \"098765432109\"\n"                  \
	"buckets:\n"                                                                            \
	"  ledger:\n    region: eu-west-1\n    account: payments\n    encryption: sse-kms\n"    \
	"    kms_key: " LEDGER_KEY "\n"                                                         \
	"  vault:\n    region: eu-central-1\n    account: vault\n    encryption: sse-kms\n"     \
	"    kms_key: " VAULT_KEY "\n"                                                          \
	"replication:\n  - source: ledger\n    rules:\n"

/* kms:ViaService and the encryption context of bucket arn */
static void kms_condition_is(json_t *st, const char *via, const char *arn)
{
	json_t *cond = json_object_get(st, "Condition");
	ck_assert_str_eq(str_of(json_object_get(cond, "StringEquals"), "kms:ViaService"), via);
	char objects[256];
	snprintf(objects, sizeof(objects), "%s/*", arn);
	const char *const ctx[] = {objects, arn};
	strings_are(json_object_get(json_object_get(cond, "StringLike"),
				    "kms:EncryptionContext:aws:s3:arn"),
		    ctx, 2);
}

START_TEST(test_role_policy_cross_account_kms)
{
	spec_load(&S, LEDGER_SPEC RULE("to-vault", "vault")
		      "        replica_kms_key: " REPLICA_KEY "\n        owner: destination\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("ledger");
	sids_are(doc, "SourceLedgerBucket SourceLedgerObjects ReplicateToVault DecryptLedger "
		      "EncryptForVault");
	json_t *st = stmt(doc, "ReplicateToVault");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:ReplicateObject", "s3:ReplicateTags",
		    "s3:ObjectOwnerOverrideToBucketOwner");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::nw-vault/*");

	st = stmt(doc, "DecryptLedger");
	STRINGS_ARE(json_object_get(st, "Action"), "kms:Decrypt");
	STRINGS_ARE(json_object_get(st, "Resource"), LEDGER_KEY);
	kms_condition_is(st, "s3.eu-west-1.amazonaws.com", "arn:aws:s3:::nw-ledger");
	ck_assert_ptr_null(json_object_get(json_object_get(st, "Condition"),
					   "ForAnyValue:StringEquals"));

	st = stmt(doc, "EncryptForVault");
	STRINGS_ARE(json_object_get(st, "Action"), "kms:Encrypt");
	STRINGS_ARE(json_object_get(st, "Resource"), REPLICA_KEY);
	kms_condition_is(st, "s3.eu-central-1.amazonaws.com", "arn:aws:s3:::nw-vault");
	ck_assert(!has_action(doc, "kms:GenerateDataKey"));
}
END_TEST

START_TEST(test_role_policy_no_kms_objects)
{
	/* an SSE-KMS source whose rule leaves SSE-KMS objects out */
	spec_load(&S, LEDGER_SPEC RULE("plain", "vault") "        sse_kms_objects: false\n", true);
	spec_no_errors(&S);
	doc = role_policy_of("ledger");
	sids_are(doc, "SourceLedgerBucket SourceLedgerObjects ReplicateToVault");
	ck_assert(!has_action(doc, "kms:Decrypt"));
	ck_assert(!has_action(doc, "kms:Encrypt"));
}
END_TEST

START_TEST(test_role_policy_sse_s3_source)
{
	/* SSE-KMS objects asked of an SSE-S3 source: E074 (the role could
	 * decrypt none); the documents of the partial model: no key of it to
	 * decrypt with, but the replicas are encrypted */
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n  src: {region: us-east-1}\n"
		  "  dst: {region: eu-central-1}\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst")
		  "        sse_kms_objects: true\n        replica_kms_key: " REPLICA_KEY "\n",
		  true);
	ck_assert(spec_has(&S, CRRC_E074));
	doc = role_policy_of("src");
	sids_are(doc, "SourceSrcBucket SourceSrcObjects ReplicateToDst EncryptForDst");
	ck_assert(!has_action(doc, "kms:Decrypt"));
}
END_TEST

START_TEST(test_role_policy_alias_keys)
{
	spec_load(&S, LEDGER_SPEC RULE("by-alias", "vault") "        replica_kms_key: " VAULT_ALIAS
		      "\n" RULE("by-arn", "vault") "        replica_kms_key: " REPLICA_KEY "\n"
		      RULE("alias-again", "vault") "        replica_kms_key: " VAULT_ALIAS "\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("ledger");
	sids_are(doc, "SourceLedgerBucket SourceLedgerObjects ReplicateToVault DecryptLedger "
		      "EncryptForVault EncryptForVaultByAlias");
	json_t *st = stmt(doc, "EncryptForVault");
	STRINGS_ARE(json_object_get(st, "Resource"), REPLICA_KEY);
	ck_assert_ptr_null(json_object_get(json_object_get(st, "Condition"),
					   "ForAnyValue:StringEquals"));
	st = stmt(doc, "EncryptForVaultByAlias");
	STRINGS_ARE(json_object_get(st, "Action"), "kms:Encrypt");
	/* the keys of the alias's account and region, narrowed to the alias */
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:kms:eu-central-1:098765432109:key/*");
	json_t *cond = json_object_get(st, "Condition");
	STRINGS_ARE(json_object_get(json_object_get(cond, "ForAnyValue:StringEquals"),
				    "kms:ResourceAliases"),
		    "alias/vault-replicas");
	kms_condition_is(st, "s3.eu-central-1.amazonaws.com", "arn:aws:s3:::nw-vault");
}
END_TEST

START_TEST(test_role_policy_source_alias_key)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n"
		  "  src:\n    region: us-east-2\n    encryption: sse-kms\n"
		  "    kms_key: arn:aws:kms:us-east-2:111111111111:alias/src-key\n"
		  "  dst:\n    region: eu-central-1\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst")
		  "        replica_kms_key: " REPLICA_KEY "\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	json_t *st = stmt(doc, "DecryptSrc");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:kms:us-east-2:111111111111:key/*");
	STRINGS_ARE(json_object_get(json_object_get(json_object_get(st, "Condition"),
						    "ForAnyValue:StringEquals"),
				    "kms:ResourceAliases"),
		    "alias/src-key");
	kms_condition_is(st, "s3.us-east-2.amazonaws.com", "arn:aws:s3:::demo-src");
}
END_TEST

#define KX1 "arn:aws:kms:us-west-2:222222222222:key/11111111-1111-1111-1111-111111111111"
#define KX2 "arn:aws:kms:us-west-2:222222222222:key/22222222-2222-2222-2222-222222222222"
#define KY "arn:aws:kms:eu-west-1:222222222222:key/33333333-3333-3333-3333-333333333333"
#define KSRC "arn:aws:kms:us-east-1:222222222222:key/44444444-4444-4444-4444-444444444444"

START_TEST(test_role_policy_replica_keys_by_dest)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n"
		  "  src: {region: us-east-1, encryption: sse-kms, kms_key: \"" KSRC "\"}\n"
		  "  x: {region: us-west-2}\n  y: {region: eu-west-1}\n"
		  "replication:\n  - source: src\n    rules:\n"
		  RULE("a", "x") "        sse_kms_objects: true\n        replica_kms_key: " KX1 "\n"
		  RULE("b", "y") "        sse_kms_objects: true\n        replica_kms_key: " KY "\n"
		  RULE("c", "x") "        sse_kms_objects: true\n        replica_kms_key: " KX2 "\n"
		  RULE("d", "x") "        sse_kms_objects: true\n        replica_kms_key: " KX1 "\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	sids_are(doc, "SourceSrcBucket SourceSrcObjects ReplicateToX ReplicateToY DecryptSrc "
		      "EncryptForX EncryptForY");
	STRINGS_ARE(json_object_get(stmt(doc, "EncryptForX"), "Resource"), KX1, KX2);
	STRINGS_ARE(json_object_get(stmt(doc, "EncryptForY"), "Resource"), KY);
	kms_condition_is(stmt(doc, "EncryptForY"), "s3.eu-west-1.amazonaws.com",
			 "arn:aws:s3:::demo-y");
}
END_TEST

/* ---- other partitions ---- */

#define CN_SRC_KEY "arn:aws-cn:kms:cn-north-1:111111111111:key/aaaaaaaa-1111-1111-1111-111111111111"
#define CN_DST_KEY                                                                              \
	"arn:aws-cn:kms:cn-northwest-1:222222222222:key/bbbbbbbb-2222-2222-2222-222222222222"

START_TEST(test_china)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src:\n    region: cn-north-1\n    account: prod\n    encryption: sse-kms\n"
		  "    kms_key: " CN_SRC_KEY "\n"
		  "  dst:\n    region: cn-northwest-1\n    account: vault\n    encryption: sse-kms\n"
		  "    kms_key: " CN_DST_KEY "\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst"),
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	STRINGS_ARE(json_object_get(stmt(doc, "SourceSrcBucket"), "Resource"),
		    "arn:aws-cn:s3:::demo-src");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToDst"), "Resource"),
		    "arn:aws-cn:s3:::demo-dst/*");
	kms_condition_is(stmt(doc, "DecryptSrc"), "s3.cn-north-1.amazonaws.com.cn",
			 "arn:aws-cn:s3:::demo-src");
	kms_condition_is(stmt(doc, "EncryptForDst"), "s3.cn-northwest-1.amazonaws.com.cn",
			 "arn:aws-cn:s3:::demo-dst");
	STRINGS_ARE(json_object_get(stmt(doc, "EncryptForDst"), "Resource"), CN_DST_KEY);
	json_decref(doc);

	doc = iam_bucket_policy(ds_bucket_of(S.ds, "dst"));
	json_t *st = stmt(doc, "ReplicateFromSrc");
	ck_assert_str_eq(str_of(json_object_get(st, "Principal"), "AWS"),
			 "arn:aws-cn:iam::111111111111:root");
	ck_assert_str_eq(principal_arn(st),
			 "arn:aws-cn:iam::111111111111:role/demo-src-replication");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws-cn:s3:::demo-dst/*");
}
END_TEST

START_TEST(test_gov_cloud)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n"
		  "  src:\n    region: us-gov-west-1\n    encryption: sse-kms\n"
		  "    kms_key: arn:aws-us-gov:kms:us-gov-west-1:111111111111:key/k1\n"
		  "  dst:\n    region: us-gov-east-1\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst")
		  "        replica_kms_key: arn:aws-us-gov:kms:us-gov-east-1:111111111111:key/k2\n",
		  true);
	spec_no_errors(&S);
	doc = role_policy_of("src");
	kms_condition_is(stmt(doc, "DecryptSrc"), "s3.us-gov-west-1.amazonaws.com",
			 "arn:aws-us-gov:s3:::demo-src");
	kms_condition_is(stmt(doc, "EncryptForDst"), "s3.us-gov-east-1.amazonaws.com",
			 "arn:aws-us-gov:s3:::demo-dst");
}
END_TEST

/* ---- bucket policies ---- */

START_TEST(test_bucket_policy_cross_account)
{
	spec_load(&S, LEDGER_SPEC RULE("to-vault", "vault")
		      "        replica_kms_key: " REPLICA_KEY "\n        owner: destination\n"
		      "        delete_markers: true\n",
		  true);
	spec_no_errors(&S);
	ck_assert_ptr_null(iam_bucket_policy(ds_bucket_of(S.ds, "ledger")));
	doc = iam_bucket_policy(ds_bucket_of(S.ds, "vault"));
	json_t *list = statements(doc);
	ck_assert_uint_eq(json_array_size(list), 1);
	json_t *st = stmt(doc, "ReplicateFromLedger");
	ck_assert_str_eq(str_of(json_object_get(st, "Principal"), "AWS"),
			 "arn:aws:iam::210987654321:root");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:ReplicateObject", "s3:ReplicateDelete",
		    "s3:ReplicateTags", "s3:ObjectOwnerOverrideToBucketOwner");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::nw-vault/*");
	json_is(json_object_get(st, "Condition"),
		"{\"ArnEquals\":{\"aws:PrincipalArn\":\"" ROLE_ARN "\"}}");
	/* keys in a fixed order */
	json_is(doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"ReplicateFromLedger\","
		     "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"arn:aws:iam::210987654321:root\"},"
		     "\"Action\":[\"s3:ReplicateObject\",\"s3:ReplicateDelete\",\"s3:ReplicateTags\","
		     "\"s3:ObjectOwnerOverrideToBucketOwner\"],"
		     "\"Resource\":\"arn:aws:s3:::nw-vault/*\","
		     "\"Condition\":{\"ArnEquals\":{\"aws:PrincipalArn\":\"" ROLE_ARN "\"}}}]}");
}
END_TEST

START_TEST(test_bucket_policy_two_sources)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  src: {region: us-east-1, account: prod}\n"
		  "  src2: {region: us-east-2, account: prod}\n"
		  "  free: {region: us-east-2}\n"
		  "  x: {region: us-west-2, account: vault}\n"
		  "  y: {region: us-west-2, account: prod}\n"
		  "  z: {region: us-west-1}\n"
		  "replication:\n"
		  "  - source: src\n    rules:\n"
		  RULE("r1", "x") "        delete_markers: true\n" RULE("r2", "y")
		  RULE("r3", "x") "        owner: destination\n" RULE("r4", "z")
		  "  - source: src2\n    role: arn:aws:iam::111111111111:role/ops/custom-role\n"
		  "    rules:\n" RULE("s1", "x")
		  "  - source: free\n    rules:\n" RULE("f1", "x"),
		  true);
	spec_no_errors(&S);
	doc = iam_bucket_policy(ds_bucket_of(S.ds, "x"));
	sids_are(doc, "ReplicateFromSrc ReplicateFromSrc2");
	json_t *st = stmt(doc, "ReplicateFromSrc");
	ck_assert_uint_eq(json_array_size(json_object_get(st, "Action")), 4);
	ck_assert_str_eq(principal_arn(st),
			 "arn:aws:iam::111111111111:role/demo-src-replication");
	st = stmt(doc, "ReplicateFromSrc2");
	STRINGS_ARE(json_object_get(st, "Action"), "s3:ReplicateObject", "s3:ReplicateTags");
	ck_assert_str_eq(str_of(json_object_get(st, "Principal"), "AWS"),
			 "arn:aws:iam::111111111111:root");
	ck_assert_str_eq(principal_arn(st),
			 "arn:aws:iam::111111111111:role/ops/custom-role");
	STRINGS_ARE(json_object_get(st, "Resource"), "arn:aws:s3:::demo-x/*");
	/* same account, unknown account, sources: none */
	static const char *const none[] = {"y", "z", "src", "src2", "free"};
	for (size_t i = 0; i < ARRAY_N(none); i++)
		ck_assert_ptr_null(iam_bucket_policy(ds_bucket_of(S.ds, none[i])));
	/* the role of src says ObjectOwnerOverrideToBucketOwner for x alone */
	json_decref(doc);
	doc = role_policy_of("src");
	ck_assert_uint_eq(json_array_size(json_object_get(stmt(doc, "ReplicateToX"), "Action")), 4);
	ck_assert_uint_eq(json_array_size(json_object_get(stmt(doc, "ReplicateToY"), "Action")), 2);
	ck_assert_uint_eq(json_array_size(json_object_get(stmt(doc, "ReplicateToZ"), "Action")), 2);
}
END_TEST

/* Keys that meet in CamelCase: the later one's Sid takes the low 32 bits
 * of its key's hash, in hex. */
START_TEST(test_sid_collisions)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  s-1: {region: us-east-1, account: prod}\n"
		  "  s1: {region: us-east-2, account: prod}\n"
		  "  a-1: {region: us-west-2, account: vault}\n"
		  "  a1: {region: us-west-2, account: vault}\n"
		  "replication:\n  - source: s-1\n    rules:\n" RULE("r1", "a-1") RULE("r2", "a1")
		  "  - source: s1\n    rules:\n" RULE("r1", "a-1"),
		  true);
	spec_no_errors(&S);
	char a1[64], s1[64];
	snprintf(a1, sizeof(a1), "ReplicateToA1%08llx",
		 (unsigned long long)(crrc_hash("a1", 2) & 0xffffffffu));
	snprintf(s1, sizeof(s1), "ReplicateFromS1%08llx",
		 (unsigned long long)(crrc_hash("s1", 2) & 0xffffffffu));
	doc = role_policy_of("s-1");
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToA1"), "Resource"),
		    "arn:aws:s3:::demo-a-1/*");
	STRINGS_ARE(json_object_get(stmt(doc, a1), "Resource"), "arn:aws:s3:::demo-a1/*");
	json_decref(doc);
	doc = iam_bucket_policy(ds_bucket_of(S.ds, "a-1"));
	ck_assert_uint_eq(json_array_size(statements(doc)), 2);
	ck_assert_str_eq(principal_arn(stmt(doc, "ReplicateFromS1")),
			 "arn:aws:iam::111111111111:role/demo-s-1-replication");
	ck_assert_str_eq(principal_arn(stmt(doc, s1)),
			 "arn:aws:iam::111111111111:role/demo-s1-replication");
}
END_TEST

/* ---- every spec of the repository ---- */

static void documents_valid(const struct crrc_desired *ds)
{
	for (size_t i = 0; i < ds->nreplications; i++) {
		json_t *d = iam_role_policy(&ds->replications[i]);
		if (ds->replications[i].source->arn)
			statements(d);
		json_decref(d);
	}
	for (size_t i = 0; i < ds->nbuckets; i++) {
		json_t *d = iam_bucket_policy(&ds->buckets[i]);
		ck_assert((d != NULL) == (ds->buckets[i].nadmits > 0));
		if (d)
			statements(d);
		json_decref(d);
	}
}

/* The examples and the back ends' specs: documents without a wildcard. */
START_TEST(test_repository_specs)
{
	static const char *const files[] = {
		"examples/compliance-archive.crr.yaml",         "examples/crossaccount-kms.crr.yaml",
		"examples/streamvision.crr.yaml",               "examples/two-way.crr.yaml",
		"tests/terraform/specs/existing-source.crr.yaml",
		"tests/terraform/specs/kitchen-sink.crr.yaml", "tests/terraform/specs/kms.crr.yaml",
		"tests/cloudformation/specs/every-field.crr.yaml",
		"tests/cloudformation/specs/existing.crr.yaml",
		"tests/cloudformation/specs/two-way-ring.crr.yaml",
	};
	const char *root = getenv("CRRC_SOURCE_ROOT");
	ck_assert_msg(root != NULL, "CRRC_SOURCE_ROOT is not set");
	size_t admits = 0;
	for (size_t i = 0; i < ARRAY_N(files); i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", root, files[i]);
		struct crrc_diags *d = diags_create();
		struct crrc_model *m = crrc_load_file(path, d);
		ck_assert_msg(m != NULL, "%s did not load", path);
		crrc_resolve(m, d);
		crrc_check(m, d);
		ck_assert_msg(diags_errors(d) == 0, "%s has errors", path);
		struct crrc_desired *ds = desired_create(m);
		documents_valid(ds);
		for (size_t b = 0; b < ds->nbuckets; b++)
			admits += ds->buckets[b].nadmits;
		desired_destroy(ds);
		crrc_model_destroy(m);
		diags_destroy(d);
	}
	ck_assert_uint_gt(admits, 0); /* crossaccount-kms has one at least */
}
END_TEST

/* ---- partial models ---- */

START_TEST(test_partial_unknown_regions)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  lost: {region: mars-north-1, account: prod}\n"
		  "  src: {region: us-east-1, account: prod}\n"
		  "  dst: {region: us-west-2, account: vault}\n"
		  "replication:\n"
		  "  - source: lost\n    rules:\n" RULE("r1", "dst")
		  "  - source: src\n    rules:\n" RULE("r1", "dst") RULE("r2", "lost"),
		  true);
	ck_assert(spec_has(&S, CRRC_E034));
	/* the source's ARN is unknown: no document */
	ck_assert_ptr_null(role_policy_of("lost"));
	/* a destination whose ARN is unknown never becomes a "*" */
	doc = role_policy_of("src");
	statements(doc);
	STRINGS_ARE(json_object_get(stmt(doc, "ReplicateToDst"), "Resource"),
		    "arn:aws:s3:::demo-dst/*");
	/* dst admits src, not lost (whose role has no ARN) */
	json_decref(doc);
	doc = iam_bucket_policy(ds_bucket_of(S.ds, "dst"));
	sids_are(doc, "ReplicateFromSrc");
	ck_assert_ptr_null(iam_bucket_policy(ds_bucket_of(S.ds, "lost")));
}
END_TEST

/* A destination whose ARN is unknown (its region is not one crrc knows,
 * E034) is left out of the desired state, so no statement names it: once
 * it got a ReplicateTo statement without a Resource, and an EncryptFor one
 * without its encryption-context condition (jansson dropped the members
 * packed from a NULL ARN). */
START_TEST(test_partial_destination_without_arn)
{
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n  src: {region: us-east-1}\n"
		  "  dst: {region: us-west-2}\n  lost: {region: mars-north-1}\n"
		  "replication:\n  - source: src\n    rules:\n" RULE("r1", "dst") RULE("r2", "lost")
		  "        sse_kms_objects: true\n        replica_kms_key: " KX1 "\n",
		  true);
	ck_assert(spec_has(&S, CRRC_E034));
	doc = role_policy_of("src");
	json_t *st;
	size_t i;
	json_array_foreach(statements(doc), i, st) {
		char *all = dumps(st);
		ck_assert_msg(json_object_get(st, "Resource") != NULL, "no Resource: %s", all);
		json_t *cond = json_object_get(st, "Condition");
		ck_assert_msg(!cond || json_object_get(cond, "StringLike"),
			      "no encryption context: %s", all);
		free(all);
	}
}
END_TEST

#define TRUNCATED_SPEC                                                                          \
	LEDGER_SPEC RULE("a", "vault") "        replica_kms_key: " VAULT_ALIAS "\n"              \
		    "        owner: destination\n" RULE("b", "vault")                            \
		    "        replica_kms_key: " REPLICA_KEY "\n"

/* The spec cut at many lengths: partial models, documents made from every
 * element without a crash or a leak (run under ASan and UBSan). */
START_TEST(test_partial_truncated)
{
	static const char text[] = TRUNCATED_SPEC;
	size_t len = strlen(text);
	for (size_t cut = 1; cut <= len; cut += 3) {
		char *t = strndup(text, cut);
		struct crrc_diags *d = diags_create();
		struct crrc_model *m = crrc_load_buffer("t.crr.yaml", t, cut, d);
		if (m) {
			crrc_resolve(m, d);
			crrc_check(m, d);
			struct crrc_desired *ds = desired_create(m);
			for (size_t i = 0; i < ds->nreplications; i++) {
				const struct ds_replication *r = &ds->replications[i];
				json_decref(iam_role_policy(r));
				for (size_t k = 0; k < r->nkey_grants; k++) {
					const struct ds_key_grant *g = &r->key_grants[k];
					json_decref(iam_key_policy(&g, 1));
				}
			}
			for (size_t i = 0; i < ds->nbuckets; i++)
				json_decref(iam_bucket_policy(&ds->buckets[i]));
			desired_destroy(ds);
		}
		crrc_model_destroy(m);
		diags_destroy(d);
		free(t);
	}
}
END_TEST

/* ---- a large entry ---- */

#define BIG_DESTS 1000

/* An SSE-KMS source in prod replicating into BIG_DESTS SSE-KMS buckets of
 * vault, each with its key. */
static char *big_spec(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: big\n" ACCOUNTS "buckets:\n"
		     "  src:\n    region: us-east-1\n    account: prod\n    encryption: sse-kms\n"
		     "    kms_key: arn:aws:kms:us-east-1:111111111111:key/src\n");
	for (int i = 0; i < BIG_DESTS; i++)
		buf_printf(&b,
			   "  d%d: {region: us-west-2, account: vault, encryption: sse-kms, "
			   "kms_key: \"arn:aws:kms:us-west-2:222222222222:key/k%d\"}\n",
			   i, i);
	buf_puts(&b, "replication:\n  - source: src\n    rules:\n");
	for (int i = 0; i < BIG_DESTS; i++)
		buf_printf(&b, "      - {id: r%d, destination: d%d, owner: destination}\n", i, i);
	size_t len;
	return buf_detach(&b, &len);
}

START_TEST(test_linear)
{
	char *text = big_spec();
	spec_load(&S, text, false);
	free(text);
	spec_no_errors(&S);
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	doc = role_policy_of("src");
	size_t admitted = 0;
	for (size_t i = 0; i < S.ds->nbuckets; i++) {
		json_t *p = iam_bucket_policy(&S.ds->buckets[i]);
		admitted += p != NULL;
		json_decref(p);
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	double took = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
	ck_assert_msg(took < 2.0, "the documents took %.2f s", took);
	ck_assert_uint_eq(admitted, BIG_DESTS);
	/* two source statements, a ReplicateTo and an EncryptFor each, Decrypt */
	ck_assert_uint_eq(json_array_size(statements(doc)), 2 + 2 * BIG_DESTS + 1);
	STRINGS_ARE(json_object_get(stmt(doc, "EncryptForD999"), "Resource"),
		    "arn:aws:kms:us-west-2:222222222222:key/k999");
}
END_TEST

/* ---- the policy of a Multi-Region Access Point ---- */

START_TEST(test_point_policy)
{
	/* created in its first bucket's account; a member in another account */
	spec_load(&S,
		  "crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		  "  a:\n    region: eu-west-1\n    account: vault\n"
		  "  b:\n    region: us-east-1\n    account: prod\n"
		  "access_points:\n  media:\n    buckets: [a, b]\n    passive: [b]\n",
		  false);
	ck_assert_uint_eq(S.ds->npoints, 1);
	const struct ds_access_point *p = &S.ds->points[0];
	ck_assert_str_eq(p->name, "demo-media");
	ck_assert_str_eq(p->account, "222222222222");
	doc = iam_point_policy(p);
	json_is(doc, "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"AccountUsesPoint\","
		     "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
		     "\"arn:aws:iam::222222222222:root\"},\"Action\":[\"s3:GetObject\","
		     "\"s3:PutObject\",\"s3:DeleteObject\",\"s3:ListBucket\"],\"Resource\":["
		     "\"arn:aws:s3::222222222222:accesspoint/demo-media\","
		     "\"arn:aws:s3::222222222222:accesspoint/demo-media/object/*\"]}]}");
	statements(doc);
	json_decref(doc);

	/* the deploying account, named by the placeholder; a given name */
	spec_free(&S);
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n  a:\n    region: cn-north-1\n"
		  "  b:\n    region: cn-northwest-1\n"
		  "access_points:\n  media:\n    name: the-point\n    buckets: [a, b]\n",
		  false);
	ck_assert_uint_eq(S.ds->npoints, 1);
	ck_assert_ptr_null(S.ds->points[0].account);
	doc = iam_point_policy(&S.ds->points[0]);
	json_t *st = stmt(doc, "AccountUsesPoint");
	ck_assert_str_eq(str_of(json_object_get(st, "Principal"), "AWS"),
			 "arn:aws-cn:iam::" IAM_POINT_ACCOUNT ":root");
	STRINGS_ARE(json_object_get(st, "Resource"),
		    "arn:aws-cn:s3::" IAM_POINT_ACCOUNT ":accesspoint/the-point",
		    "arn:aws-cn:s3::" IAM_POINT_ACCOUNT ":accesspoint/the-point/object/*");
	json_decref(doc);

	/* residency: a prefix whose policy does not allow a member's region is
	 * refused through the point; one that allows every member's is not */
	spec_free(&S);
	spec_load(&S,
		  "crrc: 1\nname: demo\nbuckets:\n  a:\n    region: eu-west-1\n"
		  "  b:\n    region: us-east-1\n"
		  "access_points:\n  media:\n    buckets: [a, b]\n    passive: [b]\n"
		  "policies:\n  residency:\n    - {prefix: customers/eu/, regions: [eu-west-1]}\n"
		  "    - {prefix: both/, regions: [eu-west-1, us-east-1]}\n"
		  "    - {prefix: us/, regions: [us-east-1]}\n",
		  false);
	ck_assert_uint_eq(S.ds->npoints, 1);
	ck_assert_uint_eq(S.ds->points[0].nrefused, 2);
	doc = iam_point_policy(&S.ds->points[0]);
	st = stmt(doc, "ResidencyRefused");
	ck_assert_str_eq(json_string_value(json_object_get(st, "Effect")), "Deny");
	ck_assert_str_eq(json_string_value(json_object_get(st, "Principal")), "*");
	STRINGS_ARE(json_object_get(st, "Resource"),
		    "arn:aws:s3::" IAM_POINT_ACCOUNT ":accesspoint/demo-media/object/us/*",
		    "arn:aws:s3::" IAM_POINT_ACCOUNT ":accesspoint/demo-media/object/customers/eu/*");
}
END_TEST

static Suite *iam_suite(void)
{
	Suite *s = suite_create("iam");
	TCase *t = tcase_create("role");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_trust_policy);
	tcase_add_test(t, test_role_policy_same_account);
	tcase_add_test(t, test_role_policy_object_lock);
	tcase_add_test(t, test_role_policy_cross_account_kms);
	tcase_add_test(t, test_role_policy_no_kms_objects);
	tcase_add_test(t, test_role_policy_sse_s3_source);
	tcase_add_test(t, test_role_policy_alias_keys);
	tcase_add_test(t, test_role_policy_source_alias_key);
	tcase_add_test(t, test_role_policy_replica_keys_by_dest);
	tcase_add_test(t, test_china);
	tcase_add_test(t, test_gov_cloud);
	suite_add_tcase(s, t);

	t = tcase_create("bucket");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_bucket_policy_cross_account);
	tcase_add_test(t, test_bucket_policy_two_sources);
	tcase_add_test(t, test_sid_collisions);
	tcase_add_test(t, test_point_policy);
	suite_add_tcase(s, t);

	t = tcase_create("specs");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_set_timeout(t, 60);
	tcase_add_test(t, test_repository_specs);
	tcase_add_test(t, test_partial_unknown_regions);
	tcase_add_test(t, test_partial_destination_without_arn);
	tcase_add_test(t, test_partial_truncated);
	tcase_add_test(t, test_linear);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(iam_suite());
}
