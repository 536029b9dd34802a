/* sigv4.h: AWS Signature Version 4 over a request (request.h), with
 * OpenSSL's libcrypto, checked against botocore's SigV4Auth and
 * S3SigV4Auth (tests/unit/aws/test_sigv4.py).
 *
 * Signed headers: host, x-amz-date, x-amz-content-sha256 (always for
 * service "s3", never for others, as botocore), x-amz-security-token when
 * the credentials have a token, and whatever content-type, content-md5 and
 * x-amz-* headers the caller set. Canonical URI: for "s3" the path as given;
 * for other services the path with "." and ".." segments and empty
 * segments removed, then URI-encoded once more (botocore's rule). */
#ifndef CRRC_AWS_SIGV4_H
#define CRRC_AWS_SIGV4_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/creds.h"
#include "aws/request.h"
#include "base/buf.h"

/* Sign req at time now: first remove any earlier Authorization, X-Amz-Date,
 * x-amz-content-sha256 and x-amz-security-token (a retry re-signs), then set
 * Host, X-Amz-Date, x-amz-content-sha256 (s3), x-amz-security-token (when
 * c has a token) and Authorization. False, with req's signature headers
 * removed, when c lacks a key or secret, the endpoint has no host or
 * libcrypto fails. Never writes a secret anywhere. */
bool sigv4_sign(struct aws_request *req, const struct aws_creds *c, time_t now);
/* The canonical request of a signed request, from the headers it holds
 * now: for tests and debugging (it holds the session token, if any, but
 * never the secret key). */
void sigv4_canonical_request(const struct aws_request *req, struct buf *out);
/* Base64 of the MD5 of len bytes, NUL-terminated: S3's Content-MD5. */
void sigv4_content_md5(const void *body, size_t len, char out[25]);
/* Lower-case hex of the SHA-256 of len bytes, NUL-terminated. */
void sigv4_sha256_hex(const void *data, size_t len, char out[65]);

#endif
