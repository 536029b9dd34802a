/* test_owner.c: existing buckets are configured, never overwritten, and
 * keys of other accounts are asked of their owners (issue 11). The desired
 * state decides who writes a bucket's policy and its Object Lock, and which
 * keys need their owner's statement; both targets render that the same
 * way: no aws_s3_bucket_policy nor Object Lock configuration for an
 * existing bucket, existing-buckets.json and key-policies.json with the
 * statements iam.c makes, W009 at the bucket's existing: true and W010 at
 * each use of a key, nothing of it when nothing is needed. */
#include <check.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "diag/diag.h"
#include "emit/cloudformation/cloudformation.h"
#include "emit/emit.h"
#include "emit/owner.h"
#include "emit/terraform/terraform.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/model.h"
#include "model/resolve.h"
#include "check_main.h"

static char *text;
static struct crrc_diags *diags;
static struct crrc_model *model;
static struct crrc_desired *ds;
static struct crrc_output out;

static void teardown(void)
{
	output_free(&out);
	desired_destroy(ds);
	crrc_model_destroy(model);
	diags_destroy(diags);
	free(text);
	ds = NULL, model = NULL, diags = NULL, text = NULL;
}

static const char *dump(void)
{
	static char buf[8192];
	size_t at = 0;
	buf[0] = '\0';
	for (size_t i = 0; i < diags_count(diags) && at < sizeof(buf) - 1; i++) {
		const struct crrc_diag *g = diags_at(diags, i);
		int n = snprintf(buf + at, sizeof(buf) - at, "\n  %s %u:%u %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return buf;
}

/* Load, resolve and check spec (no error), then compile it for target. */
static void compile(const char *spec, const struct crrc_target *target)
{
	text = strdup(spec);
	diags = diags_create();
	model = crrc_load_buffer("owner.crr.yaml", text, strlen(text), diags);
	ck_assert_ptr_nonnull(model);
	crrc_resolve(model, diags);
	crrc_check(model, diags);
	ck_assert_msg(diags_errors(diags) == 0, "errors:%s", dump());
	ds = desired_create(model);
	output_init(&out);
	struct crrc_emit_options opt = {.spec_path = "owner.crr.yaml"};
	ck_assert_msg(target->emit(ds, &opt, &out.sink, diags), "emit failed:%s", dump());
}

static const struct crrc_file *file(const char *path)
{
	for (size_t i = 0; i < out.n; i++)
		if (strcmp(out.files[i].path, path) == 0)
			return &out.files[i];
	return NULL;
}

static size_t file_index(const char *path)
{
	for (size_t i = 0; i < out.n; i++)
		if (strcmp(out.files[i].path, path) == 0)
			return i;
	ck_abort_msg("no file %s", path);
	return 0;
}

static json_t *json_file(const char *path)
{
	const struct crrc_file *f = file(path);
	ck_assert_msg(f != NULL, "no %s", path);
	json_error_t err;
	json_t *j = json_loadb(f->data, f->len, JSON_REJECT_DUPLICATES, &err);
	ck_assert_msg(j != NULL, "%s: %s", path, err.text);
	return j;
}

/* Whether any file holds s. */
static bool written(const char *s)
{
	for (size_t i = 0; i < out.n; i++)
		if (out.files[i].data && strstr(out.files[i].data, s))
			return true;
	return false;
}

/* The diagnostics of code, in order: how many, and the i-th. */
static size_t count(enum crrc_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < diags_count(diags); i++)
		n += diags_at(diags, i)->code == code;
	return n;
}

static const struct crrc_diag *nth(enum crrc_code code, size_t k)
{
	for (size_t i = 0; i < diags_count(diags); i++)
		if (diags_at(diags, i)->code == code && k-- == 0)
			return diags_at(diags, i);
	ck_abort_msg("no %s number %zu:%s", crrc_code_name(code), k, dump());
	return NULL;
}

static const char *str(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	ck_assert_msg(v != NULL, "no string %s", key);
	return v;
}

#define ACCOUNTS "accounts:\n  media: \"111122223333\"\n  vault: \"444455556666\"\n"

/* Lines 1-17: media's source replicates into vault's existing archive
 * (Object Lock, so the source has it too) and its new bucket; entries
 * follow. */
#define EXISTING_SPEC                                                                           \
	"crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"                                            \
	"  src:\n    region: us-east-1\n    account: media\n    object_lock: true\n"             \
	"  archive:\n    name: demo-archive-legacy\n    region: us-west-2\n"                     \
	"    account: vault\n    existing: true\n    object_lock: true\n"                        \
	"  fresh: {region: us-west-1, account: vault, object_lock: true}\n"                      \
	"replication:\n  - source: src\n    rules:\n"                                           \
	"      - {id: a, destination: archive, delete_markers: true}\n"                          \
	"      - {id: f, destination: fresh}\n"

START_TEST(existing_destination_terraform)
{
	compile(EXISTING_SPEC, &crrc_target_terraform);
	/* the new bucket's policy and Object Lock are crrc's, the archive's not */
	const struct crrc_file *buckets = file("buckets.tf");
	ck_assert_ptr_nonnull(buckets);
	ck_assert(strstr(buckets->data, "resource \"aws_s3_bucket_policy\" \"fresh\""));
	ck_assert(!strstr(buckets->data, "resource \"aws_s3_bucket_policy\" \"archive\""));
	ck_assert(!written("aws_s3_bucket_object_lock_configuration"));
	ck_assert(strstr(buckets->data, "object_lock_enabled = true"));
	/* what the archive's owner must add */
	json_t *j = json_file(OWNER_EXISTING_BUCKETS);
	ck_assert_str_eq(str(j, "generated_by"), "crrc");
	ck_assert_str_eq(str(j, "spec"), "owner.crr.yaml");
	json_t *list = json_object_get(j, "buckets");
	ck_assert_uint_eq(json_array_size(list), 1);
	json_t *e = json_array_get(list, 0);
	ck_assert_str_eq(str(e, "bucket"), "demo-archive-legacy");
	ck_assert_str_eq(str(e, "key"), "archive");
	ck_assert_str_eq(str(e, "account"), "444455556666");
	ck_assert_str_eq(str(e, "region"), "us-west-2");
	ck_assert_str_eq(str(e, "object_lock"), "Enabled");
	json_t *sts = json_object_get(e, "add_to_bucket_policy");
	ck_assert_uint_eq(json_array_size(sts), 1);
	json_t *st = json_array_get(sts, 0);
	ck_assert_str_eq(str(st, "Sid"), "ReplicateFromSrc");
	ck_assert_str_eq(str(st, "Resource"), "arn:aws:s3:::demo-archive-legacy/*");
	ck_assert_uint_eq(json_array_size(json_object_get(st, "Action")), 3);
	json_decref(j);
	/* one warning, at existing: true (line 15, column 15), naming the file */
	ck_assert_uint_eq(count(CRRC_W009), 1);
	const struct crrc_diag *g = nth(CRRC_W009, 0);
	ck_assert_uint_eq(g->pos.line, 15);
	ck_assert_uint_eq(g->pos.col, 15);
	ck_assert_msg(strstr(g->msg, OWNER_EXISTING_BUCKETS) && strstr(g->msg, "'src'") &&
			      strstr(g->msg, "Object Lock"),
		      "%s", g->msg);
	ck_assert(!file(OWNER_KEY_POLICIES));
	ck_assert_uint_eq(count(CRRC_W010), 0);
}
END_TEST

/* The decision is the desired state's, for every back end. */
START_TEST(existing_decided_in_desired_state)
{
	compile(EXISTING_SPEC, &crrc_target_terraform);
	const struct ds_bucket *archive = &ds->buckets[1], *fresh = &ds->buckets[2],
			       *src = &ds->buckets[0];
	ck_assert_int_eq(archive->policy_by, DS_WRITER_OWNER);
	ck_assert_int_eq(archive->object_lock_by, DS_WRITER_OWNER);
	ck_assert_int_eq(fresh->policy_by, DS_WRITER_CRRC);
	ck_assert_int_eq(fresh->object_lock_by, DS_WRITER_CRRC);
	ck_assert_int_eq(src->policy_by, DS_WRITER_NONE);
	ck_assert_int_eq(src->object_lock_by, DS_WRITER_CRRC);
	ck_assert(archive->object_lock); /* the role still reads retention */
}
END_TEST

/* An existing bucket that needs nothing whole (same account, no Object
 * Lock) is configured without a word; an existing source with Object Lock
 * gets the warning for Object Lock alone. */
START_TEST(existing_that_needs_nothing)
{
	compile("crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		"  src: {region: us-east-1, account: media, existing: true}\n"
		"  dst: {region: us-west-2, account: media, existing: true}\n"
		"replication:\n  - {source: src, rules: [{id: r, destination: dst}]}\n",
		&crrc_target_terraform);
	ck_assert_uint_eq(diags_count(diags), 0);
	ck_assert(!file(OWNER_EXISTING_BUCKETS));
	ck_assert(!written("aws_s3_bucket_policy"));
	teardown();
	compile("crrc: 1\nname: demo\nbuckets:\n"
		"  src: {region: us-east-1, existing: true, object_lock: true}\n"
		"  dst: {region: us-west-2, object_lock: true}\n"
		"replication:\n  - {source: src, rules: [{id: r, destination: dst}]}\n",
		&crrc_target_terraform);
	ck_assert_uint_eq(count(CRRC_W009), 1);
	ck_assert(!strstr(nth(CRRC_W009, 0)->msg, "bucket policy"));
	json_t *j = json_file(OWNER_EXISTING_BUCKETS);
	json_t *e = json_array_get(json_object_get(j, "buckets"), 0);
	ck_assert_str_eq(str(e, "key"), "src");
	ck_assert(json_is_null(json_object_get(e, "account")));
	ck_assert_ptr_null(json_object_get(e, "add_to_bucket_policy"));
	json_decref(j);
}
END_TEST

#define SRC_KEY "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
#define FOREIGN_SRC_KEY "arn:aws:kms:us-east-1:999988887777:key/00000000-0000-0000-0000-000000000002"
#define VAULT_KEY "arn:aws:kms:us-west-2:444455556666:key/00000000-0000-0000-0000-000000000003"
#define VAULT_ALIAS "arn:aws:kms:us-west-2:444455556666:alias/vault-replicas"
#define NEAR_KEY "arn:aws:kms:us-east-2:111122223333:key/00000000-0000-0000-0000-000000000004"

/* Keys in another account than the role's: the vault's (by ARN, twice, and
 * by alias) and a source key of a third account; keys of the role's own
 * account ask nothing. Both targets write the same file. */
#define KEYS_SPEC                                                                               \
	"crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"                                            \
	"  src:\n    region: us-east-1\n    account: media\n    encryption: sse-kms\n"           \
	"    kms_key: " FOREIGN_SRC_KEY "\n"                                                     \
	"  vault:\n    region: us-west-2\n    account: vault\n    encryption: sse-kms\n"         \
	"    kms_key: " VAULT_KEY "\n"                                                           \
	"  near:\n    region: us-east-2\n    account: media\n    encryption: sse-kms\n"          \
	"    kms_key: " NEAR_KEY "\n"                                                            \
	"replication:\n  - source: src\n    rules:\n"                                           \
	"      - {id: a, destination: vault, filter: {prefix: a/}}\n"                            \
	"      - {id: b, destination: vault, filter: {prefix: b/}}\n"                            \
	"      - {id: c, destination: vault, filter: {prefix: c/}, replica_kms_key: \""           \
	VAULT_ALIAS "\"}\n"                                                                      \
	"      - {id: d, destination: near}\n"

static void assert_key_file(void)
{
	json_t *j = json_file(OWNER_KEY_POLICIES);
	json_t *keys = json_object_get(j, "keys");
	ck_assert_uint_eq(json_array_size(keys), 3);
	json_t *k = json_array_get(keys, 0);
	ck_assert_str_eq(str(k, "key"), FOREIGN_SRC_KEY);
	ck_assert_str_eq(str(k, "account"), "999988887777");
	json_t *st = json_array_get(json_object_get(k, "add_to_key_policy"), 0);
	ck_assert_str_eq(str(st, "Sid"), "ReplicateFromSrcDecrypt");
	ck_assert_str_eq(str(st, "Action"), "kms:Decrypt");
	ck_assert_str_eq(str(st, "Resource"), "*");
	ck_assert_str_eq(str(json_object_get(st, "Principal"), "AWS"),
			 "arn:aws:iam::111122223333:root");
	json_t *cond = json_object_get(st, "Condition");
	ck_assert_str_eq(str(json_object_get(cond, "ArnEquals"), "aws:PrincipalArn"),
			 "arn:aws:iam::111122223333:role/demo-src-replication");
	ck_assert_str_eq(str(json_object_get(cond, "StringEquals"), "kms:ViaService"),
			 "s3.us-east-1.amazonaws.com");
	k = json_array_get(keys, 1);
	ck_assert_str_eq(str(k, "key"), VAULT_KEY);
	/* two rules into vault with its key: one statement */
	ck_assert_uint_eq(json_array_size(json_object_get(k, "add_to_key_policy")), 1);
	st = json_array_get(json_object_get(k, "add_to_key_policy"), 0);
	ck_assert_str_eq(str(st, "Sid"), "ReplicateFromSrcEncryptForVault");
	ck_assert_str_eq(str(st, "Action"), "kms:Encrypt");
	json_t *ctx = json_object_get(json_object_get(json_object_get(st, "Condition"), "StringLike"),
				      "kms:EncryptionContext:aws:s3:arn");
	ck_assert_str_eq(json_string_value(json_array_get(ctx, 0)), "arn:aws:s3:::demo-vault/*");
	ck_assert_str_eq(str(json_array_get(keys, 2), "key"), VAULT_ALIAS);
	json_decref(j);
	/* at each use: the source's key, the vault's key (where vault declares
	 * it, taken by two rules: reported once), the alias */
	ck_assert_uint_eq(count(CRRC_W010), 3);
	ck_assert_uint_eq(nth(CRRC_W010, 0)->pos.line, 11);
	ck_assert_uint_eq(nth(CRRC_W010, 1)->pos.line, 16);
	ck_assert_uint_eq(nth(CRRC_W010, 2)->pos.line, 27);
	ck_assert_msg(strstr(nth(CRRC_W010, 1)->msg, OWNER_KEY_POLICIES), "%s",
		      nth(CRRC_W010, 1)->msg);
	ck_assert_uint_eq(count(CRRC_W009), 0);
	ck_assert(!file(OWNER_EXISTING_BUCKETS));
}

START_TEST(foreign_keys_terraform)
{
	compile(KEYS_SPEC, &crrc_target_terraform);
	assert_key_file();
}
END_TEST

/* The same file from CloudFormation, opened before manifest.json and
 * deploy.sh (files are published in the order they were opened). */
START_TEST(foreign_keys_cloudformation)
{
	compile(KEYS_SPEC, &crrc_target_cloudformation);
	assert_key_file();
	ck_assert_uint_lt(file_index(OWNER_KEY_POLICIES), file_index("manifest.json"));
}
END_TEST

/* Keys of the role's own account, and a source whose account (and so its
 * role's) is unknown: nothing asked, no file. */
START_TEST(keys_of_the_role_account)
{
	compile("crrc: 1\nname: demo\n" ACCOUNTS "buckets:\n"
		"  src: {region: us-east-1, account: media, encryption: sse-kms, kms_key: \""
		SRC_KEY "\"}\n"
		"  near: {region: us-east-2, account: media, encryption: sse-kms, kms_key: \""
		NEAR_KEY "\"}\n"
		"  free: {region: us-east-1, encryption: sse-kms, kms_key: \"" SRC_KEY "\"}\n"
		"  far: {region: us-west-2, account: vault, encryption: sse-kms, kms_key: \""
		VAULT_KEY "\"}\n"
		"replication:\n  - {source: src, rules: [{id: r, destination: near}]}\n"
		"  - {source: free, rules: [{id: r, destination: far}]}\n",
		&crrc_target_terraform);
	ck_assert(!file(OWNER_KEY_POLICIES));
	ck_assert_uint_eq(count(CRRC_W010), 0);
	ck_assert_uint_eq(ds->replications[0].nkey_grants, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("owner");
	TCase *tc = tcase_create("owner");
	tcase_add_checked_fixture(tc, NULL, teardown);
	tcase_add_test(tc, existing_destination_terraform);
	tcase_add_test(tc, existing_decided_in_desired_state);
	tcase_add_test(tc, existing_that_needs_nothing);
	tcase_add_test(tc, foreign_keys_terraform);
	tcase_add_test(tc, foreign_keys_cloudformation);
	tcase_add_test(tc, keys_of_the_role_account);
	suite_add_tcase(s, tc);
	return check_main(s);
}
