/* diag_render.c: diagnostics as a compiler prints them (the source line and
 * a caret under the token), as a JSON array, or as SARIF 2.1.0. Text output
 * never echoes a control character raw: it is escaped as \xNN. An ignored
 * warning is left out of text and JSON; SARIF keeps it, with a suppression
 * (inSource, or external for --ignore) that viewers hide. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "diag/diag.h"
#include "diag/render.h"

#define ECHO_WINDOW 100 /* characters of a long line shown around the caret */
#define CK_STEP 256     /* characters between checkpoints of the index */

/* Line start offsets of one source text, built once per text, and the byte
 * offset of every CK_STEP-th character, so that a column far into a long
 * line is found without walking the line from its start each time (which
 * made many diagnostics on one long line quadratic). */
struct line_index {
	const char *text;
	size_t len;
	size_t *starts;
	size_t n;
	size_t *ck;
	size_t nck;
};


static void index_build(struct line_index *li, const char *text, size_t len)
{
	free(li->starts);
	free(li->ck);
	li->text = text;
	li->len = len;
	size_t n = 1;
	for (size_t i = 0; i < len; i++)
		n += text[i] == '\n';
	li->starts = malloc(n * sizeof(*li->starts));
	li->ck = malloc((len / CK_STEP + 1) * sizeof(*li->ck));
	li->n = li->nck = 0;
	if (!li->starts || !li->ck)
		return; /* the one allocation that may fail: a diagnostic then quotes no line */
	li->starts[li->n++] = 0;
	for (size_t i = 0; i < len; i++)
		if (text[i] == '\n')
			li->starts[li->n++] = i + 1;
	for (size_t i = 0, c = 0; i < len; c++) {
		if (c % CK_STEP == 0)
			li->ck[li->nck++] = i;
		i += diag_char_len(text + i, len - i);
	}
}

/* The character index (from the start of the text) of byte offset off,
 * which starts a character. */
static size_t index_char_at(const struct line_index *li, size_t off)
{
	size_t lo = 0, hi = li->nck; /* the last checkpoint at or before off */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (li->ck[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	size_t c = lo * CK_STEP;
	for (size_t i = li->ck[lo]; i < off; c++)
		i += diag_char_len(li->text + i, li->len - i);
	return c;
}

/* The character nchars characters after p (a line start), at most eol. */
static const char *index_skip(const struct line_index *li, const char *p, const char *eol,
			      size_t nchars)
{
	if (nchars >= CK_STEP && li->nck) {
		size_t t = index_char_at(li, (size_t)(p - li->text)) + nchars, j = t / CK_STEP;
		if (j >= li->nck || li->text + li->ck[j] >= eol)
			return eol;
		p = li->text + li->ck[j];
		nchars = t - j * CK_STEP;
	}
	for (; nchars && p < eol; nchars--)
		p += diag_char_len(p, (size_t)(eol - p));
	return p;
}






static void render_excerpt(struct buf *b, struct line_index *li, const struct crrc_diag *g,
			   struct crrc_pos pos)
{
	if (!g->source || pos.line == 0)
		return;
	if (li->text != g->source)
		index_build(li, g->source, g->source_len);
	if (pos.line > li->n)
		return;
	const char *p = li->text + li->starts[pos.line - 1];
	const char *end = li->text + li->len;
	const char *eol = pos.line < li->n ? li->text + li->starts[pos.line] - 1 : end;
	if (eol > p && eol[-1] == '\r')
		eol--;
	size_t col = pos.col ? pos.col - 1 : 0, ch = 0, caret = 0, skipped = 0;
	struct buf line = BUF_INIT;
	if ((size_t)(eol - p) > ECHO_WINDOW && col > ECHO_WINDOW / 2) {
		/* a long line: show a window around the caret */
		skipped = col - ECHO_WINDOW / 2;
		buf_puts(&line, "...");
		caret = 3;
	}
	p = index_skip(li, p, eol, skipped);
	for (ch = skipped; p < eol && ch < skipped + ECHO_WINDOW; ch++) {
		size_t w = diag_char_len(p, (size_t)(eol - p));
		size_t dw = diag_put_char(&line, p, w);
		if (ch < col)
			caret += dw;
		p += w;
	}
	if (p < eol)
		buf_puts(&line, "...");
	buf_printf(b, "%5u | %s\n      | ", pos.line, line.data ? line.data : "");
	buf_indent(b, (int)caret);
	buf_putc(b, '^');
	for (uint32_t i = 1; i < pos.len && i < ECHO_WINDOW; i++)
		buf_putc(b, '~');
	buf_putc(b, '\n');
	buf_free(&line);
}


static void render_location(struct buf *b, const char *file, struct crrc_pos pos)
{
	diag_put_escaped(b, file ? file : "<input>");
	if (pos.line)
		buf_printf(b, ":%u:%u", pos.line, pos.col);
	buf_puts(b, ": ");
}

static void render_text(const struct crrc_diags *d, struct buf *b)
{
	struct line_index li = {0};
	for (size_t i = 0; i < diags_count(d); i++) {
		const struct crrc_diag *g = diags_at(d, i);
		if (g->ignored)
			continue;
		render_location(b, g->file, g->pos);
		buf_printf(b, "%s[%s]: ", diag_sev_name(g->sev), crrc_code_name(g->code));
		diag_put_escaped(b, g->msg);
		buf_putc(b, '\n');
		render_excerpt(b, &li, g, g->pos);
		for (size_t j = 0; j < g->nnotes; j++) {
			render_location(b, g->file, g->notes[j].pos);
			buf_puts(b, "note: ");
			diag_put_escaped(b, g->notes[j].msg);
			buf_putc(b, '\n');
			render_excerpt(b, &li, g, g->notes[j].pos);
		}
	}
	for (size_t i = 0; i < diags_files(d); i++)
		if (diags_file_suppressed(d, i)) {
			render_location(b, diags_file_name(d, i), (struct crrc_pos){0, 0, 0});
			buf_printf(b, "note: %zu more diagnostics not shown (at most %u a file)\n",
				   diags_file_suppressed(d, i), CRRC_MAX_DIAGS_PER_FILE);
		}
	free(li.starts);
	free(li.ck);
}


static json_t *diag_json(const struct crrc_diag *g)
{
	json_t *o = json_object();
	json_object_set_new(o, "file", diag_json_str(g->file ? g->file : "<input>"));
	json_object_set_new(o, "line", json_integer(g->pos.line));
	json_object_set_new(o, "column", json_integer(g->pos.col));
	json_object_set_new(o, "end_column", json_integer(g->pos.col + (g->pos.len ? g->pos.len : 1)));
	json_object_set_new(o, "severity", json_string(diag_sev_name(g->sev)));
	json_object_set_new(o, "code", json_string(crrc_code_name(g->code)));
	json_object_set_new(o, "slug", json_string(crrc_code_slug(g->code)));
	json_object_set_new(o, "message", diag_json_str(g->msg));
	json_t *notes = json_array();
	for (size_t j = 0; j < g->nnotes; j++) {
		json_t *n = json_object();
		json_object_set_new(n, "line", json_integer(g->notes[j].pos.line));
		json_object_set_new(n, "column", json_integer(g->notes[j].pos.col));
		json_object_set_new(n, "message", diag_json_str(g->notes[j].msg));
		json_array_append_new(notes, n);
	}
	json_object_set_new(o, "notes", notes);
	return o;
}

bool diags_render(const struct crrc_diags *d, enum crrc_diag_format fmt, FILE *out)
{
	if (fmt == CRRC_DIAG_TEXT || fmt == CRRC_DIAG_GITHUB) {
		struct buf b = BUF_INIT;
		if (fmt == CRRC_DIAG_TEXT)
			render_text(d, &b);
		else
			diag_render_github(d, &b);
		bool ok = fwrite(b.data ? b.data : "", 1, b.len, out) == b.len;
		buf_free(&b);
		return ok;
	}
	json_t *doc;
	if (fmt == CRRC_DIAG_JSON) {
		doc = json_array();
		for (size_t i = 0; i < diags_count(d); i++)
			if (!diags_at(d, i)->ignored)
				json_array_append_new(doc, diag_json(diags_at(d, i)));
	} else {
		doc = diag_render_sarif(d);
	}
	/* ASCII only: no C1 control from the spec reaches a CI log raw */
	size_t flags = JSON_INDENT(2) | JSON_PRESERVE_ORDER | JSON_ENSURE_ASCII;
	bool ok = doc && json_dumpf(doc, out, flags) == 0;
	if (ok)
		fputc('\n', out);
	json_decref(doc);
	return ok;
}
