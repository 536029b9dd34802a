/* check_role_size.c: what IAM would refuse of the role crrc generates. A role's
 * inline policies may hold at most 10,240 characters (whitespace not
 * counted); every destination adds a statement, so a source replicating
 * into some 65 buckets outgrows it. Checked here, on the same policy
 * document both back ends emit (made from the desired state), so `crrc
 * check` says so, not a deploy. */
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"
#include "model/iam.h"
#include "check/checks.h"

#define IAM_INLINE_POLICY_MAX 10240

/* An upper bound of the policy's size: a statement for each rule's
 * destination (there are fewer: one a destination) with its bucket key
 * (Sids), name and replica key, and the source's. Below the limit, the
 * policy need not be built: the common case costs nothing. */
static size_t size_bound(const struct crrc_replication *r)
{
	size_t n = 1024 + 4 * (r->src->key.len + r->src->name.len + r->src->kms_key.len);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_rule *rule = &r->rules[i];
		n += 512 + 4 * (rule->dest->key.len + rule->dest->name.len +
				rule->replica_kms_key.len);
	}
	return n;
}

static bool entry_resolved(const struct crrc_replication *r)
{
	if (!r->src)
		return false;
	for (size_t i = 0; i < r->nrules; i++)
		if (!r->rules[i].dest)
			return false;
	return true;
}

/* The policy of r's generated role, measured as IAM counts it. The desired
 * state is made only when some entry could be over the limit (ds, made on
 * first use). */
static size_t policy_size(const struct crrc_model *m, const struct crrc_replication *r,
			  struct crrc_desired **ds)
{
	if (!*ds)
		*ds = desired_create(m);
	const struct ds_bucket *src = desired_bucket(*ds, r->src);
	if (!src || !src->replication || src->replication->spec != r)
		return 0; /* a second entry of one source (E051) */
	json_t *policy = iam_role_policy(src->replication);
	char *text = policy ? json_dumps(policy, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	size_t len = text ? strlen(text) : 0;
	free(text);
	json_decref(policy);
	return len;
}

void check_role_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct crrc_desired *ds = NULL;
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		if (!r->role_generated || !entry_resolved(r) || size_bound(r) <= IAM_INLINE_POLICY_MAX)
			continue;
		size_t len = policy_size(m, r, &ds);
		if (len > IAM_INLINE_POLICY_MAX)
			diags_add(d, CRRC_E073, r->source.pos,
				  "the role crrc generates for '%s' needs a policy of %zu characters; "
				  "IAM allows %d in a role's inline policies: split the entry's "
				  "destinations over fewer buckets, or give a role of your own with role:",
				  r->source.s, len, IAM_INLINE_POLICY_MAX);
	}
	desired_destroy(ds);
}
