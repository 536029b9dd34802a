/* xml.h: reading the XML AWS answers with (libxml2, no network, no entity
 * expansion): a document, its elements found by a path of local names
 * (namespaces ignored), their text; and the error an S3, IAM or STS
 * response carries. */
#ifndef CRRC_AWS_XML_H
#define CRRC_AWS_XML_H

#include <stdbool.h>
#include <stddef.h>

struct aws_response;
struct xml_doc;
struct xml_node;

/* The document in len bytes, or NULL when they are not well-formed XML.
 * Never reads the network or a DTD and never expands entities. */
struct xml_doc *xml_parse(const char *data, size_t len);
void xml_doc_destroy(struct xml_doc *doc);

/* The root element. */
const struct xml_node *xml_root(const struct xml_doc *doc);
/* Local name of an element ("Code" for <s3:Code>). */
const char *xml_name(const struct xml_node *n);
/* The first child element named name (any element when name is NULL). */
const struct xml_node *xml_child(const struct xml_node *n, const char *name);
/* The next sibling element named name (any when NULL), for iterating:
 * for (c = xml_child(n, "Rule"); c; c = xml_next(c, "Rule")). */
const struct xml_node *xml_next(const struct xml_node *n, const char *name);
/* The element at a '/'-separated path of local names from the root, the
 * first name being the root's: "Error/Code". NULL when absent. */
const struct xml_node *xml_find(const struct xml_doc *doc, const char *path);
/* The element's text (its text and CDATA children, concatenated; entity
 * references are not followed), NUL-terminated; free() it. "" for an
 * empty element. */
char *xml_text(const struct xml_node *n);
/* xml_text of xml_find, or NULL when the element is absent. */
char *xml_find_text(const struct xml_doc *doc, const char *path);

/* The error an AWS response carries. Strings are cut to fit, at a
 * character boundary. */
struct aws_error {
	char code[128];       /* "NoSuchBucket", "Throttling"; "" when none */
	char message[512];
	char request_id[128]; /* from the body, else x-amz-request-id or x-amzn-RequestId */
};

/* Fill out from r: S3's <Error><Code>..</Code><Message>..</Message>
 * <RequestId>..</RequestId></Error> or IAM/STS's <ErrorResponse><Error>
 * <Code>.. (the request id beside Error). For a transport error, message
 * is the transport's. True when an error code was found. */
bool aws_error_parse(const struct aws_response *r, struct aws_error *out);

#endif
