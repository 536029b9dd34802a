/* check.h: the checks, the stage after resolution: every check runs over
 * the resolved, read-only model and adds diagnostics; none is fatal. */
#ifndef CRRC_CHECK_H
#define CRRC_CHECK_H

struct crrc_diags;
struct crrc_model;

/* Run every check in the table; a partial model (after load errors) is
 * fine. */
void crrc_check(const struct crrc_model *m, struct crrc_diags *d);

#endif
