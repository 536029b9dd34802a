/* test_xml.c: AWS's XML read safely (xml.c): elements by a path of local
 * names whatever their namespace, children iterated, text of text and
 * CDATA only; entities neither expanded (a billion laughs stays small) nor
 * fetched (an external entity reads no file); malformed XML refused. And
 * the error of real S3, IAM and STS error bodies (aws_error_parse): code,
 * message, request id from the body or else the headers, a transport
 * error's message, long messages cut at a character boundary. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/request.h"
#include "aws/xml.h"
#include "check_main.h"

static struct xml_doc *parse(const char *s)
{
	return xml_parse(s, strlen(s));
}

static void response(struct aws_response *r, long status, const char *body)
{
	aws_response_init(r);
	r->status = status;
	buf_puts(&r->body, body);
}

START_TEST(test_paths_and_namespaces)
{
	struct xml_doc *d = parse(
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<ReplicationConfiguration xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\" "
		"xmlns:x=\"urn:x\"><Role>arn:aws:iam::123456789012:role/r</Role>"
		"<Rule><ID>a</ID><x:Priority>1</x:Priority></Rule>"
		"<!-- a comment --><Rule><ID><![CDATA[b<&>]]></ID></Rule>"
		"<Rule><ID>c &amp; d</ID></Rule></ReplicationConfiguration>");
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(xml_name(xml_root(d)), "ReplicationConfiguration");
	char *role = xml_find_text(d, "ReplicationConfiguration/Role");
	ck_assert_str_eq(role, "arn:aws:iam::123456789012:role/r");
	free(role);
	char *prio = xml_find_text(d, "ReplicationConfiguration/Rule/Priority");
	ck_assert_str_eq(prio, "1");
	free(prio);
	ck_assert_ptr_null(xml_find(d, "ReplicationConfiguration/Nope"));
	ck_assert_ptr_null(xml_find(d, "Other/Role"));
	ck_assert_ptr_null(xml_find_text(d, "ReplicationConfiguration/Rule/ID/Deeper"));
	const char *want[] = {"a", "b<&>", "c & d"};
	int n = 0;
	const struct xml_node *root = xml_root(d);
	for (const struct xml_node *r = xml_child(root, "Rule"); r; r = xml_next(r, "Rule")) {
		ck_assert_int_lt(n, 3);
		char *id = xml_text(xml_child(r, "ID"));
		ck_assert_str_eq(id, want[n++]);
		free(id);
	}
	ck_assert_int_eq(n, 3);
	/* Any element: Role first, then the rules. */
	ck_assert_str_eq(xml_name(xml_child(root, NULL)), "Role");
	ck_assert_str_eq(xml_name(xml_next(xml_child(root, NULL), NULL)), "Rule");
	char *empty = xml_text(xml_child(xml_child(root, "Rule"), "Priority"));
	ck_assert_str_eq(empty, "1");
	free(empty);
	xml_doc_destroy(d);
	xml_doc_destroy(NULL);
}
END_TEST

START_TEST(test_malformed)
{
	ck_assert_ptr_null(parse(""));
	ck_assert_ptr_null(parse("<Error><Code>x</Error>"));
	ck_assert_ptr_null(parse("not xml at all"));
	ck_assert_ptr_null(xml_parse(NULL, 0));
	/* Only the first len bytes count. */
	ck_assert_ptr_null(xml_parse("<a/><b/>", 3));
	struct xml_doc *d = xml_parse("<a/><b/>", 4);
	ck_assert_ptr_nonnull(d);
	char *t = xml_find_text(d, "a");
	ck_assert_str_eq(t, "");
	free(t);
	xml_doc_destroy(d);
}
END_TEST

START_TEST(test_no_entity_expansion)
{
	struct xml_doc *d = parse(
		"<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n <!ENTITY lol \"lol\">\n"
		" <!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">\n"
		" <!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">\n"
		" <!ENTITY lol4 \"&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;\">\n"
		" <!ENTITY lol5 \"&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;\">\n"
		" <!ENTITY lol6 \"&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;\">\n"
		" <!ENTITY lol7 \"&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;\">\n"
		"]>\n<Error><Code>a&lol7;b</Code></Error>");
	if (d) {
		char *t = xml_find_text(d, "Error/Code");
		ck_assert_ptr_nonnull(t);
		ck_assert_uint_lt(strlen(t), 100);
		free(t);
		xml_doc_destroy(d);
	}
	d = parse("<?xml version=\"1.0\"?>\n<!DOCTYPE e [ <!ENTITY xxe SYSTEM "
		  "\"file:///etc/passwd\"> ]>\n<Error><Code>&xxe;</Code></Error>");
	if (d) {
		char *t = xml_find_text(d, "Error/Code");
		ck_assert_ptr_nonnull(t);
		ck_assert_ptr_null(strstr(t, "root"));
		free(t);
		xml_doc_destroy(d);
	}
}
END_TEST

START_TEST(test_s3_error)
{
	struct aws_response r;
	response(&r, 404,
		 "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		 "<Error><Code>NoSuchBucket</Code><Message>The specified bucket does not exist"
		 "</Message><BucketName>crrc-missing</BucketName><RequestId>4442587FB7D0A2F9"
		 "</RequestId><HostId>Y5N1P6ahZ+2c8Yk6c3LkTb3xqg8CJ7vq1cYVYjCgqIm0B9kM0YhLCPx4"
		 "Yc5rDVZw0X3J2qgIxVU=</HostId></Error>");
	aws_response_add_header(&r, "x-amz-request-id", 16, "FROMHEADER", 10);
	struct aws_error e;
	ck_assert(aws_error_parse(&r, &e));
	ck_assert_str_eq(e.code, "NoSuchBucket");
	ck_assert_str_eq(e.message, "The specified bucket does not exist");
	ck_assert_str_eq(e.request_id, "4442587FB7D0A2F9"); /* the body's first */
	aws_response_clear(&r);
}
END_TEST

START_TEST(test_iam_and_sts_errors)
{
	struct aws_response r;
	struct aws_error e;
	response(&r, 400,
		 "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n"
		 "  <Error>\n    <Type>Sender</Type>\n    <Code>MalformedPolicyDocument</Code>\n"
		 "    <Message>Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:"
		 "role/crrc-new\"</Message>\n  </Error>\n"
		 "  <RequestId>8e1a7b9d-4f1c-4c2a-9a35-1e6f0f2c9c11</RequestId>\n"
		 "</ErrorResponse>\n");
	ck_assert(aws_error_parse(&r, &e));
	ck_assert_str_eq(e.code, "MalformedPolicyDocument");
	ck_assert_str_eq(e.message,
			 "Invalid principal in policy: \"AWS\":\"arn:aws:iam::123456789012:role/crrc-new\"");
	ck_assert_str_eq(e.request_id, "8e1a7b9d-4f1c-4c2a-9a35-1e6f0f2c9c11");
	aws_response_clear(&r);
	response(&r, 403,
		 "<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\n"
		 "  <Error>\n    <Type>Sender</Type>\n    <Code>ExpiredToken</Code>\n"
		 "    <Message>The security token included in the request is expired</Message>\n"
		 "  </Error>\n  <RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId>\n"
		 "</ErrorResponse>\n");
	ck_assert(aws_error_parse(&r, &e));
	ck_assert_str_eq(e.code, "ExpiredToken");
	ck_assert_str_eq(e.request_id, "c6104cbe-af31-11e0-8154-cbc7ccf896c7");
	aws_response_clear(&r);
}
END_TEST

START_TEST(test_no_body_and_headers)
{
	struct aws_response r;
	struct aws_error e;
	/* A HEAD's 404 has no body: no code, the request id from a header. */
	response(&r, 404, "");
	aws_response_add_header(&r, "x-amzn-RequestId", 16, "abc-123", 7);
	ck_assert(!aws_error_parse(&r, &e));
	ck_assert_str_eq(e.code, "");
	ck_assert_str_eq(e.request_id, "abc-123");
	aws_response_clear(&r);
	/* Not XML (a proxy's HTML page). */
	response(&r, 502, "<html><body>Bad Gateway</body></html");
	ck_assert(!aws_error_parse(&r, &e));
	ck_assert_str_eq(e.code, "");
	aws_response_clear(&r);
	/* A transport error: its message. */
	aws_response_init(&r);
	r.transport_error = 28;
	strcpy(r.error, "Operation timed out after 500 milliseconds with 0 bytes received");
	ck_assert(!aws_error_parse(&r, &e));
	ck_assert_str_eq(e.message, r.error);
	aws_response_clear(&r);
}
END_TEST

START_TEST(test_cut_at_character)
{
	struct aws_response r;
	struct aws_error e;
	struct buf body = BUF_INIT;
	buf_puts(&body, "<Error><Code>InvalidArgument</Code><Message>");
	for (int i = 0; i < 400; i++)
		buf_puts(&body, "\xc3\xa9"); /* é, 2 bytes each: 800 bytes */
	buf_puts(&body, "</Message></Error>");
	response(&r, 400, body.data);
	buf_free(&body);
	ck_assert(aws_error_parse(&r, &e));
	size_t len = strlen(e.message);
	ck_assert_uint_eq(len, 510); /* 511 would split a character */
	ck_assert_uint_eq((unsigned char)e.message[len - 1], 0xa9);
	aws_response_clear(&r);
}
END_TEST

static Suite *xml_suite(void)
{
	Suite *s = suite_create("aws_xml");
	TCase *t = tcase_create("xml");
	tcase_add_test(t, test_paths_and_namespaces);
	tcase_add_test(t, test_malformed);
	tcase_add_test(t, test_no_entity_expansion);
	tcase_add_test(t, test_s3_error);
	tcase_add_test(t, test_iam_and_sts_errors);
	tcase_add_test(t, test_no_body_and_headers);
	tcase_add_test(t, test_cut_at_character);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(xml_suite());
}
