/* ptrmap.h: an open-addressing hash map from a pointer and a number to a
 * pointer, in an arena. It is how a pass does its work once per distinct
 * value rather than once per use: an alias repeats a node, and with it the
 * very same string, so a string's pointer (with its position, as the
 * number) identifies a value the pass has seen already, whatever its
 * length. */
#ifndef CRRC_PTRMAP_H
#define CRRC_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct ptrmap;

/* Keys are pairs (key, n), never (NULL, 0). */
struct ptrmap *ptrmap_create(struct arena *a, size_t expected);
/* The value of (key, n), or NULL when it is absent. */
void *ptrmap_get(const struct ptrmap *m, const void *key, uint64_t n);
/* The slot of (key, n)'s value, inserted (holding NULL) when absent; *fresh
 * says which. The slot moves at the next insertion: use it at once. */
void **ptrmap_slot(struct ptrmap *m, const void *key, uint64_t n, bool *fresh);
/* Insert (key, n) -> val; false, with the old value in *old when not NULL,
 * when the key is present already (then nothing changes). */
bool ptrmap_put(struct ptrmap *m, const void *key, uint64_t n, void *val, void **old);
size_t ptrmap_count(const struct ptrmap *m);

#endif
