/* ignore.c: the table of ignores (ignore.h): the entries in the order they
 * were given, and an open-addressing hash from (file, code, line) to the
 * entry that covers it, a comment's two lines as two keys and a list's
 * whole file as line 0. The first ignore given for a key keeps it. */
#include "diag/ignore.h"

#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/strmap.h"

struct slot {
	size_t file, entry; /* entry + 1; 0: an empty slot */
	uint32_t line, code;
};

struct ignores {
	struct ignore *v;
	size_t n, cap;
	struct slot *slots;
	size_t nslots, capslots; /* capslots: a power of two, or 0 */
	bool everywhere[CRRC_CODE_COUNT];
};

struct ignores *ignores_create(void)
{
	return xcalloc(1, sizeof(struct ignores));
}

void ignores_destroy(struct ignores *g)
{
	if (!g)
		return;
	for (size_t i = 0; i < g->n; i++)
		free(g->v[i].why);
	free(g->v);
	free(g->slots);
	free(g);
}

static size_t slot_hash(size_t file, uint32_t code, uint32_t line)
{
	uint64_t key[3] = {file, code, line};
	return (size_t)crrc_hash(key, sizeof(key));
}

/* The slot of (file, code, line): its entry's, or the empty one to fill. */
static struct slot *slot_find(const struct ignores *g, size_t file, uint32_t code, uint32_t line)
{
	size_t mask = g->capslots - 1;
	for (size_t j = slot_hash(file, code, line) & mask;; j = (j + 1) & mask) {
		struct slot *s = &g->slots[j];
		if (!s->entry || (s->file == file && s->code == code && s->line == line))
			return s;
	}
}

static void slots_grow(struct ignores *g)
{
	if ((g->nslots + 1) * 2 <= g->capslots)
		return;
	struct slot *old = g->slots;
	size_t oldcap = g->capslots;
	g->capslots = oldcap ? oldcap * 2 : 64;
	g->slots = xcalloc(g->capslots, sizeof(*g->slots));
	for (size_t i = 0; i < oldcap; i++)
		if (old[i].entry)
			*slot_find(g, old[i].file, old[i].code, old[i].line) = old[i];
	free(old);
}

static void slot_put(struct ignores *g, size_t file, uint32_t code, uint32_t line, size_t entry)
{
	slots_grow(g);
	struct slot *s = slot_find(g, file, code, line);
	if (s->entry)
		return; /* an earlier ignore covers it already */
	*s = (struct slot){file, entry + 1, line, code};
	g->nslots++;
}

/* The ignore that holds key (file, code, line), or NULL. */
static const struct ignore *slot_owner(const struct ignores *g, size_t file, uint32_t code,
				       uint32_t line)
{
	if (!g->capslots)
		return NULL;
	const struct slot *s = slot_find(g, file, code, line);
	return s->entry ? &g->v[s->entry - 1] : NULL;
}

const struct ignore *ignores_add(struct ignores *g, size_t file, enum crrc_code code,
				 uint32_t line, struct crrc_pos pos, const char *why,
				 size_t whylen)
{
	const struct ignore *first = slot_owner(g, file, code, line);
	if (first && (!line || slot_owner(g, file, code, line + 1)))
		return first;
	if (g->n == g->cap) {
		g->cap = g->cap ? g->cap * 2 : 16;
		g->v = xrealloc(g->v, g->cap * sizeof(*g->v));
	}
	struct ignore *e = &g->v[g->n];
	*e = (struct ignore){.file = file, .code = code, .line = line, .pos = pos};
	if (why && whylen) {
		e->why = xmalloc(whylen + 1);
		memcpy(e->why, why, whylen);
		e->why[whylen] = '\0';
	}
	slot_put(g, file, code, line, g->n);
	if (line)
		slot_put(g, file, code, line + 1, g->n);
	g->n++;
	return NULL;
}

void ignores_everywhere(struct ignores *g, enum crrc_code code)
{
	if (code < CRRC_CODE_COUNT)
		g->everywhere[code] = true;
}

bool ignores_is_everywhere(const struct ignores *g, enum crrc_code code)
{
	return code < CRRC_CODE_COUNT && g->everywhere[code];
}

struct ignore *ignores_match(struct ignores *g, size_t file, enum crrc_code code, uint32_t line)
{
	if (!g->capslots)
		return NULL;
	struct slot *s = line ? slot_find(g, file, code, line) : NULL;
	if (!s || !s->entry)
		s = slot_find(g, file, code, 0);
	if (!s->entry)
		return NULL;
	struct ignore *e = &g->v[s->entry - 1];
	e->used = true;
	return e;
}

void ignores_forget_file(struct ignores *g, size_t file)
{
	for (size_t i = 0; i < g->n; i++)
		if (g->v[i].file == file)
			g->v[i].used = true;
}

size_t ignores_count(const struct ignores *g)
{
	return g->n;
}

const struct ignore *ignores_at(const struct ignores *g, size_t i)
{
	return i < g->n ? &g->v[i] : NULL;
}
