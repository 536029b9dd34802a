/* ptrmap.c: open-addressing (linear probing) map from (pointer, number) in
 * an arena; a table at most half full. */
#include "base/ptrmap.h"

#include "base/arena.h"

struct pslot {
	const void *key; /* (NULL, 0): empty */
	uint64_t n;
	void *val;
};

struct ptrmap {
	struct arena *arena;
	struct pslot *slots;
	size_t cap, count;
};

static size_t ptrmap_hash(const void *key, uint64_t n)
{
	uint64_t h = ((uint64_t)(uintptr_t)key ^ (n * 0xC2B2AE3D27D4EB4Full)) * 0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 31));
}

struct ptrmap *ptrmap_create(struct arena *a, size_t expected)
{
	struct ptrmap *m = arena_alloc(a, sizeof(*m));
	size_t cap = 16;
	while (cap / 2 < expected + 1)
		cap *= 2;
	m->arena = a;
	m->cap = cap;
	m->slots = arena_array(a, cap, sizeof(*m->slots));
	return m;
}

static bool ptrmap_empty(const struct pslot *s)
{
	return !s->key && !s->n;
}

static struct pslot *ptrmap_find(const struct ptrmap *m, const void *key, uint64_t n)
{
	size_t mask = m->cap - 1;
	for (size_t i = ptrmap_hash(key, n) & mask;; i = (i + 1) & mask) {
		struct pslot *s = &m->slots[i];
		if (ptrmap_empty(s) || (s->key == key && s->n == n))
			return s;
	}
}

static void ptrmap_grow(struct ptrmap *m)
{
	struct pslot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap *= 2;
	m->slots = arena_array(m->arena, m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (!ptrmap_empty(&old[i]))
			*ptrmap_find(m, old[i].key, old[i].n) = old[i];
}

void *ptrmap_get(const struct ptrmap *m, const void *key, uint64_t n)
{
	return ptrmap_find(m, key, n)->val;
}

void **ptrmap_slot(struct ptrmap *m, const void *key, uint64_t n, bool *fresh)
{
	if ((m->count + 1) * 2 > m->cap)
		ptrmap_grow(m);
	struct pslot *s = ptrmap_find(m, key, n);
	*fresh = ptrmap_empty(s);
	if (*fresh) {
		s->key = key;
		s->n = n;
		m->count++;
	}
	return &s->val;
}

bool ptrmap_put(struct ptrmap *m, const void *key, uint64_t n, void *val, void **old)
{
	bool fresh;
	void **v = ptrmap_slot(m, key, n, &fresh);
	if (fresh)
		*v = val;
	else if (old)
		*old = *v;
	return fresh;
}

size_t ptrmap_count(const struct ptrmap *m)
{
	return m->count;
}
