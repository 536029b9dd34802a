/* graph_mermaid.c: the review graph as a Mermaid flowchart, which GitHub
 * and GitLab render inside Markdown. One escaping function, mermaid_text,
 * makes any text a user can type safe in a quoted Mermaid label: every
 * ASCII character but letters, digits, space and a few harmless marks is
 * written as Mermaid's entity code (#35; for '#', #60; for '<', #34; for a
 * quote), so that no quote, bracket, pipe, semicolon, '%%', '<' (an HTML
 * label's tag), '&', '`' (a Markdown string) or line break reaches
 * Mermaid's parser or the browser as syntax; invisible characters and bytes
 * that are not UTF-8 are written as visible text (\u202E, \xFF); other
 * Unicode stands for itself, readable in a pull request. */
#include <stdint.h>
#include <string.h>

#include "review/graph_impl.h"

static bool mermaid_plain(unsigned cp)
{
	return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
	       (cp != 0 && strchr(" -_./:,=+()'", (int)cp) != NULL);
}

static void mermaid_text(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t w;
		unsigned cp = graph_utf8_decode(s + i, len - i, &w);
		if (w == 1 && cp >= 0x80)
			buf_printf(b, "#92;x%02X", cp);
		else if (graph_invisible(cp))
			buf_printf(b, "#92;u%04X", cp);
		else if (mermaid_plain(cp) || cp >= 0xA0)
			buf_put(b, s + i, w);
		else
			buf_printf(b, "#%u;", cp);
		i += w;
	}
}

/* Lines in quotes, joined with an HTML line break. */
static void mermaid_lines(struct buf *b, const char *const *lines, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, i ? "<br>" : "");
		mermaid_text(b, lines[i], strlen(lines[i]));
	}
	buf_putc(b, '"');
}

static void mermaid_cluster(struct buf *b, const struct crrc_graph *g,
			    const struct graph_cluster *c)
{
	buf_printf(b, "  subgraph %s[\"", c->id);
	mermaid_text(b, c->label, strlen(c->label));
	buf_puts(b, "\"]\n");
	for (size_t i = 0; i < c->n; i++) {
		const struct graph_node *n = &g->nodes[g->node_order[c->first + i]];
		buf_printf(b, "    %s[", n->id);
		mermaid_lines(b, n->lines, n->nlines);
		buf_puts(b, "]\n");
	}
	buf_puts(b, "  end\n");
}

static const char *edge_color(const struct graph_edge *e)
{
	return e->nwarnings		   ? GRAPH_COLOR_WARNING
	       : e->residency != SIZE_MAX ? GRAPH_COLOR_RESIDENCY
	       : e->two_way		   ? GRAPH_COLOR_TWO_WAY
					   : NULL;
}

/* A point as a hexagon outside the subgraphs, its members' links after
 * the rules' (so that the rules keep their link numbers). */
static void mermaid_point_links(struct buf *b, const struct crrc_graph *g,
				const struct graph_point *p)
{
	for (size_t i = 0; i < p->nmembers; i++) {
		const struct graph_member *m = &p->members[i];
		buf_printf(b, "  %s %s|\"%s\"| %s\n", p->id, m->active ? "-->" : "-.->", m->label,
			   g->nodes[m->node].id);
	}
}

/* The classes and styles, after every element they name: Mermaid numbers
 * links in the order they are written. */
static void mermaid_styles(struct buf *b, const struct crrc_graph *g)
{
	buf_puts(b, "  classDef residency fill:" GRAPH_FILL_RESIDENCY ",stroke:" GRAPH_COLOR_RESIDENCY
		    ",stroke-width:2px\n"
		    "  classDef warning fill:" GRAPH_FILL_WARNING ",stroke:" GRAPH_COLOR_WARNING
		    ",stroke-width:2px\n");
	if (g->npoints) /* a graph without points stays as it was */
		buf_puts(b, "  classDef point fill:" GRAPH_FILL_POINT ",stroke:" GRAPH_COLOR_POINT
			    ",stroke-width:2px\n");
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct graph_node *n = &g->nodes[i];
		if (n->nwarnings || n->residency != SIZE_MAX)
			buf_printf(b, "  class %s %s\n", n->id, n->nwarnings ? "warning" : "residency");
	}
	for (size_t i = 0; i < g->nclusters; i++)
		if (g->clusters[i].residency)
			buf_printf(b, "  style %s stroke:" GRAPH_COLOR_RESIDENCY ",stroke-width:2px\n",
				   g->clusters[i].id);
	for (size_t i = 0; i < g->nedges; i++) {
		const char *color = edge_color(&g->edges[i]);
		if (color)
			buf_printf(b, "  linkStyle %zu stroke:%s,stroke-width:2px,color:%s\n", i,
				   color, color);
	}
	size_t link = g->nedges;
	for (size_t i = 0; i < g->npoints; i++) {
		buf_printf(b, "  class %s point\n", g->points[i].id);
		for (size_t j = 0; j < g->points[i].nmembers; j++)
			buf_printf(b, "  linkStyle %zu stroke:" GRAPH_COLOR_POINT ",color:"
				   GRAPH_COLOR_POINT "\n", link++);
	}
}

void graph_render_mermaid(const struct crrc_graph *g, struct buf *out)
{
	buf_puts(out, "%% The replication of a crrc spec, by crrc graph: regenerate, do not edit.\n"
		      "flowchart LR\n");
	for (size_t i = 0; i < g->nresidency; i++) {
		const struct graph_residency *r = &g->residency[i];
		buf_printf(out, "  residency%zu{{\"residency: objects under '", i);
		mermaid_text(out, r->prefix, r->prefix_len);
		buf_puts(out, "' stay in ");
		mermaid_text(out, r->regions, strlen(r->regions));
		buf_puts(out, "\"}}\n");
	}
	for (size_t i = 0; i < g->npoints; i++) {
		buf_printf(out, "  %s{{", g->points[i].id);
		mermaid_lines(out, g->points[i].lines, g->points[i].nlines);
		buf_puts(out, "}}\n");
	}
	for (size_t i = 0; i < g->nclusters; i++)
		mermaid_cluster(out, g, &g->clusters[i]);
	for (size_t i = 0; i < g->nedges; i++) {
		const struct graph_edge *e = &g->edges[i];
		buf_printf(out, "  %s %s|", g->nodes[e->from].id, e->enabled ? "-->" : "-.->");
		mermaid_lines(out, e->lines, e->nlines);
		buf_printf(out, "| %s\n", g->nodes[e->to].id);
	}
	for (size_t i = 0; i < g->npoints; i++)
		mermaid_point_links(out, g, &g->points[i]);
	mermaid_styles(out, g);
	for (size_t i = 0; i < g->nresidency; i++)
		buf_printf(out, "  class residency%zu residency\n", i);
}
