/* json_writer.h: a streaming JSON writer into a struct buf, for renderers
 * that would otherwise build a jansson tree only to dump it. It writes
 * exactly what json_dumps writes with JSON_INDENT(2) (and without
 * JSON_ENSURE_ASCII): "key": value, "," at line ends, two spaces a level,
 * {} and [] for empty containers. The caller writes valid UTF-8. */
#ifndef CRRC_JSON_WRITER_H
#define CRRC_JSON_WRITER_H

#include <jansson.h>
#include <stdbool.h>

#include "base/buf.h"

struct json_writer {
	struct buf *b;
	size_t depth;  /* open containers, counting the starting depth */
	bool empty;    /* the innermost open container has no member yet */
	bool keyed;    /* a key was written (or nothing yet): no separator next */
};

/* Write the next value into b as if depth containers were open around it
 * (0 for a document, 1 for a member of a top-level object...). */
void jw_init(struct json_writer *w, struct buf *b, size_t depth);

void jw_object_open(struct json_writer *w);
void jw_object_close(struct json_writer *w);
void jw_array_open(struct json_writer *w);
void jw_array_close(struct json_writer *w);

/* A member's key: the concatenation of key and suffix (NULL: nothing). */
void jw_key(struct json_writer *w, const char *key, const char *suffix);

/* A key of n bytes that needs no escaping; JW_KEY takes a literal. */
void jw_key_plain(struct json_writer *w, const char *key, size_t n);
#define JW_KEY(w, lit) jw_key_plain((w), "" lit, sizeof(lit) - 1)

void jw_string(struct json_writer *w, const char *s);
/* The n bytes at s as a string (no strlen: the writer's hot path). */
void jw_stringn(struct json_writer *w, const char *s, size_t n);
/* The string a b c, NULL pieces written as printf writes them. */
void jw_string3(struct json_writer *w, const char *a, const char *b, const char *c);
void jw_int(struct json_writer *w, long long v);
void jw_bool(struct json_writer *w, bool v);
void jw_null(struct json_writer *w);
/* A value rendered already by a writer at the same depth. */
void jw_raw(struct json_writer *w, const char *data, size_t len);
/* A jansson value, as json_dumps would write it at this depth. */
void jw_json(struct json_writer *w, const json_t *v);

/* "key": s (a key as jw_key_plain takes), left out when s is NULL (as json_object_set_new leaves out a
 * json_string(NULL)). */
void jw_member_plain(struct json_writer *w, const char *key, size_t n, const char *s);
#define JW_MEMBER(w, lit, s) jw_member_plain((w), "" lit, sizeof(lit) - 1, (s))
/* "key": the n bytes at s (never left out); JW_MEMBER_LIT takes a literal
 * value, JW_MEMBER_STR a struct crrc_str (the empty string when unset). */
void jw_member_n(struct json_writer *w, const char *key, size_t kn, const char *s, size_t n);
#define JW_MEMBER_LIT(w, lit, v) jw_member_n((w), "" lit, sizeof(lit) - 1, "" v, sizeof(v) - 1)
#define JW_MEMBER_STR(w, lit, str) \
	jw_member_n((w), "" lit, sizeof(lit) - 1, (str)->s ? (str)->s : "", (str)->s ? (str)->len : 0)

#endif
