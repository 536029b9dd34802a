/* points_exec.c: the plan's Multi-Region Access Points carried out, after
 * every other wave (their buckets must exist and be in place), in rounds:
 * each point sends its next request, the transport runs them all, and
 * while an asynchronous operation runs the round waits, longer each time
 * (250 ms doubling to 2 s), no longer in all than the step timeout.
 *
 *	create -> describe... -> get (the alias) -> put policy -> describe...
 *	       -> submit routes (the next failover-control region on failure)
 *
 * A point whose member failed is not attempted; a failure is E100 at the
 * point. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/points.h"
#include "aws/http.h"
#include "aws/s3mrap.h"
#include "base/oom.h"

enum pstate { PS_CREATE, PS_POLL_CREATE, PS_GET, PS_POLICY, PS_POLL_POLICY, PS_ROUTES, PS_DONE };

struct pexec {
	struct engine *e;
	struct plan_item *it;
	bool *failed;     /* the item's */
	enum pstate state;
	bool busy;        /* a request is in flight */
	bool polling;     /* the last describe said it still runs */
	char *token;      /* of the operation followed */
	char *alias;
	const char *account;
	size_t region;    /* PS_ROUTES: in aws_mrap_route_regions */
	const char *what; /* the API action in flight, for messages */
};

static const char *const said[] = {"created", "updated"};

static void pexec_fail(struct pexec *x, const struct aws_call_end *end, const char *detail)
{
	*x->failed = true;
	x->state = PS_DONE;
	if (end && !detail)
		engine_failed(x->e, x->it->pos, x->what, x->it->name, end);
	else {
		x->e->failures++;
		diags_add(x->e->d, CRRC_E100, x->it->pos, "%s of '%s' failed: %s", x->what,
			  x->it->name, detail ? detail : "no answer");
	}
	x->e->progress.done++;
	engine_progress_say(x->e, x->it, "failed");
}

/* The step after state, as the item's steps say. */
static enum pstate pexec_next(const struct pexec *x, enum pstate state)
{
	unsigned s = x->it->steps;
	if (state < PS_GET && !x->alias)
		return PS_GET;
	if (state < PS_POLICY && (s & STEP_POINT_POLICY))
		return PS_POLICY;
	if (state < PS_ROUTES && (s & STEP_ROUTES))
		return PS_ROUTES;
	return PS_DONE;
}

static void pexec_done_state(struct pexec *x, enum pstate next)
{
	x->state = next;
	if (next != PS_DONE)
		return;
	x->e->progress.done++;
	engine_progress_say(x->e, x->it, said[x->it->action != PLAN_CREATE]);
}

/* A describe's answer: on to the next step, wait, or fail. */
static void pexec_followed(struct pexec *x, const struct aws_call_end *end)
{
	struct s3mrap_operation op = {0};
	char err[256] = "";
	if (s3mrap_describe_operation_parse(end->resp, &op, err, sizeof(err)) != AWS_READ_OK)
		pexec_fail(x, NULL, err[0] ? err : "an answer crrc cannot read");
	else if (op.state == S3MRAP_FAILED) {
		char msg[600];
		snprintf(msg, sizeof(msg), "the operation FAILED: %s%s%s",
			 op.error_code ? op.error_code : "no reason given",
			 op.error_message ? ": " : "", op.error_message ? op.error_message : "");
		pexec_fail(x, NULL, msg);
	} else if (op.state == S3MRAP_SUCCEEDED) {
		x->polling = false;
		pexec_done_state(x, pexec_next(x, x->state));
	} else
		x->polling = true;
	s3mrap_operation_free(&op);
}

static void pexec_answered(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct pexec *x = ud;
	char err[256] = "";
	(void)req;
	x->busy = false;
	if (x->state == PS_ROUTES && points_try_next(end) &&
	    x->region + 1 < AWS_MRAP_ROUTE_REGIONS) {
		x->region++; /* that region may be down: the next one */
		return;
	}
	if (!end->ok && x->state != PS_GET) {
		pexec_fail(x, end, NULL);
		return;
	}
	switch (x->state) {
	case PS_CREATE:
	case PS_POLICY:
		free(x->token);
		x->token = NULL;
		if (!(x->state == PS_CREATE
			      ? s3mrap_create_parse(end->resp, &x->token, err, sizeof(err))
			      : s3mrap_put_policy_parse(end->resp, &x->token, err, sizeof(err))))
			pexec_fail(x, NULL, err);
		else
			x->state++; /* its poll */
		break;
	case PS_POLL_CREATE:
	case PS_POLL_POLICY:
		pexec_followed(x, end);
		break;
	case PS_GET: {
		struct s3mrap m = {0};
		if (s3mrap_get_parse(end->resp, &m, err, sizeof(err)) != AWS_READ_OK)
			pexec_fail(x, end->ok ? NULL : end, end->ok ? err : NULL);
		else {
			x->alias = xstrdup(m.alias);
			pexec_done_state(x, pexec_next(x, PS_GET));
		}
		s3mrap_free(&m);
		break;
	}
	default:
		pexec_done_state(x, PS_DONE);
		break;
	}
}

/* The request of x's state, or NULL. */
static struct aws_request *pexec_request(struct pexec *x, const struct aws_endpoint *ep)
{
	const struct ds_access_point *pt = x->it->point;
	const char *u = ep->url, *rg = ep->signing_region, *acct = x->account;
	struct aws_request *req = NULL;
	if (x->state == PS_CREATE) {
		struct s3mrap_region *v = xcalloc(pt->nmembers + 1, sizeof(*v));
		for (size_t i = 0; i < pt->nmembers; i++) {
			const struct ds_bucket *b = pt->members[i].bucket;
			v[i].bucket = (char *)b->name;
			v[i].account = b->place->account && strcmp(b->place->account->id, acct) != 0
					       ? (char *)b->place->account->id
					       : NULL;
		}
		req = s3mrap_create(u, rg, acct, pt->name, pt->name, v, pt->nmembers);
		free(v);
	} else if (x->state == PS_POLL_CREATE || x->state == PS_POLL_POLICY)
		req = s3mrap_describe_operation(u, rg, acct, x->token);
	else if (x->state == PS_GET)
		req = s3mrap_get(u, rg, acct, pt->name);
	else if (x->state == PS_POLICY) {
		json_t *doc = plan_point_policy(pt, acct, x->alias);
		char token[64];
		snprintf(token, sizeof(token), "%.40s-p%ld", pt->name, (long)time(NULL));
		req = s3mrap_put_policy(u, rg, acct, token, pt->name, doc);
		json_decref(doc);
	} else {
		char *arn = s3mrap_arn(pt->place->partition, acct, x->alias);
		struct s3mrap_route *v = points_routes_want(pt, NULL);
		req = s3mrap_submit_routes(u, rg, acct, arn, v, pt->nmembers);
		free(v);
		free(arn);
	}
	return req;
}

static const char *const actions[] = {
	"s3:CreateMultiRegionAccessPoint", "s3:DescribeMultiRegionAccessPointOperation",
	"s3:GetMultiRegionAccessPoint", "s3:PutMultiRegionAccessPointPolicy",
	"s3:DescribeMultiRegionAccessPointOperation", "s3:SubmitMultiRegionAccessPointRoutes",
};

static void pexec_send(struct pexec *x)
{
	struct engine_account *acc = engine_account_of(x->e, x->it->place);
	struct aws_endpoint ep = {0};
	char *err = NULL;
	const char *rg = x->state == PS_ROUTES ? aws_mrap_route_regions[x->region]
					       : AWS_MRAP_CONTROL_REGION;
	x->what = actions[x->state];
	if (!acc->client || !points_endpoint(x->e, x->account, rg, &ep, &err)) {
		pexec_fail(x, NULL, err ? err : "no credentials");
		free(err);
		return;
	}
	struct aws_request *req = pexec_request(x, &ep);
	aws_endpoint_clear(&ep);
	if (!req) {
		pexec_fail(x, NULL, "crrc could not build its request");
		return;
	}
	struct retry_policy policy;
	if (x->state == PS_ROUTES)
		points_route_policy(x->e, &policy);
	else
		engine_policy(x->e, NULL, &policy);
	bool read = x->state == PS_POLL_CREATE || x->state == PS_POLL_POLICY || x->state == PS_GET;
	if (read)
		x->e->reads++;
	else
		x->e->writes++;
	x->busy = true;
	aws_client_call(acc->client, req, &policy, pexec_answered, x);
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

/* Why point item it must not start, or NULL. */
static const char *pexec_blocked_by(const struct plan_item *it, const bool *failed)
{
	for (size_t i = 0; i < it->point->nmembers; i++)
		if (failed[it->point->members[i].bucket->index])
			return it->point->members[i].bucket->name;
	return NULL;
}

/* Start x at its first step; false when it is not to run. */
static bool pexec_start(struct engine *e, struct plan *p, size_t i, bool *failed,
			struct pexec *x)
{
	struct plan_item *it = &p->items[i];
	*x = (struct pexec){.e = e, .it = it, .failed = &failed[i]};
	if (it->kind != PLAN_POINT || !it->steps || failed[i])
		return false;
	e->progress.sent++; /* an item of the step */
	const char *member = pexec_blocked_by(it, failed);
	x->account = points_account(e, it->point);
	x->alias = it->alias ? xstrdup(it->alias) : NULL;
	x->state = it->steps & STEP_CREATE_POINT ? PS_CREATE : pexec_next(x, PS_CREATE);
	if (member) {
		x->what = actions[x->state];
		char why[300];
		snprintf(why, sizeof(why), "not attempted: its bucket %s failed", member);
		pexec_fail(x, NULL, why);
		return false;
	}
	return true;
}

void engine_exec_points(struct engine *e, struct plan *p, bool *failed)
{
	struct pexec *xs = xcalloc(p->n + 1, sizeof(*xs));
	size_t n = 0;
	for (size_t i = 0; i < p->n; i++)
		n += pexec_start(e, p, i, failed, &xs[n]);
	struct retry_policy policy;
	engine_policy(e, NULL, &policy);
	long pause = 250, waited = 0;
	for (bool more = n > 0; more;) {
		more = false;
		bool polling = false;
		for (size_t k = 0; k < n; k++)
			if (xs[k].state != PS_DONE) {
				pexec_send(&xs[k]);
				polling |= xs[k].polling;
			}
		engine_progress_line(e, false);
		http_run(e->http);
		for (size_t k = 0; k < n; k++) {
			polling |= xs[k].state != PS_DONE && xs[k].polling;
			more |= xs[k].state != PS_DONE;
		}
		if (polling && waited > policy.step_ms) {
			for (size_t k = 0; k < n; k++)
				if (xs[k].state != PS_DONE && xs[k].polling)
					pexec_fail(&xs[k], NULL, "the operation did not end in time "
								 "(--step-timeout)");
			continue;
		}
		if (polling) {
			pause_ms(pause);
			waited += pause;
			pause = pause < 2000 ? pause * 2 : pause;
		}
	}
	for (size_t k = 0; k < n; k++) {
		free(xs[k].token);
		free(xs[k].alias);
	}
	free(xs);
}
