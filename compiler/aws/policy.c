/* policy.c: IAM policy documents compared canonically (policy.h). Each
 * document is rewritten into a canonical form (sets as sorted arrays
 * without repeats, principals as objects, statements sorted by their
 * canonical text) and the two forms compared with json_equal. */
#include "aws/policy.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/util.h"

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* A scalar as text: strings as they are, numbers and booleans as JSON
 * writes them; NULL for anything else. */
static char *scalar_text(json_t *v)
{
	if (json_is_string(v))
		return strdup(json_string_value(v));
	if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v))
		return json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	return NULL;
}

/* An AWS principal: an account ID for its root ARN. */
static char *aws_principal(char *s)
{
	const char *p = strncmp(s, "arn:", 4) == 0 ? strchr(s + 4, ':') : NULL;
	if (p && strncmp(p, ":iam::", 6) == 0 && str_is_digits(p + 6, strlen(p + 6) - 5, 12) &&
	    strcmp(p + 18, ":root") == 0) {
		memmove(s, p + 6, 12);
		s[12] = '\0';
	}
	return s;
}

/* v (a string, a scalar or an array of them) as a sorted array of unique
 * strings; v itself (a new reference) when it is anything else. */
static json_t *as_set(json_t *v, bool principal)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	char **s = xcalloc(n + 1, sizeof(*s));
	size_t k = 0;
	for (size_t i = 0; i < n; i++) {
		char *t = scalar_text(json_is_array(v) ? json_array_get(v, i) : v);
		if (!t) {
			for (size_t j = 0; j < k; j++)
				free(s[j]);
			free(s);
			return json_incref(v);
		}
		s[k++] = principal ? aws_principal(t) : t;
	}
	qsort(s, k, sizeof(*s), str_cmp);
	json_t *out = json_array();
	for (size_t i = 0; i < k; i++)
		if (!i || strcmp(s[i], s[i - 1]) != 0)
			json_array_append_new(out, json_string(s[i]));
	for (size_t i = 0; i < k; i++)
		free(s[i]);
	free(s);
	return out;
}

/* Principal: "*" as {"AWS": ["*"]}; each value a set. */
static json_t *canon_principal(json_t *v)
{
	if (json_is_string(v) && strcmp(json_string_value(v), "*") == 0) {
		json_t *o = json_object();
		json_object_set_new(o, "AWS", json_pack("[s]", "*"));
		return o;
	}
	if (!json_is_object(v))
		return json_incref(v);
	json_t *o = json_object();
	const char *k;
	json_t *x;
	json_object_foreach(v, k, x)
		json_object_set_new(o, k, as_set(x, strcmp(k, "AWS") == 0));
	return o;
}

/* Condition: {operator: {key: set}}. */
static json_t *canon_condition(json_t *v)
{
	if (!json_is_object(v))
		return json_incref(v);
	json_t *o = json_object();
	const char *op, *k;
	json_t *keys, *x;
	json_object_foreach(v, op, keys) {
		if (!json_is_object(keys)) {
			json_object_set(o, op, keys);
			continue;
		}
		json_t *ko = json_object();
		json_object_foreach(keys, k, x)
			json_object_set_new(ko, k, as_set(x, false));
		json_object_set_new(o, op, ko);
	}
	return o;
}

static bool is_set_key(const char *k)
{
	return strcmp(k, "Action") == 0 || strcmp(k, "NotAction") == 0 ||
	       strcmp(k, "Resource") == 0 || strcmp(k, "NotResource") == 0;
}

static json_t *canon_statement(json_t *st)
{
	if (!json_is_object(st))
		return json_incref(st);
	json_t *o = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(st, k, v) {
		json_t *c = is_set_key(k)					? as_set(v, false)
			    : strcmp(k, "Principal") == 0 || strcmp(k, "NotPrincipal") == 0
				    ? canon_principal(v)
			    : strcmp(k, "Condition") == 0 ? canon_condition(v)
							  : json_incref(v);
		json_object_set_new(o, k, c);
	}
	return o;
}

struct keyed {
	char *text;
	json_t *v;
};

static int keyed_cmp(const void *a, const void *b)
{
	return strcmp(((const struct keyed *)a)->text, ((const struct keyed *)b)->text);
}

/* The statements, canonical, sorted by their canonical text. */
static json_t *canon_statements(json_t *v)
{
	size_t n = json_is_array(v) ? json_array_size(v) : 1;
	struct keyed *s = xcalloc(n + 1, sizeof(*s));
	for (size_t i = 0; i < n; i++) {
		s[i].v = canon_statement(json_is_array(v) ? json_array_get(v, i) : v);
		s[i].text = json_dumps(s[i].v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
		if (!s[i].text)
			oom_abort();
	}
	qsort(s, n, sizeof(*s), keyed_cmp);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_array_append_new(out, s[i].v);
		free(s[i].text);
	}
	free(s);
	return out;
}

static json_t *canon_policy(json_t *p)
{
	if (!json_is_object(p))
		return json_incref(p);
	json_t *o = json_object();
	const char *k;
	json_t *v;
	json_object_foreach(p, k, v)
		json_object_set_new(o, k, strcmp(k, "Statement") == 0 ? canon_statements(v)
								     : json_incref(v));
	return o;
}

bool aws_policy_equal(json_t *a, json_t *b)
{
	if (!a || !b)
		return a == b;
	json_t *ca = canon_policy(a), *cb = canon_policy(b);
	bool eq = json_equal(ca, cb);
	json_decref(ca);
	json_decref(cb);
	return eq;
}

/* The statements of a policy as an array (a lone object: itself). */
static json_t *statements(json_t *p)
{
	json_t *s = json_is_object(p) ? json_object_get(p, "Statement") : NULL;
	if (json_is_object(s))
		return json_pack("[O]", s);
	return json_is_array(s) ? json_incref(s) : json_array();
}

static const char *sid_of(json_t *st)
{
	const char *s = json_string_value(json_object_get(st, "Sid"));
	return s ? s : "";
}

/* The actions of st: Action's, then NotAction's prefixed "!", sorted. */
static json_t *actions_of(json_t *st)
{
	json_t *a = as_set(json_object_get(st, "Action"), false);
	json_t *na = as_set(json_object_get(st, "NotAction"), false);
	json_t *out = json_array();
	size_t i;
	json_t *v;
	json_array_foreach(a, i, v)
		json_array_append(out, v);
	json_array_foreach(na, i, v) {
		char *t = xmalloc(strlen(json_string_value(v)) + 2);
		sprintf(t, "!%s", json_string_value(v));
		json_array_append_new(out, json_string(t));
		free(t);
	}
	json_decref(a);
	json_decref(na);
	return out;
}

/* each of the actions of a missing from sorted b (b NULL: none); the count. */
static size_t missing(json_t *a, json_t *b, const char *sid, bool added,
		      void (*each)(const char *, const char *, bool, void *), void *ud)
{
	size_t n = 0, j = 0, nb = b ? json_array_size(b) : 0;
	for (size_t i = 0; i < json_array_size(a); i++) {
		const char *s = json_string_value(json_array_get(a, i));
		while (j < nb && strcmp(json_string_value(json_array_get(b, j)), s) < 0)
			j++;
		if (j < nb && strcmp(json_string_value(json_array_get(b, j)), s) == 0)
			continue;
		n++;
		if (each)
			each(sid, s, added, ud);
	}
	return n;
}

/* have's statement indices by Sid: {sid: [i, ...]}. */
static json_t *index_by_sid(json_t *have)
{
	json_t *idx = json_object();
	size_t i;
	json_t *st;
	json_array_foreach(have, i, st) {
		json_t *list = json_object_get(idx, sid_of(st));
		if (!list)
			json_object_set_new(idx, sid_of(st), list = json_array());
		json_array_append_new(list, json_integer((json_int_t)i));
	}
	return idx;
}

size_t aws_policy_actions_diff(json_t *want, json_t *have,
			       void (*each)(const char *sid, const char *action, bool added,
					    void *ud),
			       void *ud)
{
	json_t *ws = statements(want), *hs = statements(have), *idx = index_by_sid(hs);
	bool *used = xcalloc(json_array_size(hs) + 1, sizeof(*used));
	size_t n = 0, i;
	json_t *st;
	json_array_foreach(ws, i, st) {
		json_t *list = json_object_get(idx, sid_of(st)), *hst = NULL;
		if (json_array_size(list)) {
			size_t h = (size_t)json_integer_value(json_array_get(list, 0));
			json_array_remove(list, 0);
			used[h] = true;
			hst = json_array_get(hs, h);
		}
		json_t *wa = actions_of(st), *ha = hst ? actions_of(hst) : NULL;
		n += missing(wa, ha, sid_of(st), true, each, ud);
		if (ha)
			n += missing(ha, wa, sid_of(st), false, each, ud);
		json_decref(wa);
		json_decref(ha);
	}
	json_array_foreach(hs, i, st) {
		if (used[i])
			continue;
		json_t *ha = actions_of(st);
		n += missing(ha, NULL, sid_of(st), false, each, ud);
		json_decref(ha);
	}
	free(used);
	json_decref(idx);
	json_decref(ws);
	json_decref(hs);
	return n;
}
