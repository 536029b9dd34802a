/* live.c: the live-state snapshot's memory (live.h), and its lists of
 * tags, jobs and routes. */
#include "apply/live.h"

#include <stdlib.h>
#include <string.h>

#include "aws/s3_replication.h"
#include "base/oom.h"

struct live *live_create(size_t nbuckets, size_t nreplications, size_t nplaces)
{
	struct live *l = xcalloc(1, sizeof(*l));
	size_t nroles = 2 * nreplications;
	l->buckets = xcalloc(nbuckets + 1, sizeof(*l->buckets));
	l->roles = xcalloc(nroles + 1, sizeof(*l->roles));
	l->batch_roles = l->roles + nreplications;
	l->jobs = xcalloc(nplaces + 1, sizeof(*l->jobs));
	l->place_accounts = xcalloc(nplaces + 1, sizeof(*l->place_accounts));
	l->place_errors = xcalloc(nplaces + 1, sizeof(*l->place_errors));
	l->nbuckets = nbuckets;
	l->nroles = nroles;
	l->nplaces = nplaces;
	return l;
}

void live_tags_clear(struct live_tags *tags)
{
	for (size_t i = 0; i < tags->n; i++) {
		free(tags->v[i].name);
		free(tags->v[i].value);
	}
	free(tags->v);
	*tags = (struct live_tags){0};
}

void live_tags_add(struct live_tags *tags, const char *key, const char *value)
{
	if ((tags->n & (tags->n - 1)) == 0) /* 0, 1, 2, 4...: full */
		tags->v = xrealloc(tags->v, (tags->n ? tags->n * 2 : 1) * sizeof(*tags->v));
	tags->v[tags->n++] = (struct aws_kv){xstrdup(key), xstrdup(value ? value : "")};
}

const char *live_tag(const struct live_tags *tags, const char *key)
{
	for (size_t i = 0; i < tags->n; i++)
		if (strcmp(tags->v[i].name, key) == 0)
			return tags->v[i].value;
	return NULL;
}

void live_jobs_add(struct live_jobs *jobs, const char *token, const struct live_job *job)
{
	if ((jobs->n & (jobs->n - 1)) == 0) /* 0, 1, 2, 4...: full */
		jobs->v = xrealloc(jobs->v, (jobs->n ? jobs->n * 2 : 1) * sizeof(*jobs->v));
	jobs->v[jobs->n++] = (struct live_job){
		xstrdup(token), xstrdup(job->id), xstrdup(job->status ? job->status : ""),
		job->total, job->succeeded, job->failed};
}

const struct live_job *live_job_find(const struct live_jobs *jobs, const char *token)
{
	for (size_t i = 0; i < jobs->n; i++)
		if (strcmp(jobs->v[i].token, token) == 0)
			return &jobs->v[i];
	return NULL;
}

static void jobs_free(struct live_jobs *j)
{
	for (size_t i = 0; i < j->n; i++) {
		free(j->v[i].token);
		free(j->v[i].id);
		free(j->v[i].status);
	}
	free(j->v);
	free(j->error);
}

static void bucket_free(struct live_bucket *b)
{
	free(b->region);
	free(b->versioning);
	free(b->sse);
	free(b->kms_key);
	live_tags_clear(&b->tags);
	json_decref(b->policy);
	if (b->replication) {
		s3_replication_free(b->replication);
		free(b->replication);
	}
	free(b->error);
}

static void role_free(struct live_role *r)
{
	free(r->arn);
	json_decref(r->trust);
	json_decref(r->policy);
	live_tags_clear(&r->tags);
	free(r->error);
}

void live_points_create(struct live *l, size_t npoints)
{
	l->points = xcalloc(npoints + 1, sizeof(*l->points));
	l->npoints = npoints;
}

void live_routes_add(struct live_routes *r, const char *bucket, const char *region, int dial)
{
	r->v = xrealloc(r->v, (r->n + 1) * sizeof(*r->v));
	r->v[r->n++] = (struct live_route){xstrdup(bucket ? bucket : ""), xstrdup(region), dial};
}

void live_routes_clear(struct live_routes *r)
{
	for (size_t i = 0; i < r->n; i++) {
		free(r->v[i].bucket);
		free(r->v[i].region);
	}
	free(r->v);
	*r = (struct live_routes){0};
}

int live_route_dial(const struct live_routes *r, const char *bucket)
{
	for (size_t i = 0; i < r->n; i++)
		if (strcmp(r->v[i].bucket, bucket) == 0)
			return r->v[i].dial;
	return -1;
}

static void point_free(struct live_point *p)
{
	free(p->alias);
	free(p->status);
	for (size_t i = 0; i < p->nbuckets; i++)
		free(p->buckets[i]);
	free(p->buckets);
	json_decref(p->policy);
	live_routes_clear(&p->routes);
	free(p->error);
}

void live_destroy(struct live *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->npoints; i++)
		point_free(&l->points[i]);
	free(l->points);
	for (size_t i = 0; i < l->nbuckets; i++)
		bucket_free(&l->buckets[i]);
	for (size_t i = 0; i < l->nroles; i++)
		role_free(&l->roles[i]);
	for (size_t i = 0; i < l->nplaces; i++) {
		jobs_free(&l->jobs[i]);
		free(l->place_accounts[i]);
		free(l->place_errors[i]);
	}
	free(l->place_errors);
	free(l->buckets);
	free(l->roles);
	free(l->jobs);
	free(l->place_accounts);
	free(l);
}
