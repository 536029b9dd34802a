/* test_request.c: the request (request.c) and the signer's pure parts
 * (sigv4.c): URI encoding, the canonical query's order and edge cases, the
 * URL, headers replaced and removed, Content-MD5 and SHA-256 of known
 * inputs, the AWS test suite's get-vanilla, a re-sign replacing the first
 * signature and refusals without credentials. botocore is the reference
 * for everything else (test_sigv4.py). */
#include <check.h>
#include <string.h>

#include "aws/sigv4.h"
#include "check_main.h"

static char *enc(const char *s, bool slash)
{
	static struct buf b;
	b.len = 0;
	aws_uri_encode(&b, s, strlen(s), slash);
	return b.data ? b.data : "";
}

START_TEST(uri_encode)
{
	ck_assert_str_eq(enc("AZaz09-_.~", false), "AZaz09-_.~");
	ck_assert_str_eq(enc("a b+c", false), "a%20b%2Bc");
	ck_assert_str_eq(enc("a/b", false), "a%2Fb");
	ck_assert_str_eq(enc("a/b", true), "a/b");
	ck_assert_str_eq(enc("100%", true), "100%25");
	ck_assert_str_eq(enc("é", false), "%C3%A9");
	ck_assert_str_eq(enc("=&?#*", false), "%3D%26%3F%23%2A");
	ck_assert_str_eq(enc("\x7f\xff", false), "%7F%FF");
	struct buf b = BUF_INIT;
	aws_uri_encode(&b, "a\0b", 3, false); /* by length, NUL included */
	ck_assert_str_eq(b.data, "a%00b");
	buf_free(&b);
}
END_TEST

static char *query(struct aws_request *req)
{
	static struct buf b;
	b.len = 0;
	aws_request_canonical_query(req, &b);
	return b.data ? b.data : "";
}

START_TEST(canonical_query)
{
	struct aws_request *r = aws_request_create("GET", "https://h", "/", "us-east-1", "s3");
	ck_assert_str_eq(query(r), "");
	aws_request_add_query(r, "versioning", NULL);
	ck_assert_str_eq(query(r), "versioning=");
	aws_request_add_query(r, "prefix", "a b");
	aws_request_add_query(r, "max-keys", "5");
	aws_request_add_query(r, "list-type", "2");
	ck_assert_str_eq(query(r), "list-type=2&max-keys=5&prefix=a%20b&versioning=");
	aws_request_destroy(r);

	/* Repeated names by value; a name that prefixes another sorts first;
	 * sorting is of the encoded bytes ('%' 0x25 before letters). */
	r = aws_request_create("GET", "https://h", NULL, "r", "s3");
	aws_request_add_query(r, "a", "2");
	aws_request_add_query(r, "a-b", "");
	aws_request_add_query(r, "a", "1");
	aws_request_add_query(r, "a", NULL);
	aws_request_add_query(r, "A", "x");
	aws_request_add_query(r, "a b", "y");
	ck_assert_str_eq(query(r), "A=x&a=&a=1&a=2&a%20b=y&a-b=");
	struct buf url = BUF_INIT;
	aws_request_url(r, &url);
	ck_assert_str_eq(url.data, "https://h/?A=x&a=&a=1&a=2&a%20b=y&a-b=");
	buf_free(&url);
	aws_request_destroy(r);
}
END_TEST

START_TEST(headers_and_body)
{
	ck_assert_ptr_null(aws_request_create(NULL, "e", "/", "r", "s"));
	ck_assert_ptr_null(aws_request_create("GET", "e", "/", NULL, "s"));
	aws_request_destroy(NULL);
	struct aws_request *r = aws_request_create("PUT", "https://h", "/k", "r", "s3");
	aws_request_set_header(r, "Content-Type", "a");
	aws_request_set_header(r, "content-type", "b");
	ck_assert_uint_eq(r->nheaders, 1);
	ck_assert_str_eq(aws_request_header(r, "CONTENT-TYPE"), "b");
	aws_request_set_header(r, "X-Amz-Meta-A", "1");
	aws_request_remove_header(r, "content-type");
	ck_assert_ptr_null(aws_request_header(r, "Content-Type"));
	ck_assert_str_eq(aws_request_header(r, "x-amz-meta-a"), "1");
	aws_request_set_body(r, "hello", 5);
	aws_request_set_body(r, "hi", 2);
	ck_assert_uint_eq(r->body.len, 2);
	ck_assert_mem_eq(r->body.data, "hi", 2);
	aws_request_destroy(r);
}
END_TEST

START_TEST(digests)
{
	char md5[25], sha[65];
	sigv4_content_md5("", 0, md5);
	ck_assert_str_eq(md5, "1B2M2Y8AsgTpgAmY7PhCfg==");
	sigv4_content_md5(NULL, 0, md5);
	ck_assert_str_eq(md5, "1B2M2Y8AsgTpgAmY7PhCfg==");
	sigv4_content_md5("The quick brown fox jumps over the lazy dog", 43, md5);
	ck_assert_str_eq(md5, "nhB9nTcrtoJr2B01QqQZ1g==");
	sigv4_sha256_hex("", 0, sha);
	ck_assert_str_eq(sha, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	sigv4_sha256_hex("abc", 3, sha);
	ck_assert_str_eq(sha, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
END_TEST

static const struct aws_creds vanilla = {"AKIDEXAMPLE",
					 "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", NULL};

/* The AWS SigV4 test suite's get-vanilla: GET / at example.amazonaws.com. */
START_TEST(get_vanilla)
{
	struct aws_request *r = aws_request_create("GET", "https://example.amazonaws.com", "/",
						   "us-east-1", "service");
	ck_assert(sigv4_sign(r, &vanilla, 1440938160));
	ck_assert_str_eq(aws_request_header(r, "Host"), "example.amazonaws.com");
	ck_assert_str_eq(aws_request_header(r, "X-Amz-Date"), "20150830T123600Z");
	ck_assert_ptr_null(aws_request_header(r, "x-amz-content-sha256"));
	ck_assert_str_eq(aws_request_header(r, "Authorization"),
			 "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/"
			 "aws4_request, SignedHeaders=host;x-amz-date, Signature="
			 "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
	aws_request_destroy(r);
}
END_TEST

START_TEST(resign)
{
	struct aws_request *r = aws_request_create("GET", "http://127.0.0.1:5000", "/b",
						   "us-east-1", "s3");
	aws_request_add_query(r, "versioning", NULL);
	struct aws_creds tok = vanilla;
	tok.session_token = "TOKEN";
	ck_assert(sigv4_sign(r, &tok, 1440938160));
	ck_assert_str_eq(aws_request_header(r, "host"), "127.0.0.1:5000");
	ck_assert_str_eq(aws_request_header(r, "x-amz-security-token"), "TOKEN");
	ck_assert_str_eq(aws_request_header(r, "x-amz-content-sha256"),
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	size_t n = r->nheaders;
	char *first = strdup(aws_request_header(r, "Authorization"));
	/* Re-signed later without a token: one of each header, a new signature. */
	ck_assert(sigv4_sign(r, &vanilla, 1440938160 + 3600));
	ck_assert_uint_eq(r->nheaders, n - 1);
	ck_assert_ptr_null(aws_request_header(r, "x-amz-security-token"));
	ck_assert_str_eq(aws_request_header(r, "X-Amz-Date"), "20150830T133600Z");
	ck_assert_str_ne(aws_request_header(r, "Authorization"), first);
	ck_assert_ptr_null(strstr(aws_request_header(r, "Authorization"), "x-amz-security"));
	free(first);
	aws_request_destroy(r);
}
END_TEST

START_TEST(refusals)
{
	struct aws_request *r = aws_request_create("GET", "https://h", "/", "r", "s3");
	ck_assert(sigv4_sign(r, &vanilla, 0));
	struct aws_creds none = {NULL, "s", NULL}, empty = {"a", "", NULL};
	ck_assert(!sigv4_sign(r, &none, 0));
	ck_assert(!sigv4_sign(r, &empty, 0));
	ck_assert(!sigv4_sign(r, NULL, 0));
	ck_assert_ptr_null(aws_request_header(r, "Authorization"));
	ck_assert_ptr_null(aws_request_header(r, "X-Amz-Date"));
	aws_request_destroy(r);
	const char *bad[] = {"h", "https://", "https:///x", "https://h:port", "https://h:99999999"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		r = aws_request_create("GET", bad[i], "/", "r", "s3");
		ck_assert_msg(!sigv4_sign(r, &vanilla, 0), "%s", bad[i]);
		ck_assert_ptr_null(aws_request_header(r, "Authorization"));
		aws_request_destroy(r);
	}
}
END_TEST

START_TEST(hosts)
{
	const char *cases[][2] = {
		{"https://S3.Example.COM", "s3.example.com"},
		{"https://h:443", "h"},
		{"http://h:80", "h"},
		{"http://h:443", "h:443"},
		{"https://h:80", "h:80"},
		{"https://user:pw@h:8443", "h:8443"},
		{"http://[::1]:4566", "[::1]:4566"},
		{"http://[::1]", "[::1]"},
		{"https://h:", "h"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct aws_request *r = aws_request_create("GET", cases[i][0], "/", "r", "sts");
		ck_assert_msg(sigv4_sign(r, &vanilla, 0), "%s", cases[i][0]);
		ck_assert_str_eq(aws_request_header(r, "Host"), cases[i][1]);
		aws_request_destroy(r);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("request");
	TCase *t = tcase_create("request");
	tcase_add_test(t, uri_encode);
	tcase_add_test(t, canonical_query);
	tcase_add_test(t, headers_and_body);
	tcase_add_test(t, digests);
	tcase_add_test(t, get_vanilla);
	tcase_add_test(t, resign);
	tcase_add_test(t, refusals);
	tcase_add_test(t, hosts);
	suite_add_tcase(s, t);
	return check_main(s);
}
