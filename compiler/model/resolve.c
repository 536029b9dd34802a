/* resolve.c: resolution, the stage after loading. It fills the resolved fields of the model
 * (default names, regions, accounts, encryption, merged tags, references
 * between buckets and rules, priorities, rule defaults, role names and ARNs)
 * and reports what it cannot resolve. The checks run after it, on a model
 * that no one writes any more. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "model/model.h"
#include "model/resolve.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "base/util.h"
#include "model/regions.h"

/* A suggestion compares the word with a whole table (buckets, accounts):
 * past this many comparisons in one run, stop suggesting, so that a spec
 * full of typos stays linear. */
#define SUGGEST_BUDGET 50000

struct resolve {
	struct crrc_model *m;
	struct crrc_diags *d;
	struct strmap *buckets; /* key -> bucket */
	struct strmap *aliases; /* alias -> account */
	struct strmap *top_tags; /* top-level tag key -> index + 1 */
	struct strmap *regions;  /* code -> region */
	struct uniq *roles;      /* role names taken, without case */
	struct arena *tmp;       /* the maps and messages, freed at the end */
	size_t suggest_work; /* comparisons made for suggestions */
};

static const char *resolve_hint(struct resolve *rs, const char *sug)
{
	return sug ? arena_printf(rs->tmp, "; did you mean '%s'?", sug) : "";
}

/* The closest of n candidates (the string at off in each element of size
 * stride), while the budget lasts. */
static const char *resolve_suggest(struct resolve *rs, const char *word, const void *base,
				   size_t n, size_t stride, size_t off)
{
	if (rs->suggest_work + n > SUGGEST_BUDGET)
		return NULL;
	rs->suggest_work += n;
	return crrc_suggest_in(word, base, n, stride, off);
}

static void resolve_accounts(struct resolve *rs)
{
	struct crrc_model *m = rs->m;
	rs->aliases = strmap_create(rs->tmp, m->naccounts);
	for (size_t i = 0; i < m->naccounts; i++) {
		struct crrc_account *a = &m->accounts[i];
		if (crrc_given(&a->alias))
			strmap_put(rs->aliases, a->alias.s, a->alias.len, a, NULL);
		if (crrc_given(&a->id) && !str_is_digits(a->id.s, a->id.len, 12))
			diags_add(rs->d, CRRC_E035, a->id.pos,
				  "account id '%s' of '%s' is not 12 digits: an AWS account id is "
				  "exactly 12 digits (quote it to keep leading zeros)",
				  a->id.s, crrc_text(&a->alias));
	}
}

static void resolve_account(struct resolve *rs, struct crrc_bucket *b)
{
	const struct crrc_str *a = &b->account;
	if (!crrc_given(a))
		return;
	if (str_is_digits(a->s, a->len, 12)) {
		b->account_id = a->s;
		return;
	}
	if (str_all_digits(a->s, a->len)) {
		diags_add(rs->d, CRRC_E035, a->pos,
			  "account id '%s' has %zu digits: an AWS account id is exactly 12 digits "
			  "(quote it to keep leading zeros)",
			  a->s, (size_t)a->len);
		return;
	}
	const struct crrc_account *acc = strmap_get(rs->aliases, a->s, a->len);
	if (acc) {
		b->account_alias = acc->alias.s;
		if (crrc_given(&acc->id) && str_is_digits(acc->id.s, acc->id.len, 12))
			b->account_id = acc->id.s;
		return;
	}
	const char *sug = resolve_suggest(rs, a->s, rs->m->accounts, rs->m->naccounts,
					  sizeof(struct crrc_account),
					  offsetof(struct crrc_account, alias.s));
	diags_add(rs->d, CRRC_E036, a->pos,
		  "account '%s' of bucket '%s' is neither a 12-digit id nor an alias of "
		  "accounts%s",
		  a->s, crrc_text(&b->key),
		  sug ? resolve_hint(rs, sug) : ": declare it there (alias: 12-digit id)");
}

static void resolve_encryption(struct resolve *rs, struct crrc_bucket *b)
{
	static const char *const modes[] = {"sse-s3", "sse-kms"};
	const struct crrc_str *e = &b->encryption;
	b->enc = CRRC_SSE_S3;
	if (!crrc_given(e) || strcmp(e->s, "sse-s3") == 0)
		return;
	if (strcmp(e->s, "sse-kms") == 0) {
		b->enc = CRRC_SSE_KMS;
		return;
	}
	/* Guess from kms_key, so that the KMS pass does not pile on. */
	b->enc = crrc_given(&b->kms_key) ? CRRC_SSE_KMS : CRRC_SSE_S3;
	const char *sug = crrc_suggest(e->s, modes, 2);
	if (!sug && strlen(e->s) == 7 && strncasecmp(e->s, "sse-kms", 7) == 0)
		sug = "sse-kms";
	if (!sug && strlen(e->s) == 6 && strncasecmp(e->s, "sse-s3", 6) == 0)
		sug = "sse-s3";
	diags_add(rs->d, CRRC_E041, e->pos,
		  "unknown encryption '%s': use sse-s3 (the default) or sse-kms%s", e->s,
		  resolve_hint(rs, sug));
}

/* Top-level tags, with the bucket's own tags over them: a key the bucket
 * repeats keeps its first-seen place and takes the bucket's value. */
static void resolve_tags(struct resolve *rs, struct crrc_bucket *b)
{
	const struct crrc_tags *top = &rs->m->tags, *own = &b->own_tags;
	b->tags = *top;
	b->tags.set = top->set || own->set;
	if (own->set)
		b->tags.pos = own->pos;
	if (own->n == 0)
		return;
	struct crrc_tag *v = arena_array(rs->m->arena, top->n + own->n, sizeof(*v));
	if (top->n)
		memcpy(v, top->v, top->n * sizeof(*v));
	size_t n = top->n;
	for (size_t i = 0; i < own->n; i++) {
		const struct crrc_tag *t = &own->v[i];
		uintptr_t at = 0;
		if (t->key.s)
			at = (uintptr_t)strmap_get(rs->top_tags, t->key.s, t->key.len);
		if (at)
			v[at - 1] = *t;
		else
			v[n++] = *t;
	}
	b->tags.v = v;
	b->tags.n = n;
}

static void resolve_bucket(struct resolve *rs, struct crrc_bucket *b, size_t i)
{
	struct crrc_model *m = rs->m;
	b->index = i;
	if (crrc_given(&b->key))
		strmap_put(rs->buckets, b->key.s, b->key.len, b, NULL);
	if (!crrc_given(&b->name) && crrc_given(&m->name) && crrc_given(&b->key)) {
		char *name = arena_concat(m->arena, m->name.s, "-", b->key.s, NULL);
		b->name.s = name;
		b->name.len = strlen(name);
		b->name.pos = b->pos;
	}
	if (crrc_given(&b->region))
		b->reg = regions_lookup(rs->regions, &b->region, rs->d);
	if (b->name.s && b->reg)
		b->arn = arena_concat(m->arena, "arn:", b->reg->partition, ":s3:::", b->name.s, NULL);
	resolve_account(rs, b);
	resolve_encryption(rs, b);
	resolve_tags(rs, b);
}

static struct crrc_bucket *resolve_ref(struct resolve *rs, const struct crrc_str *ref,
				       const char *what)
{
	if (!crrc_given(ref))
		return NULL;
	struct crrc_bucket *b = strmap_get(rs->buckets, ref->s, ref->len);
	if (b)
		return b;
	const char *sug = resolve_suggest(rs, ref->s, rs->m->buckets, rs->m->nbuckets,
					  sizeof(struct crrc_bucket), offsetof(struct crrc_bucket, key.s));
	diags_add(rs->d, CRRC_E050, ref->pos, "%s '%s' is not a bucket of this spec%s", what,
		  ref->s, sug ? resolve_hint(rs, sug) : ": declare it under buckets");
	return NULL;
}

/* A role name as IAM compares them: without case. */
static const char *role_key(struct resolve *rs, const char *name)
{
	char *k = arena_strdup(rs->tmp, name);
	for (char *p = k; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	return k;
}

/* name shortened to IAM's 64 characters: a prefix (less trailing hyphens),
 * a hyphen and 8 hex digits of uniq_hash(name, n). */
static const char *role_name_hashed(struct resolve *rs, const char *name, unsigned n)
{
	size_t keep = strlen(name);
	if (keep > CRRC_MAX_ROLE_NAME - 9)
		keep = CRRC_MAX_ROLE_NAME - 9;
	while (keep > 1 && name[keep - 1] == '-')
		keep--;
	return arena_printf(rs->m->arena, "%.*s-%08x", (int)keep, name,
			    (unsigned)uniq_hash(name, n));
}

/* "<spec>-<source>-replication", shortened to IAM's 64 characters by keeping
 * a prefix and appending a hash of the full name: stable across runs. A
 * name another role of the spec has (IAM's names are unique in an account,
 * whatever their case) takes the hash too, and while that is taken as
 * well, the hash of the name and a counter. */
static const char *resolve_role_name(struct resolve *rs, const struct crrc_replication *r)
{
	struct arena *a = rs->m->arena;
	const char *spec = crrc_given(&rs->m->name) ? rs->m->name.s : NULL;
	const char *src = crrc_given(&r->source) ? r->source.s : "source";
	char *name = spec ? arena_concat(a, spec, "-", src, "-replication", NULL)
			  : arena_concat(a, src, "-replication", NULL);
	if (strlen(name) <= CRRC_MAX_ROLE_NAME && uniq_claim(rs->roles, "", role_key(rs, name), ""))
		return name;
	for (unsigned n = 0;; n++) {
		const char *hashed = role_name_hashed(rs, name, n);
		if (uniq_claim(rs->roles, "", role_key(rs, hashed), ""))
			return hashed;
	}
}

/* The names of the roles the spec gives, which generated roles avoid. */
static void resolve_given_roles(struct resolve *rs)
{
	for (size_t i = 0; i < rs->m->nreplications; i++) {
		const struct crrc_str *role = &rs->m->replications[i].role;
		if (!crrc_given(role))
			continue;
		const char *slash = strrchr(role->s, '/');
		uniq_claim(rs->roles, "", role_key(rs, slash ? slash + 1 : role->s), "");
	}
}

static void resolve_role(struct resolve *rs, struct crrc_replication *r)
{
	if (crrc_given(&r->role)) {
		const char *slash = strrchr(r->role.s, '/');
		r->role_arn = r->role.s;
		r->role_name = slash ? slash + 1 : r->role.s;
		return;
	}
	r->role_generated = true;
	r->role_name = resolve_role_name(rs, r);
	if (r->src && r->src->account_id && r->src->reg)
		r->role_arn = arena_concat(rs->m->arena, "arn:", r->src->reg->partition,
					  ":iam::", r->src->account_id, ":role/", r->role_name, NULL);
}

/* Priorities on every rule or on none (then 1, 2, 3... by position). */
static void resolve_priorities(struct resolve *rs, struct crrc_replication *r)
{
	const struct crrc_rule *given = NULL, *missing = NULL;
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_rule *rule = &r->rules[i];
		if (rule->priority.set && !given)
			given = rule;
		if (!rule->priority.set && !missing)
			missing = rule;
	}
	if (!given) {
		for (size_t i = 0; i < r->nrules; i++)
			r->rules[i].priority.v = (long long)i + 1;
		return;
	}
	if (!missing)
		return;
	struct crrc_diag *g = diags_add(
		rs->d, CRRC_E055, missing->pos,
		"rule '%s' has no priority, but rule '%s' of the same entry has one: give a "
		"priority to every rule of the entry, or to none (then they are numbered 1, "
		"2, 3... in order)",
		crrc_rule_name(missing), crrc_rule_name(given));
	diag_note(g, given->priority.pos, "priority given here");
}

static void resolve_rule(struct resolve *rs, struct crrc_replication *r, struct crrc_rule *rule)
{
	static const char *const owners[] = {"source", "destination"};
	rule->dest = resolve_ref(rs, &rule->destination, "destination");
	if (rule->dest && rule->dest == r->src) {
		diags_add(rs->d, CRRC_E052, rule->destination.pos,
			  "rule '%s' replicates bucket '%s' into itself: the destination must be "
			  "another bucket",
			  crrc_rule_name(rule), rule->destination.s);
		rule->dest = NULL; /* no further warnings about this pair */
	}
	if (!rule->enabled.set)
		rule->enabled.v = true;
	if (!rule->metrics.set)
		rule->metrics.v = rule->rtc.v;
	if (!rule->sse_kms_objects.set)
		rule->sse_kms_objects.v = r->src && r->src->enc == CRRC_SSE_KMS;
	if (!rule->replica_kms_key.set && rule->sse_kms_objects.v && rule->dest &&
	    crrc_given(&rule->dest->kms_key)) {
		rule->replica_kms_key = rule->dest->kms_key;
		rule->replica_kms_key.set = false;
	}
	const struct crrc_str *o = &rule->owner;
	if (!crrc_given(o) || strcmp(o->s, "source") == 0)
		return;
	if (strcmp(o->s, "destination") == 0) {
		rule->owner_destination = true;
		return;
	}
	diags_add(rs->d, CRRC_E065, o->pos,
		  "unknown owner '%s': use source (the default: replicas keep the source's "
		  "owner) or destination (the destination's account owns replicas)%s",
		  o->s, resolve_hint(rs, crrc_suggest(o->s, owners, 2)));
}

static void resolve_replication(struct resolve *rs, struct crrc_replication *r)
{
	r->src = resolve_ref(rs, &r->source, "replication source");
	if (r->src && r->src->replication) {
		struct crrc_diag *g = diags_add(
			rs->d, CRRC_E051, r->source.pos,
			"bucket '%s' is the source of a second replication entry: a bucket has one "
			"replication configuration; move these rules into the first entry",
			r->source.s);
		diag_note(g, r->src->replication->source.pos, "first entry for '%s' here",
			  r->source.s);
	} else if (r->src) {
		r->src->replication = r;
	}
	resolve_role(rs, r);
	resolve_priorities(rs, r);
	for (size_t i = 0; i < r->nrules; i++)
		resolve_rule(rs, r, &r->rules[i]);
}

void crrc_resolve(struct crrc_model *m, struct crrc_diags *d)
{
	if (!m)
		return;
	struct resolve rs = {.m = m, .d = d};
	rs.tmp = arena_create_sized(64u * 1024u);
	rs.buckets = strmap_create(rs.tmp, m->nbuckets);
	rs.regions = regions_index(rs.tmp);
	rs.top_tags = strmap_create(rs.tmp, m->tags.n);
	for (size_t i = 0; i < m->tags.n; i++)
		if (m->tags.v[i].key.s)
			strmap_put(rs.top_tags, m->tags.v[i].key.s, m->tags.v[i].key.len,
				   (void *)(uintptr_t)(i + 1), NULL);
	resolve_accounts(&rs);
	for (size_t i = 0; i < m->nbuckets; i++)
		resolve_bucket(&rs, &m->buckets[i], i);
	rs.roles = uniq_create(rs.tmp, m->nreplications);
	resolve_given_roles(&rs);
	for (size_t i = 0; i < m->nreplications; i++)
		resolve_replication(&rs, &m->replications[i]);
	arena_destroy(rs.tmp);
}
