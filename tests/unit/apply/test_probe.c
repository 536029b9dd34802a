/* test_probe.c: the probe of a rule (apply/probe.c), decided from the
 * desired state alone: its key under the rule's prefix and the spec's and
 * rule's names, the filter's tags, the source's KMS key when the rule
 * replicates SSE-KMS objects, the RPO (rpo_minutes, else RTC's 15 minutes,
 * else none), and why no probe can exercise a rule: a higher-priority rule
 * into the same destination that takes it, a key too long, too many tags. */
#include <check.h>
#include <string.h>

#include "../model/model_helpers.h"
#include "apply/probe.h"
#include "base/buf.h"

#define HEAD                                                                                  \
	"crrc: 1\nname: sv\nbuckets:\n"                                                       \
	"  src: {name: sv-src, region: us-east-1, encryption: sse-kms,"                       \
	" kms_key: 'arn:aws:kms:us-east-1:123456789012:key/k1'}\n"                           \
	"  dst: {name: sv-dst, region: us-west-2}\n"                                          \
	"  eu: {name: sv-eu, region: eu-west-1}\n"                                            \
	"replication:\n  - source: src\n    rules:\n"

static struct spec S;

static const struct ds_rule *rule(const char *id)
{
	const struct ds_replication *r = &S.ds->replications[0];
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].id && !strcmp(r->rules[i].id->s, id))
			return &r->rules[i];
	ck_abort_msg("no rule %s", id);
	return NULL;
}

static void design(struct probe_design *pd, const char *id)
{
	probe_design(pd, S.ds, &S.ds->replications[0], rule(id), "U");
}

START_TEST(key_tags_key_and_rpo)
{
	spec_load(&S, HEAD
		  "      - {id: media, destination: dst, priority: 2, rtc: true,"
		  " filter: {prefix: media/, tags: {tier: hot}}}\n"
		  "      - {id: logs, destination: eu, priority: 1, sse_kms_objects: false,"
		  " filter: {prefix: logs/}}\n",
		  false);
	struct probe_design pd;
	design(&pd, "media");
	ck_assert_str_eq(pd.key, "media/.crrc-verify/sv/media/U");
	ck_assert_str_eq(pd.sweep, "media/.crrc-verify/sv/media/");
	ck_assert_uint_eq(pd.tags.n, 1);
	ck_assert_str_eq(pd.tags.v[0].key, "tier");
	ck_assert_str_eq(pd.tags.v[0].value, "hot");
	ck_assert_str_eq(pd.kms_key, "arn:aws:kms:us-east-1:123456789012:key/k1");
	ck_assert_int_eq(pd.rpo_seconds, 15 * 60);
	ck_assert_ptr_null(pd.impossible);
	ck_assert(probe_rule_matches(rule("media"), pd.key, &pd.tags));
	ck_assert(!probe_rule_matches(rule("logs"), pd.key, &pd.tags));
	probe_design_free(&pd);
	design(&pd, "logs");
	ck_assert_ptr_null(pd.kms_key);  /* the rule leaves SSE-KMS objects */
	ck_assert_int_eq(pd.rpo_seconds, 0); /* no RTC, no rpo_minutes: none */
	ck_assert_uint_eq(pd.tags.n, 0);
	probe_design_free(&pd);
	spec_free(&S);
}
END_TEST

START_TEST(rpo_minutes_holds_every_rule)
{
	spec_load(&S, HEAD "      - {id: all, destination: dst}\n"
		  "policies:\n  rpo_minutes: 30\n",
		  false);
	struct probe_design pd;
	design(&pd, "all");
	ck_assert_int_eq(pd.rpo_seconds, 30 * 60);
	ck_assert_str_eq(pd.key, ".crrc-verify/sv/all/U");
	probe_design_free(&pd);
	spec_free(&S);
}
END_TEST

START_TEST(shadowed_by_a_higher_rule)
{
	spec_load(&S, HEAD
		  "      - {id: everything, destination: dst, priority: 2}\n"
		  "      - {id: logs, destination: dst, priority: 1, filter: {prefix: logs/}}\n"
		  "      - {id: eu-logs, destination: eu, priority: 3, filter: {prefix: logs/}}\n",
		  false);
	struct probe_design pd;
	design(&pd, "logs");
	ck_assert_ptr_nonnull(pd.impossible);
	ck_assert_ptr_nonnull(strstr(pd.impossible, "'everything' (priority 2)"));
	probe_design_free(&pd);
	/* a higher rule into another destination takes nothing from it */
	design(&pd, "eu-logs");
	ck_assert_ptr_null(pd.impossible);
	probe_design_free(&pd);
	design(&pd, "everything");
	ck_assert_ptr_null(pd.impossible);
	probe_design_free(&pd);
	spec_free(&S);
}
END_TEST

START_TEST(key_too_long)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, HEAD "      - {id: long, destination: dst, filter: {prefix: '");
	for (int i = 0; i < 1020; i++)
		buf_putc(&b, 'p');
	buf_puts(&b, "'}}\n");
	spec_load(&S, b.data, false);
	buf_free(&b);
	struct probe_design pd;
	design(&pd, "long");
	ck_assert_ptr_nonnull(pd.impossible);
	ck_assert_ptr_nonnull(strstr(pd.impossible, "1024"));
	probe_design_free(&pd);
	spec_free(&S);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("probe");
	TCase *tc = tcase_create("probe");
	tcase_add_test(tc, key_tags_key_and_rpo);
	tcase_add_test(tc, rpo_minutes_holds_every_rule);
	tcase_add_test(tc, shadowed_by_a_higher_rule);
	tcase_add_test(tc, key_too_long);
	suite_add_tcase(s, tc);
	return check_main(s);
}
