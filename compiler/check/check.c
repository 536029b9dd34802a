/* passes.c: the table of passes, run in order (resolution first), and the
 * helpers several passes share: digit and ARN scanning, and the prefix table
 * that keeps prefix-overlap questions linear. */
#include "check/checks.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "base/strmap.h"
#include "base/util.h"

static const struct pass {
	const char *name;
	crrc_pass_fn run;
} passes[] = {
	{"resolve", pass_resolve},   {"names", pass_names}, {"tags", pass_tags},
	{"kms", pass_kms},           {"rules", pass_rules}, {"topology", pass_topology},
	{"policies", pass_policies}, {"iam", pass_iam},
};

void crrc_passes_run(struct crrc_model *m, struct crrc_diags *d)
{
	if (!m || !d)
		return;
	for (size_t i = 0; i < sizeof(passes) / sizeof(passes[0]); i++)
		passes[i].run(m, d);
}

struct strmap *pass_region_index(struct arena *a)
{
	size_t n = crrc_region_count();
	struct strmap *index = strmap_create(a, n);
	for (size_t i = 0; i < n; i++) {
		const struct crrc_region *r = crrc_region_at(i);
		strmap_put(index, r->code, strlen(r->code), (void *)r, NULL);
	}
	return index;
}

const struct crrc_region *pass_region(const struct strmap *index, const struct crrc_str *s,
				      struct crrc_diags *d)
{
	if (!pass_has(s))
		return NULL;
	const struct crrc_region *r =
		index ? strmap_get(index, s->s, s->len) : crrc_region_find(s->s);
	if (r)
		return r;
	size_t n = crrc_region_count();
	const char *sug = crrc_suggest_in(s->s, crrc_region_at(0), n, sizeof(*r),
					  offsetof(struct crrc_region, code));
	for (size_t i = 0; !sug && i < n; i++)
		if (strcasecmp(crrc_region_at(i)->code, s->s) == 0)
			sug = crrc_region_at(i)->code;
	if (sug)
		diags_add(d, CRRC_E034, s->pos, "unknown region '%s'; did you mean '%s'?", s->s,
			  sug);
	else
		diags_add(d, CRRC_E034, s->pos,
			  "unknown region '%s': give an AWS region code, such as us-east-1", s->s);
	return NULL;
}

size_t pass_char_at(const char *s, size_t len, size_t i, char buf[8])
{
	size_t n = 1;
	while (i + n < len && n < 4 && ((unsigned char)s[i + n] & 0xC0) == 0x80)
		n++;
	memcpy(buf, s + i, n);
	buf[n] = '\0';
	return n;
}

bool pass_all_digits(const char *s, size_t len)
{
	if (!s || len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool pass_is_digits(const char *s, size_t len, size_t n)
{
	return len == n && pass_all_digits(s, len);
}

bool pass_field_is(const char *f, size_t flen, const char *word)
{
	return flen == strlen(word) && memcmp(f, word, flen) == 0;
}

bool pass_partition_known(const char *p, size_t len)
{
	return pass_field_is(p, len, "aws") || pass_field_is(p, len, "aws-cn") ||
	       pass_field_is(p, len, "aws-us-gov");
}

bool pass_arn_split(const char *s, size_t len, struct pass_arn *out)
{
	const char **fields[] = {&out->partition, &out->service, &out->region, &out->account};
	size_t *lens[] = {&out->partition_len, &out->service_len, &out->region_len,
			  &out->account_len};
	if (!s || len < 4 || memcmp(s, "arn:", 4) != 0)
		return false;
	size_t i = 4;
	for (size_t f = 0; f < 4; f++) {
		const char *colon = memchr(s + i, ':', len - i);
		if (!colon)
			return false;
		*fields[f] = s + i;
		*lens[f] = (size_t)(colon - (s + i));
		i = (size_t)(colon - s) + 1;
	}
	out->resource = s + i;
	out->resource_len = len - i;
	return true;
}

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
	p = realloc(p, *cap * size);
	if (!p)
		abort();
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
	struct ptab *t = calloc(1, sizeof(*t));
	if (!t)
		abort();
	t->cap = 16;
	while (t->cap < expected * 2)
		t->cap *= 2;
	t->edges = calloc(t->cap, sizeof(*t->edges));
	t->nodes = ptab_grow_array(NULL, &t->capnodes, sizeof(*t->nodes));
	if (!t->edges)
		abort();
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
	t->edges = calloc(t->cap, sizeof(*t->edges));
	if (!t->edges)
		abort();
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
