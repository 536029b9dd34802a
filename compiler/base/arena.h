/* arena.h: a bump allocator. The model and everything the passes derive
 * from it live in one arena, freed at once. */
#ifndef CRRC_ARENA_H
#define CRRC_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_create(void);
/* An arena whose first chunk holds about first bytes (arena_create: one
 * huge page), for one that stays small. */
struct arena *arena_create_sized(size_t first);
void arena_destroy(struct arena *a); /* NULL is fine */
/* Free everything allocated in a, for scratch memory used over and over:
 * one chunk is kept, zeroed again as far as it was used. */
void arena_reset(struct arena *a);
/* Move everything allocated in from into a (from is left empty), so that
 * it lives as long as a does. */
void arena_absorb(struct arena *a, struct arena *from);
/* Zeroed memory, aligned for any type. Aborts on out of memory. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t n, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* The strings up to a NULL, joined: cheaper than arena_printf where it
 * runs once per bucket. */
char *arena_concat(struct arena *a, ...) __attribute__((sentinel));

/* A growing array whose length is known only once it is complete: a
 * mapping of its own that grows without copying (mremap), zeroed. Elements
 * move as it grows: keep indices, not pointers. */
struct arena_vec {
	struct chunk *c;
	size_t n;
};

/* Append a zeroed element of size bytes (every element the same size). */
void *arena_vec_push(struct arena_vec *v, size_t size);
void *arena_vec_at(const struct arena_vec *v, size_t i, size_t size);
/* The array, now owned by a (v is left empty); NULL when it is empty. */
void *arena_vec_take(struct arena_vec *v, struct arena *a);
void arena_vec_free(struct arena_vec *v); /* an empty vector is fine */

#endif
