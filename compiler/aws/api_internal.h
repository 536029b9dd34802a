/* api_internal.h: aws/'s own helpers for the API operations (api.c):
 * requests with bodies, IAM/STS forms, and libxml2 documents written in
 * S3's namespace (or S3 Control's) and read without network, DTD or entity expansion,
 * elements found by local name (namespaces ignored). */
#ifndef CRRC_AWS_API_INTERNAL_H
#define CRRC_AWS_API_INTERNAL_H

#include <libxml/tree.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"
#include "base/buf.h"

#define API_S3_XMLNS "http://s3.amazonaws.com/doc/2006-03-01/"
#define API_S3CONTROL_XMLNS "http://awss3control.amazonaws.com/doc/2018-08-20/"

/* v, an array of *cap elements of size bytes, n of them used, with room
 * for one more: the same or reallocated, *cap doubled. */
void *api_grow(void *v, size_t n, size_t *cap, size_t size);

/* A request to endpoint + path_prefix ("/" when it is empty or NULL). */
struct aws_request *api_request(const char *method, const char *endpoint,
				const char *path_prefix, const char *region,
				const char *service);
/* Whether a is an account id: twelve digits. */
bool api_account_ok(const char *a);
/* An S3 Control request: method endpoint+path as account (x-amz-account-id),
 * signed as "s3"; NULL when account is not twelve digits. */
struct aws_request *api_control_request(const char *method, const char *endpoint,
					const char *region, const char *account,
					const char *path);
/* Set the body with its Content-Type, and its Content-MD5 when md5. */
void api_set_body(struct aws_request *req, const char *content_type, const void *data,
		  size_t len, bool md5);
/* name=value appended to the form in b, '&' first unless b is empty, both
 * percent-encoded (RFC 3986): a form body, or S3's x-amz-tagging. */
void api_form_put(struct buf *b, const char *name, const char *value);
/* A query API request (IAM, STS): POST / with a form body that starts
 * Action=action&Version=version; api_form_add appends to req->body. */
struct aws_request *api_form_request(const char *endpoint, const char *region,
				     const char *service, const char *action,
				     const char *version);
void api_form_add(struct aws_request *req, const char *name, const char *value);
/* Finish a form: its Content-Type. */
void api_form_end(struct aws_request *req);

/* A new document whose root is name in S3's namespace, or in ns_uri's. */
xmlDoc *api_xml_new(const char *name, xmlNode **root);
xmlDoc *api_xml_new_ns(const char *name, const char *ns_uri, xmlNode **root);
/* A child element of parent (same namespace) with text, or empty when
 * text is NULL. */
xmlNode *api_xml_add(xmlNode *parent, const char *name, const char *text);
/* The root element as UTF-8, no declaration, no whitespace added,
 * appended to out; then frees doc. */
void api_xml_finish(xmlDoc *doc, struct buf *out);
/* The same into req's body with Content-Type application/xml and
 * Content-MD5. */
void api_xml_body(struct aws_request *req, xmlDoc *doc);

/* The document in data, whose root element's local name must be root;
 * NULL with err set when it is not well-formed, has a DTD or another root. */
xmlDoc *api_xml_read(const char *data, size_t len, const char *root, char *err,
		     size_t errlen);
/* The first child element of n named name, and the next sibling so named. */
xmlNode *api_xml_child(const xmlNode *n, const char *name);
xmlNode *api_xml_next(const xmlNode *n, const char *name);
/* The text of n (NULL when n is NULL), malloc'd. */
char *api_xml_text(const xmlNode *n);
/* The text of n's first child named name; NULL when there is none. */
char *api_xml_child_text(const xmlNode *n, const char *name);
/* Each child of n named name, a Key and Value pair (S3's Tag, IAM's
 * member), appended to out. */
void api_xml_tags(const xmlNode *n, const char *name, struct aws_tags *out);
/* The child's text as a boolean "true"/"false" (absent: false); false
 * with err set for any other text. */
bool api_xml_child_bool(const xmlNode *n, const char *name, bool *out, char *err,
			size_t errlen);

/* The <action>Result element of a query API's 2xx answer
 * (<action>Response/<action>Result), in *doc (xmlFreeDoc it, NULL is fine);
 * NULL with err set when the answer has none. */
xmlNode *api_query_result(const struct aws_response *r, const char *action, xmlDoc **doc,
			  char *err, size_t errlen);
/* s as a decimal integer in [min, max]; false when it is not one. */
bool api_parse_ll(const char *s, long long min, long long max, long long *out);

/* Format err. */
void api_fail(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether r is a 2xx answer. */
bool api_ok(const struct aws_response *r);
/* The error code of r's body (S3's Error/Code, IAM and STS's
 * ErrorResponse/Error/Code) into code; "" when there is none. */
void api_error_code(const struct aws_response *r, char *code, size_t len);
/* What a non-2xx answer to a read means: ABSENT when its error code is
 * one of absent_codes (space-separated: "NoSuchKey NoSuchVersion"; NULL:
 * none counts), else FAILED with err saying the status, code and message. */
enum aws_read api_read_error(const struct aws_response *r, const char *absent_codes,
			     char *err, size_t errlen);
/* The document of a 2xx answer whose root is root, in *doc (xmlFreeDoc
 * it); else *doc NULL, and a non-2xx answer as api_read_error. */
enum aws_read api_read_doc(const struct aws_response *r, const char *root,
			   const char *absent_codes, xmlDoc **doc, char *err, size_t errlen);
/* An S3 GetBucketTagging or GetObjectTagging answer: its
 * Tagging/TagSet/Tag pairs appended to out; a non-2xx answer as
 * api_read_error. */
enum aws_read api_tagging_parse(const struct aws_response *r, const char *absent_codes,
			       struct aws_tags *out, char *err, size_t errlen);

#endif
