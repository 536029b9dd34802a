/* retry.c: the retry policy of AWS requests as data and pure functions
 * (retry.h): which answers are worth another attempt, and how long to
 * wait before it. The throttling and transient codes are botocore's
 * (botocore/retries/standard.py) plus S3's and IAM's own. */
#include "aws/request.h"
#include "aws/retry.h"
#include "aws/xml.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>

static const char *const throttling_codes[] = {
	"Throttling", "ThrottlingException", "ThrottledException",
	"RequestThrottledException", "TooManyRequestsException",
	"ProvisionedThroughputExceededException", "TransactionInProgressException",
	"RequestLimitExceeded", "BandwidthLimitExceeded", "LimitExceededException",
	"RequestThrottled", "SlowDown", "PriorRequestNotComplete", "EC2ThrottledException",
	NULL,
};

/* Errors that say "try again" whatever the step: timeouts on AWS's side,
 * its internal errors, and a conflicting operation still in progress
 * (S3's OperationAborted, IAM's ConcurrentModification). */
static const char *const transient_codes[] = {
	"RequestTimeout", "RequestTimeoutException", "InternalError", "InternalFailure",
	"ServiceUnavailable", "ServiceFailure", "OperationAborted", "ConcurrentModification",
	NULL,
};

/* Transport errors no retry can cure: the request or the set-up is wrong. */
static const int permanent_transport[] = {
	CURLE_UNSUPPORTED_PROTOCOL, CURLE_URL_MALFORMAT, CURLE_NOT_BUILT_IN,
	CURLE_OUT_OF_MEMORY, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
	CURLE_PEER_FAILED_VERIFICATION, CURLE_FILESIZE_EXCEEDED, CURLE_SSL_CACERT_BADFILE,
	CURLE_SSL_ENGINE_NOTFOUND, CURLE_BAD_FUNCTION_ARGUMENT, CURLE_SSL_PINNEDPUBKEYNOTMATCH,
	CURLE_SSL_INVALIDCERTSTATUS,
};

const struct retry_match retry_after_create_bucket[] = {
	{404, "NoSuchBucket", NULL},
	{0, NULL, NULL},
};

const struct retry_match retry_after_versioning[] = {
	{400, "InvalidRequest", "Versioning must be 'Enabled'"},
	{0, NULL, NULL},
};

const struct retry_match retry_after_create_role[] = {
	{400, "MalformedPolicyDocument", "Invalid principal in policy"},
	{404, "NoSuchEntity", NULL},
	{0, NULL, NULL},
};

void retry_policy_default(struct retry_policy *p)
{
	memset(p, 0, sizeof(*p));
	p->max_attempts = 10;
	p->base_ms = 100;
	p->cap_ms = 20000;
	p->step_ms = 120000;
}

static bool in_list(const char *const *list, const char *code)
{
	for (; *list; list++)
		if (strcmp(*list, code) == 0)
			return true;
	return false;
}

bool retry_is_throttling(const char *code)
{
	return code && in_list(throttling_codes, code);
}

static bool matches(const struct retry_match *m, long status, const struct aws_error *e)
{
	for (; m && (m->status || m->code || m->message_has); m++) {
		if (m->status && m->status != status)
			continue;
		if (m->code && (!e || strcmp(m->code, e->code) != 0))
			continue;
		if (m->message_has && (!e || !strstr(e->message, m->message_has)))
			continue;
		return true;
	}
	return false;
}

static enum retry_class classify_transport(int code)
{
	size_t n = sizeof(permanent_transport) / sizeof(permanent_transport[0]);
	for (size_t i = 0; i < n; i++)
		if (permanent_transport[i] == code)
			return RETRY_PERMANENT;
	return RETRY_AGAIN;
}

enum retry_class retry_classify(const struct retry_policy *p, const struct aws_response *r,
				const struct aws_error *e)
{
	if (r->transport_error)
		return classify_transport(r->transport_error);
	if (r->status >= 200 && r->status <= 299)
		return RETRY_SUCCESS;
	const char *code = e ? e->code : "";
	if (retry_is_throttling(code) || in_list(transient_codes, code))
		return RETRY_AGAIN;
	if (r->status == 429)
		return RETRY_AGAIN;
	/* 501 Not Implemented and 505 HTTP Version Not Supported are the
	 * request's fault; every other 5xx is the service's. */
	if (r->status >= 500 && r->status != 501 && r->status != 505)
		return RETRY_AGAIN;
	if (matches(p->also, r->status, e))
		return RETRY_AGAIN;
	if (p->eventual && p->eventual(r, e, p->ud))
		return RETRY_AGAIN;
	return RETRY_PERMANENT;
}

void retry_start(struct retry_state *s, int64_t now_ms, uint64_t seed)
{
	s->attempts = 1;
	s->start_ms = now_ms;
	s->rng = seed;
}

/* splitmix64: small, and every seed is a good one. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9E3779B97F4A7C15ull);
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
	z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
	return z ^ (z >> 31);
}

long retry_after_ms(const struct aws_response *r, int64_t now_s)
{
	const char *v = aws_response_header(r, "retry-after");
	if (!v || !*v)
		return 0;
	int64_t secs = -1;
	char *end;
	long long n = strtoll(v, &end, 10);
	if (end != v && !*end && n >= 0) {
		secs = n;
	} else {
		time_t when = curl_getdate(v, NULL); /* an HTTP-date */
		if (when != (time_t)-1)
			secs = (int64_t)when - now_s;
	}
	if (secs <= 0)
		return 0;
	return secs > 300 ? 300000L : (long)(secs * 1000);
}

bool retry_honour_after(const struct retry_policy *p, const struct retry_state *s,
			int64_t now_ms, long after_ms, long *delay_ms)
{
	if (after_ms <= *delay_ms)
		return true;
	int64_t left = p->step_ms > 0 ? s->start_ms + p->step_ms - now_ms : INT64_MAX;
	if (after_ms > left)
		return false;
	*delay_ms = after_ms;
	return true;
}

bool retry_next(const struct retry_policy *p, struct retry_state *s, int64_t now_ms,
		long *delay_ms)
{
	if (p->max_attempts && s->attempts >= p->max_attempts)
		return false;
	int64_t left = p->step_ms > 0 ? s->start_ms + p->step_ms - now_ms : INT64_MAX;
	if (left <= 0)
		return false;
	int64_t ceiling = p->base_ms > 0 ? p->base_ms : 1;
	for (unsigned i = 1; i < s->attempts && ceiling < p->cap_ms; i++)
		ceiling *= 2;
	if (p->cap_ms > 0 && ceiling > p->cap_ms)
		ceiling = p->cap_ms;
	int64_t delay = (int64_t)(next_random(&s->rng) % (uint64_t)(ceiling + 1));
	if (delay > left)
		delay = left;
	s->attempts++;
	*delay_ms = (long)delay;
	return true;
}
