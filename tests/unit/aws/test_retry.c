/* test_retry.c: the retry policy (retry.c) on real S3 and IAM error
 * bodies: successes; throttling under every status AWS uses for it (503
 * SlowDown, 429, 400 and 403 Throttling...); 5xx but 501; transport errors
 * and timeouts, but not a bad certificate or a response too large;
 * permanent errors; a step's eventual-consistency cases, by table and by
 * function, and only for that step. Backoff: full jitter within the
 * doubling ceiling and the cap, deterministic for a seed, stopped by the
 * attempts and by the step's time, the last delay cut to the time left;
 * a server's Retry-After honoured within the step. */
#include <check.h>
#include <curl/curl.h>
#include <string.h>

#include "aws/request.h"
#include "aws/retry.h"
#include "aws/xml.h"
#include "check_main.h"

#define S3_ERROR(code, msg) \
	"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>" code "</Code><Message>" \
	msg "</Message><RequestId>4442587FB7D0A2F9</RequestId><HostId>Y5N1P6ahZ+2c8Yk6c3L" \
	"</HostId></Error>"
#define IAM_ERROR(code, msg) \
	"<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\">\n  <Error>\n" \
	"    <Type>Sender</Type>\n    <Code>" code "</Code>\n    <Message>" msg \
	"</Message>\n  </Error>\n  <RequestId>8e1a7b9d-4f1c-4c2a</RequestId>\n</ErrorResponse>\n"

static struct retry_policy policy;

static void setup(void)
{
	retry_policy_default(&policy);
}

/* The class of a response of status and body, or of a transport error. */
static enum retry_class classify(long status, const char *body, int transport)
{
	struct aws_response r;
	struct aws_error e;
	aws_response_init(&r);
	r.status = status;
	r.transport_error = transport;
	buf_puts(&r.body, body ? body : "");
	aws_error_parse(&r, &e);
	enum retry_class c = retry_classify(&policy, &r, &e);
	aws_response_clear(&r);
	return c;
}

START_TEST(test_success)
{
	ck_assert_int_eq(classify(200, "<ListAllMyBucketsResult/>", 0), RETRY_SUCCESS);
	ck_assert_int_eq(classify(204, NULL, 0), RETRY_SUCCESS);
}
END_TEST

START_TEST(test_throttling)
{
	ck_assert_int_eq(classify(503, S3_ERROR("SlowDown", "Please reduce your request rate."), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(429, NULL, 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, IAM_ERROR("Throttling", "Rate exceeded"), 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(403, IAM_ERROR("Throttling", "Rate exceeded"), 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, IAM_ERROR("ThrottlingException", "Rate exceeded"), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(503, "<Response><Errors><Error><Code>RequestLimitExceeded</Code>"
				       "</Error></Errors></Response>", 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, S3_ERROR("RequestLimitExceeded", "Request limit exceeded."),
				  0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, IAM_ERROR("TooManyRequestsException", "Too many"), 0),
			 RETRY_AGAIN);
	ck_assert(retry_is_throttling("SlowDown"));
	ck_assert(!retry_is_throttling("LimitExceeded")); /* IAM's quota: permanent */
	ck_assert(!retry_is_throttling(NULL));
}
END_TEST

START_TEST(test_server_errors)
{
	ck_assert_int_eq(classify(500, S3_ERROR("InternalError",
						"We encountered an internal error. Please try again."), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(503, S3_ERROR("ServiceUnavailable", "Please reduce your request rate."), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(502, "<html>Bad Gateway</html>", 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(504, NULL, 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(503, NULL, 0), RETRY_AGAIN); /* a HEAD's SlowDown */
	ck_assert_int_eq(classify(500, IAM_ERROR("ServiceFailure", "Service failure"), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(501, S3_ERROR("NotImplemented", "A header you provided implies "
						"functionality that is not implemented"), 0),
			 RETRY_PERMANENT);
	ck_assert_int_eq(classify(400, S3_ERROR("RequestTimeout", "Your socket connection to the "
						"server was not read from or written to within the timeout "
						"period."), 0), RETRY_AGAIN);
	/* A conflicting operation in progress says "try again" itself. */
	ck_assert_int_eq(classify(409, S3_ERROR("OperationAborted", "A conflicting conditional "
						"operation is currently in progress against this resource. "
						"Please try again."), 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(409, IAM_ERROR("ConcurrentModification", "The request was "
						 "rejected because multiple requests to change this object "
						 "were submitted simultaneously."), 0), RETRY_AGAIN);
}
END_TEST

START_TEST(test_transport)
{
	ck_assert_int_eq(classify(0, NULL, CURLE_OPERATION_TIMEDOUT), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_COULDNT_CONNECT), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_RECV_ERROR), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_GOT_NOTHING), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_PARTIAL_FILE), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_COULDNT_RESOLVE_HOST), RETRY_AGAIN);
	ck_assert_int_eq(classify(0, NULL, CURLE_PEER_FAILED_VERIFICATION), RETRY_PERMANENT);
	ck_assert_int_eq(classify(0, NULL, CURLE_FILESIZE_EXCEEDED), RETRY_PERMANENT);
	ck_assert_int_eq(classify(0, NULL, CURLE_URL_MALFORMAT), RETRY_PERMANENT);
}
END_TEST

START_TEST(test_permanent)
{
	ck_assert_int_eq(classify(403, S3_ERROR("AccessDenied", "Access Denied"), 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(404, S3_ERROR("NoSuchBucket", "The specified bucket does not exist"),
				  0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(404, NULL, 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(409, S3_ERROR("BucketAlreadyExists", "The requested bucket name "
						"is not available."), 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(400, S3_ERROR("MalformedXML", "The XML you provided was not "
						"well-formed or did not validate against our published "
						"schema"), 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(403, S3_ERROR("RequestTimeTooSkewed", "The difference between the "
						"request time and the current time is too large."), 0),
			 RETRY_PERMANENT);
	ck_assert_int_eq(classify(409, IAM_ERROR("EntityAlreadyExists", "Role with name r already "
						 "exists."), 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(409, IAM_ERROR("LimitExceeded", "Cannot exceed quota for "
						 "RolesPerAccount: 1000"), 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(301, S3_ERROR("PermanentRedirect", "The bucket you are "
						"attempting to access must be addressed using the "
						"specified endpoint."), 0), RETRY_PERMANENT);
}
END_TEST

#define NO_SUCH_BUCKET S3_ERROR("NoSuchBucket", "The specified bucket does not exist")
#define NOT_VERSIONED S3_ERROR("InvalidRequest", "Versioning must be 'Enabled' on the bucket " \
			       "to apply a replication configuration")
#define BAD_PRINCIPAL IAM_ERROR("MalformedPolicyDocument", "Invalid principal in policy: " \
				"\"AWS\":\"arn:aws:iam::123456789012:role/crrc-new\"")

START_TEST(test_eventual_tables)
{
	/* Without the step's table: permanent. */
	ck_assert_int_eq(classify(404, NO_SUCH_BUCKET, 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(400, NOT_VERSIONED, 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(400, BAD_PRINCIPAL, 0), RETRY_PERMANENT);
	policy.also = retry_after_create_bucket;
	ck_assert_int_eq(classify(404, NO_SUCH_BUCKET, 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, NOT_VERSIONED, 0), RETRY_PERMANENT);
	ck_assert_int_eq(classify(403, S3_ERROR("AccessDenied", "Access Denied"), 0), RETRY_PERMANENT);
	policy.also = retry_after_versioning;
	ck_assert_int_eq(classify(400, NOT_VERSIONED, 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, S3_ERROR("InvalidRequest", "Other"), 0), RETRY_PERMANENT);
	policy.also = retry_after_create_role;
	ck_assert_int_eq(classify(400, BAD_PRINCIPAL, 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(404, IAM_ERROR("NoSuchEntity", "The role with name r cannot be "
						 "found."), 0), RETRY_AGAIN);
	ck_assert_int_eq(classify(400, IAM_ERROR("MalformedPolicyDocument", "Syntax errors in policy."),
				  0), RETRY_PERMANENT);
}
END_TEST

static int calls;

static bool role_not_assumable(const struct aws_response *r, const struct aws_error *e, void *ud)
{
	calls++;
	return r->status == 400 && strcmp(e->code, "InvalidArgument") == 0 &&
	       strstr(e->message, (const char *)ud);
}

START_TEST(test_eventual_function)
{
	policy.eventual = role_not_assumable;
	policy.ud = (void *)"Role";
	calls = 0;
	ck_assert_int_eq(classify(400, S3_ERROR("InvalidArgument", "Role cannot be assumed"), 0),
			 RETRY_AGAIN);
	ck_assert_int_eq(classify(400, S3_ERROR("InvalidArgument", "Invalid rule"), 0), RETRY_PERMANENT);
	/* Asked only about what would otherwise be permanent. */
	ck_assert_int_eq(classify(200, NULL, 0), RETRY_SUCCESS);
	ck_assert_int_eq(classify(503, NULL, 0), RETRY_AGAIN);
	ck_assert_int_eq(calls, 2);
}
END_TEST

START_TEST(test_backoff)
{
	struct retry_state s;
	retry_start(&s, 1000, 42);
	long ceiling = policy.base_ms, d;
	for (unsigned i = 1; i < policy.max_attempts; i++) {
		ck_assert(retry_next(&policy, &s, 1000, &d));
		ck_assert_int_ge(d, 0);
		ck_assert_int_le(d, ceiling);
		ck_assert_uint_eq(s.attempts, i + 1);
		ceiling = ceiling * 2 > policy.cap_ms ? policy.cap_ms : ceiling * 2;
	}
	ck_assert(!retry_next(&policy, &s, 1000, &d)); /* 10 attempts made */
	/* The same seed, the same delays; full jitter spreads them. */
	struct retry_state a, b;
	retry_start(&a, 0, 7);
	retry_start(&b, 0, 7);
	policy.max_attempts = 0;
	policy.step_ms = 0;
	long lo = 1000000, hi = 0, sum = 0;
	for (int i = 0; i < 1000; i++) {
		long da, db;
		ck_assert(retry_next(&policy, &a, 0, &da));
		ck_assert(retry_next(&policy, &b, 0, &db));
		ck_assert_int_eq(da, db);
		ck_assert_int_le(da, policy.cap_ms);
		if (i > 20) {
			lo = da < lo ? da : lo;
			hi = da > hi ? da : hi;
			sum += da;
		}
	}
	ck_assert_int_lt(lo, policy.cap_ms / 10);
	ck_assert_int_gt(hi, policy.cap_ms * 9 / 10);
	long mean = sum / (1000 - 21);
	ck_assert_int_gt(mean, policy.cap_ms * 4 / 10);
	ck_assert_int_lt(mean, policy.cap_ms * 6 / 10);
}
END_TEST

START_TEST(test_step_time)
{
	struct retry_state s;
	long d;
	policy.max_attempts = 0;
	policy.base_ms = 60000;
	policy.cap_ms = 60000;
	policy.step_ms = 120000;
	retry_start(&s, 5000, 1);
	/* No delay past the step's end; nothing after it. */
	for (int i = 0; i < 100; i++) {
		ck_assert(retry_next(&policy, &s, 5000 + 119990, &d));
		ck_assert_int_le(d, 10);
	}
	ck_assert(!retry_next(&policy, &s, 5000 + 120000, &d));
	ck_assert(!retry_next(&policy, &s, 5000 + 500000, &d));
	/* Configurable: a step of one second. */
	policy.step_ms = 1000;
	retry_start(&s, 0, 1);
	ck_assert(retry_next(&policy, &s, 999, &d));
	ck_assert(!retry_next(&policy, &s, 1000, &d));
}
END_TEST

/* A server's Retry-After: seconds or an HTTP-date, honoured when longer
 * than the backoff and within the step; past the step, the step ends. */
START_TEST(test_retry_after)
{
	struct aws_response r;
	struct retry_state s;
	aws_response_init(&r);
	ck_assert_int_eq(retry_after_ms(&r, 0), 0);
	aws_response_add_header(&r, "retry-after", 11, "7", 1);
	ck_assert_int_eq(retry_after_ms(&r, 0), 7000);
	aws_response_clear(&r);
	/* Sun, 06 Nov 1994 08:49:37 GMT is 784111777 */
	const char *date = "Sun, 06 Nov 1994 08:49:37 GMT";
	aws_response_add_header(&r, "retry-after", 11, date, strlen(date));
	ck_assert_int_eq(retry_after_ms(&r, 784111777 - 3), 3000);
	ck_assert_int_eq(retry_after_ms(&r, 784111777 + 3), 0); /* past */
	aws_response_clear(&r);
	aws_response_add_header(&r, "retry-after", 11, "soon", 4);
	ck_assert_int_eq(retry_after_ms(&r, 0), 0);
	aws_response_clear(&r);
	aws_response_add_header(&r, "retry-after", 11, "86400", 5);
	ck_assert_int_eq(retry_after_ms(&r, 0), 300000); /* cut to 5 minutes */
	aws_response_clear(&r);
	policy.step_ms = 10000;
	retry_start(&s, 0, 1);
	long d = 50;
	ck_assert(retry_honour_after(&policy, &s, 1000, 20, &d));
	ck_assert_int_eq(d, 50); /* the backoff is longer: kept */
	ck_assert(retry_honour_after(&policy, &s, 1000, 4000, &d));
	ck_assert_int_eq(d, 4000);
	ck_assert(!retry_honour_after(&policy, &s, 1000, 9500, &d)); /* past the step */
}
END_TEST

static Suite *retry_suite(void)
{
	Suite *s = suite_create("aws_retry");
	TCase *t = tcase_create("retry");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, test_success);
	tcase_add_test(t, test_throttling);
	tcase_add_test(t, test_server_errors);
	tcase_add_test(t, test_transport);
	tcase_add_test(t, test_permanent);
	tcase_add_test(t, test_eventual_tables);
	tcase_add_test(t, test_eventual_function);
	tcase_add_test(t, test_backoff);
	tcase_add_test(t, test_step_time);
	tcase_add_test(t, test_retry_after);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(retry_suite());
}
