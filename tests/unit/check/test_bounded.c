/* test_bounded.c: the checks that were made to do their work once per
 * distinct value (issue 11), against plain definitions. Shadowed rules
 * (W005) and residency (E070) on generated specs, against quadratic
 * searches over the resolved model; the role policy's size (E073) against
 * the policy itself, around IAM's limit; and rules that aliases repeat in
 * several entries, reported as often as before. */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "check/check.h"
#include "diag/diag.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/iam.h"
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

static unsigned rnd_state;

static unsigned rnd(unsigned n)
{
	rnd_state = rnd_state * 1103515245u + 12345u;
	return (rnd_state >> 16) % n;
}

static bool str_eq(const struct crrc_str *a, const struct crrc_str *b)
{
	return crrc_textlen(a) == crrc_textlen(b) &&
	       memcmp(crrc_text(a), crrc_text(b), crrc_textlen(a)) == 0;
}

static bool is_prefix(const struct crrc_str *p, const struct crrc_str *s)
{
	return crrc_textlen(p) <= crrc_textlen(s) &&
	       memcmp(crrc_text(p), crrc_text(s), crrc_textlen(p)) == 0;
}

/* --- shadowed rules --------------------------------------------------------- */

static const char *const prefixes[] = {"", "a", "a/", "a/b", "a/b/", "ab", "b/", "a/c"};
static const char *const tagsets[] = {"", "{k1: v1}", "{k1: v2}", "{k1: v1, k2: v2}", "{k2: v2}"};

/* A spec of up to three entries, the last one maybe sharing the first's
 * rules through an alias, into up to three destinations. */
static char *shadow_spec(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: t\nbuckets:\n");
	for (int i = 0; i < 3; i++)
		buf_printf(&b, "  s%d: {region: us-east-1}\n  d%d: {region: us-west-2}\n", i, i);
	buf_puts(&b, "replication:\n");
	int entries = 1 + (int)rnd(3), given = (int)rnd(2);
	for (int e = 0; e < entries; e++) {
		if (e == entries - 1 && e > 0 && rnd(2)) {
			buf_printf(&b, "  - {source: s%d, rules: *r0}\n", e);
			continue;
		}
		buf_printf(&b, "  - source: s%d\n    rules: &r%d\n", e, e);
		int n = 2 + (int)rnd(10);
		for (int i = 0; i < n; i++) {
			const char *tags = tagsets[rnd(5)];
			buf_printf(&b, "      - {id: e%dr%d, destination: d%u, filter: {prefix: '%s'%s%s}%s",
				   e, i, rnd(2), prefixes[rnd(8)], *tags ? ", tags: " : "", tags,
				   rnd(6) ? "" : ", enabled: false");
			if (given)
				buf_printf(&b, ", priority: %u", rnd(20));
			buf_puts(&b, "}\n");
		}
	}
	size_t len;
	return buf_detach(&b, &len);
}

static bool tags_subset(const struct crrc_tags *a, const struct crrc_tags *b)
{
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = str_eq(&a->v[i].key, &b->v[j].key) &&
				str_eq(&a->v[i].value, &b->v[j].value);
		if (!found)
			return false;
	}
	return true;
}

/* The rule that shadows x in r, as the check defines it: the one with the
 * shortest prefix, then the highest priority, then the first in memory. */
static const struct crrc_rule *shadow_of(const struct crrc_replication *r,
					 const struct crrc_rule *x)
{
	const struct crrc_rule *by = NULL;
	size_t mates = 0;
	for (size_t j = 0; j < r->nrules; j++) {
		const struct crrc_rule *s = &r->rules[j];
		if (!s->enabled.v || s->dest != x->dest)
			continue;
		mates++;
		if (s->priority.v <= x->priority.v || s->filter.tags.n > 10 ||
		    !tags_subset(&s->filter.tags, &x->filter.tags) ||
		    !is_prefix(&s->filter.prefix, &x->filter.prefix))
			continue;
		if (!by || crrc_textlen(&s->filter.prefix) < crrc_textlen(&by->filter.prefix) ||
		    (crrc_textlen(&s->filter.prefix) == crrc_textlen(&by->filter.prefix) &&
		     (s->priority.v > by->priority.v ||
		      (s->priority.v == by->priority.v && s < by))))
			by = s;
	}
	return mates > 1 ? by : NULL;
}

/* Whether a W005 at x's position names by. */
static bool reported(const struct crrc_rule *x, const struct crrc_rule *by)
{
	char want[64];
	snprintf(want, sizeof(want), "rule '%s' has a higher", by->id.s);
	for (size_t i = 0; i < diags_count(diags); i++) {
		const struct crrc_diag *g = diags_at(diags, i);
		if (g->code == CRRC_W005 && g->pos.line == x->pos.line && g->pos.col == x->pos.col &&
		    strstr(g->msg, want))
			return true;
	}
	return false;
}

/* Whether x is the first of the rules before it at its position (an alias
 * of a list repeats its rules, reported once). */
static bool first_at(const struct crrc_rule *x)
{
	for (size_t i = 0; i < model->nreplications; i++)
		for (size_t j = 0; j < model->replications[i].nrules; j++) {
			const struct crrc_rule *y = &model->replications[i].rules[j];
			if (y->pos.line == x->pos.line && y->pos.col == x->pos.col)
				return y == x;
		}
	return true;
}

START_TEST(test_shadowed_as_defined)
{
	rnd_state = 7;
	for (int round = 0; round < 400; round++) {
		char *text = shadow_spec();
		load(text);
		size_t want = 0;
		for (size_t i = 0; i < model->nreplications; i++) {
			const struct crrc_replication *r = &model->replications[i];
			bool whole = true;
			for (size_t j = 0; j + 1 < r->nrules; j++)
				whole = whole && r->rules[j].priority.set == r->rules[j + 1].priority.set;
			for (size_t j = 0; whole && j < r->nrules; j++) {
				const struct crrc_rule *x = &r->rules[j], *by;
				if (!x->enabled.v || x->filter.tags.n > 10 || !(by = shadow_of(r, x)))
					continue;
				want += first_at(x);
				ck_assert_msg(reported(x, by), "rule %s: no W005 naming %s in\n%s",
					      x->id.s, by->id.s, text);
			}
		}
		size_t got = 0;
		for (size_t i = 0; i < diags_count(diags); i++)
			got += diags_at(diags, i)->code == CRRC_W005;
		/* an aliased list reports its rules once */
		ck_assert_msg(got == want, "%zu W005, %zu expected in\n%s", got, want, text);
		free(text);
	}
}
END_TEST

/* --- residency ---------------------------------------------------------- */

static const char *const regions[] = {"eu-west-1", "eu-central-1", "us-west-2"};

static char *residency_spec(void)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: t\nbuckets:\n  s: {region: us-east-1}\n");
	for (int i = 0; i < 3; i++)
		buf_printf(&b, "  d%d: {region: %s}\n", i, regions[i]);
	buf_puts(&b, "replication:\n  - source: s\n    rules:\n");
	int n = 1 + (int)rnd(6);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "      - {id: r%d, destination: d%u, filter: {prefix: '%s'}}\n", i,
			   rnd(3), prefixes[rnd(8)]);
	buf_puts(&b, "policies:\n  residency:\n");
	n = 1 + (int)rnd(14);
	for (int i = 0; i < n; i++)
		buf_printf(&b, "    - {prefix: '%s', regions: [%s]}\n", prefixes[rnd(8)],
			   regions[rnd(3)]);
	size_t len;
	return buf_detach(&b, &len);
}

static bool allows(const struct crrc_residency *p, const struct crrc_region *reg)
{
	for (size_t i = 0; i < p->nregions; i++)
		if (strcmp(p->regions[i].s, reg->code) == 0)
			return true;
	return false;
}

/* The policies rule breaks, in the order the check reports them: those
 * whose prefix is a prefix of the rule's, shortest first, then those that
 * extend it, each group in the spec's order. Their number. */
static size_t broken(const struct crrc_rule *rule, const struct crrc_residency **out)
{
	size_t n = 0;
	const struct crrc_str *rp = &rule->filter.prefix;
	for (size_t len = 0; len <= crrc_textlen(rp); len++)
		for (size_t i = 0; i < model->nresidency; i++) {
			const struct crrc_residency *p = &model->residency[i];
			if (crrc_textlen(&p->prefix) == len && is_prefix(&p->prefix, rp) &&
			    !allows(p, rule->dest->reg))
				out[n++] = p;
		}
	for (size_t i = 0; i < model->nresidency; i++) {
		const struct crrc_residency *p = &model->residency[i];
		if (crrc_textlen(&p->prefix) > crrc_textlen(rp) && is_prefix(rp, &p->prefix) &&
		    !allows(p, rule->dest->reg))
			out[n++] = p;
	}
	return n;
}

START_TEST(test_residency_as_defined)
{
	rnd_state = 11;
	for (int round = 0; round < 1000; round++) {
		char *text = residency_spec();
		load(text);
		const struct crrc_replication *r = &model->replications[0];
		size_t want = 0, further = 0;
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_residency *b[32];
			size_t n = broken(&r->rules[j], b);
			for (size_t k = 0; k < n && k < 3; k++) {
				/* a policy like one before it gives the same message:
				 * a repeat, dropped */
				bool same = false;
				for (size_t e = 0; e < k && !same; e++)
					same = str_eq(&b[e]->prefix, &b[k]->prefix) &&
					       str_eq(&b[e]->regions[0], &b[k]->regions[0]);
				/* the note that there are more goes on the third */
				further += k == 2 && n > 3 && !same;
				if (same)
					continue;
				want++;
				bool found = false;
				for (size_t i = 0; i < diags_count(diags) && !found; i++) {
					const struct crrc_diag *g = diags_at(diags, i);
					found = g->code == CRRC_E070 &&
						g->pos.line == r->rules[j].destination.pos.line &&
						g->notes[0].pos.line == b[k]->prefix.pos.line;
				}
				ck_assert_msg(found, "rule %zu, policy line %u not reported in\n%s", j,
					      b[k]->prefix.pos.line, text);
			}
		}
		size_t got = 0, notes = 0;
		for (size_t i = 0; i < diags_count(diags); i++) {
			const struct crrc_diag *g = diags_at(diags, i);
			got += g->code == CRRC_E070;
			notes += g->code == CRRC_E070 && g->nnotes == 2;
		}
		ck_assert_msg(got == want && notes == further, "%zu E070 (%zu noted), want %zu (%zu) in\n%s",
			      got, notes, want, further, text);
		free(text);
	}
}
END_TEST

/* --- the role policy's size ------------------------------------------------ */

/* A source replicating into n buckets; options: owner override into another
 * account, replica keys (KMS key and alias ARNs), long bucket names. */
static char *fan_spec(int n, unsigned opts)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: fan\naccounts: {a: \"111122223333\", b: \"444455556666\"}\n"
		     "buckets:\n  src: {region: us-east-1, account: a}\n");
	for (int i = 0; i < n; i++)
		buf_printf(&b, "  dest-%d: {region: us-west-2, account: b%s%.*s}\n", i,
			   opts & 4 ? ", name: long-bucket-name-" : "", opts & 4 ? 30 : 0,
			   "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
	buf_puts(&b, "replication:\n  - source: src\n    rules:\n");
	for (int i = 0; i < n; i++) {
		buf_printf(&b, "      - {id: r%d, destination: dest-%d", i, i);
		if (opts & 1)
			buf_puts(&b, ", owner: destination");
		if (opts & 2)
			buf_printf(&b, ", sse_kms_objects: true, replica_kms_key: "
				       "\"arn:aws:kms:us-west-2:444455556666:%s%d\"",
				   i % 2 ? "alias/k" : "key/1234abcd-12ab-34cd-56ef-", i);
		buf_puts(&b, "}\n");
	}
	size_t len;
	char *text = buf_detach(&b, &len);
	if (opts & 4) /* names of 47 characters, each its own */
		for (char *p = strstr(text, "xxxxx"); p; p = strstr(p + 1, "xxxxx"))
			p[0] = (char)('a' + (p - text) % 26);
	return text;
}

static size_t policy_chars(void)
{
	struct crrc_desired *ds = desired_create(model);
	json_t *policy = iam_role_policy(ds->buckets[0].replication);
	char *s = json_dumps(policy, JSON_COMPACT | JSON_PRESERVE_ORDER);
	size_t len = strlen(s);
	free(s);
	json_decref(policy);
	desired_destroy(ds);
	return len;
}

START_TEST(test_role_size_near_limit)
{
	/* each shape, from well under IAM's 10,240 characters to well over:
	 * E073 exactly when the policy is over, with its size */
	for (unsigned opts = 0; opts < 8; opts++)
		for (int n = 10; n <= 90; n += 2) {
			char *text = fan_spec(n, opts);
			load(text);
			free(text);
			size_t len = policy_chars();
			const struct crrc_diag *g = NULL;
			for (size_t i = 0; i < diags_count(diags); i++)
				if (diags_at(diags, i)->code == CRRC_E073)
					g = diags_at(diags, i);
			ck_assert_msg((g != NULL) == (len > 10240), "opts %u, %d buckets: %zu characters, %s",
				      opts, n, len, g ? g->msg : "no E073");
			char want[64];
			snprintf(want, sizeof(want), "needs a policy of %zu characters", len);
			ck_assert_msg(!g || strstr(g->msg, want), "%s; want %zu", g ? g->msg : "", len);
		}
}
END_TEST

START_TEST(test_role_size_at_least)
{
	/* a destination key of 20,000 letters, which every statement id holds:
	 * over the limit on its own, said without building the policy */
	struct buf b = BUF_INIT;
	buf_puts(&b, "crrc: 1\nname: big\nbuckets:\n  src: {region: us-east-1}\n  ? ");
	for (int i = 0; i < 20000; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, "\n  : {region: us-west-2, name: dest-bucket}\n"
		     "replication:\n  - {source: src, rules: [{id: a, destination: ");
	for (int i = 0; i < 20000; i++)
		buf_putc(&b, 'k');
	buf_puts(&b, "}]}\n");
	size_t len;
	char *text = buf_detach(&b, &len);
	load(text);
	free(text);
	ck_assert_uint_eq(diags_count(diags), 1);
	const struct crrc_diag *g = diags_at(diags, 0);
	ck_assert_int_eq(g->code, CRRC_E073);
	ck_assert_ptr_nonnull(strstr(g->msg, "at least 20"));
	ck_assert_uint_ge(policy_chars(), 20000);
}
END_TEST

/* --- aliases -------------------------------------------------------------- */

START_TEST(test_aliased_rules_reported_per_entry)
{
	/* three entries share a list of rules: what depends on the rule alone
	 * is reported once, what names the entry's source once per entry */
	load("crrc: 1\nname: t\nbuckets:\n"
	     "  s0: {region: us-east-1}\n  s1: {region: us-east-1}\n  s2: {region: us-east-1}\n"
	     "  d: {region: us-west-2, object_lock: true}\n"
	     "replication:\n"
	     "  - source: s0\n    rules: &r\n"
	     "      - {id: a, destination: d, storage_class: GLACIR, existing_objects: true}\n"
	     "      - {id: a, destination: d, filter: {prefix: x/}}\n"
	     "  - {source: s1, rules: *r}\n  - {source: s2, rules: *r}\n");
	size_t e064 = 0, e054 = 0, w006 = 0;
	for (size_t i = 0; i < diags_count(diags); i++) {
		enum crrc_code c = diags_at(diags, i)->code;
		e064 += c == CRRC_E064;
		e054 += c == CRRC_E054;
		w006 += c == CRRC_W006;
	}
	ck_assert_uint_eq(e064, 1);
	ck_assert_uint_eq(e054, 3);
	ck_assert_uint_eq(w006, 3);
}
END_TEST

static Suite *bounded_suite(void)
{
	Suite *s = suite_create("bounded");
	TCase *t = tcase_create("bounded");
	tcase_set_timeout(t, 120);
	tcase_add_checked_fixture(t, NULL, teardown);
	tcase_add_test(t, test_shadowed_as_defined);
	tcase_add_test(t, test_residency_as_defined);
	tcase_add_test(t, test_role_size_near_limit);
	tcase_add_test(t, test_role_size_at_least);
	tcase_add_test(t, test_aliased_rules_reported_per_entry);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(bounded_suite());
}
