/* client.h: calls to AWS with one set of credentials. Each request is
 * signed right before each attempt (sigv4.h), retried as its retry policy
 * says (retry.h: throttling, 5xx, lost connections, and the caller's
 * eventual-consistency cases, with backoff and jitter, bounded per step),
 * and its end reported once. Knows nothing of what the calls are for.
 *
 *	struct aws_client *c = aws_client_create(http, &creds);
 *	aws_client_call(c, req, &policy, done, ctx);   // req is taken
 *	http_run(http);                               // drives every call
 *	aws_client_destroy(c); */
#ifndef CRRC_AWS_CLIENT_H
#define CRRC_AWS_CLIENT_H

#include <stdbool.h>

#include "aws/creds.h"
#include "aws/request.h"
#include "aws/retry.h"
#include "aws/xml.h"

struct http;
struct aws_client;

/* How a call ended: the last attempt's response, its error when it was not
 * a success (code, message, request id; a transport error's message with
 * the code "RequestError"), and how many attempts it took. */
struct aws_call_end {
	struct aws_response *resp;
	const struct aws_error *error; /* NULL on success */
	bool ok;
	unsigned attempts;
};

/* done owns nothing of end: the response is cleared after it returns
 * (keep its body with buf_detach). */
typedef void (*aws_call_fn)(struct aws_request *req, const struct aws_call_end *end, void *ud);

/* A client sending through h (which it does not own) with a copy of c. */
struct aws_client *aws_client_create(struct http *h, const struct aws_creds *c);
void aws_client_destroy(struct aws_client *c); /* NULL is fine */
/* Send req, which the call owns from now on (and frees after done).
 * policy NULL: retry_policy_default's. */
void aws_client_call(struct aws_client *c, struct aws_request *req,
		     const struct retry_policy *policy, aws_call_fn done, void *ud);
/* Calls made, attempts sent, and retries among them. */
struct aws_client_stats {
	unsigned long calls, attempts, retries;
};
const struct aws_client_stats *aws_client_stats(const struct aws_client *c);

#endif
