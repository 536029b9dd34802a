/* ptrmap.h: an open-addressing hash map from pointers to pointers, in an
 * arena. It is how a pass does its work once per distinct value rather than
 * once per use: an alias repeats a node, and with it the very same string,
 * so a string's pointer identifies a value the pass has seen already. */
#ifndef CRRC_PTRMAP_H
#define CRRC_PTRMAP_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct ptrmap;

struct ptrmap *ptrmap_create(struct arena *a, size_t expected);
/* The value of key, or NULL when key is absent. */
void *ptrmap_get(const struct ptrmap *m, const void *key);
/* The slot of key's value, inserted (holding NULL) when absent; *fresh says
 * which. The slot moves at the next insertion: use it at once. */
void **ptrmap_slot(struct ptrmap *m, const void *key, bool *fresh);
/* Insert key -> val; false, with the old value in *old when not NULL, when
 * key is present already (then nothing changes). */
bool ptrmap_put(struct ptrmap *m, const void *key, void *val, void **old);
size_t ptrmap_count(const struct ptrmap *m);

#endif
