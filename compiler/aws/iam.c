/* iam.c: IAM's role calls (iam.h): form posts built with api.c's form
 * encoder, answers read with libxml2 by local name, policy documents
 * percent-decoded then parsed with jansson. */
#include "aws/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"

#define IAM_VERSION "2010-05-08"

void iam_role_free(struct iam_role *r)
{
	if (!r)
		return;
	free(r->arn);
	free(r->name);
	free(r->path);
	free(r->role_id);
	json_decref(r->assume_role_policy);
	aws_tags_free(&r->tags);
	memset(r, 0, sizeof(*r));
}

/* A form request for action on role (RoleName=role); NULL when role is. */
static struct aws_request *role_form(const char *endpoint, const char *region,
				     const char *action, const char *role)
{
	struct aws_request *req =
		role ? api_form_request(endpoint, region, "iam", action, IAM_VERSION) : NULL;
	if (req)
		api_form_add(req, "RoleName", role);
	return req;
}

/* name=the document as compact JSON; false when it cannot be written. */
static bool form_policy(struct aws_request *req, const char *name, const json_t *doc)
{
	char *text = doc ? json_dumps(doc, JSON_COMPACT) : NULL;
	if (text)
		api_form_add(req, name, text);
	free(text);
	return text != NULL;
}

/* Tags.member.N.Key and .Value, N from 1. */
static void form_tags(struct aws_request *req, const struct aws_tags *tags)
{
	for (size_t i = 0; tags && i < tags->n; i++) {
		char name[48];
		snprintf(name, sizeof(name), "Tags.member.%zu.Key", i + 1);
		api_form_add(req, name, tags->v[i].key);
		snprintf(name, sizeof(name), "Tags.member.%zu.Value", i + 1);
		api_form_add(req, name, tags->v[i].value);
	}
}

/* The request, finished; or NULL (destroyed) when ok is false. */
static struct aws_request *finish(struct aws_request *req, bool ok)
{
	if (req && ok) {
		api_form_end(req);
		return req;
	}
	aws_request_destroy(req);
	return NULL;
}

/* The member elements of n's Tags. */
static void parse_tags(const xmlNode *n, struct aws_tags *out)
{
	api_xml_tags(api_xml_child(n, "Tags"), "member", out);
}

/* The URL-encoded JSON document in n's child name: *out NULL when absent. */
static bool parse_document(const xmlNode *n, const char *name, json_t **out, char *err,
			   size_t errlen)
{
	*out = NULL;
	char *text = api_xml_child_text(n, name);
	if (!text)
		return true;
	char *json = aws_url_decode(text, strlen(text));
	json_error_t je;
	*out = json ? json_loads(json, 0, &je) : NULL;
	if (!json_is_object(*out)) {
		api_fail(err, errlen, "%s is not a URL-encoded JSON object%s%s", name,
			 json && !*out ? ": " : "", json && !*out ? je.text : "");
		json_decref(*out);
		*out = NULL;
	}
	free(json);
	free(text);
	return *out != NULL;
}

static bool parse_role(const xmlNode *role, struct iam_role *out, char *err, size_t errlen)
{
	out->arn = api_xml_child_text(role, "Arn");
	out->name = api_xml_child_text(role, "RoleName");
	out->path = api_xml_child_text(role, "Path");
	out->role_id = api_xml_child_text(role, "RoleId");
	parse_tags(role, &out->tags);
	if (!out->arn || !out->name) {
		api_fail(err, errlen, "the Role has no Arn or RoleName");
		return false;
	}
	return parse_document(role, "AssumeRolePolicyDocument", &out->assume_role_policy, err,
			      errlen);
}

/* <action>Response/<action>Result/Role into out. */
static enum aws_read role_parse(const struct aws_response *r, const char *action,
				struct iam_role *out, char *err, size_t errlen)
{
	memset(out, 0, sizeof(*out));
	if (!api_ok(r))
		return api_read_error(r, "NoSuchEntity", err, errlen);
	xmlDoc *doc;
	xmlNode *res = api_query_result(r, action, &doc, err, errlen);
	xmlNode *role = api_xml_child(res, "Role");
	bool ok = role && parse_role(role, out, err, errlen);
	if (res && !role)
		api_fail(err, errlen, "no Role in %sResult", action);
	xmlFreeDoc(doc);
	if (!ok)
		iam_role_free(out);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *iam_get_role(const char *endpoint, const char *region, const char *name)
{
	return finish(role_form(endpoint, region, "GetRole", name), true);
}

enum aws_read iam_get_role_parse(const struct aws_response *r, struct iam_role *out, char *err,
				 size_t errlen)
{
	return role_parse(r, "GetRole", out, err, errlen);
}

struct aws_request *iam_create_role(const char *endpoint, const char *region, const char *name,
				    const char *path, const json_t *trust,
				    const struct aws_tags *tags)
{
	struct aws_request *req = role_form(endpoint, region, "CreateRole", name);
	if (!req)
		return NULL;
	bool ok = form_policy(req, "AssumeRolePolicyDocument", trust);
	if (path)
		api_form_add(req, "Path", path);
	form_tags(req, tags);
	return finish(req, ok);
}

enum aws_read iam_create_role_parse(const struct aws_response *r, struct iam_role *out,
				    char *err, size_t errlen)
{
	return role_parse(r, "CreateRole", out, err, errlen);
}

struct aws_request *iam_update_assume_role_policy(const char *endpoint, const char *region,
						  const char *name, const json_t *trust)
{
	struct aws_request *req = role_form(endpoint, region, "UpdateAssumeRolePolicy", name);
	return finish(req, req && form_policy(req, "PolicyDocument", trust));
}

struct aws_request *iam_get_role_policy(const char *endpoint, const char *region,
					const char *role, const char *policy_name)
{
	struct aws_request *req = role_form(endpoint, region, "GetRolePolicy", role);
	if (req && policy_name)
		api_form_add(req, "PolicyName", policy_name);
	return finish(req, policy_name != NULL);
}

enum aws_read iam_get_role_policy_parse(const struct aws_response *r, json_t **out, char *err,
					size_t errlen)
{
	*out = NULL;
	if (!api_ok(r))
		return api_read_error(r, "NoSuchEntity", err, errlen);
	xmlDoc *doc;
	xmlNode *res = api_query_result(r, "GetRolePolicy", &doc, err, errlen);
	bool ok = res && parse_document(res, "PolicyDocument", out, err, errlen);
	if (ok && !*out) {
		api_fail(err, errlen, "no PolicyDocument in GetRolePolicyResult");
		ok = false;
	}
	xmlFreeDoc(doc);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *iam_put_role_policy(const char *endpoint, const char *region,
					const char *role, const char *policy_name,
					const json_t *policy)
{
	struct aws_request *req = role_form(endpoint, region, "PutRolePolicy", role);
	if (req && policy_name)
		api_form_add(req, "PolicyName", policy_name);
	return finish(req, req && policy_name && form_policy(req, "PolicyDocument", policy));
}

struct aws_request *iam_list_role_tags(const char *endpoint, const char *region,
				       const char *role)
{
	return finish(role_form(endpoint, region, "ListRoleTags", role), true);
}

enum aws_read iam_list_role_tags_parse(const struct aws_response *r, struct aws_tags *out,
				       char *err, size_t errlen)
{
	if (!api_ok(r))
		return api_read_error(r, "NoSuchEntity", err, errlen);
	xmlDoc *doc;
	xmlNode *res = api_query_result(r, "ListRoleTags", &doc, err, errlen);
	bool truncated = false, ok = res && api_xml_child_bool(res, "IsTruncated", &truncated,
								err, errlen);
	if (ok && truncated) {
		api_fail(err, errlen, "ListRoleTags answered a truncated list");
		ok = false;
	}
	if (ok)
		parse_tags(res, out);
	xmlFreeDoc(doc);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *iam_tag_role(const char *endpoint, const char *region, const char *role,
				 const struct aws_tags *tags)
{
	struct aws_request *req = role_form(endpoint, region, "TagRole", role);
	if (req)
		form_tags(req, tags);
	return finish(req, true);
}

struct aws_request *iam_untag_role(const char *endpoint, const char *region, const char *role,
				   const char *const *keys, size_t nkeys)
{
	struct aws_request *req = role_form(endpoint, region, "UntagRole", role);
	for (size_t i = 0; req && i < nkeys; i++) {
		char name[40];
		snprintf(name, sizeof(name), "TagKeys.member.%zu", i + 1);
		api_form_add(req, name, keys[i]);
	}
	return finish(req, true);
}
