/* test_names.c: S3 bucket names. What is said of a default name
 * ("<name>-<key>") is said at the bucket's key, which it is made of, not
 * inside the bucket's mapping; an existing bucket in us-east-1 may keep a
 * legacy name (W008), which S3 allowed there before March 2018. */
#include <check.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "check_main.h"

static struct crrc_model *model;
static struct crrc_diags *diags;

static void teardown(void)
{
	crrc_model_destroy(model);
	diags_destroy(diags);
	model = NULL;
	diags = NULL;
}

static void load(const char *text)
{
	teardown();
	diags = diags_create();
	model = crrc_load_buffer("test.crr.yaml", text, strlen(text), diags);
	ck_assert_ptr_nonnull(model);
	crrc_resolve(model, diags);
	crrc_check(model, diags);
}

/* The only diagnostic is code at line:col; it is returned. */
static const struct crrc_diag *only(enum crrc_code code, unsigned line, unsigned col)
{
	ck_assert_msg(diags_count(diags) == 1, "%zu diagnostics, the first %s",
		      diags_count(diags), diags_count(diags) ? diags_at(diags, 0)->msg : "");
	const struct crrc_diag *g = diags_at(diags, 0);
	ck_assert_msg(g->code == code && g->pos.line == line && g->pos.col == col,
		      "%s at %u:%u: %s", crrc_code_name(g->code), g->pos.line, g->pos.col, g->msg);
	return g;
}

#define LONG_KEY "a-very-long-bucket-key-that-makes-the-default-name-too-long"

START_TEST(test_default_name_at_key)
{
	/* block style: the key's line, not the line of region inside */
	load("crrc: 1\nname: demo\nbuckets:\n  " LONG_KEY ":\n    region: us-east-1\n");
	const struct crrc_diag *g = only(CRRC_E032, 4, 3);
	ck_assert_msg(strstr(g->msg, "'demo-" LONG_KEY "'"), "%s", g->msg);
	/* flow style, a quoted key, a key after another bucket */
	load("crrc: 1\nname: demo\nbuckets: {b: {region: us-east-1}, '" LONG_KEY "': "
	     "{region: us-east-1}}\n");
	only(CRRC_E032, 3, 35);
	/* a bucket merged into the section: its key where it is written */
	load("crrc: 1\nname: demo\nx-more: &more\n  " LONG_KEY ": {region: us-east-1}\n"
	     "buckets:\n  b: {region: us-east-1}\n  <<: *more\n");
	only(CRRC_E032, 4, 3);
}
END_TEST

START_TEST(test_default_name_duplicate_at_key)
{
	/* a given name equal to an earlier default one: the note at the key */
	load("crrc: 1\nname: demo\nbuckets:\n  a-b:\n    region: us-east-1\n"
	     "  c:\n    region: us-west-2\n    name: demo-a-b\n");
	const struct crrc_diag *g = only(CRRC_E033, 8, 11);
	ck_assert_uint_eq(g->notes[0].pos.line, 4);
	ck_assert_uint_eq(g->notes[0].pos.col, 3);
	/* the other way round: the error at the later bucket's key */
	load("crrc: 1\nname: demo\nbuckets:\n  c:\n    region: us-west-2\n    name: demo-a-b\n"
	     "  a-b:\n    region: us-east-1\n");
	g = only(CRRC_E033, 7, 3);
	ck_assert_uint_eq(g->notes[0].pos.line, 6);
}
END_TEST

/* --- legacy names ------------------------------------------------------------ */

/* A spec of one bucket named name (quoted) in region, existing or not. */
static void load_named(const char *name, const char *region, bool existing)
{
	char text[1024];
	snprintf(text, sizeof(text),
		 "crrc: 1\nname: demo\nbuckets:\n  old:\n    name: \"%s\"\n    region: %s\n%s",
		 name, region, existing ? "    existing: true\n" : "");
	load(text);
}

static const char *const legacy_names[] = {
	"Media_Archive_2016", "UPPER", "under_score", "My.Bucket", "-starts-with-hyphen",
	"two..dots", "x" /* placeholder: 200 characters, set below */,
};

START_TEST(test_legacy_name_existing)
{
	/* an existing bucket in us-east-1 keeps its legacy name: a warning */
	char long_name[201];
	memset(long_name, 'a', 200);
	long_name[200] = '\0';
	const char *name = _i == 6 ? long_name : legacy_names[_i];
	load_named(name, "us-east-1", true);
	const struct crrc_diag *g = only(CRRC_W008, 5, 11);
	ck_assert_msg(strstr(g->msg, "before March 1, 2018"), "%s", g->msg);
	ck_assert_int_eq(crrc_code_severity(g->code), CRRC_WARNING);
}
END_TEST

START_TEST(test_legacy_name_refused)
{
	/* a bucket crrc would create, or one outside us-east-1: an error that
	 * says why the legacy name is not kept */
	load_named("Media_Archive_2016", "us-east-1", false);
	const struct crrc_diag *g = only(CRRC_E032, 5, 11);
	ck_assert_msg(strstr(g->msg, "existing: true"), "%s", g->msg);
	load_named("Media_Archive_2016", "us-west-2", true);
	g = only(CRRC_E032, 5, 11);
	ck_assert_msg(strstr(g->msg, "only in us-east-1"), "%s", g->msg);
	/* never valid, even then: other characters, too short, too long */
	load_named("media archive", "us-east-1", true);
	g = only(CRRC_E032, 5, 11);
	ck_assert_msg(!strstr(g->msg, "March"), "%s", g->msg);
	load_named("Ab", "us-east-1", true);
	only(CRRC_E032, 5, 11);
	char long_name[257];
	memset(long_name, 'a', 256);
	long_name[256] = '\0';
	load_named(long_name, "us-east-1", true);
	g = only(CRRC_E032, 5, 11);
	ck_assert_msg(strstr(g->msg, "256 characters"), "%s", g->msg);
}
END_TEST

START_TEST(test_legacy_name_default_and_duplicate)
{
	/* a default name that grew past 63 characters, of an existing bucket */
	load("crrc: 1\nname: demo\nbuckets:\n  " LONG_KEY ":\n    region: us-east-1\n"
	     "    existing: true\n");
	only(CRRC_W008, 4, 3);
	/* legacy names are unique too */
	load("crrc: 1\nname: demo\nbuckets:\n"
	     "  a: {name: Old_Bucket, region: us-east-1, existing: true}\n"
	     "  b: {name: Old_Bucket, region: us-east-1, existing: true}\n");
	size_t w008 = 0, e033 = 0;
	for (size_t i = 0; i < diags_count(diags); i++) {
		w008 += diags_at(diags, i)->code == CRRC_W008;
		e033 += diags_at(diags, i)->code == CRRC_E033;
	}
	ck_assert_uint_eq(diags_count(diags), 3);
	ck_assert_uint_eq(w008, 2); /* each bucket's name */
	ck_assert_uint_eq(e033, 1);
}
END_TEST

static Suite *names_suite(void)
{
	Suite *s = suite_create("names");
	TCase *t = tcase_create("default-names");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_default_name_at_key);
	tcase_add_test(t, test_default_name_duplicate_at_key);
	suite_add_tcase(s, t);
	t = tcase_create("legacy-names");
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_loop_test(t, test_legacy_name_existing, 0,
			    sizeof(legacy_names) / sizeof(legacy_names[0]));
	tcase_add_test(t, test_legacy_name_refused);
	tcase_add_test(t, test_legacy_name_default_and_duplicate);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(names_suite());
}
