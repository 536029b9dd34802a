/* load_helpers.c: what the loader's tests share (load_helpers.h). */
#include "load_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct loaded load_n(const char *text, size_t len)
{
	struct loaded l;
	l.d = diags_create();
	l.m = crrc_load_buffer("spec.crr.yaml", text, len, l.d);
	return l;
}

struct loaded load(const char *text)
{
	return load_n(text, strlen(text));
}

void loaded_free(struct loaded *l)
{
	crrc_model_destroy(l->m);
	diags_destroy(l->d);
}

void dump(const struct loaded *l)
{
	diags_render(l->d, CRRC_DIAG_TEXT, stderr);
}

const struct crrc_diag *only(const struct loaded *l, enum crrc_code code, uint32_t line,
			     uint32_t col)
{
	if (diags_count(l->d) != 1)
		dump(l);
	ck_assert_uint_eq(diags_count(l->d), 1);
	const struct crrc_diag *g = diags_at(l->d, 0);
	ck_assert_str_eq(crrc_code_name(g->code), crrc_code_name(code));
	ck_assert_uint_eq(g->pos.line, line);
	ck_assert_uint_eq(g->pos.col, col);
	return g;
}

const struct crrc_diag *has(const struct loaded *l, enum crrc_code code, uint32_t line,
			    uint32_t col)
{
	for (size_t i = 0; i < diags_count(l->d); i++) {
		const struct crrc_diag *g = diags_at(l->d, i);
		if (g->code == code && g->pos.line == line && g->pos.col == col)
			return g;
	}
	dump(l);
	ck_abort_msg("no %s at %u:%u", crrc_code_name(code), line, col);
	return NULL;
}

void no_diags(const struct loaded *l)
{
	if (diags_count(l->d))
		dump(l);
	ck_assert_uint_eq(diags_count(l->d), 0);
	ck_assert_ptr_nonnull(l->m);
}

void str_at(struct crrc_str s, const char *want, uint32_t line, uint32_t col)
{
	ck_assert_msg(s.set, "'%s' is not set", want);
	ck_assert_str_eq(s.s, want);
	ck_assert_uint_eq(s.len, strlen(want));
	ck_assert_uint_eq(s.pos.line, line);
	ck_assert_uint_eq(s.pos.col, col);
	ck_assert_uint_eq(s.pos.len, strlen(want));
}

void bool_at(struct crrc_bool b, bool want, uint32_t line, uint32_t col)
{
	ck_assert(b.set);
	ck_assert(b.v == want);
	ck_assert_uint_eq(b.pos.line, line);
	ck_assert_uint_eq(b.pos.col, col);
}

void int_at(struct crrc_int i, long long want, uint32_t line, uint32_t col)
{
	ck_assert(i.set);
	ck_assert_int_eq(i.v, want);
	ck_assert_uint_eq(i.pos.line, line);
	ck_assert_uint_eq(i.pos.col, col);
}
