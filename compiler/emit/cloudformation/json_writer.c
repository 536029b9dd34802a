/* json_writer.c: a streaming JSON writer that writes what jansson's
 * json_dumps writes with JSON_INDENT(2), without building a tree. */
#include "emit/cloudformation/json_writer.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define JW_INDENT 2

void jw_init(struct json_writer *w, struct buf *b, size_t depth)
{
	*w = (struct json_writer){.b = b, .depth = depth, .keyed = true};
}

/* Room for n more bytes (and the NUL): where to write them. */
static char *reserve(struct buf *b, size_t n)
{
	buf_grow(b, n);
	return b->data + b->len;
}

/* The bytes up to p are written. */
static void commit(struct buf *b, char *p)
{
	b->len = (size_t)(p - b->data);
	*p = '\0';
}

/* The most bytes a separator takes at the writer's depth. */
static size_t separator_room(const struct json_writer *w)
{
	return 2 + JW_INDENT * w->depth;
}

/* A newline and the indentation of depth, at p. */
static char *newline(char *p, size_t depth)
{
	*p++ = '\n';
	memset(p, ' ', JW_INDENT * depth);
	return p + JW_INDENT * depth;
}

/* What goes before a value, at p (separator_room bytes at most): nothing
 * after a key, else the separator from the previous member. */
static char *before_value(struct json_writer *w, char *p)
{
	if (w->keyed) {
		w->keyed = false;
		return p;
	}
	if (!w->empty)
		*p++ = ',';
	w->empty = false;
	return newline(p, w->depth);
}

static void container_open(struct json_writer *w, char c)
{
	char *p = before_value(w, reserve(w->b, separator_room(w) + 1));
	*p++ = c;
	commit(w->b, p);
	w->depth++;
	w->empty = true;
}

static void container_close(struct json_writer *w, char c)
{
	w->depth--;
	char *p = reserve(w->b, separator_room(w) + 1);
	if (!w->empty)
		p = newline(p, w->depth);
	*p++ = c;
	commit(w->b, p);
	w->empty = false;
	w->keyed = false;
}

void jw_object_open(struct json_writer *w)
{
	container_open(w, '{');
}

void jw_object_close(struct json_writer *w)
{
	container_close(w, '}');
}

void jw_array_open(struct json_writer *w)
{
	container_open(w, '[');
}

void jw_array_close(struct json_writer *w)
{
	container_close(w, ']');
}

/* The most bytes the escaped form of n bytes takes. */
#define ESCAPED_ROOM(n) (6 * (n))

#define ONES 0x0101010101010101u
#define HIGHS 0x8080808080808080u

/* Whether none of the 8 bytes of v needs escaping: no '"', no '\\', none
 * below 0x20 (each test true exactly when some byte matches). */
static bool word_plain(uint64_t v)
{
	uint64_t q = v ^ (ONES * '"'), b = v ^ (ONES * '\\');
	uint64_t t = ((q - ONES) & ~q) | ((b - ONES) & ~b) | ((v - ONES * 0x20) & ~v);
	return !(t & HIGHS);
}

/* The n bytes at s as json_dumps escapes them, without quotes, at p:
 * eight at a time while none needs escaping. */
static char *escaped(char *p, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	const char *end = s + n;
	while (s < end) {
		uint64_t v;
		if (end - s >= 8 && (memcpy(&v, s, 8), word_plain(v))) {
			memcpy(p, s, 8);
			p += 8;
			s += 8;
			continue;
		}
		unsigned char c = (unsigned char)*s++;
		if (c >= 0x20 && c != '"' && c != '\\') {
			*p++ = (char)c;
			continue;
		}
		*p++ = '\\';
		switch (c) {
		case '"': *p++ = '"'; break;
		case '\\': *p++ = '\\'; break;
		case '\b': *p++ = 'b'; break;
		case '\f': *p++ = 'f'; break;
		case '\n': *p++ = 'n'; break;
		case '\r': *p++ = 'r'; break;
		case '\t': *p++ = 't'; break;
		default:
			memcpy(p, "u00", 3);
			p[3] = hex[c >> 4];
			p[4] = hex[c & 15];
			p += 5;
		}
	}
	return p;
}

/* The string a b c (NULL pieces left out), quoted, after what goes before
 * it; then tail. */
static void quoted(struct json_writer *w, const char *a, const char *b, const char *c,
		   const char *tail)
{
	size_t na = strlen(a), nb = b ? strlen(b) : 0, nc = c ? strlen(c) : 0;
	size_t room = ESCAPED_ROOM(na + nb + nc) + 2 + strlen(tail);
	char *p = before_value(w, reserve(w->b, separator_room(w) + room));
	*p++ = '"';
	p = escaped(p, a, na);
	if (b)
		p = escaped(p, b, nb);
	if (c)
		p = escaped(p, c, nc);
	*p++ = '"';
	while (*tail)
		*p++ = *tail++;
	commit(w->b, p);
}

void jw_key(struct json_writer *w, const char *key, const char *suffix)
{
	w->keyed = false;
	quoted(w, key, suffix, NULL, ": ");
	w->keyed = true;
}

void jw_key_plain(struct json_writer *w, const char *key, size_t n)
{
	w->keyed = false;
	char *p = before_value(w, reserve(w->b, separator_room(w) + n + 4));
	*p++ = '"';
	memcpy(p, key, n);
	p += n;
	memcpy(p, "\": ", 3);
	commit(w->b, p + 3);
	w->keyed = true;
}

void jw_string(struct json_writer *w, const char *s)
{
	quoted(w, s, NULL, NULL, "");
}

void jw_stringn(struct json_writer *w, const char *s, size_t n)
{
	char *p = before_value(w, reserve(w->b, separator_room(w) + ESCAPED_ROOM(n) + 2));
	*p++ = '"';
	p = escaped(p, s, n);
	*p++ = '"';
	commit(w->b, p);
}

void jw_string3(struct json_writer *w, const char *a, const char *b, const char *c)
{
	quoted(w, a ? a : "(null)", b ? b : "(null)", c ? c : "(null)", "");
}

void jw_raw(struct json_writer *w, const char *data, size_t len)
{
	char *p = before_value(w, reserve(w->b, separator_room(w) + len));
	memcpy(p, data, len);
	commit(w->b, p + len);
}

void jw_int(struct json_writer *w, long long v)
{
	char text[32];
	int n = snprintf(text, sizeof(text), "%lld", v);
	jw_raw(w, text, (size_t)n);
}

void jw_bool(struct json_writer *w, bool v)
{
	jw_raw(w, v ? "true" : "false", v ? 4 : 5);
}

void jw_null(struct json_writer *w)
{
	jw_raw(w, "null", 4);
}

void jw_member_plain(struct json_writer *w, const char *key, size_t n, const char *s)
{
	if (!s)
		return;
	jw_key_plain(w, key, n);
	jw_string(w, s);
}

void jw_member_n(struct json_writer *w, const char *key, size_t kn, const char *s, size_t n)
{
	jw_key_plain(w, key, kn);
	jw_stringn(w, s, n);
}

/* A real as jansson formats it: left to jansson itself. */
static void real(struct json_writer *w, const json_t *v)
{
	char *s = json_dumps(v, JSON_ENCODE_ANY);
	jw_raw(w, s ? s : "", s ? strlen(s) : 0);
	free(s);
}

void jw_json(struct json_writer *w, const json_t *v)
{
	const char *key;
	json_t *x;
	size_t i;
	switch (json_typeof(v)) {
	case JSON_OBJECT:
		jw_object_open(w);
		json_object_foreach((json_t *)v, key, x) {
			jw_key(w, key, NULL);
			jw_json(w, x);
		}
		jw_object_close(w);
		break;
	case JSON_ARRAY:
		jw_array_open(w);
		json_array_foreach(v, i, x)
			jw_json(w, x);
		jw_array_close(w);
		break;
	case JSON_STRING:
		jw_stringn(w, json_string_value(v), json_string_length(v));
		break;
	case JSON_INTEGER:
		jw_int(w, (long long)json_integer_value(v));
		break;
	case JSON_REAL:
		real(w, v);
		break;
	case JSON_TRUE:
	case JSON_FALSE:
		jw_bool(w, json_is_true(v));
		break;
	case JSON_NULL:
		jw_null(w);
		break;
	}
}
