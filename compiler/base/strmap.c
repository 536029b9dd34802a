/* strmap.c: open-addressing (linear probing) string map in an arena. Slots
 * are 24 bytes and the table at most 3/4 full: a 20,000-bucket spec's maps
 * take 0.8 MB each, not 2. */
#include "base/strmap.h"

#include <string.h>

#include "base/arena.h"

struct slot {
	const char *key;
	void *val;
	uint32_t len;  /* keys are parts of a file of at most 64 MiB */
	uint32_t hash; /* the hash's low bits: a cheap first comparison */
};

struct strmap {
	struct arena *arena;
	struct slot *slots;
	size_t cap, n;
};

uint64_t crrc_hash_more(uint64_t h, const void *data, size_t len)
{
	const unsigned char *p = data;
	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ull;
	}
	return h;
}

uint64_t crrc_hash(const void *data, size_t len)
{
	return crrc_hash_more(1469598103934665603ull, data, len);
}

struct strmap *strmap_create(struct arena *a, size_t expected)
{
	struct strmap *m = arena_alloc(a, sizeof(*m));
	size_t cap = 16;
	while (cap / 4 * 3 < expected + 1)
		cap *= 2;
	m->arena = a;
	m->cap = cap;
	m->slots = arena_array(a, cap, sizeof(*m->slots));
	return m;
}

static struct slot *find(const struct strmap *m, const char *key, size_t len, uint64_t h)
{
	size_t mask = m->cap - 1;
	for (size_t i = (size_t)(h >> 32) & mask;; i = (i + 1) & mask) {
		struct slot *s = &m->slots[i];
		if (!s->key)
			return s;
		if (s->hash == (uint32_t)h && s->len == len && memcmp(s->key, key, len) == 0)
			return s;
	}
}

static void grow(struct strmap *m)
{
	struct slot *old = m->slots;
	size_t oldcap = m->cap;
	m->cap *= 2;
	m->slots = arena_array(m->arena, m->cap, sizeof(*m->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].key)
			*find(m, old[i].key, old[i].len, crrc_hash(old[i].key, old[i].len)) = old[i];
}

void *strmap_get(const struct strmap *m, const char *key, size_t len)
{
	struct slot *s = find(m, key, len, crrc_hash(key, len));
	return s->key ? s->val : NULL;
}

bool strmap_put(struct strmap *m, const char *key, size_t len, void *val, void **old)
{
	if (m->n + 1 > m->cap / 4 * 3)
		grow(m);
	uint64_t h = crrc_hash(key, len);
	struct slot *s = find(m, key, len, h);
	if (s->key) {
		if (old)
			*old = s->val;
		return false;
	}
	s->key = key;
	s->len = (uint32_t)len;
	s->hash = (uint32_t)h;
	s->val = val;
	m->n++;
	return true;
}

void strmap_set(struct strmap *m, const char *key, size_t len, void *val)
{
	void *old;
	if (!strmap_put(m, key, len, val, &old)) {
		struct slot *s = find(m, key, len, crrc_hash(key, len));
		s->val = val;
	}
}

