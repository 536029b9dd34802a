/* sts.c: STS's GetCallerIdentity and AssumeRole (sts.h): form posts, and
 * their XML answers read with libxml2 by local name. */
#include "aws/sts.h"

#include <openssl/crypto.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"

#define STS_VERSION "2011-06-15"

void sts_identity_free(struct sts_identity *id)
{
	if (!id)
		return;
	free(id->account);
	free(id->arn);
	free(id->user_id);
	memset(id, 0, sizeof(*id));
}

struct aws_request *sts_get_caller_identity(const char *endpoint, const char *region)
{
	struct aws_request *req =
		api_form_request(endpoint, region, "sts", "GetCallerIdentity", STS_VERSION);
	if (req)
		api_form_end(req);
	return req;
}

enum aws_read sts_get_caller_identity_parse(const struct aws_response *r,
					    struct sts_identity *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, NULL, err, errlen);
	xmlDoc *doc;
	xmlNode *res = api_query_result(r, "GetCallerIdentity", &doc, err, errlen);
	if (res) {
		out->account = api_xml_child_text(res, "Account");
		out->arn = api_xml_child_text(res, "Arn");
		out->user_id = api_xml_child_text(res, "UserId");
	}
	xmlFreeDoc(doc);
	if (res && (!out->account || !out->arn)) {
		api_fail(err, errlen, "no Account or Arn in GetCallerIdentityResult");
		sts_identity_free(out);
		return AWS_READ_FAILED;
	}
	return res ? AWS_READ_OK : AWS_READ_FAILED;
}

static void wipe(char *s)
{
	if (s)
		OPENSSL_cleanse(s, strlen(s));
	free(s);
}

void sts_credentials_free(struct sts_credentials *c)
{
	if (!c)
		return;
	free(c->access_key_id);
	wipe(c->secret_access_key);
	wipe(c->session_token);
	free(c->expiration);
	free(c->assumed_role_arn);
	memset(c, 0, sizeof(*c));
}

struct aws_request *sts_assume_role(const char *endpoint, const char *region,
				    const char *role_arn, const char *session_name,
				    const char *external_id, int duration_seconds)
{
	if (!role_arn || !session_name)
		return NULL;
	struct aws_request *req =
		api_form_request(endpoint, region, "sts", "AssumeRole", STS_VERSION);
	if (!req)
		return NULL;
	api_form_add(req, "RoleArn", role_arn);
	api_form_add(req, "RoleSessionName", session_name);
	if (external_id)
		api_form_add(req, "ExternalId", external_id);
	if (duration_seconds > 0) {
		char num[16];
		snprintf(num, sizeof(num), "%d", duration_seconds);
		api_form_add(req, "DurationSeconds", num);
	}
	api_form_end(req);
	return req;
}

/* "YYYY-MM-DDTHH:MM:SS[.fff]Z" in seconds since the epoch; 0 otherwise. */
static time_t iso8601(const char *s)
{
	struct tm tm = {0};
	char rest[16] = "";
	if (!s || sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%15s", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
			 &tm.tm_hour, &tm.tm_min, &tm.tm_sec, rest) != 7 ||
	    rest[strlen(rest) - 1] != 'Z')
		return 0;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	return timegm(&tm);
}

enum aws_read sts_assume_role_parse(const struct aws_response *r, struct sts_credentials *out,
				    char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, NULL, err, errlen);
	xmlDoc *doc;
	xmlNode *res = api_query_result(r, "AssumeRole", &doc, err, errlen);
	xmlNode *c = api_xml_child(res, "Credentials");
	out->access_key_id = api_xml_child_text(c, "AccessKeyId");
	out->secret_access_key = api_xml_child_text(c, "SecretAccessKey");
	out->session_token = api_xml_child_text(c, "SessionToken");
	out->expiration = api_xml_child_text(c, "Expiration");
	out->expires = iso8601(out->expiration);
	out->assumed_role_arn = api_xml_child_text(api_xml_child(res, "AssumedRoleUser"), "Arn");
	xmlFreeDoc(doc);
	if (!out->access_key_id || !out->secret_access_key || !out->session_token ||
	    !out->expiration) {
		if (res)
			api_fail(err, errlen, "AssumeRoleResult lacks a credential field");
		sts_credentials_free(out);
		return AWS_READ_FAILED;
	}
	return AWS_READ_OK;
}
