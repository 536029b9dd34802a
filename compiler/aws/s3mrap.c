/* s3mrap.c: the Multi-Region Access Point operations of s3mrap.h: REST-XML
 * requests to /v20180820/async-requests/mrap/... and /v20180820/mrap/
 * instances/... with x-amz-account-id and Content-MD5, bodies written with
 * libxml2 in S3 Control's namespace in the order of botocore's s3control
 * model, answers read by local name. */
#include "aws/s3mrap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "aws/api_internal.h"
#include "aws/sigv4.h"
#include "base/oom.h"

#define ASYNC_PATH "/v20180820/async-requests/mrap/"
#define INSTANCES_PATH "/v20180820/mrap/instances/"
#define ABSENT "NoSuchMultiRegionAccessPoint"

bool s3mrap_name_ok(const char *name)
{
	size_t n = name ? strlen(name) : 0;
	return n >= 3 && n <= 50 && strspn(name, "abcdefghijklmnopqrstuvwxyz0123456789-") == n &&
	       name[0] != '-' && name[n - 1] != '-';
}

/* 1 to max bytes, none of them a space or a control character. */
static bool token_ok(const char *t, size_t max)
{
	size_t n = t ? strlen(t) : 0;
	for (size_t i = 0; i < n; i++)
		if ((unsigned char)t[i] <= ' ' || t[i] == 0x7f)
			return false;
	return n >= 1 && n <= max;
}

/* The ARN of a point (MultiRegionAccessPointId: 3 to 200 characters,
 * a-z A-Z 0-9 : . - and the ARN's one '/'). */
static bool mrap_id_ok(const char *id)
{
	size_t n = id ? strlen(id) : 0;
	const char *slash = id ? strchr(id, '/') : NULL;
	return n >= 3 && n <= 200 && strncmp(id, "arn:", 4) == 0 && slash &&
	       !strchr(slash + 1, '/') && slash[1] &&
	       strspn(id, "abcdefghijklmnopqrstuvwxyz" "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
			  "0123456789:.-/") == n;
}

char *s3mrap_arn(const char *partition, const char *account, const char *alias)
{
	if (!partition || !*partition || !api_account_ok(account) || !alias || !*alias)
		return NULL;
	size_t n = strlen(partition) + strlen(alias) + 40;
	char *out = xmalloc(n);
	snprintf(out, n, "arn:%s:s3::%s:accesspoint/%s", partition, account, alias);
	return out;
}

/* method to path_head + label (encoded as a greedy label: '/' kept) +
 * path_tail, with the Content-MD5 of the empty body (a body replaces it). */
static struct aws_request *mrap_req(const char *method, const char *endpoint,
				    const char *region, const char *account,
				    const char *path_head, const char *label,
				    const char *path_tail)
{
	struct buf path = BUF_INIT;
	buf_puts(&path, path_head);
	if (label)
		aws_uri_encode(&path, label, strlen(label), true);
	buf_puts(&path, path_tail ? path_tail : "");
	struct aws_request *req = api_control_request(method, endpoint, region, account,
						      path.data);
	buf_free(&path);
	char md5[25];
	sigv4_content_md5(NULL, 0, md5);
	if (req)
		aws_request_set_header(req, "Content-MD5", md5);
	return req;
}

/* A POST to ASYNC_PATH + what, its body root with ClientToken and an
 * empty Details for the caller to fill; NULL on a bad account or token. */
static struct aws_request *async_req(const char *endpoint, const char *region,
				     const char *account, const char *token, const char *what,
				     const char *root_name, xmlDoc **doc, xmlNode **details)
{
	if (!token_ok(token, 64))
		return NULL;
	struct aws_request *req = mrap_req("POST", endpoint, region, account, ASYNC_PATH, NULL,
					   what);
	if (!req)
		return NULL;
	xmlNode *root;
	*doc = api_xml_new_ns(root_name, API_S3CONTROL_XMLNS, &root);
	api_xml_add(root, "ClientToken", token);
	*details = api_xml_add(root, "Details", NULL);
	return req;
}

static bool regions_ok(const struct s3mrap_region *regions, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t len = regions[i].bucket ? strlen(regions[i].bucket) : 0;
		const char *acct = regions[i].account;
		if (len < 3 || len > 255 || (acct && !api_account_ok(acct)))
			return false;
	}
	return n > 0;
}

struct aws_request *s3mrap_create(const char *endpoint, const char *region,
				  const char *account, const char *token, const char *name,
				  const struct s3mrap_region *regions, size_t n)
{
	if (!s3mrap_name_ok(name) || !regions || !regions_ok(regions, n))
		return NULL;
	xmlDoc *doc;
	xmlNode *details;
	struct aws_request *req = async_req(endpoint, region, account, token, "create",
					    "CreateMultiRegionAccessPointRequest", &doc, &details);
	if (!req)
		return NULL;
	/* CreateMultiRegionAccessPointInput: Name, PublicAccessBlock, Regions. */
	api_xml_add(details, "Name", name);
	xmlNode *pab = api_xml_add(details, "PublicAccessBlock", NULL);
	static const char *const settings[] = {"BlockPublicAcls", "IgnorePublicAcls",
					       "BlockPublicPolicy", "RestrictPublicBuckets"};
	for (size_t i = 0; i < 4; i++)
		api_xml_add(pab, settings[i], "true");
	xmlNode *list = api_xml_add(details, "Regions", NULL);
	for (size_t i = 0; i < n; i++) {
		xmlNode *r = api_xml_add(list, "Region", NULL);
		api_xml_add(r, "Bucket", regions[i].bucket);
		if (regions[i].account)
			api_xml_add(r, "BucketAccountId", regions[i].account);
	}
	api_xml_body(req, doc);
	return req;
}

struct aws_request *s3mrap_put_policy(const char *endpoint, const char *region,
				      const char *account, const char *token,
				      const char *name, const json_t *policy)
{
	if (!s3mrap_name_ok(name) || !json_is_object(policy))
		return NULL;
	xmlDoc *doc;
	xmlNode *details;
	struct aws_request *req = async_req(endpoint, region, account, token, "put-policy",
					    "PutMultiRegionAccessPointPolicyRequest", &doc,
					    &details);
	if (!req)
		return NULL;
	/* PutMultiRegionAccessPointPolicyInput: Name, Policy. */
	char *text = json_dumps(policy, JSON_COMPACT);
	api_xml_add(details, "Name", name);
	api_xml_add(details, "Policy", text);
	free(text);
	api_xml_body(req, doc);
	return req;
}

/* The RequestTokenARN of an answer whose root is root. */
static bool token_parse(const struct aws_response *r, const char *root, char **token_arn,
			char *err, size_t errlen)
{
	*token_arn = NULL;
	xmlDoc *doc;
	if (api_read_doc(r, root, NULL, &doc, err, errlen) != AWS_READ_OK)
		return false;
	*token_arn = api_xml_child_text(xmlDocGetRootElement(doc), "RequestTokenARN");
	xmlFreeDoc(doc);
	if (!*token_arn || !**token_arn) {
		api_fail(err, errlen, "no RequestTokenARN in the <%s> answer", root);
		free(*token_arn);
		*token_arn = NULL;
	}
	return *token_arn != NULL;
}

bool s3mrap_create_parse(const struct aws_response *r, char **token_arn, char *err,
			 size_t errlen)
{
	return token_parse(r, "CreateMultiRegionAccessPointResult", token_arn, err, errlen);
}

bool s3mrap_put_policy_parse(const struct aws_response *r, char **token_arn, char *err,
			     size_t errlen)
{
	return token_parse(r, "PutMultiRegionAccessPointPolicyResult", token_arn, err, errlen);
}

void s3mrap_operation_free(struct s3mrap_operation *op)
{
	if (!op)
		return;
	free(op->operation);
	free(op->status);
	free(op->error_code);
	free(op->error_message);
	memset(op, 0, sizeof(*op));
}

struct aws_request *s3mrap_describe_operation(const char *endpoint, const char *region,
					      const char *account, const char *token_arn)
{
	if (!token_ok(token_arn, 1024) || strncmp(token_arn, "arn:", 4) != 0 || !token_arn[4])
		return NULL;
	return mrap_req("GET", endpoint, region, account, ASYNC_PATH, token_arn, NULL);
}

enum aws_read s3mrap_describe_operation_parse(const struct aws_response *r,
					      struct s3mrap_operation *out, char *err,
					      size_t errlen)
{
	memset(out, 0, sizeof(*out));
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "DescribeMultiRegionAccessPointOperationResult",
					 NULL, &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *op = api_xml_child(xmlDocGetRootElement(doc), "AsyncOperation");
	out->operation = api_xml_child_text(op, "Operation");
	out->status = api_xml_child_text(op, "RequestStatus");
	xmlNode *e = api_xml_child(api_xml_child(op, "ResponseDetails"), "ErrorDetails");
	out->error_code = api_xml_child_text(e, "Code");
	out->error_message = api_xml_child_text(e, "Message");
	xmlFreeDoc(doc);
	if (!out->status || !*out->status) {
		api_fail(err, errlen, "no AsyncOperation/RequestStatus in the "
				      "DescribeMultiRegionAccessPointOperation answer");
		s3mrap_operation_free(out);
		return AWS_READ_FAILED;
	}
	out->state = strcmp(out->status, "SUCCEEDED") == 0 ? S3MRAP_SUCCEEDED :
		     strcmp(out->status, "FAILED") == 0    ? S3MRAP_FAILED :
							     S3MRAP_RUNNING;
	return AWS_READ_OK;
}

void s3mrap_free(struct s3mrap *m)
{
	if (!m)
		return;
	free(m->name);
	free(m->alias);
	free(m->status);
	free(m->created);
	for (size_t i = 0; i < m->nregions; i++) {
		free(m->regions[i].bucket);
		free(m->regions[i].region);
		free(m->regions[i].account);
	}
	free(m->regions);
	memset(m, 0, sizeof(*m));
}

struct aws_request *s3mrap_get(const char *endpoint, const char *region, const char *account,
			       const char *name)
{
	if (!s3mrap_name_ok(name))
		return NULL;
	return mrap_req("GET", endpoint, region, account, INSTANCES_PATH, name, NULL);
}

/* AccessPoint's Regions/Region members into m; false on one without Bucket. */
static bool parse_regions(const xmlNode *list, struct s3mrap *m, char *err, size_t errlen)
{
	size_t cap = 0;
	for (xmlNode *c = api_xml_child(list, NULL); c; c = api_xml_next(c, NULL)) {
		m->regions = api_grow(m->regions, m->nregions, &cap, sizeof(*m->regions));
		struct s3mrap_region *r = &m->regions[m->nregions++];
		r->bucket = api_xml_child_text(c, "Bucket");
		r->region = api_xml_child_text(c, "Region");
		r->account = api_xml_child_text(c, "BucketAccountId");
		if (!r->bucket || !*r->bucket) {
			api_fail(err, errlen,
				 "a Multi-Region Access Point region without a Bucket");
			return false;
		}
	}
	return true;
}

enum aws_read s3mrap_get_parse(const struct aws_response *r, struct s3mrap *out, char *err,
			       size_t errlen)
{
	memset(out, 0, sizeof(*out));
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "GetMultiRegionAccessPointResult", ABSENT, &doc,
					 err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *ap = api_xml_child(xmlDocGetRootElement(doc), "AccessPoint");
	out->name = api_xml_child_text(ap, "Name");
	out->alias = api_xml_child_text(ap, "Alias");
	out->status = api_xml_child_text(ap, "Status");
	out->created = api_xml_child_text(ap, "CreatedAt");
	bool ok = out->name && *out->name && out->alias && *out->alias;
	if (!ok)
		api_fail(err, errlen, "no AccessPoint Name and Alias in the "
				      "GetMultiRegionAccessPoint answer");
	ok = ok && parse_regions(api_xml_child(ap, "Regions"), out, err, errlen);
	xmlFreeDoc(doc);
	if (!ok)
		s3mrap_free(out);
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

struct aws_request *s3mrap_get_policy(const char *endpoint, const char *region,
				      const char *account, const char *name)
{
	if (!s3mrap_name_ok(name))
		return NULL;
	return mrap_req("GET", endpoint, region, account, INSTANCES_PATH, name, "/policy");
}

enum aws_read s3mrap_get_policy_parse(const struct aws_response *r, json_t **out, char *err,
				      size_t errlen)
{
	*out = NULL;
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "GetMultiRegionAccessPointPolicyResult", ABSENT,
					 &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	xmlNode *est = api_xml_child(api_xml_child(xmlDocGetRootElement(doc), "Policy"),
				     "Established");
	char *text = api_xml_child_text(est, "Policy");
	xmlFreeDoc(doc);
	if (!text || !*text) {
		free(text);
		return AWS_READ_ABSENT;
	}
	json_error_t je;
	json_t *p = json_loads(text, 0, &je);
	free(text);
	if (!json_is_object(p)) {
		api_fail(err, errlen,
			 "the Multi-Region Access Point policy is not a JSON object: %s",
			 p ? "another value" : je.text);
		json_decref(p);
		return AWS_READ_FAILED;
	}
	*out = p;
	return AWS_READ_OK;
}

void s3mrap_routes_free(struct s3mrap_routes *r)
{
	if (!r)
		return;
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].bucket);
		free(r->v[i].region);
	}
	free(r->v);
	memset(r, 0, sizeof(*r));
}

struct aws_request *s3mrap_get_routes(const char *endpoint, const char *region,
				      const char *account, const char *mrap_arn)
{
	if (!mrap_id_ok(mrap_arn))
		return NULL;
	return mrap_req("GET", endpoint, region, account, INSTANCES_PATH, mrap_arn, "/routes");
}

/* A Route member into rt. */
static bool parse_route(const xmlNode *n, struct s3mrap_route *rt, char *err, size_t errlen)
{
	rt->bucket = api_xml_child_text(n, "Bucket");
	rt->region = api_xml_child_text(n, "Region");
	char *dial = api_xml_child_text(n, "TrafficDialPercentage");
	long long v = 0;
	bool ok = dial && api_parse_ll(dial, 0, 100, &v);
	rt->dial = (int)v;
	if (!ok)
		api_fail(err, errlen, "a route's TrafficDialPercentage is '%s', not 0 to 100",
			 dial ? dial : "(none)");
	free(dial);
	if (ok && !(rt->bucket && *rt->bucket) && !(rt->region && *rt->region)) {
		api_fail(err, errlen, "a route without Bucket and Region");
		ok = false;
	}
	return ok;
}

enum aws_read s3mrap_get_routes_parse(const struct aws_response *r,
				      struct s3mrap_routes *out, char *err, size_t errlen)
{
	xmlDoc *doc;
	enum aws_read res = api_read_doc(r, "GetMultiRegionAccessPointRoutesResult", ABSENT,
					 &doc, err, errlen);
	if (res != AWS_READ_OK)
		return res;
	size_t had = out->n;
	bool ok = true;
	xmlNode *routes = api_xml_child(xmlDocGetRootElement(doc), "Routes");
	for (xmlNode *c = api_xml_child(routes, NULL); ok && c; c = api_xml_next(c, NULL)) {
		out->v = api_grow(out->v, out->n, &out->cap, sizeof(*out->v));
		memset(&out->v[out->n], 0, sizeof(*out->v));
		ok = parse_route(c, &out->v[out->n++], err, errlen);
	}
	xmlFreeDoc(doc);
	while (!ok && out->n > had) {
		out->n--;
		free(out->v[out->n].bucket);
		free(out->v[out->n].region);
	}
	return ok ? AWS_READ_OK : AWS_READ_FAILED;
}

static bool route_ok(const struct s3mrap_route *rt)
{
	size_t b = rt->bucket ? strlen(rt->bucket) : 0;
	size_t g = rt->region ? strlen(rt->region) : 0;
	return (rt->dial == 0 || rt->dial == 100) && (b || g) &&
	       (!rt->bucket || (b >= 3 && b <= 255)) && (!rt->region || (g >= 1 && g <= 64));
}

struct aws_request *s3mrap_submit_routes(const char *endpoint, const char *region,
					 const char *account, const char *mrap_arn,
					 const struct s3mrap_route *routes, size_t n)
{
	if (!mrap_id_ok(mrap_arn) || !routes || !n)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (!route_ok(&routes[i]))
			return NULL;
	struct aws_request *req = mrap_req("PATCH", endpoint, region, account, INSTANCES_PATH,
					   mrap_arn, "/routes");
	if (!req)
		return NULL;
	/* SubmitMultiRegionAccessPointRoutesRequest: RouteUpdates/Route:
	 * Bucket, Region, TrafficDialPercentage. */
	xmlNode *root;
	xmlDoc *doc = api_xml_new_ns("SubmitMultiRegionAccessPointRoutesRequest",
				     API_S3CONTROL_XMLNS, &root);
	xmlNode *list = api_xml_add(root, "RouteUpdates", NULL);
	for (size_t i = 0; i < n; i++) {
		xmlNode *rt = api_xml_add(list, "Route", NULL);
		if (routes[i].bucket)
			api_xml_add(rt, "Bucket", routes[i].bucket);
		if (routes[i].region)
			api_xml_add(rt, "Region", routes[i].region);
		api_xml_add(rt, "TrafficDialPercentage", routes[i].dial ? "100" : "0");
	}
	api_xml_body(req, doc);
	return req;
}
