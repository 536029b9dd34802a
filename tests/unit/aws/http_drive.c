/* http_drive: aws/http.c driven from a script, for test_http.py. Reads one
 * request a line from stdin, submits them all, runs the transport and
 * prints a JSON line per completion and one of totals:
 *
 *	http_drive [--max N] [--per-host N] [--timeout MS] [--connect-timeout MS]
 *		   [--max-response BYTES] < script
 *
 * A line: METHOD ENDPOINT PATH [delay=MS] [body=FILE] [again=N]
 * [again-delay=MS] [header=Name:value]... "again" resubmits the request
 * from its done callback N times. prepare adds X-Attempt and
 * X-Prepared-Ms (milliseconds since the start), as a signer would add its
 * date. */
#include "base/buf.h"
#include "base/oom.h"
#include "aws/http.h"
#include "aws/request.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>


struct job {
	int line;
	int attempt, again;
	long again_delay;
	struct http *h;
};

static int64_t t0;

static int64_t ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000 - t0;
}

static void json_string(FILE *f, const char *s, size_t len)
{
	fputc('"', f);
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20 || c >= 0x7f)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void prepare(struct aws_request *req, void *ud)
{
	struct job *j = ud;
	char v[32];
	snprintf(v, sizeof(v), "%d", ++j->attempt);
	aws_request_set_header(req, "X-Attempt", v);
	snprintf(v, sizeof(v), "%lld", (long long)ms());
	aws_request_set_header(req, "X-Prepared-Ms", v);
}

static void done(struct aws_request *req, struct aws_response *resp, void *ud)
{
	struct job *j = ud;
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_Digest(resp->body.data ? resp->body.data : "", resp->body.len, md, &mdlen,
		   EVP_sha256(), NULL);
	printf("{\"line\": %d, \"attempt\": %d, \"method\": \"%s\", \"status\": %ld, "
	       "\"error\": %d, \"message\": ", j->line, j->attempt, req->method, resp->status,
	       resp->transport_error);
	json_string(stdout, resp->error, strlen(resp->error));
	printf(", \"done_ms\": %lld, \"len\": %zu, \"sha256\": \"", (long long)ms(),
	       resp->body.len);
	for (unsigned i = 0; i < mdlen; i++)
		printf("%02x", md[i]);
	printf("\", \"headers\": [");
	for (size_t i = 0; i < resp->nheaders; i++) {
		printf(i ? ", [" : "[");
		json_string(stdout, resp->headers[i].name, strlen(resp->headers[i].name));
		printf(", ");
		json_string(stdout, resp->headers[i].value, strlen(resp->headers[i].value));
		printf("]");
	}
	printf("]}\n");
	fflush(stdout);
	if (j->again > 0) {
		j->again--;
		if (http_submit(j->h, req, j->again_delay, prepare, done, j))
			return;
	}
	aws_request_destroy(req);
	free(j);
}

static bool read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return false;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof(chunk), f)) > 0)
		buf_put(out, chunk, n);
	fclose(f);
	return true;
}

/* One script line into a submitted request; false on a bad line. */
static bool submit_line(struct http *h, char *line, int lineno)
{
	char *save = NULL;
	char *method = strtok_r(line, " \t\n", &save);
	char *endpoint = strtok_r(NULL, " \t\n", &save);
	char *path = strtok_r(NULL, " \t\n", &save);
	if (!method || !endpoint || !path)
		return !method; /* a blank line is fine */
	struct aws_request *req = aws_request_create(method, endpoint, path, "us-east-1", "s3");
	struct job *j = xcalloc(1, sizeof(*j));
	j->line = lineno;
	j->h = h;
	long delay = 0;
	for (char *tok; (tok = strtok_r(NULL, " \t\n", &save));) {
		if (strncmp(tok, "delay=", 6) == 0) {
			delay = atol(tok + 6);
		} else if (strncmp(tok, "again=", 6) == 0) {
			j->again = atoi(tok + 6);
		} else if (strncmp(tok, "again-delay=", 12) == 0) {
			j->again_delay = atol(tok + 12);
		} else if (strncmp(tok, "body=", 5) == 0) {
			struct buf b = BUF_INIT;
			if (!read_file(tok + 5, &b))
				goto bad;
			aws_request_set_body(req, b.data, b.len);
			buf_free(&b);
		} else if (strncmp(tok, "header=", 7) == 0 && strchr(tok + 7, ':')) {
			char *colon = strchr(tok + 7, ':');
			*colon = '\0';
			aws_request_set_header(req, tok + 7, colon + 1);
		} else {
			goto bad;
		}
	}
	if (!http_submit(h, req, delay, prepare, done, j))
		goto bad;
	return true;
bad:
	fprintf(stderr, "http_drive: bad line %d\n", lineno);
	aws_request_destroy(req);
	free(j);
	return false;
}

static bool parse_args(int argc, char **argv, struct http_options *o)
{
	for (int i = 1; i < argc; i++) {
		if (i + 1 >= argc)
			return false;
		long v = atol(argv[i + 1]);
		if (strcmp(argv[i], "--max") == 0)
			o->max_connections = v;
		else if (strcmp(argv[i], "--per-host") == 0)
			o->max_per_host = v;
		else if (strcmp(argv[i], "--timeout") == 0)
			o->timeout_ms = v;
		else if (strcmp(argv[i], "--connect-timeout") == 0)
			o->connect_timeout_ms = v;
		else if (strcmp(argv[i], "--max-response") == 0)
			o->max_response = (size_t)v;
		else
			return false;
		i++;
	}
	return true;
}

int main(int argc, char **argv)
{
	struct http_options o = {0};
	if (!parse_args(argc, argv, &o)) {
		fprintf(stderr, "usage: http_drive [--max N] [--per-host N] [--timeout MS] "
				"[--connect-timeout MS] [--max-response BYTES] < script\n");
		return 2;
	}
	t0 = 0;
	t0 = ms();
	struct http *h = http_create(&o);
	if (!h)
		return 1;
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, status = 0;
	while (getline(&line, &cap, stdin) > 0)
		if (!submit_line(h, line, ++lineno))
			status = 2;
	free(line);
	bool ok = http_run(h);
	const struct http_stats *s = http_get_stats(h);
	printf("{\"stats\": {\"reads\": %lu, \"writes\": %lu, \"connections\": %lu, "
	       "\"transport_errors\": %lu}, \"elapsed_ms\": %lld, \"ok\": %s}\n",
	       s->reads, s->writes, s->connections, s->transport_errors, (long long)ms(),
	       ok ? "true" : "false");
	http_destroy(h);
	return ok ? status : 1;
}
