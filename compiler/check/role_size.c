/* check_role_size.c: what IAM would refuse of the role crrc generates. A role's
 * inline policies may hold at most 10,240 characters (whitespace not
 * counted); every destination adds a statement, so a source replicating
 * into some 65 buckets outgrows it. Checked here, on the same policy
 * document both back ends emit (made from the desired state), so `crrc
 * check` says so, not a deploy.
 *
 * A policy is built only when bounds cannot decide: below an upper bound
 * under the limit it fits; above a lower bound over it, it does not. Both
 * are sums over an entry's distinct destinations, from lengths found once
 * per bucket and per key, so that an entry that aliases repeat costs its
 * rules' count, not its strings' lengths again. */
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/ptrmap.h"
#include "diag/diag.h"
#include "model/iam.h"
#include "check/checks.h"

#define IAM_INLINE_POLICY_MAX 10240

/* What a bucket brings to a policy: its key's letters and digits (a
 * statement id is made of them) and its name (in each ARN). */
struct rs_bucket {
	size_t sid, name;
	size_t stamp; /* the entry (index + 1) that counted it last */
	size_t kms;   /* that entry: bytes of its longest replica key named */
	bool any_kms; /* that entry: replica keys for it */
};

struct rs {
	const struct crrc_model *m;
	struct rs_bucket *b;
	struct ptrmap *named; /* replica key -> whether the policy names it */
	size_t *dests;        /* the entry's distinct destinations */
};

static size_t rs_alnum(const struct crrc_str *s)
{
	size_t n = 0;
	for (size_t i = 0; i < crrc_textlen(s); i++) {
		char c = s->s[i];
		n += (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
	}
	return n;
}

/* Whether the policy names rule's replica key: read once per key. */
static bool rs_kms_named(struct rs *c, const struct crrc_rule *rule)
{
	const struct crrc_str *k = &rule->replica_kms_key;
	if (!rule->sse_kms_objects.v || !k->s)
		return false;
	bool fresh;
	void **slot = ptrmap_slot(c->named, k->s, k->len + 1, &fresh);
	if (fresh)
		*slot = iam_kms_named(k) ? (void *)c : NULL;
	return *slot != NULL;
}

/* The distinct destinations of entry i that the policy names; each
 * counted with its replica keys. Their number. */
static size_t rs_dests(struct rs *c, size_t i, size_t *kms_bytes)
{
	const struct crrc_replication *r = &c->m->replications[i];
	size_t n = 0;
	*kms_bytes = 0;
	for (size_t j = 0; j < r->nrules; j++) {
		const struct crrc_rule *rule = &r->rules[j];
		if (!rule->dest->arn)
			continue; /* left out of the desired state */
		struct rs_bucket *d = &c->b[rule->dest->index];
		if (d->stamp != i + 1) {
			*d = (struct rs_bucket){d->sid, d->name, i + 1, 0, false};
			c->dests[n++] = rule->dest->index;
		}
		if (rs_kms_named(c, rule)) {
			size_t len = rule->replica_kms_key.len;
			d->any_kms = true;
			d->kms = len > d->kms ? len : d->kms;
			*kms_bytes += 2 * len + 8;
		}
	}
	return n;
}

/* Bounds of the size of entry i's policy (as IAM counts it), from its
 * distinct destinations. The upper one allows for every statement the
 * policy may hold (their fixed text is under the constants) and for JSON
 * escapes, at most six bytes a byte; the lower one counts only what the
 * policy surely holds: each statement id and ARN, and a replica key of each
 * destination. */
static void rs_bounds(struct rs *c, size_t i, size_t *lo, size_t *hi)
{
	const struct crrc_bucket *src = c->m->replications[i].src;
	const struct rs_bucket *s = &c->b[src->index];
	size_t kms_bytes, n = rs_dests(c, i, &kms_bytes);
	*lo = 2 * (s->sid + s->name);
	*hi = 64 + 1024 + 3 * (s->sid + 24) + 6 * (4 * s->name + 2 * src->kms_key.len) +
	      6 * kms_bytes;
	for (size_t k = 0; k < n; k++) {
		const struct rs_bucket *d = &c->b[c->dests[k]];
		*lo += d->sid + d->name + d->kms;
		*hi += 256 + d->sid + 8 + 6 * d->name;
		if (d->any_kms)
			*hi += 2 * (512 + d->sid + 16 + 12 * d->name);
	}
}

static bool entry_resolved(const struct crrc_replication *r)
{
	if (!r->src || !r->src->arn)
		return false;
	for (size_t i = 0; i < r->nrules; i++)
		if (!r->rules[i].dest)
			return false;
	return true;
}

/* The policy of r's generated role, measured as IAM counts it. The desired
 * state is made only when some entry needs it (ds, made on first use). */
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

static void rs_report(struct crrc_diags *d, const struct crrc_replication *r, size_t len,
		      bool exact)
{
	char q[DIAG_QUOTE_BUF];
	diags_add(d, CRRC_E073, r->source.pos,
		  "the role crrc generates for '%s' needs a policy of %s%zu characters; IAM "
		  "allows %d in a role's inline policies: split the entry's destinations over "
		  "fewer buckets, or give a role of your own with role:",
		  crrc_shown(q, &r->source), exact ? "" : "at least ", len, IAM_INLINE_POLICY_MAX);
}

void check_role_size(const struct crrc_model *m, struct arena *a, struct crrc_diags *d)
{
	struct rs c = {m, xcalloc(m->nbuckets + 1, sizeof(*c.b)), ptrmap_create(a, 16),
		       xcalloc(m->nbuckets + 1, sizeof(*c.dests))};
	for (size_t i = 0; i < m->nbuckets; i++)
		c.b[i] = (struct rs_bucket){.sid = rs_alnum(&m->buckets[i].key), .name = m->buckets[i].name.len};
	struct crrc_desired *ds = NULL;
	for (size_t i = 0; i < m->nreplications; i++) {
		const struct crrc_replication *r = &m->replications[i];
		size_t lo, hi;
		if (!r->role_generated || !entry_resolved(r) || r->src->replication != r)
			continue;
		rs_bounds(&c, i, &lo, &hi);
		if (lo > IAM_INLINE_POLICY_MAX) {
			rs_report(d, r, lo, false);
			continue;
		}
		size_t len = hi > IAM_INLINE_POLICY_MAX ? policy_size(m, r, &ds) : 0;
		if (len > IAM_INLINE_POLICY_MAX)
			rs_report(d, r, len, true);
	}
	desired_destroy(ds);
	free(c.b);
	free(c.dests);
}
