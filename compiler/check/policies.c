/* check_policies.c: the policies, proved rather than sampled.
 *
 * Residency: a rule can move an object under a policy's prefix when the
 * rule's filter prefix and the policy's overlap, one being a prefix of the
 * other (no prefix is ""). Tags are unknowable, so they never clear a rule.
 * Every enabled rule that can move such objects must replicate into a region
 * the policy allows. Both directions of the overlap go through prefix tables,
 * so the work is linear in the distinct prefixes plus the overlapping pairs
 * of distinct prefixes and regions: rules and policies that aliases repeat
 * cost a lookup each.
 *
 * RPO: at least 15 minutes, and then every enabled rule has RTC. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/arena.h"
#include "base/buf.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "check/ptab.h"
#include "model/regions.h"

#define RPO_MIN 15
/* Errors per rule: past these, a note and no more, so that the output and
 * the work stay linear when a rule breaks many policies. */
#define POL_MAX_PER_RULE 3

struct policy {
	const struct crrc_residency *res;
	size_t index;           /* among the policies judged */
	struct strmap *allowed; /* region code -> region */
	const char *list;       /* "eu-west-1, eu-central-1" */
};

/* The policies with one prefix text: what the prefix tables hold. */
struct pol_group {
	struct policy **v;
	size_t n, cap;
};

/* What a rule prefix breaks in one region: the first policies, in the order
 * of the spec (those whose prefix is a prefix of the rule's, shortest
 * first, then those whose prefix extends it), and whether there are more. */
struct pol_broken {
	const struct policy *v[POL_MAX_PER_RULE];
	size_t n;
	bool more;
};

struct pol {
	const struct crrc_model *m;
	struct arena *a;
	struct crrc_diags *d;
	struct ptab *by_prefix, *by_strict;
	struct ptrmap *regions;  /* (region value, position) -> region, or none */
	struct ptrmap *groups;   /* prefix text -> its group */
	struct strmap *group_of; /* the same, by content */
	struct ptrmap *broken;   /* (region, rule prefix text) -> pol_broken */
	const struct crrc_region *reg; /* of the rule being looked up */
	struct pol_broken *found;
	struct policy **extra;   /* policies extending the prefix, broken */
	size_t nextra;
};

static char pol_none;

static const struct crrc_region *pol_region(struct pol *c, const struct crrc_str *s)
{
	bool fresh;
	void **slot = ptrmap_slot(c->regions, s->s, crrc_pos_key(s->pos), &fresh);
	if (fresh) {
		const struct crrc_region *reg = regions_lookup(NULL, s, c->d);
		*slot = reg ? (void *)reg : &pol_none;
	}
	return *slot == &pol_none ? NULL : *slot;
}

/* The allowed regions of a policy; false when it cannot be judged (prefix
 * or regions missing or unknown: already reported). */
static bool pol_build(struct pol *c, struct policy *p)
{
	const struct crrc_residency *res = p->res;
	bool whole = res->nregions > 0 && crrc_given(&res->prefix);
	struct buf list = BUF_INIT;
	p->allowed = strmap_create(c->a, res->nregions);
	for (size_t i = 0; i < res->nregions; i++) {
		const struct crrc_region *reg = pol_region(c, &res->regions[i]);
		if (!reg) {
			whole = false;
			continue;
		}
		if (strmap_put(p->allowed, reg->code, strlen(reg->code), (void *)reg, NULL))
			buf_printf(&list, "%s%s", list.len ? ", " : "", reg->code);
	}
	p->list = arena_strdup(c->a, list.data ? list.data : "");
	buf_free(&list);
	return whole;
}

/* The group of p's prefix text, made (and put in the prefix tables) when
 * the text is new: each distinct prefix is walked once. */
static void pol_group(struct pol *c, struct policy *p)
{
	const char *s = crrc_text(&p->res->prefix);
	size_t len = crrc_textlen(&p->res->prefix);
	bool fresh;
	ptrmap_slot(c->groups, s, 0, &fresh);
	if (fresh) {
		struct pol_group *g = strmap_get(c->group_of, s, len);
		if (!g) {
			g = arena_alloc(c->a, sizeof(*g));
			strmap_put(c->group_of, s, len, g, NULL);
			ptab_add(c->by_prefix, 0, s, len, g);
			ptab_add_prefixes(c->by_strict, 0, s, len, CRRC_MAX_PREFIX, g);
		}
		*ptrmap_slot(c->groups, s, 0, &fresh) = g;
	}
	struct pol_group *g = *ptrmap_slot(c->groups, s, 0, &fresh);
	if (g->n == g->cap) {
		size_t cap = g->cap ? g->cap * 2 : 4;
		struct policy **v = arena_array(c->a, cap, sizeof(*v));
		if (g->n)
			memcpy(v, g->v, g->n * sizeof(*v));
		g->v = v;
		g->cap = cap;
	}
	g->v[g->n++] = p;
}

static bool pol_allows(const struct policy *p, const struct crrc_region *reg)
{
	return strmap_get(p->allowed, reg->code, strlen(reg->code)) != NULL;
}

/* A group whose prefix is a prefix of the rule's: its policies in order. */
static bool pol_visit_prefix(void *item, void *ctx)
{
	struct pol *c = ctx;
	const struct pol_group *g = item;
	for (size_t i = 0; i < g->n; i++) {
		if (pol_allows(g->v[i], c->reg))
			continue;
		if (c->found->n == POL_MAX_PER_RULE) {
			c->found->more = true;
			return false;
		}
		c->found->v[c->found->n++] = g->v[i];
	}
	return true;
}

/* A group whose prefix extends the rule's: its first broken policies, to be
 * put in the spec's order with those of the other groups. */
static bool pol_visit_strict(void *item, void *ctx)
{
	struct pol *c = ctx;
	const struct pol_group *g = item;
	for (size_t i = 0, k = 0; i < g->n && k <= POL_MAX_PER_RULE; i++)
		if (!pol_allows(g->v[i], c->reg))
			c->extra[c->nextra++] = g->v[i], k++;
	return true;
}

static int pol_index_cmp(const void *pa, const void *pb)
{
	const struct policy *a = *(const struct policy *const *)pa;
	const struct policy *b = *(const struct policy *const *)pb;
	return a->index < b->index ? -1 : a->index > b->index;
}

/* What rule prefix s (len bytes) breaks in region reg, found once per
 * distinct (prefix, region). */
static const struct pol_broken *pol_lookup(struct pol *c, const char *s, size_t len,
					   const struct crrc_region *reg)
{
	bool fresh;
	void **slot = ptrmap_slot(c->broken, s, (uint64_t)(reg - crrc_region_at(0)) + 1, &fresh);
	if (!fresh)
		return *slot;
	struct pol_broken *found = arena_alloc(c->a, sizeof(*found));
	*slot = found;
	c->reg = reg;
	c->found = found;
	c->nextra = 0;
	if (!ptab_walk(c->by_prefix, 0, s, len, SIZE_MAX, pol_visit_prefix, c))
		return found;
	ptab_each(c->by_strict, 0, s, len, pol_visit_strict, c);
	qsort(c->extra, c->nextra, sizeof(*c->extra), pol_index_cmp);
	for (size_t i = 0; i < c->nextra && !found->more; i++) {
		if (found->n == POL_MAX_PER_RULE)
			found->more = true;
		else
			found->v[found->n++] = c->extra[i];
	}
	return found;
}

static void pol_report(struct pol *c, const struct crrc_replication *r,
		       const struct crrc_rule *rule, const struct pol_broken *found)
{
	const struct crrc_region *reg = rule->dest->reg;
	const struct crrc_str *rp = &rule->filter.prefix;
	char qr[DIAG_QUOTE_BUF], qs[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF], qu[DIAG_QUOTE_BUF],
		qp[DIAG_QUOTE_BUF];
	const char *name = crrc_rule_shown(qr, rule), *src = crrc_shown(qs, &r->source);
	const char *dst = crrc_shown(qd, &rule->dest->key);
	struct crrc_diag *g = NULL;
	for (size_t i = 0; i < found->n; i++) {
		const struct crrc_str *pp = &found->v[i]->res->prefix;
		const struct crrc_str *longer = crrc_textlen(rp) > crrc_textlen(pp) ? rp : pp;
		const char *under = crrc_shown(qu, longer), *pol = crrc_shown(qp, pp);
		bool all = crrc_textlen(pp) == 0;
		g = diags_add(
			c->d, CRRC_E070, rule->destination.pos,
			"rule '%s' ('%s' to '%s') can move %s%s%s into %s, which the residency policy "
			"for %s%s%s does not allow (allowed: %s); replicate into an allowed region%s%s%s",
			name, src, dst, *under ? "objects under '" : "any object", under,
			*under ? "'" : "", reg->code, all ? "all objects" : "prefix '", pol,
			all ? "" : "'", found->v[i]->list,
			all ? "" : ", or narrow the rule's filter prefix so that it excludes '", pol,
			all ? "" : "'");
		diag_note(g, pp->pos, "residency policy for %s%s%s here",
			  all ? "all objects" : "prefix '", pol, all ? "" : "'");
	}
	if (found->more && g)
		diag_note(g, rule->destination.pos,
			  "rule '%s' breaks further residency policies too; fix these first", name);
}

/* Policies are grouped by prefix text, and the groups indexed twice: by
 * prefix, and by each strict prefix of their prefix. A rule prefix then
 * finds, in its length in steps, the groups whose prefix is a prefix of its
 * own, and those whose prefix it is a strict prefix of; once per distinct
 * rule prefix and region. Strict prefixes beyond S3's limit are not
 * indexed: a rule prefix that long is an error already (E066). A policy that
 * an alias repeats is judged once. */
static void pol_residency(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct pol c = {.m = m, .a = a, .d = d};
	c.by_prefix = ptab_create(m->nresidency);
	c.by_strict = ptab_create(0);
	c.regions = ptrmap_create(a, m->nresidency);
	c.groups = ptrmap_create(a, m->nresidency);
	c.group_of = strmap_create(a, m->nresidency);
	c.broken = ptrmap_create(a, 64);
	struct ptrmap *judged = ptrmap_create(a, m->nresidency);
	struct policy *pols = xcalloc(m->nresidency + 1, sizeof(*pols));
	size_t npols = 0;
	for (size_t i = 0; i < m->nresidency; i++) {
		struct policy *p = &pols[npols];
		p->res = &m->residency[i];
		p->index = npols;
		if (!ptrmap_put(judged, judged, crrc_pos_key(p->res->pos), p, NULL) ||
		    !pol_build(&c, p))
			continue;
		npols++;
		pol_group(&c, p);
	}
	c.extra = xcalloc(npols + 1, sizeof(*c.extra));
	struct check_once once = check_once_start(a, m);
	for (size_t i = 0; npols && i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_rule *rule = &r->rules[j];
			if (!rule->enabled.v || !rule->dest || !rule->dest->reg ||
			    !check_once(&once, r, rule))
				continue;
			const struct crrc_str *rp = &rule->filter.prefix;
			pol_report(&c, r, rule,
				   pol_lookup(&c, crrc_text(rp), crrc_textlen(rp), rule->dest->reg));
		}
	}
	ptab_destroy(c.by_prefix);
	ptab_destroy(c.by_strict);
	free(c.extra);
	free(pols);
}

static void pol_rpo(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	const struct crrc_int *rpo = &m->rpo_minutes;
	if (!rpo->set)
		return;
	if (rpo->v < RPO_MIN)
		diags_add(d, CRRC_E071, rpo->pos,
			  "rpo_minutes: %lld is below %d: the strongest S3 guarantee, Replication "
			  "Time Control, is 15 minutes; raise it to at least %d",
			  rpo->v, RPO_MIN, RPO_MIN);
	struct check_once once = check_once_start(a, m);
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_rule *rule = &r->rules[j];
			if (!rule->enabled.v || rule->rtc.v || !check_once(&once, NULL, rule))
				continue;
			char q[DIAG_QUOTE_BUF];
			struct crrc_diag *g = diags_add(
				d, CRRC_E072, rule->rtc.set ? rule->rtc.pos : rule->pos,
				"rule '%s' has no rtc, but the spec sets rpo_minutes: only "
				"Replication Time Control bounds how long replication takes; set "
				"rtc: true on the rule",
				crrc_rule_shown(q, rule));
			diag_note(g, rpo->pos, "rpo_minutes set here");
		}
	}
}

void check_policies(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	if (m->nresidency)
		pol_residency(m, a, d);
	pol_rpo(m, a, d);
}
