/* comments.c: the ignore comments of a spec (comments.h). Finding them is
 * one pass over the text that counts lines and characters as it goes (the
 * units of positions and of libyaml's marks), with memchr to the next '#';
 * excluding those inside scalars is a merge with the scalar events; reading
 * each is a pass over its own line. */
#include "load/comments.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "diag/diag.h"

#define DIRECTIVE "crrc:ignore"
#define DIRECTIVE_LEN (sizeof(DIRECTIVE) - 1)

struct comment {
	size_t off;   /* byte offset of the directive's "crrc:ignore" */
	size_t chars; /* character offset of its '#', as libyaml counts */
	struct crrc_pos pos; /* of "crrc:ignore" */
	bool scalar;  /* inside a scalar: no comment */
};

static void comment_push(struct comments *c, struct comment k)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 8;
		c->v = xrealloc(c->v, c->cap * sizeof(*c->v));
	}
	c->v[c->n++] = k;
}

/* Whether a directive starts at p (the end at end): "crrc:ignore" then a
 * space, a tab or the line's end. */
static bool directive_at(const char *p, const char *end)
{
	if ((size_t)(end - p) < DIRECTIVE_LEN || memcmp(p, DIRECTIVE, DIRECTIVE_LEN) != 0)
		return false;
	p += DIRECTIVE_LEN;
	return p == end || *p == ' ' || *p == '\t' || *p == '\n' || *p == '\r';
}

/* Move the count of lines and characters (*pos, *chars) from byte *at to
 * byte to. */
static void advance(const char *text, size_t *at, size_t to, struct crrc_pos *pos, size_t *chars)
{
	for (size_t i = *at; i < to; i++) {
		if (((unsigned char)text[i] & 0xC0) == 0x80)
			continue;
		++*chars;
		if (text[i] == '\n')
			pos->line++, pos->col = 1;
		else
			pos->col++;
	}
	*at = to;
}

void comments_find(struct comments *c, const char *text, size_t len)
{
	const char *end = text + len;
	size_t at = 0, chars = 0;
	c->len = len;
	struct crrc_pos pos = {1, 1, DIRECTIVE_LEN};
	if (len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0)
		at = 3; /* libyaml's marks skip the byte-order mark */
	const char *first = text + at;
	for (const char *p = first; p < end && (p = memchr(p, '#', (size_t)(end - p))); p++) {
		bool starts = p == first || p[-1] == ' ' || p[-1] == '\t' || p[-1] == '\n';
		const char *q = p + 1;
		while (q < end && (*q == ' ' || *q == '\t'))
			q++;
		if (!starts || !directive_at(q, end))
			continue;
		advance(text, &at, (size_t)(p - text), &pos, &chars);
		struct comment k = {.off = (size_t)(q - text), .chars = chars};
		advance(text, &at, k.off, &pos, &chars);
		k.pos = pos;
		comment_push(c, k);
	}
}

void comments_scalar(struct comments *c, size_t start, size_t end)
{
	while (c->next < c->n && c->v[c->next].chars < start)
		c->next++;
	for (; c->next < c->n && c->v[c->next].chars < end; c->next++)
		c->v[c->next].scalar = true;
}

static bool code_char(char ch)
{
	return (ch >= 'A' && ch <= 'Z') || (ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9');
}

/* The code at p (letters and digits) and the place after it and the spaces
 * that follow; its length (0: none). */
static size_t code_at(const char *p, const char *eol, const char **after)
{
	const char *q = p;
	while (q < eol && code_char(*q))
		q++;
	size_t n = (size_t)(q - p);
	while (q < eol && (*q == ' ' || *q == '\t'))
		q++;
	*after = q;
	return n;
}

/* Read one comment, "crrc:ignore" CODE ("," CODE)* REASON?, up to the
 * line's end: the codes (found twice: first where the reason starts, then
 * each registered with it). */
static void comment_register(const struct comment *k, const char *text, size_t len,
			     struct crrc_diags *d)
{
	const char *start = text + k->off + DIRECTIVE_LEN, *eol = start;
	while (eol < text + len && *eol != '\n' && *eol != '\r')
		eol++;
	while (start < eol && (*start == ' ' || *start == '\t'))
		start++;
	const char *p = start, *after;
	size_t ncodes = 0;
	while (code_at(p, eol, &after)) {
		ncodes++;
		p = after;
		if (p == eol || *p != ',')
			break;
		for (p++; p < eol && (*p == ' ' || *p == '\t'); p++)
			;
	}
	const char *why = p, *tail = eol;
	while (tail > why && (tail[-1] == ' ' || tail[-1] == '\t'))
		tail--;
	if (ncodes == 0) {
		diags_add(d, CRRC_W011, k->pos,
			  "crrc:ignore names no code: write '# crrc:ignore W002 reason' (several "
			  "codes separated by commas)");
		return;
	}
	/* the codes are ASCII: columns count as bytes from the directive */
	for (p = start; ncodes--;) {
		size_t n = code_at(p, eol, &after);
		struct crrc_pos pos = {k->pos.line, k->pos.col + (uint32_t)(p - (text + k->off)),
				       (uint32_t)n};
		diags_ignore(d, p, n, pos, CRRC_IGNORE_LINES, why, (size_t)(tail - why));
		for (p = after; p < eol && (*p == ',' || *p == ' ' || *p == '\t'); p++)
			;
	}
}

void comments_register(struct comments *c, const char *text, struct crrc_diags *d)
{
	for (size_t i = 0; i < c->n; i++)
		if (!c->v[i].scalar)
			comment_register(&c->v[i], text, c->len, d);
}

void comments_free(struct comments *c)
{
	free(c->v);
	*c = (struct comments){0};
}
