/* graph_impl.h: what the files of the review graph share and nothing else
 * includes: the labels' text, and the escapes each renderer uses. */
#ifndef CRRC_REVIEW_GRAPH_IMPL_H
#define CRRC_REVIEW_GRAPH_IMPL_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "review/graph.h"

/* The lines of every node's and edge's label (graph_label.c). */
void graph_labels_build(struct crrc_graph *g);

/* The Unicode code point of the UTF-8 sequence at s (at most max bytes),
 * its length in *w; a byte that starts no valid sequence is itself with
 * *w = 1 (the spec is valid UTF-8, but a renderer must not trust that). */
unsigned graph_utf8_decode(const char *s, size_t max, size_t *w);

/* A character a reviewer would not see, or would see misplaced: C0 and C1
 * controls, soft hyphen, zero-width and bidirectional controls, line and
 * paragraph separators, the BOM, a byte that is not UTF-8. The renderers
 * write it as visible text: \u202E. */
bool graph_invisible(unsigned cp);

/* The colours and styles every renderer uses, so that DOT, SVG and
 * Mermaid look alike. */
#define GRAPH_COLOR_EDGE "#37474f"
#define GRAPH_COLOR_TWO_WAY "#6a1b9a"
#define GRAPH_COLOR_RESIDENCY "#2e7d32"
#define GRAPH_FILL_RESIDENCY "#e8f5e9"
#define GRAPH_COLOR_WARNING "#e65100"
#define GRAPH_FILL_WARNING "#fff3e0"
#define GRAPH_COLOR_POINT "#1565c0"
#define GRAPH_FILL_POINT "#e3f2fd"
#define GRAPH_FILL_NODE "#ffffff"
#define GRAPH_FILL_CLUSTER "#f5f7fa"

#endif
