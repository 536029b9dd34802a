/* ptab.h: a prefix table, private to the checks. */
#ifndef CRRC_PTAB_H
#define CRRC_PTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A prefix table: byte strings (each under a namespace number), each with a
 * list of items. ptab_walk visits the items of every key that is a prefix of
 * a given string, in time linear in that string's length plus the items
 * visited; no step compares strings (it is a trie). Allocated with malloc;
 * keys are not kept. */
struct ptab;

struct ptab *ptab_create(size_t expected);
void ptab_destroy(struct ptab *t); /* NULL is fine */
/* Add item under (ns, s). Items of one key are visited in the order added. */
void ptab_add(struct ptab *t, uint64_t ns, const char *s, size_t len, void *item);
/* Add item under (ns, s[0..l)) for every l < min(len, max_len + 1): under
 * each strict prefix of s, in time linear in that many. */
void ptab_add_prefixes(struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
		       void *item);
/* Call fn for each item under exactly (ns, s); false when fn stopped it. */
bool ptab_each(const struct ptab *t, uint64_t ns, const char *s, size_t len,
	       bool (*fn)(void *item, void *ctx), void *ctx);
/* Call fn for each item whose key under ns is a prefix of s with a length of
 * at most max_len (SIZE_MAX: no limit), shortest keys first. fn returns
 * false to stop the walk; ptab_walk returns false when it was stopped. */
bool ptab_walk(const struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
	       bool (*fn)(void *item, void *ctx), void *ctx);

#endif
