/* endpoint.h: where to send a request to S3, IAM, STS or S3 Control and
 * how to sign it, by partition: aws (amazonaws.com), aws-cn (cn-*,
 * amazonaws.com.cn), aws-us-gov (us-gov-*). IAM is one global endpoint
 * per partition, signed for us-east-1, cn-north-1 or us-gov-west-1; S3,
 * STS and S3 Control are regional; S3 Control signs as "s3".
 *
 * Overrides as the AWS CLI: AWS_ENDPOINT_URL_S3, _IAM, _STS, _S3_CONTROL,
 * then AWS_ENDPOINT_URL; none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS is
 * "true". S3 is reached virtual-host style (the bucket in the host) unless
 * the endpoint is overridden or the bucket's name is not one DNS label
 * (a dot, upper case, an underscore): then path-style. */
#ifndef CRRC_AWS_ENDPOINT_H
#define CRRC_AWS_ENDPOINT_H

#include <stdbool.h>

#ifndef CRRC_AWS_GETENV_FN
#define CRRC_AWS_GETENV_FN
/* The environment as a function (getenv, or a test's table): NULL when a
 * variable is unset. */
typedef const char *aws_getenv_fn(const char *name);
#endif

struct aws_endpoint {
	char *url;             /* scheme://host[:port]: request.h's endpoint */
	char *path_prefix;     /* "/BUCKET" path-style, "" otherwise */
	char *signing_region;  /* request.h's region */
	char *signing_service; /* request.h's service: "s3", "iam", "sts" */
	bool overridden;       /* the URL came from AWS_ENDPOINT_URL* */
};

/* "aws", "aws-cn" or "aws-us-gov"; NULL for a region name that is not one
 * ([a-z0-9-]) or is in a partition crrc does not know (us-iso-*). */
const char *aws_partition(const char *region);
/* service "s3", "iam" or "sts" in region (for IAM, any region of the
 * partition). False, with *err (free() it), for an unknown service, a bad
 * region or a malformed override; env NULL is getenv. */
bool aws_endpoint_service(struct aws_endpoint *ep, const char *service, const char *region,
			  aws_getenv_fn *env, char **err);
/* For an operation on bucket in its region: url plus path_prefix is the
 * bucket's root (a key's path is appended to path_prefix). */
bool aws_endpoint_s3_bucket(struct aws_endpoint *ep, const char *bucket, const char *region,
			    aws_getenv_fn *env, char **err);
/* S3 Control for account (12 digits) in region:
 * https://ACCOUNT.s3-control.REGION.amazonaws.com, signed as "s3"; an
 * override is used as it is, without the account in its host. */
bool aws_endpoint_s3_control(struct aws_endpoint *ep, const char *account, const char *region,
			     aws_getenv_fn *env, char **err);
/* Multi-Region Access Points (s3mrap.h): create, put-policy, describe
 * the asynchronous operation, get and get-policy are answered only by S3
 * Control in us-west-2 (elsewhere 301 PermanentRedirect); the routes only
 * in the five failover-control regions, any of them. Endpoints as
 * aws_endpoint_s3_control's. */
#define AWS_MRAP_CONTROL_REGION "us-west-2"
#define AWS_MRAP_ROUTE_REGIONS 5
extern const char *const aws_mrap_route_regions[AWS_MRAP_ROUTE_REGIONS];
/* Free the strings; ep is zeroed. */
void aws_endpoint_clear(struct aws_endpoint *ep);

#endif
