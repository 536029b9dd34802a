/* aws_dump.c: every request shape aws/ builds, one JSON object a line
 * ({"op", "method", "path", "query": [[name, value|null]], "headers":
 * [[name, value]], "body", "form"}), for test_wire_model.py to check
 * against botocore's service models. Replication bodies come from every
 * spec given as an argument: s3xml's own document ("op":
 * "PutBucketReplication", "s3xml": true) and s3_put_replication's rendering
 * of it parsed. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/s3_replication.h"
#include "aws/sts.h"
#include "base/buf.h"
#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/resolve.h"
#include "model/s3xml.h"

#define EP "http://127.0.0.1:5000"

static void dump(const char *op, struct aws_request *req)
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
	char *line = json_dumps(o, JSON_COMPACT);
	puts(line);
	free(line);
	json_decref(o);
	aws_request_destroy(req);
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
	iam_sts_calls();
	int rc = 0;
	for (int i = 1; i < argc; i++)
		rc |= spec_calls(argv[i]);
	return rc;
}
