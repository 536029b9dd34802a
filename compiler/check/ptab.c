/* ptab.c: the prefix table of the checks (ptab.h): a trie, so that every
 * question of prefix overlap stays linear. */
#include "check/ptab.h"

#include <stdlib.h>

#include "base/oom.h"

/* The prefix table is a trie: a node per distinct prefix of the keys, so no
 * step ever compares strings. A node's first child is kept in the node (a
 * chain of single children, the common case, is then a walk through
 * neighbouring memory); further children in one open-addressing hash table
 * of edges (parent, byte) -> child. Roots hang off node 0 under their
 * namespace. Each node keeps a list of items (indices + 1 into items). */
struct ptab_edge {
	uint64_t parent, label;
	size_t child; /* 0: empty slot */
};

struct ptab_node {
	size_t head, tail; /* items; 0 = none */
	uint64_t label;    /* of the first child */
	size_t child;      /* the first child; 0 = none */
};

struct ptab_item {
	void *item;
	size_t next;
};

struct ptab {
	struct ptab_edge *edges;
	size_t cap, nedges;
	struct ptab_node *nodes; /* node 0 is the super-root */
	size_t nnodes, capnodes;
	struct ptab_item *items;
	size_t nitems, capitems;
};

static void *ptab_grow_array(void *p, size_t *cap, size_t size)
{
	*cap = *cap ? *cap * 2 : 64;
	p = xrealloc(p, *cap * size);
	return p;
}

static uint64_t ptab_mix(uint64_t parent, uint64_t label)
{
	uint64_t h = parent * 0x9E3779B97F4A7C15ull ^ label * 0xC2B2AE3D27D4EB4Full;
	h ^= h >> 29;
	h *= 0xBF58476D1CE4E5B9ull;
	return h ^ (h >> 32);
}

struct ptab *ptab_create(size_t expected)
{
	struct ptab *t = xcalloc(1, sizeof(*t));
	t->cap = 16;
	while (t->cap < expected * 2)
		t->cap *= 2;
	t->edges = xcalloc(t->cap, sizeof(*t->edges));
	t->nodes = ptab_grow_array(NULL, &t->capnodes, sizeof(*t->nodes));
	t->nodes[0] = (struct ptab_node){0};
	t->nnodes = 1;
	return t;
}

void ptab_destroy(struct ptab *t)
{
	if (!t)
		return;
	free(t->edges);
	free(t->nodes);
	free(t->items);
	free(t);
}

static struct ptab_edge *ptab_slot(const struct ptab *t, uint64_t parent, uint64_t label)
{
	size_t mask = t->cap - 1;
	for (size_t i = (size_t)ptab_mix(parent, label) & mask;; i = (i + 1) & mask) {
		struct ptab_edge *e = &t->edges[i];
		if (!e->child || (e->parent == parent && e->label == label))
			return e;
	}
}

static void ptab_rehash(struct ptab *t)
{
	struct ptab_edge *old = t->edges;
	size_t oldcap = t->cap;
	t->cap *= 2;
	t->edges = xcalloc(t->cap, sizeof(*t->edges));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].child)
			*ptab_slot(t, old[i].parent, old[i].label) = old[i];
	free(old);
}

/* The child of node under label; 0 when there is none. */
static size_t ptab_child(const struct ptab *t, size_t node, uint64_t label)
{
	const struct ptab_node *n = &t->nodes[node];
	if (n->child && n->label == label)
		return n->child;
	return n->child ? ptab_slot(t, node, label)->child : 0;
}

static size_t ptab_child_add(struct ptab *t, size_t node, uint64_t label)
{
	size_t child = ptab_child(t, node, label);
	if (child)
		return child;
	if (t->nnodes == t->capnodes)
		t->nodes = ptab_grow_array(t->nodes, &t->capnodes, sizeof(*t->nodes));
	child = t->nnodes++;
	t->nodes[child] = (struct ptab_node){0};
	struct ptab_node *n = &t->nodes[node];
	if (!n->child) {
		n->label = label;
		n->child = child;
		return child;
	}
	if ((t->nedges + 1) * 2 > t->cap)
		ptab_rehash(t);
	*ptab_slot(t, node, label) = (struct ptab_edge){node, label, child};
	t->nedges++;
	return child;
}

static void ptab_attach(struct ptab *t, size_t node, void *item)
{
	if (t->nitems == t->capitems)
		t->items = ptab_grow_array(t->items, &t->capitems, sizeof(*t->items));
	t->items[t->nitems] = (struct ptab_item){item, 0};
	size_t at = ++t->nitems;
	struct ptab_node *l = &t->nodes[node];
	if (l->tail)
		t->items[l->tail - 1].next = at;
	else
		l->head = at;
	l->tail = at;
}

void ptab_add(struct ptab *t, uint64_t ns, const char *s, size_t len, void *item)
{
	size_t node = ptab_child_add(t, 0, ns);
	for (size_t i = 0; i < len; i++)
		node = ptab_child_add(t, node, (unsigned char)s[i]);
	ptab_attach(t, node, item);
}

void ptab_add_prefixes(struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
		       void *item)
{
	size_t node = ptab_child_add(t, 0, ns);
	for (size_t l = 0; l < len && l <= max_len; l++) {
		ptab_attach(t, node, item);
		if (l + 1 < len && l + 1 <= max_len)
			node = ptab_child_add(t, node, (unsigned char)s[l]);
	}
}

static bool ptab_visit(const struct ptab *t, size_t node, bool (*fn)(void *item, void *ctx),
		       void *ctx)
{
	for (size_t i = t->nodes[node].head; i; i = t->items[i - 1].next)
		if (!fn(t->items[i - 1].item, ctx))
			return false;
	return true;
}

bool ptab_each(const struct ptab *t, uint64_t ns, const char *s, size_t len,
	       bool (*fn)(void *item, void *ctx), void *ctx)
{
	size_t node = ptab_child(t, 0, ns);
	for (size_t i = 0; node && i < len; i++)
		node = ptab_child(t, node, (unsigned char)s[i]);
	return !node || ptab_visit(t, node, fn, ctx);
}

bool ptab_walk(const struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
	       bool (*fn)(void *item, void *ctx), void *ctx)
{
	if (len > max_len)
		len = max_len;
	size_t node = ptab_child(t, 0, ns);
	for (size_t l = 0; node; l++) {
		if (!ptab_visit(t, node, fn, ctx))
			return false;
		if (l == len)
			break;
		node = ptab_child(t, node, (unsigned char)s[l]);
	}
	return true;
}
