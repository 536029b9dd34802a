/* ptrmap.c: open-addressing (linear probing) pointer map in an arena; a
 * table at most half full, a slot 16 bytes. */
#include "base/ptrmap.h"

#include <stdint.h>

#include "base/arena.h"

struct pslot {
	const void *key; /* NULL: empty */
	void *val;
};

struct ptrmap {
	struct arena *arena;
	struct pslot *slots;
	size_t cap, n;
};

static size_t ptrmap_hash(const void *key)
{
	uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull;
	return (size_t)(h ^ (h >> 29));
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

static struct pslot *ptrmap_find(const struct ptrmap *m, const void *key)
{
	size_t mask = m->cap - 1;
	for (size_t i = ptrmap_hash(key) & mask;; i = (i + 1) & mask)
		if (!m->slots[i].key || m->slots[i].key == key)
			return &m->slots[i];
}

static void ptrmap_grow(struct ptrmap *m)
{
	struct pslot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap *= 2;
	m->slots = arena_array(m->arena, m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*ptrmap_find(m, old[i].key) = old[i];
}

void *ptrmap_get(const struct ptrmap *m, const void *key)
{
	return key ? ptrmap_find(m, key)->val : NULL;
}

void **ptrmap_slot(struct ptrmap *m, const void *key, bool *fresh)
{
	if ((m->n + 1) * 2 > m->cap)
		ptrmap_grow(m);
	struct pslot *s = ptrmap_find(m, key);
	*fresh = !s->key;
	if (*fresh) {
		s->key = key;
		m->n++;
	}
	return &s->val;
}

bool ptrmap_put(struct ptrmap *m, const void *key, void *val, void **old)
{
	bool fresh;
	void **v = ptrmap_slot(m, key, &fresh);
	if (fresh)
		*v = val;
	else if (old)
		*old = *v;
	return fresh;
}

size_t ptrmap_count(const struct ptrmap *m)
{
	return m->n;
}
