/* graph.h: the replication topology of a spec as a graph, for reviewers:
 * made once from the desired state (and the warnings check found), then
 * rendered as Graphviz DOT, a Mermaid flowchart or SVG (Graphviz's library,
 * in-process). Nodes are buckets, in clusters by account and region; an
 * edge is one rule. A Multi-Region Access Point is a node of its own, with
 * an edge to each member bucket: solid when active, dashed when passive.
 * Every decision about what a picture shows is made here; the renderers
 * only write syntax and escape text.
 *
 * Strings are plain text as the spec has them (any bytes a user can type):
 * each renderer escapes them for its language. */
#ifndef CRRC_REVIEW_GRAPH_H
#define CRRC_REVIEW_GRAPH_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "model/desired.h"

struct crrc_diags;

/* Why an edge or a node is marked: what check warned about there. */
struct graph_warning {
	const char *code; /* "W004" */
	const char *slug; /* "same-region" */
};

/* A residency policy: objects under prefix stay in regions. */
struct graph_residency {
	const char *prefix;
	size_t prefix_len;
	const char *regions; /* joined with ", " */
};

struct graph_node {
	const struct ds_bucket *bucket;
	const char *id;     /* an identifier safe in every language: "b_media_primary" */
	size_t cluster;
	/* the first residency policy that allows this bucket's region, or
	 * SIZE_MAX: not a residency region */
	size_t residency;
	struct graph_warning *warnings; /* W001 at its name */
	size_t nwarnings;
	const char **lines; /* the label's lines: key, S3 name, what it has */
	size_t nlines;
};

struct graph_cluster {
	const struct ds_place *place;
	const char *id;     /* "c0", "c1", ... in the order buckets first name places */
	const char *label;  /* "account 111122223333 (prod) · us-east-1" */
	size_t first, n;    /* its nodes: node_order[first .. first + n) */
	bool residency;     /* some policy allows its region */
};

struct graph_edge {
	const struct ds_rule *rule;
	size_t from, to;    /* node indices */
	bool enabled;       /* false: drawn dashed */
	bool two_way;       /* the destination replicates back to the source */
	/* the first residency policy whose objects this rule may move, or
	 * SIZE_MAX */
	size_t residency;
	struct graph_warning *warnings;
	size_t nwarnings;
	/* the label's lines, plain text: the rule id, its filter, what it does */
	const char **lines;
	size_t nlines;
};

/* A bucket a Multi-Region Access Point routes to. */
struct graph_member {
	size_t node;        /* the bucket's node */
	bool active;        /* false: passive (dial 0), drawn dashed */
	const char *label;  /* "active", "passive" */
};

/* A Multi-Region Access Point, outside every cluster: it is global. */
struct graph_point {
	const struct ds_access_point *point;
	const char *id;     /* "p_uploads": no bucket's id starts with p_ */
	const char **lines; /* its name, what it is, its key when the name hides it */
	size_t nlines;
	struct graph_member *members; /* the spec's order */
	size_t nmembers;
};

struct crrc_graph {
	const struct crrc_desired *ds;
	const char *title;            /* the spec's name */
	struct graph_node *nodes;     /* one per bucket, by bucket index */
	size_t nnodes;
	size_t *node_order;           /* node indices, cluster by cluster */
	struct graph_cluster *clusters;
	size_t nclusters;
	struct graph_edge *edges;     /* entry by entry, rule by rule */
	size_t nedges;
	struct graph_residency *residency;
	size_t nresidency;
	struct graph_point *points;   /* the spec's order */
	size_t npoints;
	struct arena *arena;          /* owns everything above */
};

/* The graph of ds; d (may be NULL) holds the spec's diagnostics, whose
 * warnings at a rule mark its edge. Linear in the spec's size. */
struct crrc_graph *graph_create(const struct crrc_desired *ds, const struct crrc_diags *d);
void graph_destroy(struct crrc_graph *g); /* NULL is fine */

/* The renderers: the whole text appended to out. */
void graph_render_dot(const struct crrc_graph *g, struct buf *out);
void graph_render_mermaid(const struct crrc_graph *g, struct buf *out);
/* SVG from the DOT text, laid out by Graphviz's dot in-process; false, with
 * Graphviz's reason in *err (static or NULL), when it fails. */
bool graph_render_svg(const struct crrc_graph *g, struct buf *out, const char **err);

/* The formats, for the command line. */
enum graph_format { GRAPH_DOT, GRAPH_MERMAID, GRAPH_SVG };
bool graph_format_find(const char *name, enum graph_format *f);
bool graph_render(const struct crrc_graph *g, enum graph_format f, struct buf *out,
		  const char **err);

#endif
