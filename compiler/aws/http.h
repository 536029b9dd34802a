/* http.h: a transport over libcurl's multi interface, knowing nothing of
 * AWS or of its callers. Requests are submitted, perhaps with a delay, and
 * http_run drives them all, a bounded number at a time over kept-alive
 * connections, until none is left. Each submission ends in exactly one
 * call of its done callback, which may submit more.
 *
 *	struct http *h = http_create(&opts);
 *	http_submit(h, req, 0, sign, done, ctx);
 *	http_run(h);
 *	http_destroy(h);
 *
 * prepare runs right before a request is sent (after its delay and its
 * wait for a connection slot): the caller signs there, so a retry is
 * signed with a fresh date. TLS certificates are always verified. The
 * transport never signs and never follows redirects; it sends the
 * request's headers as they are, and no Expect or Accept of its own. */
#ifndef CRRC_AWS_HTTP_H
#define CRRC_AWS_HTTP_H

#include <stdbool.h>
#include <stddef.h>

struct aws_request;
struct aws_response;
struct http;

struct http_options {
	long max_connections;    /* requests in flight in all; 0: 16 */
	long max_per_host;       /* in flight to one endpoint; 0: 8 */
	long connect_timeout_ms; /* 0: 10 s */
	long timeout_ms;         /* one attempt, connecting included; 0: 60 s */
	const char *ca_file;     /* NULL: the system's certificates */
	size_t max_response;     /* bytes of body; more is an error; 0: 64 MiB */
};

/* Requests sent (attempts, each counted when handed to libcurl), and the
 * connections libcurl opened for them. */
struct http_stats {
	unsigned long reads;  /* GET, HEAD */
	unsigned long writes; /* PUT, POST, DELETE, PATCH, anything else */
	unsigned long connections;
	unsigned long transport_errors;
};

typedef void (*http_prepare_fn)(struct aws_request *req, void *ud);
/* The response is the transport's, cleared after done returns; done may
 * keep its body with buf_detach(&resp->body, ...). On a transport error
 * (resp->transport_error, a CURLcode, with resp->error) status is 0 and
 * there are no headers and no body. */
typedef void (*http_done_fn)(struct aws_request *req, struct aws_response *resp, void *ud);

/* NULL when libcurl cannot be set up. o may be NULL: the defaults. */
struct http *http_create(const struct http_options *o);
/* Drops whatever is still pending without calling done. NULL is safe. */
void http_destroy(struct http *h);

/* Queue req to be sent no sooner than delay_ms from now. The caller keeps
 * owning req and must keep it until done is called (it may then free it,
 * or submit it again). prepare may be NULL. False only when req has no
 * endpoint. */
bool http_submit(struct http *h, struct aws_request *req, long delay_ms,
		 http_prepare_fn prepare, http_done_fn done, void *ud);
/* Send everything pending, and what done callbacks submit, until nothing
 * is left. False when libcurl's multi handle itself failed: every pending
 * request has then been completed with that error. */
bool http_run(struct http *h);
/* Counts since http_create. */
const struct http_stats *http_get_stats(const struct http *h);

#endif
