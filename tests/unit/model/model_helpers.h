/* model_helpers.h: what the model's tests (test_desired.c, test_iam.c)
 * share: a spec loaded from a string, resolved and checked, with its
 * diagnostics and its desired state, and lookups of desired elements by
 * bucket key. */
#ifndef CRRC_TEST_MODEL_HELPERS_H
#define CRRC_TEST_MODEL_HELPERS_H

#include <check.h>
#include <stdbool.h>
#include <stddef.h>

#include "diag/diag.h"
#include "model/desired.h"
#include "model/model.h"

/* One spec through load, resolve and check, and its desired state. */
struct spec {
	char *text;
	struct crrc_diags *d;
	struct crrc_model *m;
	struct crrc_desired *ds;
};

/* Load text (kept for the spec's life), resolve, check (unless checks is
 * false) and build the desired state. Fails the test when nothing loads. */
void spec_load(struct spec *s, const char *text, bool checks);
void spec_free(struct spec *s);
/* Every diagnostic as "\n  CODE line:col message", for failure messages;
 * valid until the next call. */
const char *spec_diags(const struct spec *s);
/* The spec has no error (warnings are fine). */
void spec_no_errors(const struct spec *s);
/* Whether some diagnostic has this code. */
bool spec_has(const struct spec *s, enum crrc_code code);

/* The desired bucket of a bucket key; fails the test when there is none. */
const struct ds_bucket *ds_bucket_of(const struct crrc_desired *ds, const char *key);
/* The replication whose source has this key; NULL when there is none. */
const struct ds_replication *ds_replication_of(const struct crrc_desired *ds, const char *key);
/* The rule of r with this id; fails the test when there is none. */
const struct ds_rule *ds_rule_of(const struct ds_replication *r, const char *id);

#include "check_main.h"

#endif
