/* xml.c: reading AWS's XML with libxml2, safely: no network, no DTD, no
 * entity expansion, text taken only from text and CDATA nodes (xml.h). */
#include "base/buf.h"
#include "base/oom.h"
#include "aws/request.h"
#include "aws/xml.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <libxml/parser.h>
#include <libxml/tree.h>

/* The opaque types are libxml2's own, cast. */
static const xmlNode *node_of(const struct xml_node *n)
{
	return (const xmlNode *)(const void *)n;
}

static const struct xml_node *wrap(const xmlNode *n)
{
	return (const struct xml_node *)(const void *)n;
}

struct xml_doc *xml_parse(const char *data, size_t len)
{
	if (!data || len > INT_MAX)
		return NULL;
	/* Not XML_PARSE_NOENT (it would substitute entities) nor
	 * XML_PARSE_DTDLOAD; NONET forbids any fetch. */
	int opts = XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING;
	xmlDoc *doc = xmlReadMemory(data, (int)len, NULL, NULL, opts);
	if (doc && !xmlDocGetRootElement(doc)) {
		xmlFreeDoc(doc);
		doc = NULL;
	}
	return (struct xml_doc *)(void *)doc;
}

void xml_doc_destroy(struct xml_doc *doc)
{
	if (doc)
		xmlFreeDoc((xmlDoc *)(void *)doc);
}

const struct xml_node *xml_root(const struct xml_doc *doc)
{
	return wrap(xmlDocGetRootElement((const xmlDoc *)(const void *)doc));
}

const char *xml_name(const struct xml_node *n)
{
	return (const char *)node_of(n)->name;
}

static const xmlNode *element_from(const xmlNode *c, const char *name)
{
	for (; c; c = c->next)
		if (c->type == XML_ELEMENT_NODE &&
		    (!name || strcmp((const char *)c->name, name) == 0))
			return c;
	return NULL;
}

const struct xml_node *xml_child(const struct xml_node *n, const char *name)
{
	return n ? wrap(element_from(node_of(n)->children, name)) : NULL;
}

const struct xml_node *xml_next(const struct xml_node *n, const char *name)
{
	return n ? wrap(element_from(node_of(n)->next, name)) : NULL;
}

const struct xml_node *xml_find(const struct xml_doc *doc, const char *path)
{
	const struct xml_node *n = NULL;
	const char *p = path;
	char part[128];
	while (*p) {
		size_t len = strcspn(p, "/");
		if (len == 0 || len >= sizeof(part))
			return NULL;
		memcpy(part, p, len);
		part[len] = '\0';
		if (!n) {
			n = xml_root(doc);
			if (!n || strcmp(xml_name(n), part) != 0)
				return NULL;
		} else if (!(n = xml_child(n, part))) {
			return NULL;
		}
		p += len;
		if (*p == '/')
			p++;
	}
	return n;
}

char *xml_text(const struct xml_node *n)
{
	struct buf b = BUF_INIT;
	for (const xmlNode *c = node_of(n)->children; c; c = c->next)
		if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
		    c->content)
			buf_puts(&b, (const char *)c->content);
	return buf_detach(&b, NULL);
}

char *xml_find_text(const struct xml_doc *doc, const char *path)
{
	const struct xml_node *n = xml_find(doc, path);
	return n ? xml_text(n) : NULL;
}

/* Copy s into dst of size cap, cut at a UTF-8 character boundary. */
static void copy_cut(char *dst, size_t cap, const char *s)
{
	size_t len = strlen(s);
	if (len >= cap) {
		len = cap - 1;
		while (len > 0 && ((unsigned char)s[len] & 0xC0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

static void take(char *dst, size_t cap, const struct xml_doc *doc, const char *path)
{
	char *s = xml_find_text(doc, path);
	if (s && !dst[0])
		copy_cut(dst, cap, s);
	free(s);
}

bool aws_error_parse(const struct aws_response *r, struct aws_error *out)
{
	memset(out, 0, sizeof(*out));
	if (r->transport_error) {
		copy_cut(out->message, sizeof(out->message), r->error);
		return false;
	}
	struct xml_doc *doc = r->body.len ? xml_parse(r->body.data, r->body.len) : NULL;
	if (doc) {
		take(out->code, sizeof(out->code), doc, "Error/Code");
		take(out->message, sizeof(out->message), doc, "Error/Message");
		take(out->request_id, sizeof(out->request_id), doc, "Error/RequestId");
		take(out->code, sizeof(out->code), doc, "ErrorResponse/Error/Code");
		take(out->message, sizeof(out->message), doc, "ErrorResponse/Error/Message");
		take(out->request_id, sizeof(out->request_id), doc, "ErrorResponse/RequestId");
		take(out->request_id, sizeof(out->request_id), doc, "ErrorResponse/RequestID");
		xml_doc_destroy(doc);
	}
	const char *hdr = aws_response_header(r, "x-amz-request-id");
	if (!hdr)
		hdr = aws_response_header(r, "x-amzn-requestid");
	if (hdr && !out->request_id[0])
		copy_cut(out->request_id, sizeof(out->request_id), hdr);
	return out->code[0] != '\0';
}
