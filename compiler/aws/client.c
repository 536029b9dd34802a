/* client.c: signing, retries and the end of each call (client.h). A call
 * is a small struct that lives from aws_client_call to its done: the
 * transport hands each attempt's response here, the retry policy says
 * whether to try again and after how long, and the next attempt is signed
 * afresh when the transport sends it. */
#include "aws/client.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "aws/http.h"
#include "aws/sigv4.h"
#include "base/oom.h"

struct aws_client {
	struct http *http;
	struct aws_creds creds;
	struct aws_client_stats stats;
	uint64_t seed;
};

struct call {
	struct aws_client *c;
	struct aws_request *req;
	struct retry_policy policy;
	struct retry_state state;
	aws_call_fn done;
	void *ud;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct aws_client *aws_client_create(struct http *h, const struct aws_creds *creds)
{
	struct aws_client *c = xcalloc(1, sizeof(*c));
	c->http = h;
	aws_creds_set(&c->creds, creds->access_key_id, creds->secret_access_key,
		      creds->session_token);
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	c->seed = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 20) ^ (uint64_t)(uintptr_t)c;
	return c;
}

void aws_client_destroy(struct aws_client *c)
{
	if (!c)
		return;
	aws_creds_clear(&c->creds);
	free(c);
}

const struct aws_client_stats *aws_client_stats(const struct aws_client *c)
{
	return &c->stats;
}

/* Right before each attempt: a fresh signature. */
static void call_sign(struct aws_request *req, void *ud)
{
	struct call *k = ud;
	k->c->stats.attempts++;
	sigv4_sign(req, &k->c->creds, time(NULL));
}

static void call_finish(struct call *k, struct aws_response *resp, const struct aws_error *e,
			bool ok)
{
	struct aws_call_end end = {resp, ok ? NULL : e, ok, k->state.attempts};
	k->done(k->req, &end, k->ud);
	aws_request_destroy(k->req);
	free(k);
}

static void call_answered(struct aws_request *req, struct aws_response *resp, void *ud)
{
	struct call *k = ud;
	struct aws_error e = {0};
	(void)req;
	if (resp->transport_error) {
		snprintf(e.code, sizeof(e.code), "RequestError");
		snprintf(e.message, sizeof(e.message), "%s", resp->error);
	} else if (resp->status < 200 || resp->status >= 300)
		aws_error_parse(resp, &e);
	enum retry_class rc = retry_classify(&k->policy, resp, &e);
	long delay;
	int64_t now = now_ms();
	if (rc == RETRY_AGAIN && retry_next(&k->policy, &k->state, now, &delay) &&
	    retry_honour_after(&k->policy, &k->state, now, retry_after_ms(resp, time(NULL)),
			       &delay)) {
		k->c->stats.retries++;
		if (http_submit(k->c->http, k->req, delay, call_sign, call_answered, k))
			return;
	}
	call_finish(k, resp, &e, rc == RETRY_SUCCESS);
}

void aws_client_call(struct aws_client *c, struct aws_request *req,
		     const struct retry_policy *policy, aws_call_fn done, void *ud)
{
	struct call *k = xcalloc(1, sizeof(*k));
	k->c = c;
	k->req = req;
	k->done = done;
	k->ud = ud;
	if (policy)
		k->policy = *policy;
	else
		retry_policy_default(&k->policy);
	c->stats.calls++;
	retry_start(&k->state, now_ms(), c->seed++);
	if (!http_submit(c->http, req, 0, call_sign, call_answered, k)) {
		struct aws_response r;
		struct aws_error e = {.code = "RequestError", .message = "the request has no endpoint"};
		aws_response_init(&r);
		call_finish(k, &r, &e, false);
		aws_response_clear(&r);
	}
}
