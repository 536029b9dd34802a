/* check_kms.c: encryption. An sse-kms bucket has a KMS key, and only an
 * sse-kms bucket has one; every key ARN is well formed and lives in its
 * bucket's region and partition; a rule that replicates SSE-KMS objects has a
 * replica key in the destination's region, a source with a key for the role
 * to decrypt with, and no AWS managed key at either end, whose key policy
 * cannot grant the role. An ARN that aliases repeat is parsed once, and a
 * rule node that aliases repeat is checked once. */
#include <string.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "check/checks.h"
#include "model/arn.h"
#include "model/regions.h"
#include "base/ptrmap.h"
#include "base/util.h"

#define KMS_SHAPE                                                                               \
	"arn:<partition>:kms:<region>:<12-digit account>:key/<key id> or "                     \
	"arn:<partition>:kms:<region>:<12-digit account>:alias/<alias name>"

static bool kms_resource_ok(const char *s, size_t len)
{
	const char *extra;
	size_t skip;
	if (len > 4 && memcmp(s, "key/", 4) == 0) {
		skip = 4, extra = "-";
	} else if (len > 6 && memcmp(s, "alias/", 6) == 0) {
		skip = 6, extra = "-_/";
	} else {
		return false;
	}
	for (size_t i = skip; i < len; i++) {
		char c = s[i];
		bool alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			     (c >= '0' && c <= '9');
		if (!alnum && (c == '\0' || !strchr(extra, c)))
			return false;
	}
	return true;
}

/* What is wrong with the KMS key ARN s, or NULL when nothing is; then *reg
 * is the key's region. */
static const char *kms_arn_problem(struct arena *a, const struct crrc_str *key,
				   const struct crrc_region **reg)
{
	struct arn arn;
	char region[32];
	if (!arn_split(key->s, key->len, &arn))
		return "is not an ARN";
	if (!partition_known(arn.partition, arn.partition_len))
		return arena_printf(a, "has partition '%.*s', not " PARTITION_NAMES,
				    (int)arn.partition_len, arn.partition);
	if (!arn_field_is(arn.service, arn.service_len, "kms"))
		return arena_printf(a, "is an ARN of service '%.*s', not kms",
				    (int)arn.service_len, arn.service);
	*reg = NULL;
	if (arn.region_len < sizeof(region)) {
		memcpy(region, arn.region, arn.region_len);
		region[arn.region_len] = '\0';
		*reg = crrc_region_find(region);
	}
	if (!*reg)
		return arena_printf(a, "names region '%.*s', which is not a known region",
				    (int)arn.region_len, arn.region);
	if (!arn_field_is(arn.partition, arn.partition_len, (*reg)->partition))
		return arena_printf(a, "puts region %s in partition '%.*s'; it is in '%s'",
				    (*reg)->code, (int)arn.partition_len, arn.partition,
				    (*reg)->partition);
	if (!str_is_digits(arn.account, arn.account_len, 12))
		return arena_printf(a, "has account '%.*s', which is not 12 digits",
				    (int)arn.account_len, arn.account);
	if (!kms_resource_ok(arn.resource, arn.resource_len))
		return arena_printf(a, "has resource '%.*s', not key/<key id> or alias/<name>",
				    (int)arn.resource_len, arn.resource);
	return NULL;
}

/* What kms_arn_problem says of a key ARN, once per ARN. */
struct kms_verdict {
	const char *problem;
	const struct crrc_region *reg;
};

struct kms {
	struct arena *a;
	struct crrc_diags *d;
	struct ptrmap *verdicts; /* (ARN, position) -> verdict */
};

/* key's verdict; E044 when it is malformed, said the first time. */
static const struct kms_verdict *kms_judge(struct kms *c, const struct crrc_str *key)
{
	bool fresh;
	void **slot = ptrmap_slot(c->verdicts, key->s, crrc_pos_key(key->pos), &fresh);
	if (!fresh)
		return *slot;
	struct kms_verdict *v = arena_alloc(c->a, sizeof(*v));
	*slot = v;
	v->problem = kms_arn_problem(c->a, key, &v->reg);
	char q[DIAG_QUOTE_BUF];
	if (v->problem)
		diags_add(c->d, CRRC_E044, key->pos, "KMS key ARN '%s' %s: write it as " KMS_SHAPE,
			  crrc_shown(q, key), v->problem);
	return v;
}

/* Check key's syntax (E044), then that it lives in want's partition (E046)
 * and region (region_code); whose describes the bucket for messages. */
static void kms_key_check(struct kms *c, const struct crrc_str *key, const struct crrc_bucket *b,
			  enum crrc_code region_code, const char *whose)
{
	const struct kms_verdict *v = kms_judge(c, key);
	const struct crrc_region *reg = v->reg, *want = b ? b->reg : NULL;
	if (v->problem || !want || reg == want)
		return;
	char q[DIAG_QUOTE_BUF], qb[DIAG_QUOTE_BUF];
	if (strcmp(reg->partition, want->partition) != 0)
		diags_add(c->d, CRRC_E046, key->pos,
			  "KMS key '%s' is in partition %s, but %s '%s' is in %s (%s): a key is "
			  "usable only in its own partition",
			  crrc_shown(q, key), reg->partition, whose, crrc_shown(qb, &b->key),
			  want->partition, want->code);
	else
		diags_add(c->d, region_code, key->pos,
			  "KMS key '%s' is in %s, but %s '%s' is in %s: S3 uses only keys of the "
			  "bucket's own region; give a key from %s",
			  crrc_shown(q, key), reg->code, whose, crrc_shown(qb, &b->key), want->code,
			  want->code);
}

static void kms_bucket(struct kms *c, const struct crrc_bucket *b)
{
	bool has_key = crrc_given(&b->kms_key);
	char q[DIAG_QUOTE_BUF];
	if (b->enc == CRRC_SSE_KMS && !has_key)
		diags_add(c->d, CRRC_E042, b->encryption.pos,
			  "bucket '%s' is sse-kms but has no kms_key: give the ARN of its KMS key%s%s, "
			  "or use sse-s3",
			  crrc_shown(q, &b->key), b->reg ? " in " : "", b->reg ? b->reg->code : "");
	if (has_key && b->enc != CRRC_SSE_KMS)
		diags_add(c->d, CRRC_E043, b->kms_key.pos,
			  "bucket '%s' has a kms_key but is not sse-kms: add encryption: sse-kms, "
			  "or remove the key",
			  crrc_shown(q, &b->key));
	if (has_key)
		kms_key_check(c, &b->kms_key, b, CRRC_E045, "bucket");
}

static void kms_rule(struct kms *c, const struct crrc_replication *r,
		     const struct crrc_rule *rule)
{
	const struct crrc_str *key = &rule->replica_kms_key;
	char q[DIAG_QUOTE_BUF], qd[DIAG_QUOTE_BUF];
	if (key->set && key->s)
		kms_key_check(c, key, rule->dest, CRRC_E060, "destination");
	if (key->set && !rule->sse_kms_objects.v)
		diags_add(c->d, CRRC_W007, key->pos,
			  "rule '%s' has a replica_kms_key but does not replicate SSE-KMS objects "
			  "(sse_kms_objects is false%s): the key is unused; remove it, or set "
			  "sse_kms_objects: true",
			  crrc_rule_shown(q, rule),
			  rule->sse_kms_objects.set ? "" : ", as the source is not sse-kms");
	if (!rule->sse_kms_objects.v || !rule->dest || key->s)
		return;
	struct crrc_diag *g = diags_add(
		c->d, CRRC_E059, rule->sse_kms_objects.set ? rule->sse_kms_objects.pos : rule->pos,
		"rule '%s' replicates SSE-KMS objects%s, but has no replica_kms_key and its "
		"destination '%s' has no kms_key: give replica_kms_key (a KMS key ARN%s%s)",
		crrc_rule_shown(q, rule), rule->sse_kms_objects.set ? "" : " (its source is sse-kms)",
		crrc_shown(qd, &rule->dest->key), rule->dest->reg ? " in " : "",
		rule->dest->reg ? rule->dest->reg->code : "");
	if (!rule->sse_kms_objects.set && r->src)
		diag_note(g, r->src->encryption.pos, "the source is sse-kms here");
}

/* Whether key names an AWS managed key: an alias under alias/aws/. Its key
 * policy is AWS's, which no one can edit: it cannot grant a replication
 * role, nor another account. */
static bool kms_aws_managed(const struct crrc_str *key)
{
	struct arn arn;
	return key->s && arn_split(key->s, key->len, &arn) &&
	       arn.resource_len > 10 && memcmp(arn.resource, "alias/aws/", 10) == 0;
}

/* A rule that replicates SSE-KMS objects: the role encrypts the replicas
 * with the replica key (given, or the destination's), which must not be an
 * AWS managed key. */
static void kms_rule_managed(struct crrc_diags *d, const struct crrc_rule *rule)
{
	const struct crrc_str *key = &rule->replica_kms_key;
	if (!rule->sse_kms_objects.v || !rule->dest || !kms_aws_managed(key))
		return;
	struct crrc_diag *g = diags_add(
		d, CRRC_E075, key->set ? key->pos : rule->pos,
		"rule '%s' encrypts replicas with the AWS managed key '%s': its key policy is "
		"AWS's and cannot grant the replication role, nor another account; give "
		"replica_kms_key a customer managed key in %s",
		crrc_rule_name(rule), key->s,
		rule->dest->reg ? rule->dest->reg->code : "the destination's region");
	if (!key->set)
		diag_note(g, key->pos, "the key of destination '%s', which the rule takes",
			  crrc_text(&rule->dest->key));
}

/* What the source of r must have for a rule that replicates SSE-KMS
 * objects: a key (else the role crrc generates may decrypt nothing: it is
 * granted the source's key alone; E074, at the rule), and one that is not
 * AWS managed (the role must be granted it: E075, once an entry). */
static void kms_source(struct crrc_diags *d, const struct crrc_replication *r,
		       const struct crrc_rule *rule, bool *managed_said)
{
	const struct crrc_bucket *src = r->src;
	if (!src || !rule->sse_kms_objects.v)
		return;
	if (!crrc_given(&src->kms_key) && src->enc != CRRC_SSE_KMS && !crrc_given(&r->role)) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E074, rule->sse_kms_objects.pos,
			"rule '%s' replicates SSE-KMS objects, but its source '%s' has no KMS "
			"key: the role crrc generates may decrypt with the source's key "
			"alone, so it could replicate none of them; make '%s' sse-kms with "
			"its kms_key, or remove sse_kms_objects",
			crrc_rule_name(rule), crrc_text(&src->key), crrc_text(&src->key));
		diag_note(g, src->pos, "source '%s' here", crrc_text(&src->key));
	}
	if (!*managed_said && kms_aws_managed(&src->kms_key)) {
		struct crrc_diag *g = diags_add(
			d, CRRC_E075, src->kms_key.pos,
			"bucket '%s' is encrypted with the AWS managed key '%s', but rule '%s' "
			"replicates its SSE-KMS objects: the replication role must decrypt "
			"them, and the key policy of an AWS managed key is AWS's, which cannot "
			"grant it; use a customer managed key",
			crrc_text(&src->key), src->kms_key.s, crrc_rule_name(rule));
		diag_note(g, rule->pos, "rule '%s' here", crrc_rule_name(rule));
		*managed_said = true;
	}
}

void check_kms(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct kms c = {a, d, ptrmap_create(a, m->nbuckets)};
	struct check_once once = check_once_start(a, m);
	for (size_t i = 0; i < m->nbuckets; i++)
		kms_bucket(&c, &m->buckets[i]);
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		bool managed_said = false;
		for (size_t j = 0; j < r->nrules; j++) {
			const struct crrc_rule *rule = &r->rules[j];
			if (!check_once(&once, r, rule))
				continue;
			kms_rule(&c, r, rule);
			kms_rule_managed(d, rule);
			kms_source(d, r, rule, &managed_said);
		}
	}
}
