/* verify_check.c: what a replica must have (the probe's size and ETag,
 * replica status REPLICA, the rule's storage class, the replica key, the
 * probe's tags), and, for a probe S3 says FAILED, the likely cause. S3
 * does not say why an object failed; crrc reads what AWS holds, as plan
 * does, and names the first of: the role differs from the spec, either
 * end's versioning is not Enabled, the destination's bucket policy lacks
 * the role, a KMS key in another account must let the role in. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/plan.h"
#include "apply/verify_internal.h"
#include "base/buf.h"
#include "base/oom.h"

static bool differs(struct vprobe *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static bool differs(struct vprobe *p, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	free(p->why);
	p->why = buf_detach(&b, NULL);
	p->verdict = VERDICT_DIFFERS;
	return false;
}

/* Whether two KMS key references name one key: equal, or one an ARN that
 * ends in "/" and the other (a key id, or alias/NAME). */
static bool same_key(const char *want, const char *got)
{
	if (!want || !got)
		return want == got;
	if (!strcmp(want, got))
		return true;
	size_t lw = strlen(want), lg = strlen(got);
	const char *longer = lw > lg ? want : got, *shorter = lw > lg ? got : want;
	size_t ll = lw > lg ? lw : lg, ls = lw > lg ? lg : lw;
	const char *tail = longer + ll - ls;
	return !strcmp(tail, shorter) && (tail[-1] == '/' || tail[-1] == ':');
}

bool verify_check_head(struct vprobe *p, const struct s3_object_head *h)
{
	const struct ds_rule *rule = p->pd.rule;
	if (!h->replication_status || strcmp(h->replication_status, "REPLICA") != 0)
		return differs(p, "the replica's replication status is %s, not REPLICA",
			       h->replication_status ? h->replication_status : "(none)");
	if (h->size != (long long)sizeof("crrc verify probe\n") - 1)
		return differs(p, "the replica is %lld bytes, the probe %zu", h->size,
			       sizeof("crrc verify probe\n") - 1);
	if (!p->pd.kms_key && p->etag && h->etag && strcmp(p->etag, h->etag) != 0)
		return differs(p, "the replica's ETag is %s, the probe's %s", h->etag, p->etag);
	const char *sc = rule->storage_class ? rule->storage_class->s : "STANDARD";
	const char *got = h->storage_class ? h->storage_class : "STANDARD";
	if (strcmp(sc, got) != 0)
		return differs(p, "the replica's storage class is %s, the rule's %s", got, sc);
	const char *key = rule->replica_kms_key ? rule->replica_kms_key->s : NULL;
	if (key && p->pd.kms_key && !same_key(key, h->kms_key))
		return differs(p, "the replica is encrypted with %s, not the replica key %s",
			       h->kms_key ? h->kms_key : "no KMS key", key);
	return true;
}

bool verify_check_tags(struct vprobe *p, const struct aws_tags *t)
{
	const struct aws_tags *want = &p->pd.tags;
	bool same = want->n == t->n;
	for (size_t i = 0; same && i < want->n; i++) {
		bool found = false;
		for (size_t k = 0; !found && k < t->n; k++)
			found = !strcmp(want->v[i].key, t->v[k].key) &&
				!strcmp(want->v[i].value, t->v[k].value);
		same = found;
	}
	if (same)
		return true;
	return differs(p, "the replica carries %zu tags, not the probe's %zu", t->n, want->n);
}

void verify_unversioned(struct vprobe *p)
{
	p->verdict = VERDICT_FAILED;
	p->state = VSTATE_DONE;
	free(p->why);
	struct buf b = BUF_INIT;
	buf_printf(&b, "source bucket '%s' is not versioned: S3 replicates nothing from it "
		       "(crrc apply turns versioning on)",
		   p->pd.r->source->name);
	p->why = buf_detach(&b, NULL);
}

static const struct plan_item *item_of(const struct plan *pl, enum plan_kind kind, size_t index)
{
	for (size_t i = 0; i < pl->n; i++)
		if (pl->items[i].kind == kind && pl->items[i].index == index)
			return &pl->items[i];
	return NULL;
}

static bool changed(const struct plan_item *it, const char *field)
{
	for (size_t i = 0; it && i < it->nchanges; i++)
		if (!strncmp(it->changes[i].field, field, strlen(field)))
			return true;
	return false;
}

static void versioning_cause(struct buf *b, const struct live *l, const struct ds_bucket *bk,
			     const char *end)
{
	const char *v = l->buckets[bk->index].versioning;
	if (!b->len && (!v || strcmp(v, "Enabled") != 0))
		buf_printf(b, "versioning of the %s '%s' is %s, not Enabled", end, bk->name,
			   v ? v : "off");
}

/* The likely cause of p's failure, from the plan of what AWS holds. */
static void cause_of(struct vprobe *p, const struct plan *pl, const struct live *l)
{
	const struct ds_replication *r = p->pd.r;
	const struct ds_bucket *dest = p->pd.rule->dest;
	const struct plan_item *role = item_of(pl, PLAN_ROLE, r->index);
	const struct plan_item *db = item_of(pl, PLAN_BUCKET, dest->index);
	struct buf b = BUF_INIT;
	if (!r->role.create)
		buf_printf(&b, "the role '%s' is the spec's own, which crrc does not manage: check "
			       "that it exists, trusts s3.amazonaws.com and allows what the policy "
			       "crrc compile writes for it allows",
			   r->role.arn ? r->role.arn : r->role.name ? r->role.name : "?");
	else if (role && role->action != PLAN_NONE)
		buf_printf(&b, "the role '%s' is not what the spec says (crrc plan shows how; crrc "
			       "apply restores it)",
			   r->role.name);
	versioning_cause(&b, l, dest, "destination");
	versioning_cause(&b, l, r->source, "source");
	if (!b.len && db && (db->owner_must_add || changed(db, "policy")))
		buf_printf(&b, "the bucket policy of the destination '%s' does not let the role "
			       "'%s' replicate into it",
			   dest->name, r->role.name ? r->role.name : "?");
	for (size_t k = 0; !b.len && k < r->nkey_grants; k++)
		buf_printf(&b, "KMS key '%s' is in account %s: its key policy must let the role %s",
			   r->key_grants[k].key->s, r->key_grants[k].account,
			   r->key_grants[k].decrypt ? "decrypt" : "encrypt replicas");
	if (!b.len)
		buf_printf(&b, "S3 does not say why, and the role, versioning and bucket policies "
			       "are as the spec says: look at the KMS key policies and at what "
			       "else may deny the role '%s' (an SCP, a permissions boundary)",
			   r->role.name ? r->role.name : r->role.arn ? r->role.arn : "?");
	free(p->why);
	p->why = buf_detach(&b, NULL);
}

void verify_diagnose(struct verify *v)
{
	bool any = false;
	for (size_t i = 0; i < v->nprobes; i++)
		any |= v->probes[i].verdict == VERDICT_FAILED && !v->probes[i].why;
	if (!any)
		return;
	engine_read(&v->e);
	char err[256] = "";
	struct plan *pl = plan_create(v->e.ds, v->e.live, err, sizeof(err));
	for (size_t i = 0; pl && i < v->nprobes; i++)
		if (v->probes[i].verdict == VERDICT_FAILED && !v->probes[i].why)
			cause_of(&v->probes[i], pl, v->e.live);
	plan_destroy(pl);
}
