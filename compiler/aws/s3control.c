/* s3control.c: the Batch Operations jobs of s3control.h: REST-XML requests
 * to /v20180820/jobs with x-amz-account-id, the CreateJob body written with
 * libxml2 in S3 Control's namespace and the elements in the order of
 * botocore's s3control model, answers read by local name. */
#include "aws/s3control.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"

#define JOBS_PATH "/v20180820/jobs"

/* Whether s is min to max characters (UTF-8 code points). */
static bool chars_ok(const char *s, size_t min, size_t max)
{
	size_t n = 0;
	for (const unsigned char *p = (const unsigned char *)s; p && *p; p++)
		n += (*p & 0xc0) != 0x80;
	return s && n >= min && n <= max;
}

static bool spec_ok(const struct s3control_job_spec *j)
{
	return j && j->source_bucket_arn && j->role_arn && chars_ok(j->token, 1, 64) &&
	       (!j->description || chars_ok(j->description, 1, 256)) && j->priority >= 0;
}

/* JobReport: Bucket, Format, Enabled, Prefix, ReportScope. */
static void add_report(xmlNode *root, const struct s3control_job_spec *j)
{
	xmlNode *rep = api_xml_add(root, "Report", NULL);
	if (!j->report_bucket_arn) {
		api_xml_add(rep, "Enabled", "false");
		return;
	}
	api_xml_add(rep, "Bucket", j->report_bucket_arn);
	api_xml_add(rep, "Format", "Report_CSV_20180820");
	api_xml_add(rep, "Enabled", "true");
	if (j->report_prefix)
		api_xml_add(rep, "Prefix", j->report_prefix);
	api_xml_add(rep, "ReportScope", "AllTasks");
}

/* S3JobManifestGenerator: ExpectedBucketOwner, SourceBucket, Filter,
 * EnableManifestOutput. */
static void add_generator(xmlNode *root, const struct s3control_job_spec *j)
{
	xmlNode *gen = api_xml_add(api_xml_add(root, "ManifestGenerator", NULL),
				   "S3JobManifestGenerator", NULL);
	api_xml_add(gen, "ExpectedBucketOwner", j->account);
	api_xml_add(gen, "SourceBucket", j->source_bucket_arn);
	api_xml_add(api_xml_add(gen, "Filter", NULL), "EligibleForReplication", "true");
	api_xml_add(gen, "EnableManifestOutput", "false");
}

struct aws_request *s3control_create_job(const char *endpoint, const char *region,
					 const struct s3control_job_spec *j)
{
	if (!spec_ok(j))
		return NULL;
	struct aws_request *req = api_control_request("POST", endpoint, region, j->account, JOBS_PATH);
	if (!req)
		return NULL;
	/* CreateJobRequest: ConfirmationRequired, Operation, Report,
	 * ClientRequestToken, Manifest, Description, Priority, RoleArn, Tags,
	 * ManifestGenerator. */
	xmlNode *root;
	xmlDoc *doc = api_xml_new_ns("CreateJobRequest", API_S3CONTROL_XMLNS, &root);
	api_xml_add(root, "ConfirmationRequired", "false");
	api_xml_add(api_xml_add(root, "Operation", NULL), "S3ReplicateObject", NULL);
	add_report(root, j);
	api_xml_add(root, "ClientRequestToken", j->token);
	if (j->description)
		api_xml_add(root, "Description", j->description);
	char prio[16];
	snprintf(prio, sizeof(prio), "%d", j->priority);
	api_xml_add(root, "Priority", prio);
	api_xml_add(root, "RoleArn", j->role_arn);
	add_generator(root, j);
	api_xml_body(req, doc);
	return req;
}

bool s3control_create_job_parse(const struct aws_response *r, char **job_id, char *err,
				size_t errlen)
{
	*job_id = NULL;
	xmlDoc *doc;
	if (api_read_doc(r, "CreateJobResult", NULL, &doc, err, errlen) != AWS_READ_OK)
		return false;
	*job_id = api_xml_child_text(xmlDocGetRootElement(doc), "JobId");
	xmlFreeDoc(doc);
	if (!*job_id || !**job_id) {
		api_fail(err, errlen, "no JobId in the CreateJob answer");
		free(*job_id);
		*job_id = NULL;
	}
	return *job_id != NULL;
}

void s3control_job_free(struct s3control_job *j)
{
	if (!j)
		return;
	free(j->id);
	free(j->description);
	free(j->status);
	free(j->created);
	free(j->failure);
	memset(j, 0, sizeof(*j));
}

void s3control_jobs_free(struct s3control_jobs *j)
{
	if (!j)
		return;
	for (size_t i = 0; i < j->n; i++)
		s3control_job_free(&j->v[i]);
	free(j->v);
	free(j->next_token);
	memset(j, 0, sizeof(*j));
}

/* ProgressSummary's count name into out (0 when absent). */
static bool task_count(const xmlNode *p, const char *name, long long *out, char *err,
		       size_t errlen)
{
	char *t = api_xml_child_text(p, name);
	bool ok = !t || api_parse_ll(t, 0, LLONG_MAX, out);
	if (!ok)
		api_fail(err, errlen, "ProgressSummary %s '%s'", name, t);
	free(t);
	return ok;
}

/* A JobListDescriptor or JobDescriptor into j. Lists are read whatever
 * their members' element names, as botocore does. */
static bool parse_job(const xmlNode *n, struct s3control_job *j, char *err, size_t errlen)
{
	j->id = api_xml_child_text(n, "JobId");
	j->description = api_xml_child_text(n, "Description");
	j->status = api_xml_child_text(n, "Status");
	j->created = api_xml_child_text(n, "CreationTime");
	xmlNode *first = api_xml_child(api_xml_child(n, "FailureReasons"), NULL);
	j->failure = api_xml_child_text(first, "FailureReason");
	if (!j->id || !*j->id) {
		api_fail(err, errlen, "a job without a JobId");
		return false;
	}
	xmlNode *p = api_xml_child(n, "ProgressSummary");
	return task_count(p, "TotalNumberOfTasks", &j->total, err, errlen) &&
	       task_count(p, "NumberOfTasksSucceeded", &j->succeeded, err, errlen) &&
	       task_count(p, "NumberOfTasksFailed", &j->failed, err, errlen);
}

struct aws_request *s3control_list_jobs(const char *endpoint, const char *region,
					const char *account, const char *next_token)
{
	struct aws_request *req = api_control_request("GET", endpoint, region, account, JOBS_PATH);
	if (req && next_token)
		aws_request_add_query(req, "nextToken", next_token);
	return req;
}

enum aws_read s3control_list_jobs_parse(const struct aws_response *r,
					struct s3control_jobs *out, char *err, size_t errlen)
{
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "ListJobsResult", NULL, &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *root = xmlDocGetRootElement(doc);
	size_t had = out->n;
	bool ok = true;
	xmlNode *jobs = api_xml_child(root, "Jobs");
	for (xmlNode *c = api_xml_child(jobs, NULL); ok && c; c = api_xml_next(c, NULL)) {
		out->v = api_grow(out->v, out->n, &out->cap, sizeof(*out->v));
		memset(&out->v[out->n], 0, sizeof(*out->v));
		ok = parse_job(c, &out->v[out->n++], err, errlen);
	}
	free(out->next_token);
	out->next_token = ok ? api_xml_child_text(root, "NextToken") : NULL;
	xmlFreeDoc(doc);
	while (!ok && out->n > had)
		s3control_job_free(&out->v[--out->n]);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *s3control_describe_job(const char *endpoint, const char *region,
					   const char *account, const char *job_id)
{
	if (!job_id || !*job_id)
		return NULL;
	struct buf path = BUF_INIT;
	buf_puts(&path, JOBS_PATH "/");
	aws_uri_encode(&path, job_id, strlen(job_id), false);
	struct aws_request *req = api_control_request("GET", endpoint, region, account, path.data);
	buf_free(&path);
	return req;
}

enum aws_read s3control_describe_job_parse(const struct aws_response *r,
					   struct s3control_job *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "DescribeJobResult", "NoSuchJob NotFoundException",
					 &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *job = api_xml_child(xmlDocGetRootElement(doc), "Job");
	bool ok = job && parse_job(job, out, err, errlen);
	if (!job)
		api_fail(err, errlen, "no Job in the DescribeJob answer");
	xmlFreeDoc(doc);
	if (!ok)
		s3control_job_free(out);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}
