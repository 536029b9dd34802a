/* test_endpoint.c: endpoints and signing scopes (endpoint.c) for the three
 * partitions, virtual-host and path-style S3, S3 Control, and the
 * AWS_ENDPOINT_URL* overrides, with the environment as a table. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "aws/endpoint.h"
#include "check_main.h"

static const char *env_tab[8][2];
static size_t nenv;

static const char *tenv(const char *name)
{
	for (size_t i = 0; i < nenv; i++)
		if (strcmp(env_tab[i][0], name) == 0)
			return env_tab[i][1];
	return NULL;
}

static void env_set(const char *name, const char *value)
{
	env_tab[nenv][0] = name;
	env_tab[nenv++][1] = value;
}

static void setup(void)
{
	nenv = 0;
}

static void assert_ep(const struct aws_endpoint *ep, const char *url, const char *prefix,
		      const char *region, const char *service, bool overridden)
{
	ck_assert_str_eq(ep->url, url);
	ck_assert_str_eq(ep->path_prefix, prefix);
	ck_assert_str_eq(ep->signing_region, region);
	ck_assert_str_eq(ep->signing_service, service);
	ck_assert_int_eq(ep->overridden, overridden);
}

START_TEST(partitions)
{
	ck_assert_str_eq(aws_partition("us-east-1"), "aws");
	ck_assert_str_eq(aws_partition("eu-west-1"), "aws");
	ck_assert_str_eq(aws_partition("cn-north-1"), "aws-cn");
	ck_assert_str_eq(aws_partition("cn-northwest-1"), "aws-cn");
	ck_assert_str_eq(aws_partition("us-gov-west-1"), "aws-us-gov");
	ck_assert_ptr_null(aws_partition("us-iso-east-1"));
	ck_assert_ptr_null(aws_partition("US-EAST-1"));
	ck_assert_ptr_null(aws_partition("evil.com/x"));
	ck_assert_ptr_null(aws_partition(""));
	ck_assert_ptr_null(aws_partition(NULL));
}
END_TEST

START_TEST(services)
{
	struct aws_endpoint ep;
	char *err = NULL;
	static const char *const want[][5] = {
		{"s3", "us-east-1", "https://s3.us-east-1.amazonaws.com", "us-east-1"},
		{"s3", "cn-north-1", "https://s3.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"s3", "us-gov-west-1", "https://s3.us-gov-west-1.amazonaws.com", "us-gov-west-1"},
		{"sts", "eu-west-1", "https://sts.eu-west-1.amazonaws.com", "eu-west-1"},
		{"sts", "cn-northwest-1", "https://sts.cn-northwest-1.amazonaws.com.cn",
		 "cn-northwest-1"},
		{"sts", "us-gov-east-1", "https://sts.us-gov-east-1.amazonaws.com", "us-gov-east-1"},
		{"iam", "eu-west-1", "https://iam.amazonaws.com", "us-east-1"},
		{"iam", "cn-northwest-1", "https://iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
		{"iam", "us-gov-east-1", "https://iam.us-gov.amazonaws.com", "us-gov-west-1"},
	};
	for (size_t i = 0; i < sizeof(want) / sizeof(*want); i++) {
		ck_assert(aws_endpoint_service(&ep, want[i][0], want[i][1], tenv, &err));
		assert_ep(&ep, want[i][2], "", want[i][3], want[i][0], false);
		aws_endpoint_clear(&ep);
	}
	ck_assert(!aws_endpoint_service(&ep, "ec2", "us-east-1", tenv, &err));
	ck_assert_str_eq(err, "no endpoint for the service 'ec2'");
	free(err);
	ck_assert(!aws_endpoint_service(&ep, "s3", "x.evil.com", tenv, &err));
	ck_assert_ptr_null(ep.url);
	free(err);
	aws_endpoint_clear(&ep);
}
END_TEST

START_TEST(buckets)
{
	struct aws_endpoint ep;
	char *err = NULL;
	ck_assert(aws_endpoint_s3_bucket(&ep, "my-bucket", "eu-west-1", tenv, &err));
	assert_ep(&ep, "https://my-bucket.s3.eu-west-1.amazonaws.com", "", "eu-west-1", "s3",
		  false);
	aws_endpoint_clear(&ep);
	ck_assert(aws_endpoint_s3_bucket(&ep, "b-cn", "cn-north-1", tenv, &err));
	ck_assert_str_eq(ep.url, "https://b-cn.s3.cn-north-1.amazonaws.com.cn");
	aws_endpoint_clear(&ep);
	/* Not one DNS label: path-style. */
	static const char *const path_style[][2] = {
		{"my.bucket", "/my.bucket"}, {"Legacy_Bucket", "/Legacy_Bucket"},
		{"ab", "/ab"}, {"-x-", "/-x-"}, {"a b", "/a%20b"},
	};
	for (size_t i = 0; i < sizeof(path_style) / sizeof(*path_style); i++) {
		ck_assert(aws_endpoint_s3_bucket(&ep, path_style[i][0], "us-east-1", tenv, &err));
		assert_ep(&ep, "https://s3.us-east-1.amazonaws.com", path_style[i][1], "us-east-1",
			  "s3", false);
		aws_endpoint_clear(&ep);
	}
	ck_assert(!aws_endpoint_s3_bucket(&ep, "a/b", "us-east-1", tenv, &err));
	free(err);
	ck_assert(!aws_endpoint_s3_bucket(&ep, "", "us-east-1", tenv, &err));
	free(err);
	/* An overridden endpoint: path-style whatever the name. */
	env_set("AWS_ENDPOINT_URL", "http://127.0.0.1:5000/");
	ck_assert(aws_endpoint_s3_bucket(&ep, "my-bucket", "eu-west-1", tenv, &err));
	assert_ep(&ep, "http://127.0.0.1:5000", "/my-bucket", "eu-west-1", "s3", true);
	aws_endpoint_clear(&ep);
}
END_TEST

START_TEST(s3_control)
{
	struct aws_endpoint ep;
	char *err = NULL;
	ck_assert(aws_endpoint_s3_control(&ep, "111122223333", "us-west-2", tenv, &err));
	assert_ep(&ep, "https://111122223333.s3-control.us-west-2.amazonaws.com", "", "us-west-2",
		  "s3", false);
	aws_endpoint_clear(&ep);
	ck_assert(aws_endpoint_s3_control(&ep, "111122223333", "cn-north-1", tenv, &err));
	ck_assert_str_eq(ep.url, "https://111122223333.s3-control.cn-north-1.amazonaws.com.cn");
	aws_endpoint_clear(&ep);
	ck_assert(!aws_endpoint_s3_control(&ep, "1111", "us-west-2", tenv, &err));
	free(err);
	ck_assert(!aws_endpoint_s3_control(&ep, "11112222333a", "us-west-2", tenv, &err));
	free(err);
	env_set("AWS_ENDPOINT_URL_S3_CONTROL", "https://control.example:8443");
	env_set("AWS_ENDPOINT_URL", "http://ignored");
	ck_assert(aws_endpoint_s3_control(&ep, "111122223333", "us-west-2", tenv, &err));
	assert_ep(&ep, "https://control.example:8443", "", "us-west-2", "s3", true);
	aws_endpoint_clear(&ep);
}
END_TEST

START_TEST(overrides)
{
	struct aws_endpoint ep;
	char *err = NULL;
	env_set("AWS_ENDPOINT_URL_IAM", "http://localhost:5000");
	env_set("AWS_ENDPOINT_URL_S3", "");
	env_set("AWS_ENDPOINT_URL", "http://[::1]:4566");
	ck_assert(aws_endpoint_service(&ep, "iam", "eu-west-1", tenv, &err));
	assert_ep(&ep, "http://localhost:5000", "", "us-east-1", "iam", true);
	aws_endpoint_clear(&ep);
	/* An empty service variable falls back on AWS_ENDPOINT_URL. */
	ck_assert(aws_endpoint_service(&ep, "s3", "eu-west-1", tenv, &err));
	assert_ep(&ep, "http://[::1]:4566", "", "eu-west-1", "s3", true);
	aws_endpoint_clear(&ep);
	ck_assert(aws_endpoint_service(&ep, "sts", "cn-north-1", tenv, &err));
	assert_ep(&ep, "http://[::1]:4566", "", "cn-north-1", "sts", true);
	aws_endpoint_clear(&ep);
	env_set("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "TRUE");
	ck_assert(aws_endpoint_service(&ep, "sts", "eu-west-1", tenv, &err));
	assert_ep(&ep, "https://sts.eu-west-1.amazonaws.com", "", "eu-west-1", "sts", false);
	aws_endpoint_clear(&ep);
}
END_TEST

START_TEST(bad_overrides)
{
	static const char *const bad[] = {"localhost:5000", "ftp://h", "http://", "http:///",
					  "http://h/path", "http://h?x", "http://h#f", "http://h x"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		nenv = 0;
		env_set("AWS_ENDPOINT_URL_STS", bad[i]);
		struct aws_endpoint ep;
		char *err = NULL;
		ck_assert_msg(!aws_endpoint_service(&ep, "sts", "us-east-1", tenv, &err), "%s",
			      bad[i]);
		ck_assert_str_eq(err, "AWS_ENDPOINT_URL_STS: expected http://HOST[:PORT] or "
				 "https://HOST[:PORT]");
		ck_assert_ptr_null(ep.url);
		free(err);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("endpoint");
	TCase *t = tcase_create("endpoint");
	tcase_add_checked_fixture(t, setup, NULL);
	tcase_add_test(t, partitions);
	tcase_add_test(t, services);
	tcase_add_test(t, buckets);
	tcase_add_test(t, s3_control);
	tcase_add_test(t, overrides);
	tcase_add_test(t, bad_overrides);
	suite_add_tcase(s, t);
	return check_main(s);
}
