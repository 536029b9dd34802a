/* points.c: the Multi-Region Access Points. Their names (E082) and
 * uniqueness (E083); their members: 1 to 17 buckets, each once (E084), one a
 * region (E085), passive ones among them and one active at least (E086), an
 * existing one in another account with its account given (E087). Their
 * consistency: writes through a point land in whichever active bucket is
 * closest, so every active member must replicate into every other one,
 * with replica_modifications (E088), and every passive member must receive
 * from every active one (E088), all of it (else W014). And residency: an
 * object written through a point can land in any active bucket, and after a
 * failover in any bucket of the point: a residency policy's prefix is
 * refused through a point with a member outside its regions (a Deny in the
 * point's policy, made in desired.c), and one over every object (an empty
 * prefix), which no point can refuse, is E089.
 *
 * Linear: the enabled rules between members are indexed once by (source,
 * destination); a point's members are compared pair-wise only when they are
 * at most 17; the residency policies are judged once per region that
 * members are in. A member list that aliases repeat is judged once. */
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "check/checks.h"
#include "diag/diag.h"
#include "model/regions.h"

#define POINT_MAX_BUCKETS 17
#define POINT_NAME_MIN 3
#define POINT_NAME_MAX 50
/* Residency errors per member: past these, a note and no more. */
#define POINT_MAX_RESIDENCY 3

/* The enabled rules from one member into another. */
struct edge {
	const struct crrc_rule *first;    /* the first enabled rule */
	const struct crrc_rule *filtered; /* the first one with a filter */
	bool rm;      /* one has replica_modifications */
	bool full;    /* one replicates every object */
	bool full_rm; /* one replicates every object, with replica_modifications */
};

/* A residency policy that can be judged (its prefix and regions known). */
struct res_pol {
	const struct crrc_residency *res;
	struct ptrmap *allowed; /* region -> region */
	const char *list;       /* its regions as written, for messages */
};

/* The policies a region breaks, in the spec's order. */
struct res_broken {
	const struct res_pol **v;
	size_t n;
};

struct pts {
	const struct crrc_model *m;
	struct arena *a;
	struct crrc_diags *d;
	struct strmap *names;    /* point name -> point */
	struct strmap *keys;     /* bucket key -> bucket */
	struct ptrmap *members;  /* bucket -> itself, when it is a member of a point */
	struct ptrmap *edges;    /* (source, destination index + 1) -> edge */
	struct ptrmap *seen;     /* member lists judged, by position */
	struct res_pol *pols;
	size_t npols;
	struct ptrmap *broken;   /* region -> res_broken */
};

static bool point_name_ok(const char *s, size_t len)
{
	if (len < POINT_NAME_MIN || len > POINT_NAME_MAX || s[0] == '-' || s[len - 1] == '-')
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-'))
			return false;
	return true;
}

/* E082 and E083: the name, given or made, where it comes from. */
static void check_point_name(struct pts *c, const struct crrc_access_point *p)
{
	if (!p->point_name)
		return;
	bool given = crrc_given(&p->name);
	size_t len = given ? p->name.len : strlen(p->point_name);
	struct crrc_pos pos = given ? p->name.pos : p->key.pos;
	char q[DIAG_QUOTE_BUF];
	if (!point_name_ok(p->point_name, len)) {
		if (diags_once(c->d, CRRC_E082, pos, diag_key(p->point_name), 0))
			diags_add(c->d, CRRC_E082, pos,
				  "access point name '%s' breaks the naming rule: 3 to 50 characters "
				  "of a-z, 0-9 and '-', not starting or ending with '-'%s",
				  diag_quote(q, p->point_name, len),
				  given ? "" : " (made from the spec's name and the key: give a name)");
		return;
	}
	void *old;
	if (strmap_put(c->names, p->point_name, len, (void *)p, &old))
		return;
	const struct crrc_access_point *first = old;
	struct crrc_pos at = crrc_given(&first->name) ? first->name.pos : first->key.pos;
	if (!diags_once(c->d, CRRC_E083, pos, crrc_pos_key(at), 0))
		return;
	struct crrc_diag *g = diags_add(c->d, CRRC_E083, pos,
					"two access points are named '%s': a point's name is "
					"unique in its account; give one another name",
					diag_quote(q, p->point_name, len));
	diag_note(g, at, "the first one here");
}

/* The point's name for messages. */
static const char *point_shown(char *q, const struct crrc_access_point *p)
{
	return p->point_name ? diag_quote(q, p->point_name, strlen(p->point_name))
			     : crrc_shown(q, &p->key);
}

/* E084 and E085: a bucket listed twice, two in one region. at maps a
 * member, and a region, to the index + 1 of its first item. False when the
 * bucket is listed twice. */
static bool check_member_once(struct pts *c, const struct crrc_access_point *p, size_t i,
			      struct ptrmap *at)
{
	const struct crrc_bucket *b = p->members[i];
	char q[DIAG_QUOTE_BUF], qp[DIAG_QUOTE_BUF], qo[DIAG_QUOTE_BUF];
	void *old;
	if (!ptrmap_put(at, b, 1, (void *)(uintptr_t)(i + 1), &old)) {
		struct crrc_diag *g = diags_add(
			c->d, CRRC_E084, p->buckets[i].pos,
			"bucket '%s' is listed twice in access point '%s': list it once",
			crrc_shown(q, &p->buckets[i]), point_shown(qp, p));
		diag_note(g, p->buckets[(uintptr_t)old - 1].pos, "first listed here");
		return false;
	}
	if (!b->reg || ptrmap_put(at, b->reg, 2, (void *)(uintptr_t)(i + 1), &old))
		return true;
	const struct crrc_str *other = &p->buckets[(uintptr_t)old - 1];
	struct crrc_diag *g = diags_add(
		c->d, CRRC_E085, p->buckets[i].pos,
		"buckets '%s' and '%s' of access point '%s' are both in %s: a Multi-Region "
		"Access Point takes one bucket a region",
		crrc_shown(qo, other), crrc_shown(q, &p->buckets[i]), point_shown(qp, p),
		b->reg->code);
	diag_note(g, other->pos, "'%s' listed here", crrc_shown(qo, other));
	return true;
}

/* E087: an existing member whose account is not given, in a point created
 * in a known account: it may be another account, whose id the point must
 * name. */
static void check_member_account(struct pts *c, const struct crrc_access_point *p, size_t i)
{
	const struct crrc_bucket *b = p->members[i], *first = p->members[0];
	if (i == 0 || !first || !first->account_id || !b->existing.v || b->account_id ||
	    b->account.set)
		return;
	char q[DIAG_QUOTE_BUF], qp[DIAG_QUOTE_BUF];
	diags_add(c->d, CRRC_E087, p->buckets[i].pos,
		  "bucket '%s' exists already and its account is not given: access point '%s' "
		  "is created in account %s (its first bucket's) and names a bucket of another "
		  "account with that account's id; give the bucket's account",
		  crrc_shown(q, &p->buckets[i]), point_shown(qp, p), first->account_id);
}

/* E086: passive keys that are buckets but not members (unknown ones are
 * E050), and a point with no active member. */
static void check_passive(struct pts *c, const struct crrc_access_point *p, struct ptrmap *at)
{
	char q[DIAG_QUOTE_BUF], qp[DIAG_QUOTE_BUF];
	for (size_t i = 0; i < p->npassive; i++) {
		const struct crrc_str *k = &p->passive[i];
		const struct crrc_bucket *b = crrc_given(k) ? strmap_get(c->keys, k->s, k->len) : NULL;
		if (b && !ptrmap_get(at, b, 1))
			diags_add(c->d, CRRC_E086, k->pos,
				  "passive bucket '%s' is not a bucket of access point '%s': add it "
				  "to the point's buckets, or remove it from passive",
				  crrc_shown(q, k), point_shown(qp, p));
	}
	size_t active = 0;
	for (size_t i = 0; i < p->nbuckets; i++)
		active += !p->member_passive[i];
	if (p->nbuckets && !active)
		diags_add(c->d, CRRC_E086, p->passive_pos,
			  "every bucket of access point '%s' is passive: the point routes requests "
			  "to active buckets only, so at least one must be active",
			  point_shown(qp, p));
}

/* --- consistency ---------------------------------------------------------- */

static bool rule_takes_all(const struct crrc_rule *r)
{
	return crrc_textlen(&r->filter.prefix) == 0 && r->filter.tags.n == 0;
}

/* The enabled rules between members of points, by (source, destination):
 * only the first entry of a source is its configuration (E051). */
static void edges_build(struct pts *c)
{
	const struct crrc_model *m = c->m;
	for (size_t i = 0; i < m->naccess_points; i++)
		for (size_t k = 0; k < m->access_points[i].nbuckets; k++)
			if (m->access_points[i].members[k])
				ptrmap_put(c->members, m->access_points[i].members[k], 1,
					   m->access_points[i].members[k], NULL);
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		if (!r->src || r->src->replication != r || !ptrmap_get(c->members, r->src, 1))
			continue;
		for (size_t k = 0; k < r->nrules; k++) {
			const struct crrc_rule *rule = &r->rules[k];
			if (!rule->enabled.v || !rule->dest || !ptrmap_get(c->members, rule->dest, 1))
				continue;
			bool fresh;
			void **slot = ptrmap_slot(c->edges, r->src, rule->dest->index + 1, &fresh);
			if (fresh)
				*slot = arena_alloc(c->a, sizeof(struct edge));
			struct edge *e = *slot;
			bool all = rule_takes_all(rule), rm = rule->replica_modifications.v;
			if (!e->first)
				e->first = rule;
			if (!all && !e->filtered)
				e->filtered = rule;
			e->rm |= rm;
			e->full |= all;
			e->full_rm |= all && rm;
		}
	}
}

/* What member i must send member j: everything, and when j is active too,
 * with replica_modifications (E088; only some prefixes: W014). */
static void check_pair(struct pts *c, const struct crrc_access_point *p, size_t i, size_t j)
{
	const struct crrc_bucket *src = p->members[i], *dst = p->members[j];
	bool two_way = !p->member_passive[j];
	const struct edge *e = ptrmap_get(c->edges, src, dst->index + 1);
	char qp[DIAG_QUOTE_BUF], qs[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF], qr[DIAG_QUOTE_BUF];
	const char *ps = point_shown(qp, p), *s = crrc_shown(qs, &p->buckets[i]),
		   *d = crrc_shown(qd, &p->buckets[j]);
	if (!e) {
		diags_add(c->d, CRRC_E088, p->buckets[j].pos,
			  "access point '%s': no enabled rule replicates '%s' into '%s'; %s", ps, s,
			  d,
			  two_way ? "writes through the point land in either active bucket, so "
				    "each must replicate into the other (with "
				    "replica_modifications: true)"
				  : "a passive bucket must receive from every active one, to "
				    "serve what they hold after a failover");
	} else if (two_way && !e->rm) {
		diags_add(c->d, CRRC_E088, e->first->pos,
			  "access point '%s': rule '%s' replicates '%s' into '%s' without "
			  "replica_modifications: true, and both are active: changes made "
			  "through the point to replicas in '%s' never come back",
			  ps, crrc_rule_shown(qr, e->first), s, d, d);
	} else if (two_way ? !e->full_rm : !e->full) {
		diags_add(c->d, CRRC_W014, p->buckets[j].pos,
			  "access point '%s': '%s' receives from '%s' only what filtered rules "
			  "(such as '%s') select: the point's buckets hold the same objects "
			  "only under those filters",
			  ps, d, s, crrc_rule_shown(qr, e->filtered ? e->filtered : e->first));
	}
}

/* --- residency ------------------------------------------------------------ */

/* The policies that can be judged: prefix given, regions all known. */
static void pols_build(struct pts *c)
{
	const struct crrc_model *m = c->m;
	c->pols = arena_array(c->a, m->nresidency ? m->nresidency : 1, sizeof(*c->pols));
	for (size_t i = 0; i < m->nresidency; i++) {
		const struct crrc_residency *res = &m->residency[i];
		struct res_pol *pol = &c->pols[c->npols];
		bool whole = crrc_given(&res->prefix) && res->nregions > 0;
		pol->res = res;
		pol->allowed = ptrmap_create(c->a, res->nregions);
		for (size_t k = 0; whole && k < res->nregions; k++) {
			const struct crrc_str *r = &res->regions[k];
			const struct crrc_region *reg =
				crrc_given(r) && r->len <= 32 ? crrc_region_find(r->s) : NULL;
			if (!reg)
				whole = false;
			else
				ptrmap_put(pol->allowed, reg, 1, (void *)reg, NULL);
		}
		c->npols += whole;
	}
}

/* The policies that do not allow reg, found once a region. */
static const struct res_broken *broken_in(struct pts *c, const struct crrc_region *reg)
{
	bool fresh;
	void **slot = ptrmap_slot(c->broken, reg, 1, &fresh);
	if (!fresh)
		return *slot;
	struct res_broken *br = arena_alloc(c->a, sizeof(*br));
	br->v = arena_array(c->a, c->npols ? c->npols : 1, sizeof(*br->v));
	for (size_t i = 0; i < c->npols; i++)
		if (!ptrmap_get(c->pols[i].allowed, reg, 1))
			br->v[br->n++] = &c->pols[i];
	return *slot = br;
}

/* The regions of a policy as written, for a message. */
static const char *pol_regions(struct pts *c, const struct crrc_residency *res)
{
	size_t len = 0;
	for (size_t i = 0; i < res->nregions; i++)
		len += res->regions[i].len + 2;
	char *out = arena_alloc(c->a, len + 1), *at = out;
	for (size_t i = 0; i < res->nregions; i++) {
		if (i) {
			memcpy(at, ", ", 2);
			at += 2;
		}
		memcpy(at, res->regions[i].s, res->regions[i].len);
		at += res->regions[i].len;
	}
	*at = '\0';
	return out;
}

/* E089: member i is outside the regions of a residency policy whose prefix
 * is empty (every object). A policy with a prefix is kept out of the point
 * by a Deny in the point's policy (desired.c, iam.c) instead. */
static void check_member_residency(struct pts *c, const struct crrc_access_point *p, size_t i)
{
	const struct crrc_bucket *b = p->members[i];
	if (!b->reg || !c->npols)
		return;
	const struct res_broken *br = broken_in(c, b->reg);
	char qp[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF];
	struct crrc_diag *g = NULL;
	size_t said = 0, more = 0;
	for (size_t k = 0; k < br->n; k++) {
		const struct crrc_residency *res = br->v[k]->res;
		if (res->prefix.len)
			continue;
		if (said++ == POINT_MAX_RESIDENCY) {
			more++;
			continue;
		}
		g = diags_add(c->d, CRRC_E089, p->buckets[i].pos,
			      "access point '%s' can put any object into %s, through its bucket "
			      "'%s', where a residency policy over every object allows only %s: "
			      "writes through a point land in any active bucket, and after a "
			      "failover in any bucket of the point",
			      point_shown(qp, p), b->reg->code, crrc_shown(qb, &p->buckets[i]),
			      pol_regions(c, res));
	}
	if (more)
		diag_note(g, p->buckets[i].pos, "and %zu more residency policies", more);
}

/* --- the points ------------------------------------------------------------ */

/* Whether p's member list (with its passive list) is judged the first
 * time: a list that aliases repeat is the same list, at the same place. */
static bool first_judged(struct pts *c, const struct crrc_access_point *p)
{
	bool fresh;
	ptrmap_slot(c->seen, (const void *)(uintptr_t)crrc_pos_key(p->buckets_pos),
		    crrc_pos_key(p->passive_pos), &fresh);
	return fresh;
}

static void check_point_members(struct pts *c, const struct crrc_access_point *p)
{
	char qp[DIAG_QUOTE_BUF];
	if (!p->buckets_pos.line || !first_judged(c, p))
		return; /* no list (E022, E023), or judged already */
	if (p->nbuckets == 0 || p->nbuckets > POINT_MAX_BUCKETS)
		diags_add(c->d, CRRC_E084, p->buckets_pos,
			  "access point '%s' lists %zu buckets; a Multi-Region Access Point takes "
			  "1 to %d", point_shown(qp, p), p->nbuckets, POINT_MAX_BUCKETS);
	struct ptrmap *at = ptrmap_create(c->a, 2 * p->nbuckets);
	bool whole = p->nbuckets <= POINT_MAX_BUCKETS;
	for (size_t i = 0; i < p->nbuckets; i++) {
		if (!p->members[i]) {
			whole = false; /* E050 */
			continue;
		}
		if (!check_member_once(c, p, i, at)) {
			whole = false;
			continue;
		}
		check_member_account(c, p, i);
		check_member_residency(c, p, i);
	}
	check_passive(c, p, at);
	for (size_t i = 0; whole && i < p->nbuckets; i++)
		for (size_t j = 0; j < p->nbuckets && !p->member_passive[i]; j++)
			if (j != i)
				check_pair(c, p, i, j);
}

void check_points(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	if (!m->naccess_points)
		return;
	struct pts c = {.m = m, .a = a, .d = d};
	c.names = strmap_create(a, m->naccess_points);
	c.keys = strmap_create(a, m->nbuckets);
	c.members = ptrmap_create(a, 16);
	c.edges = ptrmap_create(a, 16);
	c.seen = ptrmap_create(a, m->naccess_points);
	c.broken = ptrmap_create(a, 16);
	for (size_t i = 0; i < m->nbuckets; i++)
		if (crrc_given(&m->buckets[i].key))
			strmap_put(c.keys, m->buckets[i].key.s, m->buckets[i].key.len,
				   &m->buckets[i], NULL);
	pols_build(&c);
	edges_build(&c);
	for (size_t i = 0; i < m->naccess_points; i++) {
		check_point_name(&c, &m->access_points[i]);
		check_point_members(&c, &m->access_points[i]);
	}
}
