/* test_s3_object.c: the S3 object operations (aws/s3_object.h): every
 * builder's method, URL (the key encoded once, '/' kept), headers and body
 * exactly (Content-MD5 computed by Python's hashlib), what builders refuse,
 * and every parser on answers shaped as S3 sends them (the S3 API
 * reference; botocore's s3 model): headers, absent objects and delete
 * markers, tags, and pages of versions with their markers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/s3_object.h"
#include "aws_helpers.h"

#define EP "https://s3.eu-west-1.amazonaws.com"
#define NS "xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\""
#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define KEY "probe/a b+c~\xc3\xbc.txt"
#define KEY_SENT "/src/probe/a%20b%2Bc~%C3%BC.txt"

static void expect(struct aws_request *req, const char *want)
{
	ck_assert_str_eq(req_text(req), want);
	aws_request_destroy(req);
}

START_TEST(put_object)
{
	struct s3_put_object o = {.key = KEY, .body = "hello", .len = 5};
	expect(s3_put_object(EP, "/src", "eu-west-1", &o),
	       "PUT " EP KEY_SENT "\nContent-Type: application/octet-stream\n"
	       "Content-MD5: XUFAKrxLKna5cZ2REBfFkg==\n\nhello");
	struct aws_tags tags = {0}, meta = {0};
	aws_tags_add(&tags, "crrc:probe", "a b&c=d");
	aws_tags_add(&tags, "run", "\xc3\xbc/1");
	aws_tags_add(&meta, "crrc-run", "42");
	aws_tags_add(&meta, "Note", "a b");
	struct s3_put_object full = {
		.key = "k", .body = "{\"probe\":1}", .len = 11, .content_type = "application/json",
		.tags = &tags, .kms_key = "arn:aws:kms:eu-west-1:111122223333:key/k1",
		.metadata = &meta};
	expect(s3_put_object("https://src.s3.eu-west-1.amazonaws.com", "", "eu-west-1", &full),
	       "PUT https://src.s3.eu-west-1.amazonaws.com/k\nContent-Type: application/json\n"
	       "Content-MD5: HmFQIDrKqVd+8NzOXyoSKg==\n"
	       "x-amz-tagging: crrc%3Aprobe=a%20b%26c%3Dd&run=%C3%BC%2F1\n"
	       "x-amz-server-side-encryption: aws:kms\n"
	       "x-amz-server-side-encryption-aws-kms-key-id: "
	       "arn:aws:kms:eu-west-1:111122223333:key/k1\n"
	       "x-amz-meta-crrc-run: 42\nx-amz-meta-Note: a b\n\n{\"probe\":1}");
	struct aws_tags none = {0};
	struct s3_put_object empty = {.key = "a/../b", .tags = &none};
	expect(s3_put_object(EP, "/src", "eu-west-1", &empty),
	       "PUT " EP "/src/a/../b\nContent-Type: application/octet-stream\n"
	       "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==\n\n");
	aws_tags_free(&tags);
	aws_tags_free(&meta);
}
END_TEST

START_TEST(put_object_refused)
{
	struct aws_tags bad_name = {0}, bad_value = {0};
	aws_tags_add(&bad_name, "a b", "x");
	aws_tags_add(&bad_value, "a", "x\r\nx-amz-acl: public-read");
	struct s3_put_object o[] = {
		{.key = NULL},
		{.key = ""},
		{.key = "k", .body = NULL, .len = 3},
		{.key = "k", .content_type = "text/plain\r\nx: y"},
		{.key = "k", .kms_key = "cl\xc3\xa9"},
		{.key = "k", .metadata = &bad_name},
		{.key = "k", .metadata = &bad_value},
	};
	for (size_t i = 0; i < sizeof(o) / sizeof(o[0]); i++)
		ck_assert_msg(!s3_put_object(EP, "/src", "eu-west-1", &o[i]), "case %zu", i);
	ck_assert_ptr_null(s3_put_object(EP, "/src", "eu-west-1", NULL));
	ck_assert_ptr_null(s3_put_object(NULL, "/src", "eu-west-1", &o[2]));
	aws_tags_free(&bad_name);
	aws_tags_free(&bad_value);
}
END_TEST

START_TEST(object_reads_and_delete)
{
	expect(s3_head_object(EP, "/src", "eu-west-1", KEY, NULL), "HEAD " EP KEY_SENT "\n\n");
	expect(s3_head_object(EP, "/src", "eu-west-1", "k", "3/L4kqtJl+cjrVT="),
	       "HEAD " EP "/src/k?versionId=3%2FL4kqtJl%2BcjrVT%3D\n\n");
	expect(s3_get_object_tagging(EP, "/src", "eu-west-1", KEY, NULL),
	       "GET " EP KEY_SENT "?tagging=\n\n");
	expect(s3_get_object_tagging(EP, "", "eu-west-1", "k", "v1"),
	       "GET " EP "/k?tagging=&versionId=v1\n\n");
	expect(s3_delete_object(EP, "/src", "eu-west-1", KEY, NULL), "DELETE " EP KEY_SENT "\n\n");
	expect(s3_delete_object(EP, "/src", "eu-west-1", "k", "null"),
	       "DELETE " EP "/src/k?versionId=null\n\n");
	ck_assert_ptr_null(s3_head_object(EP, "/src", "eu-west-1", "", NULL));
	ck_assert_ptr_null(s3_get_object_tagging(EP, "/src", "eu-west-1", NULL, NULL));
	ck_assert_ptr_null(s3_delete_object(EP, "/src", NULL, "k", NULL));
	struct aws_request *req = s3_head_object(EP, "/src", "eu-west-1", "k", NULL);
	ck_assert_str_eq(req->service, "s3");
	ck_assert_str_eq(req->region, "eu-west-1");
	aws_request_destroy(req);
}
END_TEST

START_TEST(list_object_versions)
{
	expect(s3_list_object_versions(EP, "/src", "eu-west-1", NULL, NULL, NULL),
	       "GET " EP "/src?encoding-type=url&versions=\n\n");
	expect(s3_list_object_versions(EP, "", "eu-west-1", "crrc probe/", "crrc probe/a+b",
				       "3/L4kq"),
	       "GET " EP "/?encoding-type=url&key-marker=crrc%20probe%2Fa%2Bb"
	       "&prefix=crrc%20probe%2F&version-id-marker=3%2FL4kq&versions=\n\n");
	expect(s3_list_object_versions(EP, "/src", "eu-west-1", "p", "k", NULL),
	       "GET " EP "/src?encoding-type=url&key-marker=k&prefix=p&versions=\n\n");
	ck_assert_ptr_null(s3_list_object_versions(EP, "/src", "eu-west-1", NULL, NULL, "v"));
}
END_TEST

START_TEST(parse_put_and_delete)
{
	struct aws_response r;
	char err[256] = "", *version = NULL, *etag = NULL;
	resp_make(&r, 200, NULL, "etag", "\"5d41402abc4b2a76b9719d911017c592\"",
		  "x-amz-version-id", "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd", NULL);
	ck_assert(s3_put_object_parse(&r, &version, &etag, err, sizeof(err)));
	ck_assert_str_eq(version, "3HL4kqtJlcpXroDTDmjVBH40Nrjfkd");
	ck_assert_str_eq(etag, "\"5d41402abc4b2a76b9719d911017c592\"");
	free(version);
	free(etag);
	ck_assert(s3_put_object_parse(&r, NULL, NULL, err, sizeof(err)));
	aws_response_clear(&r);
	resp_make(&r, 200, NULL, "etag", "\"e\"", NULL);
	ck_assert(s3_put_object_parse(&r, &version, NULL, err, sizeof(err)));
	ck_assert_ptr_null(version);
	aws_response_clear(&r);
	resp_make(&r, 403, XMLDECL "<Error><Code>AccessDenied</Code><Message>Access Denied"
		  "</Message></Error>", NULL);
	ck_assert(!s3_put_object_parse(&r, &version, &etag, err, sizeof(err)));
	ck_assert_ptr_null(version);
	ck_assert_ptr_null(etag);
	ck_assert_str_eq(err, "HTTP 403 AccessDenied: Access Denied");
	bool marker = true;
	ck_assert(!s3_delete_object_parse(&r, &marker, &version, err, sizeof(err)));
	ck_assert(!marker);
	ck_assert_ptr_null(version);
	aws_response_clear(&r);
	resp_make(&r, 204, NULL, "x-amz-delete-marker", "true", "x-amz-version-id", "dm1", NULL);
	ck_assert(s3_delete_object_parse(&r, &marker, &version, err, sizeof(err)));
	ck_assert(marker);
	ck_assert_str_eq(version, "dm1");
	free(version);
	aws_response_clear(&r);
	resp_make(&r, 204, NULL, NULL);
	ck_assert(s3_delete_object_parse(&r, &marker, &version, err, sizeof(err)));
	ck_assert(!marker);
	ck_assert_ptr_null(version);
	ck_assert(s3_delete_object_parse(&r, NULL, NULL, err, sizeof(err)));
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_head)
{
	struct aws_response r;
	struct s3_object_head h;
	char err[256] = "";
	resp_make(&r, 200, NULL, "content-length", "11", "etag", "\"e\"", "x-amz-version-id",
		  "v2", "x-amz-replication-status", "COMPLETED", "x-amz-server-side-encryption",
		  "aws:kms", "x-amz-server-side-encryption-aws-kms-key-id",
		  "arn:aws:kms:eu-west-1:111122223333:key/k1", "x-amz-storage-class", "STANDARD_IA",
		  NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(h.size, 11);
	ck_assert_str_eq(h.etag, "\"e\"");
	ck_assert_str_eq(h.version_id, "v2");
	ck_assert_str_eq(h.replication_status, "COMPLETED");
	ck_assert_str_eq(h.sse, "aws:kms");
	ck_assert_str_eq(h.kms_key, "arn:aws:kms:eu-west-1:111122223333:key/k1");
	ck_assert_str_eq(h.storage_class, "STANDARD_IA");
	ck_assert(!h.delete_marker);
	s3_object_head_free(&h);
	ck_assert_ptr_null(h.etag);
	s3_object_head_free(NULL);
	aws_response_clear(&r);
	resp_make(&r, 200, NULL, "content-length", "0", "x-amz-server-side-encryption", "AES256",
		  NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(h.size, 0);
	ck_assert_ptr_null(h.version_id);
	ck_assert_ptr_null(h.replication_status);
	ck_assert_ptr_null(h.storage_class);
	ck_assert_ptr_null(h.etag);
	s3_object_head_free(&h);
	aws_response_clear(&r);
	resp_make(&r, 200, NULL, NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_OK);
	ck_assert_int_eq(h.size, -1);
	s3_object_head_free(&h);
	aws_response_clear(&r);
	resp_make(&r, 200, NULL, "content-length", "12x", NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "Content-Length '12x'");
	ck_assert_ptr_null(h.etag);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_head_absent)
{
	struct aws_response r;
	struct s3_object_head h;
	char err[256] = "";
	resp_make(&r, 404, NULL, NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert(!h.delete_marker);
	ck_assert_ptr_null(h.version_id);
	aws_response_clear(&r);
	resp_make(&r, 404, NULL, "x-amz-delete-marker", "true", "x-amz-version-id", "dm1", NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert(h.delete_marker);
	ck_assert_str_eq(h.version_id, "dm1");
	s3_object_head_free(&h);
	aws_response_clear(&r);
	resp_make(&r, 405, NULL, "x-amz-delete-marker", "true", "x-amz-version-id", "dm2",
		  "allow", "DELETE", NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert(h.delete_marker);
	ck_assert_str_eq(h.version_id, "dm2");
	s3_object_head_free(&h);
	aws_response_clear(&r);
	resp_make(&r, 405, NULL, NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 405");
	ck_assert(!h.delete_marker);
	aws_response_clear(&r);
	resp_make(&r, 403, NULL, NULL);
	ck_assert_int_eq(s3_head_object_parse(&r, &h, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 403");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_object_tagging)
{
	struct aws_response r;
	struct aws_tags t = {0};
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<Tagging " NS "><TagSet><Tag><Key>crrc:probe</Key><Value>a b"
		  "&amp;c</Value></Tag><Tag><Key>run</Key><Value>1</Value></Tag></TagSet>"
		  "</Tagging>", "x-amz-version-id", "v1", NULL);
	ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(t.n, 2);
	ck_assert_str_eq(t.v[0].key, "crrc:probe");
	ck_assert_str_eq(t.v[0].value, "a b&c");
	ck_assert_str_eq(t.v[1].key, "run");
	aws_tags_free(&t);
	aws_response_clear(&r);
	resp_make(&r, 200, XMLDECL "<Tagging " NS "><TagSet/></Tagging>", NULL);
	ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(t.n, 0);
	aws_response_clear(&r);
	const char *absent[] = {"NoSuchKey", "NoSuchVersion"};
	for (size_t i = 0; i < 2; i++) {
		char body[160];
		snprintf(body, sizeof(body), "<Error><Code>%s</Code><Message>m</Message></Error>",
			 absent[i]);
		resp_make(&r, 404, body, NULL);
		ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)),
				 AWS_READ_ABSENT);
		aws_response_clear(&r);
	}
	resp_make(&r, 404, "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does "
		  "not exist</Message></Error>", NULL);
	ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 404 NoSuchBucket: The specified bucket does not exist");
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>NoSuchKeys</Code></Error>", NULL);
	ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>NoSuch</Code></Error>", NULL);
	ck_assert_int_eq(s3_get_object_tagging_parse(&r, &t, err, sizeof(err)), AWS_READ_FAILED);
	aws_response_clear(&r);
}
END_TEST

/* A page of ListObjectVersions as S3 answers it with encoding-type=url. */
#define PAGE1                                                                              \
	XMLDECL "<ListVersionsResult " NS "><Name>src</Name><Prefix>crrc%2Fprobe</Prefix>"   \
		"<KeyMarker></KeyMarker><VersionIdMarker></VersionIdMarker>"                 \
		"<NextKeyMarker>crrc%2Fprobe%2Fb+c%2B</NextKeyMarker>"                       \
		"<NextVersionIdMarker>3/L4kq+x=</NextVersionIdMarker><MaxKeys>3</MaxKeys>"   \
		"<EncodingType>url</EncodingType><IsTruncated>true</IsTruncated>"            \
		"<DeleteMarker><Owner><ID>o</ID></Owner><Key>crrc%2Fprobe%2Fa</Key>"         \
		"<VersionId>dm1</VersionId><IsLatest>true</IsLatest>"                        \
		"<LastModified>2024-05-01T10:00:00.000Z</LastModified></DeleteMarker>"       \
		"<Version><Key>crrc%2Fprobe%2Fa</Key><VersionId>v1</VersionId>"              \
		"<IsLatest>false</IsLatest><LastModified>2024-05-01T09:00:00.000Z"           \
		"</LastModified><ETag>&quot;5d41402abc4b2a76b9719d911017c592&quot;</ETag>"   \
		"<Size>5</Size><Owner><ID>o</ID></Owner><StorageClass>STANDARD"              \
		"</StorageClass></Version>"                                                  \
		"<Version><Key>crrc%2Fprobe%2Fb+c%2B</Key><VersionId>null</VersionId>"       \
		"<IsLatest>true</IsLatest><ETag>&quot;e&quot;</ETag><Size>0</Size>"          \
		"</Version></ListVersionsResult>"

START_TEST(parse_versions_pages)
{
	struct aws_response r;
	struct s3_versions v = {0};
	char err[256] = "";
	resp_make(&r, 200, PAGE1, NULL);
	ck_assert_int_eq(s3_list_object_versions_parse(&r, &v, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(v.n, 3);
	ck_assert(v.truncated);
	ck_assert_str_eq(v.next_key_marker, "crrc/probe/b c+");
	ck_assert_str_eq(v.next_version_marker, "3/L4kq+x=");
	ck_assert(v.v[0].delete_marker && v.v[0].latest);
	ck_assert_str_eq(v.v[0].key, "crrc/probe/a");
	ck_assert_str_eq(v.v[0].version_id, "dm1");
	ck_assert_ptr_null(v.v[0].etag);
	ck_assert_int_eq(v.v[0].size, 0);
	ck_assert(!v.v[1].delete_marker && !v.v[1].latest);
	ck_assert_str_eq(v.v[1].etag, "\"5d41402abc4b2a76b9719d911017c592\"");
	ck_assert_int_eq(v.v[1].size, 5);
	ck_assert_str_eq(v.v[2].key, "crrc/probe/b c+");
	ck_assert_str_eq(v.v[2].version_id, "null");
	ck_assert(v.v[2].latest);
	aws_response_clear(&r);
	/* The next page, appended; moto answers without EncodingType, keys raw. */
	resp_make(&r, 200, "<ListVersionsResult><Name>src</Name><IsTruncated>false</IsTruncated>"
		  "<Version><Key>crrc/probe/c+d%41</Key><VersionId>v9</VersionId><IsLatest>true"
		  "</IsLatest><Size>7</Size></Version></ListVersionsResult>", NULL);
	ck_assert_int_eq(s3_list_object_versions_parse(&r, &v, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(v.n, 4);
	ck_assert(!v.truncated);
	ck_assert_ptr_null(v.next_key_marker);
	ck_assert_ptr_null(v.next_version_marker);
	ck_assert_str_eq(v.v[3].key, "crrc/probe/c+d%41");
	ck_assert_int_eq(v.v[3].size, 7);
	aws_response_clear(&r);
	s3_versions_free(&v);
	ck_assert_ptr_null(v.v);
	ck_assert_uint_eq(v.n, 0);
	s3_versions_free(NULL);
}
END_TEST

START_TEST(parse_versions_bad)
{
	static const char *const bad[][2] = {
		{"<ListVersionsResult><IsTruncated>true</IsTruncated><Version><Key>a</Key>"
		 "</Version></ListVersionsResult>",
		 "a truncated list of versions without a NextKeyMarker"},
		{"<ListVersionsResult><Version><Key>a</Key><Size>-1</Size></Version>"
		 "</ListVersionsResult>",
		 "Version of 'a': Size '-1'"},
		{"<ListVersionsResult><DeleteMarker><Key>a</Key><IsLatest>yes</IsLatest>"
		 "</DeleteMarker></ListVersionsResult>",
		 "<IsLatest> is 'yes', not true or false"},
		{"<ListVersionsResult><EncodingType>url</EncodingType><Version><Key>a%zz</Key>"
		 "</Version></ListVersionsResult>",
		 "a Version without a Key, or not URL-encoded"},
		{"<ListVersionsResult><DeleteMarker><VersionId>x</VersionId></DeleteMarker>"
		 "</ListVersionsResult>",
		 "a DeleteMarker without a Key, or not URL-encoded"},
		{"<ListBucketResult/>", "expected a <ListVersionsResult> document, got "
					"<ListBucketResult>"},
		{"<Error><Code>NoSuchBucket</Code><Message>m</Message></Error>",
		 "HTTP 404 NoSuchBucket: m"},
	};
	struct s3_versions v = {0};
	struct aws_response r;
	resp_make(&r, 200, PAGE1, NULL);
	ck_assert_int_eq(s3_list_object_versions_parse(&r, &v, NULL, 0), AWS_READ_OK);
	aws_response_clear(&r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[256] = "";
		resp_make(&r, strncmp(bad[i][0], "<Error>", 7) == 0 ? 404 : 200, bad[i][0], NULL);
		ck_assert_int_eq(s3_list_object_versions_parse(&r, &v, err, sizeof(err)),
				 AWS_READ_FAILED);
		ck_assert_str_eq(err, bad[i][1]);
		ck_assert_uint_eq(v.n, 3); /* the first page's, and nothing of this one */
		aws_response_clear(&r);
	}
	ck_assert_str_eq(v.v[2].key, "crrc/probe/b c+");
	s3_versions_free(&v);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("s3_object");
	TCase *b = tcase_create("builders");
	tcase_add_test(b, put_object);
	tcase_add_test(b, put_object_refused);
	tcase_add_test(b, object_reads_and_delete);
	tcase_add_test(b, list_object_versions);
	suite_add_tcase(s, b);
	TCase *p = tcase_create("parsers");
	tcase_add_test(p, parse_put_and_delete);
	tcase_add_test(p, parse_head);
	tcase_add_test(p, parse_head_absent);
	tcase_add_test(p, parse_object_tagging);
	tcase_add_test(p, parse_versions_pages);
	tcase_add_test(p, parse_versions_bad);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	return check_main(suite());
}
