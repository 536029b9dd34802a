/* check_names.c: names. The spec's name and the buckets' logical names follow
 * crrc's rule; S3 bucket names follow every S3 naming rule, are unique
 * within a partition, and are warned about when they hold dots. A bucket
 * that exists already in us-east-1 may keep a legacy name, which S3 gave
 * buckets there until March 2018: a warning, not an error. A name that
 * aliases give to many buckets is judged once. */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "base/util.h"

static bool names_lower_digit(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* The first character of s outside a-z 0-9 -, or len. */
static size_t names_bad_char(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (!names_lower_digit(s[i]) && s[i] != '-')
			return i;
	return len;
}

static bool names_spec(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	const struct crrc_str *n = &m->name;
	if (!crrc_given(n))
		return false;
	size_t chars = crrc_utf8_len(n->s, n->len), bad = names_bad_char(n->s, n->len);
	char c[8], q[DIAG_QUOTE_BUF];
	if (bad < n->len) {
		utf8_char_at(n->s, n->len, bad, c);
		diags_add(d, CRRC_E030, n->pos,
			  "spec name '%s' contains '%s' (character %zu): use only lowercase letters, "
			  "digits and hyphens",
			  crrc_shown(q, n), c, crrc_utf8_len(n->s, bad) + 1);
	} else if (chars < 2 || chars > CRRC_MAX_SPEC_NAME) {
		diags_add(d, CRRC_E030, n->pos,
			  "spec name '%s' is %zu characters long: it must have 2 to %d, as it "
			  "prefixes every generated name",
			  crrc_shown(q, n), chars, CRRC_MAX_SPEC_NAME);
	} else if (n->s[0] < 'a' || n->s[0] > 'z') {
		diags_add(d, CRRC_E030, n->pos,
			  "spec name '%s' starts with '%c': it must start with a lowercase letter",
			  crrc_shown(q, n), n->s[0]);
	} else {
		return true;
	}
	return false;
}

static bool names_key(const struct crrc_bucket *b, struct crrc_diags *d)
{
	const struct crrc_str *k = &b->key;
	if (!crrc_given(k))
		return false;
	if (k->len == 0) {
		diags_add(d, CRRC_E031, k->pos,
			  "a bucket key is empty: use lowercase letters, digits and hyphens");
		return false;
	}
	size_t bad = names_bad_char(k->s, k->len);
	if (bad == k->len)
		return true;
	char c[8], q[DIAG_QUOTE_BUF];
	utf8_char_at(k->s, k->len, bad, c);
	diags_add(d, CRRC_E031, k->pos,
		  "bucket key '%s' contains '%s' (character %zu): a bucket's logical name uses "
		  "only lowercase letters, digits and hyphens",
		  crrc_shown(q, k), c, crrc_utf8_len(k->s, bad) + 1);
	return false;
}

/* "a.b.c.d" with four groups of 1-3 digits. */
static bool names_ip_form(const char *s, size_t len)
{
	size_t groups = 0, digits = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '.') {
			if (digits == 0 || digits > 3)
				return false;
			groups++;
			digits = 0;
		} else if (s[i] >= '0' && s[i] <= '9') {
			digits++;
		} else {
			return false;
		}
	}
	return groups == 4;
}

struct names_affix {
	const char *s;
	size_t len;
};

#define NAMES_AFFIX(s) {s, sizeof(s) - 1}

static const struct names_affix names_prefixes[] = {
	NAMES_AFFIX("xn--"),
	NAMES_AFFIX("sthree-"),
	NAMES_AFFIX("amzn-s3-demo-"),
};

static const struct names_affix names_suffixes[] = {
	NAMES_AFFIX("-s3alias"), NAMES_AFFIX("--ol-s3"),    NAMES_AFFIX(".mrap"),
	NAMES_AFFIX("--x-s3"),   NAMES_AFFIX("--table-s3"),
};

/* The reserved affix that s starts (or ends) with, or NULL. */
static const char *names_affix(const char *s, size_t len, bool suffix)
{
	const struct names_affix *v = suffix ? names_suffixes : names_prefixes;
	size_t n = suffix ? sizeof(names_suffixes) / sizeof(*v) : sizeof(names_prefixes) / sizeof(*v);
	for (size_t i = 0; i < n; i++)
		if (v[i].len <= len && memcmp(suffix ? s + len - v[i].len : s, v[i].s, v[i].len) == 0)
			return v[i].s;
	return NULL;
}

/* The S3 rule that name s breaks, described for a message; NULL if none.
 * One scan gathers what the rules need. */
static const char *names_s3_rule(struct arena *a, const char *s, size_t len)
{
	size_t chars = 0, bad = len;
	bool two_dots = false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		chars += ((unsigned char)c & 0xC0) != 0x80;
		if (bad == len && !names_lower_digit(c) && c != '.' && c != '-')
			bad = i;
		two_dots = two_dots || (c == '.' && i + 1 < len && s[i + 1] == '.');
	}
	if (chars < 3 || chars > 63)
		return arena_printf(a, "is %zu characters long: S3 bucket names have 3 to 63",
				    chars);
	if (bad < len) {
		char c[8];
		utf8_char_at(s, len, bad, c);
		return arena_printf(a,
				    "contains '%s' (character %zu): S3 bucket names use only "
				    "lowercase letters, digits, dots and hyphens",
				    c, crrc_utf8_len(s, bad) + 1);
	}
	if (!names_lower_digit(s[0]) || !names_lower_digit(s[len - 1]))
		return arena_printf(a, "%s with '%c': S3 bucket names begin and end with a "
				       "letter or digit",
				    names_lower_digit(s[0]) ? "ends" : "begins",
				    names_lower_digit(s[0]) ? s[len - 1] : s[0]);
	if (two_dots)
		return "has two adjacent periods, which S3 does not allow";
	if (names_ip_form(s, len))
		return "is formatted as an IP address, which S3 does not allow";
	const char *affix = names_affix(s, len, false);
	if (affix)
		return arena_printf(a, "starts with '%s', a prefix S3 reserves", affix);
	affix = names_affix(s, len, true);
	if (affix)
		return arena_printf(a, "ends with '%s', a suffix S3 reserves", affix);
	return NULL;
}

/* Whether s is a name S3 gave buckets created in us-east-1 before March 1,
 * 2018: 3 to 255 letters (either case), digits, dots, hyphens and
 * underscores. */
static bool names_legacy(const char *s, size_t len)
{
	if (len < 3 || len > 255)
		return false;
	for (size_t i = 0; i < len; i++) {
		char c = s[i];
		if (!names_lower_digit(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '-' &&
		    c != '_')
			return false;
	}
	return true;
}

/* What names_s3_rule says of a name, once per name: aliases may give one
 * name to thousands of buckets. */
struct names_verdict {
	const char *broken; /* the rule broken, or NULL */
	bool dots;
	bool legacy; /* broken, but a legacy us-east-1 name */
};

struct names {
	struct arena *a;
	struct crrc_diags *d;
	bool spec_ok;
	struct ptrmap *verdicts;                 /* (name, position) -> verdict */
	struct strmap *seen[PARTITION_COUNT];    /* name -> first bucket */
	struct ptrmap *seen_at[PARTITION_COUNT]; /* name text -> first bucket */
};

static const struct names_verdict *names_judge(struct names *c, const struct crrc_str *n)
{
	bool fresh;
	void **slot = ptrmap_slot(c->verdicts, n->s, crrc_pos_key(n->pos), &fresh);
	if (fresh) {
		struct names_verdict *v = arena_alloc(c->a, sizeof(*v));
		v->broken = names_s3_rule(c->a, n->s, n->len);
		v->dots = memchr(n->s, '.', n->len) != NULL;
		v->legacy = v->broken && names_legacy(n->s, n->len);
		*slot = v;
	}
	return *slot;
}

/* The first bucket named n in b's partition, b when it is the first. */
static const struct crrc_bucket *names_first(struct names *c, const struct crrc_bucket *b)
{
	size_t p = partition_index(b->reg ? b->reg->partition : NULL);
	bool fresh;
	void **slot = ptrmap_slot(c->seen_at[p], b->name.s, 0, &fresh);
	if (fresh) {
		void *first = (void *)b;
		strmap_put(c->seen[p], b->name.s, b->name.len, (void *)b, &first);
		*ptrmap_slot(c->seen_at[p], b->name.s, 0, &fresh) = first;
		return first;
	}
	return *slot;
}

/* When a broken name would be a legacy one for an existing bucket in
 * us-east-1, what stands in the way. */
static const char *names_legacy_hint(const struct crrc_bucket *b, const struct names_verdict *v)
{
	bool east = b->reg && strcmp(b->reg->code, "us-east-1") == 0;
	if (!v->legacy || (east && b->existing.v))
		return "";
	if (!b->existing.v && east)
		return " (a legacy us-east-1 name is kept only for a bucket that exists already: "
		       "existing: true)";
	return b->existing.v ? " (legacy names were given only in us-east-1)" : "";
}

static void names_bucket(struct names *c, const struct crrc_bucket *b, bool key_ok)
{
	const struct crrc_str *n = &b->name;
	if (!n->s || (!n->set && !(key_ok && c->spec_ok)))
		return; /* no name, or a default built of names already reported */
	const struct names_verdict *v = names_judge(c, n);
	/* a default name is not "set" (crrc_shown would quote nothing) */
	char q[DIAG_QUOTE_BUF], qk[DIAG_QUOTE_BUF], qf[DIAG_QUOTE_BUF];
	if (v->legacy && b->existing.v && b->reg && strcmp(b->reg->code, "us-east-1") == 0)
		diags_add(c->d, CRRC_W008, n->pos,
			  "S3 bucket name '%s' %s; S3 gave such names to buckets created in "
			  "us-east-1 before March 1, 2018, and this one exists already: crrc "
			  "configures it and never creates it, but no new bucket can be named so",
			  diag_quote(q, n->s, n->len), v->broken);
	else if (v->broken && n->set)
		diags_add(c->d, CRRC_E032, n->pos, "S3 bucket name '%s' %s%s",
			  diag_quote(q, n->s, n->len), v->broken, names_legacy_hint(b, v));
	else if (v->broken)
		diags_add(c->d, CRRC_E032, n->pos,
			  "the default S3 name '%s' of bucket '%s' (spec name, '-', key) %s; give "
			  "the bucket a name:",
			  diag_quote(q, n->s, n->len), crrc_shown(qk, &b->key), v->broken);
	const struct crrc_bucket *first = names_first(c, b);
	const char *name = diag_quote(q, n->s, n->len);
	if (first != b) {
		struct crrc_diag *g = diags_add(
			c->d, CRRC_E033, n->pos,
			"buckets '%s' and '%s' are both named '%s': S3 bucket names are unique "
			"within a partition; give one of them another name:",
			crrc_shown(qf, &first->key), crrc_shown(qk, &b->key), name);
		diag_note(g, first->name.pos, "first bucket named '%s' here", name);
	}
	if (!v->broken && v->dots)
		diags_add(c->d, CRRC_W001, n->pos,
			  "S3 bucket name '%s' has dots: virtual-hosted-style HTTPS requests fail "
			  "certificate validation and Transfer Acceleration cannot be used; prefer "
			  "hyphens",
			  name);
}

void check_names(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct names c = {.a = a, .d = d, .spec_ok = names_spec(m, a, d)};
	c.verdicts = ptrmap_create(a, m->nbuckets);
	for (size_t i = 0; i < PARTITION_COUNT; i++) {
		c.seen[i] = strmap_create(a, i == 0 ? m->nbuckets : 0);
		c.seen_at[i] = ptrmap_create(a, i == 0 ? m->nbuckets : 0);
	}
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		names_bucket(&c, b, names_key(b, d));
	}
}
