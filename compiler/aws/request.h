/* request.h: one HTTP request to an AWS service, as the signer
 * (sigv4.c) and the transport (http.c) see it, and the response the
 * transport hands back. Knows nothing of specs, S3 or IAM: a caller builds
 * a request, signs it, sends it, and parses the response itself.
 *
 * A request owns every string it holds (copies of what it was given) and
 * its body; aws_request_destroy(NULL) is safe. Query parameters are kept
 * decoded, as the caller gave them; the signer and the URL builder encode
 * them the same way (RFC 3986 unreserved characters kept, everything else
 * %XX with upper-case hex), sorted by name then value, so the query the
 * signature covers is byte for byte the query sent. */
#ifndef CRRC_AWS_REQUEST_H
#define CRRC_AWS_REQUEST_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"

struct aws_kv {
	char *name;
	char *value; /* NULL for a valueless query parameter ("?versioning") */
};

struct aws_request {
	char method[8];  /* "GET", "PUT", "POST", "HEAD", "DELETE", "PATCH" */
	char *endpoint;  /* scheme://host[:port], no path, no trailing '/' */
	char *path;      /* the path as sent, URI-encoded, starting with '/' */
	char *region;    /* the signing scope's region: "us-east-1" */
	char *service;   /* the signing scope's service: "s3", "iam", "sts" */
	struct aws_kv *query;
	size_t nquery, query_cap;
	struct aws_kv *headers; /* names as given; the signer lower-cases */
	size_t nheaders, headers_cap;
	struct buf body;
};

/* A request to endpoint + path ("/" when path is NULL); NULL only when an
 * argument is NULL. Strings are copied. */
struct aws_request *aws_request_create(const char *method, const char *endpoint,
				       const char *path, const char *region,
				       const char *service);
void aws_request_destroy(struct aws_request *req);
/* Append a query parameter (value NULL: valueless). */
void aws_request_add_query(struct aws_request *req, const char *name, const char *value);
/* Set a header, replacing one of the same name (case-insensitive). */
void aws_request_set_header(struct aws_request *req, const char *name, const char *value);
/* The header's value, or NULL (case-insensitive name). */
const char *aws_request_header(const struct aws_request *req, const char *name);
/* Remove every header of this name (case-insensitive): a re-sign first
 * drops the previous signature's headers. */
void aws_request_remove_header(struct aws_request *req, const char *name);
/* Replace the body with a copy of len bytes. */
void aws_request_set_body(struct aws_request *req, const void *data, size_t len);
/* The canonical query string: parameters sorted by encoded name then
 * encoded value, each name=value (valueless: "name="), joined by '&'. */
void aws_request_canonical_query(const struct aws_request *req, struct buf *out);
/* The full URL sent: endpoint, path, '?' and the canonical query if any. */
void aws_request_url(const struct aws_request *req, struct buf *out);
/* RFC 3986 percent-encoding of len bytes; '/' kept when keep_slash. */
void aws_uri_encode(struct buf *out, const char *s, size_t len, bool keep_slash);

/* What came back. headers hold lower-cased names, in the order received. */
struct aws_response {
	long status;        /* HTTP status, 0 when no response arrived */
	struct aws_kv *headers;
	size_t nheaders, headers_cap;
	struct buf body;
	int transport_error; /* 0, or the transport's error (a CURLcode) */
	char error[256];     /* the transport's message when transport_error */
};

void aws_response_init(struct aws_response *r);
void aws_response_clear(struct aws_response *r); /* frees, then init */
const char *aws_response_header(const struct aws_response *r, const char *name);
void aws_response_add_header(struct aws_response *r, const char *name, size_t nlen,
			     const char *value, size_t vlen);

#endif
