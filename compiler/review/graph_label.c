/* graph_label.c: the text of the review graph's labels, as lines of plain
 * text (the renderers escape them): for an edge, the rule id and whether
 * it is disabled, its filter, what it does (priority, RTC, delete markers,
 * storage class, owner override, replica key), the residency prefix it
 * carries and what check warned about; for a node, the bucket's key, its
 * S3 name, what it has, and its warnings; for an access point, its key, its
 * name and what it is. */
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "review/graph_impl.h"

#define LABEL_MAX_LINES 8
#define FACTS_PER_LINE 3

struct lines {
	const char *v[LABEL_MAX_LINES];
	size_t n;
};

static void lines_add(struct lines *l, const char *s)
{
	if (l->n < LABEL_MAX_LINES)
		l->v[l->n++] = s;
}

static const char **lines_take(struct arena *a, const struct lines *l, size_t *n)
{
	const char **v = arena_array(a, l->n ? l->n : 1, sizeof(*v));
	memcpy(v, l->v, l->n * sizeof(*v));
	*n = l->n;
	return v;
}

/* facts joined with " · ", FACTS_PER_LINE a line */
static void facts_add(struct arena *a, struct lines *l, const char *const *facts, size_t n)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_puts(&b, i % FACTS_PER_LINE ? " · " : "");
		buf_puts(&b, facts[i]);
		if (i % FACTS_PER_LINE == FACTS_PER_LINE - 1 || i + 1 == n) {
			lines_add(l, arena_strndup(a, b.data, b.len));
			b.len = 0;
		}
	}
	buf_free(&b);
}

static void warnings_add(struct arena *a, struct lines *l, const struct graph_warning *w,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		lines_add(l, arena_concat(a, "⚠ ", w[i].code, " ", w[i].slug, (char *)NULL));
}

/* "filter: media/ + tier=hot, team=ml"; "filter: every object" */
static const char *filter_text(struct arena *a, const struct ds_rule *r)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "filter: ");
	if (r->prefix && r->prefix->len)
		buf_put(&b, r->prefix->s, r->prefix->len);
	else if (r->tags->n == 0)
		buf_puts(&b, "every object");
	for (size_t i = 0; i < r->tags->n; i++) {
		const struct crrc_tag *t = &r->tags->v[i];
		buf_puts(&b, i ? ", " : r->prefix && r->prefix->len ? " + tag " : "tag ");
		buf_put(&b, t->key.s, t->key.len);
		buf_putc(&b, '=');
		buf_put(&b, crrc_text(&t->value), crrc_textlen(&t->value));
	}
	const char *s = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return s;
}

static void edge_label(struct crrc_graph *g, struct graph_edge *e)
{
	struct arena *a = g->arena;
	const struct ds_rule *r = e->rule;
	struct lines l = {0};
	const char *id = r->id ? arena_strndup(a, r->id->s, r->id->len) : "(without id)";
	lines_add(&l, e->enabled ? id : arena_concat(a, id, " (disabled)", (char *)NULL));
	lines_add(&l, filter_text(a, r));
	const char *facts[8];
	size_t n = 0;
	facts[n++] = arena_printf(a, "priority %lld", r->priority);
	if (r->rtc_minutes)
		facts[n++] = arena_printf(a, "RTC %d min", r->rtc_minutes);
	if (r->delete_markers)
		facts[n++] = "delete markers";
	if (r->storage_class)
		facts[n++] = arena_strndup(a, r->storage_class->s, r->storage_class->len);
	if (r->owner_override)
		facts[n++] = "owner: destination";
	if (r->replica_kms_key)
		facts[n++] = "replica key";
	if (r->replica_modifications)
		facts[n++] = "replica modifications";
	if (e->two_way)
		facts[n++] = "two-way";
	facts_add(a, &l, facts, n);
	if (e->residency != SIZE_MAX)
		lines_add(&l, arena_concat(a, "residency: ", g->residency[e->residency].prefix,
					   (char *)NULL));
	warnings_add(a, &l, e->warnings, e->nwarnings);
	e->lines = lines_take(a, &l, &e->nlines);
}

static void node_label(struct crrc_graph *g, struct graph_node *n)
{
	struct arena *a = g->arena;
	const struct ds_bucket *b = n->bucket;
	struct lines l = {0};
	lines_add(&l, b->key);
	if (b->name && strcmp(b->name, b->key) != 0)
		lines_add(&l, b->name);
	const char *facts[4];
	size_t k = 0;
	if (!b->create)
		facts[k++] = "existing";
	if (b->object_lock)
		facts[k++] = "object lock";
	if (b->kms_key)
		facts[k++] = "SSE-KMS";
	facts_add(a, &l, facts, k);
	if (n->residency != SIZE_MAX)
		lines_add(&l, arena_concat(a, "residency region: ", g->residency[n->residency].prefix,
					   (char *)NULL));
	warnings_add(a, &l, n->warnings, n->nwarnings);
	n->lines = lines_take(a, &l, &n->nlines);
}

static void point_label(struct crrc_graph *g, struct graph_point *p)
{
	struct lines l = {0};
	lines_add(&l, p->point->key);
	if (strcmp(p->point->name, p->point->key) != 0)
		lines_add(&l, p->point->name);
	lines_add(&l, "Multi-Region Access Point");
	p->lines = lines_take(g->arena, &l, &p->nlines);
}

void graph_labels_build(struct crrc_graph *g)
{
	for (size_t i = 0; i < g->npoints; i++)
		point_label(g, &g->points[i]);
	for (size_t i = 0; i < g->nedges; i++)
		edge_label(g, &g->edges[i]);
	for (size_t i = 0; i < g->nnodes; i++)
		node_label(g, &g->nodes[i]);
}

bool graph_invisible(unsigned cp)
{
	return cp < 0x20 || (cp >= 0x7F && cp < 0xA0) || cp == 0xAD ||
	       (cp >= 0x200B && cp <= 0x200F) || (cp >= 0x2028 && cp <= 0x202E) ||
	       (cp >= 0x2060 && cp <= 0x2069) || cp == 0xFEFF || (cp >= 0xD800 && cp <= 0xDFFF);
}

unsigned graph_utf8_decode(const char *s, size_t max, size_t *w)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = u[0] < 0x80 ? 1 : u[0] < 0xC2 ? 0 : u[0] < 0xE0 ? 2 : u[0] < 0xF0 ? 3
		   : u[0] < 0xF5 ? 4 : 0;
	if (n == 0 || n > max) {
		*w = 1;
		return u[0];
	}
	unsigned cp = n == 1 ? u[0] : u[0] & (0xFF >> (n + 1));
	for (size_t i = 1; i < n; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			*w = 1;
			return u[0];
		}
		cp = cp << 6 | (u[i] & 0x3F);
	}
	*w = n;
	return cp;
}
