/* hcl.c: HCL escaping and a writer that lays out blocks, attributes and
 * jsonencode() values as `terraform fmt` would (see hcl.h). */
#include "hcl.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* Bytes that stand for themselves in an HCL string (0xc2 may start a C1
 * control character, so it is looked at). */
static bool plain_byte(unsigned char c)
{
	return c >= 0x20 && c != 0x7f && c != '\\' && c != '"' && c != '$' && c != '%' &&
	       c != 0xc2;
}

void hcl_escape(struct buf *b, const char *s, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0; i < len; i++) {
		size_t start = i;
		while (i < len && plain_byte(p[i]))
			i++;
		buf_put(b, p + start, i - start);
		if (i == len)
			break;
		unsigned char c = p[i];
		bool brace_next = i + 1 < len && p[i + 1] == '{';
		switch (c) {
		case '\\':
			buf_put(b, "\\\\", 2);
			continue;
		case '"':
			buf_put(b, "\\\"", 2);
			continue;
		case '\n':
			buf_put(b, "\\n", 2);
			continue;
		case '\r':
			buf_put(b, "\\r", 2);
			continue;
		case '\t':
			buf_put(b, "\\t", 2);
			continue;
		case '$':
		case '%':
			/* "${" and "%{" open a template sequence; "$${" and
			 * "%%{" are their literal forms. */
			buf_putc(b, (char)c);
			if (brace_next)
				buf_putc(b, (char)c);
			continue;
		default:
			break;
		}
		if (c < 0x20 || c == 0x7f) {
			buf_printf(b, "\\u%04x", c);
		} else if (c == 0xc2 && i + 1 < len && p[i + 1] >= 0x80 && p[i + 1] <= 0x9f) {
			/* A C1 control character (U+0080..U+009F). */
			buf_printf(b, "\\u%04x", p[++i]);
		} else {
			buf_putc(b, (char)c);
		}
	}
}

void hcl_quote(struct buf *b, const char *s, size_t len)
{
	buf_putc(b, '"');
	hcl_escape(b, s, len);
	buf_putc(b, '"');
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
		buf_put(b, s, len);
	else
		hcl_quote(b, s, len);
}

void hcl_init(struct hcl *h, struct buf *out)
{
	memset(h, 0, sizeof(*h));
	h->out = out;
}

static void indent(struct hcl *h)
{
	static const char spaces[2 * HCL_MAX_DEPTH] = "                                "
						      "                                ";
	buf_put(h->out, spaces, 2 * (size_t)h->depth);
}

/* The width terraform fmt gives a name: its characters. */
static size_t width(const char *s)
{
	return crrc_utf8_len(s, strlen(s));
}

/* Write the pending one-line attributes, their "=" in one column. */
static void flush(struct hcl *h)
{
	size_t w = 0;
	for (size_t i = 0; i < h->npending; i++) {
		size_t n = width(h->text.data + h->pending[i][0]);
		if (n > w)
			w = n;
	}
	for (size_t i = 0; i < h->npending; i++) {
		const char *name = h->text.data + h->pending[i][0];
		indent(h);
		buf_puts(h->out, name);
		buf_indent(h->out, (int)(w - width(name)));
		buf_puts(h->out, " = ");
		buf_puts(h->out, h->text.data + h->pending[i][1]);
		buf_putc(h->out, '\n');
	}
	h->npending = 0;
	h->text.len = 0;
}

/* Start an item at the current level: a blank line separates a multi-line
 * item from its neighbours in block bodies. */
static void item(struct hcl *h, bool multi)
{
	struct hcl_level *l = &h->level[h->depth];
	if (multi || l->last_multi)
		flush(h);
	if (!l->dense && l->any && (multi || l->last_multi))
		buf_putc(h->out, '\n');
	l->any = true;
	l->last_multi = multi;
}

static void push(struct hcl *h, bool dense)
{
	if (h->depth + 1 >= HCL_MAX_DEPTH)
		abort(); /* the emitters nest a handful of levels */
	h->depth++;
	h->level[h->depth] = (struct hcl_level){.dense = dense};
}

static void pop(struct hcl *h)
{
	flush(h);
	if (h->depth > 0)
		h->depth--;
}

static void line(struct hcl *h, const char *text)
{
	flush(h);
	indent(h);
	buf_puts(h->out, text);
	buf_putc(h->out, '\n');
}

static void pend(struct hcl *h, const char *name, size_t nlen, const char *value, size_t vlen)
{
	if (h->npending == h->cap) {
		h->cap = h->cap ? 2 * h->cap : 16;
		h->pending = realloc(h->pending, h->cap * sizeof(*h->pending));
		if (!h->pending)
			abort();
	}
	h->pending[h->npending][0] = h->text.len;
	buf_put(&h->text, name, nlen);
	buf_putc(&h->text, '\0');
	h->pending[h->npending][1] = h->text.len;
	buf_put(&h->text, value, vlen);
	buf_putc(&h->text, '\0');
	h->npending++;
}

void hcl_finish(struct hcl *h)
{
	flush(h);
	buf_free(&h->text);
	buf_free(&h->scratch);
	free(h->pending);
	h->pending = NULL;
	h->npending = h->cap = 0;
}

/* The writer's scratch buffer, emptied: one line is built in it at a time. */
static struct buf *scratch(struct hcl *h)
{
	h->scratch.len = 0;
	buf_grow(&h->scratch, 0);
	h->scratch.data[0] = '\0';
	return &h->scratch;
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
	buf_put(b, digits + n, sizeof(digits) - n);
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
static void vformat(struct buf *b, const char *fmt, va_list ap)
{
	if (!simple_format(fmt)) {
		buf_vprintf(b, fmt, ap);
		return;
	}
	const char *p = fmt;
	for (const char *q; (q = strchr(p, '%')); ) {
		buf_put(b, p, (size_t)(q - p));
		if (q[1] == 's') {
			buf_puts(b, va_arg(ap, const char *));
			p = q + 2;
		} else if (q[1] == 'd') {
			put_number(b, va_arg(ap, int));
			p = q + 2;
		} else {
			put_number(b, va_arg(ap, long long));
			p = q + 4;
		}
	}
	buf_puts(b, p);
}

void hcl_comment(struct hcl *h, const char *text)
{
	item(h, true);
	struct buf *b = scratch(h);
	buf_puts(b, "# ");
	for (const unsigned char *p = (const unsigned char *)text; *p; p++) {
		if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
	}
	line(h, b->data);
}

void hcl_block(struct hcl *h, const char *fmt, ...)
{
	item(h, true);
	struct buf *b = scratch(h);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	buf_puts(b, " {");
	line(h, b->data);
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
	struct buf *b = scratch(h);
	buf_puts(b, header);
	buf_puts(b, " {}");
	line(h, b->data);
}

void hcl_attr(struct hcl *h, const char *name, const char *fmt, ...)
{
	item(h, false);
	struct buf *b = scratch(h);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	pend(h, name, strlen(name), b->data, b->len);
}

void hcl_attr_str(struct hcl *h, const char *name, const char *s, size_t len)
{
	item(h, false);
	struct buf *b = scratch(h);
	hcl_quote(b, s, len);
	pend(h, name, strlen(name), b->data, b->len);
}

void hcl_entry_str(struct hcl *h, const char *key, size_t klen, const char *v, size_t vlen)
{
	item(h, false);
	struct buf *b = scratch(h);
	hcl_key(b, key, klen);
	size_t at = b->len;
	hcl_quote(b, v, vlen);
	pend(h, b->data, at, b->data + at, b->len - at);
}

void hcl_attr_open(struct hcl *h, const char *name, const char *open)
{
	item(h, true);
	struct buf *b = scratch(h);
	buf_puts(b, name);
	buf_puts(b, " = ");
	buf_puts(b, open);
	line(h, b->data);
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
	struct buf *b = scratch(h);
	va_list ap;
	va_start(ap, fmt);
	vformat(b, fmt, ap);
	va_end(ap);
	buf_putc(b, ',');
	line(h, b->data);
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
			buf_puts(b, expr);
		else
			hcl_quote(b, s, len);
		return true;
	}
	case JSON_INTEGER:
		buf_printf(b, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
		return true;
	case JSON_REAL:
		buf_printf(b, "%.17g", json_real_value(v));
		return true;
	case JSON_TRUE:
		buf_puts(b, "true");
		return true;
	case JSON_FALSE:
		buf_puts(b, "false");
		return true;
	case JSON_NULL:
		buf_puts(b, "null");
		return true;
	case JSON_ARRAY:
		if (json_array_size(v) != 0)
			return false;
		buf_puts(b, "[]");
		return true;
	case JSON_OBJECT:
		if (json_object_size(v) != 0)
			return false;
		buf_puts(b, "{}");
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
	struct buf *b = scratch(h);
	if (key)
		hcl_key(b, key, klen);
	size_t at = b->len;
	if (!composite) {
		json_scalar(b, v, subst, ctx);
		if (key) {
			pend(h, b->data, at, b->data + at, b->len - at);
		} else {
			buf_putc(b, ',');
			line(h, b->data);
		}
		return;
	}
	bool obj = json_is_object(v);
	buf_puts(b, key ? (obj ? " = {" : " = [") : (obj ? "{" : "["));
	line(h, b->data);
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
		struct buf *b = scratch(h);
		buf_puts(b, "jsonencode(");
		json_scalar(b, v, subst, ctx);
		buf_putc(b, ')');
		pend(h, name, strlen(name), b->data, b->len);
		return;
	}
	bool obj = json_is_object(v);
	hcl_attr_open(h, name, obj ? "jsonencode({" : "jsonencode([");
	json_body(h, v, subst, ctx);
	hcl_attr_close(h, obj ? "})" : "])");
}
