/* util.h: small helpers shared by the passes and the back ends. */
#ifndef CRRC_UTIL_H
#define CRRC_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* The candidate closest to word by edit distance, when close enough to be a
 * likely typo; NULL otherwise. */
const char *crrc_suggest(const char *word, const char *const *cands, size_t n);
/* The same over an array of structs: each candidate is the const char *
 * found at offset off of each element of size stride. */
const char *crrc_suggest_in(const char *word, const void *base, size_t n, size_t stride,
			    size_t off);
size_t crrc_edit_distance(const char *a, const char *b, size_t limit);
/* Number of characters (code points) of a valid UTF-8 string. */
size_t crrc_utf8_len(const char *s, size_t len);

#endif
