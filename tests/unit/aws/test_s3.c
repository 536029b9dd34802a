/* test_s3.c: the S3 bucket operations (aws/s3.h): every builder's method,
 * URL, headers and body exactly (Content-MD5 values computed by Python's
 * hashlib), and every parser on answers shaped as S3 sends them (the S3
 * API reference's examples; botocore's s3 service model). */
#include <stdlib.h>
#include <string.h>

#include "aws/s3.h"
#include "aws/sigv4.h"
#include "aws_helpers.h"

#define EP "https://s3.eu-west-1.amazonaws.com"
#define NS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"

static void expect(struct aws_request *req, const char *want)
{
	ck_assert_str_eq(req_text(req), want);
	aws_request_destroy(req);
}

START_TEST(builders_without_body)
{
	expect(s3_head_bucket(EP, "/src", "eu-west-1"), "HEAD " EP "/src\n\n");
	expect(s3_head_bucket("https://src.s3.eu-west-1.amazonaws.com", "", "eu-west-1"),
	       "HEAD https://src.s3.eu-west-1.amazonaws.com/\n\n");
	expect(s3_get_versioning(EP, "/src", "eu-west-1"), "GET " EP "/src?versioning=\n\n");
	expect(s3_get_encryption(EP, "", "eu-west-1"), "GET " EP "/?encryption=\n\n");
	expect(s3_get_tagging(EP, "/src", "eu-west-1"), "GET " EP "/src?tagging=\n\n");
	expect(s3_get_policy(EP, "/src", "eu-west-1"), "GET " EP "/src?policy=\n\n");
	expect(s3_get_object_lock(EP, "/src", "eu-west-1"), "GET " EP "/src?object-lock=\n\n");
	expect(s3_list_versions(EP, "/src", "eu-west-1"),
	       "GET " EP "/src?encoding-type=url&max-keys=1&versions=\n\n");
	struct aws_request *req = s3_get_tagging(EP, "/src", "eu-west-1");
	ck_assert_str_eq(req->service, "s3");
	ck_assert_str_eq(req->region, "eu-west-1");
	ck_assert_uint_eq(req->nquery, 1);
	ck_assert_ptr_null(req->query[0].value); /* valueless: ?tagging */
	aws_request_destroy(req);
}
END_TEST

START_TEST(create_bucket)
{
	expect(s3_create_bucket("https://s3.amazonaws.com", "/src", "us-east-1", false),
	       "PUT https://s3.amazonaws.com/src\n\n");
	expect(s3_create_bucket(EP, "/src", "eu-west-1", true),
	       "PUT " EP "/src\nx-amz-bucket-object-lock-enabled: true\n"
	       "Content-Type: application/xml\nContent-MD5: RRbNtostJSb8PTpMdgsvng==\n\n"
	       "<CreateBucketConfiguration " NS "><LocationConstraint>eu-west-1"
	       "</LocationConstraint></CreateBucketConfiguration>");
	expect(s3_create_bucket("https://s3.amazonaws.com", "/src", "us-east-1", true),
	       "PUT https://s3.amazonaws.com/src\nx-amz-bucket-object-lock-enabled: true\n\n");
}
END_TEST

START_TEST(put_versioning)
{
	expect(s3_put_versioning(EP, "/src", "eu-west-1", S3_VERSIONING_ENABLED),
	       "PUT " EP "/src?versioning=\nContent-Type: application/xml\n"
	       "Content-MD5: QQFYoy/mRYV9PGZUfFi0Bw==\n\n"
	       "<VersioningConfiguration " NS "><Status>Enabled</Status>"
	       "</VersioningConfiguration>");
	expect(s3_put_versioning(EP, "/src", "eu-west-1", S3_VERSIONING_SUSPENDED),
	       "PUT " EP "/src?versioning=\nContent-Type: application/xml\n"
	       "Content-MD5: orZUUp7E9srl53Od8p1glA==\n\n"
	       "<VersioningConfiguration " NS "><Status>Suspended</Status>"
	       "</VersioningConfiguration>");
	ck_assert_ptr_null(s3_put_versioning(EP, "/src", "eu-west-1", S3_VERSIONING_NEVER));
}
END_TEST

START_TEST(put_encryption)
{
	struct s3_encryption e = {"aws:kms", "arn:aws:kms:eu-west-1:111122223333:key/1234abcd",
				  true};
	expect(s3_put_encryption(EP, "/src", "eu-west-1", &e),
	       "PUT " EP "/src?encryption=\nContent-Type: application/xml\n"
	       "Content-MD5: w6eJainerls5F/vmluV04g==\n\n"
	       "<ServerSideEncryptionConfiguration " NS "><Rule>"
	       "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
	       "<KMSMasterKeyID>arn:aws:kms:eu-west-1:111122223333:key/1234abcd</KMSMasterKeyID>"
	       "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>"
	       "</Rule></ServerSideEncryptionConfiguration>");
	struct s3_encryption aes = {"AES256", NULL, false};
	expect(s3_put_encryption(EP, "/src", "eu-west-1", &aes),
	       "PUT " EP "/src?encryption=\nContent-Type: application/xml\n"
	       "Content-MD5: xcy34mofruPu10KlHkBu4Q==\n\n"
	       "<ServerSideEncryptionConfiguration " NS "><Rule>"
	       "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
	       "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>false</BucketKeyEnabled>"
	       "</Rule></ServerSideEncryptionConfiguration>");
	struct s3_encryption none = {0};
	ck_assert_ptr_null(s3_put_encryption(EP, "/src", "eu-west-1", &none));
}
END_TEST

START_TEST(put_tagging_escapes)
{
	struct aws_tags t = {0};
	aws_tags_add(&t, "crrc:spec", "a & b <c>");
	aws_tags_add(&t, "team", NULL);
	expect(s3_put_tagging(EP, "/src", "eu-west-1", &t),
	       "PUT " EP "/src?tagging=\nContent-Type: application/xml\n"
	       "Content-MD5: FXwYUtDNVdux10BIpiKCZg==\n\n"
	       "<Tagging " NS "><TagSet><Tag><Key>crrc:spec</Key><Value>a &amp; b &lt;c&gt;"
	       "</Value></Tag><Tag><Key>team</Key><Value></Value></Tag></TagSet></Tagging>");
	aws_tags_free(&t);
	aws_tags_free(NULL);
}
END_TEST

START_TEST(put_policy)
{
	json_t *p = json_loads("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\","
			       "\"Effect\":\"Allow\",\"Principal\":{\"AWS\":"
			       "\"arn:aws:iam::111122223333:root\"},\"Action\":"
			       "\"s3:ReplicateObject\",\"Resource\":\"arn:aws:s3:::dst/*\"}]}",
			       0, NULL);
	ck_assert_ptr_nonnull(p);
	expect(s3_put_policy(EP, "/dst", "eu-west-1", p),
	       "PUT " EP "/dst?policy=\nContent-Type: application/json\n"
	       "Content-MD5: 7NkRaXecPHNnPzBkSUKhmg==\n\n"
	       "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\",\"Effect\":\"Allow\","
	       "\"Principal\":{\"AWS\":\"arn:aws:iam::111122223333:root\"},\"Action\":"
	       "\"s3:ReplicateObject\",\"Resource\":\"arn:aws:s3:::dst/*\"}]}");
	json_decref(p);
	ck_assert_ptr_null(s3_put_policy(EP, "/dst", "eu-west-1", NULL));
}
END_TEST

START_TEST(content_md5)
{
	char out[25];
	sigv4_content_md5("", 0, out);
	ck_assert_str_eq(out, "1B2M2Y8AsgTpgAmY7PhCfg==");
	sigv4_content_md5("The quick brown fox jumps over the lazy dog", 43, out);
	ck_assert_str_eq(out, "nhB9nTcrtoJr2B01QqQZ1g==");
}
END_TEST

START_TEST(head_bucket)
{
	struct aws_response r;
	char region[64];
	resp_make(&r, 200, NULL, "x-amz-bucket-region", "eu-west-1", NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_EXISTS);
	ck_assert_str_eq(region, "eu-west-1");
	aws_response_clear(&r);
	resp_make(&r, 404, NULL, NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_ABSENT);
	ck_assert_str_eq(region, "");
	aws_response_clear(&r);
	resp_make(&r, 403, NULL, "x-amz-bucket-region", "us-west-2", NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_FORBIDDEN);
	ck_assert_str_eq(region, "us-west-2");
	aws_response_clear(&r);
	resp_make(&r, 301, NULL, "x-amz-bucket-region", "ap-south-1", NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_MOVED);
	ck_assert_str_eq(region, "ap-south-1");
	aws_response_clear(&r);
	resp_make(&r, 400, NULL, "x-amz-bucket-region", "ap-south-1", NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_MOVED);
	aws_response_clear(&r);
	resp_make(&r, 500, NULL, NULL);
	ck_assert_int_eq(s3_head_bucket_parse(&r, region), S3_HEAD_FAILED);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_versioning)
{
	struct aws_response r;
	enum s3_versioning v;
	bool mfa;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<VersioningConfiguration " NS "><Status>Enabled</Status>"
		  "<MfaDelete>Disabled</MfaDelete></VersioningConfiguration>", NULL);
	ck_assert_int_eq(s3_get_versioning_parse(&r, &v, &mfa, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(v, S3_VERSIONING_ENABLED);
	ck_assert(!mfa);
	aws_response_clear(&r);
	resp_make(&r, 200, XMLDECL "<VersioningConfiguration " NS "/>", NULL);
	ck_assert_int_eq(s3_get_versioning_parse(&r, &v, NULL, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(v, S3_VERSIONING_NEVER);
	aws_response_clear(&r);
	resp_make(&r, 200, "<VersioningConfiguration><Status>Suspended</Status>"
		  "<MfaDelete>Enabled</MfaDelete></VersioningConfiguration>", NULL);
	ck_assert_int_eq(s3_get_versioning_parse(&r, &v, &mfa, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(v, S3_VERSIONING_SUSPENDED);
	ck_assert(mfa);
	aws_response_clear(&r);
	resp_make(&r, 200, "<VersioningConfiguration><Status>On</Status>"
		  "</VersioningConfiguration>", NULL);
	ck_assert_int_eq(s3_get_versioning_parse(&r, &v, &mfa, err, sizeof(err)),
			 AWS_READ_FAILED);
	ck_assert_str_eq(err, "versioning Status 'On'");
	aws_response_clear(&r);
	resp_make(&r, 404, XMLDECL "<Error><Code>NoSuchBucket</Code><Message>The specified bucket "
		  "does not exist</Message><BucketName>src</BucketName><RequestId>4442587FB7D0A2F9"
		  "</RequestId><HostId>x</HostId></Error>", NULL);
	ck_assert_int_eq(s3_get_versioning_parse(&r, &v, &mfa, err, sizeof(err)),
			 AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 404 NoSuchBucket: The specified bucket does not exist");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_encryption)
{
	struct aws_response r;
	struct s3_encryption e;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<ServerSideEncryptionConfiguration " NS "><Rule>"
		  "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm>"
		  "<KMSMasterKeyID>arn:aws:kms:us-east-1:1234:key/k</KMSMasterKeyID>"
		  "</ApplyServerSideEncryptionByDefault><BucketKeyEnabled>true</BucketKeyEnabled>"
		  "</Rule></ServerSideEncryptionConfiguration>", NULL);
	ck_assert_int_eq(s3_get_encryption_parse(&r, &e, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(e.algorithm, "aws:kms");
	ck_assert_str_eq(e.kms_key_id, "arn:aws:kms:us-east-1:1234:key/k");
	ck_assert(e.bucket_key);
	s3_encryption_free(&e);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ServerSideEncryptionConfiguration><Rule>"
		  "<ApplyServerSideEncryptionByDefault><SSEAlgorithm>AES256</SSEAlgorithm>"
		  "</ApplyServerSideEncryptionByDefault></Rule>"
		  "</ServerSideEncryptionConfiguration>", NULL);
	ck_assert_int_eq(s3_get_encryption_parse(&r, &e, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(e.algorithm, "AES256");
	ck_assert_ptr_null(e.kms_key_id);
	ck_assert(!e.bucket_key);
	s3_encryption_free(&e);
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>ServerSideEncryptionConfigurationNotFoundError</Code>"
		  "<Message>The server side encryption configuration was not found</Message>"
		  "</Error>", NULL);
	ck_assert_int_eq(s3_get_encryption_parse(&r, &e, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(e.algorithm);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_tagging)
{
	struct aws_response r;
	struct aws_tags t = {0};
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<Tagging xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\">"
		  "\n  <TagSet>\n    <Tag><Key>a</Key><Value>1 &amp; 2</Value></Tag>\n"
		  "    <Tag><Key>b</Key><Value></Value></Tag>\n  </TagSet>\n</Tagging>", NULL);
	ck_assert_int_eq(s3_get_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.v[0].key, "a");
	ck_assert_str_eq(t.v[0].value, "1 & 2");
	ck_assert_str_eq(t.v[1].value, "");
	aws_tags_free(&t);
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>NoSuchTagSet</Code><Message>The TagSet does not exist"
		  "</Message></Error>", NULL);
	ck_assert_int_eq(s3_get_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_uint_eq(t.n, 0);
	aws_response_clear(&r);
	resp_make(&r, 200, "<Tagging><TagSet><Tag>", NULL);
	ck_assert_int_eq(s3_get_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "not well-formed XML");
	aws_response_clear(&r);
	resp_make(&r, 200, "<!DOCTYPE Tagging [<!ENTITY x \"y\">]><Tagging><TagSet><Tag><Key>&x;"
		  "</Key></Tag></TagSet></Tagging>", NULL);
	ck_assert_int_eq(s3_get_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "the XML document has a DTD");
	aws_response_clear(&r);
	resp_make(&r, 200, "<Error/>", NULL);
	ck_assert_int_eq(s3_get_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "expected a <Tagging> document, got <Error>");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_policy)
{
	struct aws_response r;
	json_t *p;
	char err[256] = "";
	resp_make(&r, 200, "{\"Version\":\"2012-10-17\",\"Statement\":[]}", NULL);
	ck_assert_int_eq(s3_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(json_string_value(json_object_get(p, "Version")), "2012-10-17");
	json_decref(p);
	aws_response_clear(&r);
	resp_make(&r, 404, XMLDECL "<Error><Code>NoSuchBucketPolicy</Code><Message>The bucket "
		  "policy does not exist</Message></Error>", NULL);
	ck_assert_int_eq(s3_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(p);
	aws_response_clear(&r);
	resp_make(&r, 200, "[1]", NULL);
	ck_assert_int_eq(s3_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_FAILED);
	aws_response_clear(&r);
	resp_make(&r, 403, "<Error><Code>AccessDenied</Code><Message>Access Denied</Message>"
		  "</Error>", NULL);
	ck_assert_int_eq(s3_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 403 AccessDenied: Access Denied");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_object_lock)
{
	struct aws_response r;
	struct s3_object_lock l;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<ObjectLockConfiguration " NS "><ObjectLockEnabled>Enabled"
		  "</ObjectLockEnabled><Rule><DefaultRetention><Mode>COMPLIANCE</Mode><Days>30"
		  "</Days></DefaultRetention></Rule></ObjectLockConfiguration>", NULL);
	ck_assert_int_eq(s3_get_object_lock_parse(&r, &l, err, sizeof(err)), AWS_READ_OK);
	ck_assert(l.enabled);
	ck_assert_str_eq(l.mode, "COMPLIANCE");
	ck_assert_int_eq(l.days, 30);
	ck_assert_int_eq(l.years, 0);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ObjectLockConfiguration><ObjectLockEnabled>Enabled"
		  "</ObjectLockEnabled></ObjectLockConfiguration>", NULL);
	ck_assert_int_eq(s3_get_object_lock_parse(&r, &l, err, sizeof(err)), AWS_READ_OK);
	ck_assert(l.enabled);
	ck_assert_str_eq(l.mode, "");
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>ObjectLockConfigurationNotFoundError</Code><Message>"
		  "Object Lock configuration does not exist for this bucket</Message></Error>",
		  NULL);
	ck_assert_int_eq(s3_get_object_lock_parse(&r, &l, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert(!l.enabled);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ObjectLockConfiguration><Rule><DefaultRetention><Days>x</Days>"
		  "</DefaultRetention></Rule></ObjectLockConfiguration>", NULL);
	ck_assert_int_eq(s3_get_object_lock_parse(&r, &l, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "DefaultRetention Days 'x'");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_list_versions)
{
	struct aws_response r;
	bool empty;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<ListVersionsResult " NS "><Name>src</Name><Prefix></Prefix>"
		  "<KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker><MaxKeys>1</MaxKeys>"
		  "<IsTruncated>false</IsTruncated></ListVersionsResult>", NULL);
	ck_assert_int_eq(s3_list_versions_parse(&r, &empty, err, sizeof(err)), AWS_READ_OK);
	ck_assert(empty);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListVersionsResult><Name>src</Name><NextKeyMarker>a</NextKeyMarker>"
		  "<NextVersionIdMarker>v</NextVersionIdMarker><MaxKeys>1</MaxKeys><IsTruncated>"
		  "true</IsTruncated><DeleteMarker><Key>a</Key><VersionId>v</VersionId>"
		  "</DeleteMarker></ListVersionsResult>", NULL);
	ck_assert_int_eq(s3_list_versions_parse(&r, &empty, err, sizeof(err)), AWS_READ_OK);
	ck_assert(!empty);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListVersionsResult><Version><Key>a</Key></Version>"
		  "</ListVersionsResult>", NULL);
	ck_assert_int_eq(s3_list_versions_parse(&r, &empty, err, sizeof(err)), AWS_READ_OK);
	ck_assert(!empty);
	aws_response_clear(&r);
	resp_make(&r, 0, NULL, NULL);
	strcpy(r.error, "Couldn't connect to server");
	ck_assert_int_eq(s3_list_versions_parse(&r, &empty, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "no response: Couldn't connect to server");
	aws_response_clear(&r);
}
END_TEST

START_TEST(url_decode)
{
	char *s = aws_url_decode("%7B%22a%22%3A%20%22b+c%22%7D", 28);
	ck_assert_str_eq(s, "{\"a\": \"b+c\"}");
	free(s);
	ck_assert_ptr_null(aws_url_decode("%7", 2));
	ck_assert_ptr_null(aws_url_decode("%zz", 3));
	ck_assert_ptr_null(aws_url_decode("a%00b", 5));
	s = aws_url_decode("", 0);
	ck_assert_str_eq(s, "");
	free(s);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("s3");
	TCase *b = tcase_create("builders");
	tcase_add_test(b, builders_without_body);
	tcase_add_test(b, create_bucket);
	tcase_add_test(b, put_versioning);
	tcase_add_test(b, put_encryption);
	tcase_add_test(b, put_tagging_escapes);
	tcase_add_test(b, put_policy);
	tcase_add_test(b, content_md5);
	suite_add_tcase(s, b);
	TCase *p = tcase_create("parsers");
	tcase_add_test(p, head_bucket);
	tcase_add_test(p, parse_versioning);
	tcase_add_test(p, parse_encryption);
	tcase_add_test(p, parse_tagging);
	tcase_add_test(p, parse_policy);
	tcase_add_test(p, parse_object_lock);
	tcase_add_test(p, parse_list_versions);
	tcase_add_test(p, url_decode);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	return check_main(suite());
}
