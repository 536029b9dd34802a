/* cfn_helpers.h: what the tests of the CloudFormation plan share
 * (test_cfn_plan.c, test_cfn_names.c): a spec loaded from text, resolved,
 * checked and planned with weights of the test's choosing, lookups by
 * bucket key, and the properties every plan and every set of ids holds. */
#ifndef CRRC_TEST_CFN_HELPERS_H
#define CRRC_TEST_CFN_HELPERS_H

#include <stdbool.h>
#include <stddef.h>

#include "emit/cloudformation/cfn.h"
#include "model/desired.h"

#define HEAD "crrc: 1\nname: demo\n"

/* One planned spec: what it was made from and its plan. */
struct planned {
	char *text;
	struct crrc_diags *d;
	struct crrc_model *m;
	struct crrc_desired *ds;
	struct arena *a;
	const char **ids;
	struct cfn_plan p;
};

void planned_free(struct planned *x);
/* Load, resolve and check spec (no error allowed), make its desired state
 * and logical ids. */
void desire(struct planned *x, const char *spec);
/* The same for a spec with errors, such as regions AWS does not have. */
void desire_unchecked(struct planned *x, const char *spec);

typedef struct cfn_weight weigh_fn(const struct ds_bucket *b);
/* A bucket's weight in most tests: one resource, one output, 1,000 bytes. */
struct cfn_weight light(const struct ds_bucket *b);
/* Plan with the weights weigh gives each bucket. */
void plan_weighted(struct planned *x, const char *spec, weigh_fn *weigh);
/* Plan, light. */
void plan(struct planned *x, const char *spec);
void plan_unchecked(struct planned *x, const char *spec);

size_t bucket_at(const struct planned *x, const char *key);
const char *id_of(const struct planned *x, const char *key);
const struct cfn_stack *stack_of(const struct planned *x, const char *key);
/* The position of stack s's step (bootstrap or not) among the steps. */
size_t step_at(const struct planned *x, const struct cfn_stack *s, bool bootstrap);
/* The steps, as "name" and "+name" (bootstrap) one a line, are want. */
void assert_steps(const struct planned *x, const char *want);
/* What every plan holds (see cfn_helpers.c). */
void assert_plan_sound(const struct planned *x);
/* A source's real step comes after its destinations' first step. */
void assert_destinations_first(const struct planned *x);
/* Every id of x differs from every other. */
void assert_ids_distinct(const struct planned *x);
/* Every name the ids of x make in a template differs from every other. */
void assert_names_distinct(const struct planned *x);
/* id is stem followed by 8 lowercase hex digits. */
void assert_hashed(const char *id, const char *stem);

#include "check_main.h"

#endif
