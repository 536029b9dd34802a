/* strmap.h: an open-addressing hash map from strings to pointers, allocated
 * in an arena. Keys are borrowed, not copied. It keeps the passes linear. */
#ifndef CRRC_STRMAP_H
#define CRRC_STRMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct strmap;

struct strmap *strmap_create(struct arena *a, size_t expected);
void *strmap_get(const struct strmap *m, const char *key, size_t len);
/* Insert key -> val. When the key is present already, nothing changes, the
 * old value is stored in *old (if old is not NULL) and false is returned. */
bool strmap_put(struct strmap *m, const char *key, size_t len, void *val, void **old);
/* Insert or replace key -> val. */
void strmap_set(struct strmap *m, const char *key, size_t len, void *val);

uint64_t crrc_hash(const void *data, size_t len); /* FNV-1a, 64 bits */
/* The hash of what h hashed followed by data: crrc_hash in pieces. */
uint64_t crrc_hash_more(uint64_t h, const void *data, size_t len);

#endif
