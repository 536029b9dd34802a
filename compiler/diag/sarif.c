/* sarif.c: diagnostics as SARIF 2.1.0, as code scanning shows them: every
 * rule carries its whole help (the code's section of
 * grammar/diagnostics.md, as text and Markdown); every location is a
 * percent-encoded URI, relative to the SRCROOT base (the working
 * directory) when the path was relative, so that a file name of any bytes
 * still gives a distinct and stable location. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/buf.h"
#include "base/oom.h"
#include "diag/diag.h"
#include "diag/explain.h"
#include "diag/render.h"

/* s percent-encoded as a URI path: RFC 3986's unreserved characters and
 * '/' as they are, every other byte %XX. */
static void uri_encode(struct buf *b, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		unsigned char c = *p;
		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		    c == '-' || c == '.' || c == '_' || c == '~' || c == '/')
			buf_putc(b, (char)c);
		else
			buf_printf(b, "%%%c%c", hex[c >> 4], hex[c & 15]);
	}
}

/* An artifactLocation: a relative path under SRCROOT, an absolute one as
 * a file: URI. */
static json_t *artifact(const char *file)
{
	struct buf b = BUF_INIT;
	const char *f = file && *file ? file : "<input>";
	if (f[0] == '/')
		buf_puts(&b, "file://");
	uri_encode(&b, f);
	json_t *loc = json_pack("{s:s}", "uri", b.data);
	if (f[0] != '/')
		json_object_set_new(loc, "uriBaseId", json_string("SRCROOT"));
	buf_free(&b);
	return loc;
}

/* SRCROOT: the working directory, as a file: URI ending in '/'. */
static json_t *base_ids(void)
{
	char *cwd = getcwd(NULL, 0);
	struct buf b = BUF_INIT;
	buf_puts(&b, "file://");
	uri_encode(&b, cwd ? cwd : "/");
	if (b.data[b.len - 1] != '/')
		buf_putc(&b, '/');
	json_t *ids = json_pack("{s:{s:s}}", "SRCROOT", "uri", b.data);
	buf_free(&b);
	free(cwd);
	return ids;
}

static json_t *location(const char *file, struct crrc_pos pos, const char *msg)
{
	json_t *phys = json_pack("{s:o}", "artifactLocation", artifact(file));
	if (pos.line)
		json_object_set_new(phys, "region",
				    json_pack("{s:i,s:i,s:i}", "startLine", (int)pos.line,
					      "startColumn", (int)pos.col, "endColumn",
					      (int)(pos.col + (pos.len ? pos.len : 1))));
	json_t *loc = json_pack("{s:o}", "physicalLocation", phys);
	if (msg)
		json_object_set_new(loc, "message", json_pack("{s:o}", "text", diag_json_str(msg)));
	return loc;
}

/* One rule: the code, its slug, its summary, and its whole help. */
static json_t *rule(enum crrc_code c)
{
	const struct explanation *e = explain_find(crrc_code_name(c));
	const char *summary = crrc_code_summary(c);
	const char *help = e ? e->text : summary;
	json_t *r = json_pack("{s:s,s:s,s:{s:s},s:{s:s},s:{s:o,s:o},s:{s:s}}", "id",
			      crrc_code_name(c), "name", crrc_code_slug(c), "shortDescription",
			      "text", summary, "fullDescription", "text", summary, "help", "text",
			      diag_json_str(help), "markdown", diag_json_str(help),
			      "defaultConfiguration", "level",
			      crrc_code_severity(c) == CRRC_ERROR ? "error" : "warning");
	return r;
}

static json_t *result(const struct crrc_diag *g)
{
	json_t *res = json_pack("{s:s,s:i,s:s,s:{s:o},s:[o]}", "ruleId", crrc_code_name(g->code),
				"ruleIndex", (int)g->code, "level",
				g->sev == CRRC_NOTE ? "note" : diag_sev_name(g->sev), "message", "text",
				diag_json_str(g->msg), "locations", location(g->file, g->pos, NULL));
	if (g->ignored) {
		/* in the spec (a comment or the ignore: list), or --ignore */
		json_t *sup = json_pack("{s:s}", "kind", g->external ? "external" : "inSource");
		if (g->why)
			json_object_set_new(sup, "justification", diag_json_str(g->why));
		json_object_set_new(res, "suppressions", json_pack("[o]", sup));
	}
	if (g->nnotes) {
		json_t *rel = json_array();
		for (size_t j = 0; j < g->nnotes; j++) {
			json_t *l = location(g->file, g->notes[j].pos, g->notes[j].msg);
			json_object_set_new(l, "id", json_integer((json_int_t)j));
			json_array_append_new(rel, l);
		}
		json_object_set_new(res, "relatedLocations", rel);
	}
	return res;
}

json_t *diag_render_sarif(const struct crrc_diags *d)
{
	json_t *rules = json_array();
	for (int c = 0; c < CRRC_CODE_COUNT; c++)
		json_array_append_new(rules, rule((enum crrc_code)c));
	json_t *results = json_array();
	for (size_t i = 0; i < diags_count(d); i++)
		json_array_append_new(results, result(diags_at(d, i)));
	json_t *driver = json_pack("{s:s,s:s,s:s,s:o}", "name", "crrc", "version", CRRC_VERSION,
				   "semanticVersion", CRRC_VERSION, "rules", rules);
	return json_pack("{s:s,s:s,s:[{s:{s:o},s:o,s:o,s:s}]}", "$schema",
			 "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
			 "tool", "driver", driver, "originalUriBaseIds", base_ids(), "results",
			 results, "columnKind", "unicodeCodePoints");
}
