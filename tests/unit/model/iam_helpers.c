/* iam_helpers.c: looking into IAM policy documents, for the tests of
 * iam.c (iam_helpers.h). */
#include "iam_helpers.h"

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"

const char *str_of(json_t *o, const char *key)
{
	const char *v = json_string_value(json_object_get(o, key));
	ck_assert_msg(v != NULL, "no string '%s'", key);
	return v;
}

char *dumps(json_t *v)
{
	char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
	ck_assert_ptr_nonnull(s);
	return s;
}

/* v is want, compactly written. */
void json_is(json_t *v, const char *want)
{
	char *s = dumps(v);
	ck_assert_str_eq(s, want);
	free(s);
}

/* Whether a string of an Action (exact: no '*') or a Resource (not a bare
 * "*") is as crrc writes them. */
static bool action_ok(json_t *v)
{
	return json_is_string(v) && !strchr(json_string_value(v), '*');
}

static bool resource_ok(json_t *v)
{
	return json_is_string(v) && strcmp(json_string_value(v), "*") != 0;
}

/* One string, or a non-empty list of them, each ok. */
static bool strings_ok(json_t *v, bool (*ok)(json_t *))
{
	if (!json_is_array(v))
		return ok(v);
	size_t i;
	json_t *e;
	json_array_foreach(v, i, e) if (!ok(e)) return false;
	return json_array_size(v) > 0;
}

/* The statements of a policy document, checked for what every document of
 * crrc holds: the version, statements that allow, exact actions (no '*'),
 * no bare "*" resource, Sids unique. Linear, and without an assertion per
 * statement (Check's are slow when a document has thousands). */
json_t *statements(json_t *d)
{
	ck_assert_ptr_nonnull(d);
	ck_assert_str_eq(str_of(d, "Version"), "2012-10-17");
	json_t *list = json_object_get(d, "Statement");
	ck_assert(json_is_array(list));
	ck_assert_uint_gt(json_array_size(list), 0);
	json_t *sids = json_object(), *st;
	size_t i;
	json_array_foreach(list, i, st) {
		const char *effect = json_string_value(json_object_get(st, "Effect"));
		json_t *res = json_object_get(st, "Resource");
		const char *sid = json_string_value(json_object_get(st, "Sid"));
		if (!effect || (strcmp(effect, "Allow") != 0 && strcmp(effect, "Deny") != 0) ||
		    !strings_ok(json_object_get(st, "Action"), action_ok) ||
		    (res && !strings_ok(res, resource_ok)) ||
		    (sid && json_object_get(sids, sid))) {
			char *all = json_dumps(st, JSON_COMPACT);
			ck_abort_msg("statement %zu is wrong: %s", i, all);
		}
		if (sid)
			json_object_set_new(sids, sid, json_true());
	}
	json_decref(sids);
	return list;
}

/* The statement with this Sid. */
json_t *stmt(json_t *d, const char *sid)
{
	json_t *list = statements(d), *st;
	size_t i;
	json_array_foreach(list, i, st) {
		json_t *s = json_object_get(st, "Sid");
		if (s && strcmp(json_string_value(s), sid) == 0)
			return st;
	}
	char *all = dumps(d);
	ck_abort_msg("no statement '%s' in %s", sid, all);
	return NULL;
}

/* The Sids of the document, in order, joined by spaces. */
void sids_are(json_t *d, const char *want)
{
	json_t *list = statements(d), *st;
	size_t i;
	struct buf b = BUF_INIT;
	json_array_foreach(list, i, st) buf_printf(&b, "%s%s", i ? " " : "", str_of(st, "Sid"));
	size_t len;
	char *got = buf_detach(&b, &len);
	ck_assert_str_eq(got ? got : "", want);
	free(got);
}

/* v is the one string want[0] (n == 1) or the list want[0..n). */
void strings_are(json_t *v, const char *const *want, size_t n)
{
	if (n == 1) {
		ck_assert_msg(json_is_string(v), "not one string");
		ck_assert_str_eq(json_string_value(v), want[0]);
		return;
	}
	ck_assert_uint_eq(json_array_size(v), n);
	for (size_t i = 0; i < n; i++)
		ck_assert_str_eq(json_string_value(json_array_get(v, i)), want[i]);
}

/* Whether any statement's action is (or lists) this one. */
bool has_action(json_t *d, const char *action)
{
	char *s = dumps(d);
	char quoted[128];
	snprintf(quoted, sizeof(quoted), "\"%s\"", action);
	bool found = strstr(s, quoted) != NULL;
	free(s);
	return found;
}

/* The role a bucket policy's statement admits (its aws:PrincipalArn). */
const char *principal_arn(json_t *st)
{
	return str_of(json_object_get(json_object_get(st, "Condition"), "ArnEquals"),
		      "aws:PrincipalArn");
}
