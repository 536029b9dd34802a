/* unicode.h: the Unicode that crrc needs beyond UTF-8 lengths: decoding a
 * code point, XML 1.0's characters, the general categories L, Z and N, and
 * simple case folding, from a table generated from Python's unicodedata
 * (unicode_gen.py; Unicode 14.0, unicode_version() says). */
#ifndef CRRC_UNICODE_H
#define CRRC_UNICODE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The code point at s[i] (of valid UTF-8, which every spec string is);
 * returns the bytes it takes, at least 1. */
size_t utf8_decode_at(const char *s, size_t len, size_t i, uint32_t *cp);
/* cp (at most U+10FFFF) as UTF-8 in out; returns its length. */
size_t utf8_encode(uint32_t cp, char out[4]);
/* Whether cp is a Char of XML 1.0: tab, line feed, carriage return,
 * U+0020-U+D7FF, U+E000-U+FFFD, U+10000-U+10FFFF. */
bool unicode_is_xml_char(uint32_t cp);
/* Whether cp is a letter, a separator (space) or a number: general
 * category L*, Z* or N*, as \p{L}, \p{Z} and \p{N} match. */
bool unicode_is_lzn(uint32_t cp);
/* cp's simple case folding: the lowercase of its uppercase, where each is
 * one character; cp itself otherwise. */
uint32_t unicode_fold(uint32_t cp);
/* The Unicode version of the table: "14.0.0". */
const char *unicode_version(void);

#endif
