/* check_helpers.h: what the checks' topic tests (test_chain.c,
 * test_xml_chars.c, test_iam_tags.c, test_doc_size.c) share: a spec loaded
 * from a string, resolved and checked, and assertions on its diagnostics
 * (code, line, column, and no other). test_checks.c predates them and keeps
 * its own. */
#ifndef CRRC_TEST_CHECK_HELPERS_H
#define CRRC_TEST_CHECK_HELPERS_H

#include <check.h>
#include <stddef.h>

#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"

/* The spec and its diagnostics of the running test (freed by
 * spec_teardown, the fixture). */
extern struct crrc_model *model;
extern struct crrc_diags *diags;

/* Load a whole spec, resolve and check it. */
void spec_check(const char *yaml);
void spec_teardown(void);
/* Every diagnostic, for failure messages; valid until the next call. */
const char *diags_dump(void);
/* Exactly one diagnostic: code at line:col. */
const struct crrc_diag *expect_only(enum crrc_code code, unsigned line, unsigned col);
void expect_clean(void);
size_t count(enum crrc_code code);
/* The first diagnostic with this code, or NULL. */
const struct crrc_diag *find(enum crrc_code code);

#include "check_main.h"

#endif
