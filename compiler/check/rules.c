/* check_rules.c: each replication entry and rule against what S3 and IAM
 * accept: rule ids and priorities (unique within the entry, found by
 * sorting), delete markers, RTC and metrics, ownership override (and the
 * accounts it needs at both ends), object lock, partitions, storage
 * classes, prefix length, and the role's ARN. Ids are numbered once per
 * distinct text, so that finding repeats costs no pass over an id however
 * long; a value or a rule that aliases repeat is judged once. */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "base/oom.h"
#include "base/arena.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "base/util.h"
#include "model/arn.h"
#include "model/regions.h"

#define ROLE_SHAPE "arn:<partition>:iam::<12-digit account>:role/<name> (or role/<path>/<name>)"

struct rules_key {
	long long n;
	size_t idx;
};

/* The state of the pass: ids numbered by text, and the verdicts kept. */
struct rules {
	struct arena *a;
	struct crrc_diags *d;
	struct ptrmap *id_num;   /* id text -> its number + 1 */
	struct strmap *id_text;  /* the same, by content, for a text seen first */
	size_t nids;
	size_t *stamp, *first;   /* by id number: entry + 1 that named it, the rule */
	struct ptrmap *judged;   /* (value, position, kind) seen already */
	struct ptrmap *roles;    /* (role, position) -> what is wrong, or "" */
	struct rules_key *keys;
};

/* Whether value s is judged the first time as kind (a field of a rule). */
static bool rules_first(struct rules *c, const struct crrc_str *s, unsigned kind)
{
	bool fresh;
	if (s->len < CRRC_MEMO_MIN)
		return true;
	ptrmap_slot(c->judged, s->s, crrc_pos_key(s->pos) << 2 | kind, &fresh);
	return fresh;
}

/* The number of id's text: the same for equal ids, in time linear in the
 * id the first time its text is seen, constant after. */
static size_t rules_id_num(struct rules *c, const struct crrc_str *id)
{
	bool fresh;
	void **slot = ptrmap_slot(c->id_num, id->s, 0, &fresh);
	if (fresh) {
		void *num = (void *)(uintptr_t)(c->nids + 1);
		if (strmap_put(c->id_text, id->s, id->len, num, &num))
			c->nids++;
		*slot = num;
	}
	return (size_t)(uintptr_t)*slot - 1;
}

static int rules_key_cmp(const void *pa, const void *pb)
{
	const struct rules_key *a = pa, *b = pb;
	if (a->n != b->n)
		return a->n < b->n ? -1 : 1;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* Every rule whose id repeats that of an earlier rule of entry i. */
static void rules_dup_ids(struct rules *c, size_t i, const struct crrc_replication *r)
{
	char qa[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF], qs[DIAG_QUOTE_BUF];
	for (size_t j = 0; j < r->nrules; j++) {
		const struct crrc_rule *b = &r->rules[j];
		if (!crrc_given(&b->id))
			continue;
		size_t k = rules_id_num(c, &b->id);
		if (c->stamp[k] != i + 1) {
			c->stamp[k] = i + 1;
			c->first[k] = j;
			continue;
		}
		const struct crrc_rule *a = &r->rules[c->first[k]];
		struct crrc_diag *g = diags_add(c->d, CRRC_E054, b->id.pos,
						"rule id '%s' is used twice in the entry of '%s': ids "
						"are unique within an entry; rename one",
						crrc_shown(qb, &b->id), crrc_shown(qs, &r->source));
		diag_note(g, a->id.pos, "first rule with id '%s' here", crrc_shown(qa, &a->id));
	}
}

/* Every rule whose priority repeats that of an earlier rule: sorted, so
 * that repeats are adjacent, the first occurrence first. */
static void rules_dup_priorities(struct rules *c, const struct crrc_replication *r)
{
	size_t n = 0;
	for (size_t j = 0; j < r->nrules; j++)
		if (r->rules[j].priority.set)
			c->keys[n++] = (struct rules_key){r->rules[j].priority.v, j};
	qsort(c->keys, n, sizeof(*c->keys), rules_key_cmp);
	char qa[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF];
	for (size_t j = 1, first = 0; j < n; j++) {
		if (c->keys[first].n != c->keys[j].n) {
			first = j;
			continue;
		}
		const struct crrc_rule *a = &r->rules[c->keys[first].idx];
		const struct crrc_rule *b = &r->rules[c->keys[j].idx];
		if (!diags_once(c->d, CRRC_E056, b->priority.pos, crrc_pos_key(a->pos),
				crrc_pos_key(b->pos)))
			continue;
		struct crrc_diag *g = diags_add(
			c->d, CRRC_E056, b->priority.pos,
			"rules '%s' and '%s' both have priority %lld: priorities are unique within an "
			"entry (S3 uses them to pick between rules)",
			crrc_rule_shown(qa, a), crrc_rule_shown(qb, b), b->priority.v);
		diag_note(g, a->priority.pos, "priority %lld first given here", a->priority.v);
	}
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

/* What is wrong with a role ARN, judged once per ARN (E067 then). */
struct rules_role_verdict {
	const char *problem;
	struct arn arn;
};

static const struct rules_role_verdict *rules_role_judge(struct rules *c,
							 const struct crrc_str *role)
{
	bool fresh;
	void **slot = ptrmap_slot(c->roles, role->s, crrc_pos_key(role->pos), &fresh);
	if (!fresh)
		return *slot;
	struct rules_role_verdict *v = arena_alloc(c->a, sizeof(*v));
	*slot = v;
	v->problem = rules_role_problem(c->a, role, &v->arn);
	char q[DIAG_QUOTE_BUF];
	if (v->problem)
		diags_add(c->d, CRRC_E067, role->pos, "role ARN '%s' %s: write it as " ROLE_SHAPE,
			  crrc_shown(q, role), v->problem);
	return v;
}

static void rules_role(struct rules *c, const struct crrc_replication *r)
{
	const struct crrc_str *role = &r->role;
	if (!crrc_given(role))
		return;
	const struct rules_role_verdict *v = rules_role_judge(c, role);
	const struct crrc_bucket *src = r->src;
	const struct arn *arn = &v->arn;
	char q[DIAG_QUOTE_BUF], qk[DIAG_QUOTE_BUF];
	if (v->problem || !src)
		return;
	if (src->reg && !arn_field_is(arn->partition, arn->partition_len, src->reg->partition))
		diags_add(c->d, CRRC_E068, role->pos,
			  "role '%s' is in partition '%.*s', but source bucket '%s' is in '%s': "
			  "the role must be in the source bucket's partition",
			  crrc_shown(q, role), (int)arn->partition_len, arn->partition,
			  crrc_shown(qk, &src->key), src->reg->partition);
	else if (src->account_id && !arn_field_is(arn->account, arn->account_len, src->account_id))
		diags_add(c->d, CRRC_E068, role->pos,
			  "role '%s' is in account %.*s, but source bucket '%s' is in account %s: "
			  "the replication role must belong to the source bucket's account",
			  crrc_shown(q, role), (int)arn->account_len, arn->account,
			  crrc_shown(qk, &src->key), src->account_id);
}

static void rules_storage_class(struct rules *c, const struct crrc_rule *rule)
{
	static const char *const classes[] = {
		"STANDARD",	       "REDUCED_REDUNDANCY", "STANDARD_IA",  "ONEZONE_IA",
		"INTELLIGENT_TIERING", "GLACIER",	     "DEEP_ARCHIVE", "GLACIER_IR",
	};
	const size_t n = sizeof(classes) / sizeof(classes[0]);
	const struct crrc_str *sc = &rule->storage_class;
	if (!crrc_given(sc) || !rules_first(c, sc, 0))
		return;
	for (size_t i = 0; i < n; i++)
		if (strcmp(sc->s, classes[i]) == 0)
			return;
	const char *sug = crrc_suggest(sc->s, classes, n);
	for (size_t i = 0; !sug && i < n; i++)
		if (strcasecmp(sc->s, classes[i]) == 0)
			sug = classes[i];
	char q[DIAG_QUOTE_BUF];
	diags_add(c->d, CRRC_E064, sc->pos,
		  "unknown storage class '%s'%s%s%s: use one of STANDARD, REDUCED_REDUNDANCY, "
		  "STANDARD_IA, ONEZONE_IA, INTELLIGENT_TIERING, GLACIER, DEEP_ARCHIVE, GLACIER_IR",
		  crrc_shown(q, sc), sug ? " (did you mean '" : "", sug ? sug : "",
		  sug ? "'?)" : "");
}

/* A rule id of 1 to 255 characters, judged once per id. */
static void rules_id(struct rules *c, const struct crrc_rule *rule)
{
	if (!crrc_given(&rule->id) || !rules_first(c, &rule->id, 1))
		return;
	size_t chars = crrc_utf8_len(rule->id.s, rule->id.len);
	if (chars < 1 || chars > 255)
		diags_add(c->d, CRRC_E053, rule->id.pos,
			  "rule id '%.40s%s' is %zu characters long: S3 allows 1 to 255",
			  rule->id.s,
			  chars > 40 ? "..." : "", chars);
}

/* The checks of one rule that need nothing beyond the rule and its ends. */
static void rules_fields(struct rules *c, const struct crrc_rule *rule)
{
	struct crrc_diags *d = c->d;
	char q[DIAG_QUOTE_BUF];
	const char *name = crrc_rule_shown(q, rule);
	rules_id(c, rule);
	if (rule->priority.set && (rule->priority.v < 0 || rule->priority.v > 2147483647))
		diags_add(d, CRRC_E069, rule->priority.pos,
			  "priority %lld of rule '%s' is out of range: S3 takes 0 to 2147483647",
			  rule->priority.v, name);
	if (rule->delete_markers.v && rule->filter.tags.n > 0) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E057, rule->delete_markers.pos,
			"rule '%s' replicates delete markers and filters on tags: S3 refuses "
			"delete marker replication in a rule with a tag filter; drop one of them",
			name);
		diag_note(g, rule->filter.tags.pos, "tag filter here");
	}
	if (rule->rtc.v && rule->metrics.set && !rule->metrics.v)
		diags_add(d, CRRC_E058, rule->metrics.pos,
			  "rule '%s' has rtc: true and metrics: false: Replication Time Control "
			  "needs replication metrics; remove metrics: false",
			  name);
	if (crrc_textlen(&rule->filter.prefix) > CRRC_MAX_PREFIX)
		diags_add(d, CRRC_E066, rule->filter.prefix.pos,
			  "the filter prefix of rule '%s' is %zu bytes long: S3 allows at most %d",
			  name, (size_t)rule->filter.prefix.len, CRRC_MAX_PREFIX);
	rules_storage_class(c, rule);
}

/* The checks of a rule that involve its source and destination buckets. */
static void rules_ends(struct crrc_diags *d, const struct crrc_bucket *src,
		       const struct crrc_rule *rule)
{
	const struct crrc_bucket *dst = rule->dest;
	char q[DIAG_QUOTE_BUF], qs[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF];
	const char *name = crrc_rule_shown(q, rule);
	const char *kd = dst ? crrc_shown(qd, &dst->key) : "";
	if (rule->owner_destination && dst && !crrc_given(&dst->account))
		diags_add(d, CRRC_E061, rule->owner.pos,
			  "rule '%s' sets owner: destination, but destination '%s' has no "
			  "account: give '%s' an account: (the override hands replicas to that "
			  "account)",
			  name, kd, kd);
	if (!src || !dst)
		return;
	const char *ks = crrc_shown(qs, &src->key);
	if (src->object_lock.v && !dst->object_lock.v) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E062, rule->destination.pos,
			"source '%s' has object lock but destination '%s' does not: S3 replicates "
			"locked objects only into a bucket with object lock; set object_lock: true "
			"on '%s'",
			ks, kd, kd);
		diag_note(g, src->object_lock.pos, "object lock of '%s' here", ks);
	}
	if (src->reg && dst->reg && strcmp(src->reg->partition, dst->reg->partition) != 0)
		diags_add(d, CRRC_E063, rule->destination.pos,
			  "rule '%s' replicates from '%s' (%s, partition %s) into '%s' (%s, "
			  "partition %s): S3 cannot replicate between partitions",
			  name, ks, src->reg->code, src->reg->partition, kd, dst->reg->code,
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
	size_t most = 0, all = 0;
	for (size_t i = 0; i < m->nreplications; i++) {
		all += m->replications[i].nrules;
		if (m->replications[i].nrules > most)
			most = m->replications[i].nrules;
	}
	struct rules c = {.a = a, .d = d};
	c.id_num = ptrmap_create(a, all);
	c.id_text = strmap_create(a, all);
	c.judged = ptrmap_create(a, 64); /* long values only */
	c.roles = ptrmap_create(a, m->nreplications);
	c.stamp = xcalloc(all + 1, sizeof(*c.stamp));
	c.first = xcalloc(all + 1, sizeof(*c.first));
	c.keys = xcalloc(most ? most : 1, sizeof(*c.keys));
	struct check_once fields = check_once_start(a, m), ends = check_once_start(a, m);
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		rules_role(&c, r);
		rules_dup_ids(&c, i, r);
		rules_dup_priorities(&c, r);
		rules_owner_source(d, r);
		for (size_t j = 0; j < r->nrules; j++) {
			if (check_once(&fields, NULL, &r->rules[j]))
				rules_fields(&c, &r->rules[j]);
			if (check_once(&ends, r, &r->rules[j]))
				rules_ends(d, r->src, &r->rules[j]);
		}
	}
	free(c.stamp);
	free(c.first);
	free(c.keys);
}
