/* resolve.c: resolution, the stage after loading. It fills the resolved fields of the model
 * (default names, regions, accounts, encryption, merged tags, references
 * between buckets and rules, priorities, rule defaults, role names and ARNs,
 * the names and members of access points)
 * and reports what it cannot resolve. The checks run after it, on a model
 * that no one writes any more. A value that aliases repeat (the same string,
 * at the same position) is resolved once: what it resolves to is kept by its
 * pointer, so that no use of it costs a pass over its text again. */
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "model/model.h"
#include "model/resolve.h"
#include "base/ptrmap.h"
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
	struct ptrmap *top_tags; /* top-level tag key (interned) -> index + 1 */
	struct strmap *regions;  /* code -> region */
	struct uniq *roles;      /* role names taken, without case */
	/* each value resolved once, by (text, position) */
	struct ptrmap *region_of, *account_of, *source_of, *dest_of, *arn_of, *member_of;
	struct ptrmap *role_of; /* source text -> generated role name; role -> name */
	uint64_t role_hash;     /* FNV-1a of "<name>-", where role names start */
	struct arena *tmp;       /* the maps and messages, freed at the end */
	size_t suggest_work; /* comparisons made for suggestions */
};

/* What a memo holds for a value that resolved to nothing. */
static char resolve_none;

/* The memo slot of s in map: *fresh when s is seen the first time. */
static void **resolve_memo(struct ptrmap *map, const struct crrc_str *s, bool *fresh)
{
	return ptrmap_slot(map, s->s, crrc_pos_key(s->pos), fresh);
}

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
	char q[DIAG_QUOTE_BUF], qa[DIAG_QUOTE_BUF];
	for (size_t i = 0; i < m->naccounts; i++) {
		struct crrc_account *a = &m->accounts[i];
		if (crrc_given(&a->alias))
			strmap_put(rs->aliases, a->alias.s, a->alias.len, a, NULL);
		if (crrc_given(&a->id) && !str_is_digits(a->id.s, a->id.len, 12))
			diags_add(rs->d, CRRC_E035, a->id.pos,
				  "account id '%s' of '%s' is not 12 digits: an AWS account id is "
				  "exactly 12 digits (quote it to keep leading zeros)",
				  diag_quote(q, a->id.s, a->id.len),
				  diag_quote(qa, crrc_text(&a->alias), a->alias.len));
	}
}

/* What an account value names, found once per value. */
struct account_ref {
	const struct crrc_account *acc; /* the alias's, or NULL */
	const char *id;                 /* a usable 12-digit id, or NULL */
	const char *sug;                /* an unknown alias: the closest one */
	bool bad_id;                    /* digits, but not 12 (E035, said once) */
};

static struct account_ref *resolve_account_ref(struct resolve *rs, const struct crrc_str *a)
{
	bool fresh;
	void **slot = resolve_memo(rs->account_of, a, &fresh);
	if (!fresh)
		return *slot;
	struct account_ref *ref = arena_alloc(rs->tmp, sizeof(*ref));
	*slot = ref;
	char q[DIAG_QUOTE_BUF];
	if (str_is_digits(a->s, a->len, 12)) {
		ref->id = a->s;
	} else if (str_all_digits(a->s, a->len)) {
		diags_add(rs->d, CRRC_E035, a->pos,
			  "account id '%s' has %zu digits: an AWS account id is exactly 12 digits "
			  "(quote it to keep leading zeros)",
			  diag_quote(q, a->s, a->len), (size_t)a->len);
		ref->bad_id = true;
	} else if ((ref->acc = strmap_get(rs->aliases, a->s, a->len))) {
		if (crrc_given(&ref->acc->id) && str_is_digits(ref->acc->id.s, ref->acc->id.len, 12))
			ref->id = ref->acc->id.s;
	} else {
		ref->sug = resolve_suggest(rs, a->s, rs->m->accounts, rs->m->naccounts,
					   sizeof(struct crrc_account),
					   offsetof(struct crrc_account, alias.s));
	}
	return ref;
}

static void resolve_account(struct resolve *rs, struct crrc_bucket *b)
{
	const struct crrc_str *a = &b->account;
	if (!crrc_given(a))
		return;
	const struct account_ref *ref = resolve_account_ref(rs, a);
	b->account_id = ref->id;
	if (ref->acc)
		b->account_alias = ref->acc->alias.s;
	if (ref->id || ref->acc || ref->bad_id)
		return; /* resolved, or a wrong id (E035, once) */
	char q[DIAG_QUOTE_BUF], qk[DIAG_QUOTE_BUF];
	diags_add(rs->d, CRRC_E036, a->pos,
		  "account '%s' of bucket '%s' is neither a 12-digit id nor an alias of "
		  "accounts%s",
		  diag_quote(q, a->s, a->len), diag_quote(qk, crrc_text(&b->key), b->key.len),
		  ref->sug ? resolve_hint(rs, ref->sug) : ": declare it there (alias: 12-digit id)");
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
	if (!sug && e->len == 7 && strncasecmp(e->s, "sse-kms", 7) == 0)
		sug = "sse-kms";
	if (!sug && e->len == 6 && strncasecmp(e->s, "sse-s3", 6) == 0)
		sug = "sse-s3";
	char q[DIAG_QUOTE_BUF];
	if (diags_once(rs->d, CRRC_E041, e->pos, 0, 0))
		diags_add(rs->d, CRRC_E041, e->pos,
		  "unknown encryption '%s': use sse-s3 (the default) or sse-kms%s",
		  diag_quote(q, e->s, e->len), resolve_hint(rs, sug));
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
		if (t->key.s) /* keys are interned: one text for equal keys */
			at = (uintptr_t)ptrmap_get(rs->top_tags, t->key.s, 0);
		if (at)
			v[at - 1] = *t;
		else
			v[n++] = *t;
	}
	b->tags.v = v;
	b->tags.n = n;
}

/* The region that region value s names, looked up once per value. */
static const struct crrc_region *resolve_region(struct resolve *rs, const struct crrc_str *s)
{
	bool fresh;
	void **slot = resolve_memo(rs->region_of, s, &fresh);
	if (fresh) {
		const struct crrc_region *reg = regions_lookup(rs->regions, s, rs->d);
		*slot = reg ? (void *)reg : &resolve_none;
	}
	return *slot == &resolve_none ? NULL : *slot;
}

/* arn:<partition>:s3:::<name>, one copy for buckets that share a name. */
static const char *resolve_arn(struct resolve *rs, const struct crrc_bucket *b)
{
	bool fresh;
	void **slot = ptrmap_slot(rs->arn_of, b->name.s, partition_index(b->reg->partition) + 1,
				  &fresh);
	if (fresh)
		*slot = arena_concat(rs->m->arena, "arn:", b->reg->partition, ":s3:::", b->name.s,
				     NULL);
	return *slot;
}

static void resolve_bucket(struct resolve *rs, struct crrc_bucket *b, size_t i)
{
	struct crrc_model *m = rs->m;
	b->index = i;
	if (crrc_given(&b->key))
		strmap_put(rs->buckets, b->key.s, b->key.len, b, NULL);
	/* the default name, of a spec name that can make one (else E030); what
	 * is said of it is said where it comes from: at the bucket's key */
	if (!crrc_given(&b->name) && crrc_given(&m->name) && m->name.len <= CRRC_MAX_SPEC_NAME &&
	    crrc_given(&b->key)) {
		char *name = arena_concat(m->arena, m->name.s, "-", b->key.s, NULL);
		b->name.s = name;
		b->name.len = m->name.len + 1 + b->key.len;
		b->name.pos = b->key.pos;
	}
	if (crrc_given(&b->region))
		b->reg = resolve_region(rs, &b->region);
	if (b->name.s && b->reg)
		b->arn = resolve_arn(rs, b);
	resolve_account(rs, b);
	resolve_encryption(rs, b);
	resolve_tags(rs, b);
}

/* The bucket that ref names, looked up once per value in memo (one for
 * sources, one for destinations: their messages differ). */
static struct crrc_bucket *resolve_ref(struct resolve *rs, struct ptrmap *memo,
				       const struct crrc_str *ref, const char *what)
{
	if (!crrc_given(ref))
		return NULL;
	bool fresh;
	void **slot = resolve_memo(memo, ref, &fresh);
	if (!fresh)
		return *slot == &resolve_none ? NULL : *slot;
	struct crrc_bucket *b = strmap_get(rs->buckets, ref->s, ref->len);
	*slot = b ? (void *)b : &resolve_none;
	if (b)
		return b;
	const char *sug = resolve_suggest(rs, ref->s, rs->m->buckets, rs->m->nbuckets,
					  sizeof(struct crrc_bucket), offsetof(struct crrc_bucket, key.s));
	char q[DIAG_QUOTE_BUF];
	diags_add(rs->d, CRRC_E050, ref->pos, "%s '%s' is not a bucket of this spec%s", what,
		  crrc_shown(q, ref), sug ? resolve_hint(rs, sug) : ": declare it under buckets");
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
 * a prefix and appending a hash of the full name: stable across runs. Made
 * once per source text, in time linear in the source's length: the hash
 * goes on from that of "<spec>-", and the prefix is copied in pieces. A
 * name another role of the spec has (IAM's names are unique in an account,
 * whatever their case) takes the hash too, and while that is taken as
 * well, the hash of the name and a counter. */
static const char *resolve_role_name(struct resolve *rs, const struct crrc_replication *r)
{
	static const char tail[] = "-replication";
	const char *spec = crrc_given(&rs->m->name) ? rs->m->name.s : NULL;
	const char *src = crrc_given(&r->source) ? r->source.s : "source";
	size_t slen = crrc_given(&r->source) ? r->source.len : strlen(src);
	size_t head = spec ? rs->m->name.len + 1 : 0, len = head + slen + sizeof(tail) - 1;
	bool fresh;
	void **slot = ptrmap_slot(rs->role_of, src, 1, &fresh);
	if (!fresh)
		return *slot;
	char name[CRRC_MAX_ROLE_NAME + 1];
	size_t n = 0;
	const char *parts[] = {spec, "-", src, tail};
	size_t lens[] = {spec ? head - 1 : 0, spec ? 1 : 0, slen, sizeof(tail) - 1};
	for (size_t i = 0; i < 4 && n < CRRC_MAX_ROLE_NAME; i++) {
		size_t k = lens[i] < CRRC_MAX_ROLE_NAME - n ? lens[i] : CRRC_MAX_ROLE_NAME - n;
		if (k)
			memcpy(name + n, parts[i], k);
		n += k;
	}
	name[n] = '\0';
	if (len > CRRC_MAX_ROLE_NAME) {
		uint64_t h = crrc_hash_more(spec ? rs->role_hash : crrc_hash(NULL, 0), src, slen);
		h = crrc_hash_more(h, tail, sizeof(tail) - 1);
		size_t keep = CRRC_MAX_ROLE_NAME - 9;
		while (keep > 1 && name[keep - 1] == '-')
			keep--;
		snprintf(name + keep, sizeof(name) - keep, "-%08x", (unsigned)(h & 0xffffffffu));
	}
	const char *out = NULL;
	if (uniq_claim(rs->roles, "", role_key(rs, name), ""))
		out = arena_strdup(rs->m->arena, name);
	else {
		/* taken: the full name's hash, then with a counter (rare: a
		 * name costs its length once more) */
		const char *full = spec ? arena_concat(rs->tmp, spec, "-", src, tail, NULL)
					: arena_concat(rs->tmp, src, tail, NULL);
		for (unsigned k = len > CRRC_MAX_ROLE_NAME; !out; k++) {
			const char *hashed = role_name_hashed(rs, full, k);
			if (uniq_claim(rs->roles, "", role_key(rs, hashed), ""))
				out = hashed;
		}
	}
	return *ptrmap_slot(rs->role_of, src, 1, &fresh) = (void *)out;
}

/* The names of the roles the spec gives, which generated roles avoid; a
 * role text that aliases repeat is claimed once. */
static void resolve_given_roles(struct resolve *rs)
{
	for (size_t i = 0; i < rs->m->nreplications; i++) {
		const struct crrc_str *role = &rs->m->replications[i].role;
		bool fresh;
		if (!crrc_given(role))
			continue;
		ptrmap_slot(rs->role_of, role->s, 3, &fresh);
		if (!fresh)
			continue;
		const char *slash = strrchr(role->s, '/');
		uniq_claim(rs->roles, "", role_key(rs, slash ? slash + 1 : role->s), "");
	}
}

static void resolve_role(struct resolve *rs, struct crrc_replication *r)
{
	if (crrc_given(&r->role)) {
		bool fresh;
		void **slot = ptrmap_slot(rs->role_of, r->role.s, 2, &fresh);
		if (fresh) {
			const char *slash = strrchr(r->role.s, '/');
			*slot = (void *)(slash ? slash + 1 : r->role.s);
		}
		r->role_arn = r->role.s;
		r->role_name = *slot;
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
	char q[DIAG_QUOTE_BUF], qg[DIAG_QUOTE_BUF];
	if (!diags_once(rs->d, CRRC_E055, missing->pos, crrc_pos_key(given->pos), 0))
		return;
	struct crrc_diag *g = diags_add(
		rs->d, CRRC_E055, missing->pos,
		"rule '%s' has no priority, but rule '%s' of the same entry has one: give a "
		"priority to every rule of the entry, or to none (then they are numbered 1, "
		"2, 3... in order)",
		crrc_rule_shown(q, missing), crrc_rule_shown(qg, given));
	diag_note(g, given->priority.pos, "priority given here");
}

static void resolve_rule(struct resolve *rs, struct crrc_replication *r, struct crrc_rule *rule)
{
	static const char *const owners[] = {"source", "destination"};
	char q[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF];
	rule->dest = resolve_ref(rs, rs->dest_of, &rule->destination, "destination");
	if (rule->dest && rule->dest == r->src) {
		if (diags_once(rs->d, CRRC_E052, rule->destination.pos, crrc_pos_key(rule->pos), 0))
			diags_add(rs->d, CRRC_E052, rule->destination.pos,
			  "rule '%s' replicates bucket '%s' into itself: the destination must be "
			  "another bucket",
			  crrc_rule_shown(q, rule), crrc_shown(qd, &rule->destination));
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
	if (diags_once(rs->d, CRRC_E065, o->pos, 0, 0))
		diags_add(rs->d, CRRC_E065, o->pos,
		  "unknown owner '%s': use source (the default: replicas keep the source's "
		  "owner) or destination (the destination's account owns replicas)%s",
		  crrc_shown(q, o), resolve_hint(rs, crrc_suggest(o->s, owners, 2)));
}

static void resolve_replication(struct resolve *rs, struct crrc_replication *r)
{
	r->src = resolve_ref(rs, rs->source_of, &r->source, "replication source");
	if (r->src && r->src->replication) {
		struct crrc_pos first = r->src->replication->source.pos;
		char q[DIAG_QUOTE_BUF];
		if (diags_once(rs->d, CRRC_E051, r->source.pos, crrc_pos_key(first), 0)) {
			struct crrc_diag *g = diags_add(
				rs->d, CRRC_E051, r->source.pos,
				"bucket '%s' is the source of a second replication entry: a bucket "
				"has one replication configuration; move these rules into the first "
				"entry",
				crrc_shown(q, &r->source));
			diag_note(g, first, "first entry for '%s' here", crrc_shown(q, &r->source));
		}
	} else if (r->src) {
		r->src->replication = r;
	}
	resolve_role(rs, r);
	resolve_priorities(rs, r);
	for (size_t i = 0; i < r->nrules; i++)
		resolve_rule(rs, r, &r->rules[i]);
}

/* The point's name: given, or "<spec name>-<key>" (NULL without a spec
 * name that can make one, E030); its members, by key (an unknown one is
 * E050); which of them are passive. A passive key that is a bucket but not
 * a member is left to the checks (E086). */
static void resolve_point(struct resolve *rs, struct crrc_access_point *p)
{
	struct crrc_model *m = rs->m;
	if (crrc_given(&p->name))
		p->point_name = p->name.s;
	else if (!p->name.set && crrc_given(&m->name) && m->name.len <= CRRC_MAX_SPEC_NAME &&
		 crrc_given(&p->key))
		p->point_name = arena_concat(m->arena, m->name.s, "-", p->key.s, NULL);
	size_t n = p->nbuckets ? p->nbuckets : 1;
	p->members = arena_array(m->arena, n, sizeof(*p->members));
	p->member_passive = arena_array(m->arena, n, sizeof(*p->member_passive));
	struct ptrmap *at = ptrmap_create(rs->tmp, p->nbuckets); /* member -> index + 1 */
	for (size_t i = 0; i < p->nbuckets; i++) {
		p->members[i] = resolve_ref(rs, rs->member_of, &p->buckets[i], "member");
		if (p->members[i])
			ptrmap_put(at, p->members[i], 1, (void *)(uintptr_t)(i + 1), NULL);
	}
	for (size_t i = 0; i < p->npassive; i++) {
		struct crrc_bucket *b = resolve_ref(rs, rs->member_of, &p->passive[i],
						    "passive member");
		uintptr_t k = b ? (uintptr_t)ptrmap_get(at, b, 1) : 0;
		if (k)
			p->member_passive[k - 1] = true;
	}
}

void crrc_resolve(struct crrc_model *m, struct crrc_diags *d)
{
	if (!m)
		return;
	struct resolve rs = {.m = m, .d = d};
	rs.tmp = arena_create_sized(64u * 1024u);
	rs.buckets = strmap_create(rs.tmp, m->nbuckets);
	rs.regions = regions_index(rs.tmp);
	rs.top_tags = ptrmap_create(rs.tmp, m->tags.n);
	rs.region_of = ptrmap_create(rs.tmp, m->nbuckets);
	rs.account_of = ptrmap_create(rs.tmp, 16);
	rs.arn_of = ptrmap_create(rs.tmp, m->nbuckets);
	rs.source_of = ptrmap_create(rs.tmp, m->nreplications);
	rs.dest_of = ptrmap_create(rs.tmp, m->nbuckets);
	rs.role_of = ptrmap_create(rs.tmp, m->nreplications);
	rs.member_of = ptrmap_create(rs.tmp, m->naccess_points);
	if (crrc_given(&m->name))
		rs.role_hash = crrc_hash_more(crrc_hash(m->name.s, m->name.len), "-", 1);
	for (size_t i = 0; i < m->tags.n; i++)
		if (m->tags.v[i].key.s)
			ptrmap_put(rs.top_tags, m->tags.v[i].key.s, 0, (void *)(uintptr_t)(i + 1), NULL);
	resolve_accounts(&rs);
	for (size_t i = 0; i < m->nbuckets; i++)
		resolve_bucket(&rs, &m->buckets[i], i);
	rs.roles = uniq_create(rs.tmp, m->nreplications);
	resolve_given_roles(&rs);
	for (size_t i = 0; i < m->nreplications; i++)
		resolve_replication(&rs, &m->replications[i]);
	for (size_t i = 0; i < m->naccess_points; i++)
		resolve_point(&rs, &m->access_points[i]);
	arena_destroy(rs.tmp);
}
