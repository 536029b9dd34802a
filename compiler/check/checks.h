/* checks.h: the checks, private to check/. Each reads the resolved model
 * (never writes it), allocates only in the arena it is given, which the
 * table frees after all have run, and adds diagnostics; none is fatal.
 * check.c holds the table; one file per check. */
#ifndef CRRC_CHECKS_H
#define CRRC_CHECKS_H

#include <stdbool.h>

#include "model/model.h"

struct arena;
struct crrc_diags;
struct ptrmap;

/* Each rule once in each context (once.c). An alias repeats a rule node
 * (its position) in many entries; a check whose findings depend only on the
 * rule and its entry's source need not run again for a node seen in the
 * same context, nor format its messages again for the diagnostics to drop
 * as repeats. One slot a rule node. */
struct check_once {
	struct ptrmap *seen; /* rule position -> the context it was last seen in */
};

struct check_once check_once_start(struct arena *a, const struct crrc_model *m);
/* Whether rule, in an entry of r's source (any, when r is NULL), is reached
 * the first time. */
bool check_once(struct check_once *o, const struct crrc_replication *r,
		const struct crrc_rule *rule);

typedef void (*check_fn)(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);

void check_names(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_tags(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_kms(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_rules(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_topology(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_policies(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_role_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_s3_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_points(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_xml_chars(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);

#endif
