/* graph_dot.c: the review graph in Graphviz's DOT language. One escaping
 * function, dot_text, makes any text a user can type safe in a quoted DOT
 * string: quotes and backslashes escaped, '&' written as an entity (Graphviz
 * decodes entities in labels), invisible characters and bytes that are not
 * UTF-8 written as visible text (\u202E, \xFF). Everything else, '<', '>',
 * '|', '{', '}', '#', ';' and Unicode, stands for itself in a plain label. */
#include <stdint.h>
#include <string.h>

#include "review/graph_impl.h"

static void dot_text(struct buf *b, const char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		size_t w;
		unsigned cp = graph_utf8_decode(s + i, len - i, &w);
		bool bad = w == 1 && cp >= 0x80;
		if (bad)
			buf_printf(b, "\\\\x%02X", cp);
		else if (graph_invisible(cp))
			buf_printf(b, "\\\\u%04X", cp);
		else if (cp == '"' || cp == '\\')
			buf_printf(b, "\\%c", (char)cp);
		else if (cp == '&')
			buf_puts(b, "&amp;");
		else
			buf_put(b, s + i, w);
		i += w;
	}
}

static void dot_string(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	dot_text(b, s, strlen(s));
	buf_putc(b, '"');
}

/* Lines joined with DOT's centred line break. */
static void dot_lines(struct buf *b, const char *const *lines, size_t n)
{
	buf_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		buf_puts(b, i ? "\\n" : "");
		dot_text(b, lines[i], strlen(lines[i]));
	}
	buf_putc(b, '"');
}

static void dot_node(struct buf *b, const struct graph_node *n)
{
	buf_printf(b, "    %s [label=", n->id);
	dot_lines(b, n->lines, n->nlines);
	if (n->nwarnings)
		buf_puts(b, ", color=\"" GRAPH_COLOR_WARNING "\", fillcolor=\"" GRAPH_FILL_WARNING
			    "\", penwidth=2");
	else if (n->residency != SIZE_MAX)
		buf_puts(b, ", color=\"" GRAPH_COLOR_RESIDENCY "\", fillcolor=\""
			    GRAPH_FILL_RESIDENCY "\"");
	buf_puts(b, "];\n");
}

static void dot_cluster(struct buf *b, const struct crrc_graph *g, const struct graph_cluster *c)
{
	buf_printf(b, "  subgraph cluster_%s {\n    label=", c->id);
	dot_string(b, c->label);
	buf_printf(b, ";\n    style=\"rounded,filled\"; fillcolor=\"%s\"; color=\"%s\";\n",
		   GRAPH_FILL_CLUSTER, c->residency ? GRAPH_COLOR_RESIDENCY : "#90a4ae");
	if (c->residency)
		buf_puts(b, "    penwidth=2;\n");
	for (size_t i = 0; i < c->n; i++)
		dot_node(b, &g->nodes[g->node_order[c->first + i]]);
	buf_puts(b, "  }\n");
}

static void dot_edge(struct buf *b, const struct crrc_graph *g, const struct graph_edge *e)
{
	const char *color = e->nwarnings		  ? GRAPH_COLOR_WARNING
			    : e->residency != SIZE_MAX ? GRAPH_COLOR_RESIDENCY
			    : e->two_way		  ? GRAPH_COLOR_TWO_WAY
							  : GRAPH_COLOR_EDGE;
	buf_printf(b, "  %s -> %s [label=", g->nodes[e->from].id, g->nodes[e->to].id);
	dot_lines(b, e->lines, e->nlines);
	buf_printf(b, ", color=\"%s\", fontcolor=\"%s\"", color, color);
	if (!e->enabled)
		buf_puts(b, ", style=dashed");
	else if (e->two_way || e->residency != SIZE_MAX || e->nwarnings)
		buf_puts(b, ", penwidth=2");
	buf_puts(b, "];\n");
}

/* A point: a blue hexagon outside the clusters, an edge to each member,
 * dashed when passive. */
static void dot_point(struct buf *b, const struct crrc_graph *g, const struct graph_point *p)
{
	buf_printf(b, "  %s [label=", p->id);
	dot_lines(b, p->lines, p->nlines);
	buf_puts(b, ", shape=hexagon, style=filled, color=\"" GRAPH_COLOR_POINT "\", fillcolor=\""
		    GRAPH_FILL_POINT "\", penwidth=2];\n");
	for (size_t i = 0; i < p->nmembers; i++) {
		const struct graph_member *m = &p->members[i];
		buf_printf(b, "  %s -> %s [label=\"%s\", color=\"" GRAPH_COLOR_POINT
			   "\", fontcolor=\"" GRAPH_COLOR_POINT "\"%s];\n", p->id, g->nodes[m->node].id,
			   m->label, m->active ? "" : ", style=dashed");
	}
}

/* The title: the spec's name, and each residency policy's regions. */
static void dot_title(struct buf *b, const struct crrc_graph *g)
{
	buf_puts(b, "  label=\"");
	dot_text(b, g->title, strlen(g->title));
	buf_puts(b, ": replication");
	for (size_t i = 0; i < g->nresidency; i++) {
		const struct graph_residency *r = &g->residency[i];
		buf_puts(b, "\\nresidency: objects under '");
		dot_text(b, r->prefix, r->prefix_len);
		buf_puts(b, "' stay in ");
		dot_text(b, r->regions, strlen(r->regions));
	}
	buf_puts(b, "\";\n");
}

void graph_render_dot(const struct crrc_graph *g, struct buf *out)
{
	buf_puts(out, "// The replication of a crrc spec, by crrc graph: regenerate, do not edit.\n"
		      "digraph \"crrc\" {\n"
		      "  graph [rankdir=LR, fontname=\"Helvetica\", fontsize=12, labelloc=t, "
		      "nodesep=0.4, ranksep=1.2];\n"
		      "  node [shape=box, style=\"rounded,filled\", fillcolor=\"" GRAPH_FILL_NODE
		      "\", fontname=\"Helvetica\", fontsize=11];\n"
		      "  edge [fontname=\"Helvetica\", fontsize=9, color=\"" GRAPH_COLOR_EDGE
		      "\"];\n");
	dot_title(out, g);
	for (size_t i = 0; i < g->nclusters; i++)
		dot_cluster(out, g, &g->clusters[i]);
	for (size_t i = 0; i < g->nedges; i++)
		dot_edge(out, g, &g->edges[i]);
	for (size_t i = 0; i < g->npoints; i++)
		dot_point(out, g, &g->points[i]);
	buf_puts(out, "}\n");
}
