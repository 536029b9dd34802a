/* util.h: small string helpers: edit distance for "did you mean", UTF-8,
 * digits. */
#ifndef CRRC_UTIL_H
#define CRRC_UTIL_H

#include <stdbool.h>
#include <stddef.h>

/* The candidate closest to word by edit distance, when close enough to be a
 * likely typo; else the one candidate word abbreviates (a prefix of 3
 * characters or more, or its letters in order from the first: "tf" for
 * terraform); NULL otherwise. */
const char *crrc_suggest(const char *word, const char *const *cands, size_t n);
/* The same over an array of structs: each candidate is the const char *
 * found at offset off of each element of size stride. */
const char *crrc_suggest_in(const char *word, const void *base, size_t n, size_t stride,
			    size_t off);
size_t crrc_edit_distance(const char *a, const char *b, size_t limit);
/* Number of characters (code points) of a valid UTF-8 string. */
size_t crrc_utf8_len(const char *s, size_t len);
/* The character (a whole UTF-8 sequence) at byte i of s, copied into buf
 * NUL-terminated, for messages; returns its length in bytes. */
size_t utf8_char_at(const char *s, size_t len, size_t i, char buf[8]);
/* Whether s is exactly n ASCII digits. */
bool str_is_digits(const char *s, size_t len, size_t n);
/* The same, of any length >= 1. */
bool str_all_digits(const char *s, size_t len);

#endif
