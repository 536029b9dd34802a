/* hcl.h: HCL for the Terraform back end. Escaping, so that every string
 * from a spec stays a literal (`${` and `%{` included), and a writer that
 * lays blocks and attributes out the way `terraform fmt` does: two spaces a
 * level, `=` aligned across consecutive one-line attributes, a blank line
 * around nested blocks. jansson values are rendered as HCL expressions, for
 * jsonencode(). The writer knows layout only; what to write is the
 * emitter's business. */
#ifndef CRRC_HCL_H
#define CRRC_HCL_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "base/buf.h"

/* The contents of an HCL quoted string (no quotes) that reads back as s:
 * backslash, quote and control characters escaped, "${" written "$${" and
 * "%{" written "%%{". */
void hcl_escape(struct buf *b, const char *s, size_t len);
/* s as a quoted HCL string. */
void hcl_quote(struct buf *b, const char *s, size_t len);
/* An object key: bare when s is a plain identifier that is no keyword,
 * quoted otherwise. */
void hcl_key(struct buf *b, const char *s, size_t len);
bool hcl_is_plain_identifier(const char *s, size_t len);

/* Given a string of a jsonencode() value, an HCL expression to write in
 * its place (a resource reference, say), or NULL to write the literal. */
typedef const char *(*hcl_subst_fn)(void *ctx, const char *s, size_t len);

#define HCL_MAX_DEPTH 32

struct hcl_level {
	bool dense;      /* an expression's body: no blank lines */
	bool any;        /* something was written at this level */
	bool last_multi; /* and it spanned several lines */
};

/* A one-line attribute waiting to be aligned: its name and value lie back
 * to back in the writer's text. */
struct hcl_pending {
	size_t at, nlen, vlen;
	size_t width; /* of the name, as terraform fmt counts it */
};

struct hcl {
	struct buf *out;
	int depth;
	struct hcl_level level[HCL_MAX_DEPTH];
	struct buf text; /* names and values of the pending attributes */
	struct hcl_pending *pending;
	size_t npending, cap;
	size_t width; /* the widest pending name */
};

void hcl_init(struct hcl *h, struct buf *out);
/* Write what is pending and free the writer (not out). */
void hcl_finish(struct hcl *h);

/* A `#` comment line (control characters in text are escaped). */
void hcl_comment(struct hcl *h, const char *text);
/* Consecutive `#` comment lines, one for each line of text. */
void hcl_comment_lines(struct hcl *h, const char *text);
/* Open a block: the header (type and quoted labels) as given, then "{". */
void hcl_block(struct hcl *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void hcl_end(struct hcl *h);
/* A block with an empty body, on one line: `header {}`. */
void hcl_block_empty(struct hcl *h, const char *header);
/* A one-line attribute whose value is an HCL expression as formatted. */
void hcl_attr(struct hcl *h, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A one-line attribute whose value is the string s, quoted. */
void hcl_attr_str(struct hcl *h, const char *name, const char *s, size_t len);
/* An entry of an object or map body: key (bare or quoted) = quoted value. */
void hcl_entry_str(struct hcl *h, const char *key, size_t klen, const char *v, size_t vlen);
/* A multi-line attribute: `name = open`, a dense body, then close. */
void hcl_attr_open(struct hcl *h, const char *name, const char *open);
void hcl_attr_close(struct hcl *h, const char *close);
/* An element of a multi-line list: the expression as formatted, then ",". */
void hcl_item(struct hcl *h, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* `name = jsonencode(v)`, v laid out over several lines; strings pass
 * through subst (which may be NULL). */
void hcl_attr_jsonencode(struct hcl *h, const char *name, const json_t *v, hcl_subst_fn subst,
			 void *ctx);

#endif
