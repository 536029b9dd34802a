/* iam.h: the IAM calls apply needs for its roles, as request builders and
 * response parsers: no I/O. IAM is a query API: POST / with a form body
 * (Action=..&Version=2010-05-08, RFC 3986 encoded), at the partition's
 * global endpoint the caller gives, signed for region and "iam". Policy
 * documents go as JSON text and come back URL-encoded: the parsers decode
 * and parse them. Compare them with policy.h. */
#ifndef CRRC_AWS_IAM_H
#define CRRC_AWS_IAM_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"

struct iam_role {
	char *arn;
	char *name;
	char *path;                 /* "/" unless created under another */
	char *role_id;
	json_t *assume_role_policy; /* decoded and parsed; NULL when absent */
	struct aws_tags tags;       /* GetRole's Tags */
};
void iam_role_free(struct iam_role *r); /* frees and zeroes; NULL fine */

/* GetRole; ABSENT on 404 NoSuchEntity. */
struct aws_request *iam_get_role(const char *endpoint, const char *region, const char *name);
enum aws_read iam_get_role_parse(const struct aws_response *r, struct iam_role *out, char *err,
				 size_t errlen);

/* CreateRole with its trust policy (compact JSON), tags (NULL: none) and
 * path (NULL: IAM's "/"). The answer is CreateRole's Role: parse it with
 * iam_create_role_parse. */
struct aws_request *iam_create_role(const char *endpoint, const char *region, const char *name,
				    const char *path, const json_t *trust,
				    const struct aws_tags *tags);
enum aws_read iam_create_role_parse(const struct aws_response *r, struct iam_role *out,
				    char *err, size_t errlen);

/* UpdateAssumeRolePolicy. */
struct aws_request *iam_update_assume_role_policy(const char *endpoint, const char *region,
						  const char *name, const json_t *trust);

/* GetRolePolicy: *out gets the decoded document (json_decref it); ABSENT
 * (*out NULL) on NoSuchEntity. */
struct aws_request *iam_get_role_policy(const char *endpoint, const char *region,
					const char *role, const char *policy_name);
enum aws_read iam_get_role_policy_parse(const struct aws_response *r, json_t **out, char *err,
					size_t errlen);
/* PutRolePolicy of a document (compact JSON). */
struct aws_request *iam_put_role_policy(const char *endpoint, const char *region,
					const char *role, const char *policy_name,
					const json_t *policy);

/* ListRoleTags (one page: a role has at most 50 tags, IAM's page 100);
 * ABSENT on NoSuchEntity. FAILED when IAM says the list is truncated. */
struct aws_request *iam_list_role_tags(const char *endpoint, const char *region,
				       const char *role);
enum aws_read iam_list_role_tags_parse(const struct aws_response *r, struct aws_tags *out,
				       char *err, size_t errlen);
/* TagRole (adds or replaces these tags) and UntagRole (removes these keys). */
struct aws_request *iam_tag_role(const char *endpoint, const char *region, const char *role,
				 const struct aws_tags *tags);
struct aws_request *iam_untag_role(const char *endpoint, const char *region, const char *role,
				   const char *const *keys, size_t nkeys);

#endif
