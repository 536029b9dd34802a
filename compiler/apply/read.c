/* read.c: what AWS holds, read into the live state (live.h), every bucket
 * and role at once over the shared transport. A bucket's reads start with
 * HeadBucket (does it exist, where, is it ours to read); then its
 * versioning, encryption, tags, policy and replication configuration go
 * in parallel; an unmarked bucket crrc would create is listed for one
 * object version, and its policy and replication configuration are read
 * even when the spec gives it none, to tell an interrupted run's empty,
 * bare bucket from someone else's. A role (an entry's replication role,
 * and its batch role when it has rules with existing_objects: true) is
 * GetRole, then its inline policy. The S3 Batch Operations jobs are listed
 * (all pages) once per place of such sources, keeping those whose
 * Description begins with a crrc token; the Multi-Region Access Points are
 * read by points.c. Reads send no write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/engine.h"
#include "apply/points.h"
#include "aws/api.h"
#include "aws/policy.h"
#include "aws/http.h"
#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/s3_replication.h"
#include "aws/s3control.h"
#include "base/oom.h"

/* The inline policies crrc puts on the roles it creates. */
#define ROLE_POLICY_NAME "s3-replication"
#define BATCH_POLICY_NAME "s3-batch-replication"

enum read_what {
	READ_HEAD, READ_VERSIONING, READ_ENCRYPTION, READ_TAGS, READ_POLICY, READ_REPLICATION,
	READ_EMPTY, READ_ROLE, READ_ROLE_POLICY, READ_JOBS,
};

static const char *const read_names[] = {
	"s3:HeadBucket", "s3:GetBucketVersioning", "s3:GetBucketEncryption",
	"s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketReplication",
	"s3:ListObjectVersions", "iam:GetRole", "iam:GetRolePolicy", "s3:ListJobs",
};

struct read {
	struct engine *e;
	enum read_what what;
	size_t index; /* the bucket's; a role's in live->roles; the place's */
	struct aws_endpoint ep;
};

/* A read that failed: the first failure of a bucket or role is kept. */
static void read_failed(enum live_presence *presence, char **error, const char *what,
			const struct aws_call_end *end, const char *detail)
{
	char msg[800];
	const struct aws_error *er = end ? end->error : NULL;
	snprintf(msg, sizeof(msg), "%s: %s%s%s", what,
		 detail ? detail : er && er->code[0] ? er->code : "no answer",
		 er && er->message[0] && !detail ? ": " : "", er && !detail ? er->message : "");
	if (*presence != LIVE_FAILED) {
		*presence = LIVE_FAILED;
		free(*error);
		*error = xstrdup(msg);
	}
}

static void bucket_failed(struct live_bucket *lb, const char *what, const struct aws_call_end *end,
			  const char *detail)
{
	read_failed(&lb->presence, &lb->error, what, end, detail);
}

static void read_send(struct engine *e, const struct ds_place *p, struct read *r,
		      struct aws_request *req, aws_call_fn done);

static struct read *read_new(struct engine *e, enum read_what what, size_t index,
			     const struct aws_endpoint *ep)
{
	struct read *r = xcalloc(1, sizeof(*r));
	r->e = e;
	r->what = what;
	r->index = index;
	r->ep.url = xstrdup(ep->url);
	r->ep.path_prefix = xstrdup(ep->path_prefix);
	r->ep.signing_region = xstrdup(ep->signing_region);
	r->ep.signing_service = xstrdup(ep->signing_service);
	return r;
}

static void read_free(struct read *r)
{
	aws_endpoint_clear(&r->ep);
	free(r);
}

static void tags_from_s3(struct live_tags *out, const struct aws_tags *t)
{
	for (size_t i = 0; i < t->n; i++)
		live_tags_add(out, t->v[i].key, t->v[i].value);
}

/* The parse of a bucket read into lb; false (lb failed) when it failed. */
static bool bucket_parse(struct read *r, struct live_bucket *lb, const struct aws_response *resp)
{
	char err[256] = "";
	enum aws_read rd = AWS_READ_FAILED;
	switch (r->what) {
	case READ_VERSIONING: {
		enum s3_versioning v;
		bool mfa;
		rd = s3_get_versioning_parse(resp, &v, &mfa, err, sizeof(err));
		if (rd == AWS_READ_OK && v != S3_VERSIONING_NEVER)
			lb->versioning = xstrdup(v == S3_VERSIONING_ENABLED ? "Enabled" : "Suspended");
		break;
	}
	case READ_ENCRYPTION: {
		struct s3_encryption enc = {0};
		rd = s3_get_encryption_parse(resp, &enc, err, sizeof(err));
		lb->sse_read = rd != AWS_READ_FAILED;
		lb->sse = xstrdup(enc.algorithm);
		lb->kms_key = xstrdup(enc.kms_key_id);
		lb->bucket_key = enc.bucket_key;
		s3_encryption_free(&enc);
		break;
	}
	case READ_TAGS: {
		struct aws_tags t = {0};
		rd = s3_get_tagging_parse(resp, &t, err, sizeof(err));
		tags_from_s3(&lb->tags, &t);
		aws_tags_free(&t);
		break;
	}
	case READ_POLICY:
		rd = s3_get_policy_parse(resp, &lb->policy, err, sizeof(err));
		break;
	case READ_REPLICATION: {
		struct s3_replication *rep = xcalloc(1, sizeof(*rep));
		rd = s3_get_replication_parse(resp, rep, err, sizeof(err));
		if (rd == AWS_READ_OK)
			lb->replication = rep;
		else {
			s3_replication_free(rep);
			free(rep);
		}
		break;
	}
	case READ_EMPTY:
		rd = s3_list_versions_parse(resp, &lb->empty, err, sizeof(err));
		break;
	default:
		break;
	}
	if (rd == AWS_READ_FAILED)
		bucket_failed(lb, read_names[r->what], NULL, err[0] ? err : "unreadable answer");
	return rd != AWS_READ_FAILED;
}

static void bucket_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud);

/* Another read of bucket r->index, at the same endpoint. */
static void bucket_read(struct read *from, enum read_what what)
{
	struct engine *e = from->e;
	const struct ds_bucket *b = &e->ds->buckets[from->index];
	struct read *r = read_new(e, what, from->index, &from->ep);
	const char *u = r->ep.url, *pp = r->ep.path_prefix, *rg = r->ep.signing_region;
	struct aws_request *req = what == READ_VERSIONING    ? s3_get_versioning(u, pp, rg)
				  : what == READ_ENCRYPTION  ? s3_get_encryption(u, pp, rg)
				  : what == READ_TAGS        ? s3_get_tagging(u, pp, rg)
				  : what == READ_POLICY      ? s3_get_policy(u, pp, rg)
				  : what == READ_REPLICATION ? s3_get_replication(u, pp, rg)
							     : s3_list_versions(u, pp, rg);
	read_send(e, b->place, r, req, bucket_read_done);
}

/* What exists, where: then the rest of the bucket's reads. */
static void bucket_head(struct read *r, struct live_bucket *lb, const struct aws_call_end *end)
{
	struct engine *e = r->e;
	const struct ds_bucket *b = &e->ds->buckets[r->index];
	char region[64] = "";
	enum s3_head h = s3_head_bucket_parse(end->resp, region);
	if (region[0])
		lb->region = xstrdup(region);
	if (h == S3_HEAD_ABSENT) {
		lb->presence = LIVE_ABSENT;
		return;
	}
	if (region[0] && strcmp(region, b->place->region) != 0) {
		lb->presence = LIVE_ELSEWHERE;
		return;
	}
	if (h == S3_HEAD_FORBIDDEN || h == S3_HEAD_MOVED) {
		lb->presence = h == S3_HEAD_FORBIDDEN ? LIVE_FORBIDDEN : LIVE_ELSEWHERE;
		return;
	}
	if (h != S3_HEAD_EXISTS) {
		bucket_failed(lb, read_names[READ_HEAD], end, NULL);
		return;
	}
	lb->presence = LIVE_PRESENT;
	bucket_read(r, READ_VERSIONING);
	bucket_read(r, READ_ENCRYPTION);
	bucket_read(r, READ_TAGS);
	if (b->policy_by != DS_WRITER_NONE) /* crrc's to write, or to check */
		bucket_read(r, READ_POLICY);
	if (b->replication && b->replication->nrules)
		bucket_read(r, READ_REPLICATION);
}

/* An unmarked bucket crrc would create: ours after an interrupted run only
 * if it is bare, so what bucket_head did not read for the spec's sake is
 * read too: one object version, and its policy and replication
 * configuration (someone else's, which the plan would otherwise not see). */
static void bucket_read_bare(struct read *r, const struct ds_bucket *b)
{
	bucket_read(r, READ_EMPTY);
	if (b->policy_by != DS_WRITER_CRRC)
		bucket_read(r, READ_POLICY);
	if (!(b->replication && b->replication->nrules))
		bucket_read(r, READ_REPLICATION);
}

static void bucket_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct read *r = ud;
	struct live_bucket *lb = &r->e->live->buckets[r->index];
	const struct ds_bucket *b = &r->e->ds->buckets[r->index];
	(void)req;
	if (r->what == READ_HEAD)
		bucket_head(r, lb, end);
	else if (!end->ok && (!end->resp->status || end->resp->status >= 500 ||
			      end->resp->status == 403))
		bucket_failed(lb, read_names[r->what], end, NULL);
	else if (bucket_parse(r, lb, end->resp) && r->what == READ_TAGS && b->create &&
		 !live_tag(&lb->tags, LIVE_MARK_KEY))
		bucket_read_bare(r, b);
	read_free(r);
}

static void read_send(struct engine *e, const struct ds_place *p, struct read *r,
		      struct aws_request *req, aws_call_fn done)
{
	struct engine_account *acc = engine_account_of(e, p);
	if (!acc->client || !req) { /* the place is blocked: its credentials failed */
		aws_request_destroy(req);
		read_free(r);
		return;
	}
	struct retry_policy policy;
	engine_policy(e, NULL, &policy);
	e->reads++;
	aws_client_call(acc->client, req, &policy, done, r);
}

static void role_failed(struct live_role *lr, const char *what, const struct aws_call_end *end,
			const char *detail)
{
	read_failed(&lr->presence, &lr->error, what, end, detail);
}

static void role_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud);

/* Role k of live->roles: entry k's replication role, or for k past the
 * entries, entry k - n's batch role. */
static const struct ds_role *role_of(const struct engine *e, size_t k, const char **policy)
{
	size_t n = e->ds->nreplications;
	const struct ds_replication *rep = &e->ds->replications[k % n];
	*policy = k < n ? ROLE_POLICY_NAME : BATCH_POLICY_NAME;
	return k < n ? &rep->role : &rep->batch_role;
}

/* GetRole answered: the role is read, then its inline policy. */
static void role_found(struct read *r, struct live_role *lr, const struct aws_call_end *end)
{
	struct engine *e = r->e;
	const struct ds_replication *rep = &e->ds->replications[r->index % e->ds->nreplications];
	const char *policy;
	const struct ds_role *role = role_of(e, r->index, &policy);
	struct iam_role got = {0};
	char err[256] = "";
	enum aws_read rd = iam_get_role_parse(end->resp, &got, err, sizeof(err));
	if (rd == AWS_READ_FAILED)
		role_failed(lr, read_names[r->what], end, err);
	else if (rd == AWS_READ_ABSENT)
		lr->presence = LIVE_ABSENT;
	else {
		lr->presence = LIVE_PRESENT;
		lr->arn = xstrdup(got.arn);
		lr->trust = json_incref(got.assume_role_policy);
		for (size_t i = 0; i < got.tags.n; i++)
			live_tags_add(&lr->tags, got.tags.v[i].key, got.tags.v[i].value);
		struct read *next = read_new(e, READ_ROLE_POLICY, r->index, &r->ep);
		read_send(e, rep->source->place, next,
			  iam_get_role_policy(r->ep.url, r->ep.signing_region, role->name, policy),
			  role_read_done);
	}
	iam_role_free(&got);
}

static void role_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct read *r = ud;
	struct live_role *lr = &r->e->live->roles[r->index];
	char err[256] = "";
	(void)req;
	if (!end->ok && (!end->resp->status || end->resp->status >= 500 || end->resp->status == 403))
		role_failed(lr, read_names[r->what], end, NULL);
	else if (r->what == READ_ROLE)
		role_found(r, lr, end);
	else if (iam_get_role_policy_parse(end->resp, &lr->policy, err, sizeof(err)) ==
		 AWS_READ_FAILED)
		role_failed(lr, read_names[r->what], end, err);
	read_free(r);
}

static void read_bucket_start(struct engine *e, const struct ds_bucket *b)
{
	struct aws_endpoint ep = {0};
	char *err = NULL;
	if (!aws_endpoint_s3_bucket(&ep, b->name, b->place->region, e->env, &err)) {
		bucket_failed(&e->live->buckets[b->index], "the S3 endpoint", NULL, err);
		free(err);
		return;
	}
	struct read *r = read_new(e, READ_HEAD, b->index, &ep);
	read_send(e, b->place, r, s3_head_bucket(ep.url, ep.path_prefix, ep.signing_region),
		  bucket_read_done);
	aws_endpoint_clear(&ep);
}

/* Role k of live->roles (role_of). */
static void read_role_start(struct engine *e, size_t k)
{
	const struct ds_replication *rep = &e->ds->replications[k % e->ds->nreplications];
	const char *policy;
	const struct ds_role *role = role_of(e, k, &policy);
	struct aws_endpoint ep = {0};
	char *err = NULL;
	if (!aws_endpoint_service(&ep, "iam", rep->source->place->region, e->env, &err)) {
		role_failed(&e->live->roles[k], "the IAM endpoint", NULL, err);
		free(err);
		return;
	}
	struct read *r = read_new(e, READ_ROLE, k, &ep);
	read_send(e, rep->source->place, r, iam_get_role(ep.url, ep.signing_region, role->name),
		  role_read_done);
	aws_endpoint_clear(&ep);
}

/* The token a crrc job's Description begins with ("crrc-" 16 hex digits
 * and a space), copied into token; false for another job. */
static bool job_token(const char *description, char token[22])
{
	if (!description || strncmp(description, "crrc-", 5) != 0 ||
	    strspn(description + 5, "0123456789abcdef") != 16 || description[21] != ' ')
		return false;
	memcpy(token, description, 21);
	token[21] = '\0';
	return true;
}

static void jobs_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud);

/* A page of place k's jobs, from next_token (NULL: the first). */
static void jobs_read(struct engine *e, size_t k, const struct aws_endpoint *ep,
		      const char *next_token)
{
	struct read *r = read_new(e, READ_JOBS, k, ep);
	const char *account = e->live->place_accounts[k];
	const struct ds_place *p = &e->ds->places[k];
	if (p->account)
		account = p->account->id;
	read_send(e, p, r, s3control_list_jobs(ep->url, ep->signing_region, account, next_token),
		  jobs_read_done);
}

static void jobs_read_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct read *r = ud;
	struct live_jobs *lj = &r->e->live->jobs[r->index];
	struct s3control_jobs page = {0};
	char err[256] = "";
	(void)req;
	if (!end->ok)
		read_failed(&lj->presence, &lj->error, read_names[r->what], end, NULL);
	else if (s3control_list_jobs_parse(end->resp, &page, err, sizeof(err)) == AWS_READ_FAILED)
		read_failed(&lj->presence, &lj->error, read_names[r->what], end, err);
	else {
		for (size_t i = 0; i < page.n; i++) {
			char token[22];
			if (job_token(page.v[i].description, token))
				live_jobs_add(lj, token,
					      &(struct live_job){.id = page.v[i].id,
								 .status = page.v[i].status,
								 .total = page.v[i].total,
								 .succeeded = page.v[i].succeeded,
								 .failed = page.v[i].failed});
		}
		if (page.next_token)
			jobs_read(r->e, r->index, &r->ep, page.next_token);
		else if (lj->presence == LIVE_UNREAD)
			lj->presence = LIVE_PRESENT;
	}
	s3control_jobs_free(&page);
	read_free(r);
}

/* ListJobs of place k, at S3 Control in its account and region. */
static void read_jobs_start(struct engine *e, size_t k)
{
	const struct ds_place *p = &e->ds->places[k];
	const char *account = p->account ? p->account->id : e->live->place_accounts[k];
	struct live_jobs *lj = &e->live->jobs[k];
	struct aws_endpoint ep = {0};
	char *err = NULL;
	if (!account) /* no credentials for it: the place is blocked */
		return;
	if (!aws_endpoint_s3_control(&ep, account, p->region, e->env, &err)) {
		read_failed(&lj->presence, &lj->error, "the S3 Control endpoint", NULL, err);
		free(err);
		return;
	}
	jobs_read(e, k, &ep, NULL);
	aws_endpoint_clear(&ep);
}

/* ListJobs of every place that holds a source with batch jobs, once. */
static void read_jobs_all(struct engine *e)
{
	bool *listed = xcalloc(e->ds->nplaces + 1, sizeof(bool));
	for (size_t i = 0; i < e->ds->nreplications; i++) {
		const struct ds_replication *rep = &e->ds->replications[i];
		size_t k = (size_t)(rep->source->place - e->ds->places);
		if (rep->nrules && rep->nbatches && !listed[k])
			read_jobs_start(e, k);
		listed[k] = true;
	}
	free(listed);
}

void engine_read(struct engine *e)
{
	size_t n = e->ds->nreplications;
	for (size_t i = 0; i < e->ds->nbuckets; i++)
		read_bucket_start(e, &e->ds->buckets[i]);
	for (size_t i = 0; i < n; i++) {
		const struct ds_replication *rep = &e->ds->replications[i];
		if (rep->nrules && rep->role.create && rep->role.name)
			read_role_start(e, i);
		if (rep->nrules && rep->nbatches)
			read_role_start(e, n + i);
	}
	read_jobs_all(e);
	engine_read_points(e);
	http_run(e->http);
}

void engine_read_jobs(struct engine *e)
{
	read_jobs_all(e);
	http_run(e->http);
}
