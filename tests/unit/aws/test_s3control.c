/* test_s3control.c: the S3 Batch Operations jobs (aws/s3control.h): each
 * builder's method, URL, headers and body exactly (Content-MD5 computed by
 * Python's hashlib), what builders refuse (the model's patterns and
 * lengths), and the parsers on answers shaped as botocore's s3control
 * model and the API reference have them: job ids, pages of jobs with their
 * NextToken, a job's progress and failure, absent jobs, errors. */
#include <stdlib.h>
#include <string.h>

#include "aws/s3control.h"
#include "aws_helpers.h"

#define EP "https://111122223333.s3-control.eu-west-1.amazonaws.com"
#define ACCOUNT "111122223333"
#define NS "xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\""
#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define ROLE "arn:aws:iam::111122223333:role/crrc-batch"
#define GENERATOR                                                                          \
	"<ManifestGenerator><S3JobManifestGenerator><ExpectedBucketOwner>111122223333"     \
	"</ExpectedBucketOwner><SourceBucket>arn:aws:s3:::src</SourceBucket><Filter>"      \
	"<EligibleForReplication>true</EligibleForReplication></Filter>"                   \
	"<EnableManifestOutput>false</EnableManifestOutput></S3JobManifestGenerator>"      \
	"</ManifestGenerator>"

static void expect(struct aws_request *req, const char *want)
{
	ck_assert_str_eq(req_text(req), want);
	aws_request_destroy(req);
}

static struct s3control_job_spec spec(void)
{
	return (struct s3control_job_spec){
		.account = ACCOUNT, .source_bucket_arn = "arn:aws:s3:::src", .role_arn = ROLE,
		.report_bucket_arn = "arn:aws:s3:::crrc-reports", .report_prefix = "crrc/batch",
		.token = "crrc-7f3a", .description = "crrc: replicate src & co", .priority = 10};
}

START_TEST(create_job)
{
	struct s3control_job_spec j = spec();
	expect(s3control_create_job(EP, "eu-west-1", &j),
	       "POST " EP "/v20180820/jobs\nx-amz-account-id: 111122223333\n"
	       "Content-Type: application/xml\nContent-MD5: Lt5Qpc+FyKJoG005ddyHow==\n\n"
	       "<CreateJobRequest " NS "><ConfirmationRequired>false</ConfirmationRequired>"
	       "<Operation><S3ReplicateObject/></Operation><Report><Bucket>"
	       "arn:aws:s3:::crrc-reports</Bucket><Format>Report_CSV_20180820</Format><Enabled>"
	       "true</Enabled><Prefix>crrc/batch</Prefix><ReportScope>AllTasks</ReportScope>"
	       "</Report><ClientRequestToken>crrc-7f3a</ClientRequestToken><Description>crrc: "
	       "replicate src &amp; co</Description><Priority>10</Priority><RoleArn>" ROLE
	       "</RoleArn>" GENERATOR "</CreateJobRequest>");
	struct s3control_job_spec bare = {
		.account = ACCOUNT, .source_bucket_arn = "arn:aws:s3:::src", .role_arn = ROLE,
		.token = "t"};
	struct aws_request *req = s3control_create_job(EP, "eu-west-1", &bare);
	ck_assert_str_eq(req->service, "s3");
	ck_assert_str_eq(req->region, "eu-west-1");
	expect(req, "POST " EP "/v20180820/jobs\nx-amz-account-id: 111122223333\n"
		    "Content-Type: application/xml\nContent-MD5: ycpXvrX39GtZNjpmAfUZJw==\n\n"
		    "<CreateJobRequest " NS "><ConfirmationRequired>false</ConfirmationRequired>"
		    "<Operation><S3ReplicateObject/></Operation><Report><Enabled>false</Enabled>"
		    "</Report><ClientRequestToken>t</ClientRequestToken><Priority>0</Priority>"
		    "<RoleArn>" ROLE "</RoleArn>" GENERATOR "</CreateJobRequest>");
}
END_TEST

/* A rule's prefix narrows the manifest to the objects under it. */
START_TEST(create_job_prefix)
{
	struct s3control_job_spec j = spec();
	j.key_prefix = "photos/";
	struct aws_request *req = s3control_create_job(EP, "eu-west-1", &j);
	ck_assert_ptr_nonnull(req);
	ck_assert_ptr_nonnull(strstr(req_text(req),
		"<Filter><EligibleForReplication>true</EligibleForReplication><KeyNameConstraint>"
		"<MatchAnyPrefix><member>photos/</member></MatchAnyPrefix></KeyNameConstraint>"
		"</Filter>"));
	aws_request_destroy(req);
	j.key_prefix = ""; /* the model's list members are 1-1024 characters */
	ck_assert_ptr_null(s3control_create_job(EP, "eu-west-1", &j));
}
END_TEST

START_TEST(create_job_refused)
{
	char long_token[66], long_desc[258], wide_desc[513];
	memset(long_token, 'a', 65);
	long_token[65] = '\0';
	memset(long_desc, 'd', 257);
	long_desc[257] = '\0';
	for (int i = 0; i < 256; i++)
		memcpy(wide_desc + 2 * i, "\xc3\xa9", 2); /* 256 characters, 512 bytes */
	wide_desc[512] = '\0';
	struct s3control_job_spec j = spec();
	j.description = wide_desc; /* 256 characters: allowed */
	struct aws_request *ok = s3control_create_job(EP, "eu-west-1", &j);
	ck_assert_ptr_nonnull(ok);
	aws_request_destroy(ok);
	struct s3control_job_spec bad[10];
	for (size_t i = 0; i < 10; i++)
		bad[i] = spec();
	bad[0].account = "11112222333";
	bad[1].account = "11112222333x";
	bad[2].account = NULL;
	bad[3].token = "";
	bad[4].token = long_token;
	bad[5].description = "";
	bad[6].description = long_desc;
	bad[7].priority = -1;
	bad[8].role_arn = NULL;
	bad[9].source_bucket_arn = NULL;
	for (size_t i = 0; i < 10; i++)
		ck_assert_msg(!s3control_create_job(EP, "eu-west-1", &bad[i]), "case %zu", i);
	ck_assert_ptr_null(s3control_create_job(EP, "eu-west-1", NULL));
	j = spec();
	ck_assert_ptr_null(s3control_create_job(NULL, "eu-west-1", &j));
}
END_TEST

START_TEST(list_and_describe)
{
	expect(s3control_list_jobs(EP, "eu-west-1", ACCOUNT, NULL),
	       "GET " EP "/v20180820/jobs\nx-amz-account-id: 111122223333\n\n");
	expect(s3control_list_jobs(EP, "eu-west-1", ACCOUNT, "a+b/c=="),
	       "GET " EP "/v20180820/jobs?nextToken=a%2Bb%2Fc%3D%3D\n"
	       "x-amz-account-id: 111122223333\n\n");
	expect(s3control_describe_job(EP, "eu-west-1", ACCOUNT,
				      "00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c"),
	       "GET " EP "/v20180820/jobs/00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c\n"
	       "x-amz-account-id: 111122223333\n\n");
	expect(s3control_describe_job(EP, "eu-west-1", ACCOUNT, "a/b c"),
	       "GET " EP "/v20180820/jobs/a%2Fb%20c\nx-amz-account-id: 111122223333\n\n");
	ck_assert_ptr_null(s3control_describe_job(EP, "eu-west-1", ACCOUNT, NULL));
	ck_assert_ptr_null(s3control_describe_job(EP, "eu-west-1", ACCOUNT, ""));
	ck_assert_ptr_null(s3control_describe_job(EP, "eu-west-1", "1", "id"));
	ck_assert_ptr_null(s3control_list_jobs(EP, "eu-west-1", "1111-2222-333", NULL));
	ck_assert_ptr_null(s3control_list_jobs(EP, NULL, ACCOUNT, NULL));
}
END_TEST

START_TEST(parse_create)
{
	struct aws_response r;
	char err[256] = "", *id = NULL;
	resp_make(&r, 200, XMLDECL "<CreateJobResult " NS "><JobId>"
		  "00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c</JobId></CreateJobResult>", NULL);
	ck_assert(s3control_create_job_parse(&r, &id, err, sizeof(err)));
	ck_assert_str_eq(id, "00e123a4-c0d8-41f4-a0eb-b46f9ba5b07c");
	free(id);
	aws_response_clear(&r);
	resp_make(&r, 200, "<CreateJobResult/>", NULL);
	ck_assert(!s3control_create_job_parse(&r, &id, err, sizeof(err)));
	ck_assert_ptr_null(id);
	ck_assert_str_eq(err, "no JobId in the CreateJob answer");
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListJobsResult/>", NULL);
	ck_assert(!s3control_create_job_parse(&r, &id, err, sizeof(err)));
	ck_assert_str_eq(err, "expected a <CreateJobResult> document, got <ListJobsResult>");
	aws_response_clear(&r);
	resp_make(&r, 400, XMLDECL "<ErrorResponse><Error><Code>InvalidRequest</Code><Message>"
		  "Role arn:aws:iam::111122223333:role/x cannot be assumed</Message></Error>"
		  "<RequestId>R</RequestId></ErrorResponse>", NULL);
	ck_assert(!s3control_create_job_parse(&r, &id, err, sizeof(err)));
	ck_assert_ptr_null(id);
	ck_assert_str_eq(err, "HTTP 400 InvalidRequest: Role arn:aws:iam::111122223333:role/x "
			      "cannot be assumed");
	aws_response_clear(&r);
}
END_TEST

#define JOB_MEMBER(tag, id, status, n)                                                     \
	"<" tag "><CreationTime>2024-05-01T10:00:00.000Z</CreationTime><Description>crrc "  \
	id "</Description><JobId>" id "</JobId><Operation>S3ReplicateObject</Operation>"    \
	"<Priority>10</Priority><ProgressSummary><NumberOfTasksFailed>1"                    \
	"</NumberOfTasksFailed><NumberOfTasksSucceeded>" n "</NumberOfTasksSucceeded>"      \
	"<TotalNumberOfTasks>" n "1</TotalNumberOfTasks><Timers><ElapsedTimeInActiveSeconds>" \
	"42</ElapsedTimeInActiveSeconds></Timers></ProgressSummary><Status>" status         \
	"</Status></" tag ">"

START_TEST(parse_list)
{
	struct aws_response r;
	struct s3control_jobs jobs = {0};
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<ListJobsResult " NS "><Jobs>"
		  JOB_MEMBER("member", "job-1", "Complete", "5")
		  JOB_MEMBER("member", "job-2", "Active", "2")
		  "</Jobs><NextToken>tok+/=</NextToken></ListJobsResult>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(jobs.n, 2);
	ck_assert_str_eq(jobs.next_token, "tok+/=");
	ck_assert_str_eq(jobs.v[0].id, "job-1");
	ck_assert_str_eq(jobs.v[0].description, "crrc job-1");
	ck_assert_str_eq(jobs.v[0].status, "Complete");
	ck_assert_str_eq(jobs.v[0].created, "2024-05-01T10:00:00.000Z");
	ck_assert_int_eq(jobs.v[0].total, 51);
	ck_assert_int_eq(jobs.v[0].succeeded, 5);
	ck_assert_int_eq(jobs.v[0].failed, 1);
	ck_assert_ptr_null(jobs.v[0].failure);
	ck_assert_str_eq(jobs.v[1].status, "Active");
	aws_response_clear(&r);
	/* The last page, its members named otherwise: botocore reads any. */
	resp_make(&r, 200, "<ListJobsResult><Jobs>" JOB_MEMBER("JobListDescriptor", "job-3",
		  "New", "0") "<JobListDescriptor><JobId>job-4</JobId></JobListDescriptor>"
		  "</Jobs></ListJobsResult>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(jobs.n, 4);
	ck_assert_ptr_null(jobs.next_token);
	ck_assert_str_eq(jobs.v[2].id, "job-3");
	ck_assert_str_eq(jobs.v[3].id, "job-4");
	ck_assert_ptr_null(jobs.v[3].status);
	ck_assert_int_eq(jobs.v[3].total, 0);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListJobsResult/>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(jobs.n, 4);
	aws_response_clear(&r);
	s3control_jobs_free(&jobs);
	ck_assert_ptr_null(jobs.v);
	s3control_jobs_free(NULL);
}
END_TEST

START_TEST(parse_list_bad)
{
	struct aws_response r;
	struct s3control_jobs jobs = {0};
	char err[256] = "";
	resp_make(&r, 200, "<ListJobsResult><Jobs>" JOB_MEMBER("member", "a", "New", "1")
		  "</Jobs><NextToken>t</NextToken></ListJobsResult>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_OK);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListJobsResult><Jobs>" JOB_MEMBER("member", "b", "New", "1")
		  JOB_MEMBER("member", "c", "New", "x") "</Jobs><NextToken>u</NextToken>"
		  "</ListJobsResult>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "ProgressSummary TotalNumberOfTasks 'x1'");
	ck_assert_uint_eq(jobs.n, 1);
	ck_assert_ptr_null(jobs.next_token);
	aws_response_clear(&r);
	resp_make(&r, 200, "<ListJobsResult><Jobs><member><Status>New</Status></member></Jobs>"
		  "</ListJobsResult>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "a job without a JobId");
	ck_assert_uint_eq(jobs.n, 1);
	aws_response_clear(&r);
	resp_make(&r, 403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access Denied"
		  "</Message></Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3control_list_jobs_parse(&r, &jobs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 403 AccessDenied: Access Denied");
	aws_response_clear(&r);
	s3control_jobs_free(&jobs);
}
END_TEST

START_TEST(parse_describe)
{
	struct aws_response r;
	struct s3control_job j;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<DescribeJobResult " NS "><Job><ConfirmationRequired>false"
		  "</ConfirmationRequired><CreationTime>2024-05-01T10:00:00Z</CreationTime>"
		  "<Description>crrc src</Description><FailureReasons><JobFailure><FailureCode>"
		  "Permission</FailureCode><FailureReason>Reading the source bucket failed"
		  "</FailureReason></JobFailure><JobFailure><FailureReason>second</FailureReason>"
		  "</JobFailure></FailureReasons><JobArn>arn:aws:s3:eu-west-1:111122223333:job/j1"
		  "</JobArn><JobId>j1</JobId><Operation><S3ReplicateObject/></Operation>"
		  "<Priority>10</Priority><ProgressSummary><NumberOfTasksFailed>2"
		  "</NumberOfTasksFailed><NumberOfTasksSucceeded>98</NumberOfTasksSucceeded>"
		  "<TotalNumberOfTasks>100</TotalNumberOfTasks></ProgressSummary><Report>"
		  "<Bucket>arn:aws:s3:::r</Bucket><Enabled>true</Enabled></Report><RoleArn>" ROLE
		  "</RoleArn><Status>Failed</Status><StatusUpdateReason>Job failed"
		  "</StatusUpdateReason>" GENERATOR
		  "</Job></DescribeJobResult>", NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(j.id, "j1");
	ck_assert_str_eq(j.description, "crrc src");
	ck_assert_str_eq(j.status, "Failed");
	ck_assert_str_eq(j.created, "2024-05-01T10:00:00Z");
	ck_assert_str_eq(j.failure, "Reading the source bucket failed");
	ck_assert_int_eq(j.total, 100);
	ck_assert_int_eq(j.succeeded, 98);
	ck_assert_int_eq(j.failed, 2);
	s3control_job_free(&j);
	ck_assert_ptr_null(j.id);
	s3control_job_free(NULL);
	aws_response_clear(&r);
	resp_make(&r, 200, "<DescribeJobResult><Job><JobId>j2</JobId><Status>New</Status>"
		  "<FailureReasons/></Job></DescribeJobResult>", NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_OK);
	ck_assert_ptr_null(j.failure);
	ck_assert_ptr_null(j.description);
	ck_assert_int_eq(j.total, 0);
	s3control_job_free(&j);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_describe_absent_and_bad)
{
	struct aws_response r;
	struct s3control_job j;
	char err[256] = "";
	resp_make(&r, 404, "<ErrorResponse><Error><Code>NoSuchJob</Code><Message>The specified "
		  "job does not exist</Message></Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(j.id);
	aws_response_clear(&r);
	resp_make(&r, 404, "<Error><Code>NotFoundException</Code><Message>m</Message></Error>",
		  NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_ABSENT);
	aws_response_clear(&r);
	resp_make(&r, 200, "<DescribeJobResult/>", NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "no Job in the DescribeJob answer");
	aws_response_clear(&r);
	resp_make(&r, 200, "<DescribeJobResult><Job><JobId>j</JobId><ProgressSummary>"
		  "<NumberOfTasksFailed>-3</NumberOfTasksFailed></ProgressSummary></Job>"
		  "</DescribeJobResult>", NULL);
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "ProgressSummary NumberOfTasksFailed '-3'");
	ck_assert_ptr_null(j.id);
	aws_response_clear(&r);
	resp_make(&r, 0, NULL, NULL);
	strcpy(r.error, "Could not resolve host");
	ck_assert_int_eq(s3control_describe_job_parse(&r, &j, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "no response: Could not resolve host");
	aws_response_clear(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("s3control");
	TCase *b = tcase_create("builders");
	tcase_add_test(b, create_job);
	tcase_add_test(b, create_job_prefix);
	tcase_add_test(b, create_job_refused);
	tcase_add_test(b, list_and_describe);
	suite_add_tcase(s, b);
	TCase *p = tcase_create("parsers");
	tcase_add_test(p, parse_create);
	tcase_add_test(p, parse_list);
	tcase_add_test(p, parse_list_bad);
	tcase_add_test(p, parse_describe);
	tcase_add_test(p, parse_describe_absent_and_bad);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	return check_main(suite());
}
