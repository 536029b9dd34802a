/* http.c: the transport over libcurl's multi interface (http.h). Requests
 * wait in a heap while delayed, then in a FIFO queue per endpoint until a
 * slot is free (bounded in all and per endpoint), and only then are they
 * prepared (signed) and handed to libcurl, so that a wait never counts
 * against a request's timeout and a signature is never stale. Easy
 * handles are reused; connections stay alive in the multi handle's cache. */
#include "base/buf.h"
#include "base/oom.h"
#include "aws/http.h"
#include "aws/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <curl/curl.h>

struct transfer {
	struct http *h;
	size_t host; /* index into h->hosts */
	struct aws_request *req;
	http_prepare_fn prepare;
	http_done_fn done;
	void *ud;
	int64_t due;
	uint64_t seq;
	struct transfer *next, *prev; /* a host's queue, or the active list */
	CURL *easy;
	struct curl_slist *headers;
	struct buf url;
	struct aws_response resp;
	size_t header_bytes, body_bytes;
	bool too_big;
	char errbuf[CURL_ERROR_SIZE];
};

struct host {
	char *endpoint;
	long active;
	struct transfer *head, *tail;
};

struct http {
	struct http_options o;
	CURLM *multi;
	struct host *hosts;
	size_t nhosts, hosts_cap, next_host;
	long active;
	size_t queued;
	struct transfer *running; /* the active list */
	struct transfer **timers; /* a min-heap by (due, seq) */
	size_t ntimers, timers_cap;
	uint64_t seq;
	CURL **idle;
	size_t nidle, idle_cap;
	struct http_stats stats;
};

static int64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* ---------------------------------------------------------------- lifetime */

struct http *http_create(const struct http_options *o)
{
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
		return NULL;
	struct http *h = xcalloc(1, sizeof(*h));
	if (o)
		h->o = *o;
	if (h->o.max_connections <= 0)
		h->o.max_connections = 16;
	if (h->o.max_per_host <= 0)
		h->o.max_per_host = 8;
	if (h->o.connect_timeout_ms <= 0)
		h->o.connect_timeout_ms = 10000;
	if (h->o.timeout_ms <= 0)
		h->o.timeout_ms = 60000;
	if (h->o.max_response == 0)
		h->o.max_response = (size_t)64 << 20;
	h->multi = curl_multi_init();
	if (!h->multi)
		goto fail;
	if (curl_multi_setopt(h->multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, h->o.max_connections) ||
	    curl_multi_setopt(h->multi, CURLMOPT_MAX_HOST_CONNECTIONS, h->o.max_per_host) ||
	    curl_multi_setopt(h->multi, CURLMOPT_MAXCONNECTS, h->o.max_connections))
		goto fail;
	return h;
fail:
	http_destroy(h);
	return NULL;
}

static void transfer_free(struct transfer *t)
{
	curl_slist_free_all(t->headers);
	buf_free(&t->url);
	aws_response_clear(&t->resp);
	free(t);
}

void http_destroy(struct http *h)
{
	if (!h)
		return;
	for (struct transfer *t = h->running, *next; t; t = next) {
		next = t->next;
		curl_multi_remove_handle(h->multi, t->easy);
		curl_easy_cleanup(t->easy);
		transfer_free(t);
	}
	for (size_t i = 0; i < h->nhosts; i++) {
		for (struct transfer *t = h->hosts[i].head, *next; t; t = next) {
			next = t->next;
			transfer_free(t);
		}
		free(h->hosts[i].endpoint);
	}
	for (size_t i = 0; i < h->ntimers; i++)
		transfer_free(h->timers[i]);
	for (size_t i = 0; i < h->nidle; i++)
		curl_easy_cleanup(h->idle[i]);
	if (h->multi)
		curl_multi_cleanup(h->multi);
	free(h->hosts);
	free(h->timers);
	free(h->idle);
	free(h);
	curl_global_cleanup();
}

const struct http_stats *http_get_stats(const struct http *h)
{
	return &h->stats;
}

/* ---------------------------------------------------------------- queues */

static bool before(const struct transfer *a, const struct transfer *b)
{
	return a->due < b->due || (a->due == b->due && a->seq < b->seq);
}

static void timer_push(struct http *h, struct transfer *t)
{
	if (h->ntimers == h->timers_cap) {
		h->timers_cap = h->timers_cap ? h->timers_cap * 2 : 16;
		h->timers = xrealloc(h->timers, h->timers_cap * sizeof(*h->timers));
	}
	size_t i = h->ntimers++;
	while (i > 0 && before(t, h->timers[(i - 1) / 2])) {
		h->timers[i] = h->timers[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h->timers[i] = t;
}

static struct transfer *timer_pop(struct http *h)
{
	struct transfer *top = h->timers[0], *last = h->timers[--h->ntimers];
	size_t i = 0, n = h->ntimers;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= n)
			break;
		if (c + 1 < n && before(h->timers[c + 1], h->timers[c]))
			c++;
		if (!before(h->timers[c], last))
			break;
		h->timers[i] = h->timers[c];
		i = c;
	}
	if (n)
		h->timers[i] = last;
	return top;
}

static size_t host_index(struct http *h, const char *endpoint)
{
	for (size_t i = 0; i < h->nhosts; i++)
		if (strcasecmp(h->hosts[i].endpoint, endpoint) == 0)
			return i;
	if (h->nhosts == h->hosts_cap) {
		h->hosts_cap = h->hosts_cap ? h->hosts_cap * 2 : 8;
		h->hosts = xrealloc(h->hosts, h->hosts_cap * sizeof(*h->hosts));
	}
	struct host *s = &h->hosts[h->nhosts];
	memset(s, 0, sizeof(*s));
	size_t len = strlen(endpoint);
	s->endpoint = xmalloc(len + 1);
	memcpy(s->endpoint, endpoint, len + 1);
	return h->nhosts++;
}

static void ready_push(struct http *h, struct transfer *t)
{
	struct host *s = &h->hosts[t->host];
	t->next = NULL;
	if (s->tail)
		s->tail->next = t;
	else
		s->head = t;
	s->tail = t;
	h->queued++;
}

static struct transfer *ready_pop(struct http *h, struct host *s)
{
	struct transfer *t = s->head;
	s->head = t->next;
	if (!s->head)
		s->tail = NULL;
	h->queued--;
	return t;
}

bool http_submit(struct http *h, struct aws_request *req, long delay_ms,
		 http_prepare_fn prepare, http_done_fn done, void *ud)
{
	if (!req || !req->endpoint || !done)
		return false;
	struct transfer *t = xcalloc(1, sizeof(*t));
	t->h = h;
	t->host = host_index(h, req->endpoint);
	t->req = req;
	t->prepare = prepare;
	t->done = done;
	t->ud = ud;
	t->seq = h->seq++;
	aws_response_init(&t->resp);
	if (delay_ms > 0) {
		t->due = now_ms() + delay_ms;
		timer_push(h, t);
	} else {
		ready_push(h, t);
	}
	return true;
}

/* ---------------------------------------------------------------- a transfer */

static void clear_headers(struct aws_response *r)
{
	struct buf body = r->body;
	r->body = (struct buf)BUF_INIT;
	aws_response_clear(r);
	r->body = body;
}

/* Headers beyond this are an error too: the response is not AWS's. */
#define MAX_HEADER_BYTES ((size_t)1 << 20)

static bool count(struct transfer *t, size_t *received, size_t len, size_t max)
{
	*received += len;
	if (*received > max) {
		t->too_big = true;
		return false;
	}
	return true;
}

static size_t on_header(char *p, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;
	size_t len = size * n;
	if (!count(t, &t->header_bytes, len, MAX_HEADER_BYTES))
		return 0;
	if (len >= 5 && memcmp(p, "HTTP/", 5) == 0) {
		clear_headers(&t->resp); /* a new block: after a 1xx, say */
		return len;
	}
	const char *colon = memchr(p, ':', len);
	if (!colon || colon == p)
		return len;
	size_t nlen = (size_t)(colon - p);
	const char *v = colon + 1, *end = p + len;
	while (v < end && (*v == ' ' || *v == '\t'))
		v++;
	while (end > v && (end[-1] == '\r' || end[-1] == '\n' || end[-1] == ' ' || end[-1] == '\t'))
		end--;
	aws_response_add_header(&t->resp, p, nlen, v, (size_t)(end - v));
	return len;
}

static size_t on_body(char *p, size_t size, size_t n, void *ud)
{
	struct transfer *t = ud;
	size_t len = size * n;
	if (!count(t, &t->body_bytes, len, t->h->o.max_response))
		return 0;
	buf_put(&t->resp.body, p, len);
	return len;
}

static void add_header(struct transfer *t, const char *line)
{
	struct curl_slist *l = curl_slist_append(t->headers, line);
	if (!l)
		oom_abort();
	t->headers = l;
}

/* The request's headers as given; and none of libcurl's own. */
static void build_headers(struct transfer *t, bool body)
{
	const struct aws_request *req = t->req;
	struct buf line = BUF_INIT;
	for (size_t i = 0; i < req->nheaders; i++) {
		line.len = 0;
		const char *v = req->headers[i].value ? req->headers[i].value : "";
		/* "Name:" would remove the header; "Name;" sends it empty. */
		if (*v)
			buf_printf(&line, "%s: %s", req->headers[i].name, v);
		else
			buf_printf(&line, "%s;", req->headers[i].name);
		add_header(t, line.data);
	}
	buf_free(&line);
	add_header(t, "Expect:");
	if (!aws_request_header(req, "Accept"))
		add_header(t, "Accept:");
	if (body && !aws_request_header(req, "Content-Type"))
		add_header(t, "Content-Type:");
}

static bool is_read(const char *method)
{
	return strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
}

static bool sends_body(const struct aws_request *req)
{
	return req->body.len > 0 || strcmp(req->method, "PUT") == 0 ||
	       strcmp(req->method, "POST") == 0 || strcmp(req->method, "PATCH") == 0;
}

/* GET and HEAD by name; a body by POSTFIELDS (not copied: the request
 * outlives the transfer), and any other method by CUSTOMREQUEST. */
static CURLcode set_method(struct transfer *t)
{
	const struct aws_request *req = t->req;
	CURL *e = t->easy;
	if (strcmp(req->method, "GET") == 0)
		return curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
	if (strcmp(req->method, "HEAD") == 0)
		return curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
	CURLcode rc = CURLE_OK;
	if (sends_body(req)) {
		rc = curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)req->body.len);
		if (!rc)
			rc = curl_easy_setopt(e, CURLOPT_POSTFIELDS,
					      req->body.data ? req->body.data : "");
	}
	if (!rc && strcmp(req->method, "POST") != 0)
		rc = curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, req->method);
	return rc;
}

static CURLcode set_options(struct transfer *t)
{
	const struct http_options *o = &t->h->o;
	CURL *e = t->easy;
	aws_request_url(t->req, &t->url);
	build_headers(t, !is_read(t->req->method) && sends_body(t->req));
	CURLcode rc = CURLE_OK;
#define SET(opt, val) \
	do { if (!rc) rc = curl_easy_setopt(e, opt, val); } while (0)
	SET(CURLOPT_PRIVATE, (void *)t);
	SET(CURLOPT_URL, t->url.data);
	SET(CURLOPT_PATH_AS_IS, 1L); /* an S3 key "a/../b" is signed as it is */
	SET(CURLOPT_ERRORBUFFER, t->errbuf);
	SET(CURLOPT_NOSIGNAL, 1L);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_1_1);
	SET(CURLOPT_CONNECTTIMEOUT_MS, o->connect_timeout_ms);
	SET(CURLOPT_TIMEOUT_MS, o->timeout_ms);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	if (o->ca_file)
		SET(CURLOPT_CAINFO, o->ca_file);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_MAXFILESIZE_LARGE, (curl_off_t)o->max_response);
	SET(CURLOPT_HEADERFUNCTION, on_header);
	SET(CURLOPT_HEADERDATA, (void *)t);
	SET(CURLOPT_WRITEFUNCTION, on_body);
	SET(CURLOPT_WRITEDATA, (void *)t);
#undef SET
	if (!rc)
		rc = set_method(t);
	if (!rc)
		rc = curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
	return rc;
}

/* Hand t and its response to its done callback, and free it. */
static void complete(struct http *h, struct transfer *t, CURLcode rc, long status)
{
	if (rc != CURLE_OK) {
		aws_response_clear(&t->resp);
		if (t->too_big) {
			rc = CURLE_FILESIZE_EXCEEDED;
			snprintf(t->resp.error, sizeof(t->resp.error),
				 "the response is larger than %zu bytes (or its headers than %zu)",
				 h->o.max_response, MAX_HEADER_BYTES);
		} else {
			snprintf(t->resp.error, sizeof(t->resp.error), "%s",
				 t->errbuf[0] ? t->errbuf : curl_easy_strerror(rc));
		}
		t->resp.transport_error = (int)rc;
		h->stats.transport_errors++;
	} else {
		t->resp.status = status;
	}
	struct aws_request *req = t->req;
	http_done_fn done = t->done;
	void *ud = t->ud;
	struct aws_response resp = t->resp;
	aws_response_init(&t->resp);
	transfer_free(t);
	done(req, &resp, ud);
	aws_response_clear(&resp);
}

static void start(struct http *h, struct transfer *t)
{
	if (t->prepare)
		t->prepare(t->req, t->ud);
	t->easy = h->nidle ? h->idle[--h->nidle] : curl_easy_init();
	if (!t->easy) {
		complete(h, t, CURLE_FAILED_INIT, 0);
		return;
	}
	curl_easy_reset(t->easy);
	CURLcode rc = set_options(t);
	if (!rc && curl_multi_add_handle(h->multi, t->easy) != CURLM_OK)
		rc = CURLE_FAILED_INIT;
	if (rc) {
		curl_easy_cleanup(t->easy);
		complete(h, t, rc, 0);
		return;
	}
	if (is_read(t->req->method))
		h->stats.reads++;
	else
		h->stats.writes++;
	t->prev = NULL;
	t->next = h->running;
	if (h->running)
		h->running->prev = t;
	h->running = t;
	h->active++;
	h->hosts[t->host].active++;
}

/* ---------------------------------------------------------------- the loop */

static void finish(struct http *h, CURL *e, CURLcode rc)
{
	char *priv = NULL;
	long status = 0, connects = 0;
	curl_easy_getinfo(e, CURLINFO_PRIVATE, &priv);
	struct transfer *t = (struct transfer *)(void *)priv;
	curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, &status);
	curl_easy_getinfo(e, CURLINFO_NUM_CONNECTS, &connects);
	h->stats.connections += (unsigned long)connects;
	curl_multi_remove_handle(h->multi, e);
	if (h->nidle == h->idle_cap) {
		h->idle_cap = h->idle_cap ? h->idle_cap * 2 : 16;
		h->idle = xrealloc(h->idle, h->idle_cap * sizeof(*h->idle));
	}
	h->idle[h->nidle++] = e;
	if (t->prev)
		t->prev->next = t->next;
	else
		h->running = t->next;
	if (t->next)
		t->next->prev = t->prev;
	h->active--;
	h->hosts[t->host].active--;
	complete(h, t, rc, status);
}

/* Complete what libcurl finished; true when anything was. */
static bool reap(struct http *h)
{
	bool any = false;
	CURLMsg *m;
	int left;
	while ((m = curl_multi_info_read(h->multi, &left))) {
		if (m->msg != CURLMSG_DONE)
			continue;
		finish(h, m->easy_handle, m->data.result);
		any = true;
	}
	return any;
}

/* Start queued requests while there is room, one per endpoint in turn. */
static void dispatch(struct http *h)
{
	bool progress = true;
	while (h->queued && h->active < h->o.max_connections && progress) {
		progress = false;
		size_t n = h->nhosts;
		for (size_t k = 0; k < n && h->active < h->o.max_connections; k++) {
			struct host *s = &h->hosts[(h->next_host + k) % n];
			if (s->head && s->active < h->o.max_per_host) {
				start(h, ready_pop(h, s));
				progress = true;
			}
		}
		h->next_host = h->nhosts ? (h->next_host + 1) % h->nhosts : 0;
	}
}

/* The multi handle failed: end every request with its error. */
static bool fail_all(struct http *h, CURLMcode mc)
{
	const char *msg = curl_multi_strerror(mc);
	while (h->running)
		finish(h, h->running->easy, CURLE_FAILED_INIT);
	while (h->ntimers || h->queued) {
		struct transfer *t = NULL;
		for (size_t i = 0; i < h->nhosts && !t; i++)
			if (h->hosts[i].head)
				t = ready_pop(h, &h->hosts[i]);
		if (!t)
			t = timer_pop(h);
		snprintf(t->errbuf, sizeof(t->errbuf), "%s", msg);
		complete(h, t, CURLE_FAILED_INIT, 0);
	}
	return false;
}

bool http_run(struct http *h)
{
	for (;;) {
		int64_t now = now_ms();
		while (h->ntimers && h->timers[0]->due <= now)
			ready_push(h, timer_pop(h));
		dispatch(h);
		if (!h->active && !h->queued && !h->ntimers)
			return true;
		int running = 0;
		CURLMcode mc = curl_multi_perform(h->multi, &running);
		if (mc != CURLM_OK)
			return fail_all(h, mc);
		if (reap(h))
			continue;
		/* Sleep until a socket is ready, libcurl's own timer fires
		 * (curl_multi_poll waits no longer), or a delay ends. */
		long wait = 1000;
		if (h->ntimers) {
			int64_t until = h->timers[0]->due - now_ms();
			wait = until < 0 ? 0 : until < wait ? (long)until : wait;
		}
		mc = curl_multi_poll(h->multi, NULL, 0, (int)wait, NULL);
		if (mc != CURLM_OK)
			return fail_all(h, mc);
	}
}
