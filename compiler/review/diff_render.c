/* diff_render.c: a semantic diff as text (a terminal), Markdown (a
 * pull-request comment: a summary line, then a section each, the riskiest
 * first) or JSON (for bots). One escaping function per language, applied
 * to every value from a spec: text quotes it and shows invisible
 * characters as \u202E; Markdown puts it in a code span fenced by more
 * backquotes than it holds and escapes the punctuation of literal text (a
 * warning's message quotes the spec); JSON is jansson's. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "review/diff.h"

static const char *const section_names[DIFF_NSECTIONS] = {
	"data flows", "policies", "permissions", "access points", "buckets", "rules", "roles",
	"warnings"};
static const char *const section_titles[DIFF_NSECTIONS] = {
	"Data flows", "Policies", "Permissions", "Access points", "Buckets", "Rules", "Roles",
	"Warnings"};
static const char *const op_names[] = {"added", "removed", "changed"};

static size_t utf8_len(const unsigned char *p, size_t max)
{
	size_t n = p[0] < 0x80 ? 1 : p[0] < 0xC2 ? 1 : p[0] < 0xE0 ? 2 : p[0] < 0xF0 ? 3 : 4;
	return n <= max ? n : 1;
}

/* A character that is not shown as itself: controls, zero-width and
 * bidirectional controls, line separators, bytes that are not UTF-8. */
static bool hidden(const unsigned char *p, size_t w)
{
	if (w == 1)
		return p[0] < 0x20 || p[0] >= 0x7F;
	if (w == 2)
		return p[0] == 0xC2 && (p[1] < 0xA0 || p[1] == 0xAD);
	return w == 3 && ((p[0] == 0xE2 && p[1] == 0x80 && (p[2] >= 0x8B && p[2] <= 0xAE)) ||
			  (p[0] == 0xE2 && p[1] == 0x81 && p[2] >= 0xA0 && p[2] <= 0xAF) ||
			  (p[0] == 0xEF && p[1] == 0xBB && p[2] == 0xBF));
}

static void put_hidden(struct buf *b, const unsigned char *p, size_t w)
{
	unsigned cp = w == 1 ? p[0] : w == 2 ? (unsigned)(p[0] & 0x1F) << 6 | (p[1] & 0x3F)
		      : (unsigned)(p[0] & 0x0F) << 12 | (unsigned)(p[1] & 0x3F) << 6 | (p[2] & 0x3F);
	buf_printf(b, w == 1 && cp >= 0x80 ? "\\x%02X" : "\\u%04X", cp);
}

/* Text for a terminal: hidden characters made visible. */
static void text_put(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, n = strlen(s); i < n;) {
		size_t w = utf8_len(p + i, n - i);
		if (hidden(p + i, w))
			put_hidden(b, p + i, w);
		else
			buf_put(b, p + i, w);
		i += w;
	}
}

static void text_value(struct buf *b, const char *v)
{
	if (!v) {
		buf_puts(b, "none");
		return;
	}
	buf_putc(b, '\'');
	text_put(b, v);
	buf_putc(b, '\'');
}

/* Markdown's literal text: its punctuation escaped, '&' an entity. */
static void md_text(struct buf *b, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	for (size_t i = 0, n = strlen(s); i < n;) {
		size_t w = utf8_len(p + i, n - i);
		if (hidden(p + i, w))
			put_hidden(b, p + i, w);
		else if (w == 1 && p[i] == '&')
			buf_puts(b, "&amp;");
		else if (w == 1 && strchr("\\`*_[]<>|~#!{}", p[i]) && p[i])
			buf_printf(b, "\\%c", p[i]);
		else
			buf_put(b, p + i, w);
		i += w;
	}
}

/* A value as a code span: fenced by one backquote more than its longest
 * run, padded with a space when it starts or ends with one. */
static void md_value(struct buf *b, const char *v)
{
	if (!v) {
		buf_puts(b, "*none*");
		return;
	}
	size_t run = 0, longest = 0, n = strlen(v);
	for (size_t i = 0; i < n; i++) {
		run = v[i] == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	bool pad = n == 0 || v[0] == '`' || v[n - 1] == '`' || v[0] == ' ';
	for (size_t i = 0; i <= longest; i++)
		buf_putc(b, '`');
	buf_puts(b, pad ? " " : "");
	text_put(b, v);
	buf_puts(b, pad ? " " : "");
	for (size_t i = 0; i <= longest; i++)
		buf_putc(b, '`');
}

static void sentence(struct buf *b, const struct diff_text *t, bool md)
{
	for (size_t i = 0; i < t->n; i++) {
		if (i % 2 == 0)
			(md ? md_text : text_put)(b, t->parts[i]);
		else
			(md ? md_value : text_value)(b, t->parts[i]);
	}
}

/* "7 changes: 2 data flows, 1 rule" */
static void summary(struct buf *b, const struct crrc_diff *df)
{
	buf_printf(b, "%zu change%s:", df->n, df->n == 1 ? "" : "s");
	const char *sep = " ";
	for (size_t s = 0; s < DIFF_NSECTIONS; s++)
		if (df->count[s]) {
			buf_printf(b, "%s%zu in %s", sep, df->count[s], section_names[s]);
			sep = ", ";
		}
}

static void render_text(const struct crrc_diff *df, const char *o, const char *n, struct buf *b)
{
	buf_puts(b, "crrc diff ");
	text_value(b, o);
	buf_puts(b, " → ");
	text_value(b, n);
	buf_puts(b, ": ");
	if (df->n == 0) {
		buf_puts(b, "equivalent: no change for the data\n");
		return;
	}
	summary(b, df);
	buf_putc(b, '\n');
	for (size_t i = 0; i < df->n; i++) {
		const struct diff_change *c = &df->changes[i];
		if (i == 0 || c->section != df->changes[i - 1].section)
			buf_printf(b, "\n%s:\n", section_names[c->section]);
		buf_printf(b, "  %c ", "+-~"[c->op]);
		sentence(b, &c->text, false);
		buf_putc(b, '\n');
	}
}

static void render_markdown(const struct crrc_diff *df, const char *o, const char *n,
			    struct buf *b)
{
	buf_puts(b, "**crrc diff** ");
	md_value(b, o);
	buf_puts(b, " → ");
	md_value(b, n);
	buf_puts(b, ": ");
	if (df->n == 0) {
		buf_puts(b, "equivalent, no change for the data.\n");
		return;
	}
	summary(b, df);
	buf_putc(b, '\n');
	static const char *const marks[] = {"➕", "➖", "✏️"};
	for (size_t i = 0; i < df->n; i++) {
		const struct diff_change *c = &df->changes[i];
		if (i == 0 || c->section != df->changes[i - 1].section)
			buf_printf(b, "\n### %s\n\n", section_titles[c->section]);
		buf_printf(b, "- %s ", marks[c->op]);
		sentence(b, &c->text, true);
		buf_putc(b, '\n');
	}
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static void render_json(const struct crrc_diff *df, const char *o, const char *n, struct buf *b)
{
	json_t *doc = json_object(), *sum = json_object(), *changes = json_array();
	json_object_set_new(doc, "old", json_string(o));
	json_object_set_new(doc, "new", json_string(n));
	json_object_set_new(doc, "equivalent", json_boolean(df->n == 0));
	json_object_set_new(sum, "changes", json_integer((json_int_t)df->n));
	for (size_t s = 0; s < DIFF_NSECTIONS; s++)
		json_object_set_new(sum, section_names[s], json_integer((json_int_t)df->count[s]));
	json_object_set_new(doc, "summary", sum);
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < df->n; i++) {
		const struct diff_change *c = &df->changes[i];
		json_t *x = json_object();
		json_object_set_new(x, "section", json_string(section_names[c->section]));
		json_object_set_new(x, "op", json_string(op_names[c->op]));
		json_object_set_new(x, "subject", str_or_null(c->subject));
		json_object_set_new(x, "field", str_or_null(c->field));
		json_object_set_new(x, "old", str_or_null(c->old_value));
		json_object_set_new(x, "new", str_or_null(c->new_value));
		t.len = 0;
		sentence(&t, &c->text, false);
		json_object_set_new(x, "text", json_stringn(t.data ? t.data : "", t.len));
		json_array_append_new(changes, x);
	}
	buf_free(&t);
	json_object_set_new(doc, "changes", changes);
	char *s = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII);
	buf_puts(b, s ? s : "{}");
	buf_putc(b, '\n');
	free(s);
	json_decref(doc);
}

void diff_render(const struct crrc_diff *df, enum diff_format f, const char *old_name,
		 const char *new_name, struct buf *out)
{
	switch (f) {
	case DIFF_TEXT:
		render_text(df, old_name, new_name, out);
		break;
	case DIFF_MARKDOWN:
		render_markdown(df, old_name, new_name, out);
		break;
	case DIFF_JSON:
		render_json(df, old_name, new_name, out);
		break;
	}
}
