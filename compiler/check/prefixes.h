/* prefixes.h: the distinct filter prefixes of a spec as a forest, private to
 * the checks. A prefix's parent is the longest other prefix that is a
 * prefix of it. The forest is built once, in time linear in the distinct
 * texts; then whether one prefix is a prefix of another compares two
 * numbers (their places in a walk of the forest), however long they are and
 * however often aliases repeat them. */
#ifndef CRRC_PREFIXES_H
#define CRRC_PREFIXES_H

#include <stddef.h>
#include <stdint.h>

struct arena;
struct prefixes;

/* Where a prefix's subtree lies in the walk of the forest: b is a prefix of
 * a (or a itself) when b.in <= a.in < b.out. */
struct prefix_span {
	uint32_t in, out;
};

struct prefixes *prefixes_create(struct arena *a, size_t expected);
void prefixes_destroy(struct prefixes *p); /* NULL is fine */
/* The number of text s (len bytes), added when new: the same for equal
 * texts; constant time for a text pointer seen before. */
uint32_t prefixes_add(struct prefixes *p, const char *s, size_t len);
/* After the last prefixes_add: the forest and its walk. */
void prefixes_done(struct prefixes *p);
struct prefix_span prefixes_span(const struct prefixes *p, uint32_t id);
/* Whether prefix b is a prefix of prefix a (or a itself). */
static inline int prefixes_within(struct prefix_span a, struct prefix_span b)
{
	return b.in <= a.in && a.in < b.out;
}

#endif
