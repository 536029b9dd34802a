/* test_iam_sts.c: IAM's and STS's query-API calls (aws/iam.h, aws/sts.h):
 * form bodies exactly, parsers on answers shaped as IAM and STS send them
 * (the API references' examples), and policy documents compared as IAM
 * evaluates them (aws/policy.h). */
#include <stdlib.h>
#include <string.h>

#include "aws/iam.h"
#include "aws/policy.h"
#include "aws/sts.h"
#include "aws_helpers.h"
#include "base/buf.h"

#define IAM "https://iam.amazonaws.com"
#define STS "https://sts.eu-west-1.amazonaws.com"
#define FORM "Content-Type: application/x-www-form-urlencoded; charset=utf-8\n\n"
#define IAMNS "xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\""

static void expect(struct aws_request *req, const char *want)
{
	ck_assert_str_eq(req_text(req), want);
	ck_assert_str_eq(req->method, "POST");
	aws_request_destroy(req);
}

static json_t *js(const char *text)
{
	json_error_t e;
	json_t *v = json_loads(text, 0, &e);
	ck_assert_msg(v != NULL, "bad JSON in the test: %s", e.text);
	return v;
}

START_TEST(iam_builders)
{
	json_t *trust = js("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\","
			   "\"Principal\":{\"Service\":\"s3.amazonaws.com\"},"
			   "\"Action\":\"sts:AssumeRole\"}]}");
	const char *enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22"
			  "Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22"
			  "s3.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D";
	struct aws_tags tags = {0};
	aws_tags_add(&tags, "crrc:spec", "prod lake");
	aws_tags_add(&tags, "team", "a+b=c");
	struct buf want = BUF_INIT;
	buf_printf(&want, "POST " IAM "/\n" FORM "Action=CreateRole&Version=2010-05-08&"
			  "RoleName=crrc-src&AssumeRolePolicyDocument=%s&Path=%%2Fcrrc%%2F&"
			  "Tags.member.1.Key=crrc%%3Aspec&Tags.member.1.Value=prod%%20lake&"
			  "Tags.member.2.Key=team&Tags.member.2.Value=a%%2Bb%%3Dc", enc);
	struct aws_request *req = iam_create_role(IAM, "us-east-1", "crrc-src", "/crrc/", trust,
						  &tags);
	ck_assert_str_eq(req->service, "iam");
	ck_assert_str_eq(req->region, "us-east-1");
	expect(req, want.data);
	want.len = 0;
	buf_printf(&want, "POST " IAM "/\n" FORM "Action=UpdateAssumeRolePolicy&Version=2010-05-08"
			  "&RoleName=crrc-src&PolicyDocument=%s", enc);
	expect(iam_update_assume_role_policy(IAM, "us-east-1", "crrc-src", trust), want.data);
	want.len = 0;
	buf_printf(&want, "POST " IAM "/\n" FORM "Action=PutRolePolicy&Version=2010-05-08"
			  "&RoleName=crrc-src&PolicyName=replication&PolicyDocument=%s", enc);
	expect(iam_put_role_policy(IAM, "us-east-1", "crrc-src", "replication", trust), want.data);
	expect(iam_get_role(IAM, "us-east-1", "crrc-src"),
	       "POST " IAM "/\n" FORM "Action=GetRole&Version=2010-05-08&RoleName=crrc-src");
	expect(iam_get_role_policy(IAM, "us-east-1", "crrc-src", "replication"),
	       "POST " IAM "/\n" FORM "Action=GetRolePolicy&Version=2010-05-08&RoleName=crrc-src"
	       "&PolicyName=replication");
	expect(iam_list_role_tags(IAM, "us-east-1", "crrc-src"),
	       "POST " IAM "/\n" FORM "Action=ListRoleTags&Version=2010-05-08&RoleName=crrc-src");
	expect(iam_tag_role(IAM, "us-east-1", "crrc-src", &tags),
	       "POST " IAM "/\n" FORM "Action=TagRole&Version=2010-05-08&RoleName=crrc-src&"
	       "Tags.member.1.Key=crrc%3Aspec&Tags.member.1.Value=prod%20lake&"
	       "Tags.member.2.Key=team&Tags.member.2.Value=a%2Bb%3Dc");
	const char *keys[] = {"crrc:spec", "old"};
	expect(iam_untag_role(IAM, "us-east-1", "crrc-src", keys, 2),
	       "POST " IAM "/\n" FORM "Action=UntagRole&Version=2010-05-08&RoleName=crrc-src&"
	       "TagKeys.member.1=crrc%3Aspec&TagKeys.member.2=old");
	ck_assert_ptr_null(iam_create_role(IAM, "us-east-1", "r", NULL, NULL, NULL));
	ck_assert_ptr_null(iam_get_role(IAM, "us-east-1", NULL));
	ck_assert_ptr_null(iam_put_role_policy(IAM, "us-east-1", "r", NULL, trust));
	buf_free(&want);
	aws_tags_free(&tags);
	json_decref(trust);
}
END_TEST

static const char get_role[] =
	"<GetRoleResponse " IAMNS ">\n  <GetRoleResult>\n    <Role>\n"
	"      <Path>/application_abc/component_xyz/</Path>\n"
	"      <Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>\n"
	"      <RoleName>S3Access</RoleName>\n"
	"      <AssumeRolePolicyDocument>%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22"
	"%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%5B%22ec2."
	"amazonaws.com%22%5D%7D%2C%22Action%22%3A%5B%22sts%3AAssumeRole%22%5D%7D%5D%7D"
	"</AssumeRolePolicyDocument>\n"
	"      <CreateDate>2012-05-08T23:34:01Z</CreateDate>\n"
	"      <RoleId>AROADBQP57FF2AEXAMPLE</RoleId>\n"
	"      <RoleLastUsed><LastUsedDate>2019-11-20T17:09:20Z</LastUsedDate>"
	"<Region>us-east-1</Region></RoleLastUsed>\n"
	"      <MaxSessionDuration>3600</MaxSessionDuration>\n"
	"      <Tags><member><Key>crrc:spec</Key><Value>lake</Value></member></Tags>\n"
	"    </Role>\n  </GetRoleResult>\n  <ResponseMetadata>\n"
	"    <RequestId>df37e965-9967-11e1-a4c3-270EXAMPLE04</RequestId>\n"
	"  </ResponseMetadata>\n</GetRoleResponse>\n";

static const char no_such_entity[] =
	"<ErrorResponse " IAMNS ">\n  <Error>\n    <Type>Sender</Type>\n"
	"    <Code>NoSuchEntity</Code>\n    <Message>The role with name x cannot be found."
	"</Message>\n  </Error>\n  <RequestId>4a1b2c3d</RequestId>\n</ErrorResponse>\n";

START_TEST(iam_parsers)
{
	struct aws_response r;
	struct iam_role role;
	char err[256] = "";
	resp_make(&r, 200, get_role, NULL);
	ck_assert_int_eq(iam_get_role_parse(&r, &role, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(role.name, "S3Access");
	ck_assert_str_eq(role.arn, "arn:aws:iam::123456789012:role/application_abc/"
				   "component_xyz/S3Access");
	ck_assert_str_eq(role.path, "/application_abc/component_xyz/");
	ck_assert_str_eq(role.role_id, "AROADBQP57FF2AEXAMPLE");
	ck_assert_uint_eq(role.tags.n, 1);
	ck_assert_str_eq(role.tags.v[0].key, "crrc:spec");
	json_t *want = js("{\"Version\":\"2012-10-17\",\"Statement\":{\"Effect\":\"Allow\","
			  "\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},"
			  "\"Action\":\"sts:AssumeRole\"}}");
	ck_assert(aws_policy_equal(role.assume_role_policy, want));
	json_decref(want);
	iam_role_free(&role);
	iam_role_free(NULL);
	aws_response_clear(&r);

	resp_make(&r, 404, no_such_entity, NULL);
	ck_assert_int_eq(iam_get_role_parse(&r, &role, err, sizeof(err)), AWS_READ_ABSENT);
	json_t *doc;
	ck_assert_int_eq(iam_get_role_policy_parse(&r, &doc, err, sizeof(err)), AWS_READ_ABSENT);
	ck_assert_ptr_null(doc);
	struct aws_tags tags = {0};
	ck_assert_int_eq(iam_list_role_tags_parse(&r, &tags, err, sizeof(err)), AWS_READ_ABSENT);
	aws_response_clear(&r);

	resp_make(&r, 200, "<GetRolePolicyResponse " IAMNS "><GetRolePolicyResult><RoleName>r"
		  "</RoleName><PolicyName>p</PolicyName><PolicyDocument>%7B%22Version%22%3A%22"
		  "2012-10-17%22%2C%22Statement%22%3A%5B%5D%7D</PolicyDocument>"
		  "</GetRolePolicyResult></GetRolePolicyResponse>", NULL);
	ck_assert_int_eq(iam_get_role_policy_parse(&r, &doc, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(json_string_value(json_object_get(doc, "Version")), "2012-10-17");
	json_decref(doc);
	aws_response_clear(&r);

	resp_make(&r, 200, "<GetRolePolicyResponse><GetRolePolicyResult><PolicyDocument>%7B%7"
		  "</PolicyDocument></GetRolePolicyResult></GetRolePolicyResponse>", NULL);
	ck_assert_int_eq(iam_get_role_policy_parse(&r, &doc, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "PolicyDocument is not a URL-encoded JSON object");
	aws_response_clear(&r);

	resp_make(&r, 200, "<ListRoleTagsResponse " IAMNS "><ListRoleTagsResult><Tags><member>"
		  "<Key>a</Key><Value>1</Value></member><member><Key>b</Key><Value>2</Value>"
		  "</member></Tags><IsTruncated>false</IsTruncated></ListRoleTagsResult>"
		  "</ListRoleTagsResponse>", NULL);
	ck_assert_int_eq(iam_list_role_tags_parse(&r, &tags, err, sizeof(err)), AWS_READ_OK);
	ck_assert_uint_eq(tags.n, 2);
	ck_assert_str_eq(tags.v[1].value, "2");
	aws_tags_free(&tags);
	aws_response_clear(&r);

	resp_make(&r, 200, "<CreateRoleResponse><CreateRoleResult><Role><Path>/</Path><RoleName>"
		  "r</RoleName><RoleId>AROA</RoleId><Arn>arn:aws:iam::1:role/r</Arn>"
		  "<AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument></Role>"
		  "</CreateRoleResult></CreateRoleResponse>", NULL);
	ck_assert_int_eq(iam_create_role_parse(&r, &role, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(role.arn, "arn:aws:iam::1:role/r");
	iam_role_free(&role);
	aws_response_clear(&r);

	resp_make(&r, 400, "<ErrorResponse><Error><Type>Sender</Type><Code>MalformedPolicyDocument"
		  "</Code><Message>Invalid principal in policy</Message></Error></ErrorResponse>",
		  NULL);
	ck_assert(!aws_write_parse(&r, err, sizeof(err)));
	ck_assert_str_eq(err, "HTTP 400 MalformedPolicyDocument: Invalid principal in policy");
	aws_response_clear(&r);
	resp_make(&r, 200, "<TagRoleResponse/>", NULL);
	ck_assert(aws_write_parse(&r, err, sizeof(err)));
	aws_response_clear(&r);
}
END_TEST

START_TEST(sts_calls)
{
	expect(sts_get_caller_identity(STS, "eu-west-1"),
	       "POST " STS "/\n" FORM "Action=GetCallerIdentity&Version=2011-06-15");
	expect(sts_assume_role(STS, "eu-west-1", "arn:aws:iam::123456789012:role/deploy",
			       "crrc-apply", "ext id/1", 900),
	       "POST " STS "/\n" FORM "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3A"
	       "iam%3A%3A123456789012%3Arole%2Fdeploy&RoleSessionName=crrc-apply&"
	       "ExternalId=ext%20id%2F1&DurationSeconds=900");
	expect(sts_assume_role(STS, "eu-west-1", "arn:aws:iam::1:role/d", "s", NULL, 0),
	       "POST " STS "/\n" FORM "Action=AssumeRole&Version=2011-06-15&RoleArn=arn%3Aaws%3A"
	       "iam%3A%3A1%3Arole%2Fd&RoleSessionName=s");
	struct aws_response r;
	char err[256] = "";
	struct sts_identity id;
	resp_make(&r, 200, "<GetCallerIdentityResponse xmlns=\"https://sts.amazonaws.com/doc/"
		  "2011-06-15/\">\n  <GetCallerIdentityResult>\n"
		  "    <Arn>arn:aws:iam::123456789012:user/Alice</Arn>\n"
		  "    <UserId>AKIAI44QH8DHBEXAMPLE</UserId>\n"
		  "    <Account>123456789012</Account>\n  </GetCallerIdentityResult>\n"
		  "  <ResponseMetadata>\n    <RequestId>01234567-89ab-cdef-0123-456789abcdef"
		  "</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>", NULL);
	ck_assert_int_eq(sts_get_caller_identity_parse(&r, &id, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(id.account, "123456789012");
	ck_assert_str_eq(id.arn, "arn:aws:iam::123456789012:user/Alice");
	ck_assert_str_eq(id.user_id, "AKIAI44QH8DHBEXAMPLE");
	sts_identity_free(&id);
	aws_response_clear(&r);
	struct sts_credentials c;
	resp_make(&r, 200, "<AssumeRoleResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"
		  "<AssumeRoleResult><SourceIdentity>Alice</SourceIdentity><AssumedRoleUser>"
		  "<Arn>arn:aws:sts::123456789012:assumed-role/demo/TestAR</Arn><AssumedRoleId>"
		  "ARO123EXAMPLE123:TestAR</AssumedRoleId></AssumedRoleUser><Credentials>"
		  "<AccessKeyId>ASIAIOSFODNN7EXAMPLE</AccessKeyId><SecretAccessKey>wJalrXUtnFEMI/"
		  "K7MDENG/bPxRfiCYzEXAMPLEKEY</SecretAccessKey><SessionToken>IQoJb3JpZ2luX2VjEOz"
		  "</SessionToken><Expiration>2019-11-09T13:34:41Z</Expiration></Credentials>"
		  "<PackedPolicySize>6</PackedPolicySize></AssumeRoleResult><ResponseMetadata>"
		  "<RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>"
		  "</AssumeRoleResponse>", NULL);
	ck_assert_int_eq(sts_assume_role_parse(&r, &c, err, sizeof(err)), AWS_READ_OK);
	ck_assert_str_eq(c.access_key_id, "ASIAIOSFODNN7EXAMPLE");
	ck_assert_str_eq(c.secret_access_key, "wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY");
	ck_assert_str_eq(c.session_token, "IQoJb3JpZ2luX2VjEOz");
	ck_assert_str_eq(c.expiration, "2019-11-09T13:34:41Z");
	ck_assert_int_eq((long long)c.expires, 1573306481LL);
	ck_assert_str_eq(c.assumed_role_arn, "arn:aws:sts::123456789012:assumed-role/demo/TestAR");
	sts_credentials_free(&c);
	sts_credentials_free(NULL);
	aws_response_clear(&r);
	resp_make(&r, 200, "<AssumeRoleResponse><AssumeRoleResult><Credentials><AccessKeyId>A"
		  "</AccessKeyId></Credentials></AssumeRoleResult></AssumeRoleResponse>", NULL);
	ck_assert_int_eq(sts_assume_role_parse(&r, &c, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "AssumeRoleResult lacks a credential field");
	ck_assert_ptr_null(c.access_key_id);
	aws_response_clear(&r);
	resp_make(&r, 403, "<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code>"
		  "<Message>not authorized to perform sts:AssumeRole</Message></Error>"
		  "</ErrorResponse>", NULL);
	ck_assert_int_eq(sts_assume_role_parse(&r, &c, err, sizeof(err)), AWS_READ_FAILED);
	ck_assert_str_eq(err, "HTTP 403 AccessDenied: not authorized to perform sts:AssumeRole");
	aws_response_clear(&r);
}
END_TEST

static bool eq(const char *a, const char *b)
{
	json_t *x = js(a), *y = js(b);
	bool e = aws_policy_equal(x, y);
	ck_assert(aws_policy_equal(y, x) == e);
	json_decref(x);
	json_decref(y);
	return e;
}

START_TEST(policy_equal)
{
	ck_assert(eq("{\"Version\":\"2012-10-17\",\"Statement\":[{\"Sid\":\"a\",\"Effect\":"
		     "\"Allow\",\"Action\":\"s3:GetObject\",\"Resource\":[\"r1\"]},{\"Sid\":\"b\","
		     "\"Effect\":\"Deny\",\"Action\":[\"s3:B\",\"s3:A\"],\"Resource\":\"*\"}]}",
		     "{\"Statement\":[{\"Effect\":\"Deny\",\"Resource\":[\"*\"],\"Sid\":\"b\","
		     "\"Action\":[\"s3:A\",\"s3:B\",\"s3:A\"]},{\"Resource\":\"r1\",\"Action\":"
		     "[\"s3:GetObject\"],\"Effect\":\"Allow\",\"Sid\":\"a\"}],"
		     "\"Version\":\"2012-10-17\"}"));
	ck_assert(eq("{\"Statement\":{\"Effect\":\"Allow\",\"Principal\":\"*\"}}",
		     "{\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":[\"*\"]}}]}"));
	ck_assert(eq("{\"Statement\":[{\"Principal\":{\"AWS\":\"123456789012\"}}]}",
		     "{\"Statement\":[{\"Principal\":{\"AWS\":[\"arn:aws:iam::123456789012:root\"]"
		     "}}]}"));
	ck_assert(eq("{\"Statement\":[{\"Condition\":{\"Bool\":{\"aws:SecureTransport\":false},"
		     "\"StringEquals\":{\"kms:ViaService\":[\"s3.a\",\"s3.b\"]}}}]}",
		     "{\"Statement\":[{\"Condition\":{\"StringEquals\":{\"kms:ViaService\":"
		     "[\"s3.b\",\"s3.a\"]},\"Bool\":{\"aws:SecureTransport\":\"false\"}}}]}"));
	ck_assert(!eq("{\"Statement\":[{\"Action\":\"s3:A\"}]}",
		      "{\"Statement\":[{\"Action\":\"s3:B\"}]}"));
	ck_assert(!eq("{\"Statement\":[{\"Action\":\"s3:A\"}]}",
		      "{\"Statement\":[{\"NotAction\":\"s3:A\"}]}"));
	ck_assert(!eq("{\"Statement\":[{\"Sid\":\"a\"},{\"Sid\":\"a\"}]}",
		      "{\"Statement\":[{\"Sid\":\"a\"}]}"));
	ck_assert(!eq("{\"Version\":\"2012-10-17\",\"Statement\":[]}", "{\"Statement\":[]}"));
	ck_assert(!eq("{\"Statement\":[{\"Principal\":{\"AWS\":\"arn:aws:iam::123456789012:user/x"
		      "\"}}]}", "{\"Statement\":[{\"Principal\":{\"AWS\":\"123456789012\"}}]}"));
	ck_assert(aws_policy_equal(NULL, NULL));
	json_t *x = js("{}");
	ck_assert(!aws_policy_equal(x, NULL));
	json_decref(x);
}
END_TEST

static void collect(const char *sid, const char *action, bool added, void *ud)
{
	buf_printf(ud, "%s %s\n  %s\n", added ? "+" : "-", *sid ? sid : "(no sid)", action);
}

START_TEST(policy_actions_diff)
{
	json_t *want = js("{\"Statement\":[{\"Sid\":\"Replicate\",\"Action\":[\"s3:ReplicateObject\","
			  "\"s3:ReplicateDelete\",\"s3:ReplicateTags\"]},{\"Sid\":\"New\",\"Action\":"
			  "\"s3:GetObjectVersion\"},{\"NotAction\":\"iam:*\"}]}");
	json_t *have = js("{\"Statement\":[{\"NotAction\":[\"iam:*\",\"sts:*\"]},{\"Sid\":"
			  "\"Replicate\",\"Action\":[\"s3:ReplicateTags\",\"s3:ReplicateObject\","
			  "\"s3:ObjectOwnerOverrideToBucketOwner\"]},{\"Sid\":\"Old\",\"Action\":"
			  "\"s3:ListBucket\"}]}");
	struct buf b = BUF_INIT;
	ck_assert_uint_eq(aws_policy_actions_diff(want, have, collect, &b), 5);
	ck_assert_str_eq(b.data, "+ Replicate\n  s3:ReplicateDelete\n"
				 "- Replicate\n  s3:ObjectOwnerOverrideToBucketOwner\n"
				 "+ New\n  s3:GetObjectVersion\n"
				 "- (no sid)\n  !sts:*\n"
				 "- Old\n  s3:ListBucket\n");
	ck_assert_uint_eq(aws_policy_actions_diff(want, want, NULL, NULL), 0);
	buf_free(&b);
	json_decref(want);
	json_decref(have);
}
END_TEST

static Suite *suite(void)
{
	Suite *s = suite_create("iam_sts");
	TCase *t = tcase_create("iam_sts");
	tcase_add_test(t, iam_builders);
	tcase_add_test(t, iam_parsers);
	tcase_add_test(t, sts_calls);
	tcase_add_test(t, policy_equal);
	tcase_add_test(t, policy_actions_diff);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(suite());
}
