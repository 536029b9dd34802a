/* check_tags.c: AWS's tag rules, on the top-level tags, every bucket's own
 * tags and every rule's filter tags: key 1-128 and value 0-256 characters,
 * letters, digits, spaces and + - = . _ : / @ only in ASCII (S3 takes any
 * character beyond it), no aws: prefix, and at most 50 tags on a resource
 * once merged. Top-level tags are checked once, not again on every bucket
 * that carries them, and a key or value that aliases repeat once, not again
 * at each use. They also go on every role crrc generates, and IAM is
 * stricter (E079): keys unique but for case, and beyond ASCII only the
 * general categories L, Z and N (base/unicode.h). */
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "base/unicode.h"
#include "base/util.h"

/* Long values are cut in messages after this many bytes. */
#define TAGS_SHOW 40

static bool tags_char_ok(unsigned char c)
{
	if (c >= 0x80) /* beyond ASCII: S3 takes any Unicode character */
		return true;
	if (!unicode_is_xml_char(c)) /* a control character: E027 (xml_chars.c) says so */
		return true;
	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
		return true;
	return c != '\0' && strchr(" +-=._:/@", c) != NULL;
}

/* s for a message: whole, or its start and "..." when long. */
static const char *tags_show(struct arena *a, const char *s, size_t len)
{
	if (len <= TAGS_SHOW)
		return s;
	size_t cut = TAGS_SHOW;
	while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
		cut--;
	return arena_printf(a, "%.*s...", (int)cut, s);
}

/* Length and characters of a key or value; false when it broke a rule. */
static bool tags_text(struct arena *a, struct crrc_diags *d, enum crrc_code code,
		      const struct crrc_str *t, const char *what, size_t min, size_t max)
{
	size_t chars = 0, bad = t->len;
	for (size_t i = 0; i < t->len; i++) {
		unsigned char c = (unsigned char)t->s[i];
		chars += (c & 0xC0) != 0x80;
		if (bad == t->len && !tags_char_ok(c))
			bad = i;
	}
	if (chars < min) {
		diags_add(d, code, t->pos, "a tag %s is empty: tag %ss have %zu to %zu characters",
			  what, what, min, max);
		return false;
	}
	if (chars > max) {
		diags_add(d, code, t->pos,
			  "tag %s '%s' is %zu characters long: AWS allows at most %zu", what,
			  tags_show(a, t->s, t->len), chars, max);
		return false;
	}
	if (bad == t->len)
		return true;
	char c[8];
	utf8_char_at(t->s, t->len, bad, c);
	diags_add(d, code, t->pos,
		  "tag %s '%s' contains '%s' (character %zu): AWS allows only letters, digits, "
		  "spaces and + - = . _ : / @ in tags",
		  what, tags_show(a, t->s, t->len), c, crrc_utf8_len(t->s, bad) + 1);
	return false;
}

/* Whether t, as a key (n 1) or a value (n 2), is seen the first time. */
static bool tags_first(struct ptrmap *seen, const struct crrc_str *t, uint64_t role)
{
	bool fresh;
	if (t->len < CRRC_MEMO_MIN)
		return true;
	ptrmap_slot(seen, t->s, crrc_pos_key(t->pos) << 1 | role, &fresh);
	return fresh;
}

static void tags_check(struct ptrmap *seen, struct arena *a, struct crrc_diags *d,
		       const struct crrc_tags *tags)
{
	for (size_t i = 0; i < tags->n; i++) {
		const struct crrc_tag *t = &tags->v[i];
		if (crrc_given(&t->key) && tags_first(seen, &t->key, 0) &&
		    tags_text(a, d, CRRC_E037, &t->key, "key", 1, 128) &&
		    t->key.len >= 4 && strncasecmp(t->key.s, "aws:", 4) == 0)
			diags_add(d, CRRC_E039, t->key.pos,
				  "tag key '%s' starts with '%.4s', a prefix AWS reserves for its own "
				  "tags: rename the key",
				  tags_show(a, t->key.s, t->key.len), t->key.s);
		if (crrc_given(&t->value) && tags_first(seen, &t->value, 1))
			tags_text(a, d, CRRC_E038, &t->value, "value", 0, 256);
	}
}

static void tags_count(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	if (m->tags.n > CRRC_MAX_TAGS) {
		diags_add(d, CRRC_E040, m->tags.pos,
			  "%zu top-level tags: every bucket and generated role carries them, and "
			  "AWS allows at most %d tags on a resource",
			  m->tags.n, CRRC_MAX_TAGS);
		return; /* every bucket would repeat it */
	}
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		if (b->tags.n <= CRRC_MAX_TAGS)
			continue;
		char q[DIAG_QUOTE_BUF];
		diags_add(d, CRRC_E040, b->own_tags.set ? b->own_tags.pos : b->key.pos,
			  "bucket '%s' has %zu tags once its %zu own tags are merged over the %zu "
			  "top-level ones: AWS allows at most %d tags on a resource",
			  crrc_shown(q, &b->key), b->tags.n, b->own_tags.n, m->tags.n, CRRC_MAX_TAGS);
	}
}

/* --- IAM: the top-level tags also go on every role crrc generates ------- */

/* The role a top-level tag goes on, for messages; NULL when crrc
 * generates none (the tags then go on buckets only). */
static const char *tags_role(const struct crrc_model *m)
{
	for (size_t i = 0; i < m->nreplications; i++)
		if (m->replications[i].role_generated && m->replications[i].role_name)
			return m->replications[i].role_name;
	return NULL;
}

/* IAM's pattern [\p{L}\p{Z}\p{N}_.:/=+\-@]: where S3 takes any
 * character beyond ASCII, IAM takes only letters, separators and numbers.
 * ASCII and the characters XML refuses are E037/E038 and E027 already. */
static void tags_iam_chars(struct arena *a, struct crrc_diags *d, const struct crrc_str *t,
			   const char *what, const char *role)
{
	for (size_t i = 0; crrc_given(t) && i < t->len;) {
		uint32_t cp;
		size_t w = utf8_decode_at(t->s, t->len, i, &cp);
		if (cp >= 0x80 && unicode_is_xml_char(cp) && !unicode_is_lzn(cp)) {
			diags_add(d, CRRC_E079, t->pos,
				  "tag %s '%s' contains '%.*s' (U+%04X, character %zu): IAM allows "
				  "only letters, digits, spaces and _ . : / = + - @ in a role's tags, "
				  "and the top-level tags go on every role crrc generates ('%s'); S3 "
				  "takes it on buckets, IAM refuses it",
				  what, tags_show(a, t->s, t->len), (int)w, t->s + i, cp,
				  crrc_utf8_len(t->s, i) + 1, role);
			return;
		}
		i += w;
	}
}

/* t's key case-folded, as IAM compares keys. */
static const char *tags_folded(struct arena *a, const struct crrc_str *t, size_t *len)
{
	char *out = arena_alloc(a, (size_t)t->len * 4 + 1), *p = out;
	for (size_t i = 0; i < t->len;) {
		uint32_t cp;
		i += utf8_decode_at(t->s, t->len, i, &cp);
		p += utf8_encode(unicode_fold(cp), p);
	}
	*len = (size_t)(p - out);
	return out;
}

/* The top-level tags as IAM takes them: keys unique but for case, and
 * IAM's characters. */
static void tags_iam(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	const char *role = tags_role(m);
	if (!role || m->tags.n == 0)
		return;
	struct strmap *seen = strmap_create(a, m->tags.n);
	for (size_t i = 0; i < m->tags.n; i++) {
		const struct crrc_tag *t = &m->tags.v[i];
		tags_iam_chars(a, d, &t->key, "key", role);
		tags_iam_chars(a, d, &t->value, "value", role);
		if (!crrc_given(&t->key))
			continue;
		size_t len;
		const char *folded = tags_folded(a, &t->key, &len);
		void *first;
		if (strmap_put(seen, folded, len, (void *)t, &first))
			continue;
		const struct crrc_tag *f = first;
		struct crrc_diag *g = diags_add(
			d, CRRC_E079, t->key.pos,
			"tag keys '%s' and '%s' differ only in case: IAM's tag keys are "
			"case-insensitive, and the top-level tags go on every role crrc generates "
			"('%s'), so IAM would refuse them; keep one",
			tags_show(a, f->key.s, f->key.len), tags_show(a, t->key.s, t->key.len), role);
		diag_note(g, f->key.pos, "'%s' here", tags_show(a, f->key.s, f->key.len));
	}
}

void check_tags(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	tags_iam(m, a, d);
	struct ptrmap *seen = ptrmap_create(a, 64); /* long values only */
	tags_check(seen, a, d, &m->tags);
	for (size_t i = 0; i < m->nbuckets; i++)
		tags_check(seen, a, d, &m->buckets[i].own_tags);
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		for (size_t j = 0; j < r->nrules; j++)
			tags_check(seen, a, d, &r->rules[j].filter.tags);
	}
	tags_count(m, a, d);
}
