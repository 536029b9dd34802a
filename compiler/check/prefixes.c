/* prefixes.c: the forest of distinct prefixes (prefixes.h). Texts are
 * numbered by pointer, then by content; the forest comes from one prefix
 * table of the distinct texts, where a walk along each text meets its
 * ancestors, shortest first; the walk of the forest is iterative. */
#include "check/prefixes.h"

#include <stdbool.h>
#include <stdlib.h>

#include "base/arena.h"
#include "base/oom.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "check/ptab.h"

#define PREFIX_NONE UINT32_MAX

struct prefix {
	const char *s;
	size_t len;
	uint32_t parent;
	struct prefix_span span;
};

struct prefixes {
	struct arena *a;
	struct ptrmap *by_ptr;  /* text pointer -> number + 1 */
	struct strmap *by_text; /* text -> number + 1 */
	struct prefix *v;
	size_t n, cap;
};

struct prefixes *prefixes_create(struct arena *a, size_t expected)
{
	struct prefixes *p = arena_alloc(a, sizeof(*p));
	p->a = a;
	p->by_ptr = ptrmap_create(a, expected);
	p->by_text = strmap_create(a, expected);
	return p;
}

void prefixes_destroy(struct prefixes *p)
{
	if (p)
		free(p->v);
}

uint32_t prefixes_add(struct prefixes *p, const char *s, size_t len)
{
	bool fresh;
	void **slot = ptrmap_slot(p->by_ptr, s, len + 1, &fresh);
	if (!fresh)
		return (uint32_t)((uintptr_t)*slot - 1);
	void *num = (void *)(uintptr_t)(p->n + 1);
	if (strmap_put(p->by_text, s, len, num, &num)) {
		if (p->n == p->cap) {
			p->cap = p->cap ? p->cap * 2 : 64;
			p->v = xrealloc(p->v, p->cap * sizeof(*p->v));
		}
		p->v[p->n++] = (struct prefix){s, len, PREFIX_NONE, {0, 0}};
	}
	*ptrmap_slot(p->by_ptr, s, len + 1, &fresh) = num;
	return (uint32_t)((uintptr_t)num - 1);
}

static bool prefixes_meet(void *item, void *ctx)
{
	*(uint32_t *)ctx = (uint32_t)((uintptr_t)item - 1);
	return true;
}

/* Each prefix's parent: the last (longest) shorter prefix met on its way. */
static void prefixes_parents(struct prefixes *p)
{
	struct ptab *t = ptab_create(p->n);
	for (size_t i = 0; i < p->n; i++)
		ptab_add(t, 0, p->v[i].s, p->v[i].len, (void *)(uintptr_t)(i + 1));
	for (size_t i = 0; i < p->n; i++) {
		uint32_t parent = PREFIX_NONE;
		if (p->v[i].len > 0)
			ptab_walk(t, 0, p->v[i].s, p->v[i].len, p->v[i].len - 1, prefixes_meet,
				  &parent);
		p->v[i].parent = parent;
	}
	ptab_destroy(t);
}

/* The walk: children listed by parent (counted, then placed), then visited
 * depth first with an explicit stack. */
void prefixes_done(struct prefixes *p)
{
	prefixes_parents(p);
	size_t n = p->n;
	uint32_t *start = xcalloc(n + 2, sizeof(*start)), *kids = xcalloc(n + 1, sizeof(*kids));
	uint32_t *stack = xcalloc(n + 1, sizeof(*stack)), *next = xcalloc(n + 1, sizeof(*next));
	for (size_t i = 0; i < n; i++) /* slot n holds the roots */
		start[(p->v[i].parent == PREFIX_NONE ? n : p->v[i].parent) + 1]++;
	for (size_t i = 0; i <= n; i++)
		start[i + 1] += start[i];
	for (size_t i = 0; i <= n; i++)
		next[i] = start[i];
	for (size_t i = 0; i < n; i++)
		kids[next[p->v[i].parent == PREFIX_NONE ? n : p->v[i].parent]++] = (uint32_t)i;
	for (size_t i = 0; i <= n; i++)
		next[i] = start[i];
	uint32_t clock = 0;
	size_t depth = 0;
	stack[depth++] = (uint32_t)n;
	while (depth) {
		uint32_t top = stack[depth - 1];
		if (next[top] < start[top + 1]) {
			uint32_t kid = kids[next[top]++];
			p->v[kid].span.in = clock++;
			stack[depth++] = kid;
			continue;
		}
		if (top != n)
			p->v[top].span.out = clock;
		depth--;
	}
	free(start);
	free(kids);
	free(stack);
	free(next);
}

struct prefix_span prefixes_span(const struct prefixes *p, uint32_t id)
{
	return p->v[id].span;
}
