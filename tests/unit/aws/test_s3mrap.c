/* test_s3mrap.c: the Multi-Region Access Points (aws/s3mrap.h): each
 * builder's method, URL, headers and body exactly (Content-MD5 computed by
 * Python's hashlib; the empty body's on GETs), what builders refuse (the
 * model's patterns and lengths), the routes' ARN label as botocore sends
 * it, and the parsers on answers shaped as botocore's s3control model and
 * the API reference have them: request tokens, operations running,
 * succeeded and failed, points, policies, routes, absent points, errors. */
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "aws/s3mrap.h"
#include "aws_helpers.h"

#define EP "https://111122223333.s3-control.us-west-2.amazonaws.com"
#define ACCOUNT "111122223333"
#define NS "xmlns=\"http://awss3control.amazonaws.com/doc/2018-08-20/\""
#define XMLDECL "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
#define HDRS "x-amz-account-id: 111122223333\n"
#define EMPTY_MD5 "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==\n"
#define ARN "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"
#define ARN_PATH "arn%3Aaws%3As3%3A%3A111122223333%3Aaccesspoint/mfzwi23gnjvgw.mrap"
#define TOKEN_ARN "arn:aws:s3:us-west-2:111122223333:async-request/mrap/create/a1b2"

static void expect(struct aws_request *req, const char *want)
{
	ck_assert_ptr_nonnull(req);
	ck_assert_str_eq(req_text(req), want);
	aws_request_destroy(req);
}

START_TEST(create)
{
	struct s3mrap_region regions[] = {{.bucket = "src-eu"},
					  {.bucket = "dst-us", .account = "444455556666"}};
	struct aws_request *req = s3mrap_create(EP, "us-west-2", ACCOUNT, "crrc-7f3a",
						"crrc-shared", regions, 2);
	ck_assert_str_eq(req->service, "s3");
	ck_assert_str_eq(req->region, "us-west-2");
	expect(req, "POST " EP "/v20180820/async-requests/mrap/create\n" HDRS
		    "Content-MD5: IlmUD9waW7CCz4ytGDK/YA==\nContent-Type: application/xml\n\n"
		    "<CreateMultiRegionAccessPointRequest " NS "><ClientToken>crrc-7f3a"
		    "</ClientToken><Details><Name>crrc-shared</Name><PublicAccessBlock>"
		    "<BlockPublicAcls>true</BlockPublicAcls><IgnorePublicAcls>true"
		    "</IgnorePublicAcls><BlockPublicPolicy>true</BlockPublicPolicy>"
		    "<RestrictPublicBuckets>true</RestrictPublicBuckets></PublicAccessBlock>"
		    "<Regions><Region><Bucket>src-eu</Bucket></Region><Region><Bucket>dst-us"
		    "</Bucket><BucketAccountId>444455556666</BucketAccountId></Region></Regions>"
		    "</Details></CreateMultiRegionAccessPointRequest>");
	char long_name[52], long_token[66];
	memset(long_name, 'a', 51);
	long_name[51] = '\0';
	memset(long_token, 't', 65);
	long_token[65] = '\0';
	const char *bad_names[] = {"ab", "-abc", "abc-", "ABC", "a_bc", "a.bc", long_name, NULL};
	for (size_t i = 0; i < sizeof(bad_names) / sizeof(*bad_names); i++)
		ck_assert_msg(!s3mrap_create(EP, "us-west-2", ACCOUNT, "t", bad_names[i], regions,
					     2), "name %zu", i);
	ck_assert(!s3mrap_create(EP, "us-west-2", "11112222333", "t", "abc", regions, 2));
	ck_assert(!s3mrap_create(EP, "us-west-2", ACCOUNT, "", "abc", regions, 2));
	ck_assert(!s3mrap_create(EP, "us-west-2", ACCOUNT, "a b", "abc", regions, 2));
	ck_assert(!s3mrap_create(EP, "us-west-2", ACCOUNT, long_token, "abc", regions, 2));
	ck_assert(!s3mrap_create(EP, "us-west-2", ACCOUNT, "t", "abc", regions, 0));
	ck_assert(!s3mrap_create(EP, "us-west-2", ACCOUNT, "t", "abc", NULL, 1));
	struct s3mrap_region bad[] = {{.bucket = "ab"}, {.bucket = NULL},
				      {.bucket = "abc", .account = "1"}};
	for (size_t i = 0; i < 3; i++)
		ck_assert_msg(!s3mrap_create(EP, "us-west-2", ACCOUNT, "t", "abc", &bad[i], 1),
			      "region %zu", i);
	ck_assert_ptr_nonnull(req = s3mrap_create(EP, "us-west-2", ACCOUNT, "t", "a-1",
						  regions, 1));
	aws_request_destroy(req);
}
END_TEST

START_TEST(put_policy)
{
	json_t *p = json_pack("{s:s, s:[]}", "Version", "2012-10-17", "Statement");
	expect(s3mrap_put_policy(EP, "us-west-2", ACCOUNT, "crrc-p1", "crrc-shared", p),
	       "POST " EP "/v20180820/async-requests/mrap/put-policy\n" HDRS
	       "Content-MD5: cgv7V01uMz4UpDMGvYdm7A==\nContent-Type: application/xml\n\n"
	       "<PutMultiRegionAccessPointPolicyRequest " NS "><ClientToken>crrc-p1"
	       "</ClientToken><Details><Name>crrc-shared</Name><Policy>{\"Version\":"
	       "\"2012-10-17\",\"Statement\":[]}</Policy></Details>"
	       "</PutMultiRegionAccessPointPolicyRequest>");
	ck_assert(!s3mrap_put_policy(EP, "us-west-2", ACCOUNT, "t", "crrc-shared", NULL));
	json_t *arr = json_array();
	ck_assert(!s3mrap_put_policy(EP, "us-west-2", ACCOUNT, "t", "crrc-shared", arr));
	ck_assert(!s3mrap_put_policy(EP, "us-west-2", ACCOUNT, "t", "Bad", p));
	ck_assert(!s3mrap_put_policy(EP, "us-west-2", ACCOUNT, NULL, "abc", p));
	json_decref(arr);
	json_decref(p);
}
END_TEST

START_TEST(reads)
{
	expect(s3mrap_describe_operation(EP, "us-west-2", ACCOUNT, TOKEN_ARN),
	       "GET " EP "/v20180820/async-requests/mrap/arn%3Aaws%3As3%3Aus-west-2%3A"
	       "111122223333%3Aasync-request/mrap/create/a1b2\n" HDRS EMPTY_MD5 "\n");
	ck_assert(!s3mrap_describe_operation(EP, "us-west-2", ACCOUNT, "a1b2"));
	ck_assert(!s3mrap_describe_operation(EP, "us-west-2", ACCOUNT, "arn:"));
	ck_assert(!s3mrap_describe_operation(EP, "us-west-2", ACCOUNT, NULL));
	expect(s3mrap_get(EP, "us-west-2", ACCOUNT, "crrc-shared"),
	       "GET " EP "/v20180820/mrap/instances/crrc-shared\n" HDRS EMPTY_MD5 "\n");
	expect(s3mrap_get_policy(EP, "us-west-2", ACCOUNT, "crrc-shared"),
	       "GET " EP "/v20180820/mrap/instances/crrc-shared/policy\n" HDRS EMPTY_MD5 "\n");
	ck_assert(!s3mrap_get(EP, "us-west-2", ACCOUNT, "a/b"));
	ck_assert(!s3mrap_get_policy(EP, "us-west-2", "x", "abc"));
	ck_assert(!s3mrap_get(NULL, "us-west-2", ACCOUNT, "abc"));
}
END_TEST

START_TEST(routes)
{
	struct aws_request *req = s3mrap_get_routes(EP, "ap-southeast-2", ACCOUNT, ARN);
	ck_assert_str_eq(req->path, "/v20180820/mrap/instances/" ARN_PATH "/routes");
	ck_assert_str_eq(req->region, "ap-southeast-2");
	expect(req, "GET " EP "/v20180820/mrap/instances/" ARN_PATH "/routes\n" HDRS EMPTY_MD5
		    "\n");
	struct s3mrap_route rt[] = {{.bucket = "src-eu", .dial = 100},
				    {.region = "us-east-1", .dial = 0}};
	expect(s3mrap_submit_routes(EP, "us-east-1", ACCOUNT, ARN, rt, 2),
	       "PATCH " EP "/v20180820/mrap/instances/" ARN_PATH "/routes\n" HDRS
	       "Content-MD5: sla+y0oDMLUy7FQLNATOMg==\nContent-Type: application/xml\n\n"
	       "<SubmitMultiRegionAccessPointRoutesRequest " NS "><RouteUpdates><Route><Bucket>"
	       "src-eu</Bucket><TrafficDialPercentage>100</TrafficDialPercentage></Route><Route>"
	       "<Region>us-east-1</Region><TrafficDialPercentage>0</TrafficDialPercentage>"
	       "</Route></RouteUpdates></SubmitMultiRegionAccessPointRoutesRequest>");
	const char *bad_arns[] = {"mfzwi23gnjvgw.mrap", "arn:aws:s3::1:accesspoint/",
				  "arn:aws:s3::1:accesspoint/a/b", "arn:aws:s3::1:accesspoint/a b",
				  "arn:aws:s3::1:accesspoint", NULL};
	for (size_t i = 0; i < sizeof(bad_arns) / sizeof(*bad_arns); i++) {
		ck_assert_msg(!s3mrap_get_routes(EP, "us-east-1", ACCOUNT, bad_arns[i]), "%zu", i);
		ck_assert_msg(!s3mrap_submit_routes(EP, "us-east-1", ACCOUNT, bad_arns[i], rt, 2),
			      "%zu", i);
	}
	struct s3mrap_route bad[] = {{.bucket = "src-eu", .dial = 50}, {.dial = 100},
				     {.bucket = "ab", .dial = 0}, {.region = "", .dial = 0}};
	for (size_t i = 0; i < 4; i++)
		ck_assert_msg(!s3mrap_submit_routes(EP, "us-east-1", ACCOUNT, ARN, &bad[i], 1),
			      "route %zu", i);
	ck_assert(!s3mrap_submit_routes(EP, "us-east-1", ACCOUNT, ARN, rt, 0));
	ck_assert(!s3mrap_submit_routes(EP, "us-east-1", "1", ARN, rt, 1));
}
END_TEST

START_TEST(arn_and_regions)
{
	char *arn = s3mrap_arn("aws", ACCOUNT, "mfzwi23gnjvgw.mrap");
	ck_assert_str_eq(arn, ARN);
	free(arn);
	ck_assert_ptr_null(s3mrap_arn("aws", "1", "a.mrap"));
	ck_assert_ptr_null(s3mrap_arn("aws", ACCOUNT, ""));
	ck_assert_ptr_null(s3mrap_arn(NULL, ACCOUNT, "a.mrap"));
	ck_assert(s3mrap_name_ok("abc"));
	ck_assert(!s3mrap_name_ok(NULL));
	ck_assert_str_eq(AWS_MRAP_CONTROL_REGION, "us-west-2");
	const char *want[] = {"us-east-1", "us-west-2", "ap-southeast-2", "ap-northeast-1",
			      "eu-west-1"};
	for (size_t i = 0; i < AWS_MRAP_ROUTE_REGIONS; i++)
		ck_assert_str_eq(aws_mrap_route_regions[i], want[i]);
}
END_TEST

START_TEST(parse_tokens)
{
	struct aws_response r;
	char err[256] = "", *tok = NULL;
	resp_make(&r, 200, XMLDECL "<CreateMultiRegionAccessPointResult " NS "><RequestTokenARN>"
		  TOKEN_ARN "</RequestTokenARN></CreateMultiRegionAccessPointResult>", NULL);
	ck_assert(s3mrap_create_parse(&r, &tok, err, sizeof(err)));
	ck_assert_str_eq(tok, TOKEN_ARN);
	free(tok);
	ck_assert(!s3mrap_put_policy_parse(&r, &tok, err, sizeof(err)));
	ck_assert_ptr_null(tok);
	aws_response_clear(&r);
	resp_make(&r, 200, "<PutMultiRegionAccessPointPolicyResult><RequestTokenARN>arn:x"
		  "</RequestTokenARN></PutMultiRegionAccessPointPolicyResult>", NULL);
	ck_assert(s3mrap_put_policy_parse(&r, &tok, err, sizeof(err)));
	ck_assert_str_eq(tok, "arn:x");
	free(tok);
	aws_response_clear(&r);
	resp_make(&r, 200, "<CreateMultiRegionAccessPointResult/>", NULL);
	ck_assert(!s3mrap_create_parse(&r, &tok, err, sizeof(err)));
	ck_assert_str_eq(err, "no RequestTokenARN in the <CreateMultiRegionAccessPointResult> "
			      "answer");
	aws_response_clear(&r);
	resp_make(&r, 409, "<ErrorResponse><Error><Code>MultiRegionAccessPointAlreadyExists"
		  "</Code><Message>exists</Message></Error></ErrorResponse>", NULL);
	ck_assert(!s3mrap_create_parse(&r, &tok, err, sizeof(err)));
	ck_assert_str_eq(err, "HTTP 409 MultiRegionAccessPointAlreadyExists: exists");
	aws_response_clear(&r);
}
END_TEST

#define OPERATION(status, details)                                                         \
	XMLDECL "<DescribeMultiRegionAccessPointOperationResult " NS "><AsyncOperation>"    \
	"<CreationTime>2024-05-01T10:00:00Z</CreationTime><Operation>"                      \
	"CreateMultiRegionAccessPoint</Operation><RequestTokenARN>" TOKEN_ARN               \
	"</RequestTokenARN><RequestParameters><CreateMultiRegionAccessPointRequest><Name>"  \
	"crrc-shared</Name><Regions><Region><Bucket>src-eu</Bucket></Region></Regions>"     \
	"</CreateMultiRegionAccessPointRequest></RequestParameters><RequestStatus>" status  \
	"</RequestStatus>" details "</AsyncOperation>"                                      \
	"</DescribeMultiRegionAccessPointOperationResult>"

START_TEST(parse_operation)
{
	struct aws_response r;
	struct s3mrap_operation op;
	char err[256] = "";
	resp_make(&r, 200, OPERATION("IN_PROGRESS", ""), NULL);
	ck_assert_int_eq(s3mrap_describe_operation_parse(&r, &op, err, sizeof(err)),
			 AWS_READ_OK);
	ck_assert_int_eq(op.state, S3MRAP_RUNNING);
	ck_assert_str_eq(op.operation, "CreateMultiRegionAccessPoint");
	ck_assert_ptr_null(op.error_code);
	s3mrap_operation_free(&op);
	aws_response_clear(&r);
	resp_make(&r, 200, OPERATION("SUCCEEDED", "<ResponseDetails>"
		  "<MultiRegionAccessPointDetails><Regions><Region><Name>eu-west-1</Name>"
		  "<RequestStatus>SUCCEEDED</RequestStatus>"
		  "</Region></Regions></MultiRegionAccessPointDetails></ResponseDetails>"), NULL);
	ck_assert_int_eq(s3mrap_describe_operation_parse(&r, &op, err, sizeof(err)),
			 AWS_READ_OK);
	ck_assert_int_eq(op.state, S3MRAP_SUCCEEDED);
	ck_assert_str_eq(op.status, "SUCCEEDED");
	s3mrap_operation_free(&op);
	aws_response_clear(&r);
	resp_make(&r, 200, OPERATION("FAILED", "<ResponseDetails><ErrorDetails><Code>"
		  "BucketNotFound</Code><Message>The bucket dst-us does not exist</Message>"
		  "<Resource>dst-us</Resource><RequestId>R</RequestId></ErrorDetails>"
		  "</ResponseDetails>"), NULL);
	ck_assert_int_eq(s3mrap_describe_operation_parse(&r, &op, err, sizeof(err)),
			 AWS_READ_OK);
	ck_assert_int_eq(op.state, S3MRAP_FAILED);
	ck_assert_str_eq(op.error_code, "BucketNotFound");
	ck_assert_str_eq(op.error_message, "The bucket dst-us does not exist");
	s3mrap_operation_free(&op);
	ck_assert_ptr_null(op.status);
	s3mrap_operation_free(NULL);
	aws_response_clear(&r);
	resp_make(&r, 200, "<DescribeMultiRegionAccessPointOperationResult><AsyncOperation/>"
		  "</DescribeMultiRegionAccessPointOperationResult>", NULL);
	ck_assert_int_eq(s3mrap_describe_operation_parse(&r, &op, err, sizeof(err)),
			 AWS_READ_FAILED);
	ck_assert_str_eq(err, "no AsyncOperation/RequestStatus in the "
			      "DescribeMultiRegionAccessPointOperation answer");
	ck_assert_ptr_null(op.operation);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_point)
{
	struct aws_response r;
	struct s3mrap m;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<GetMultiRegionAccessPointResult " NS "><AccessPoint><Name>"
		  "crrc-shared</Name><Alias>mfzwi23gnjvgw.mrap</Alias><CreatedAt>"
		  "2024-05-01T10:00:00Z</CreatedAt><PublicAccessBlock><BlockPublicAcls>true"
		  "</BlockPublicAcls></PublicAccessBlock><Status>READY</Status><Regions><Region>"
		  "<Bucket>src-eu</Bucket><Region>eu-west-1</Region><BucketAccountId>"
		  "111122223333</BucketAccountId></Region><Region><Bucket>dst-us</Bucket><Region>"
		  "us-east-1</Region></Region></Regions></AccessPoint>"
		  "</GetMultiRegionAccessPointResult>", NULL);
	ck_assert_int_eq(s3mrap_get_parse(&r, &m, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(m.name, "crrc-shared");
	ck_assert_str_eq(m.alias, "mfzwi23gnjvgw.mrap");
	ck_assert_str_eq(m.status, "READY");
	ck_assert_str_eq(m.created, "2024-05-01T10:00:00Z");
	ck_assert_uint_eq(m.nregions, 2);
	ck_assert_str_eq(m.regions[0].bucket, "src-eu");
	ck_assert_str_eq(m.regions[0].region, "eu-west-1");
	ck_assert_str_eq(m.regions[0].account, ACCOUNT);
	ck_assert_str_eq(m.regions[1].region, "us-east-1");
	ck_assert_ptr_null(m.regions[1].account);
	s3mrap_free(&m);
	ck_assert_ptr_null(m.regions);
	s3mrap_free(NULL);
	aws_response_clear(&r);
	resp_make(&r, 404, "<ErrorResponse><Error><Code>NoSuchMultiRegionAccessPoint</Code>"
		  "<Message>The specified Multi-Region Access Point does not exist</Message>"
		  "</Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3mrap_get_parse(&r, &m, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(m.name);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointResult><AccessPoint><Name>n</Name>"
		  "</AccessPoint></GetMultiRegionAccessPointResult>", NULL);
	ck_assert_int_eq(s3mrap_get_parse(&r, &m, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "no AccessPoint Name and Alias in the GetMultiRegionAccessPoint "
			      "answer");
	ck_assert_ptr_null(m.name);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointResult><AccessPoint><Name>n</Name><Alias>"
		  "a.mrap</Alias><Regions><Region><Region>eu-west-1</Region></Region></Regions>"
		  "</AccessPoint></GetMultiRegionAccessPointResult>", NULL);
	ck_assert_int_eq(s3mrap_get_parse(&r, &m, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "a Multi-Region Access Point region without a Bucket");
	ck_assert_uint_eq(m.nregions, 0);
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_policy)
{
	struct aws_response r;
	json_t *p;
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<GetMultiRegionAccessPointPolicyResult " NS "><Policy>"
		  "<Established><Policy>{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":"
		  "\"AccountUsesPoint\"}]}</Policy></Established><Proposed><Policy>{}</Policy>"
		  "</Proposed></Policy></GetMultiRegionAccessPointPolicyResult>", NULL);
	ck_assert_int_eq(s3mrap_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(p, "Statement"), 0), "Sid")),
			 "AccountUsesPoint");
	json_decref(p);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointPolicyResult><Policy><Proposed><Policy>{}"
		  "</Policy></Proposed></Policy></GetMultiRegionAccessPointPolicyResult>", NULL);
	ck_assert_int_eq(s3mrap_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(p);
	aws_response_clear(&r);
	resp_make(&r, 404, "<ErrorResponse><Error><Code>NoSuchMultiRegionAccessPoint</Code>"
		  "</Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3mrap_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_ABSENT);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointPolicyResult><Policy><Established><Policy>"
		  "[1]</Policy></Established></Policy></GetMultiRegionAccessPointPolicyResult>",
		  NULL);
	ck_assert_int_eq(s3mrap_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "the Multi-Region Access Point policy is not a JSON object: "
			      "another value");
	ck_assert_ptr_null(p);
	aws_response_clear(&r);
	resp_make(&r, 403, "<ErrorResponse><Error><Code>AccessDenied</Code><Message>Access "
		  "Denied</Message></Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3mrap_get_policy_parse(&r, &p, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 403 AccessDenied: Access Denied");
	aws_response_clear(&r);
}
END_TEST

START_TEST(parse_routes)
{
	struct aws_response r;
	struct s3mrap_routes rs = {0};
	char err[256] = "";
	resp_make(&r, 200, XMLDECL "<GetMultiRegionAccessPointRoutesResult " NS "><Mrap>" ARN
		  "</Mrap><Routes><Route><Bucket>src-eu</Bucket><Region>eu-west-1</Region>"
		  "<TrafficDialPercentage>100</TrafficDialPercentage></Route><Route><Bucket>dst-us"
		  "</Bucket><Region>us-east-1</Region><TrafficDialPercentage>0"
		  "</TrafficDialPercentage></Route></Routes>"
		  "</GetMultiRegionAccessPointRoutesResult>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(rs.n, 2);
	ck_assert_str_eq(rs.v[0].bucket, "src-eu");
	ck_assert_str_eq(rs.v[0].region, "eu-west-1");
	ck_assert_int_eq(rs.v[0].dial, 100);
	ck_assert_int_eq(rs.v[1].dial, 0);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointRoutesResult><Routes><Route><Bucket>x"
		  "</Bucket><TrafficDialPercentage>100</TrafficDialPercentage></Route><Route>"
		  "<Bucket>y</Bucket><TrafficDialPercentage>101</TrafficDialPercentage></Route>"
		  "</Routes></GetMultiRegionAccessPointRoutesResult>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "a route's TrafficDialPercentage is '101', not 0 to 100");
	ck_assert_uint_eq(rs.n, 2);
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointRoutesResult><Routes><Route>"
		  "<TrafficDialPercentage>0</TrafficDialPercentage></Route></Routes>"
		  "</GetMultiRegionAccessPointRoutesResult>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "a route without Bucket and Region");
	aws_response_clear(&r);
	resp_make(&r, 200, "<GetMultiRegionAccessPointRoutesResult><Routes><Route><Bucket>z"
		  "</Bucket></Route></Routes></GetMultiRegionAccessPointRoutesResult>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "a route's TrafficDialPercentage is '(none)', not 0 to 100");
	aws_response_clear(&r);
	resp_make(&r, 301, "<ErrorResponse><Error><Code>PermanentRedirect</Code><Message>This "
		  "API operation is only available in the following Regions</Message></Error>"
		  "</ErrorResponse>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_FAILED);
	aws_response_clear(&r);
	resp_make(&r, 404, "<ErrorResponse><Error><Code>NoSuchMultiRegionAccessPoint</Code>"
		  "</Error></ErrorResponse>", NULL);
	ck_assert_int_eq(s3mrap_get_routes_parse(&r, &rs, err, sizeof(err)), AWS_READ_ABSENT);
	aws_response_clear(&r);
	ck_assert_uint_eq(rs.n, 2);
	s3mrap_routes_free(&rs);
	ck_assert_ptr_null(rs.v);
	s3mrap_routes_free(NULL);
	resp_make(&r, 200, "", NULL);
	ck_assert(aws_write_parse(&r, err, sizeof(err)));
	aws_response_clear(&r);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("s3mrap");
	TCase *b = tcase_create("builders");
	tcase_add_test(b, create);
	tcase_add_test(b, put_policy);
	tcase_add_test(b, reads);
	tcase_add_test(b, routes);
	tcase_add_test(b, arn_and_regions);
	suite_add_tcase(s, b);
	TCase *p = tcase_create("parsers");
	tcase_add_test(p, parse_tokens);
	tcase_add_test(p, parse_operation);
	tcase_add_test(p, parse_point);
	tcase_add_test(p, parse_policy);
	tcase_add_test(p, parse_routes);
	suite_add_tcase(s, p);
	return s;
}

int main(void)
{
	return check_main(suite());
}
