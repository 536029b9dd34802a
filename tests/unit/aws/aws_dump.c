/* aws_dump.c: every request shape aws/ builds, one JSON object a line
 * ({"op", "method", "path", "service", "query": [[name, value|null]],
 * "headers": [[name, value]], "body"}, with "key" (the object key, as
 * given) for an S3 object call and "model": "s3control" for S3 Control,
 * which signs as "s3"), for test_wire_model.py to check against botocore's
 * service models. Replication bodies come from every
 * spec given as an argument: s3xml's own document ("op":
 * "PutBucketReplication", "s3xml": true) and s3_put_replication's rendering
 * of it parsed. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/s3_object.h"
#include "aws/s3_replication.h"
#include "aws/s3control.h"
#include "aws/s3mrap.h"
#include "aws/sts.h"
#include "base/buf.h"
#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/resolve.h"
#include "model/s3xml.h"

#define EP "http://127.0.0.1:5000"

/* One line for req, taken; key and model added when not NULL. */
static void dump_as(const char *op, const char *key, const char *model,
		    struct aws_request *req)
{
	if (!req) {
		fprintf(stderr, "%s: no request\n", op);
		exit(1);
	}
	json_t *q = json_array(), *h = json_array();
	for (size_t i = 0; i < req->nquery; i++)
		json_array_append_new(q, json_pack("[ss*]", req->query[i].name, req->query[i].value));
	for (size_t i = 0; i < req->nheaders; i++)
		json_array_append_new(h, json_pack("[ss]", req->headers[i].name, req->headers[i].value));
	json_t *o = json_pack("{ss ss ss ss so so ss#}", "op", op, "method", req->method, "path",
			      req->path, "service", req->service, "query", q, "headers", h,
			      "body", req->body.data ? req->body.data : "", (int)req->body.len);
	if (key)
		json_object_set_new(o, "key", json_string(key));
	if (model)
		json_object_set_new(o, "model", json_string(model));
	char *line = json_dumps(o, JSON_COMPACT);
	puts(line);
	free(line);
	json_decref(o);
	aws_request_destroy(req);
}

static void dump(const char *op, struct aws_request *req)
{
	dump_as(op, NULL, NULL, req);
}

static void s3_calls(void)
{
	dump("HeadBucket", s3_head_bucket(EP, "/src", "eu-west-1"));
	dump("CreateBucket", s3_create_bucket(EP, "/src", "us-east-1", false));
	dump("CreateBucket", s3_create_bucket(EP, "/src", "eu-west-1", true));
	dump("GetBucketVersioning", s3_get_versioning(EP, "/src", "eu-west-1"));
	dump("PutBucketVersioning", s3_put_versioning(EP, "/src", "eu-west-1", S3_VERSIONING_ENABLED));
	dump("PutBucketVersioning",
	     s3_put_versioning(EP, "/src", "eu-west-1", S3_VERSIONING_SUSPENDED));
	dump("GetBucketEncryption", s3_get_encryption(EP, "/src", "eu-west-1"));
	struct s3_encryption kms = {"aws:kms", "arn:aws:kms:eu-west-1:111122223333:key/k", true};
	struct s3_encryption aes = {"AES256", NULL, false};
	dump("PutBucketEncryption", s3_put_encryption(EP, "/src", "eu-west-1", &kms));
	dump("PutBucketEncryption", s3_put_encryption(EP, "/src", "eu-west-1", &aes));
	dump("GetBucketTagging", s3_get_tagging(EP, "/src", "eu-west-1"));
	struct aws_tags t = {0};
	aws_tags_add(&t, "crrc:spec", "lake & co");
	aws_tags_add(&t, "team", "");
	dump("PutBucketTagging", s3_put_tagging(EP, "/src", "eu-west-1", &t));
	dump("GetBucketPolicy", s3_get_policy(EP, "/src", "eu-west-1"));
	json_t *p = json_loads("{\"Version\":\"2012-10-17\",\"Statement\":[]}", 0, NULL);
	dump("PutBucketPolicy", s3_put_policy(EP, "/src", "eu-west-1", p));
	dump("GetBucketReplication", s3_get_replication(EP, "/src", "eu-west-1"));
	dump("GetObjectLockConfiguration", s3_get_object_lock(EP, "/src", "eu-west-1"));
	dump("ListObjectVersions", s3_list_versions(EP, "/src", "eu-west-1"));
	aws_tags_free(&t);
	json_decref(p);
}

#define KEY "crrc/probe/a b+c~\xc3\xbc (1).txt"

static void object_calls(void)
{
	struct aws_tags t = {0}, m = {0};
	aws_tags_add(&t, "crrc:probe", "run 1&2");
	aws_tags_add(&t, "team", "");
	aws_tags_add(&m, "crrc-run", "42");
	struct s3_put_object bare = {.key = KEY, .body = "probe", .len = 5};
	struct s3_put_object full = {.key = KEY, .body = "{}", .len = 2,
				     .content_type = "application/json", .tags = &t,
				     .kms_key = "arn:aws:kms:eu-west-1:111122223333:key/k",
				     .metadata = &m};
	dump_as("PutObject", KEY, NULL, s3_put_object(EP, "/src", "eu-west-1", &bare));
	dump_as("PutObject", KEY, NULL, s3_put_object(EP, "/src", "eu-west-1", &full));
	dump_as("HeadObject", KEY, NULL, s3_head_object(EP, "/src", "eu-west-1", KEY, NULL));
	dump_as("HeadObject", KEY, NULL, s3_head_object(EP, "/src", "eu-west-1", KEY, "v+1/="));
	dump_as("GetObjectTagging", KEY, NULL,
		s3_get_object_tagging(EP, "/src", "eu-west-1", KEY, "v1"));
	dump_as("DeleteObject", KEY, NULL, s3_delete_object(EP, "/src", "eu-west-1", KEY, NULL));
	dump_as("DeleteObject", KEY, NULL, s3_delete_object(EP, "/src", "eu-west-1", KEY, "v1"));
	dump("ListObjectVersions",
	     s3_list_object_versions(EP, "/src", "eu-west-1", "crrc/probe/", KEY, "v1"));
	aws_tags_free(&t);
	aws_tags_free(&m);
}

static void s3control_calls(void)
{
	struct s3control_job_spec j = {
		.account = "111122223333", .source_bucket_arn = "arn:aws:s3:::src",
		.role_arn = "arn:aws:iam::111122223333:role/crrc-batch",
		.report_bucket_arn = "arn:aws:s3:::reports", .report_prefix = "crrc/",
		.token = "crrc-1", .description = "crrc: src", .priority = 10};
	struct s3control_job_spec bare = {.account = "111122223333",
					  .source_bucket_arn = "arn:aws:s3:::src",
					  .role_arn = "arn:aws:iam::111122223333:role/r",
					  .token = "t"};
	dump_as("CreateJob", NULL, "s3control", s3control_create_job(EP, "eu-west-1", &j));
	dump_as("CreateJob", NULL, "s3control", s3control_create_job(EP, "eu-west-1", &bare));
	dump_as("ListJobs", NULL, "s3control",
		s3control_list_jobs(EP, "eu-west-1", "111122223333", NULL));
	dump_as("ListJobs", NULL, "s3control",
		s3control_list_jobs(EP, "eu-west-1", "111122223333", "a+b/c="));
	dump_as("DescribeJob", NULL, "s3control",
		s3control_describe_job(EP, "eu-west-1", "111122223333",
				       "00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c"));
}

#define MRAP_ARN "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"

/* The Multi-Region Access Points: every builder, with and without the
 * optional members (BucketAccountId, a route's Bucket or Region). */
static void mrap_calls(void)
{
	const char *a = "111122223333";
	struct s3mrap_region regions[] = {{.bucket = "src"},
					  {.bucket = "dst", .account = "444455556666"}};
	json_t *p = json_loads("{\"Version\":\"2012-10-17\",\"Statement\":[]}", 0, NULL);
	struct s3mrap_route routes[] = {{.bucket = "src", .dial = 100},
					{.region = "us-east-1", .dial = 0},
					{.bucket = "dst", .region = "us-east-1", .dial = 0}};
	dump_as("CreateMultiRegionAccessPoint", NULL, "s3control",
		s3mrap_create(EP, "us-west-2", a, "crrc-1", "crrc-shared", regions, 2));
	dump_as("PutMultiRegionAccessPointPolicy", NULL, "s3control",
		s3mrap_put_policy(EP, "us-west-2", a, "crrc-2", "crrc-shared", p));
	dump_as("DescribeMultiRegionAccessPointOperation", NULL, "s3control",
		s3mrap_describe_operation(EP, "us-west-2", a, "arn:aws:s3:us-west-2:"
					  "111122223333:async-request/mrap/create/a1b2"));
	dump_as("GetMultiRegionAccessPoint", NULL, "s3control",
		s3mrap_get(EP, "us-west-2", a, "crrc-shared"));
	dump_as("GetMultiRegionAccessPointPolicy", NULL, "s3control",
		s3mrap_get_policy(EP, "us-west-2", a, "crrc-shared"));
	dump_as("GetMultiRegionAccessPointRoutes", NULL, "s3control",
		s3mrap_get_routes(EP, "us-east-1", a, MRAP_ARN));
	dump_as("SubmitMultiRegionAccessPointRoutes", NULL, "s3control",
		s3mrap_submit_routes(EP, "us-east-1", a, MRAP_ARN, routes, 3));
	json_decref(p);
}

static void iam_sts_calls(void)
{
	json_t *p = json_loads("{\"Version\":\"2012-10-17\",\"Statement\":[]}", 0, NULL);
	struct aws_tags t = {0};
	aws_tags_add(&t, "crrc:spec", "lake");
	aws_tags_add(&t, "team", "a b");
	const char *keys[] = {"old", "older"};
	dump("GetRole", iam_get_role(EP, "us-east-1", "r"));
	dump("CreateRole", iam_create_role(EP, "us-east-1", "r", "/crrc/", p, &t));
	dump("CreateRole", iam_create_role(EP, "us-east-1", "r", NULL, p, NULL));
	dump("UpdateAssumeRolePolicy", iam_update_assume_role_policy(EP, "us-east-1", "r", p));
	dump("GetRolePolicy", iam_get_role_policy(EP, "us-east-1", "r", "p"));
	dump("PutRolePolicy", iam_put_role_policy(EP, "us-east-1", "r", "p", p));
	dump("ListRoleTags", iam_list_role_tags(EP, "us-east-1", "r"));
	dump("TagRole", iam_tag_role(EP, "us-east-1", "r", &t));
	dump("UntagRole", iam_untag_role(EP, "us-east-1", "r", keys, 2));
	dump("GetCallerIdentity", sts_get_caller_identity(EP, "eu-west-1"));
	dump("AssumeRole", sts_assume_role(EP, "eu-west-1", "arn:aws:iam::1:role/d", "crrc", "x",
					   900));
	dump("AssumeRole", sts_assume_role(EP, "eu-west-1", "arn:aws:iam::1:role/d", "crrc", NULL,
					   0));
	aws_tags_free(&t);
	json_decref(p);
}

/* The spec at path: each replication as s3xml writes it and as aws/
 * renders it. */
static int spec_calls(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return perror(path), 1;
	struct buf text = BUF_INIT;
	char chunk[4096];
	for (size_t n; (n = fread(chunk, 1, sizeof(chunk), f)) > 0;)
		buf_put(&text, chunk, n);
	fclose(f);
	struct crrc_diags *d = diags_create();
	struct crrc_model *m = crrc_load_buffer(path, text.data, text.len, d);
	int rc = !m;
	if (m) {
		crrc_resolve(m, d);
		crrc_check(m, d);
		struct crrc_desired *ds = desired_create(m);
		for (size_t i = 0; ds && i < ds->nreplications; i++) {
			struct buf x = BUF_INIT;
			s3xml_replication(&ds->replications[i], &x);
			struct aws_request *raw = s3_get_replication(EP, "/src", "eu-west-1");
			strcpy(raw->method, "PUT");
			aws_request_set_body(raw, x.data, x.len);
			dump("PutBucketReplication/s3xml", raw);
			struct s3_replication r;
			char err[256];
			if (!s3_replication_parse(x.data, x.len, &r, err, sizeof(err))) {
				fprintf(stderr, "%s: %s\n", path, err);
				rc = 1;
			} else
				dump("PutBucketReplication", s3_put_replication(EP, "/src", "eu-west-1", &r));
			s3_replication_free(&r);
			buf_free(&x);
		}
		desired_destroy(ds);
		crrc_model_destroy(m);
	}
	diags_destroy(d);
	buf_free(&text);
	return rc;
}

int main(int argc, char **argv)
{
	s3_calls();
	object_calls();
	s3control_calls();
	mrap_calls();
	iam_sts_calls();
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= spec_calls(argv[i]);
	return rc;
}
