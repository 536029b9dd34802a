/* check_xml_chars.c: S3 reads its configurations as XML 1.0, which has no
 * control character but tab, line feed and carriage return, and neither
 * U+FFFE nor U+FFFF (nor surrogates, which valid UTF-8 cannot hold). The
 * file cannot hold control characters raw (E005), but a YAML escape in a
 * double-quoted scalar ("\u0007", "\x1b", "\uFFFF") puts one in any string.
 * Every string that reaches S3 in an XML document is checked here (E027),
 * once: the replication configuration's role ARN, rule ids, filter prefixes
 * and tags, storage classes and replica KMS keys; each bucket's tags (the
 * top-level ones once, not on every bucket that carries them) and its KMS
 * key (the encryption configuration). Bucket names, account ids and region
 * codes have stricter rules of their own (E032, E035, E034). The tag checks
 * leave these characters to this one. A value that aliases repeat (one
 * text at one position) is read once, and a rule node once. */
#include "base/ptrmap.h"
#include "base/unicode.h"
#include "base/util.h"
#include "check/checks.h"
#include "diag/diag.h"

struct xml {
	struct crrc_diags *d;
	struct ptrmap *seen; /* values read: (text, position) */
};

/* s's first character that XML 1.0 does not allow, reported; false then. */
static bool xml_text(struct xml *x, const struct crrc_str *s, const char *what, const char *doc)
{
	bool fresh = true;
	if (!crrc_given(s))
		return true;
	if (s->len >= CRRC_MEMO_MIN)
		ptrmap_slot(x->seen, s->s, crrc_pos_key(s->pos), &fresh);
	if (!fresh)
		return true; /* read before, and reported then */
	char q[DIAG_QUOTE_BUF];
	for (size_t i = 0; i < s->len;) {
		uint32_t cp;
		size_t w = utf8_decode_at(s->s, s->len, i, &cp);
		if (!unicode_is_xml_char(cp)) {
			diags_add(x->d, CRRC_E027, s->pos,
				  "%s '%s' contains U+%04X (character %zu), which is not an XML 1.0 "
				  "character: S3 reads the %s as XML and refuses it; remove the "
				  "character (a YAML escape such as \"\\u%04X\" writes it)",
				  what, crrc_shown(q, s), cp, crrc_utf8_len(s->s, i) + 1, doc, cp);
			return false;
		}
		i += w;
	}
	return true;
}

static void xml_tags(struct xml *d, const struct crrc_tags *tags, const char *doc)
{
	for (size_t i = 0; i < tags->n; i++) {
		xml_text(d, &tags->v[i].key, "tag key", doc);
		xml_text(d, &tags->v[i].value, "tag value", doc);
	}
}

static void xml_rule(struct xml *d, const struct crrc_rule *rule)
{
	static const char doc[] = "replication configuration";
	xml_text(d, &rule->id, "rule id", doc);
	xml_text(d, &rule->filter.prefix, "filter prefix", doc);
	xml_tags(d, &rule->filter.tags, doc);
	xml_text(d, &rule->storage_class, "storage class", doc);
	/* a default replica key is the destination's kms_key, checked there */
	if (rule->replica_kms_key.set)
		xml_text(d, &rule->replica_kms_key, "replica KMS key", doc);
}

void check_xml_chars(const struct crrc_model *m, struct arena *a, struct crrc_diags *diags)
{
	struct xml x = {diags, ptrmap_create(a, 64)}, *d = &x; /* long values only */
	struct check_once once = check_once_start(a, m);
	xml_tags(d, &m->tags, "bucket tagging");
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		xml_tags(d, &b->own_tags, "bucket tagging");
		xml_text(d, &b->kms_key, "KMS key", "encryption configuration");
	}
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		xml_text(d, &r->role, "role ARN", "replication configuration");
		for (size_t j = 0; j < r->nrules; j++)
			if (check_once(&once, NULL, &r->rules[j]))
				xml_rule(d, &r->rules[j]);
	}
}
