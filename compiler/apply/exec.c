/* exec.c: the plan carried out, in five waves that follow what S3 and IAM
 * enforce: first what is created (buckets, roles), then a new bucket's
 * mark (its tags), then what configures them (versioning, encryption,
 * policy, tags; a role's trust, policy and tags), then the replication
 * configurations, which need versioning at both ends and their role, and
 * last the S3 Batch Replication jobs (S3 Control CreateJob), which need
 * the configuration in place and their batch role; then the Multi-Region
 * Access Points over the buckets in place (points_exec.c), a sixth step
 * of the progress line. Within a wave everything goes at once over the
 * shared transport. A step that fails is a diagnostic at its spec line,
 * and the steps that depend on it are not sent; the others go on. A create whose answer was lost and that finds its own work on the
 * retry (409 BucketAlreadyOwnedByYou; EntityAlreadyExists and a role with
 * this spec's mark) succeeded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/engine.h"
#include "apply/points.h"
#include "aws/http.h"
#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/s3_replication.h"
#include "aws/s3control.h"
#include "base/oom.h"

struct exec {
	struct engine *e;
	struct plan *p;
	bool *failed; /* by item */
	struct apply_summary *sum;
	unsigned *inflight; /* by item: writes of the wave not ended */
};

/* The steps of each wave. */
static const unsigned wave_steps[] = {
	STEP_CREATE_BUCKET | STEP_CREATE_ROLE,
	STEP_MARK,
	STEP_VERSIONING | STEP_ENCRYPTION | STEP_TAGS | STEP_POLICY | STEP_TRUST |
		STEP_ROLE_POLICY | STEP_ROLE_TAGS,
	STEP_REPLICATION,
	STEP_JOB,
};
#define NWAVES (sizeof(wave_steps) / sizeof(wave_steps[0]))

struct write {
	struct exec *x;
	size_t item;
	unsigned step;
	const char *what; /* the API action, for messages */
};

/* PutBucketReplication waits for versioning at both ends and for a new
 * bucket to be seen; the Terraform provider retries both for two minutes. */
static const struct retry_match retry_replication[] = {
	{400, "InvalidRequest", "Versioning must be 'Enabled'"},
	{404, "NoSuchBucket", NULL},
	{0, NULL, NULL},
};

/* CreateJob right after its batch role is created: S3 Batch Operations
 * may not be able to assume it until IAM has spread it. */
static const struct retry_match retry_batch_role[] = {
	{400, "InvalidRequest", "role"},
	{400, "InvalidRequest", "Role"},
	{0, NULL, NULL},
};

static struct plan_item *item_of(const struct write *w)
{
	return &w->x->p->items[w->item];
}

static void progress(struct exec *x, const struct plan_item *it, const char *did)
{
	engine_progress_say(x->e, it, did);
}

/* Whether a create that failed found its own earlier success. The count
 * of attempts cannot tell: libcurl itself sends a request again, unseen,
 * when a reused connection dies before the answer (a lost answer), so a
 * first attempt may find what it made. A bucket S3 says the account owns
 * already (BucketAlreadyOwnedByYou), when the reads found none, is the
 * earlier attempt's. A role that exists is checked (role_verified). */
static bool found_own(const struct aws_call_end *end, unsigned step)
{
	const char *code = end->error ? end->error->code : "";
	return step == STEP_CREATE_BUCKET && strcmp(code, "BucketAlreadyOwnedByYou") == 0;
}

static bool item_endpoint(struct exec *x, const struct plan_item *it, struct aws_endpoint *ep);

/* GetRole after CreateRole's EntityAlreadyExists: the role is crrc's own
 * earlier attempt when it carries the mark of this spec. */
static void role_verified(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct write *w = ud;
	struct plan_item *it = item_of(w);
	const char *spec = w->x->p->ds->name ? w->x->p->ds->name : "";
	struct iam_role role = {0};
	char err[256] = "";
	bool ours = false;
	(void)req;
	if (end->ok && iam_get_role_parse(end->resp, &role, err, sizeof(err)) == AWS_READ_OK)
		for (size_t i = 0; i < role.tags.n; i++)
			ours |= strcmp(role.tags.v[i].key, LIVE_MARK_KEY) == 0 &&
				strcmp(role.tags.v[i].value, spec) == 0;
	iam_role_free(&role);
	if (!ours && !w->x->failed[w->item]) {
		w->x->failed[w->item] = true;
		w->x->e->failures++;
		diags_add(w->x->e->d, CRRC_E100, it->pos,
			  "iam:CreateRole of '%s' failed: a role of that name appeared after crrc "
			  "read it, and crrc did not create it for this spec",
			  it->name);
		progress(w->x, it, "failed");
	}
	free(w);
}

/* Whether w, a CreateRole that met EntityAlreadyExists, is being checked. */
static bool verify_role(struct write *w, const struct aws_call_end *end)
{
	struct plan_item *it = item_of(w);
	struct aws_endpoint ep = {0};
	if (w->step != STEP_CREATE_ROLE || !end->error ||
	    strcmp(end->error->code, "EntityAlreadyExists") != 0 || !item_endpoint(w->x, it, &ep))
		return false;
	struct engine_account *acc = engine_account_of(w->x->e, it->place);
	w->x->e->reads++;
	aws_client_call(acc->client, iam_get_role(ep.url, ep.signing_region, it->name), NULL,
			role_verified, w);
	aws_endpoint_clear(&ep);
	return true;
}

static void write_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct write *w = ud;
	struct plan_item *it = item_of(w);
	(void)req;
	if (--w->x->inflight[w->item] == 0)
		w->x->e->progress.done++;
	engine_progress_line(w->x->e, false);
	if (!end->ok && verify_role(w, end))
		return;
	if (end->ok || found_own(end, w->step))
		;
	else if (!w->x->failed[w->item]) {
		w->x->failed[w->item] = true;
		engine_failed(w->x->e, it->pos, w->what, it->name, end);
		progress(w->x, it, "failed");
	}
	free(w);
}

static void write_send(struct exec *x, size_t item, unsigned step, const char *what,
		       struct aws_request *req, const struct retry_match *also)
{
	struct plan_item *it = &x->p->items[item];
	struct engine_account *acc = engine_account_of(x->e, it->place);
	struct write *w = xcalloc(1, sizeof(*w));
	*w = (struct write){x, item, step, what};
	struct retry_policy policy;
	engine_policy(x->e, also, &policy);
	if (!acc->client || !req) {
		if (acc->client && step == STEP_JOB) { /* an argument outside the model */
			x->failed[item] = true;
			x->e->failures++;
			diags_add(x->e->d, CRRC_E100, it->pos, "%s of '%s' was not sent: crrc could "
				  "not build its request", what, it->name);
		}
		aws_request_destroy(req);
		free(w);
		return;
	}
	x->e->writes++;
	if (x->inflight[item]++ == 0)
		x->e->progress.sent++;
	aws_client_call(acc->client, req, &policy, write_done, w);
}

static void tags_to_s3(struct aws_tags *out, const struct live_tags *t)
{
	for (size_t i = 0; i < t->n; i++)
		aws_tags_add(out, t->v[i].name, t->v[i].value);
}

/* The endpoint of item it: its bucket's, IAM's in its partition, or S3
 * Control's in its account and region. */
static bool item_endpoint(struct exec *x, const struct plan_item *it, struct aws_endpoint *ep)
{
	char *err = NULL;
	const char *rg = it->place->region;
	bool ok = it->kind == PLAN_ROLE ? aws_endpoint_service(ep, "iam", rg, x->e->env, &err)
		  : it->kind == PLAN_JOB
			  ? aws_endpoint_s3_control(ep, it->account, rg, x->e->env, &err)
			  : aws_endpoint_s3_bucket(ep, it->name, rg, x->e->env, &err);
	if (!ok) {
		diags_add(x->e->d, CRRC_E100, it->pos, "%s: %s", it->name, err ? err : "no endpoint");
		x->failed[it - x->p->items] = true;
	}
	free(err);
	return ok;
}

/* The first wave: what is created. */
static void wave_create(struct exec *x, size_t i, const struct aws_endpoint *ep)
{
	const struct plan_item *it = &x->p->items[i];
	const struct crrc_desired *ds = x->p->ds;
	if (it->steps & STEP_CREATE_BUCKET) {
		const struct ds_bucket *b = &ds->buckets[it->index];
		write_send(x, i, STEP_CREATE_BUCKET, "s3:CreateBucket",
			   s3_create_bucket(ep->url, ep->path_prefix, ep->signing_region,
					    b->object_lock_by == DS_WRITER_CRRC),
			   NULL);
	}
	if (it->steps & STEP_CREATE_ROLE) {
		struct aws_tags tags = {0};
		tags_to_s3(&tags, &it->tags);
		write_send(x, i, STEP_CREATE_ROLE, "iam:CreateRole",
			   iam_create_role(ep->url, ep->signing_region, it->name, NULL, it->trust,
					   &tags),
			   NULL);
		aws_tags_free(&tags);
	}
}

/* The second wave: a new or adopted bucket's tags, with crrc's mark, alone
 * and before anything else configures it. A run killed after CreateBucket
 * leaves a bucket that is bare (adopted on the next run) or marked, never
 * one with versioning or a policy and no mark, which no run could take. */
static void wave_mark(struct exec *x, size_t i, const struct aws_endpoint *ep)
{
	const struct plan_item *it = &x->p->items[i];
	struct aws_tags tags = {0};
	tags_to_s3(&tags, &it->tags);
	write_send(x, i, STEP_MARK, "s3:PutBucketTagging",
		   s3_put_tagging(ep->url, ep->path_prefix, ep->signing_region, &tags),
		   it->steps & STEP_CREATE_BUCKET ? retry_after_create_bucket : NULL);
	aws_tags_free(&tags);
}

/* The third wave: what configures a bucket or a role. After a create,
 * the new bucket or role may not be seen at once: retried. */
static void wave_configure(struct exec *x, size_t i, const struct aws_endpoint *ep)
{
	const struct plan_item *it = &x->p->items[i];
	const char *u = ep->url, *pp = ep->path_prefix, *rg = ep->signing_region;
	const struct retry_match *fresh = it->steps & STEP_CREATE_BUCKET ? retry_after_create_bucket
					  : it->steps & STEP_CREATE_ROLE ? retry_after_create_role
									: NULL;
	if (it->steps & STEP_TAGS) {
		struct aws_tags tags = {0};
		tags_to_s3(&tags, &it->tags);
		write_send(x, i, STEP_TAGS, "s3:PutBucketTagging", s3_put_tagging(u, pp, rg, &tags),
			   fresh);
		aws_tags_free(&tags);
	}
	if (it->steps & STEP_VERSIONING)
		write_send(x, i, STEP_VERSIONING, "s3:PutBucketVersioning",
			   s3_put_versioning(u, pp, rg, S3_VERSIONING_ENABLED), fresh);
	if (it->steps & STEP_ENCRYPTION) {
		const struct ds_bucket *b = &x->p->ds->buckets[it->index];
		struct s3_encryption enc = {"aws:kms", (char *)b->kms_key->s, true};
		write_send(x, i, STEP_ENCRYPTION, "s3:PutBucketEncryption",
			   s3_put_encryption(u, pp, rg, &enc), fresh);
	}
	if (it->steps & STEP_POLICY)
		write_send(x, i, STEP_POLICY, "s3:PutBucketPolicy",
			   s3_put_policy(u, pp, rg, it->policy), fresh);
	if (it->steps & STEP_TRUST)
		write_send(x, i, STEP_TRUST, "iam:UpdateAssumeRolePolicy",
			   iam_update_assume_role_policy(u, rg, it->name, it->trust), fresh);
	if (it->steps & STEP_ROLE_POLICY)
		write_send(x, i, STEP_ROLE_POLICY, "iam:PutRolePolicy",
			   iam_put_role_policy(u, rg, it->name, it->role_policy_name,
					       it->role_policy),
			   fresh);
	if (it->steps & STEP_ROLE_TAGS) {
		struct aws_tags tags = {0};
		tags_to_s3(&tags, &it->tags);
		write_send(x, i, STEP_ROLE_TAGS, "iam:TagRole", iam_tag_role(u, rg, it->name, &tags),
			   fresh);
		aws_tags_free(&tags);
	}
}

/* Why replication item i must wait for a failure elsewhere, or NULL. */
static const char *wave_replication_blocked(struct exec *x, size_t i)
{
	const struct plan_item *it = &x->p->items[i];
	const struct ds_replication *r = &x->p->ds->replications[it->index];
	if (x->failed[r->source->index])
		return "its source bucket failed";
	for (size_t k = 0; k < r->ndests; k++)
		if (x->failed[r->dests[k].bucket->index])
			return "a destination bucket failed";
	const struct plan_item *role = i > 0 ? &x->p->items[i - 1] : NULL; /* right before it */
	if (role && role->kind == PLAN_ROLE && role->index == it->index && x->failed[i - 1])
		return "its role failed";
	return NULL;
}

static void wave_replicate(struct exec *x, size_t i, const struct aws_endpoint *ep)
{
	struct plan_item *it = &x->p->items[i];
	const char *why = wave_replication_blocked(x, i);
	if (why) {
		x->failed[i] = true;
		diags_add(x->e->d, CRRC_E100, it->pos,
			  "the replication configuration of '%s' was not put: %s", it->name, why);
		progress(x, it, "not attempted");
		return;
	}
	write_send(x, i, STEP_REPLICATION, "s3:PutBucketReplication",
		   s3_put_replication(ep->url, ep->path_prefix, ep->signing_region,
				      it->replication),
		   retry_replication);
}

/* The fifth wave: a batch replication job, once its replication
 * configuration and its batch role are in place. Its report goes to the
 * source bucket. */
static void wave_job(struct exec *x, size_t i, const struct aws_endpoint *ep)
{
	struct plan_item *it = &x->p->items[i];
	const struct ds_bucket *source = x->p->ds->replications[it->index].source;
	const char *why = x->failed[it->needs[0]]   ? "its replication configuration failed"
			  : x->failed[it->needs[1]] ? "its batch role failed"
						    : NULL;
	if (why) {
		x->failed[i] = true;
		diags_add(x->e->d, CRRC_E100, it->pos,
			  "the batch replication job for rule '%s' of '%s' was not started: %s",
			  it->rule, it->name, why);
		progress(x, it, "not attempted");
		return;
	}
	struct s3control_job_spec job = {
		.account = it->account, .source_bucket_arn = source->arn,
		.role_arn = it->role_arn, .report_bucket_arn = source->arn,
		.report_prefix = it->batch->report_prefix, .token = it->batch->token,
		.key_prefix = it->batch->key_prefix,
		.description = it->description, .priority = 10};
	write_send(x, i, STEP_JOB, "s3:CreateJob",
		   s3control_create_job(ep->url, ep->signing_region, &job), retry_batch_role);
}

/* What wave n finished: each item whose last step was in it. */
static void wave_said(struct exec *x, size_t n)
{
	unsigned later = 0;
	for (size_t k = n + 1; k < NWAVES; k++)
		later |= wave_steps[k];
	for (size_t i = 0; i < x->p->n; i++) {
		const struct plan_item *it = &x->p->items[i];
		if (x->failed[i] || !(it->steps & wave_steps[n]) || (it->steps & later))
			continue;
		progress(x, it, it->action == PLAN_CREATE  ? "created"
				: it->action == PLAN_ADOPT ? "adopted"
							   : "updated");
	}
}

static void wave(struct exec *x, size_t n)
{
	static void (*const send[])(struct exec *, size_t, const struct aws_endpoint *) = {
		wave_create, wave_mark, wave_configure, wave_replicate, wave_job};
	x->e->progress.sent = x->e->progress.done = 0; /* items of this wave */
	for (size_t i = 0; i < x->p->n; i++) {
		struct plan_item *it = &x->p->items[i];
		struct aws_endpoint ep = {0};
		if (!(it->steps & wave_steps[n]) || x->failed[i] || !item_endpoint(x, it, &ep))
			continue;
		send[n](x, i, &ep);
		aws_endpoint_clear(&ep);
	}
	x->e->progress.step = n;
	engine_progress_line(x->e, false);
	http_run(x->e->http);
	engine_progress_line(x->e, true);
	wave_said(x, n);
}

void engine_exec(struct engine *e, struct plan *p, struct apply_summary *sum)
{
	struct exec x = {e, p, xcalloc(p->n + 1, sizeof(bool)), sum,
			 .inflight = xcalloc(p->n + 1, sizeof(unsigned))};
	/* the waves, then the points' (points_exec.c) when there are any */
	e->progress = (struct engine_progress){.tty = e->o->interactive,
					       .nsteps = NWAVES + !!p->ds->npoints};
	for (size_t n = 0; n < NWAVES; n++)
		wave(&x, n);
	e->progress.step = NWAVES;
	e->progress.sent = e->progress.done = 0;
	engine_exec_points(e, p, x.failed);
	engine_progress_line(e, true); /* the summary comes next */
	e->progress.tty = false;
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->action == PLAN_BLOCKED)
			sum->blocked++;
		else if (x.failed[i])
			sum->failed++;
		else if (it->action == PLAN_CREATE)
			sum->created++;
		else if (it->action == PLAN_NONE)
			sum->unchanged++;
		else
			sum->updated++;
	}
	free(x.failed);
	free(x.inflight);
}
