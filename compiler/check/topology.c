/* check_topology.c: warnings about the shape of the replication graph and
 * about rules that do less than they seem to: chains (S3 never replicates a
 * replica again; quiet when the source also has the direct rule that the
 * warning recommends), two-way pairs without replica_modifications, same-region
 * replication, rules that can never replicate anything, and existing objects
 * that the configuration does not copy. Only enabled rules move objects.
 *
 * The graph: each entry's enabled rules, sorted by destination, so that the
 * rules from one source to one destination form a run, and the way back
 * (B to A) is a binary search in B's entry. Cache-friendly, n log n at worst,
 * no all-pairs loops. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "check/ptab.h"

/* Objects carry at most this many tags: a filter requiring more never matches. */
#define TOPO_MAX_OBJECT_TAGS 10

/* An enabled rule whose source and destination are known. */
struct topo_edge {
	size_t dst; /* the destination's index */
	size_t pos; /* the rule's position in its entry */
	const struct crrc_rule *rule;
};

struct topo {
	const struct crrc_model *m;
	struct crrc_diags *d;
	struct topo_edge *edges; /* entry by entry, each sorted by (dst, pos) */
	size_t *start;           /* entry i: edges [start[i], start[i + 1]) */
};

static uint64_t topo_ns(size_t a, size_t b)
{
	return ((uint64_t)a << 32) ^ (uint64_t)b;
}

static bool topo_moves(const struct crrc_replication *r, const struct crrc_rule *rule)
{
	return r->src && rule->dest && rule->enabled.v;
}

static int topo_edge_cmp(const void *pa, const void *pb)
{
	const struct topo_edge *a = pa, *b = pb;
	if (a->dst != b->dst)
		return a->dst < b->dst ? -1 : 1;
	return a->pos < b->pos ? -1 : a->pos > b->pos;
}

static size_t topo_entry(const struct topo *t, const struct crrc_replication *r)
{
	return (size_t)(r - t->m->replications);
}

/* Entry i's edges. A second entry of one source (E051) gets none. */
static void topo_build(struct topo *t, size_t nrules)
{
	const struct crrc_model *m = t->m;
	size_t n = 0;
	t->edges = xcalloc(nrules ? nrules : 1, sizeof(*t->edges));
	t->start = xcalloc(m->nreplications + 1, sizeof(*t->start));
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		t->start[i] = n;
		for (size_t j = 0; r->src && r->src->replication == r && j < r->nrules; j++)
			if (topo_moves(r, &r->rules[j]))
				t->edges[n++] = (struct topo_edge){r->rules[j].dest->index, j,
								   &r->rules[j]};
		qsort(t->edges + t->start[i], n - t->start[i], sizeof(*t->edges), topo_edge_cmp);
	}
	t->start[m->nreplications] = n;
}

/* The edges of entry i into bucket dst: a run, found by binary search. */
static const struct topo_edge *topo_run_find(const struct topo *t, size_t i, size_t dst,
					     size_t *n)
{
	size_t lo = t->start[i], hi = t->start[i + 1];
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (t->edges[mid].dst < dst)
			lo = mid + 1;
		else
			hi = mid;
	}
	size_t end = lo;
	while (end < t->start[i + 1] && t->edges[end].dst == dst)
		end++;
	*n = end - lo;
	return *n ? &t->edges[lo] : NULL;
}

static const struct crrc_rule *topo_lacking(const struct topo_edge *run, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!run[i].rule->replica_modifications.v)
			return run[i].rule;
	return NULL;
}

/* A to B and B to A: both directions should sync replica modifications. */
static void topo_two_way(struct topo *t, const struct crrc_bucket *a, const struct topo_edge *run,
			 size_t n)
{
	const struct crrc_bucket *b = run->rule->dest;
	size_t nback;
	if (!b->replication || a->index > b->index)
		return; /* each pair once */
	const struct topo_edge *back =
		topo_run_find(t, topo_entry(t, b->replication), a->index, &nback);
	if (!back)
		return;
	const struct crrc_rule *bad = topo_lacking(run, n), *other = back->rule;
	const struct crrc_bucket *from = a, *to = b;
	if (!bad) {
		bad = topo_lacking(back, nback), other = run->rule;
		from = b, to = a;
	}
	if (!bad)
		return;
	struct crrc_diag *g = diags_add(
		t->d, CRRC_W003, bad->destination.pos,
		"'%s' and '%s' replicate into each other, but rule '%s' ('%s' to '%s') does not "
		"set replica_modifications: true: metadata changes made on replicas in '%s' are "
		"not synced back to '%s'; set it on the rules of both directions",
		crrc_text(&a->key), crrc_text(&b->key), crrc_rule_name(bad), crrc_text(&from->key),
		crrc_text(&to->key), crrc_text(&from->key), crrc_text(&to->key));
	diag_note(g, other->destination.pos, "the other direction ('%s' to '%s') here",
		  crrc_text(&to->key), crrc_text(&from->key));
}

static bool topo_str_eq(const struct crrc_str *a, const struct crrc_str *b)
{
	size_t la = crrc_textlen(a), lb = crrc_textlen(b);
	return la == lb && (la == 0 || memcmp(a->s, b->s, la) == 0);
}

static bool topo_tags_subset(const struct crrc_tags *a, const struct crrc_tags *b)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = topo_str_eq(&a->v[i].key, &b->v[j].key) &&
				topo_str_eq(&a->v[i].value, &b->v[j].value);
		if (!found)
			return false;
	}
	return true;
}

/* Whether rule s matches every object rule r matches: its prefix is a
 * prefix of r's and its tags are a subset of r's. */
static bool topo_covers(const struct crrc_rule *s, const struct crrc_rule *r)
{
	size_t ls = crrc_textlen(&s->filter.prefix), lr = crrc_textlen(&r->filter.prefix);
	return ls <= lr && (ls == 0 || memcmp(s->filter.prefix.s, r->filter.prefix.s, ls) == 0) &&
	       topo_tags_subset(&s->filter.tags, &r->filter.tags);
}

/* Whether entry i (of source A) has an enabled rule into c that covers
 * rule r: the direct rule that W002 recommends. */
static bool topo_direct(const struct topo *t, size_t i, size_t c, const struct crrc_rule *r)
{
	size_t n;
	const struct topo_edge *run = topo_run_find(t, i, c, &n);
	for (size_t k = 0; k < n; k++)
		if (topo_covers(run[k].rule, r))
			return true;
	return false;
}

/* A to B (the rules of run), where B replicates on into C != A: A's objects
 * never reach C through B, unless A also replicates into C directly with a
 * rule that covers what the rule into B moves. The first rule and C left
 * uncovered is reported, once a run: the work stops there, so a run costs
 * at most one look-up per direct rule of A, and a spec of entries of at most
 * 1,000 rules stays linear. */
static void topo_chain(struct topo *t, size_t i, const struct topo_edge *run, size_t n)
{
	const struct crrc_bucket *a = t->m->replications[i].src, *b = run->rule->dest;
	if (!b->replication)
		return;
	size_t j = topo_entry(t, b->replication);
	for (size_t k = t->start[j], len; k < t->start[j + 1]; k += len) {
		size_t c = t->edges[k].dst;
		for (len = 1; k + len < t->start[j + 1] && t->edges[k + len].dst == c; len++)
			;
		if (c == a->index || c == b->index)
			continue;
		for (size_t r = 0; r < n; r++) {
			if (topo_direct(t, i, c, run[r].rule))
				continue;
			const struct crrc_rule *first = run[r].rule, *on = t->edges[k].rule;
			const char *ka = crrc_text(&a->key), *kb = crrc_text(&b->key);
			const char *kc = crrc_text(&on->dest->key);
			struct crrc_diag *g = diags_add(
				t->d, CRRC_W002, first->destination.pos,
				"rule '%s' replicates '%s' into '%s', and '%s' replicates into '%s': S3 "
				"never replicates replicas, so objects from '%s' do not reach '%s'; add "
				"a rule from '%s' to '%s' if they should",
				crrc_rule_name(first), ka, kb, kb, kc, ka, kc, ka, kc);
			diag_note(g, on->destination.pos, "rule '%s' ('%s' to '%s') here",
				  crrc_rule_name(on), kb, kc);
			return;
		}
	}
}

/* Every run (source, destination) of every entry. */
static void topo_graph(struct topo *t)
{
	for (size_t i = 0; i < t->m->nreplications; i++) {
		const struct crrc_bucket *a = t->m->replications[i].src;
		for (size_t k = t->start[i], n; k < t->start[i + 1]; k += n) {
			const struct topo_edge *run = &t->edges[k];
			const struct crrc_bucket *b = run->rule->dest;
			for (n = 1; k + n < t->start[i + 1] && run[n].dst == run->dst; n++)
				;
			topo_two_way(t, a, run, n);
			topo_chain(t, i, run, n);
			if (a->reg && a->reg == b->reg)
				diags_add(t->d, CRRC_W004, run->rule->destination.pos,
					  "rule '%s' replicates '%s' into '%s', both in %s: this is "
					  "Same-Region Replication (SRR), not cross-region",
					  crrc_rule_name(run->rule), crrc_text(&a->key),
					  crrc_text(&b->key), a->reg->code);
		}
	}
}

/* Shadowed rules. S3 applies, per destination, only the highest-priority
 * rule that matches an object: a rule is dead when a rule of the same entry
 * and destination with a higher priority matches all it matches (its prefix
 * is a prefix of this one's, its tags a subset). Rules go into a prefix table
 * keyed by (entry, destination, prefix), highest priority first; each rule
 * then walks the keys that are prefixes of its own prefix. */
struct topo_ranked {
	const struct crrc_rule *rule;
	uint64_t ns;
};

struct topo_shadow {
	const struct crrc_rule *rule, *found;
};

static bool topo_shadow_visit(void *item, void *ctx)
{
	const struct crrc_rule *s = item;
	struct topo_shadow *c = ctx;
	if (s->priority.v <= c->rule->priority.v || s->filter.tags.n > TOPO_MAX_OBJECT_TAGS ||
	    !topo_tags_subset(&s->filter.tags, &c->rule->filter.tags))
		return true;
	c->found = s;
	return false;
}

static int topo_rank_cmp(const void *pa, const void *pb)
{
	const struct topo_ranked *a = pa, *b = pb;
	if (a->rule->priority.v != b->rule->priority.v)
		return a->rule->priority.v > b->rule->priority.v ? -1 : 1;
	return a->rule < b->rule ? -1 : a->rule > b->rule;
}

/* Priorities are comparable when given on all rules or on none (E055). */
static bool topo_priorities_whole(const struct crrc_replication *r)
{
	size_t given = 0;
	for (size_t j = 0; j < r->nrules; j++)
		given += r->rules[j].priority.set;
	return given == 0 || given == r->nrules;
}

static void topo_shadowed(struct crrc_diags *d, const struct topo_ranked *x,
			  const struct crrc_rule *by)
{
	const struct crrc_rule *rule = x->rule;
	struct crrc_diag *g = diags_add(
		d, CRRC_W005, rule->pos,
		"rule '%s' can never replicate anything: rule '%s' has a higher priority (%lld > "
		"%lld), the same destination '%s', and matches every object this one matches, "
		"and S3 applies only the highest-priority matching rule per destination; raise "
		"the priority of '%s' or narrow '%s'",
		crrc_rule_name(rule), crrc_rule_name(by), by->priority.v, rule->priority.v,
		crrc_text(&rule->dest->key), crrc_rule_name(rule), crrc_rule_name(by));
	diag_note(g, by->pos, "rule '%s' here", crrc_rule_name(by));
}

/* Rules that share their entry and destination with another: the only
 * ones that can be shadowed, or shadow. */
static size_t topo_contested(const struct topo *t, struct topo_ranked *v)
{
	size_t n = 0;
	for (size_t i = 0; i < t->m->nreplications; i++) {
		if (!topo_priorities_whole(&t->m->replications[i]))
			continue;
		for (size_t k = t->start[i], len; k < t->start[i + 1]; k += len) {
			for (len = 1; k + len < t->start[i + 1] && t->edges[k + len].dst == t->edges[k].dst;
			     len++)
				;
			for (size_t e = k; len > 1 && e < k + len; e++)
				v[n++] = (struct topo_ranked){t->edges[e].rule,
							      topo_ns(i, t->edges[e].dst)};
		}
	}
	return n;
}

static void topo_shadows(const struct topo *t)
{
	struct topo_ranked *v = xcalloc(t->start[t->m->nreplications] + 1, sizeof(*v));
	size_t n = topo_contested(t, v);
	qsort(v, n, sizeof(*v), topo_rank_cmp);
	struct ptab *tab = ptab_create(n);
	for (size_t i = 0; i < n; i++) {
		const struct crrc_str *p = &v[i].rule->filter.prefix;
		ptab_add(tab, v[i].ns, crrc_text(p), crrc_textlen(p), (void *)v[i].rule);
	}
	for (size_t i = 0; i < n; i++) {
		const struct crrc_rule *rule = v[i].rule;
		struct topo_shadow c = {rule, NULL};
		if (rule->filter.tags.n > TOPO_MAX_OBJECT_TAGS)
			continue;
		ptab_walk(tab, v[i].ns, crrc_text(&rule->filter.prefix),
			  crrc_textlen(&rule->filter.prefix), SIZE_MAX, topo_shadow_visit, &c);
		if (c.found)
			topo_shadowed(t->d, &v[i], c.found);
	}
	ptab_destroy(tab);
	free(v);
}

static void topo_rule_notes(struct crrc_diags *d, const struct crrc_replication *r,
			    const struct crrc_rule *rule)
{
	if (rule->existing_objects.v)
		diags_add(d, CRRC_W006, rule->existing_objects.pos,
			  "rule '%s' asks for existing objects: S3 no longer accepts "
			  "ExistingObjectReplication in a replication configuration, so crrc does "
			  "not emit it; objects already in '%s' are copied only by an S3 Batch "
			  "Replication job, which crrc does not arrange yet: run one after deploying",
			  crrc_rule_name(rule), crrc_text(&r->source));
	if (rule->enabled.v && rule->filter.tags.n > TOPO_MAX_OBJECT_TAGS)
		diags_add(d, CRRC_W005, rule->filter.tags.pos,
			  "rule '%s' can never replicate anything: its filter requires %zu tags, "
			  "and an S3 object carries at most %d",
			  crrc_rule_name(rule), rule->filter.tags.n, TOPO_MAX_OBJECT_TAGS);
}

void check_topology(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct topo t = {.m = m, .d = d};
	size_t nrules = 0;
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		nrules += r->nrules;
		for (size_t j = 0; j < r->nrules; j++)
			topo_rule_notes(d, r, &r->rules[j]);
	}
	topo_build(&t, nrules);
	topo_graph(&t);
	topo_shadows(&t);
	free(t.edges);
	free(t.start);
}
