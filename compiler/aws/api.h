/* api.h: what the S3, S3 Control, IAM and STS operations (s3.h,
 * s3_object.h, s3_replication.h, s3control.h, iam.h, sts.h) share with
 * their callers: the outcome of a read, tags and the percent-decoding of
 * IAM's policy documents. The operations only build requests and parse
 * responses: no I/O. */
#ifndef CRRC_AWS_API_H
#define CRRC_AWS_API_H

#include <stdbool.h>
#include <stddef.h>

struct aws_response;

/* What a parser made of a response to a read. */
enum aws_read {
	AWS_READ_OK,     /* found: parsed into the parser's out */
	AWS_READ_ABSENT, /* the service answered that there is none (404
			  * NoSuchTagSet, NoSuchEntity, ...): out is empty */
	AWS_READ_FAILED, /* any other error response, or a body that is not
			  * what the API answers: err says which */
};

struct aws_tag {
	char *key, *value;
};

/* Tags (S3's TagSet, IAM's Tags) in the order given or read; owns its
 * strings. Zero it to start. */
struct aws_tags {
	struct aws_tag *v;
	size_t n, cap;
};

/* Append a copy of key and value (NULL: ""). */
void aws_tags_add(struct aws_tags *t, const char *key, const char *value);
/* Frees and zeroes; NULL is fine. */
void aws_tags_free(struct aws_tags *t);

/* s percent-decoded (RFC 3986: each %XX to its byte; '+' stays '+'), NUL-
 * terminated, free() it; NULL when a '%' is not followed by two hex digits
 * or the result holds a NUL byte. */
char *aws_url_decode(const char *s, size_t len);

/* Whether r answers a write with success (2xx); else err says the status,
 * the error code and message. */
bool aws_write_parse(const struct aws_response *r, char *err, size_t errlen);

#endif
