/* load_helpers.h: what the loader's tests (test_load_*.c) share: a spec
 * loaded from a string with its diagnostics, assertions on diagnostics
 * (code, line, column) and on model values with their positions, and the
 * runner of a suite. */
#ifndef CRRC_TEST_LOAD_HELPERS_H
#define CRRC_TEST_LOAD_HELPERS_H

#include <check.h>
#include <stdbool.h>
#include <stdint.h>

#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "diag/diag.h"

/* A spec with one bucket, b: more bucket keys may follow (4 spaces). */
#define MINIMAL "crrc: 1\nname: demo\nbuckets:\n  b:\n    region: us-east-1\n"

/* One loaded spec and its diagnostics. */
struct loaded {
	struct crrc_diags *d;
	struct crrc_model *m;
};

struct loaded load_n(const char *text, size_t len);
struct loaded load(const char *text);
void loaded_free(struct loaded *l);
/* The diagnostics, rendered as text on stderr (when a test fails). */
void dump(const struct loaded *l);

/* The only diagnostic has this code and position; returns it. */
const struct crrc_diag *only(const struct loaded *l, enum crrc_code code, uint32_t line,
			     uint32_t col);
/* Some diagnostic has this code and position; returns the first. */
const struct crrc_diag *has(const struct loaded *l, enum crrc_code code, uint32_t line,
			    uint32_t col);
/* No diagnostic, and a model. */
void no_diags(const struct loaded *l);

/* A value is set, equal to want, at line:col (a string's length too). */
void str_at(struct crrc_str s, const char *want, uint32_t line, uint32_t col);
void bool_at(struct crrc_bool b, bool want, uint32_t line, uint32_t col);
void int_at(struct crrc_int i, long long want, uint32_t line, uint32_t col);

#include "check_main.h"

#endif
