/* s3control.h: the S3 Batch Operations jobs of S3 Control that S3 Batch
 * Replication runs on (replicating objects written before a rule), as
 * request builders and response parsers over neutral structs: no I/O.
 * endpoint and region are aws_endpoint_s3_control's url and signing
 * region (endpoint.h); every request is signed as "s3", carries
 * x-amz-account-id and goes to /v20180820/jobs... A builder answers NULL
 * when an argument is missing or outside what the API model allows
 * (account: 12 digits). */
#ifndef CRRC_AWS_S3CONTROL_H
#define CRRC_AWS_S3CONTROL_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"

/* What CreateJob is given. */
struct s3control_job_spec {
	const char *account;           /* x-amz-account-id */
	const char *source_bucket_arn; /* ManifestGenerator/S3JobManifestGenerator/
					* SourceBucket; its ExpectedBucketOwner is account */
	const char *role_arn;          /* RoleArn: the role Batch Operations assumes */
	const char *report_bucket_arn; /* Report/Bucket; NULL: no report (Enabled false) */
	const char *report_prefix;     /* Report/Prefix; NULL: none */
	/* Filter/KeyNameConstraint/MatchAnyPrefix: only objects under it; NULL:
	 * every object eligible for replication */
	const char *key_prefix;
	const char *token;             /* ClientRequestToken: 1 to 64 characters */
	const char *description;       /* Description: NULL, or 1 to 256 characters */
	int priority;                  /* Priority: 0 or more */
};
/* CreateJob: Operation S3ReplicateObject, ConfirmationRequired false,
 * Report (Format Report_CSV_20180820, Enabled, ReportScope AllTasks), a
 * ManifestGenerator S3JobManifestGenerator with EnableManifestOutput false
 * and Filter EligibleForReplication true. */
struct aws_request *s3control_create_job(const char *endpoint, const char *region,
					 const struct s3control_job_spec *j);
/* The JobId of a 2xx answer (free() it); false with err otherwise. */
bool s3control_create_job_parse(const struct aws_response *r, char **job_id, char *err,
				size_t errlen);

/* A job as ListJobs and DescribeJob answer it. AWS answers no
 * ClientRequestToken in either: a job is known by its Description. */
struct s3control_job {
	char *id;          /* JobId */
	char *description; /* NULL: none */
	char *status;      /* Status: New, Preparing, Ready, Active, Complete, Failed, ... */
	char *created;     /* CreationTime as sent (ISO 8601) */
	char *failure;     /* DescribeJob's first FailureReasons member's FailureReason */
	long long total, succeeded, failed; /* ProgressSummary; 0 when absent */
};
void s3control_job_free(struct s3control_job *j); /* frees and zeroes; NULL fine */
struct s3control_jobs {
	struct s3control_job *v;
	size_t n, cap;
	char *next_token; /* of the last page read; NULL: none, the list is done */
};
void s3control_jobs_free(struct s3control_jobs *j); /* frees and zeroes; NULL fine */

/* ListJobs, from the NextToken of a previous page (NULL: the first). */
struct aws_request *s3control_list_jobs(const char *endpoint, const char *region,
					const char *account, const char *next_token);
/* Appends the jobs to out and sets its next_token; FAILED (out keeping
 * only the jobs it had, next_token NULL) on a job without a JobId or with
 * counts that are not numbers. */
enum aws_read s3control_list_jobs_parse(const struct aws_response *r,
					struct s3control_jobs *out, char *err, size_t errlen);

/* DescribeJob. */
struct aws_request *s3control_describe_job(const char *endpoint, const char *region,
					   const char *account, const char *job_id);
/* ABSENT on NoSuchJob or NotFoundException (the model's name for it). */
enum aws_read s3control_describe_job_parse(const struct aws_response *r,
					   struct s3control_job *out, char *err, size_t errlen);

#endif
