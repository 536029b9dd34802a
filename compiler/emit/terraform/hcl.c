/* hcl.c: HCL escaping and a writer that lays out blocks, attributes and
 * jsonencode() values as `terraform fmt` would (see hcl.h). */
#include "base/oom.h"
#include "emit/terraform/hcl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"

/* Append n bytes: the writer's every write, so the common case (room
 * enough) stays inline. */
static inline void put(struct buf *b, const void *s, size_t n)
{
	if (b->cap - b->len <= n)
		buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

static inline void puts_(struct buf *b, const char *s)
{
	put(b, s, strlen(s));
}

/* Bytes that stand for themselves in an HCL string: 1. Control characters,
 * DEL, '\\', '"', '$' and '%' are looked at, and 0xc2, which may start a
 * C1 control character. */
static const unsigned char plain[256] = {
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x00 */
	0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, /* 0x10 */
	1, 1, 0, 1, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x20: " $ % */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x30 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x40 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1, /* 0x50: \ */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x60 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, /* 0x70: DEL */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x80 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0x90 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xa0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xb0 */
	1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xc0: 0xc2 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xd0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xe0 */
	1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, /* 0xf0 */
};

/* The escape of the byte at p[i], which is not plain; returns the index
 * of the last byte it used. */
static size_t escape_one(struct buf *b, const unsigned char *p, size_t i, size_t len)
{
	unsigned char c = p[i];
	bool brace_next = i + 1 < len && p[i + 1] == '{';
	switch (c) {
	case '\\':
		put(b, "\\\\", 2);
		return i;
	case '"':
		put(b, "\\\"", 2);
		return i;
	case '\n':
		put(b, "\\n", 2);
		return i;
	case '\r':
		put(b, "\\r", 2);
		return i;
	case '\t':
		put(b, "\\t", 2);
		return i;
	case '$':
	case '%':
		/* "${" and "%{" open a template sequence; "$${" and "%%{" are
		 * their literal forms. */
		put(b, p + i, 1);
		if (brace_next)
			put(b, p + i, 1);
		return i;
	default:
		break;
	}
	if (c < 0x20 || c == 0x7f) {
		buf_printf(b, "\\u%04x", c);
	} else if (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
		/* A C1 control character (U+0080..U+009F). */
		buf_printf(b, "\\u%04x", p[++i]);
	} else {
		put(b, p + i, 1);
	}
	return i;
}

void hcl_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		size_t start = i;
		while (i < len && plain[p[i]])
			i++;
		put(b, p + start, i - start);
		if (i == len)
			break;
		i = escape_one(b, p, i, len);
	}
}

void hcl_quote(struct buf *b, const char *s, size_t len)
{
	put(b, "\"", 1);
	hcl_escape(b, s, len);
	put(b, "\"", 1);
}

bool hcl_is_plain_identifier(const char *s, size_t len)
{
	static const char *const keywords[] = {"true", "false", "null", "for", "in", "if"};
	if (len == 0 || !((s[0] >= 'A' && s[0] <= 'Z') || (s[0] >= 'a' && s[0] <= 'z') ||
			  s[0] == '_'))
		return false;
	for (size_t i = 1; i < len; i++) {
		char c = s[i];
		if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		      c == '_'))
			return false;
	}
	for (size_t i = 0; i < sizeof(keywords) / sizeof(keywords[0]); i++)
		if (strlen(keywords[i]) == len && memcmp(keywords[i], s, len) == 0)
			return false;
	return true;
}

void hcl_key(struct buf *b, const char *s, size_t len)
{
	if (hcl_is_plain_identifier(s, len))
		put(b, s, len);
	else
		hcl_quote(b, s, len);
}

void hcl_init(struct hcl *h, struct buf *out)
{
	memset(h, 0, sizeof(*h));
	h->out = out;
}

/* Room for n more bytes in b, and where they go. */
static char *reserve(struct buf *b, size_t n)
{
	if (b->cap - b->len <= n)
		buf_grow(b, n);
	return b->data + b->len;
}

/* Write the pending one-line attributes, their "=" in one column. Each
 * line is laid out in place: indent, name, padding, " = ", value. */
static void flush(struct hcl *h)
{
	size_t ind = 2 * (size_t)h->depth;
	for (size_t i = 0; i < h->npending; i++) {
		const struct hcl_pending *p = &h->pending[i];
		const char *name = h->text.data + p->at;
		size_t pad = h->width - p->width;
		size_t n = ind + p->nlen + pad + 3 + p->vlen + 1;
		char *at = reserve(h->out, n);
		memset(at, ' ', ind);
		at += ind;
		memcpy(at, name, p->nlen);
		at += p->nlen;
		memset(at, ' ', pad);
		at += pad;
		memcpy(at, " = ", 3);
		memcpy(at + 3, name + p->nlen, p->vlen);
		at[3 + p->vlen] = '\n';
		h->out->len += n;
		h->out->data[h->out->len] = '\0';
	}
	h->npending = 0;
	h->text.len = 0;
	h->width = 0;
}

/* Start an item at the current level: a blank line separates a multi-line
 * item from its neighbours in block bodies. */
static void item(struct hcl *h, bool multi)
{
	struct hcl_level *l = &h->level[h->depth];
	if (multi || l->last_multi)
		flush(h);
	if (!l->dense && l->any && (multi || l->last_multi))
		put(h->out, "\n", 1);
	l->any = true;
	l->last_multi = multi;
}

static void push(struct hcl *h, bool dense)
{
	if (h->depth + 1 >= HCL_MAX_DEPTH)
		oom_bug("HCL nested deeper than HCL_MAX_DEPTH"); /* the targets nest a handful */
	h->depth++;
	h->level[h->depth] = (struct hcl_level){.dense = dense};
}

static void pop(struct hcl *h)
{
	flush(h);
	if (h->depth > 0)
		h->depth--;
}

/* Start a line of its own: what is pending goes first, then the indent.
 * The caller writes the rest into the returned buffer, "\n" included. */
static struct buf *line_begin(struct hcl *h)
{
	flush(h);
	size_t ind = 2 * (size_t)h->depth;
	memset(reserve(h->out, ind), ' ', ind);
	h->out->len += ind;
	h->out->data[h->out->len] = '\0';
	return h->out;
}

static void line(struct hcl *h, const char *text)
{
	struct buf *b = line_begin(h);
	puts_(b, text);
	put(b, "\n", 1);
}

/* Start a pending attribute: the caller writes its name into the returned
 * buffer, calls pend_value, writes its value, and calls pend_end. */
static struct buf *pend_begin(struct hcl *h)
{
	if (h->npending == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->pending = xrealloc(h->pending, h->cap * sizeof(*h->pending));
	}
	h->pending[h->npending].at = h->text.len;
	return &h->text;
}

static void pend_value(struct hcl *h)
{
	struct hcl_pending *p = &h->pending[h->npending];
	p->nlen = h->text.len - p->at;
	p->width = crrc_utf8_len(h->text.data + p->at, p->nlen);
	if (p->width > h->width)
		h->width = p->width;
}

static void pend_end(struct hcl *h)
{
	struct hcl_pending *p = &h->pending[h->npending++];
	p->vlen = h->text.len - p->at - p->nlen;
}

/* A pending attribute whose name is a plain string. */
static struct buf *pend_name(struct hcl *h, const char *name)
{
	struct buf *b = pend_begin(h);
	puts_(b, name);
	pend_value(h);
	return b;
}

void hcl_finish(struct hcl *h)
{
	flush(h);
	buf_free(&h->text);
	free(h->pending);
	h->pending = NULL;
	h->npending = h->cap = 0;
}

static void put_number(struct buf *b, long long v)
{
	char digits[24];
	size_t n = sizeof(digits);
	unsigned long long u = v < 0 ? 0ull - (unsigned long long)v : (unsigned long long)v;
	do
		digits[--n] = (char)('0' + u % 10);
	while ((u /= 10) != 0);
	if (v < 0)
		digits[--n] = '-';
	put(b, digits + n, sizeof(digits) - n);
}

/* Whether fmt holds no conversion but %s, %d and %lld. */
static bool simple_format(const char *fmt)
{
	for (const char *p = strchr(fmt, '%'); p; p = strchr(p, '%')) {
		if (p[1] == 's' || p[1] == 'd')
			p += 2;
		else if (strncmp(p + 1, "lld", 3) == 0)
			p += 4;
		else
			return false;
	}
	return true;
}

/* printf into b. The formats the emitter uses on every line (text with %s,
 * %d and %lld) are done here, without vsnprintf's two passes. */
__attribute__((format(printf, 2, 0))) static void vformat(struct buf *b, const char *fmt, va_list ap)
{
	if (!simple_format(fmt)) {
		buf_vprintf(b, fmt, ap);
		return;
	}
	const char *p = fmt;
	for (const char *q; (q = strchr(p, '%')); ) {
		put(b, p, (size_t)(q - p));
		if (q[1] == 's') {
			puts_(b, va_arg(ap, const char *));
			p = q + 2;
		} else if (q[1] == 'd') {
			put_number(b, va_arg(ap, int));
			p = q + 2;
		} else {
			put_number(b, va_arg(ap, long long));
			p = q + 4;
		}
	}
	puts_(b, p);
}

/* One "# " line of the n bytes of text, control characters escaped. */
static void comment_line(struct hcl *h, const unsigned char *text, size_t n)
{
	struct buf *b = line_begin(h);
	put(b, "# ", 2);
	for (const unsigned char *p = text; p < text + n; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			put(b, p, 1);
	}
	put(b, "\n", 1);
}

void hcl_comment(struct hcl *h, const char *text)
{
	item(h, true);
	comment_line(h, (const unsigned char *)text, strlen(text));
}

void hcl_comment_lines(struct hcl *h, const char *text)
{
	item(h, true);
	const unsigned char *p = (const unsigned char *)text;
	while (*p) {
		const unsigned char *nl = (const unsigned char *)strchr((const char *)p, '\n');
		size_t n = nl ? (size_t)(nl - p) : strlen((const char *)p);
		comment_line(h, p, n);
		p += n + (nl != NULL);
	}
}

void hcl_block(struct hcl *h, const char *fmt, ...)
{
	item(h, true);
	struct buf *b = line_begin(h);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	put(b, " {\n", 3);
	push(h, false);
}

void hcl_end(struct hcl *h)
{
	pop(h);
	line(h, "}");
}

void hcl_block_empty(struct hcl *h, const char *header)
{
	item(h, true);
	struct buf *b = line_begin(h);
	puts_(b, header);
	put(b, " {}\n", 4);
}

void hcl_attr(struct hcl *h, const char *name, const char *fmt, ...)
{
	item(h, false);
	struct buf *b = pend_name(h, name);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	pend_end(h);
}

void hcl_attr_str(struct hcl *h, const char *name, const char *s, size_t len)
{
	item(h, false);
	hcl_quote(pend_name(h, name), s, len);
	pend_end(h);
}

void hcl_entry_str(struct hcl *h, const char *key, size_t klen, const char *v, size_t vlen)
{
	item(h, false);
	hcl_key(pend_begin(h), key, klen);
	pend_value(h);
	hcl_quote(&h->text, v, vlen);
	pend_end(h);
}

void hcl_attr_open(struct hcl *h, const char *name, const char *open)
{
	item(h, true);
	struct buf *b = line_begin(h);
	puts_(b, name);
	put(b, " = ", 3);
	puts_(b, open);
	put(b, "\n", 1);
	push(h, true);
}

void hcl_attr_close(struct hcl *h, const char *close)
{
	pop(h);
	line(h, close);
}

void hcl_item(struct hcl *h, const char *fmt, ...)
{
	item(h, false);
	struct buf *b = line_begin(h);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	put(b, ",\n", 2);
}

/* A scalar as an HCL expression; false for arrays and objects. */
static bool json_scalar(struct buf *b, const json_t *v, hcl_subst_fn subst, void *ctx)
{
	switch (json_typeof(v)) {
	case JSON_STRING: {
		const char *s = json_string_value(v);
		size_t len = json_string_length(v);
		const char *expr = subst ? subst(ctx, s, len) : NULL;
		if (expr)
			puts_(b, expr);
		else
			hcl_quote(b, s, len);
		return true;
	}
	case JSON_INTEGER:
		put_number(b, json_integer_value(v));
		return true;
	case JSON_REAL:
		buf_printf(b, "%.17g", json_real_value(v));
		return true;
	case JSON_TRUE:
		put(b, "true", 4);
		return true;
	case JSON_FALSE:
		put(b, "false", 5);
		return true;
	case JSON_NULL:
		put(b, "null", 4);
		return true;
	case JSON_ARRAY:
		if (json_array_size(v) != 0)
			return false;
		put(b, "[]", 2);
		return true;
	case JSON_OBJECT:
		if (json_object_size(v) != 0)
			return false;
		put(b, "{}", 2);
		return true;
	}
	return false;
}

static void json_body(struct hcl *h, const json_t *v, hcl_subst_fn subst, void *ctx);

static bool json_composite(const json_t *v)
{
	return (json_is_object(v) && json_object_size(v) > 0) ||
	       (json_is_array(v) && json_array_size(v) > 0);
}

/* One value inside a jsonencode() body: `key = value` in an object, or
 * `value,` in a list (key NULL). */
static void json_member(struct hcl *h, const char *key, size_t klen, const json_t *v,
			hcl_subst_fn subst, void *ctx)
{
	bool composite = json_composite(v);
	item(h, composite);
	if (!composite && key) {
		hcl_key(pend_begin(h), key, klen);
		pend_value(h);
		json_scalar(&h->text, v, subst, ctx);
		pend_end(h);
		return;
	}
	struct buf *b = line_begin(h);
	if (key)
		hcl_key(b, key, klen);
	if (!composite) {
		json_scalar(b, v, subst, ctx);
		put(b, ",\n", 2);
		return;
	}
	bool obj = json_is_object(v);
	puts_(b, key ? (obj ? " = {\n" : " = [\n") : (obj ? "{\n" : "[\n"));
	push(h, true);
	json_body(h, v, subst, ctx);
	pop(h);
	line(h, obj ? (key ? "}" : "},") : (key ? "]" : "],"));
}

static void json_body(struct hcl *h, const json_t *v, hcl_subst_fn subst, void *ctx)
{
	if (json_is_object(v)) {
		const char *key;
		const json_t *m;
		json_object_foreach((json_t *)v, key, m)
			json_member(h, key, strlen(key), m, subst, ctx);
	} else {
		size_t i;
		const json_t *m;
		json_array_foreach(v, i, m)
			json_member(h, NULL, 0, m, subst, ctx);
	}
}

void hcl_attr_jsonencode(struct hcl *h, const char *name, const json_t *v, hcl_subst_fn subst,
			 void *ctx)
{
	if (!json_composite(v)) {
		item(h, false);
		struct buf *b = pend_name(h, name);
		put(b, "jsonencode(", 11);
		json_scalar(b, v, subst, ctx);
		put(b, ")", 1);
		pend_end(h);
		return;
	}
	bool obj = json_is_object(v);
	hcl_attr_open(h, name, obj ? "jsonencode({" : "jsonencode([");
	json_body(h, v, subst, ctx);
	hcl_attr_close(h, obj ? "})" : "])");
}
