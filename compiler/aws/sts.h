/* sts.h: the STS calls apply needs, as request builders and response
 * parsers: GetCallerIdentity (whose account these credentials are) and
 * AssumeRole. Query API: POST / with a form, Version=2011-06-15, at the
 * regional endpoint the caller chooses, signed for region and "sts". */
#ifndef CRRC_AWS_STS_H
#define CRRC_AWS_STS_H

#include <stdbool.h>
#include <stddef.h>
#include <time.h>

#include "aws/api.h"
#include "aws/request.h"

struct sts_identity {
	char *account;  /* "123456789012" */
	char *arn;      /* "arn:aws:iam::123456789012:user/ci" */
	char *user_id;  /* "AIDA..." */
};
void sts_identity_free(struct sts_identity *id); /* frees and zeroes; NULL fine */

struct aws_request *sts_get_caller_identity(const char *endpoint, const char *region);
enum aws_read sts_get_caller_identity_parse(const struct aws_response *r,
					    struct sts_identity *out, char *err, size_t errlen);

/* Temporary credentials. sts_credentials_free wipes the secret and the
 * token before freeing them. */
struct sts_credentials {
	char *access_key_id;
	char *secret_access_key;
	char *session_token;
	char *expiration;     /* as STS wrote it: "2024-05-01T12:00:00Z" */
	time_t expires;       /* the same in seconds since the epoch; 0 if unreadable */
	char *assumed_role_arn; /* AssumedRoleUser/Arn; NULL when absent */
};
void sts_credentials_free(struct sts_credentials *c);

/* AssumeRole of role_arn as session_name; external_id NULL for none;
 * duration_seconds 0 for STS's default (one hour). */
struct aws_request *sts_assume_role(const char *endpoint, const char *region,
				    const char *role_arn, const char *session_name,
				    const char *external_id, int duration_seconds);
/* FAILED unless all four credential fields are there. */
enum aws_read sts_assume_role_parse(const struct aws_response *r, struct sts_credentials *out,
				    char *err, size_t errlen);

#endif
