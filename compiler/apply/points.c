/* points.c: the Multi-Region Access Points, read and written through S3
 * Control in the point's account: GetMultiRegionAccessPoint and its policy
 * in us-west-2 (the control plane), its routes from the first of the five
 * failover-control regions that answers (a transport error or a 5xx moves
 * on to the next: a region may be down). Writes come last, once the
 * member buckets are in place: CreateMultiRegionAccessPoint, followed with
 * DescribeMultiRegionAccessPointOperation until SUCCEEDED or FAILED (with
 * growing pauses, bounded by the step timeout), then its policy (followed
 * the same way, with the alias in its ARN), then its routes. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/points.h"
#include "aws/http.h"
#include "aws/s3mrap.h"
#include "base/oom.h"

bool points_try_next(const struct aws_call_end *end)
{
	return !end->ok && (!end->resp->status || end->resp->status >= 500);
}

void points_route_policy(const struct engine *e, struct retry_policy *out)
{
	engine_policy(e, NULL, out);
	out->max_attempts = 2; /* then the next region: this one may be down */
}

const char *points_account(const struct engine *e, const struct ds_access_point *pt)
{
	size_t k = (size_t)(pt->place - e->ds->places);
	return pt->account ? pt->account : k < e->live->nplaces ? e->live->place_accounts[k] : NULL;
}

bool points_endpoint(const struct engine *e, const char *account, const char *region,
		     struct aws_endpoint *ep, char **err)
{
	return aws_endpoint_s3_control(ep, account, region, e->env, err);
}

struct s3mrap_route *points_routes_want(const struct ds_access_point *pt,
					const struct ds_bucket *active)
{
	struct s3mrap_route *v = xcalloc(pt->nmembers + 1, sizeof(*v));
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_point_member *m = &pt->members[i];
		v[i].bucket = (char *)m->bucket->name;
		v[i].region = (char *)m->bucket->place->region;
		v[i].dial = (active ? m->bucket == active : m->active) ? 100 : 0;
	}
	return v;
}

/* ------------------------------------------------------------ reads */

enum pread { PREAD_GET, PREAD_POLICY, PREAD_ROUTES };

struct pread_call {
	struct engine *e;
	size_t index;
	enum pread what;
	size_t region; /* PREAD_ROUTES: in aws_mrap_route_regions */
	char *account;
};

static void pread_send(struct engine *e, size_t index, enum pread what, size_t region);

static void pread_failed(struct live_point *lp, const char *what, const struct aws_call_end *end,
			 const char *detail)
{
	char msg[800];
	const struct aws_error *er = end ? end->error : NULL;
	snprintf(msg, sizeof(msg), "%s: %s%s%s", what,
		 detail ? detail : er && er->code[0] ? er->code : "no answer",
		 er && er->message[0] && !detail ? ": " : "", er && !detail ? er->message : "");
	if (lp->presence != LIVE_FAILED) {
		lp->presence = LIVE_FAILED;
		free(lp->error);
		lp->error = xstrdup(msg);
	}
}

static void pread_got(struct pread_call *c, struct live_point *lp, const struct aws_call_end *end)
{
	struct s3mrap m = {0};
	char err[256] = "";
	enum aws_read rd = s3mrap_get_parse(end->resp, &m, err, sizeof(err));
	if (rd == AWS_READ_ABSENT)
		lp->presence = LIVE_ABSENT;
	else if (rd == AWS_READ_FAILED)
		pread_failed(lp, "s3:GetMultiRegionAccessPoint", end, err[0] ? err : NULL);
	else {
		lp->presence = LIVE_PRESENT;
		lp->alias = xstrdup(m.alias);
		lp->status = xstrdup(m.status);
		lp->buckets = xcalloc(m.nregions + 1, sizeof(*lp->buckets));
		for (size_t i = 0; i < m.nregions; i++)
			lp->buckets[lp->nbuckets++] = xstrdup(m.regions[i].bucket);
		pread_send(c->e, c->index, PREAD_POLICY, 0);
		pread_send(c->e, c->index, PREAD_ROUTES, 0);
	}
	s3mrap_free(&m);
}

static void pread_routes(struct pread_call *c, struct live_point *lp,
			 const struct aws_call_end *end)
{
	struct s3mrap_routes got = {0};
	char err[256] = "";
	if (points_try_next(end) && c->region + 1 < AWS_MRAP_ROUTE_REGIONS) {
		pread_send(c->e, c->index, PREAD_ROUTES, c->region + 1);
		return;
	}
	if (s3mrap_get_routes_parse(end->resp, &got, err, sizeof(err)) != AWS_READ_OK) {
		pread_failed(lp, "s3:GetMultiRegionAccessPointRoutes", end, err[0] ? err : NULL);
	} else {
		lp->routes_read = true;
		for (size_t i = 0; i < got.n; i++)
			live_routes_add(&lp->routes, got.v[i].bucket, got.v[i].region,
					got.v[i].dial);
	}
	s3mrap_routes_free(&got);
}

static void pread_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct pread_call *c = ud;
	struct live_point *lp = &c->e->live->points[c->index];
	char err[256] = "";
	(void)req;
	if (c->what == PREAD_GET)
		pread_got(c, lp, end);
	else if (c->what == PREAD_ROUTES)
		pread_routes(c, lp, end);
	else if (!end->ok && end->resp->status == 404)
		; /* NoSuchMultiRegionAccessPointPolicy: none yet */
	else if (s3mrap_get_policy_parse(end->resp, &lp->policy, err, sizeof(err)) ==
		 AWS_READ_FAILED)
		pread_failed(lp, "s3:GetMultiRegionAccessPointPolicy", end, err[0] ? err : NULL);
	free(c->account);
	free(c);
}

static void pread_send(struct engine *e, size_t index, enum pread what, size_t region)
{
	const struct ds_access_point *pt = &e->ds->points[index];
	struct live_point *lp = &e->live->points[index];
	struct engine_account *acc = engine_account_of(e, pt->place);
	const char *account = points_account(e, pt);
	struct aws_endpoint ep = {0};
	char *err = NULL;
	const char *rg = what == PREAD_ROUTES ? aws_mrap_route_regions[region]
					      : AWS_MRAP_CONTROL_REGION;
	if (!acc->client || !account) /* blocked: its credentials failed */
		return;
	if (!points_endpoint(e, account, rg, &ep, &err)) {
		pread_failed(lp, "the S3 Control endpoint", NULL, err);
		free(err);
		return;
	}
	struct aws_request *req = NULL;
	char *arn = what == PREAD_ROUTES ? s3mrap_arn(pt->place->partition, account, lp->alias)
					 : NULL;
	if (what == PREAD_GET)
		req = s3mrap_get(ep.url, ep.signing_region, account, pt->name);
	else if (what == PREAD_POLICY)
		req = s3mrap_get_policy(ep.url, ep.signing_region, account, pt->name);
	else
		req = s3mrap_get_routes(ep.url, ep.signing_region, account, arn);
	free(arn);
	aws_endpoint_clear(&ep);
	if (!req) {
		pread_failed(lp, "S3 Control", NULL, "crrc could not build the request");
		return;
	}
	struct pread_call *c = xcalloc(1, sizeof(*c));
	*c = (struct pread_call){e, index, what, region, xstrdup(account)};
	struct retry_policy policy;
	if (what == PREAD_ROUTES)
		points_route_policy(e, &policy);
	else
		engine_policy(e, NULL, &policy);
	e->reads++;
	aws_client_call(acc->client, req, &policy, pread_done, c);
}

void engine_read_points(struct engine *e)
{
	for (size_t i = 0; i < e->ds->npoints && i < e->live->npoints; i++)
		pread_send(e, i, PREAD_GET, 0);
}

void engine_read_point(struct engine *e, size_t i, bool routes_only)
{
	struct live_point *lp = &e->live->points[i];
	if (routes_only) {
		live_routes_clear(&lp->routes);
		lp->routes_read = false;
	}
	pread_send(e, i, routes_only ? PREAD_ROUTES : PREAD_GET, 0);
}
