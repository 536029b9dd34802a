/* passes.h: internal interface of the passes. Each pass reads the model the
 * loader built (resolve also fills its resolved fields) and adds diagnostics;
 * none is fatal. The helpers below are shared by several passes. */
#ifndef CRRC_PASSES_H
#define CRRC_PASSES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

struct arena;
struct crrc_diags;
struct strmap;

typedef void (*crrc_pass_fn)(struct crrc_model *m, struct crrc_diags *d);

void pass_resolve(struct crrc_model *m, struct crrc_diags *d);
void pass_names(struct crrc_model *m, struct crrc_diags *d);
void pass_tags(struct crrc_model *m, struct crrc_diags *d);
void pass_kms(struct crrc_model *m, struct crrc_diags *d);
void pass_rules(struct crrc_model *m, struct crrc_diags *d);
void pass_topology(struct crrc_model *m, struct crrc_diags *d);
void pass_policies(struct crrc_model *m, struct crrc_diags *d);
void pass_iam(struct crrc_model *m, struct crrc_diags *d);

/* A string value that was given and is usable (set, not NULL). */
static inline bool pass_has(const struct crrc_str *s)
{
	return s->set && s->s;
}

/* The string's text, "" when unset: for prefixes, where absent means "". */
static inline const char *pass_text(const struct crrc_str *s)
{
	return pass_has(s) ? s->s : "";
}

static inline size_t pass_len(const struct crrc_str *s)
{
	return pass_has(s) ? s->len : 0;
}

/* Whether a rule replicates anything: enabled defaults to true. */
static inline bool pass_rule_enabled(const struct crrc_rule *r)
{
	return !r->enabled.set || r->enabled.v;
}

/* The rule's id for messages. */
static inline const char *pass_rule_id(const struct crrc_rule *r)
{
	return pass_has(&r->id) ? r->id.s : "(without id)";
}

/* A map from region code to region, for pass_region in hot loops. */
struct strmap *pass_region_index(struct arena *a);
/* The region s names, looked up in index (or, when NULL, the region table);
 * NULL and E034 (with a suggestion) when unknown; NULL and silence when s is
 * unset. */
const struct crrc_region *pass_region(const struct strmap *index, const struct crrc_str *s,
				      struct crrc_diags *d);
/* The character (a whole UTF-8 sequence) at byte i of s, copied into buf
 * NUL-terminated, for messages; returns its length in bytes. */
size_t pass_char_at(const char *s, size_t len, size_t i, char buf[8]);

/* Whether s is exactly n ASCII digits. */
bool pass_is_digits(const char *s, size_t len, size_t n);
/* The same, of any length >= 1. */
bool pass_all_digits(const char *s, size_t len);

/* The six colon-separated fields of an ARN; the resource keeps its colons. */
struct pass_arn {
	const char *partition, *service, *region, *account, *resource;
	size_t partition_len, service_len, region_len, account_len, resource_len;
};

/* Split "arn:p:s:r:a:resource". False when the text has not that shape. */
bool pass_arn_split(const char *s, size_t len, struct pass_arn *out);
/* Whether the field equals the NUL-terminated word. */
bool pass_field_is(const char *f, size_t flen, const char *word);
/* Whether p names a partition that crrc knows (aws, aws-cn, aws-us-gov). */
bool pass_partition_known(const char *p, size_t len);

/* A prefix table: byte strings (each under a namespace number), each with a
 * list of items. ptab_walk visits the items of every key that is a prefix of
 * a given string, in time linear in that string's length plus the items
 * visited; no step compares strings (it is a trie). Allocated with malloc;
 * keys are not kept. */
struct ptab;

struct ptab *ptab_create(size_t expected);
void ptab_destroy(struct ptab *t); /* NULL is fine */
/* Add item under (ns, s). Items of one key are visited in the order added. */
void ptab_add(struct ptab *t, uint64_t ns, const char *s, size_t len, void *item);
/* Add item under (ns, s[0..l)) for every l < min(len, max_len + 1): under
 * each strict prefix of s, in time linear in that many. */
void ptab_add_prefixes(struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
		       void *item);
/* Call fn for each item under exactly (ns, s); false when fn stopped it. */
bool ptab_each(const struct ptab *t, uint64_t ns, const char *s, size_t len,
	       bool (*fn)(void *item, void *ctx), void *ctx);
/* Call fn for each item whose key under ns is a prefix of s with a length of
 * at most max_len (SIZE_MAX: no limit), shortest keys first. fn returns
 * false to stop the walk; ptab_walk returns false when it was stopped. */
bool ptab_walk(const struct ptab *t, uint64_t ns, const char *s, size_t len, size_t max_len,
	       bool (*fn)(void *item, void *ctx), void *ctx);

#endif
