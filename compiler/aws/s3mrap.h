/* s3mrap.h: S3 Multi-Region Access Points through S3 Control, as request
 * builders and response parsers over neutral structs: no I/O. endpoint and
 * region are aws_endpoint_s3_control's url and signing region: us-west-2
 * (AWS_MRAP_CONTROL_REGION) for all but the routes, which go to one of
 * aws_mrap_route_regions (endpoint.h). Every request is signed as "s3",
 * carries x-amz-account-id and a Content-MD5 (of the empty body for a GET:
 * botocore's model has httpChecksumRequired on every MRAP operation).
 * Create and put-policy are asynchronous: they answer a request token ARN
 * that DescribeMultiRegionAccessPointOperation follows. A builder answers
 * NULL when an argument is missing or outside what the API model allows
 * (account: 12 digits; name: s3mrap_name_ok; token: 1 to 64 characters,
 * no white space). */
#ifndef CRRC_AWS_S3MRAP_H
#define CRRC_AWS_S3MRAP_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"

/* A member bucket: Region as GetMultiRegionAccessPoint answers it (create
 * ignores it), account its BucketAccountId (NULL: the point's account). */
struct s3mrap_region {
	char *bucket, *region, *account;
};
/* A point as GetMultiRegionAccessPoint answers it. */
struct s3mrap {
	char *name, *alias; /* alias: "mfzwi23gnjvgw.mrap" */
	char *status;       /* READY, CREATING, INCONSISTENT_ACROSS_REGIONS, ... */
	char *created;      /* CreatedAt as sent (ISO 8601) */
	struct s3mrap_region *regions;
	size_t nregions;
};
void s3mrap_free(struct s3mrap *m); /* frees and zeroes; NULL fine */

/* The model's MultiRegionAccessPointName: 3 to 50 of a-z 0-9 -, neither
 * first nor last a '-'. */
bool s3mrap_name_ok(const char *name);
/* "arn:PARTITION:s3::ACCOUNT:accesspoint/ALIAS", the label of the routes
 * (free() it); NULL on a bad account or an empty alias or partition. */
char *s3mrap_arn(const char *partition, const char *account, const char *alias);

/* CreateMultiRegionAccessPoint of name over n (1 or more) buckets, the
 * four PublicAccessBlock settings true (AWS's default, and what the
 * console does). */
struct aws_request *s3mrap_create(const char *endpoint, const char *region,
				  const char *account, const char *token, const char *name,
				  const struct s3mrap_region *regions, size_t n);
/* PutMultiRegionAccessPointPolicy: policy as compact JSON text. */
struct aws_request *s3mrap_put_policy(const char *endpoint, const char *region,
				      const char *account, const char *token,
				      const char *name, const json_t *policy);
/* The RequestTokenARN of a 2xx answer to create or put-policy (free() it);
 * false with err otherwise. */
bool s3mrap_create_parse(const struct aws_response *r, char **token_arn, char *err,
			 size_t errlen);
bool s3mrap_put_policy_parse(const struct aws_response *r, char **token_arn, char *err,
			     size_t errlen);

/* Where an asynchronous operation is, by its RequestStatus. */
enum s3mrap_state {
	S3MRAP_RUNNING,   /* NEW, IN_PROGRESS or anything else */
	S3MRAP_SUCCEEDED, /* SUCCEEDED */
	S3MRAP_FAILED,    /* FAILED */
};
struct s3mrap_operation {
	char *operation; /* CreateMultiRegionAccessPoint, PutMultiRegionAccessPointPolicy... */
	char *status;    /* RequestStatus as sent */
	enum s3mrap_state state;
	char *error_code, *error_message; /* ResponseDetails/ErrorDetails; NULL: none */
};
void s3mrap_operation_free(struct s3mrap_operation *op); /* frees, zeroes; NULL fine */
/* DescribeMultiRegionAccessPointOperation of a token ARN create or
 * put-policy answered ("arn:" and 1 to 1024 characters). */
struct aws_request *s3mrap_describe_operation(const char *endpoint, const char *region,
					      const char *account, const char *token_arn);
/* FAILED on an answer without AsyncOperation or RequestStatus. */
enum aws_read s3mrap_describe_operation_parse(const struct aws_response *r,
					      struct s3mrap_operation *out, char *err,
					      size_t errlen);

/* GetMultiRegionAccessPoint. */
struct aws_request *s3mrap_get(const char *endpoint, const char *region, const char *account,
			       const char *name);
/* ABSENT on NoSuchMultiRegionAccessPoint; FAILED on an answer without
 * AccessPoint, its Name or Alias, or with a member without its Bucket. */
enum aws_read s3mrap_get_parse(const struct aws_response *r, struct s3mrap *out, char *err,
			       size_t errlen);

/* GetMultiRegionAccessPointPolicy. */
struct aws_request *s3mrap_get_policy(const char *endpoint, const char *region,
				      const char *account, const char *name);
/* *out the Established policy (json_decref it): ABSENT (*out NULL) on
 * NoSuchMultiRegionAccessPoint or when none is established yet (the
 * Proposed one is not read); FAILED when it is not a JSON object. */
enum aws_read s3mrap_get_policy_parse(const struct aws_response *r, json_t **out, char *err,
				      size_t errlen);

/* A route: bucket or region (or both) names the member; dial is
 * TrafficDialPercentage, 100 active, 0 passive. */
struct s3mrap_route {
	char *bucket, *region;
	int dial;
};
struct s3mrap_routes {
	struct s3mrap_route *v;
	size_t n, cap;
};
void s3mrap_routes_free(struct s3mrap_routes *r); /* frees and zeroes; NULL fine */

/* GetMultiRegionAccessPointRoutes of the point's ARN (s3mrap_arn): the
 * label is sent as botocore sends a greedy label, ':' as %3A, '/' kept,
 * and signed as sent. */
struct aws_request *s3mrap_get_routes(const char *endpoint, const char *region,
				      const char *account, const char *mrap_arn);
/* Appends the Routes to out; FAILED (out as it was) on a route without
 * TrafficDialPercentage in 0..100 or without Bucket and Region. ABSENT on
 * NoSuchMultiRegionAccessPoint. */
enum aws_read s3mrap_get_routes_parse(const struct aws_response *r,
				      struct s3mrap_routes *out, char *err, size_t errlen);
/* SubmitMultiRegionAccessPointRoutes (PATCH) of n (1 or more) updates,
 * each with a bucket or a region and a dial of 0 or 100; its answer is
 * empty: aws_write_parse. */
struct aws_request *s3mrap_submit_routes(const char *endpoint, const char *region,
					 const char *account, const char *mrap_arn,
					 const struct s3mrap_route *routes, size_t n);

#endif
