/* checks.h: the checks, private to check/. Each reads the resolved model
 * (never writes it), allocates only in the arena it is given, which the
 * table frees after all have run, and adds diagnostics; none is fatal.
 * check.c holds the table; one file per check. */
#ifndef CRRC_CHECKS_H
#define CRRC_CHECKS_H

#include "model/model.h"

struct arena;
struct crrc_diags;

typedef void (*check_fn)(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);

void check_names(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_tags(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_kms(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_rules(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_topology(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_policies(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_role_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_s3_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);
void check_xml_chars(const struct crrc_model *m, struct arena *a, struct crrc_diags *d);

#endif
