/* plan.c: the plan of the CloudFormation back end. A stack lives in one
 * region of one account, so buckets are grouped into one stack per (account,
 * region) pair, split into parts when that stack would be over
 * CloudFormation's limits; a source's stack is deployed after its
 * destinations' stacks (Kahn's algorithm over stacks); stacks caught in a
 * cycle (a two-way pair) are first deployed without replication (the
 * bootstrap templates), then for real. The Multi-Region Access Points of
 * an account go into a stack of their own in us-west-2, where AWS wants
 * their control plane, deployed last, after the buckets they span exist.
 * Everything here is linear in buckets, rules and points.
 *
 * How a pair is split. A bucket that moves from one stack to another
 * cannot simply be redeployed: the old stack lets it go (Retain), the new one
 * fails to create it because it exists, until someone imports it. So the
 * part of a bucket must change as rarely as possible, and for no reason a
 * reviewer cannot see in the diff. Filling parts in the spec's order fails
 * that: inserting or deleting one bucket shifts a bucket across every later
 * boundary. Instead the number of parts P is chosen from the pair's total
 * weight, with parts filled to two thirds of the limits on average, and a
 * bucket goes to part jump(hash(key), P): Lamping and Veach's jump
 * consistent hash. A bucket's part then depends on its key and P only:
 * adding, removing or reordering other buckets moves nothing while P holds,
 * and when the pair grows enough for P to become P + 1, only the buckets the
 * new part takes move (about 1/(P + 1) of them), all into it. The margin of
 * a third absorbs the unevenness of hashing; should a part still be over a
 * limit, P grows by one until none is (a few tries at most in practice),
 * and past 16 tries parts are filled in the spec's order instead, which
 * always fits. A pair within the limits is one stack, named as before. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "emit/cloudformation/cfn.h"
#include "emit/points.h"

/* Parts are filled to this share of the CFN_MAX_* limits on average. */
#define PART_FILL_NUM 2
#define PART_FILL_DEN 3
#define PART_TRIES 16

struct edge {
	size_t from, to; /* from is deployed before to */
};

/* Adjacency in compressed rows: the successors of node i are
 * adj[start[i]] .. adj[start[i + 1] - 1]. */
struct graph {
	size_t n;
	size_t *start;
	size_t *adj;
};

static void graph_build(struct arena *a, size_t n, const struct edge *e, size_t ne,
			struct graph *g)
{
	g->n = n;
	g->start = arena_array(a, n + 1, sizeof(*g->start));
	g->adj = arena_array(a, ne ? ne : 1, sizeof(*g->adj));
	for (size_t i = 0; i < ne; i++)
		g->start[e[i].from + 1]++;
	for (size_t i = 0; i < n; i++)
		g->start[i + 1] += g->start[i];
	size_t *fill = arena_array(a, n + 1, sizeof(*fill));
	memcpy(fill, g->start, (n + 1) * sizeof(*fill));
	for (size_t i = 0; i < ne; i++)
		g->adj[fill[e[i].from]++] = e[i].to;
}

/* Kahn's algorithm with a FIFO seeded in index order, so the order is
 * deterministic. Blocked nodes are never emitted, nor is anything after
 * them. Writes the order into order[], marks done[], returns its length. */
static size_t graph_order(struct arena *a, const struct graph *g, const bool *blocked,
			  size_t *order, bool *done)
{
	size_t *indeg = arena_array(a, g->n ? g->n : 1, sizeof(*indeg));
	for (size_t i = 0; i < g->start[g->n]; i++)
		indeg[g->adj[i]]++;
	size_t head = 0, tail = 0;
	for (size_t i = 0; i < g->n; i++)
		if (!indeg[i] && !(blocked && blocked[i]))
			order[tail++] = i;
	while (head < tail) {
		size_t v = order[head++];
		done[v] = true;
		for (size_t k = g->start[v]; k < g->start[v + 1]; k++) {
			size_t w = g->adj[k];
			if (--indeg[w] == 0 && !(blocked && blocked[w]))
				order[tail++] = w;
		}
	}
	return tail;
}

static char *camel_case(struct arena *a, const char *key)
{
	char *out = arena_strdup(a, key), *w = out;
	bool upper = true;
	for (const char *s = key; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))) {
			upper = true;
			continue;
		}
		*w++ = upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : (char)c;
		upper = false;
	}
	*w = '\0';
	return out;
}

/* The longest id stem kept as it is: CloudFormation allows 255 characters
 * and the longest suffix is "ReplicationRoleArn". */
#define ID_STEM_MAX 200

/* Every name an id makes in a template: resources and outputs, which
 * CloudFormation wants unique within the template, in one namespace. */
static const struct uniq_form id_forms[] = {
	{"", CFN_ID_BUCKET},     {"", CFN_ID_POLICY},   {"", CFN_ID_ROLE},
	{"", CFN_ID_BUCKET_ARN}, {"", CFN_ID_ROLE_ARN},
};
#define ID_FORMS (sizeof(id_forms) / sizeof(id_forms[0]))

/* Which ids must be hashed: forms that two keys share (all of them), forms
 * cut for length, empty forms. ids[] holds the forms (cut). */
static bool *ids_clashing(const struct crrc_desired *ds, struct arena *a, struct arena *tmp,
			  const char **ids)
{
	size_t nb = ds->nbuckets ? ds->nbuckets : 1;
	bool *clash = arena_array(tmp, nb, sizeof(*clash));
	struct strmap *seen = strmap_create(tmp, ds->nbuckets);
	for (size_t i = 0; i < ds->nbuckets; i++) {
		char *id = camel_case(a, ds->buckets[i].key);
		void *old;
		if (strlen(id) > ID_STEM_MAX) {
			id[ID_STEM_MAX - 8] = '\0';
			clash[i] = true; /* gets the hash below */
		}
		ids[i] = id;
		clash[i] |= !id[0];
		if (!strmap_put(seen, id, strlen(id), (void *)(uintptr_t)(i + 1), &old))
			clash[i] = clash[(uintptr_t)old - 1] = true;
	}
	return clash;
}

/* Ids in two passes, so that a plain id never yields to a hashed one: the
 * forms that clash with no other form first, then the hashed ids, each
 * checked against every name taken before it. */
const char **cfn_logical_ids(const struct crrc_desired *ds, struct arena *a)
{
	size_t nb = ds->nbuckets ? ds->nbuckets : 1;
	const char **ids = arena_array(a, nb, sizeof(*ids));
	struct arena *tmp = arena_create_sized(64u * 1024u);
	bool *clash = ids_clashing(ds, a, tmp, ids);
	struct uniq *names = uniq_create(tmp, ID_FORMS * ds->nbuckets);
	for (int pass = 0; pass < 2; pass++)
		for (size_t i = 0; i < ds->nbuckets; i++) {
			if (clash[i] != (pass == 1))
				continue;
			const char *stem = ids[i][0] ? ids[i] : "Bucket";
			ids[i] = arena_strdup(a, uniq_stem(names, id_forms, ID_FORMS, stem, "",
							   ds->buckets[i].key, clash[i]));
		}
	arena_destroy(tmp);
	return ids;
}

/* An alias makes the account part of a name when it reads as one: a short
 * lowercase name that can be mistaken neither for an id nor for "default". */
static bool alias_usable(const char *s)
{
	size_t n = strlen(s);
	bool digits = true;
	if (n == 0 || n > 40 || strcmp(s, "default") == 0)
		return false;
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
			return false;
		digits = digits && c >= '0' && c <= '9';
	}
	return !digits;
}

/* One (account, region) pair: its buckets in the spec's order, and how
 * many parts they are split into (1: not split). */
struct group {
	const struct ds_place *place;
	size_t *members; /* bucket indexes */
	size_t n;
	size_t nparts;
};

static void weight_add(struct cfn_weight *t, const struct cfn_weight *w)
{
	t->resources += w->resources;
	t->outputs += w->outputs;
	t->bytes += w->bytes;
}

static bool weight_fits(const struct cfn_weight *t)
{
	return t->resources <= CFN_MAX_RESOURCES && t->outputs <= CFN_MAX_OUTPUTS &&
	       t->bytes <= CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD;
}

static size_t ceil_div(size_t a, size_t b)
{
	return (a + b - 1) / b;
}

/* The number of parts that fills each to PART_FILL of the limits. */
static size_t parts_wanted(const struct cfn_weight *t)
{
	size_t p = ceil_div(t->resources * PART_FILL_DEN, CFN_MAX_RESOURCES * PART_FILL_NUM);
	size_t q = ceil_div(t->outputs * PART_FILL_DEN, CFN_MAX_OUTPUTS * PART_FILL_NUM);
	size_t r = ceil_div(t->bytes * PART_FILL_DEN,
			    (CFN_MAX_BYTES - CFN_TEMPLATE_OVERHEAD) * PART_FILL_NUM);
	p = q > p ? q : p;
	p = r > p ? r : p;
	return p > 2 ? p : 2;
}

/* FNV-1a of the key, mixed (splitmix64's finalizer) so that every bit of
 * the key reaches the high bits jump_hash reads. */
static uint64_t key_hash(const char *key)
{
	uint64_t h = crrc_hash(key, strlen(key));
	h = (h ^ (h >> 30)) * 0xbf58476d1ce4e5b9u;
	h = (h ^ (h >> 27)) * 0x94d049bb133111ebu;
	return h ^ (h >> 31);
}

/* Lamping and Veach's jump consistent hash: a part in [0, n) such that
 * going from n to n + 1 parts moves a key only into the new part. The key
 * jumps through increasing candidates and stops at the last below n. In
 * integers rather than the paper's doubles, so that every machine agrees
 * (n is far below 2^32: the shift cannot overflow). */
static size_t jump_hash(uint64_t key, size_t n)
{
	uint64_t b = 0, j = 0;
	while (j < n) {
		b = j;
		key = key * 2862933555777941757u + 1;
		j = ((b + 1) << 31) / ((key >> 33) + 1);
	}
	return (size_t)b;
}

/* Part of each bucket of g by the hash of its key among nparts; false when
 * a part is over a limit. sum has room for nparts weights. */
static bool split_hashed(const struct crrc_desired *ds, const struct group *g,
			 const struct cfn_weight *w, size_t nparts, size_t *part,
			 struct cfn_weight *sum)
{
	memset(sum, 0, nparts * sizeof(*sum));
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->members[k];
		part[i] = jump_hash(key_hash(ds->buckets[i].key), nparts);
		weight_add(&sum[part[i]], &w[i]);
	}
	for (size_t k = 0; k < nparts; k++)
		if (!weight_fits(&sum[k]))
			return false;
	return true;
}

/* Parts filled in the spec's order, each as far as it goes. */
static size_t split_in_order(const struct group *g, const struct cfn_weight *w, size_t *part)
{
	struct cfn_weight sum = {0};
	size_t n = 0;
	for (size_t k = 0; k < g->n; k++) {
		size_t i = g->members[k];
		struct cfn_weight next = sum;
		weight_add(&next, &w[i]);
		if (k && !weight_fits(&next)) {
			n++;
			next = w[i];
		}
		sum = next;
		part[i] = n;
	}
	return n + 1;
}

/* How g is split: sets g->nparts and the part of each of its buckets. */
static void group_split(const struct crrc_desired *ds, struct arena *a, struct group *g,
			const struct cfn_weight *w, size_t *part)
{
	struct cfn_weight total = {0};
	for (size_t k = 0; k < g->n; k++)
		weight_add(&total, &w[g->members[k]]);
	g->nparts = 1;
	if (weight_fits(&total))
		return;
	size_t first = parts_wanted(&total);
	struct cfn_weight *sum = arena_array(a, first + PART_TRIES, sizeof(*sum));
	for (size_t n = first; n < first + PART_TRIES; n++)
		if (split_hashed(ds, g, w, n, part, sum)) {
			g->nparts = n;
			return;
		}
	g->nparts = split_in_order(g, w, part);
}

/* The groups of the buckets of ds: one per place, in the places' order. */
static size_t group_buckets(const struct crrc_desired *ds, struct arena *a, struct group *groups,
			    size_t *group_of)
{
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const struct ds_place *pl = ds->buckets[i].place;
		size_t g = (size_t)(pl - ds->places);
		groups[g].place = pl;
		group_of[i] = g;
		groups[g].n++;
	}
	for (size_t g = 0; g < ds->nplaces; g++) {
		groups[g].members = arena_array(a, groups[g].n ? groups[g].n : 1, sizeof(size_t));
		groups[g].n = 0;
	}
	for (size_t i = 0; i < ds->nbuckets; i++) {
		struct group *g = &groups[group_of[i]];
		g->members[g->n++] = i;
	}
	return ds->nplaces;
}

/* A stack's name and the names of its files, in one namespace. */
static const struct uniq_form stack_forms[] = {
	{"", ""},
	{"", ".template.json"},
	{"", ".bootstrap.template.json"},
};

/* s's name, unique among the stacks. "<spec>-<account part>-<region>"
 * cannot meet another while no region ends another region's code after a
 * hyphen (test_cfn_plan.c checks the table); should one, the later stack
 * takes a hash of its account, region and part. */
static const char *stack_name_claim(struct cfn_plan *p, const struct cfn_stack *s)
{
	const char *seed = arena_printf(p->tmp, "%s/%s/%zu", s->account_id ? s->account_id : "",
					s->region, s->part);
	return arena_strdup(p->arena, uniq_stem(p->stack_names, stack_forms,
						 sizeof(stack_forms) / sizeof(stack_forms[0]),
						 s->name, "-", seed, false));
}

/* A new stack in account (NULL: the deploying one) and region; part: 1,
 * 2... of a split pair, 0 when not split; what: NULL, or what its name
 * ends with. */
static struct cfn_stack *stack_add(struct cfn_plan *p, const struct ds_account *account,
				   const char *region, size_t part, const char *what)
{
	struct arena *a = p->arena;
	struct cfn_stack *s = &p->stacks[p->nstacks];
	s->index = p->nstacks++;
	s->part = part;
	s->region = region;
	s->account_id = account ? account->id : NULL;
	s->account_alias = account ? account->alias : NULL;
	if (s->account_alias && alias_usable(s->account_alias))
		s->account_part = s->account_alias;
	else
		s->account_part = s->account_id ? s->account_id : "default";
	s->name = arena_printf(a, "%s-%s-%s", p->spec_name, s->account_part, s->region);
	if (part)
		s->name = arena_printf(a, "%s-%zu", s->name, part);
	if (what)
		s->name = arena_printf(a, "%s-%s", s->name, what);
	s->name = stack_name_claim(p, s);
	s->template = arena_printf(a, "%s.template.json", s->name);
	s->bootstrap_template = arena_printf(a, "%s.bootstrap.template.json", s->name);
	return s;
}

/* The stacks of g, one per part that has buckets, in the order of parts;
 * sets of_bucket for its buckets. */
static void group_stacks(struct cfn_plan *p, const struct group *g, const size_t *part)
{
	if (g->nparts == 1) {
		struct cfn_stack *s = stack_add(p, g->place->account, g->place->region, 0, NULL);
		for (size_t k = 0; k < g->n; k++)
			p->of_bucket[g->members[k]] = s;
		return;
	}
	struct cfn_stack **by_part = arena_array(p->tmp, g->nparts, sizeof(*by_part));
	bool *used = arena_array(p->tmp, g->nparts, sizeof(*used));
	for (size_t k = 0; k < g->n; k++)
		used[part[g->members[k]]] = true;
	for (size_t k = 0; k < g->nparts; k++)
		if (used[k])
			by_part[k] = stack_add(p, g->place->account, g->place->region, k + 1,
						       NULL);
	for (size_t k = 0; k < g->n; k++)
		p->of_bucket[g->members[k]] = by_part[part[g->members[k]]];
}

static void plan_group(const struct crrc_desired *ds, const struct cfn_weight *w,
		       struct cfn_plan *p)
{
	struct arena *a = p->tmp;
	size_t n = ds->nbuckets ? ds->nbuckets : 1;
	struct group *groups = arena_array(a, ds->nplaces + 1, sizeof(*groups));
	size_t *group_of = arena_array(a, n, sizeof(*group_of));
	size_t *part = arena_array(a, n, sizeof(*part));
	size_t ngroups = group_buckets(ds, a, groups, group_of), nparts = 0;
	for (size_t g = 0; g < ngroups; g++) {
		group_split(ds, a, &groups[g], w, part);
		nparts += groups[g].nparts;
	}
	/* and a stack of points for each account that has some */
	p->stacks = arena_array(p->arena, nparts + ds->npoints + 1, sizeof(*p->stacks));
	p->of_bucket = arena_array(p->arena, n, sizeof(*p->of_bucket));
	for (size_t g = 0; g < ngroups; g++)
		group_stacks(p, &groups[g], part);
	/* Fill each stack's bucket list, in the spec's order. */
	for (size_t i = 0; i < ds->nbuckets; i++)
		p->of_bucket[i]->nbuckets++;
	for (size_t s = 0; s < p->nstacks; s++) {
		p->stacks[s].buckets = arena_array(p->arena, p->stacks[s].nbuckets, sizeof(void *));
		p->stacks[s].nbuckets = 0;
	}
	for (size_t i = 0; i < ds->nbuckets; i++) {
		struct cfn_stack *s = p->of_bucket[i];
		const struct ds_bucket *b = &ds->buckets[i];
		s->buckets[s->nbuckets++] = b;
		if (b->replication && b->replication->role.create)
			s->named_iam = true;
	}
}

/* Every (source, destination) pair of a rule, as edges destination ->
 * source: between stacks, and between buckets of one stack. */
static void plan_edges(const struct crrc_desired *ds, const struct cfn_plan *p,
		       struct edge **stack_e, size_t *nstack, struct edge **bucket_e,
		       size_t *nbucket)
{
	size_t total = 0;
	for (size_t i = 0; i < ds->nreplications; i++)
		total += ds->replications[i].nrules;
	*stack_e = arena_array(p->tmp, total ? total : 1, sizeof(**stack_e));
	*bucket_e = arena_array(p->tmp, total ? total : 1, sizeof(**bucket_e));
	*nstack = *nbucket = 0;
	for (size_t i = 0; i < ds->nreplications; i++) {
		const struct ds_replication *r = &ds->replications[i];
		for (size_t k = 0; k < r->nrules; k++) {
			const struct ds_bucket *d = r->rules[k].dest;
			if (d == r->source)
				continue;
			const struct cfn_stack *ss = p->of_bucket[r->source->index];
			const struct cfn_stack *dst = p->of_bucket[d->index];
			if (ss != dst)
				(*stack_e)[(*nstack)++] = (struct edge){dst->index, ss->index};
			else
				(*bucket_e)[(*nbucket)++] = (struct edge){d->index, r->source->index};
		}
	}
}

static void plan_steps(const struct crrc_desired *ds, struct cfn_plan *p)
{
	struct arena *a = p->tmp;
	size_t n = p->nstacks, nb = ds->nbuckets ? ds->nbuckets : 1;
	struct edge *se, *be;
	size_t nse, nbe;
	plan_edges(ds, p, &se, &nse, &be, &nbe);

	/* Buckets of one stack that replicate into each other: one deployment
	 * of that stack cannot create them all with their replication. */
	struct graph bg;
	graph_build(a, ds->nbuckets, be, nbe, &bg);
	size_t *border = arena_array(a, nb, sizeof(*border));
	bool *bdone = arena_array(a, nb, sizeof(*bdone));
	bool *blocked = arena_array(a, n ? n : 1, sizeof(*blocked));
	graph_order(a, &bg, NULL, border, bdone);
	for (size_t i = 0; i < ds->nbuckets; i++)
		if (!bdone[i])
			blocked[p->of_bucket[i]->index] = true;

	struct graph sg;
	graph_build(a, n, se, nse, &sg);
	size_t *order = arena_array(a, n ? n : 1, sizeof(*order));
	bool *done = arena_array(a, n ? n : 1, sizeof(*done));
	size_t nordered = graph_order(a, &sg, blocked, order, done);

	/* What is left is in a cycle or after one. Every stack left that is a
	 * destination of a stack left is bootstrapped; then all buckets exist,
	 * and the rest can be deployed in any order: index order. */
	for (size_t i = 0; i < n; i++)
		if (blocked[i])
			p->stacks[i].bootstrap = true;
	for (size_t i = 0; i < nse; i++)
		if (!done[se[i].from] && !done[se[i].to])
			p->stacks[se[i].from].bootstrap = true;

	p->steps = arena_array(p->arena, 2 * n + ds->npoints + 1, sizeof(*p->steps));
	p->nsteps = 0;
	for (size_t i = 0; i < nordered; i++)
		p->steps[p->nsteps++] = (struct cfn_step){&p->stacks[order[i]], false};
	for (size_t i = 0; i < n; i++)
		if (p->stacks[i].bootstrap)
			p->steps[p->nsteps++] = (struct cfn_step){&p->stacks[i], true};
	for (size_t i = 0; i < n; i++)
		if (!done[i])
			p->steps[p->nsteps++] = (struct cfn_step){&p->stacks[i], false};
}

/* The forms of a point's id in its template. */
static const struct uniq_form point_forms[] = {
	{"", CFN_ID_POINT},
	{"", CFN_ID_POINT_POLICY},
	{"", CFN_ID_POINT_ALIAS},
};

/* The stacks of points, one per account that creates some, in the order
 * of their first point, deployed after every stack of buckets: those
 * create the buckets a point spans. */
static void plan_points(const struct crrc_desired *ds, struct cfn_plan *p)
{
	size_t na = ds->naccounts + 1; /* by account index + 1; 0: the deploying one */
	struct cfn_stack **of_account = arena_array(p->tmp, na, sizeof(*of_account));
	struct uniq *ids = uniq_create(p->tmp, 3 * ds->npoints);
	p->point_ids = arena_array(p->arena, ds->npoints + 1, sizeof(*p->point_ids));
	for (size_t i = 0; i < ds->npoints; i++) {
		const struct ds_access_point *pt = &ds->points[i];
		const struct ds_account *acc = pt->place->account;
		size_t k = acc ? (size_t)(acc - ds->accounts) + 1 : 0;
		if (!of_account[k]) {
			of_account[k] = stack_add(p, acc, POINT_CONTROL_REGION, 0, "access-points");
			p->steps[p->nsteps++] = (struct cfn_step){of_account[k], false};
		}
		of_account[k]->npoints++;
		const char *stem = camel_case(p->tmp, pt->key);
		p->point_ids[i] = arena_strdup(p->arena,
					       uniq_stem(ids, point_forms, 3, stem[0] ? stem : "Point",
							 "", pt->key, !stem[0]));
	}
	for (size_t s = 0; s < p->nstacks; s++)
		if (p->stacks[s].npoints) {
			p->stacks[s].points = arena_array(p->arena, p->stacks[s].npoints,
							  sizeof(void *));
			p->stacks[s].npoints = 0;
		}
	for (size_t i = 0; i < ds->npoints; i++) {
		const struct ds_account *acc = ds->points[i].place->account;
		struct cfn_stack *s = of_account[acc ? (size_t)(acc - ds->accounts) + 1 : 0];
		s->points[s->npoints++] = &ds->points[i];
	}
}

void cfn_plan_build(const struct crrc_desired *ds, struct arena *a, const char **ids,
		    const struct cfn_weight *w, struct cfn_plan *p)
{
	memset(p, 0, sizeof(*p));
	p->arena = a;
	p->tmp = arena_create_sized(64u * 1024u);
	p->spec_name = ds->name;
	p->ids = ids;
	p->stack_names = uniq_create(p->tmp, 3 * (ds->nplaces + ds->npoints + 1));
	plan_group(ds, w, p);
	plan_steps(ds, p);
	plan_points(ds, p);
	arena_destroy(p->tmp);
	p->tmp = NULL;
	p->stack_names = NULL;
}
