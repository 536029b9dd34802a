/* github.c: diagnostics as GitHub Actions workflow commands, one a line
 * (::error file=F,line=L,col=C,endColumn=E,title=CODE slug::message), so
 * that a pull request shows them as annotations without a SARIF upload. */
#include <stdbool.h>

#include "base/buf.h"
#include "diag/diag.h"
#include "diag/render.h"

/* A value of a GitHub workflow command, escaped as the runner reads it:
 * %, CR and LF always (so that no text from a spec starts a command of its
 * own), and in a property also ':' and ','. Other controls as in text. */
static void put_github(struct buf *b, const char *s, bool property)
{
	struct buf e = BUF_INIT;
	diag_put_escaped(&e, s ? s : "");
	for (size_t i = 0; i < e.len; i++) {
		char c = e.data[i];
		if (c == '%')
			buf_puts(b, "%25");
		else if (c == '\r')
			buf_puts(b, "%0D");
		else if (c == '\n')
			buf_puts(b, "%0A");
		else if (property && c == ':')
			buf_puts(b, "%3A");
		else if (property && c == ',')
			buf_puts(b, "%2C");
		else
			buf_putc(b, c);
	}
	buf_free(&e);
}

/* One annotation a diagnostic: ::error file=F,line=L,col=C,endColumn=E,
 * title=CODE::message, its notes on lines of their own in the message. */
void diag_render_github(const struct crrc_diags *d, struct buf *b)
{
	for (size_t i = 0; i < diags_count(d); i++) {
		const struct crrc_diag *g = diags_at(d, i);
		if (g->ignored)
			continue;
		buf_printf(b, "::%s file=", g->sev == CRRC_ERROR ? "error"
					    : g->sev == CRRC_WARNING ? "warning"
								     : "notice");
		put_github(b, g->file ? g->file : "<input>", true);
		if (g->pos.line)
			buf_printf(b, ",line=%u,col=%u,endColumn=%u", g->pos.line, g->pos.col,
				   g->pos.col + (g->pos.len ? g->pos.len : 1));
		buf_printf(b, ",title=%s %s::", crrc_code_name(g->code), crrc_code_slug(g->code));
		put_github(b, g->msg, false);
		for (size_t j = 0; j < g->nnotes; j++) {
			buf_puts(b, "%0Anote");
			if (g->notes[j].pos.line)
				buf_printf(b, " (line %u)", g->notes[j].pos.line);
			buf_puts(b, ": ");
			put_github(b, g->notes[j].msg, false);
		}
		buf_putc(b, '\n');
	}
}

