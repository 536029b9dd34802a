/* resolve.h: resolution, the stage between loading and checking. It fills
 * the resolved fields of the model (defaults, references, names, ARNs) and
 * reports what it cannot resolve; after it the model is read-only. */
#ifndef CRRC_RESOLVE_H
#define CRRC_RESOLVE_H

struct crrc_diags;
struct crrc_model;

void crrc_resolve(struct crrc_model *m, struct crrc_diags *d);

#endif
