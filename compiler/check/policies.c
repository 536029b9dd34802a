/* check_policies.c: the policies, proved rather than sampled.
 *
 * Residency: a rule can move an object under a policy's prefix when the
 * rule's filter prefix and the policy's overlap, one being a prefix of the
 * other (no prefix is ""). Tags are unknowable, so they never clear a rule.
 * Every enabled rule that can move such objects must replicate into a region
 * the policy allows. Both directions of the overlap go through prefix tables,
 * so the work is linear in the rules' prefixes plus the overlapping pairs.
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
#include "base/strmap.h"
#include "check/ptab.h"
#include "model/regions.h"

#define RPO_MIN 15
/* Errors per rule: past these, a note and no more, so that the output and
 * the work stay linear when a rule breaks many policies. */
#define POL_MAX_PER_RULE 3

struct policy {
	const struct crrc_residency *res;
	struct strmap *allowed; /* region code -> region */
	const char *list;       /* "eu-west-1, eu-central-1" */
};

/* The rule being checked, and what it broke so far. */
struct pol_ctx {
	struct crrc_diags *d;
	const struct crrc_replication *r;
	const struct crrc_rule *rule;
	size_t broken;
	struct crrc_diag *last;
};

/* The allowed regions of a policy; false when it cannot be judged (prefix
 * or regions missing or unknown: already reported). */
static bool pol_build(const struct crrc_model *m, struct arena *a,
		      struct crrc_diags *d, struct policy *p)
{
	const struct crrc_residency *res = p->res;
	bool whole = res->nregions > 0 && crrc_given(&res->prefix);
	struct buf list = BUF_INIT;
	p->allowed = strmap_create(a, res->nregions);
	for (size_t i = 0; i < res->nregions; i++) {
		const struct crrc_region *reg = regions_lookup(NULL, &res->regions[i], d);
		if (!reg) {
			whole = false;
			continue;
		}
		if (strmap_put(p->allowed, reg->code, strlen(reg->code), (void *)reg, NULL))
			buf_printf(&list, "%s%s", list.len ? ", " : "", reg->code);
	}
	p->list = arena_strdup(a, list.data ? list.data : "");
	buf_free(&list);
	return whole;
}

static void pol_check(struct pol_ctx *c, const struct policy *p)
{
	const struct crrc_rule *rule = c->rule;
	const struct crrc_region *reg = rule->dest->reg;
	if (strmap_get(p->allowed, reg->code, strlen(reg->code)) ||
	    ++c->broken > POL_MAX_PER_RULE)
		return;
	const struct crrc_str *pp = &p->res->prefix, *rp = &rule->filter.prefix;
	const char *under = crrc_textlen(rp) > crrc_textlen(pp) ? crrc_text(rp) : crrc_text(pp);
	bool all = crrc_textlen(pp) == 0;
	struct crrc_diag *g = diags_add(
		c->d, CRRC_E070, rule->destination.pos,
		"rule '%s' ('%s' to '%s') can move %s%s%s into %s, which the residency policy "
		"for %s%s%s does not allow (allowed: %s); replicate into an allowed region%s%s%s",
		crrc_rule_name(rule), crrc_text(&c->r->source), crrc_text(&rule->dest->key),
		*under ? "objects under '" : "any object", under, *under ? "'" : "", reg->code,
		all ? "all objects" : "prefix '", crrc_text(pp), all ? "" : "'", p->list,
		all ? "" : ", or narrow the rule's filter prefix so that it excludes '",
		crrc_text(pp), all ? "" : "'");
	diag_note(g, pp->pos, "residency policy for %s%s%s here", all ? "all objects" : "prefix '",
		  crrc_text(pp), all ? "" : "'");
	c->last = g;
}

static bool pol_visit(void *item, void *ctx)
{
	struct pol_ctx *c = ctx;
	pol_check(c, item);
	return c->broken <= POL_MAX_PER_RULE;
}

/* Policies are indexed twice: by prefix, and by each strict prefix of their
 * prefix. A rule then finds, in its prefix's length in steps, the policies
 * whose prefix is a prefix of its own, and those whose prefix its own is a
 * strict prefix of. Strict prefixes beyond S3's limit are not indexed: a
 * rule prefix that long is an error already (E066). */
static void pol_residency(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct policy *pols = xcalloc(m->nresidency, sizeof(*pols));
	struct ptab *by_prefix = ptab_create(m->nresidency), *by_strict = ptab_create(0);
	size_t npols = 0;
	for (size_t i = 0; i < m->nresidency; i++) {
		struct policy *p = &pols[npols];
		p->res = &m->residency[i];
		if (!pol_build(m, a, d, p))
			continue;
		npols++;
		const char *s = crrc_text(&p->res->prefix);
		size_t len = crrc_textlen(&p->res->prefix);
		ptab_add(by_prefix, 0, s, len, p);
		ptab_add_prefixes(by_strict, 0, s, len, CRRC_MAX_PREFIX, p);
	}
	struct pol_ctx c = {.d = d};
	for (size_t i = 0; npols && i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_rule *rule = &r->rules[j];
			if (!rule->enabled.v || !rule->dest || !rule->dest->reg)
				continue;
			const char *s = crrc_text(&rule->filter.prefix);
			size_t len = crrc_textlen(&rule->filter.prefix);
			c.r = r;
			c.rule = rule;
			c.broken = 0;
			if (ptab_walk(by_prefix, 0, s, len, SIZE_MAX, pol_visit, &c) &&
			    ptab_each(by_strict, 0, s, len, pol_visit, &c))
				continue;
			diag_note(c.last, rule->destination.pos,
				  "rule '%s' breaks further residency policies too; fix these first",
				  crrc_rule_name(rule));
		}
	}
	ptab_destroy(by_prefix);
	ptab_destroy(by_strict);
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
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_rule *rule = &r->rules[j];
			if (!rule->enabled.v || rule->rtc.v)
				continue;
			struct crrc_diag *g = diags_add(
				d, CRRC_E072, rule->rtc.set ? rule->rtc.pos : rule->pos,
				"rule '%s' has no rtc, but the spec sets rpo_minutes: only "
				"Replication Time Control bounds how long replication takes; set "
				"rtc: true on the rule",
				crrc_rule_name(rule));
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
