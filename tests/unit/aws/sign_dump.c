/* sign_dump.c: signs the requests described on stdin, one JSON object a
 * line, and prints each as signed, for test_sigv4.py to compare with
 * botocore. A description: method, endpoint, path (sent as given) or
 * path_raw (URI-encoded here, '/' kept), query [[name, value|null]...],
 * headers [[name, value]...], body (a string), content_md5 (true: set
 * Content-MD5 from the body), region, service, creds {id, secret, token},
 * time (seconds since the epoch). Each request is signed twice, first an
 * hour earlier, so the output also shows that a re-sign replaces the
 * first signature. Output, a line each: {url, canonical, headers {name:
 * value}}; a line {"error": ...} when signing fails. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/sigv4.h"

static const char *str(json_t *o, const char *k)
{
	return json_string_value(json_object_get(o, k));
}

static struct aws_request *build(json_t *o)
{
	const char *path = str(o, "path"), *raw = str(o, "path_raw");
	struct buf p = BUF_INIT;
	if (raw)
		aws_uri_encode(&p, raw, strlen(raw), true);
	struct aws_request *req = aws_request_create(str(o, "method"), str(o, "endpoint"),
						     raw ? p.data : path, str(o, "region"),
						     str(o, "service"));
	buf_free(&p);
	if (!req)
		return NULL;
	size_t i;
	json_t *v;
	json_array_foreach(json_object_get(o, "query"), i, v)
		aws_request_add_query(req, json_string_value(json_array_get(v, 0)),
				      json_string_value(json_array_get(v, 1)));
	json_array_foreach(json_object_get(o, "headers"), i, v)
		aws_request_set_header(req, json_string_value(json_array_get(v, 0)),
				       json_string_value(json_array_get(v, 1)));
	const char *body = str(o, "body");
	if (body)
		aws_request_set_body(req, body, strlen(body));
	if (json_is_true(json_object_get(o, "content_md5"))) {
		char md5[25];
		sigv4_content_md5(req->body.data, req->body.len, md5);
		aws_request_set_header(req, "Content-MD5", md5);
	}
	return req;
}

static void dump(json_t *o)
{
	struct aws_request *req = build(o);
	json_t *c = json_object_get(o, "creds");
	struct aws_creds cr = {(char *)str(c, "id"), (char *)str(c, "secret"),
			       (char *)str(c, "token")};
	time_t t = (time_t)json_integer_value(json_object_get(o, "time"));
	if (!req || !sigv4_sign(req, &cr, t - 3600) || !sigv4_sign(req, &cr, t)) {
		puts("{\"error\": \"not signed\"}");
		aws_request_destroy(req);
		return;
	}
	struct buf url = BUF_INIT, canon = BUF_INIT;
	aws_request_url(req, &url);
	sigv4_canonical_request(req, &canon);
	json_t *h = json_object();
	for (size_t i = 0; i < req->nheaders; i++)
		json_object_set_new(h, req->headers[i].name, json_string(req->headers[i].value));
	json_t *out = json_pack("{s:s, s:s, s:o}", "url", url.data, "canonical", canon.data,
				"headers", h);
	char *s = json_dumps(out, JSON_COMPACT);
	puts(s);
	free(s);
	json_decref(out);
	buf_free(&url);
	buf_free(&canon);
	aws_request_destroy(req);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		json_error_t e;
		json_t *o = json_loads(line, 0, &e);
		if (!o) {
			fprintf(stderr, "sign_dump: %s\n", e.text);
			free(line);
			return 1;
		}
		dump(o);
		json_decref(o);
	}
	free(line);
	return 0;
}
