/* model_helpers.c: what the model's tests share (model_helpers.h). */
#include "model_helpers.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "load/load.h"
#include "model/resolve.h"

void spec_load(struct spec *s, const char *text, bool checks)
{
	size_t len = strlen(text);
	s->text = malloc(len + 1);
	ck_assert_ptr_nonnull(s->text);
	memcpy(s->text, text, len + 1);
	s->d = diags_create();
	s->m = crrc_load_buffer("test.crr.yaml", s->text, len, s->d);
	ck_assert_msg(s->m != NULL, "the spec did not load:%s", spec_diags(s));
	crrc_resolve(s->m, s->d);
	if (checks)
		crrc_check(s->m, s->d);
	s->ds = desired_create(s->m);
	ck_assert_ptr_nonnull(s->ds);
}

void spec_free(struct spec *s)
{
	desired_destroy(s->ds);
	crrc_model_destroy(s->m);
	diags_destroy(s->d);
	free(s->text);
	memset(s, 0, sizeof(*s));
}

const char *spec_diags(const struct spec *s)
{
	static char out[8192];
	size_t at = 0;
	out[0] = '\0';
	for (size_t i = 0; s->d && i < diags_count(s->d) && at < sizeof(out) - 1; i++) {
		const struct crrc_diag *g = diags_at(s->d, i);
		int n = snprintf(out + at, sizeof(out) - at, "\n  %s %u:%u %s",
				 crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
		if (n < 0)
			break;
		at += (size_t)n;
	}
	return out;
}

void spec_no_errors(const struct spec *s)
{
	ck_assert_msg(diags_errors(s->d) == 0, "unexpected errors:%s", spec_diags(s));
}

bool spec_has(const struct spec *s, enum crrc_code code)
{
	for (size_t i = 0; i < diags_count(s->d); i++)
		if (diags_at(s->d, i)->code == code)
			return true;
	return false;
}

const struct ds_bucket *ds_bucket_of(const struct crrc_desired *ds, const char *key)
{
	for (size_t i = 0; i < ds->nbuckets; i++)
		if (ds->buckets[i].key && strcmp(ds->buckets[i].key, key) == 0)
			return &ds->buckets[i];
	ck_abort_msg("no desired bucket '%s'", key);
	return NULL;
}

const struct ds_replication *ds_replication_of(const struct crrc_desired *ds, const char *key)
{
	for (size_t i = 0; i < ds->nreplications; i++)
		if (strcmp(ds->replications[i].source->key, key) == 0)
			return &ds->replications[i];
	return NULL;
}

const struct ds_rule *ds_rule_of(const struct ds_replication *r, const char *id)
{
	ck_assert_ptr_nonnull(r);
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].id->s && strcmp(r->rules[i].id->s, id) == 0)
			return &r->rules[i];
	ck_abort_msg("no rule '%s'", id);
	return NULL;
}
