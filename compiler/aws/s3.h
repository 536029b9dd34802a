/* s3.h: the S3 bucket operations crrc's apply needs, as request builders
 * and response parsers over neutral structs: no I/O. A request goes to
 * endpoint (scheme://host[:port]) + path_prefix ("/bucket" path-style, ""
 * when the bucket is in the host already), signed for region and service
 * "s3". Every PUT with a body sets Content-Type and Content-MD5.
 * The replication configuration has its own header, s3_replication.h;
 * the objects theirs, s3_object.h. */
#ifndef CRRC_AWS_S3_H
#define CRRC_AWS_S3_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"

/* HeadBucket. */
enum s3_head {
	S3_HEAD_EXISTS,    /* 200: it exists and these credentials may use it */
	S3_HEAD_ABSENT,    /* 404: no such bucket */
	S3_HEAD_FORBIDDEN, /* 403: it exists, another account's or not ours to read */
	S3_HEAD_MOVED,     /* 301 (or 400) with x-amz-bucket-region: in another region */
	S3_HEAD_FAILED,    /* anything else */
};
struct aws_request *s3_head_bucket(const char *endpoint, const char *path_prefix,
				   const char *region);
/* What r says; region gets x-amz-bucket-region ("" when absent). */
enum s3_head s3_head_bucket_parse(const struct aws_response *r, char region[64]);

/* CreateBucket in region: no body in us-east-1, else a
 * CreateBucketConfiguration with its LocationConstraint; object_lock sets
 * x-amz-bucket-object-lock-enabled: true. */
struct aws_request *s3_create_bucket(const char *endpoint, const char *path_prefix,
				     const char *region, bool object_lock);

/* Versioning. */
enum s3_versioning {
	S3_VERSIONING_NEVER,     /* never enabled: no Status */
	S3_VERSIONING_ENABLED,
	S3_VERSIONING_SUSPENDED,
};
struct aws_request *s3_get_versioning(const char *endpoint, const char *path_prefix,
				      const char *region);
/* mfa_delete: MfaDelete is Enabled (NULL: not wanted). */
enum aws_read s3_get_versioning_parse(const struct aws_response *r, enum s3_versioning *out,
				      bool *mfa_delete, char *err, size_t errlen);
/* status ENABLED or SUSPENDED; NULL for NEVER (S3 cannot go back). */
struct aws_request *s3_put_versioning(const char *endpoint, const char *path_prefix,
				      const char *region, enum s3_versioning status);

/* Default encryption: the first rule's. */
struct s3_encryption {
	char *algorithm;  /* SSEAlgorithm: "AES256", "aws:kms", "aws:kms:dsse" */
	char *kms_key_id; /* KMSMasterKeyID; NULL: absent (the AWS managed key) */
	bool bucket_key;  /* BucketKeyEnabled */
};
void s3_encryption_free(struct s3_encryption *e); /* frees and zeroes; NULL fine */
struct aws_request *s3_get_encryption(const char *endpoint, const char *path_prefix,
				      const char *region);
/* ABSENT on 404 ServerSideEncryptionConfigurationNotFoundError. */
enum aws_read s3_get_encryption_parse(const struct aws_response *r, struct s3_encryption *out,
				      char *err, size_t errlen);
/* NULL when e has no algorithm. */
struct aws_request *s3_put_encryption(const char *endpoint, const char *path_prefix,
				      const char *region, const struct s3_encryption *e);

/* Tags. */
struct aws_request *s3_get_tagging(const char *endpoint, const char *path_prefix,
				   const char *region);
/* out must be empty; ABSENT (no tags) on 404 NoSuchTagSet. */
enum aws_read s3_get_tagging_parse(const struct aws_response *r, struct aws_tags *out, char *err,
				   size_t errlen);
struct aws_request *s3_put_tagging(const char *endpoint, const char *path_prefix,
				   const char *region, const struct aws_tags *t);

/* The bucket policy: JSON text. */
struct aws_request *s3_get_policy(const char *endpoint, const char *path_prefix,
				  const char *region);
/* *out gets the document (json_decref it); ABSENT (*out NULL) on 404
 * NoSuchBucketPolicy; FAILED when the body is not a JSON object. */
enum aws_read s3_get_policy_parse(const struct aws_response *r, json_t **out, char *err,
				  size_t errlen);
/* The document, compact, as Content-Type application/json. */
struct aws_request *s3_put_policy(const char *endpoint, const char *path_prefix,
				  const char *region, const json_t *policy);

/* GetObjectLockConfiguration. */
struct s3_object_lock {
	bool enabled;   /* ObjectLockEnabled is Enabled */
	char mode[16];  /* Rule/DefaultRetention/Mode: "GOVERNANCE", "COMPLIANCE"; "": none */
	int days;       /* .../Days; 0: absent */
	int years;      /* .../Years; 0: absent */
};
struct aws_request *s3_get_object_lock(const char *endpoint, const char *path_prefix,
				       const char *region);
/* ABSENT on 404 ObjectLockConfigurationNotFoundError. */
enum aws_read s3_get_object_lock_parse(const struct aws_response *r, struct s3_object_lock *out,
				       char *err, size_t errlen);

/* ListObjectVersions with max-keys=1: whether the bucket holds any
 * version or delete marker. The whole list is s3_object.h's. */
struct aws_request *s3_list_versions(const char *endpoint, const char *path_prefix,
				     const char *region);
enum aws_read s3_list_versions_parse(const struct aws_response *r, bool *empty, char *err,
				     size_t errlen);

#endif
