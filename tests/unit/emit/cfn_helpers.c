/* cfn_helpers.c: what the tests of the CloudFormation plan share
 * (cfn_helpers.h). */
#include "cfn_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"

void planned_free(struct planned *x)
{
	arena_destroy(x->a);
	desired_destroy(x->ds);
	crrc_model_destroy(x->m);
	diags_destroy(x->d);
	free(x->text);
	memset(x, 0, sizeof(*x));
}

/* Load, resolve and check spec (no error allowed), make its desired state
 * and logical ids. */
void desire(struct planned *x, const char *spec)
{
	x->text = strdup(spec);
	x->d = diags_create();
	x->m = crrc_load_buffer("plan.crr.yaml", x->text, strlen(x->text), x->d);
	ck_assert_ptr_nonnull(x->m);
	crrc_resolve(x->m, x->d);
	crrc_check(x->m, x->d);
	if (diags_errors(x->d))
		diags_render(x->d, CRRC_DIAG_TEXT, stderr);
	ck_assert_uint_eq(diags_errors(x->d), 0);
	x->ds = desired_create(x->m);
	ck_assert_ptr_nonnull(x->ds);
	x->a = arena_create();
	x->ids = cfn_logical_ids(x->ds, x->a);
}

/* The same for a spec with errors, such as regions AWS does not have. */
void desire_unchecked(struct planned *x, const char *spec)
{
	x->text = strdup(spec);
	x->d = diags_create();
	x->m = crrc_load_buffer("plan.crr.yaml", x->text, strlen(x->text), x->d);
	ck_assert_ptr_nonnull(x->m);
	crrc_resolve(x->m, x->d);
	x->ds = desired_create(x->m);
	x->a = arena_create();
	x->ids = cfn_logical_ids(x->ds, x->a);
}


struct cfn_weight light(const struct ds_bucket *b)
{
	return (struct cfn_weight){1, 1, 1000};
}

/* Plan with the weights weigh gives each bucket. */
void plan_weighted(struct planned *x, const char *spec, weigh_fn *weigh)
{
	desire(x, spec);
	struct cfn_weight *w = calloc(x->ds->nbuckets + 1, sizeof(*w));
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		w[i] = weigh(&x->ds->buckets[i]);
	cfn_plan_build(x->ds, x->a, x->ids, w, &x->p);
	free(w);
}

void plan(struct planned *x, const char *spec)
{
	plan_weighted(x, spec, light);
}

void plan_unchecked(struct planned *x, const char *spec)
{
	desire_unchecked(x, spec);
	struct cfn_weight *w = calloc(x->ds->nbuckets + 1, sizeof(*w));
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		w[i] = light(&x->ds->buckets[i]);
	cfn_plan_build(x->ds, x->a, x->ids, w, &x->p);
	free(w);
}

size_t bucket_at(const struct planned *x, const char *key)
{
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		if (strcmp(x->ds->buckets[i].key, key) == 0)
			return i;
	ck_abort_msg("no bucket '%s'", key);
	return 0;
}

const char *id_of(const struct planned *x, const char *key)
{
	return x->ids[bucket_at(x, key)];
}

const struct cfn_stack *stack_of(const struct planned *x, const char *key)
{
	return x->p.of_bucket[bucket_at(x, key)];
}

/* The position of stack s's step (bootstrap or not) among the steps. */
size_t step_at(const struct planned *x, const struct cfn_stack *s, bool bootstrap)
{
	for (size_t i = 0; i < x->p.nsteps; i++)
		if (x->p.steps[i].stack == s && x->p.steps[i].bootstrap == bootstrap)
			return i;
	ck_abort_msg("no %sstep for %s", bootstrap ? "bootstrap " : "", s->name);
	return 0;
}

/* The steps as "name" and "+name" (bootstrap), one a line. */
static char *steps_text(const struct planned *x)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < x->p.nsteps; i++)
		buf_printf(&b, "%s%s\n", x->p.steps[i].bootstrap ? "+" : "", x->p.steps[i].stack->name);
	return buf_detach(&b, NULL);
}

void assert_steps(const struct planned *x, const char *want)
{
	char *got = steps_text(x);
	ck_assert_str_eq(got, want);
	free(got);
}

/* What every plan holds: every bucket in exactly one stack, the one
 * of_bucket names, of its place, in the spec's order; stacks indexed and
 * named consistently; one real step per stack and a bootstrap step exactly
 * for bootstrap stacks, before its real one. */
void assert_plan_sound(const struct planned *x)
{
	const struct cfn_plan *p = &x->p;
	size_t seen = 0;
	for (size_t s = 0; s < p->nstacks; s++) {
		const struct cfn_stack *st = &p->stacks[s];
		ck_assert_uint_eq(st->index, s);
		ck_assert_uint_gt(st->nbuckets, 0);
		char want[512];
		snprintf(want, sizeof(want), "%s.template.json", st->name);
		ck_assert_str_eq(st->template, want);
		snprintf(want, sizeof(want), "%s.bootstrap.template.json", st->name);
		ck_assert_str_eq(st->bootstrap_template, want);
		for (size_t k = 0; k < st->nbuckets; k++) {
			const struct ds_bucket *b = st->buckets[k];
			ck_assert_ptr_eq(p->of_bucket[b->index], st);
			ck_assert_ptr_eq(b, &x->ds->buckets[b->index]);
			ck_assert_str_eq(b->place->region, st->region);
			ck_assert_ptr_eq(b->place->account ? b->place->account->id : NULL, st->account_id);
			if (k)
				ck_assert_uint_gt(b->index, st->buckets[k - 1]->index);
		}
		seen += st->nbuckets;
		for (size_t t = 0; t < s; t++)
			ck_assert_str_ne(p->stacks[t].name, st->name);
		size_t real = 0, boot = 0;
		for (size_t i = 0; i < p->nsteps; i++) {
			real += p->steps[i].stack == st && !p->steps[i].bootstrap;
			boot += p->steps[i].stack == st && p->steps[i].bootstrap;
		}
		ck_assert_uint_eq(real, 1);
		ck_assert_uint_eq(boot, st->bootstrap ? 1 : 0);
		if (st->bootstrap)
			ck_assert_uint_lt(step_at(x, st, true), step_at(x, st, false));
	}
	ck_assert_uint_eq(seen, x->ds->nbuckets);
}

/* A source's real step comes after its destinations' first step (their
 * bootstrap when they have one), for every rule across stacks. */
void assert_destinations_first(const struct planned *x)
{
	for (size_t i = 0; i < x->ds->nreplications; i++) {
		const struct ds_replication *r = &x->ds->replications[i];
		const struct cfn_stack *src = x->p.of_bucket[r->source->index];
		for (size_t k = 0; k < r->nrules; k++) {
			const struct cfn_stack *dst = x->p.of_bucket[r->rules[k].dest->index];
			if (dst == src)
				continue;
			size_t first = step_at(x, dst, dst->bootstrap);
			ck_assert_msg(first < step_at(x, src, false), "%s deploys before %s",
				      src->name, dst->name);
		}
	}
}


/* Every id of x differs from every other. */
void assert_ids_distinct(const struct planned *x)
{
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		for (size_t k = 0; k < i; k++)
			ck_assert_str_ne(x->ids[i], x->ids[k]);
}

/* Every name the ids of x make in a template (<id>Bucket, <id>BucketArn...)
 * differs from every other. */
void assert_names_distinct(const struct planned *x)
{
	static const char *const suffixes[] = {CFN_ID_BUCKET, CFN_ID_POLICY, CFN_ID_ROLE,
					       CFN_ID_BUCKET_ARN, CFN_ID_ROLE_ARN};
	struct arena *a = arena_create_sized(4096);
	struct strmap *seen = strmap_create(a, 5 * x->ds->nbuckets);
	for (size_t i = 0; i < x->ds->nbuckets; i++)
		for (size_t k = 0; k < 5; k++) {
			char *name = arena_printf(a, "%s%s", x->ids[i], suffixes[k]);
			ck_assert_msg(strmap_put(seen, name, strlen(name), name, NULL),
				      "%s is made twice", name);
		}
	arena_destroy(a);
}

/* id is stem followed by 8 lowercase hex digits. */
void assert_hashed(const char *id, const char *stem)
{
	size_t n = strlen(stem);
	ck_assert_uint_eq(strlen(id), n + 8);
	ck_assert_msg(strncmp(id, stem, n) == 0, "%s does not start with %s", id, stem);
	for (size_t i = n; i < n + 8; i++)
		ck_assert_msg((id[i] >= '0' && id[i] <= '9') || (id[i] >= 'a' && id[i] <= 'f'),
			      "%s: no hex suffix", id);
}
