/* arena.h: a bump allocator. The model and everything the passes derive
 * from it live in one arena, freed at once. */
#ifndef CRRC_ARENA_H
#define CRRC_ARENA_H

#include <stddef.h>

struct arena;

struct arena *arena_create(void);
void arena_destroy(struct arena *a); /* NULL is fine */
/* Zeroed memory, aligned for any type. Aborts on out of memory. */
void *arena_alloc(struct arena *a, size_t size);
void *arena_array(struct arena *a, size_t n, size_t size);
char *arena_strndup(struct arena *a, const char *s, size_t len);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
