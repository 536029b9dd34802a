/* graph.c: the review graph (graph.h) from the desired state, in linear
 * passes: nodes and their clusters (a counting sort by place), the edges
 * with their labels, two-way pairs (a hash set of (from, to)), residency
 * (a trie of the policies' prefixes, a map of their regions) and the
 * warnings check put at a rule (a map from spec positions to edges), and
 * the Multi-Region Access Points with their members. */
#include "review/graph.h"

#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/oom.h"
#include "base/strmap.h"
#include "diag/diag.h"
#include "review/graph_impl.h"

#define GRAPH_NONE SIZE_MAX

/* A node of the trie of residency prefixes: one per distinct prefix of a
 * policy's prefix. policy: the first policy with exactly this prefix, or
 * GRAPH_NONE; below: the first policy in its subtree. */
struct trie {
	struct trie *child, *next;
	unsigned char c;
	size_t policy, below;
};

struct build {
	struct crrc_graph *g;
	struct arena *tmp;
	struct trie root;
	struct strmap *regions; /* region -> first policy allowing it, plus one */
};

/* An identifier made of [a-z0-9_] from a bucket key ([a-z0-9-] after
 * E031): '-' becomes '_', any other byte "_X" and two hex digits, which no
 * key can spell, so that distinct keys give distinct identifiers. */
static const char *graph_id(struct arena *a, const char *prefix, const char *key)
{
	size_t n = strlen(prefix), len = strlen(key);
	char *out = arena_alloc(a, n + 4 * len + 1), *p = out + n;
	memcpy(out, prefix, n);
	for (const unsigned char *k = (const unsigned char *)key; *k; k++) {
		if ((*k >= 'a' && *k <= 'z') || (*k >= '0' && *k <= '9'))
			*p++ = (char)*k;
		else if (*k == '-')
			*p++ = '_';
		else
			p += sprintf(p, "_X%02X", *k);
	}
	*p = '\0';
	return out;
}

static void trie_add(struct build *bd, const char *s, size_t len, size_t policy)
{
	struct trie *t = &bd->root;
	if (t->below == GRAPH_NONE)
		t->below = policy;
	for (size_t i = 0; i < len; i++) {
		struct trie *c = t->child;
		while (c && c->c != (unsigned char)s[i])
			c = c->next;
		if (!c) {
			c = arena_alloc(bd->tmp, sizeof(*c));
			*c = (struct trie){.next = t->child, .c = (unsigned char)s[i],
					   .policy = GRAPH_NONE, .below = policy};
			t->child = c;
		}
		t = c;
	}
	if (t->policy == GRAPH_NONE)
		t->policy = policy;
}

/* The first policy (by the order of the walk) whose objects a filter with
 * prefix s may select: one whose prefix starts s, or one that s starts. */
static size_t trie_match(const struct build *bd, const char *s, size_t len)
{
	const struct trie *t = &bd->root;
	for (size_t i = 0; i < len; i++) {
		if (t->policy != GRAPH_NONE)
			return t->policy;
		const struct trie *c = t->child;
		while (c && c->c != (unsigned char)s[i])
			c = c->next;
		if (!c)
			return GRAPH_NONE;
		t = c;
	}
	return t->policy != GRAPH_NONE ? t->policy : t->below;
}

static void residency_build(struct build *bd)
{
	const struct crrc_model *m = bd->g->ds->m;
	struct crrc_graph *g = bd->g;
	bd->root = (struct trie){.policy = GRAPH_NONE, .below = GRAPH_NONE};
	bd->regions = strmap_create(bd->tmp, 16);
	g->residency = arena_array(g->arena, m->nresidency, sizeof(*g->residency));
	for (size_t i = 0; i < m->nresidency; i++) {
		const struct crrc_residency *r = &m->residency[i];
		struct graph_residency *out = &g->residency[g->nresidency++];
		out->prefix = arena_strndup(g->arena, crrc_text(&r->prefix), crrc_textlen(&r->prefix));
		out->prefix_len = crrc_textlen(&r->prefix);
		struct buf b = BUF_INIT;
		for (size_t j = 0; j < r->nregions; j++) {
			const char *code = crrc_text(&r->regions[j]);
			buf_printf(&b, "%s%s", j ? ", " : "", code);
			strmap_put(bd->regions, code, strlen(code), (void *)(uintptr_t)(i + 1), NULL);
		}
		out->regions = arena_strdup(g->arena, b.data ? b.data : "");
		buf_free(&b);
		trie_add(bd, out->prefix, out->prefix_len, i);
	}
}

static size_t region_policy(const struct build *bd, const char *region)
{
	uintptr_t v = (uintptr_t)strmap_get(bd->regions, region, strlen(region));
	return v ? (size_t)v - 1 : GRAPH_NONE;
}

static const char *place_label(struct arena *a, const struct ds_place *p)
{
	if (!p->account)
		return arena_concat(a, "deploying account · ", p->region, (char *)NULL);
	if (p->account->alias)
		return arena_concat(a, "account ", p->account->id, " (", p->account->alias, ") · ",
				    p->region, (char *)NULL);
	return arena_concat(a, "account ", p->account->id, " · ", p->region, (char *)NULL);
}

/* Clusters in the order of the places, nodes grouped by them (a counting
 * sort, stable: the spec's order within a cluster). */
static void nodes_build(struct build *bd)
{
	struct crrc_graph *g = bd->g;
	const struct crrc_desired *ds = g->ds;
	g->nclusters = ds->nplaces;
	g->clusters = arena_array(g->arena, ds->nplaces, sizeof(*g->clusters));
	g->nnodes = ds->nbuckets;
	g->nodes = arena_array(g->arena, ds->nbuckets, sizeof(*g->nodes));
	g->node_order = arena_array(g->arena, ds->nbuckets, sizeof(*g->node_order));
	for (size_t i = 0; i < ds->nplaces; i++) {
		struct graph_cluster *c = &g->clusters[i];
		c->place = &ds->places[i];
		c->id = arena_printf(g->arena, "c%zu", i);
		c->label = place_label(g->arena, c->place);
		c->residency = region_policy(bd, c->place->region) != GRAPH_NONE;
	}
	for (size_t i = 0; i < ds->nbuckets; i++) {
		struct graph_node *n = &g->nodes[i];
		n->bucket = &ds->buckets[i];
		n->id = graph_id(g->arena, "b_", n->bucket->key);
		n->cluster = (size_t)(n->bucket->place - ds->places);
		n->residency = region_policy(bd, n->bucket->place->region);
		g->clusters[n->cluster].n++;
	}
	for (size_t i = 1; i < g->nclusters; i++)
		g->clusters[i].first = g->clusters[i - 1].first + g->clusters[i - 1].n;
	size_t *fill = arena_array(bd->tmp, g->nclusters ? g->nclusters : 1, sizeof(*fill));
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct graph_cluster *c = &g->clusters[g->nodes[i].cluster];
		g->node_order[c->first + fill[g->nodes[i].cluster]++] = i;
	}
}

/* Count the edges, then fill them entry by entry. */
static void edges_build(struct build *bd)
{
	struct crrc_graph *g = bd->g;
	const struct crrc_desired *ds = g->ds;
	size_t n = 0;
	for (size_t i = 0; i < ds->nreplications; i++)
		n += ds->replications[i].nrules;
	g->edges = arena_array(g->arena, n ? n : 1, sizeof(*g->edges));
	for (size_t i = 0; i < ds->nreplications; i++) {
		const struct ds_replication *r = &ds->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const struct ds_rule *rule = &r->rules[j];
			struct graph_edge *e = &g->edges[g->nedges++];
			e->rule = rule;
			e->from = r->source->index;
			e->to = rule->dest->index;
			e->enabled = rule->enabled;
			e->residency = trie_match(bd, rule->prefix ? rule->prefix->s : "",
						  rule->prefix ? rule->prefix->len : 0);
		}
	}
}

/* A node per access point, an edge to each member: its route. */
static void points_build(struct build *bd)
{
	struct crrc_graph *g = bd->g;
	const struct crrc_desired *ds = g->ds;
	g->npoints = ds->npoints;
	g->points = arena_array(g->arena, ds->npoints ? ds->npoints : 1, sizeof(*g->points));
	for (size_t i = 0; i < ds->npoints; i++) {
		const struct ds_access_point *p = &ds->points[i];
		struct graph_point *gp = &g->points[i];
		gp->point = p;
		gp->id = graph_id(g->arena, "p_", p->key);
		gp->nmembers = p->nmembers;
		gp->members = arena_array(g->arena, p->nmembers ? p->nmembers : 1,
					  sizeof(*gp->members));
		for (size_t j = 0; j < p->nmembers; j++) {
			const struct ds_point_member *m = &p->members[j];
			gp->members[j] = (struct graph_member){
				.node = m->bucket->index, .active = m->active,
				.label = m->active ? "active" : "passive"};
		}
	}
}

/* An enabled edge whose destination has an enabled edge back. */
static void two_way_build(struct build *bd)
{
	struct crrc_graph *g = bd->g;
	struct strmap *pairs = strmap_create(bd->tmp, g->nedges);
	size_t(*keys)[2] = arena_array(bd->tmp, g->nedges ? g->nedges : 1, sizeof(*keys));
	for (size_t i = 0; i < g->nedges; i++) {
		keys[i][0] = g->edges[i].from;
		keys[i][1] = g->edges[i].to;
		if (g->edges[i].enabled)
			strmap_put(pairs, (const char *)keys[i], sizeof(keys[i]), &g->edges[i], NULL);
	}
	for (size_t i = 0; i < g->nedges; i++) {
		size_t back[2] = {g->edges[i].to, g->edges[i].from};
		g->edges[i].two_way = g->edges[i].enabled &&
				      strmap_get(pairs, (const char *)back, sizeof(back));
	}
}

/* The spec positions where check reports a warning about a rule or a
 * bucket, each to its edge or node: (line, col) -> index + 1. */
struct warn_map {
	struct strmap *map;
	uint32_t (*keys)[2];
	size_t n;
};

static void warn_key(struct warn_map *w, struct crrc_pos p, size_t v)
{
	if (p.line == 0)
		return;
	w->keys[w->n][0] = p.line;
	w->keys[w->n][1] = p.col;
	strmap_put(w->map, (const char *)w->keys[w->n], sizeof(w->keys[0]), (void *)(uintptr_t)v,
		   NULL);
	w->n++;
}

/* Edges are numbered 1..nedges, nodes from nedges + 1 on. */
static struct warn_map warn_map_build(struct build *bd)
{
	const struct crrc_graph *g = bd->g;
	size_t n = 5 * g->nedges + 2 * g->nnodes;
	struct warn_map w = {.map = strmap_create(bd->tmp, n)};
	w.keys = arena_array(bd->tmp, n ? n : 1, sizeof(*w.keys));
	for (size_t i = 0; i < g->nedges; i++) {
		const struct crrc_rule *r = g->edges[i].rule->spec;
		warn_key(&w, r->destination.pos, i + 1);
		warn_key(&w, r->pos, i + 1);
		warn_key(&w, r->existing_objects.pos, i + 1);
		warn_key(&w, r->filter.tags.pos, i + 1);
		warn_key(&w, r->replica_kms_key.pos, i + 1);
	}
	for (size_t i = 0; i < g->nnodes; i++) {
		const struct crrc_bucket *b = g->nodes[i].bucket->spec;
		warn_key(&w, b->name.pos, g->nedges + i + 1);
		warn_key(&w, b->key.pos, g->nedges + i + 1);
	}
	return w;
}

static void warn_add(struct arena *a, struct graph_warning **v, size_t *n, enum crrc_code c)
{
	const char *code = crrc_code_name(c);
	for (size_t i = 0; i < *n; i++)
		if ((*v)[i].code == code)
			return;
	struct graph_warning *grown = arena_array(a, *n + 1, sizeof(*grown));
	if (*n)
		memcpy(grown, *v, *n * sizeof(*grown));
	grown[(*n)++] = (struct graph_warning){code, crrc_code_slug(c)};
	*v = grown;
}

/* Each warning that is shown (not ignored) marks what it is about. An
 * element has a few warnings at most: growing its array by copying stays
 * linear. */
static void warnings_build(struct build *bd, const struct crrc_diags *d)
{
	struct crrc_graph *g = bd->g;
	if (!d)
		return;
	struct warn_map w = warn_map_build(bd);
	for (size_t i = 0; i < diags_count(d); i++) {
		const struct crrc_diag *x = diags_at(d, i);
		if (x->sev != CRRC_WARNING || x->ignored)
			continue;
		uint32_t key[2] = {x->pos.line, x->pos.col};
		size_t v = (size_t)(uintptr_t)strmap_get(w.map, (const char *)key, sizeof(key));
		if (v == 0)
			continue;
		if (v <= g->nedges)
			warn_add(g->arena, &g->edges[v - 1].warnings, &g->edges[v - 1].nwarnings,
				 x->code);
		else
			warn_add(g->arena, &g->nodes[v - 1 - g->nedges].warnings,
				 &g->nodes[v - 1 - g->nedges].nwarnings, x->code);
	}
}

struct crrc_graph *graph_create(const struct crrc_desired *ds, const struct crrc_diags *d)
{
	struct arena *a = arena_create_sized(64 * 1024);
	struct crrc_graph *g = arena_alloc(a, sizeof(*g));
	*g = (struct crrc_graph){.ds = ds, .arena = a, .title = ds->name ? ds->name : "crrc"};
	struct build bd = {.g = g, .tmp = arena_create_sized(64 * 1024)};
	residency_build(&bd);
	nodes_build(&bd);
	edges_build(&bd);
	two_way_build(&bd);
	points_build(&bd);
	warnings_build(&bd, d);
	graph_labels_build(g);
	arena_destroy(bd.tmp);
	return g;
}

void graph_destroy(struct crrc_graph *g)
{
	if (g)
		arena_destroy(g->arena);
}

bool graph_format_find(const char *name, enum graph_format *f)
{
	static const char *const names[] = {"dot", "mermaid", "svg"};
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (strcmp(name, names[i]) == 0) {
			*f = (enum graph_format)i;
			return true;
		}
	return false;
}

bool graph_render(const struct crrc_graph *g, enum graph_format f, struct buf *out,
		  const char **err)
{
	*err = NULL;
	switch (f) {
	case GRAPH_DOT:
		graph_render_dot(g, out);
		return true;
	case GRAPH_MERMAID:
		graph_render_mermaid(g, out);
		return true;
	case GRAPH_SVG:
		return graph_render_svg(g, out, err);
	}
	return false;
}
