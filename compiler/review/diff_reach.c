/* diff_reach.c: policy impact in a semantic diff. Residency policies are
 * matched by prefix: added, removed, their regions changed, and, for one
 * both specs have, where the objects under its prefix can now go: each
 * enabled rule marks the regions its destination is in on a trie of the
 * policies' prefixes (a rule with prefix p reaches a policy whose prefix
 * starts p or that p starts), one walk of the rule's prefix each, then one
 * pass down the trie: linear. The RPO. The warnings of each spec, matched
 * by code and message: the ones that appear and the ones that are gone. */
#include <stdint.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "diag/diag.h"
#include "review/diff_impl.h"

struct node {
	struct node *child, *next;
	unsigned char c;
	uint64_t reach; /* regions that objects under this prefix reach */
	uint64_t below; /* regions a rule of exactly this prefix reaches */
};

/* Regions as bits, by their place in the region table (38 < 64). */
static uint64_t region_bit(const char *code)
{
	const struct crrc_region *r = crrc_region_find(code);
	size_t i = r ? (size_t)(r - crrc_region_at(0)) : 64;
	return i < 64 ? (uint64_t)1 << i : 0;
}

static const char *regions_text(struct arena *a, uint64_t mask)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < 64 && i < crrc_region_count(); i++)
		if (mask & (uint64_t)1 << i)
			buf_printf(&b, "%s%s", b.len ? ", " : "", crrc_region_at(i)->code);
	const char *s = arena_strdup(a, b.len ? b.data : "no region");
	buf_free(&b);
	return s;
}

static struct node *node_step(struct arena *a, struct node *t, unsigned char c, bool make)
{
	struct node *x = t->child;
	while (x && x->c != c)
		x = x->next;
	if (!x && make) {
		x = arena_alloc(a, sizeof(*x));
		x->c = c, x->next = t->child, t->child = x;
	}
	return x;
}

static void rule_mark(struct node *root, const struct ds_rule *r, uint64_t bit)
{
	const char *s = r->prefix ? r->prefix->s : "";
	size_t len = r->prefix ? r->prefix->len : 0;
	struct node *t = root;
	for (size_t i = 0; t; i++) {
		t->reach |= bit;
		if (i == len) {
			t->below |= bit;
			return;
		}
		t = node_step(NULL, t, (unsigned char)s[i], false);
	}
}

static void push_down(struct node *t, uint64_t above)
{
	/* depth at most CRRC_MAX_PREFIX */
	t->reach |= above | t->below;
	for (struct node *c = t->child; c; c = c->next)
		push_down(c, above | t->below);
}

/* For each residency policy of ds: its trie node, whose reach says where
 * its objects go once every rule is marked. */
static struct node **reach_build(struct arena *a, const struct crrc_desired *ds)
{
	const struct crrc_model *m = ds->m;
	struct node *root = arena_alloc(a, sizeof(*root));
	struct node **at = arena_array(a, m->nresidency + 1, sizeof(*at));
	for (size_t i = 0; i < m->nresidency; i++) {
		const struct crrc_str *p = &m->residency[i].prefix;
		struct node *t = root;
		for (size_t j = 0; j < crrc_textlen(p); j++)
			t = node_step(a, t, (unsigned char)p->s[j], true);
		at[i] = t;
	}
	for (size_t i = 0; m->nresidency && i < ds->nreplications; i++)
		for (size_t j = 0; j < ds->replications[i].nrules; j++) {
			const struct ds_rule *r = &ds->replications[i].rules[j];
			if (r->enabled)
				rule_mark(root, r, region_bit(r->dest->place->region));
		}
	push_down(root, 0);
	return at;
}

static uint64_t allowed(const struct crrc_residency *r)
{
	uint64_t mask = 0;
	for (size_t i = 0; i < r->nregions; i++)
		mask |= region_bit(crrc_text(&r->regions[i]));
	return mask;
}

static void residency_changed(struct diff_build *d, const char *prefix,
			      const struct crrc_residency *o, const struct crrc_residency *n,
			      uint64_t ro, uint64_t rn)
{
	uint64_t ao = allowed(o), an = allowed(n);
	if (ao != an)
		diff_add(d, DIFF_POLICIES, DIFF_CHANGED, prefix, "residency regions",
			 regions_text(d->a, ao), regions_text(d->a, an),
			 diff_say(d->a, "residency policy for ", prefix, ": allowed regions ",
				  regions_text(d->a, ao), " → ", regions_text(d->a, an), DIFF_END));
	if (ro != rn)
		diff_add(d, DIFF_POLICIES, DIFF_CHANGED, prefix, "reach", regions_text(d->a, ro),
			 regions_text(d->a, rn),
			 diff_say(d->a, "objects under ", prefix, " now reach ",
				  regions_text(d->a, rn), " (before: ", regions_text(d->a, ro), ")",
				  DIFF_END));
}

static void residency_whole(struct diff_build *d, const char *prefix,
			    const struct crrc_residency *r, enum diff_op op)
{
	const char *regions = regions_text(d->a, allowed(r));
	diff_add(d, DIFF_POLICIES, op, prefix, "residency", op == DIFF_REMOVED ? regions : NULL,
		 op == DIFF_ADDED ? regions : NULL,
		 diff_say(d->a, "residency policy for ", prefix,
			  op == DIFF_ADDED ? " added: its objects may go only to " :
					     " removed: its objects were kept to ",
			  regions, DIFF_END));
}

static void rpo(struct diff_build *d)
{
	const struct crrc_int *o = &d->old->m->rpo_minutes, *n = &d->new->m->rpo_minutes;
	const char *vo = o->set ? arena_printf(d->a, "%lld minutes", o->v) : NULL;
	const char *vn = n->set ? arena_printf(d->a, "%lld minutes", n->v) : NULL;
	if (o->set == n->set && (!o->set || o->v == n->v))
		return;
	diff_add(d, DIFF_POLICIES, !o->set ? DIFF_ADDED : !n->set ? DIFF_REMOVED : DIFF_CHANGED,
		 "RPO", "rpo_minutes", vo, vn,
		 diff_say(d->a, "RPO ", vo, " → ", vn, DIFF_END));
}

void diff_policies(struct diff_build *d)
{
	const struct crrc_model *mo = d->old->m, *mn = d->new->m;
	struct node **ro = reach_build(d->tmp, d->old), **rn = reach_build(d->tmp, d->new);
	struct strmap *map = strmap_create(d->tmp, mo->nresidency);
	for (size_t i = 0; i < mo->nresidency; i++)
		strmap_put(map, crrc_text(&mo->residency[i].prefix),
			   crrc_textlen(&mo->residency[i].prefix), (void *)(uintptr_t)(i + 1), NULL);
	for (size_t i = 0; i < mn->nresidency; i++) {
		const struct crrc_str *p = &mn->residency[i].prefix;
		size_t k = (size_t)(uintptr_t)strmap_get(map, crrc_text(p), crrc_textlen(p));
		const char *prefix = diff_str(d->a, p) ? diff_str(d->a, p) : "";
		if (k == 0 || k == SIZE_MAX) {
			if (k == 0)
				residency_whole(d, prefix, &mn->residency[i], DIFF_ADDED);
			continue;
		}
		strmap_set(map, crrc_text(p), crrc_textlen(p), (void *)(uintptr_t)SIZE_MAX);
		residency_changed(d, prefix, &mo->residency[k - 1], &mn->residency[i],
				  ro[k - 1]->reach, rn[i]->reach);
	}
	for (size_t i = 0; i < mo->nresidency; i++) {
		const struct crrc_str *p = &mo->residency[i].prefix;
		if ((size_t)(uintptr_t)strmap_get(map, crrc_text(p), crrc_textlen(p)) == i + 1)
			residency_whole(d, diff_str(d->a, p) ? diff_str(d->a, p) : "",
					&mo->residency[i], DIFF_REMOVED);
	}
	rpo(d);
}

/* "W004\n<message>" of each warning shown (not ignored) in d. */
static struct strmap *warnings_of(struct arena *a, const struct crrc_diags *d)
{
	struct strmap *m = strmap_create(a, d ? diags_count(d) : 0);
	for (size_t i = 0; d && i < diags_count(d); i++) {
		const struct crrc_diag *g = diags_at(d, i);
		if (g->sev != CRRC_WARNING || g->ignored)
			continue;
		const char *key = arena_concat(a, crrc_code_name(g->code), "\n", g->msg, (char *)NULL);
		strmap_put(m, key, strlen(key), (void *)g, NULL);
	}
	return m;
}

static void warning_say(struct diff_build *d, const struct crrc_diag *g, enum diff_op op)
{
	const char *code = crrc_code_name(g->code);
	diff_add(d, DIFF_WARNINGS, op, code, crrc_code_slug(g->code),
		 op == DIFF_REMOVED ? g->msg : NULL, op == DIFF_ADDED ? g->msg : NULL,
		 diff_say(d->a, op == DIFF_ADDED ? "new warning " : "warning gone ", code,
			  arena_concat(d->a, " ", crrc_code_slug(g->code), ": ", g->msg, (char *)NULL),
			  DIFF_END));
}

void diff_warnings(struct diff_build *d)
{
	struct strmap *mo = warnings_of(d->tmp, d->dold), *mn = warnings_of(d->tmp, d->dnew);
	struct buf key = BUF_INIT;
	for (int side = 0; side < 2; side++) {
		const struct crrc_diags *x = side ? d->dold : d->dnew;
		struct strmap *other = side ? mn : mo;
		for (size_t i = 0; x && i < diags_count(x); i++) {
			const struct crrc_diag *g = diags_at(x, i);
			if (g->sev != CRRC_WARNING || g->ignored)
				continue;
			key.len = 0;
			buf_printf(&key, "%s\n%s", crrc_code_name(g->code), g->msg);
			if (!strmap_get(other, key.data, key.len))
				warning_say(d, g, side ? DIFF_REMOVED : DIFF_ADDED);
		}
	}
	buf_free(&key);
}
