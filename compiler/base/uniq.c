/* uniq.c: namespaces of generated names (uniq.h), one string map of
 * "<namespace>\n<name>" in an arena. */
#include "base/uniq.h"

#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"

struct uniq {
	struct arena *arena;
	struct strmap *taken;
	/* the key being looked up, in the arena: it grows by doubling, so
	 * what it leaves behind is at most twice the longest key */
	char *key;
	size_t len, cap;
};

struct uniq *uniq_create(struct arena *a, size_t expected)
{
	struct uniq *u = arena_alloc(a, sizeof(*u));
	u->arena = a;
	u->taken = strmap_create(a, expected);
	return u;
}

/* "<ns>\n<name><suffix>" in u->key: names hold no line feed. */
static void key_make(struct uniq *u, const char *ns, const char *name, const char *suffix)
{
	size_t a = strlen(ns), b = strlen(name), c = strlen(suffix);
	u->len = a + 1 + b + c;
	if (u->len + 1 > u->cap) {
		u->cap = 2 * (u->len + 1) < 64 ? 64 : 2 * (u->len + 1);
		u->key = arena_alloc(u->arena, u->cap);
	}
	memcpy(u->key, ns, a);
	u->key[a] = '\n';
	memcpy(u->key + a + 1, name, b);
	memcpy(u->key + a + 1 + b, suffix, c);
	u->key[u->len] = '\0';
}

bool uniq_taken(const struct uniq *u, const char *ns, const char *name, const char *suffix)
{
	struct uniq *w = (struct uniq *)u; /* only its scratch key changes */
	key_make(w, ns, name, suffix);
	return strmap_get(w->taken, w->key, w->len) != NULL;
}

bool uniq_claim(struct uniq *u, const char *ns, const char *name, const char *suffix)
{
	if (uniq_taken(u, ns, name, suffix))
		return false;
	const char *copy = arena_strndup(u->arena, u->key, u->len);
	strmap_put(u->taken, copy, u->len, (void *)copy, NULL);
	return true;
}

uint32_t uniq_hash(const char *seed, unsigned n)
{
	if (n == 0)
		return (uint32_t)(crrc_hash(seed, strlen(seed)) & 0xffffffffu);
	char tail[16];
	int len = snprintf(tail, sizeof(tail), "#%u", n);
	uint64_t h = crrc_hash(seed, strlen(seed));
	/* FNV-1a goes on over the tail as if seed and tail were one string */
	for (int i = 0; i < len; i++) {
		h ^= (unsigned char)tail[i];
		h *= 1099511628211ull;
	}
	return (uint32_t)(h & 0xffffffffu);
}

static bool forms_free(const struct uniq *u, const struct uniq_form *forms, size_t nforms,
		       const char *stem)
{
	for (size_t i = 0; i < nforms; i++)
		if (uniq_taken(u, forms[i].ns, stem, forms[i].suffix))
			return false;
	return true;
}

bool uniq_claim_forms(struct uniq *u, const struct uniq_form *forms, size_t nforms,
		      const char *stem)
{
	if (!forms_free(u, forms, nforms, stem))
		return false;
	for (size_t i = 0; i < nforms; i++)
		uniq_claim(u, forms[i].ns, stem, forms[i].suffix);
	return true;
}

const char *uniq_stem(struct uniq *u, const struct uniq_form *forms, size_t nforms,
		      const char *want, const char *sep, const char *seed, bool hashed)
{
	if (!hashed && uniq_claim_forms(u, forms, nforms, want))
		return arena_strdup(u->arena, want);
	for (unsigned n = 0;; n++) {
		const char *stem =
			arena_printf(u->arena, "%s%s%08x", want, sep, (unsigned)uniq_hash(seed, n));
		if (uniq_claim_forms(u, forms, nforms, stem))
			return stem;
	}
}
