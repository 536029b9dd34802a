/* check_rules.c: each replication entry and rule against what S3 and IAM
 * accept: rule ids and priorities (unique within the entry, found by
 * sorting), delete markers, RTC and metrics, ownership override (and the
 * accounts it needs at both ends), object lock, partitions, storage
 * classes, prefix length, and the role's ARN. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/oom.h"
#include "base/arena.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "base/util.h"
#include "model/arn.h"
#include "model/regions.h"

#define ROLE_SHAPE "arn:<partition>:iam::<12-digit account>:role/<name> (or role/<path>/<name>)"

struct rules_key {
	const char *s;
	size_t len;
	long long n;
	size_t idx;
};

static int rules_key_cmp(const void *pa, const void *pb)
{
	const struct rules_key *a = pa, *b = pb;
	size_t min = a->len < b->len ? a->len : b->len;
	int c = min ? memcmp(a->s, b->s, min) : 0;
	if (c)
		return c;
	if (a->len != b->len)
		return a->len < b->len ? -1 : 1;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

static bool rules_key_same(const struct rules_key *a, const struct rules_key *b)
{
	return a->len == b->len && a->n == b->n && (!a->len || memcmp(a->s, b->s, a->len) == 0);
}

/* Report every rule whose key repeats one of an earlier rule. keys is
 * sorted, so repeats are adjacent, the first occurrence first. */
static void rules_dups(struct crrc_diags *d, const struct crrc_replication *r,
		       struct rules_key *keys, size_t n, bool by_id)
{
	qsort(keys, n, sizeof(*keys), rules_key_cmp);
	for (size_t i = 1, first = 0; i < n; i++) {
		if (!rules_key_same(&keys[first], &keys[i])) {
			first = i;
			continue;
		}
		const struct crrc_rule *a = &r->rules[keys[first].idx], *b = &r->rules[keys[i].idx];
		struct crrc_diag *g;
		if (by_id) {
			g = diags_add(d, CRRC_E054, b->id.pos,
				      "rule id '%s' is used twice in the entry of '%s': ids are "
				      "unique within an entry; rename one",
				      b->id.s, crrc_text(&r->source));
			diag_note(g, a->id.pos, "first rule with id '%s' here", a->id.s);
		} else {
			g = diags_add(d, CRRC_E056, b->priority.pos,
				      "rules '%s' and '%s' both have priority %lld: priorities are "
				      "unique within an entry (S3 uses them to pick between rules)",
				      crrc_rule_name(a), crrc_rule_name(b), b->priority.v);
			diag_note(g, a->priority.pos, "priority %lld first given here",
				  a->priority.v);
		}
	}
}

static void rules_unique(struct crrc_diags *d, const struct crrc_replication *r,
			 struct rules_key *keys)
{
	size_t n = 0;
	for (size_t i = 0; i < r->nrules; i++)
		if (crrc_given(&r->rules[i].id))
			keys[n++] = (struct rules_key){r->rules[i].id.s, r->rules[i].id.len, 0, i};
	rules_dups(d, r, keys, n, true);
	n = 0;
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].priority.set)
			keys[n++] = (struct rules_key){NULL, 0, r->rules[i].priority.v, i};
	rules_dups(d, r, keys, n, false);
}

/* What is wrong with a role ARN, or NULL; then *arn holds its fields. */
static const char *rules_role_problem(struct arena *a, const struct crrc_str *role,
				      struct arn *arn)
{
	if (!arn_split(role->s, role->len, arn))
		return "is not an ARN";
	if (!partition_known(arn->partition, arn->partition_len))
		return arena_printf(a, "has partition '%.*s', not " PARTITION_NAMES,
				    (int)arn->partition_len, arn->partition);
	if (!arn_field_is(arn->service, arn->service_len, "iam"))
		return arena_printf(a, "is an ARN of service '%.*s', not iam",
				    (int)arn->service_len, arn->service);
	if (arn->region_len)
		return "has a region: IAM ARNs have none (arn:aws:iam::...)";
	if (!str_is_digits(arn->account, arn->account_len, 12))
		return arena_printf(a, "has account '%.*s', which is not 12 digits",
				    (int)arn->account_len, arn->account);
	const char *res = arn->resource, *end = res + arn->resource_len;
	if (arn->resource_len < 5 || memcmp(res, "role/", 5) != 0)
		return arena_printf(a, "has resource '%.*s', which is not role/<name>",
				    (int)arn->resource_len, res);
	const char *name = res + 5;
	for (const char *p = name; p < end; p++)
		if (*p == '/' && p + 1 < end)
			name = p + 1;
	for (const char *p = res + 5; p < name; p++)
		if (*p < 0x21 || *p > 0x7e || (*p == '/' && p[-1] == '/'))
			return "has a malformed path";
	size_t len = (size_t)(end - name);
	if (len == 0 || len > CRRC_MAX_ROLE_NAME)
		return arena_printf(a, "has a role name of %zu characters: IAM allows 1 to %d", len,
				    CRRC_MAX_ROLE_NAME);
	for (const char *p = name; p < end; p++) {
		char c = *p;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
		      (c != '\0' && strchr("+=,.@_-", c))))
			return arena_printf(a, "has '%c' in its role name: IAM allows letters, "
					       "digits and + = , . @ _ -",
					    c);
	}
	return NULL;
}

static void rules_role(const struct crrc_model *m, struct arena *a,
		       struct crrc_diags *d, const struct crrc_replication *r)
{
	const struct crrc_str *role = &r->role;
	struct arn arn;
	if (!crrc_given(role))
		return;
	const char *problem = rules_role_problem(a, role, &arn);
	if (problem) {
		diags_add(d, CRRC_E067, role->pos, "role ARN '%s' %s: write it as " ROLE_SHAPE,
			  role->s, problem);
		return;
	}
	const struct crrc_bucket *src = r->src;
	if (src && src->reg && !arn_field_is(arn.partition, arn.partition_len, src->reg->partition))
		diags_add(d, CRRC_E068, role->pos,
			  "role '%s' is in partition '%.*s', but source bucket '%s' is in '%s': "
			  "the role must be in the source bucket's partition",
			  role->s, (int)arn.partition_len, arn.partition, crrc_text(&src->key),
			  src->reg->partition);
	else if (src && src->account_id &&
		 !arn_field_is(arn.account, arn.account_len, src->account_id))
		diags_add(d, CRRC_E068, role->pos,
			  "role '%s' is in account %.*s, but source bucket '%s' is in account %s: "
			  "the replication role must belong to the source bucket's account",
			  role->s, (int)arn.account_len, arn.account, crrc_text(&src->key),
			  src->account_id);
}

static void rules_storage_class(struct crrc_diags *d, const struct crrc_rule *rule)
{
	static const char *const classes[] = {
		"STANDARD",	       "REDUCED_REDUNDANCY", "STANDARD_IA",  "ONEZONE_IA",
		"INTELLIGENT_TIERING", "GLACIER",	     "DEEP_ARCHIVE", "GLACIER_IR",
	};
	const size_t n = sizeof(classes) / sizeof(classes[0]);
	const struct crrc_str *sc = &rule->storage_class;
	if (!crrc_given(sc))
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(sc->s, classes[i]) == 0)
			return;
	const char *sug = crrc_suggest(sc->s, classes, n);
	for (size_t i = 0; !sug && i < n; i++)
		if (strcasecmp(sc->s, classes[i]) == 0)
			sug = classes[i];
	diags_add(d, CRRC_E064, sc->pos,
		  "unknown storage class '%s'%s%s%s: use one of STANDARD, REDUCED_REDUNDANCY, "
		  "STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, GLACIER_IR",
		  sc->s, sug ? " (did you mean '" : "", sug ? sug : "", sug ? "'?)" : "");
}

/* The checks of one rule that need nothing beyond the rule and its ends. */
static void rules_fields(struct crrc_diags *d, const struct crrc_rule *rule)
{
	size_t chars = crrc_given(&rule->id) ? crrc_utf8_len(rule->id.s, rule->id.len) : 1;
	if (chars < 1 || chars > 255)
		diags_add(d, CRRC_E053, rule->id.pos,
			  "rule id '%.40s%s' is %zu characters long: S3 allows 1 to 255",
			  rule->id.s, chars > 40 ? "..." : "", chars);
	if (rule->priority.set && (rule->priority.v < 0 || rule->priority.v > 2147483647))
		diags_add(d, CRRC_E069, rule->priority.pos,
			  "priority %lld of rule '%s' is out of range: S3 takes 0 to 2147483647",
			  rule->priority.v, crrc_rule_name(rule));
	if (rule->delete_markers.v && rule->filter.tags.n > 0) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E057, rule->delete_markers.pos,
			"rule '%s' replicates delete markers and filters on tags: S3 refuses "
			"delete marker replication in a rule with a tag filter; drop one of them",
			crrc_rule_name(rule));
		diag_note(g, rule->filter.tags.pos, "tag filter here");
	}
	if (rule->rtc.v && rule->metrics.set && !rule->metrics.v)
		diags_add(d, CRRC_E058, rule->metrics.pos,
			  "rule '%s' has rtc: true and metrics: false: Replication Time Control "
			  "needs replication metrics; remove metrics: false",
			  crrc_rule_name(rule));
	if (crrc_textlen(&rule->filter.prefix) > CRRC_MAX_PREFIX)
		diags_add(d, CRRC_E066, rule->filter.prefix.pos,
			  "the filter prefix of rule '%s' is %zu bytes long: S3 allows at most %d",
			  crrc_rule_name(rule), (size_t)rule->filter.prefix.len, CRRC_MAX_PREFIX);
	rules_storage_class(d, rule);
}

/* The checks of a rule that involve its source and destination buckets. */
static void rules_ends(struct crrc_diags *d, const struct crrc_bucket *src,
		      const struct crrc_rule *rule)
{
	const struct crrc_bucket *dst = rule->dest;
	if (rule->owner_destination && dst && !crrc_given(&dst->account))
		diags_add(d, CRRC_E061, rule->owner.pos,
			  "rule '%s' sets owner: destination, but destination '%s' has no "
			  "account: give '%s' an account: (the override hands replicas to that "
			  "account)",
			  crrc_rule_name(rule), crrc_text(&dst->key), crrc_text(&dst->key));
	if (!src || !dst)
		return;
	if (src->object_lock.v && !dst->object_lock.v) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E062, rule->destination.pos,
			"source '%s' has object lock but destination '%s' does not: S3 replicates "
			"locked objects only into a bucket with object lock; set object_lock: true "
			"on '%s'",
			crrc_text(&src->key), crrc_text(&dst->key), crrc_text(&dst->key));
		diag_note(g, src->object_lock.pos, "object lock of '%s' here", crrc_text(&src->key));
	}
	if (src->reg && dst->reg && strcmp(src->reg->partition, dst->reg->partition) != 0)
		diags_add(d, CRRC_E063, rule->destination.pos,
			  "rule '%s' replicates from '%s' (%s, partition %s) into '%s' (%s, "
			  "partition %s): S3 cannot replicate between partitions",
			  crrc_rule_name(rule), crrc_text(&src->key), src->reg->code,
			  src->reg->partition, crrc_text(&dst->key), dst->reg->code,
			  dst->reg->partition);
}

/* An owner override needs to know the source's account as well: only then
 * can crrc tell whether the destination is another account, whose bucket
 * policy must let the role in. Once an entry, at its source. */
static void rules_owner_source(struct crrc_diags *d, const struct crrc_replication *r)
{
	const struct crrc_bucket *src = r->src;
	if (!src || crrc_given(&src->account))
		return;
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_rule *rule = &r->rules[i];
		if (!rule->owner_destination || !rule->dest)
			continue;
		struct crrc_diag *g = diags_add(
			d, CRRC_E076, r->source.pos,
			"rule '%s' of source '%s' sets owner: destination, but '%s' has no account: "
			"crrc cannot tell whether destination '%s' is in another account, whose "
			"bucket policy must then let the role in; give '%s' an account:",
			crrc_rule_name(rule), crrc_text(&src->key), crrc_text(&src->key),
			crrc_text(&rule->dest->key), crrc_text(&src->key));
		diag_note(g, rule->owner.pos, "owner: destination here");
		return;
	}
}

void check_rules(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	size_t most = 0;
	for (size_t i = 0; i < m->nreplications; i++)
		if (m->replications[i].nrules > most)
			most = m->replications[i].nrules;
	struct rules_key *keys = xcalloc(most ? most : 1, sizeof(*keys));
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		rules_role(m, a, d, r);
		rules_unique(d, r, keys);
		rules_owner_source(d, r);
		for (size_t j = 0; j < r->nrules; j++) {
			rules_fields(d, &r->rules[j]);
			rules_ends(d, r->src, &r->rules[j]);
		}
	}
	free(keys);
}
