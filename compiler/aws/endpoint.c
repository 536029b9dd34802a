/* endpoint.c: endpoints and signing scopes of S3, IAM, STS and S3 Control
 * by partition, and the AWS_ENDPOINT_URL* overrides (endpoint.h). */
#include "aws/endpoint.h"
#include "aws/request.h"
#include "base/buf.h"
#include "base/oom.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

const char *const aws_mrap_route_regions[AWS_MRAP_ROUTE_REGIONS] = {
	"us-east-1", "us-west-2", "ap-southeast-2", "ap-northeast-1", "eu-west-1",
};

struct partition {
	const char *name, *dns, *iam_host, *iam_region;
};

static const struct partition partitions[] = {
	{"aws", "amazonaws.com", "iam.amazonaws.com", "us-east-1"},
	{"aws-cn", "amazonaws.com.cn", "iam.cn-north-1.amazonaws.com.cn", "cn-north-1"},
	{"aws-us-gov", "amazonaws.com", "iam.us-gov.amazonaws.com", "us-gov-west-1"},
};

static const struct partition *partition_of(const char *region)
{
	if (!region || !*region || strlen(region) > 64 ||
	    strspn(region, "abcdefghijklmnopqrstuvwxyz0123456789-") != strlen(region))
		return NULL;
	if (strncmp(region, "us-iso", 6) == 0 || strncmp(region, "eu-isoe-", 8) == 0)
		return NULL;
	if (strncmp(region, "cn-", 3) == 0)
		return &partitions[1];
	if (strncmp(region, "us-gov-", 7) == 0)
		return &partitions[2];
	return &partitions[0];
}

const char *aws_partition(const char *region)
{
	const struct partition *p = partition_of(region);
	return p ? p->name : NULL;
}

static bool fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool fail(char **err, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	*err = buf_detach(&b, NULL);
	return false;
}

static const char *system_getenv(const char *name)
{
	return getenv(name);
}

/* The override for a service (its variable's suffix: "S3", "IAM", "STS",
 * "S3_CONTROL"), checked to be http(s)://host[:port] and copied without a
 * trailing '/'; *url NULL when there is none. */
static bool override_of(const char *suffix, aws_getenv_fn *env, char **url, char **err)
{
	*url = NULL;
	const char *ign = env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS");
	if (ign && strcasecmp(ign, "true") == 0)
		return true;
	char var[64];
	snprintf(var, sizeof(var), "AWS_ENDPOINT_URL_%s", suffix);
	const char *v = env(var);
	if (!v || !*v) {
		snprintf(var, sizeof(var), "AWS_ENDPOINT_URL");
		v = env(var);
	}
	if (!v || !*v)
		return true;
	size_t n = strlen(v);
	while (n && v[n - 1] == '/')
		n--;
	const char *host = strncasecmp(v, "https://", 8) == 0 ? v + 8
			   : strncasecmp(v, "http://", 7) == 0 ? v + 7 : NULL;
	if (!host || host >= v + n || memchr(host, '/', (size_t)(v + n - host)) ||
	    strcspn(host, "?# \t\r\n") < (size_t)(v + n - host))
		return fail(err, "%s: expected http://HOST[:PORT] or https://HOST[:PORT]", var);
	*url = xmalloc(n + 1);
	memcpy(*url, v, n);
	(*url)[n] = '\0';
	return true;
}

static bool endpoint_set(struct aws_endpoint *ep, char *url, const char *region,
			 const char *service, const char *prefix, bool overridden)
{
	*ep = (struct aws_endpoint){url, xstrdup(prefix), xstrdup(region), xstrdup(service),
				    overridden};
	return true;
}

bool aws_endpoint_service(struct aws_endpoint *ep, const char *service, const char *region,
			  aws_getenv_fn *env, char **err)
{
	*ep = (struct aws_endpoint){0};
	const struct partition *p = partition_of(region);
	if (!p)
		return fail(err, "'%s' is not a region crrc knows the partition of",
			    region ? region : "");
	env = env ? env : system_getenv;
	bool iam = strcmp(service, "iam") == 0;
	if (!iam && strcmp(service, "s3") != 0 && strcmp(service, "sts") != 0)
		return fail(err, "no endpoint for the service '%s'", service);
	char sfx[4] = {0}, *url;
	for (size_t i = 0; i < 3 && service[i]; i++)
		sfx[i] = (char)(service[i] >= 'a' && service[i] <= 'z' ? service[i] - 32 : service[i]);
	if (!override_of(sfx, env, &url, err))
		return false;
	const char *signing = iam ? p->iam_region : region;
	if (url)
		return endpoint_set(ep, url, signing, service, "", true);
	struct buf b = BUF_INIT;
	if (iam)
		buf_printf(&b, "https://%s", p->iam_host);
	else
		buf_printf(&b, "https://%s.%s.%s", service, region, p->dns);
	return endpoint_set(ep, buf_detach(&b, NULL), signing, service, "", false);
}

/* Whether a bucket can be a host name's first label: 3 to 63 lower-case
 * letters, digits and hyphens, a letter or digit at each end. */
static bool bucket_dns_label(const char *b)
{
	size_t n = strlen(b);
	if (n < 3 || n > 63 || strspn(b, "abcdefghijklmnopqrstuvwxyz0123456789-") != n)
		return false;
	return b[0] != '-' && b[n - 1] != '-';
}

bool aws_endpoint_s3_bucket(struct aws_endpoint *ep, const char *bucket, const char *region,
			    aws_getenv_fn *env, char **err)
{
	if (!bucket || !*bucket || strchr(bucket, '/')) {
		*ep = (struct aws_endpoint){0};
		return fail(err, "'%s' is not a bucket name", bucket ? bucket : "");
	}
	if (!aws_endpoint_service(ep, "s3", region, env, err))
		return false;
	if (!ep->overridden && bucket_dns_label(bucket)) {
		const char *host = ep->url + strlen("https://");
		struct buf b = BUF_INIT;
		buf_printf(&b, "https://%s.%s", bucket, host);
		free(ep->url);
		ep->url = buf_detach(&b, NULL);
		return true;
	}
	struct buf b = BUF_INIT;
	buf_putc(&b, '/');
	aws_uri_encode(&b, bucket, strlen(bucket), false);
	free(ep->path_prefix);
	ep->path_prefix = buf_detach(&b, NULL);
	return true;
}

bool aws_endpoint_s3_control(struct aws_endpoint *ep, const char *account, const char *region,
			     aws_getenv_fn *env, char **err)
{
	*ep = (struct aws_endpoint){0};
	if (!account || strlen(account) != 12 || strspn(account, "0123456789") != 12)
		return fail(err, "'%s' is not an account id (12 digits)", account ? account : "");
	const struct partition *p = partition_of(region);
	if (!p)
		return fail(err, "'%s' is not a region crrc knows the partition of",
			    region ? region : "");
	char *url;
	if (!override_of("S3_CONTROL", env ? env : system_getenv, &url, err))
		return false;
	if (url)
		return endpoint_set(ep, url, region, "s3", "", true);
	struct buf b = BUF_INIT;
	buf_printf(&b, "https://%s.s3-control.%s.%s", account, region, p->dns);
	return endpoint_set(ep, buf_detach(&b, NULL), region, "s3", "", false);
}

void aws_endpoint_clear(struct aws_endpoint *ep)
{
	free(ep->url);
	free(ep->path_prefix);
	free(ep->signing_region);
	free(ep->signing_service);
	*ep = (struct aws_endpoint){0};
}
