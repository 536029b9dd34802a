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
 * no all-pairs loops. What aliases repeat is done once: a rule reached again
 * from the same source, an entry whose very rules were swept already. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "check/prefixes.h"

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
	struct ptrmap *swept;    /* the rules lists swept for shadowed rules */
	struct ptrmap *value_num; /* tag value text -> number */
	struct strmap *value_text;
	size_t nvalues;
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
	bool forth = bad != NULL; /* the rule lacking it goes from a to b */
	if (!bad)
		bad = topo_lacking(back, nback), other = run->rule;
	if (!bad)
		return;
	char qa[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF], qr[DIAG_QUOTE_BUF];
	const char *ka = crrc_shown(qa, &a->key), *kb = crrc_shown(qb, &b->key);
	const char *kf = forth ? ka : kb, *kt = forth ? kb : ka;
	struct crrc_diag *g = diags_add(
		t->d, CRRC_W003, bad->destination.pos,
		"'%s' and '%s' replicate into each other, but rule '%s' ('%s' to '%s') does not "
		"set replica_modifications: true: metadata changes made on replicas in '%s' are "
		"not synced back to '%s'; set it on the rules of both directions",
		ka, kb, crrc_rule_shown(qr, bad), kf, kt, kf, kt);
	diag_note(g, other->destination.pos, "the other direction ('%s' to '%s') here", kt, kf);
}

/* A tag value's number: equal values, equal numbers; the text is read the
 * first time its pointer is seen only. */
static size_t topo_value_num(struct topo *t, const struct crrc_str *v)
{
	bool fresh;
	void **slot = ptrmap_slot(t->value_num, crrc_text(v), 0, &fresh);
	if (fresh) {
		void *num = (void *)(uintptr_t)(t->nvalues + 1);
		if (strmap_put(t->value_text, crrc_text(v), crrc_textlen(v), num, &num))
			t->nvalues++;
		*ptrmap_slot(t->value_num, crrc_text(v), 0, &fresh) = num;
		return (size_t)(uintptr_t)num;
	}
	return (size_t)(uintptr_t)*slot;
}

/* Whether tags a are a subset of b. Keys are interned (one text for equal
 * keys); values compare by number. */
static bool topo_tags_subset(struct topo *t, const struct crrc_tags *a, const struct crrc_tags *b)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = a->v[i].key.s == b->v[j].key.s &&
				topo_value_num(t, &a->v[i].value) == topo_value_num(t, &b->v[j].value);
		if (!found)
			return false;
	}
	return true;
}

/* Whether rule s matches every object rule r matches: its prefix is a
 * prefix of r's and its tags are a subset of r's. */
static bool topo_covers(struct topo *t, const struct crrc_rule *s, const struct crrc_rule *r)
{
	size_t ls = crrc_textlen(&s->filter.prefix), lr = crrc_textlen(&r->filter.prefix);
	return ls <= lr && (ls == 0 || memcmp(s->filter.prefix.s, r->filter.prefix.s, ls) == 0) &&
	       topo_tags_subset(t, &s->filter.tags, &r->filter.tags);
}

/* Whether entry i (of source A) has an enabled rule into c that covers
 * rule r: the direct rule that W002 recommends. */
static bool topo_direct(struct topo *t, size_t i, size_t c, const struct crrc_rule *r)
{
	size_t n;
	const struct topo_edge *run = topo_run_find(t, i, c, &n);
	for (size_t k = 0; k < n; k++)
		if (topo_covers(t, run[k].rule, r))
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
			char qa[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF], qc[DIAG_QUOTE_BUF];
			char qr[DIAG_QUOTE_BUF];
			const char *ka = crrc_shown(qa, &a->key), *kb = crrc_shown(qb, &b->key);
			const char *kc = crrc_shown(qc, &on->dest->key);
			struct crrc_diag *g = diags_add(
				t->d, CRRC_W002, first->destination.pos,
				"rule '%s' replicates '%s' into '%s', and '%s' replicates into '%s': S3 "
				"never replicates replicas, so objects from '%s' do not reach '%s'; add "
				"a rule from '%s' to '%s' if they should",
				crrc_rule_shown(qr, first), ka, kb, kb, kc, ka, kc, ka, kc);
			diag_note(g, on->destination.pos, "rule '%s' ('%s' to '%s') here",
				  crrc_rule_shown(qr, on), kb, kc);
			return;
		}
	}
}

/* Every run (source, destination) of every entry. */
static void topo_graph(struct topo *t)
{
	char qa[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF], qr[DIAG_QUOTE_BUF];
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
					  crrc_rule_shown(qr, run->rule), crrc_shown(qa, &a->key),
					  crrc_shown(qb, &b->key), a->reg->code);
		}
	}
}

/* Shadowed rules. S3 applies, per destination, only the highest-priority
 * rule that matches an object: a rule is dead when a rule of the same entry
 * and destination with a higher priority matches all it matches (its prefix
 * is a prefix of this one's, its tags a subset). The rules of each (entry,
 * destination) are sorted by their prefix's place in the forest of distinct
 * prefixes (prefixes.h), then by rank; a sweep keeps the groups of rules
 * whose prefix is a prefix of the current one on a stack, shortest first,
 * and each rule looks through them. No step reads a prefix's text: that was
 * done once per distinct prefix, however often aliases repeat it. An entry
 * whose rules an alias repeats from an entry already swept is not swept
 * again: its findings would be the same. */
struct topo_ranked {
	const struct crrc_rule *rule;
	uint64_t ns;            /* entry and destination */
	struct prefix_span span; /* of the rule's prefix */
};

static int topo_rank_cmp(const void *pa, const void *pb)
{
	const struct topo_ranked *a = pa, *b = pb;
	if (a->ns != b->ns)
		return a->ns < b->ns ? -1 : 1;
	if (a->span.in != b->span.in)
		return a->span.in < b->span.in ? -1 : 1;
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

static void topo_shadowed(struct crrc_diags *d, const struct crrc_rule *rule,
			  const struct crrc_rule *by)
{
	char qr[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF];
	const char *name = crrc_rule_shown(qr, rule), *other = crrc_rule_shown(qb, by);
	struct crrc_diag *g = diags_add(
		d, CRRC_W005, rule->pos,
		"rule '%s' can never replicate anything: rule '%s' has a higher priority (%lld > "
		"%lld), the same destination '%s', and matches every object this one matches, "
		"and S3 applies only the highest-priority matching rule per destination; raise "
		"the priority of '%s' or narrow '%s'",
		name, other, by->priority.v, rule->priority.v, crrc_shown(qd, &rule->dest->key),
		name, other);
	diag_note(g, by->pos, "rule '%s' here", other);
}

/* Whether entry i is swept: it has rules that move objects, and no entry
 * swept before has its very rules (an alias of the same list). */
static bool topo_sweeps(struct topo *t, size_t i)
{
	const struct crrc_replication *r = &t->m->replications[i];
	if (t->start[i] == t->start[i + 1] || !topo_priorities_whole(r))
		return false;
	bool fresh;
	ptrmap_slot(t->swept, &t->swept, crrc_pos_key(r->rules_pos), &fresh);
	return fresh;
}

/* Rules that share their entry and destination with another: the only
 * ones that can be shadowed, or shadow; spans hold their prefix's number. */
static size_t topo_contested(struct topo *t, struct topo_ranked *v, struct prefixes *p)
{
	size_t n = 0;
	for (size_t i = 0; i < t->m->nreplications; i++) {
		if (!topo_sweeps(t, i))
			continue;
		for (size_t k = t->start[i], len; k < t->start[i + 1]; k += len) {
			for (len = 1; k + len < t->start[i + 1] && t->edges[k + len].dst == t->edges[k].dst;
			     len++)
				;
			for (size_t e = k; len > 1 && e < k + len; e++) {
				const struct crrc_str *pre = &t->edges[e].rule->filter.prefix;
				uint32_t id = prefixes_add(p, crrc_text(pre), crrc_textlen(pre));
				v[n++] = (struct topo_ranked){t->edges[e].rule,
							      topo_ns(i, t->edges[e].dst), {id, 0}};
			}
		}
	}
	return n;
}

/* The first rule in the groups on the stack (shortest prefix first, each
 * group in rank order) that shadows v[i]. */
static const struct crrc_rule *topo_shadow_of(struct topo *t, const struct topo_ranked *v,
					      size_t i, const size_t *stack, size_t depth,
					      const size_t *gend)
{
	const struct crrc_rule *rule = v[i].rule;
	for (size_t g = 0; g < depth; g++) {
		/* in v[i]'s own group, only the rules ranked before it */
		size_t end = g + 1 == depth ? i : gend[stack[g]];
		for (size_t k = stack[g]; k < end; k++) {
			const struct crrc_rule *s = v[k].rule;
			if (s->priority.v > rule->priority.v &&
			    s->filter.tags.n <= TOPO_MAX_OBJECT_TAGS &&
			    topo_tags_subset(t, &s->filter.tags, &rule->filter.tags))
				return s;
		}
	}
	return NULL;
}

/* One (entry, destination): v[lo, hi), sorted. */
static void topo_sweep(struct topo *t, const struct topo_ranked *v, size_t lo, size_t hi,
		       size_t *stack, size_t *gend)
{
	for (size_t i = hi; i-- > lo;)
		gend[i] = i + 1 < hi && v[i + 1].span.in == v[i].span.in ? gend[i + 1] : i + 1;
	size_t depth = 0;
	for (size_t i = lo; i < hi; i++) {
		if (i == lo || v[i].span.in != v[i - 1].span.in) {
			while (depth && !prefixes_within(v[i].span, v[stack[depth - 1]].span))
				depth--;
			stack[depth++] = i;
		}
		if (v[i].rule->filter.tags.n > TOPO_MAX_OBJECT_TAGS)
			continue;
		const struct crrc_rule *by = topo_shadow_of(t, v, i, stack, depth, gend);
		if (by)
			topo_shadowed(t->d, v[i].rule, by);
	}
}

static void topo_shadows(struct topo *t, struct arena *a)
{
	size_t all = t->start[t->m->nreplications] + 1;
	struct topo_ranked *v = xcalloc(all, sizeof(*v));
	size_t *stack = xcalloc(all, sizeof(*stack)), *gend = xcalloc(all, sizeof(*gend));
	struct prefixes *p = prefixes_create(a, all);
	size_t n = topo_contested(t, v, p);
	prefixes_done(p);
	for (size_t i = 0; i < n; i++)
		v[i].span = prefixes_span(p, v[i].span.in);
	qsort(v, n, sizeof(*v), topo_rank_cmp);
	for (size_t lo = 0, hi; lo < n; lo = hi) {
		for (hi = lo + 1; hi < n && v[hi].ns == v[lo].ns; hi++)
			;
		topo_sweep(t, v, lo, hi, stack, gend);
	}
	prefixes_destroy(p);
	free(v);
	free(stack);
	free(gend);
}

static void topo_rule_notes(struct crrc_diags *d, const struct crrc_replication *r,
			    const struct crrc_rule *rule)
{
	char q[DIAG_QUOTE_BUF], qs[DIAG_QUOTE_BUF];
	if (rule->existing_objects.v)
		diags_add(d, CRRC_W006, rule->existing_objects.pos,
			  "rule '%s' asks for existing objects: S3 no longer accepts "
			  "ExistingObjectReplication in a replication configuration; objects "
			  "already in '%s' are copied only by an S3 Batch Replication job, which "
			  "only `crrc apply` starts: the Terraform and CloudFormation outputs "
			  "cannot, so after deploying them run `crrc apply` for that step",
			  crrc_rule_shown(q, rule), crrc_shown(qs, &r->source));
	if (rule->enabled.v && rule->filter.tags.n > TOPO_MAX_OBJECT_TAGS)
		diags_add(d, CRRC_W005, rule->filter.tags.pos,
			  "rule '%s' can never replicate anything: its filter requires %zu tags, "
			  "and an S3 object carries at most %d",
			  crrc_rule_shown(q, rule), rule->filter.tags.n, TOPO_MAX_OBJECT_TAGS);
}

void check_topology(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct topo t = {.m = m, .d = d};
	t.swept = ptrmap_create(a, m->nreplications);
	t.value_num = ptrmap_create(a, 64);
	t.value_text = strmap_create(a, 64);
	struct check_once once = check_once_start(a, m);
	size_t nrules = 0;
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		nrules += r->nrules;
		for (size_t j = 0; j < r->nrules; j++)
			if (check_once(&once, r, &r->rules[j]))
				topo_rule_notes(d, r, &r->rules[j]);
	}
	topo_build(&t, nrules);
	topo_graph(&t);
	topo_shadows(&t, a);
	free(t.edges);
	free(t.start);
}
