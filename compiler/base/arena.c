/* arena.c: a bump allocator over a list of chunks. Memory is never reused
 * inside an arena, so chunks come zeroed from the system and nothing is
 * zeroed twice. Chunks grow geometrically; large ones are mapped 2 MiB
 * aligned and offered to transparent huge pages: a 20,000-bucket spec then
 * costs a few dozen page faults instead of thousands. A vector (arena_vec)
 * is an array that grows in a mapping of its own, moved by mremap without
 * copying, until an arena takes it over. */
#define _GNU_SOURCE /* mremap */
#include "base/arena.h"

#include "base/oom.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define ARENA_ALIGN 16u
#define ARENA_FIRST (ARENA_HUGE - sizeof(struct chunk))
#define ARENA_HUGE (2u * 1024u * 1024u)
#define ARENA_MAX_CHUNK (64u * 1024u * 1024u)

struct chunk {
	struct chunk *next;
	size_t used, cap;
	size_t mapped; /* bytes mapped with mmap, 0 when from calloc */
	_Alignas(16) unsigned char data[];
};

struct arena {
	struct chunk *head;
	size_t next_cap;
	size_t first; /* the first chunk's size, again after arena_absorb */
};

struct arena *arena_create_sized(size_t first)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		oom_abort();
	a->next_cap = a->first = first;
	return a;
}

struct arena *arena_create(void)
{
	return arena_create_sized(ARENA_FIRST);
}

static void chunk_free(struct chunk *c)
{
	if (c->mapped)
		munmap(c, c->mapped);
	else
		free(c);
}

void arena_destroy(struct arena *a)
{
	if (!a)
		return;
	struct chunk *c = a->head;
	while (c) {
		struct chunk *next = c->next;
		chunk_free(c);
		c = next;
	}
	free(a);
}

/* A zeroed chunk of at least cap usable bytes. */
static struct chunk *chunk_new(size_t cap)
{
	size_t bytes = sizeof(struct chunk) + cap;
	struct chunk *c;
	if (bytes < ARENA_HUGE) {
		c = calloc(1, bytes);
		if (!c)
			oom_abort();
		c->cap = cap;
		return c;
	}
	bytes = (bytes + ARENA_HUGE - 1) & ~(size_t)(ARENA_HUGE - 1);
	size_t len = bytes + ARENA_HUGE;
	unsigned char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		oom_abort();
	uintptr_t start = ((uintptr_t)p + ARENA_HUGE - 1) & ~(uintptr_t)(ARENA_HUGE - 1);
	size_t head = start - (uintptr_t)p, tail = len - head - bytes;
	if (head)
		munmap(p, head);
	if (tail)
		munmap((unsigned char *)start + bytes, tail);
#ifdef MADV_HUGEPAGE
	madvise((void *)start, bytes, MADV_HUGEPAGE);
#endif
	c = (struct chunk *)start;
	c->cap = bytes - sizeof(struct chunk);
	c->mapped = bytes;
	return c;
}

void arena_reset(struct arena *a)
{
	struct chunk *keep = a->head;
	if (!keep)
		return;
	for (struct chunk *c = keep->next, *next; c; c = next) {
		next = c->next;
		chunk_free(c);
	}
	memset(keep->data, 0, keep->used); /* arena memory is zeroed memory */
	keep->used = 0;
	keep->next = NULL;
}

void arena_absorb(struct arena *a, struct arena *from)
{
	struct chunk *first = from->head, *last = first;
	if (!first)
		return;
	while (last->next)
		last = last->next;
	if (a->head) {
		/* behind a's head, which keeps serving allocations */
		last->next = a->head->next;
		a->head->next = first;
	} else {
		a->head = first;
	}
	from->head = NULL;
	from->next_cap = from->first; /* start small again, not where it got to */
}

void *arena_alloc(struct arena *a, size_t size)
{
	size = (size + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (size == 0)
		size = ARENA_ALIGN;
	struct chunk *c = a->head;
	if (!c || c->cap - c->used < size) {
		size_t cap = a->next_cap;
		if (a->next_cap < ARENA_MAX_CHUNK)
			a->next_cap *= 2;
		if (cap < size)
			cap = size;
		struct chunk *n = chunk_new(cap);
		if (c && c->cap - c->used > n->cap - size) {
			/* the current chunk has more room left: keep filling it */
			n->next = c->next;
			c->next = n;
			n->used = size;
			return n->data;
		}
		n->next = c;
		a->head = n;
		c = n;
	}
	void *p = c->data + c->used;
	c->used += size;
	return p;
}

void *arena_array(struct arena *a, size_t n, size_t size)
{
	if (size && n > SIZE_MAX / size)
		oom_abort();
	return arena_alloc(a, n * size);
}

char *arena_strndup(struct arena *a, const char *s, size_t len)
{
	char *p = arena_alloc(a, len + 1);
	memcpy(p, s, len);
	p[len] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n < 0)
		return arena_strdup(a, "");
	char *p = arena_alloc(a, (size_t)n + 1);
	va_start(ap, fmt);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}


char *arena_concat(struct arena *a, ...)
{
	va_list ap;
	size_t len = 0;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));)
		len += strlen(s);
	va_end(ap);
	char *out = arena_alloc(a, len + 1), *p = out;
	va_start(ap, a);
	for (const char *s; (s = va_arg(ap, const char *));) {
		size_t n = strlen(s);
		memcpy(p, s, n);
		p += n;
	}
	va_end(ap);
	*p = '\0';
	return out;
}

/* --- vectors --------------------------------------------------------------- */

void *arena_vec_push(struct arena_vec *v, size_t size)
{
	struct chunk *c = v->c;
	if (!c || c->cap - c->used < size) {
		size_t bytes = c ? 2 * c->mapped : ARENA_HUGE;
		while (bytes - sizeof(struct chunk) - (c ? c->used : 0) < size)
			bytes *= 2;
		if (!c) {
			c = chunk_new(bytes - sizeof(struct chunk));
		} else {
			/* the pages move, their contents are not copied */
			void *p = mremap(c, c->mapped, bytes, MREMAP_MAYMOVE);
			if (p == MAP_FAILED)
				oom_abort();
			c = p;
#ifdef MADV_HUGEPAGE
			madvise(p, bytes, MADV_HUGEPAGE);
#endif
			c->cap = bytes - sizeof(struct chunk);
			c->mapped = bytes;
		}
		v->c = c;
	}
	void *p = c->data + c->used;
	c->used += size;
	v->n++;
	return p;
}

void *arena_vec_at(const struct arena_vec *v, size_t i, size_t size)
{
	return v->c->data + i * size;
}

void *arena_vec_take(struct arena_vec *v, struct arena *a)
{
	struct chunk *c = v->c;
	if (!c)
		return NULL;
	/* Give back the room it will not fill: on a huge page, the unused
	 * part of the last 2 MiB would count as memory in use. */
	size_t page = 4096, bytes = (sizeof(struct chunk) + c->used + page - 1) & ~(page - 1);
	if (bytes < c->mapped && mremap(c, c->mapped, bytes, 0) != MAP_FAILED)
		c->mapped = bytes;
	c->cap = c->mapped - sizeof(struct chunk);
	c->used = c->cap; /* full: the arena only frees it */
	if (a->head) {
		c->next = a->head->next;
		a->head->next = c;
	} else {
		a->head = c;
	}
	*v = (struct arena_vec){0};
	return c->data;
}

void arena_vec_free(struct arena_vec *v)
{
	if (v->c)
		chunk_free(v->c);
	*v = (struct arena_vec){0};
}
