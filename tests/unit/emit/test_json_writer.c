/* test_json_writer.c: unit tests of json_writer.c, the streaming JSON
 * writer of the CloudFormation target. Its one layout is json_dumps's with
 * JSON_INDENT(2) (the header names no compact mode), so the tests check:
 * exact bytes of small documents (at depth 0 and inside open containers),
 * empty containers and nesting, every API call (keys with a suffix,
 * jw_string3's NULL pieces, the JW_* macros, ints at their extremes, jw_raw),
 * string escaping (quotes, backslashes, U+0000..U+001F, U+007F, non-ASCII
 * UTF-8, U+2028/2029 kept raw as jansson keeps them) byte for byte against
 * json_dumps and back through json_loadb, random jansson documents through
 * jw_json, and rendering through a buffer that drains. */
#include <check.h>
#include <jansson.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "model/model.h"
#include "emit/cloudformation/json_writer.h"
#include "check_main.h"

#define DUMP_FLAGS (JSON_INDENT(2) | JSON_ENCODE_ANY)

static struct buf out;
static struct json_writer w;

static void setup(void)
{
	out = (struct buf)BUF_INIT;
	jw_init(&w, &out, 0);
}

static void teardown(void)
{
	buf_free(&out);
}

/* What the writer wrote so far ("" for nothing). */
static const char *text(void)
{
	return out.data ? out.data : "";
}

/* The writer's output equals what json_dumps writes for v. */
static void assert_dumps_like(const json_t *v)
{
	char *want = json_dumps(v, DUMP_FLAGS);
	ck_assert_ptr_nonnull(want);
	ck_assert_uint_eq(out.len, strlen(want));
	ck_assert_msg(memcmp(out.data, want, out.len) == 0, "wrote\n%s\njansson wrote\n%s",
		      text(), want);
	free(want);
}

/* The writer's output parses back into a value equal to v. */
static void assert_parses_to(const json_t *v)
{
	json_error_t e;
	json_t *back = json_loadb(out.data, out.len, JSON_DECODE_ANY | JSON_ALLOW_NUL, &e);
	ck_assert_msg(back != NULL, "not JSON (%s at %d): %s", e.text, e.position, text());
	ck_assert_msg(json_equal(back, v), "parsed back to something else: %s", text());
	json_decref(back);
}

/* Reset the output and the writer. */
static void restart(size_t depth)
{
	out.len = 0;
	if (out.data)
		out.data[0] = '\0';
	jw_init(&w, &out, depth);
}

START_TEST(small_document_exact)
{
	jw_object_open(&w);
	JW_KEY(&w, "Name");
	jw_string(&w, "x");
	JW_KEY(&w, "Empty");
	jw_object_open(&w);
	jw_object_close(&w);
	JW_KEY(&w, "List");
	jw_array_open(&w);
	jw_int(&w, 1);
	jw_bool(&w, true);
	jw_null(&w);
	jw_array_open(&w);
	jw_array_close(&w);
	jw_bool(&w, false);
	jw_array_close(&w);
	JW_KEY(&w, "Nested");
	jw_object_open(&w);
	jw_key(&w, "k", NULL);
	jw_string(&w, "v");
	jw_object_close(&w);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{\n"
				 "  \"Name\": \"x\",\n"
				 "  \"Empty\": {},\n"
				 "  \"List\": [\n"
				 "    1,\n"
				 "    true,\n"
				 "    null,\n"
				 "    [],\n"
				 "    false\n"
				 "  ],\n"
				 "  \"Nested\": {\n"
				 "    \"k\": \"v\"\n"
				 "  }\n"
				 "}");
	ck_assert_uint_eq(out.len, strlen(out.data));
}
END_TEST

/* jw_init's depth: a value written as a member of containers open around. */
START_TEST(depth_exact)
{
	restart(1);
	jw_object_open(&w);
	JW_KEY(&w, "a");
	jw_int(&w, 1);
	JW_KEY(&w, "b");
	jw_array_open(&w);
	jw_string(&w, "c");
	jw_array_close(&w);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{\n"
				 "    \"a\": 1,\n"
				 "    \"b\": [\n"
				 "      \"c\"\n"
				 "    ]\n"
				 "  }");
	restart(3);
	jw_array_open(&w);
	jw_array_close(&w);
	ck_assert_str_eq(text(), "[]");
}
END_TEST

START_TEST(empty_containers)
{
	jw_object_open(&w);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{}");
	restart(0);
	jw_array_open(&w);
	jw_array_close(&w);
	ck_assert_str_eq(text(), "[]");
	restart(0);
	jw_array_open(&w);
	jw_object_open(&w);
	jw_object_close(&w);
	jw_array_open(&w);
	jw_array_close(&w);
	jw_array_close(&w);
	ck_assert_str_eq(text(), "[\n  {},\n  []\n]");
}
END_TEST

/* Containers nested 40 deep, each holding one member and an empty array. */
START_TEST(deep_nesting)
{
	json_t *root = json_object(), *v = root;
	jw_object_open(&w);
	for (int i = 0; i < 40; i++) {
		char key[16];
		snprintf(key, sizeof(key), "k%d", i);
		json_t *inner = i % 2 ? json_object() : json_array();
		json_t *box = json_object();
		json_object_set_new(box, "x", inner);
		json_object_set_new(box, "e", json_array());
		if (json_is_object(v))
			json_object_set_new(v, key, box);
		else
			json_array_append_new(v, box);
		if (json_is_object(v))
			jw_key(&w, key, NULL);
		jw_object_open(&w);
		JW_KEY(&w, "x");
		i % 2 ? jw_object_open(&w) : jw_array_open(&w);
		v = inner;
	}
	for (int i = 39; i >= 0; i--) {
		i % 2 ? jw_object_close(&w) : jw_array_close(&w);
		JW_KEY(&w, "e");
		jw_array_open(&w);
		jw_array_close(&w);
		jw_object_close(&w);
	}
	jw_object_close(&w);
	assert_dumps_like(root);
	assert_parses_to(root);
	json_decref(root);
}
END_TEST

/* A string through jw_stringn: exactly json_dumps's bytes, and back. */
static void string_both_ways(const char *s, size_t n)
{
	restart(0);
	jw_stringn(&w, s, n);
	json_t *v = json_stringn(s, n);
	ck_assert_ptr_nonnull(v);
	assert_dumps_like(v);
	assert_parses_to(v);
	json_decref(v);
}

START_TEST(escape_exact)
{
	jw_string(&w, "q\"b\\s/\b\f\n\r\t\x01\x1f\x7f!");
	ck_assert_str_eq(text(), "\"q\\\"b\\\\s/\\b\\f\\n\\r\\t\\u0001\\u001F\x7f!\"");
	restart(0);
	jw_stringn(&w, "a\0b", 3);
	ck_assert_str_eq(text(), "\"a\\u0000b\"");
	restart(0);
	jw_string(&w, "");
	ck_assert_str_eq(text(), "\"\"");
}
END_TEST

/* Every control character, alone and inside text, and U+007F. */
START_TEST(escape_controls)
{
	for (int c = 0; c <= 0x20; c++) {
		char s[24];
		memset(s, 'a', sizeof(s));
		s[0] = (char)c;
		string_both_ways(s, 1);
		s[11] = (char)c;
		s[sizeof(s) - 1] = (char)c;
		string_both_ways(s, sizeof(s));
	}
	string_both_ways("\x7f", 1);
	char all[0x20];
	for (int c = 0; c < 0x20; c++)
		all[c] = (char)c;
	string_both_ways(all, sizeof(all));
}
END_TEST

/* Long runs of characters that escape to six bytes each, into a fresh
 * buffer: the writer must reserve room for the longest escaping. */
START_TEST(escape_long_runs)
{
	static const size_t lengths[] = {9, 100, 1000, 5000};
	for (size_t i = 0; i < sizeof(lengths) / sizeof(*lengths); i++) {
		char *s = malloc(lengths[i]);
		ck_assert_ptr_nonnull(s);
		for (size_t k = 0; k < lengths[i]; k++)
			s[k] = (char)(k % 2 ? 0x01 : 0x1e);
		buf_free(&out);
		string_both_ways(s, lengths[i]);
		ck_assert_uint_eq(out.len, 6 * lengths[i] + 2);
		free(s);
	}
}
END_TEST

/* Non-ASCII text is written raw (no JSON_ENSURE_ASCII), U+2028 and U+2029
 * included, as jansson writes it. */
START_TEST(non_ascii_raw)
{
	static const char *const texts[] = {
		"données",                  /* 2 bytes */
		"日本語のテキスト",          /* 3 bytes */
		"\xf0\x9f\xaa\xa3 bucket", /* 4 bytes: U+1FAA3 */
		"a\xe2\x80\xa8z\xe2\x80\xa9", /* U+2028, U+2029 */
		"\xc2\x80\xc2\x9f\xef\xbf\xbf\xf4\x8f\xbf\xbf", /* U+0080, U+009F, U+FFFF, U+10FFFF */
	};
	for (size_t i = 0; i < sizeof(texts) / sizeof(*texts); i++) {
		string_both_ways(texts[i], strlen(texts[i]));
		ck_assert_uint_eq(out.len, strlen(texts[i]) + 2);
		ck_assert(memcmp(out.data + 1, texts[i], strlen(texts[i])) == 0);
	}
}
END_TEST

/* s holds n bytes of 'x' with the special k at at (a whole UTF-8
 * sequence for the non-ASCII one, or 'y' when it does not fit). */
static void with_special(char *s, size_t n, size_t at, char k)
{
	memset(s, 'x', n);
	s[at] = k;
	if (k == '\x80') {
		s[at] = at + 1 < n ? '\xc3' : 'y';
		if (at + 1 < n)
			s[at + 1] = '\xa9';
	}
}

/* A character that needs escaping at every position of strings of 0 to 40
 * bytes: the writer checks eight bytes at a time. */
START_TEST(escape_every_position)
{
	static const char specials[] = {'"', '\\', '\0', '\n', '\x1f', '\x7f', ' ', '\x80'};
	char s[41];
	for (size_t n = 0; n <= 40; n++) {
		for (size_t at = 0; at < n; at++) {
			for (size_t k = 0; k < sizeof(specials); k++) {
				with_special(s, n, at, specials[k]);
				string_both_ways(s, n);
			}
		}
		memset(s, 'x', n);
		string_both_ways(s, n);
	}
}
END_TEST

START_TEST(keys)
{
	jw_object_open(&w);
	jw_key(&w, "Bucket", "Arn");
	jw_int(&w, 1);
	jw_key(&w, "q\"uo\\te", "\n");
	jw_int(&w, 2);
	jw_key(&w, "", NULL);
	jw_int(&w, 3);
	JW_KEY(&w, "Plain");
	jw_int(&w, 4);
	jw_key_plain(&w, "Cut here", 3);
	jw_int(&w, 5);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{\n"
				 "  \"BucketArn\": 1,\n"
				 "  \"q\\\"uo\\\\te\\n\": 2,\n"
				 "  \"\": 3,\n"
				 "  \"Plain\": 4,\n"
				 "  \"Cut\": 5\n"
				 "}");
}
END_TEST

START_TEST(string3)
{
	jw_array_open(&w);
	jw_string3(&w, "arn:aws:s3:::", "bucket", "/*");
	jw_string3(&w, "a", NULL, "c");
	jw_string3(&w, NULL, NULL, NULL);
	jw_string3(&w, "\"", "\\", "\n");
	jw_string3(&w, "", "", "");
	jw_array_close(&w);
	ck_assert_str_eq(text(), "[\n"
				 "  \"arn:aws:s3:::bucket/*\",\n"
				 "  \"a(null)c\",\n"
				 "  \"(null)(null)(null)\",\n"
				 "  \"\\\"\\\\\\n\",\n"
				 "  \"\"\n"
				 "]");
}
END_TEST

START_TEST(member_macros)
{
	struct crrc_str set = {.s = "v\"1", .len = 3, .set = true};
	struct crrc_str cut = {.s = "abcdef", .len = 2, .set = true};
	struct crrc_str unset = {0};
	jw_object_open(&w);
	JW_MEMBER(&w, "Gone", NULL);
	JW_MEMBER(&w, "A", "x\ty");
	JW_MEMBER(&w, "Gone2", NULL);
	JW_MEMBER_LIT(&w, "B", "lit");
	JW_MEMBER_STR(&w, "C", &set);
	JW_MEMBER_STR(&w, "D", &cut);
	JW_MEMBER_STR(&w, "E", &unset);
	jw_member_n(&w, "F", 1, "a\0b", 3);
	jw_member_plain(&w, "G", 1, "");
	JW_MEMBER(&w, "Gone3", NULL);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{\n"
				 "  \"A\": \"x\\ty\",\n"
				 "  \"B\": \"lit\",\n"
				 "  \"C\": \"v\\\"1\",\n"
				 "  \"D\": \"ab\",\n"
				 "  \"E\": \"\",\n"
				 "  \"F\": \"a\\u0000b\",\n"
				 "  \"G\": \"\"\n"
				 "}");
	/* Every member left out: the object is empty. */
	restart(0);
	jw_object_open(&w);
	JW_MEMBER(&w, "Gone", NULL);
	jw_object_close(&w);
	ck_assert_str_eq(text(), "{}");
}
END_TEST

START_TEST(ints)
{
	jw_array_open(&w);
	jw_int(&w, 0);
	jw_int(&w, -1);
	jw_int(&w, 2147483648LL);
	jw_int(&w, LLONG_MAX);
	jw_int(&w, LLONG_MIN);
	jw_array_close(&w);
	ck_assert_str_eq(text(), "[\n  0,\n  -1,\n  2147483648,\n  9223372036854775807,\n"
				 "  -9223372036854775808\n]");
	json_t *v = json_pack("[I,I,I,I,I]", (json_int_t)0, (json_int_t)-1,
			      (json_int_t)2147483648LL, (json_int_t)LLONG_MAX, (json_int_t)LLONG_MIN);
	assert_parses_to(v);
	json_decref(v);
}
END_TEST

/* A value rendered by a writer at the same depth, in another buffer, goes
 * in with jw_raw: the same bytes as writing it in place. */
static void sub_value(struct json_writer *x)
{
	jw_object_open(x);
	JW_MEMBER(x, "Ref", "Role");
	JW_KEY(x, "List");
	jw_array_open(x);
	jw_string(x, "a");
	jw_array_close(x);
	jw_object_close(x);
}

static void with_sub(struct json_writer *x)
{
	jw_object_open(x);
	JW_MEMBER(x, "Before", "b");
	JW_KEY(x, "Value");
	sub_value(x);
	JW_KEY(x, "Arr");
	jw_array_open(x);
	sub_value(x);
	jw_raw(x, "17", 2);
	jw_array_close(x);
	jw_object_close(x);
}

START_TEST(raw_same_as_in_place)
{
	struct buf direct = BUF_INIT, member = BUF_INIT, element = BUF_INIT;
	struct json_writer x;
	jw_init(&x, &direct, 0);
	with_sub(&x);
	jw_init(&x, &member, 1);
	sub_value(&x);
	jw_init(&x, &element, 2);
	sub_value(&x);
	/* The same document with each value rendered apart, at its depth. */
	jw_object_open(&w);
	JW_MEMBER(&w, "Before", "b");
	JW_KEY(&w, "Value");
	jw_raw(&w, member.data, member.len);
	JW_KEY(&w, "Arr");
	jw_array_open(&w);
	jw_raw(&w, element.data, element.len);
	jw_raw(&w, "17", 2);
	jw_array_close(&w);
	jw_object_close(&w);
	ck_assert_str_eq(text(), direct.data);
	ck_assert_ptr_nonnull(strstr(direct.data, "\n      \"Ref\": \"Role\""));
	buf_free(&direct);
	buf_free(&member);
	buf_free(&element);
}
END_TEST

/* A small deterministic generator (xorshift64*). */
static uint64_t rng_state;

static uint32_t rng(void)
{
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}

/* One code point in UTF-8 at p (returns its length): mostly the ones that
 * need care. */
static size_t random_char(char *p, bool nul_ok)
{
	static const uint32_t picks[] = {'"', '\\', '/', 0x7f, 0x80, 0x9f, 0xe9, 0x7ff, 0x800,
					 0x2028, 0x2029, 0xfeff, 0xffff, 0x10000, 0x1f600, 0x10ffff};
	uint32_t c, r = rng() % 8;
	if (r < 2)
		c = 0x20 + rng() % 0x5f;
	else if (r < 4)
		c = rng() % 0x20;
	else if (r < 6)
		c = picks[rng() % (sizeof(picks) / sizeof(*picks))];
	else
		do
			c = rng() % 0x110000;
		while (c >= 0xd800 && c <= 0xdfff);
	if (c == 0 && !nul_ok)
		c = 1;
	if (c < 0x80) {
		p[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		p[0] = (char)(0xc0 | c >> 6), p[1] = (char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		p[0] = (char)(0xe0 | c >> 12), p[1] = (char)(0x80 | (c >> 6 & 0x3f));
		p[2] = (char)(0x80 | (c & 0x3f));
		return 3;
	}
	p[0] = (char)(0xf0 | c >> 18), p[1] = (char)(0x80 | (c >> 12 & 0x3f));
	p[2] = (char)(0x80 | (c >> 6 & 0x3f)), p[3] = (char)(0x80 | (c & 0x3f));
	return 4;
}

/* A random string of up to max code points into s (room for 4 * max). */
static size_t random_string(char *s, size_t max, bool nul_ok)
{
	size_t n = 0, chars = rng() % (max + 1);
	for (size_t i = 0; i < chars; i++)
		n += random_char(s + n, nul_ok);
	return n;
}

static json_t *random_value(int depth)
{
	char s[4 * 40 + 1];
	int kind = depth >= 5 ? 2 + (int)(rng() % 5) : (int)(rng() % 7);
	if (kind == 0) {
		json_t *o = json_object();
		for (uint32_t i = 0, n = rng() % 6; i < n; i++) {
			size_t len = random_string(s, 12, false);
			s[len] = '\0';
			json_object_set_new(o, s, random_value(depth + 1));
		}
		return o;
	}
	if (kind == 1) {
		json_t *a = json_array();
		for (uint32_t i = 0, n = rng() % 6; i < n; i++)
			json_array_append_new(a, random_value(depth + 1));
		return a;
	}
	if (kind == 2 || kind == 3)
		return json_stringn(s, random_string(s, 40, true));
	if (kind == 4)
		return json_integer((json_int_t)(((uint64_t)rng() << 32 | rng())) >> (rng() % 64));
	if (kind == 5)
		return rng() % 3 ? json_boolean(rng() % 2) : json_null();
	return json_real((double)(int32_t)rng() / (double)(1 + rng() % 1000));
}

/* Random documents through jw_json: json_dumps's bytes, at depth 0, and
 * the same document parsed back. */
START_TEST(random_documents_like_jansson)
{
	rng_state = 0x9e3779b97f4a7c15ull;
	for (int i = 0; i < 400; i++) {
		json_t *v = random_value(0);
		restart(0);
		jw_json(&w, v);
		assert_dumps_like(v);
		assert_parses_to(v);
		json_decref(v);
	}
}
END_TEST

/* jw_json below the top: as a member it takes the member's indentation. */
START_TEST(json_as_member)
{
	json_t *inner = json_pack("{s:[i,s,b,n,f],s:{}}", "a", 1, "two", 1, 2.5, "e");
	json_t *doc = json_pack("{s:s,s:O}", "k", "v", "in", inner);
	jw_object_open(&w);
	JW_MEMBER(&w, "k", "v");
	JW_KEY(&w, "in");
	jw_json(&w, inner);
	jw_object_close(&w);
	assert_dumps_like(doc);
	assert_parses_to(doc);
	json_decref(inner);
	json_decref(doc);
}
END_TEST

/* A buffer of cap bytes that drains into sink. */
struct draining {
	struct buf b;
	struct buf sink;
	size_t drains;
};

static void drain_to_sink(struct buf *b)
{
	struct draining *d = CRRC_CONTAINER_OF(b, struct draining, b);
	ck_assert_uint_gt(b->len, 0);
	ck_assert_uint_eq(strlen(b->data), b->len);
	buf_put(&d->sink, b->data, b->len);
	d->drains++;
}

/* A document of many members, strings longer than small buffers and every
 * kind of value. */
static void big_document(struct buf *b)
{
	struct json_writer x;
	char long_text[3000];
	for (size_t i = 0; i < sizeof(long_text); i++)
		long_text[i] = "ab\"\\\n\x01\xc3\xa9"[i % 8];
	long_text[sizeof(long_text) - 1] = 'z'; /* no half UTF-8 sequence at the end */
	long_text[sizeof(long_text) - 2] = 'z';
	json_t *extra = json_pack("{s:[i,i,{s:s}],s:f}", "j", 1, 2, "deep", "é\"", "r", 0.125);
	jw_init(&x, b, 0);
	jw_object_open(&x);
	for (int i = 0; i < 300; i++) {
		char key[32];
		snprintf(key, sizeof(key), "Bucket%03d", i);
		jw_key(&x, key, i % 2 ? "Policy" : NULL);
		jw_object_open(&x);
		JW_MEMBER(&x, "Type", "AWS::S3::Bucket");
		JW_KEY(&x, "Text");
		size_t n = (size_t)(i * 37) % sizeof(long_text);
		if (n && long_text[n - 1] == '\xc3') /* not half a character */
			n--;
		jw_stringn(&x, long_text, n);
		JW_KEY(&x, "Arn");
		jw_string3(&x, "arn:aws:s3:::", key, i % 3 ? "/*" : NULL);
		JW_KEY(&x, "List");
		jw_array_open(&x);
		jw_int(&x, i);
		jw_bool(&x, i % 2);
		jw_null(&x);
		jw_raw(&x, "\"raw\"", 5);
		jw_json(&x, extra);
		jw_array_close(&x);
		jw_object_close(&x);
	}
	jw_object_close(&x);
	json_decref(extra);
}

/* A draining buffer of first bytes: drained bytes and what is left are
 * the undrained rendering, byte for byte. */
static void drained_like_undrained(size_t first)
{
	struct buf whole = BUF_INIT;
	big_document(&whole);
	struct draining d = {.b = {.drain = drain_to_sink}};
	d.b.data = malloc(first);
	ck_assert_ptr_nonnull(d.b.data);
	d.b.cap = first;
	big_document(&d.b);
	ck_assert_uint_gt(d.drains, 10);
	ck_assert_uint_eq(buf_size(&d.b), whole.len);
	ck_assert_uint_eq(d.b.drained, d.sink.len);
	buf_put(&d.sink, d.b.data, d.b.len);
	ck_assert_uint_eq(d.sink.len, whole.len);
	ck_assert_msg(memcmp(d.sink.data, whole.data, whole.len) == 0,
		      "drained through %zu bytes: other bytes", first);
	json_error_t e;
	json_t *v = json_loadb(whole.data, whole.len, 0, &e);
	ck_assert_msg(v != NULL, "not JSON: %s", e.text);
	ck_assert_uint_eq(json_object_size(v), 300);
	json_decref(v);
	buf_free(&whole);
	buf_free(&d.b);
	buf_free(&d.sink);
}

START_TEST(drain_small_buffers)
{
	static const size_t caps[] = {1, 7, 16, 64, 256, 1000, 4096};
	for (size_t i = 0; i < sizeof(caps) / sizeof(*caps); i++)
		drained_like_undrained(caps[i]);
}
END_TEST

/* The default draining buffer (BUF_INIT with a drain: 256 bytes). */
START_TEST(drain_default_buffer)
{
	struct buf whole = BUF_INIT;
	big_document(&whole);
	struct draining d = {.b = {.drain = drain_to_sink}};
	big_document(&d.b);
	ck_assert_uint_gt(d.drains, 0);
	buf_put(&d.sink, d.b.data, d.b.len);
	ck_assert_uint_eq(d.sink.len, whole.len);
	ck_assert(memcmp(d.sink.data, whole.data, whole.len) == 0);
	buf_free(&whole);
	buf_free(&d.b);
	buf_free(&d.sink);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("json_writer");
	TCase *tc = tcase_create("layout");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, small_document_exact);
	tcase_add_test(tc, depth_exact);
	tcase_add_test(tc, empty_containers);
	tcase_add_test(tc, deep_nesting);
	tcase_add_test(tc, keys);
	tcase_add_test(tc, string3);
	tcase_add_test(tc, member_macros);
	tcase_add_test(tc, ints);
	tcase_add_test(tc, raw_same_as_in_place);
	suite_add_tcase(s, tc);
	tc = tcase_create("strings");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, escape_exact);
	tcase_add_test(tc, escape_controls);
	tcase_add_test(tc, escape_long_runs);
	tcase_add_test(tc, non_ascii_raw);
	tcase_add_test(tc, escape_every_position);
	suite_add_tcase(s, tc);
	tc = tcase_create("jansson");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, random_documents_like_jansson);
	tcase_add_test(tc, json_as_member);
	tcase_add_test(tc, drain_small_buffers);
	tcase_add_test(tc, drain_default_buffer);
	suite_add_tcase(s, tc);
	return check_main(s);
}
