/* check_helpers.c: a spec through load, resolve and check, and assertions
 * on its diagnostics, for the checks' topic tests. */
#include "check_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "load/load.h"
#include "model/resolve.h"

struct crrc_model *model;
struct crrc_diags *diags;
static char dump[16384];

void spec_teardown(void)
{
	crrc_model_destroy(model);
	diags_destroy(diags);
	model = NULL;
	diags = NULL;
}

const char *diags_dump(void)
{
	size_t at = 0;
	dump[0] = '\0';
	for (size_t i = 0; diags && i < diags_count(diags) && at < sizeof(dump) - 1; i++) {
		const struct crrc_diag *g = diags_at(diags, i);
		int n = snprintf(dump + at, sizeof(dump) - at, "\n  %s %u:%u %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return dump;
}

void spec_check(const char *yaml)
{
	diags = diags_create();
	model = crrc_load_buffer("test.crr.yaml", yaml, strlen(yaml), diags);
	ck_assert_msg(model != NULL, "the spec did not load:%s", diags_dump());
	crrc_resolve(model, diags);
	crrc_check(model, diags);
}

const struct crrc_diag *expect_only(enum crrc_code code, unsigned line, unsigned col)
{
	ck_assert_msg(diags_count(diags) == 1, "expected only %s at %u:%u, got:%s",
		      crrc_code_name(code), line, col, diags_dump());
	const struct crrc_diag *g = diags_at(diags, 0);
	ck_assert_msg(g->code == code && g->pos.line == line && g->pos.col == col,
		      "expected %s at %u:%u, got:%s", crrc_code_name(code), line, col,
		      diags_dump());
	return g;
}

void expect_clean(void)
{
	ck_assert_msg(diags_count(diags) == 0, "expected no diagnostic, got:%s", diags_dump());
}

size_t count(enum crrc_code code)
{
	size_t n = 0;
	for (size_t i = 0; i < diags_count(diags); i++)
		n += diags_at(diags, i)->code == code;
	return n;
}

const struct crrc_diag *find(enum crrc_code code)
{
	for (size_t i = 0; i < diags_count(diags); i++)
		if (diags_at(diags, i)->code == code)
			return diags_at(diags, i);
	return NULL;
}
