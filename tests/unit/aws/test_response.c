/* test_response.c: the response of request.h (response.c): headers kept
 * in order with lower-cased names and found whatever the case asked; clear
 * frees everything and leaves an empty response; a cleared response is
 * reusable. */
#include <check.h>
#include <stdio.h>
#include <string.h>

#include "aws/request.h"
#include "check_main.h"

START_TEST(test_headers)
{
	struct aws_response r;
	aws_response_init(&r);
	ck_assert_ptr_null(aws_response_header(&r, "x-amz-request-id"));
	aws_response_add_header(&r, "X-Amz-Request-Id", 16, "4442587FB7D0A2F9", 16);
	aws_response_add_header(&r, "Content-Type: junk", 12, "application/xml;x", 15);
	aws_response_add_header(&r, "x-amz-request-id", 16, "second", 6);
	aws_response_add_header(&r, "Empty", 5, "", 0);
	ck_assert_uint_eq(r.nheaders, 4);
	ck_assert_str_eq(r.headers[0].name, "x-amz-request-id");
	ck_assert_str_eq(r.headers[1].name, "content-type");
	ck_assert_str_eq(r.headers[1].value, "application/xml");
	/* The first of a repeated header; the name in any case. */
	ck_assert_str_eq(aws_response_header(&r, "X-AMZ-REQUEST-ID"), "4442587FB7D0A2F9");
	ck_assert_str_eq(aws_response_header(&r, "empty"), "");
	ck_assert_ptr_null(aws_response_header(&r, "x-amz"));
	aws_response_clear(&r);
	ck_assert_uint_eq(r.nheaders, 0);
	ck_assert_ptr_null(r.headers);
	ck_assert_ptr_null(aws_response_header(&r, "content-type"));
}
END_TEST

START_TEST(test_clear_everything)
{
	struct aws_response r;
	aws_response_init(&r);
	for (int i = 0; i < 100; i++) {
		char name[32];
		int n = snprintf(name, sizeof(name), "X-Header-%d", i);
		aws_response_add_header(&r, name, (size_t)n, name, (size_t)n);
	}
	buf_puts(&r.body, "<Error/>");
	r.status = 503;
	r.transport_error = 28;
	strcpy(r.error, "Operation timed out");
	ck_assert_str_eq(aws_response_header(&r, "x-header-99"), "X-Header-99");
	aws_response_clear(&r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_int_eq(r.transport_error, 0);
	ck_assert_str_eq(r.error, "");
	ck_assert_uint_eq(r.body.len, 0);
	ck_assert_ptr_null(r.body.data);
	/* Reusable after a clear; a second clear is harmless. */
	aws_response_add_header(&r, "A", 1, "b", 1);
	ck_assert_str_eq(aws_response_header(&r, "a"), "b");
	aws_response_clear(&r);
	aws_response_clear(&r);
}
END_TEST

static Suite *response_suite(void)
{
	Suite *s = suite_create("aws_response");
	TCase *t = tcase_create("response");
	tcase_add_test(t, test_headers);
	tcase_add_test(t, test_clear_everything);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(response_suite());
}
