/* failover.c: `crrc failover` (failover.h). The point and the bucket are
 * checked against the spec; the point's routes are read; what the target
 * may lack is said from the replication rules (no rule from an active
 * member into it, a rule without Replication Time Control, a rule that
 * replicates only a prefix); the user is asked as apply asks; then ONE
 * SubmitMultiRegionAccessPointRoutes goes to the first failover-control
 * region that answers, and the routes are read back and compared. */
#include "apply/failover.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/points.h"
#include "aws/http.h"
#include "aws/s3mrap.h"
#include "base/oom.h"

static const char *getenv_fn(const char *name)
{
	return getenv(name);
}

static const struct ds_access_point *point_find(const struct crrc_desired *ds, const char *s)
{
	for (size_t i = 0; s && i < ds->npoints; i++)
		if (strcmp(ds->points[i].key, s) == 0 || strcmp(ds->points[i].name, s) == 0)
			return &ds->points[i];
	return NULL;
}

static const struct ds_bucket *member_find(const struct ds_access_point *pt, const char *s)
{
	for (size_t i = 0; s && i < pt->nmembers; i++)
		if (strcmp(pt->members[i].bucket->key, s) == 0 ||
		    strcmp(pt->members[i].bucket->name, s) == 0)
			return pt->members[i].bucket;
	return NULL;
}

/* What was asked, checked: false, with the reason on stderr. */
static bool args_check(const struct crrc_desired *ds, const struct failover_options *fo,
		       const struct ds_access_point **pt, const struct ds_bucket **to)
{
	*pt = point_find(ds, fo->point);
	if (!*pt) {
		fprintf(stderr, "crrc: failover: '%s' is not an access point of the spec; its "
				"points are:", fo->point);
		for (size_t i = 0; i < ds->npoints; i++)
			fprintf(stderr, " %s", ds->points[i].key);
		fputs(ds->npoints ? "\n" : " none\n", stderr);
		return false;
	}
	*to = member_find(*pt, fo->to);
	if (*to)
		return true;
	fprintf(stderr, "crrc: failover: '%s' is not a bucket of access point '%s'; its buckets "
			"are:", fo->to, (*pt)->key);
	for (size_t i = 0; i < (*pt)->nmembers; i++)
		fprintf(stderr, " %s", (*pt)->members[i].bucket->key);
	fputc('\n', stderr);
	return false;
}

static const char *rule_label(const struct ds_rule *r, char *buf, size_t n)
{
	if (r->id && r->id->s && r->id->len)
		snprintf(buf, n, "%.*s", (int)r->id->len, r->id->s);
	else
		snprintf(buf, n, "priority-%lld", r->priority);
	return buf;
}

/* What `to` may lack of what active member `from` holds, said on out;
 * the number of lines said. */
static size_t lacks_from(FILE *out, const struct ds_bucket *from, const struct ds_bucket *to)
{
	const struct ds_replication *r = from->replication;
	size_t said = 0, into = 0;
	bool whole = false;
	char id[128];
	for (size_t i = 0; r && i < r->nrules; i++)
		if (r->rules[i].dest == to && r->rules[i].enabled) {
			into++;
			whole |= !r->rules[i].prefix || !r->rules[i].prefix->len;
		}
	if (!into) {
		fprintf(out, "  - no rule replicates %s into %s: what was written to %s is not in "
			     "%s\n", from->key, to->key, from->key, to->key);
		return 1;
	}
	for (size_t i = 0; r && i < r->nrules; i++) {
		const struct ds_rule *rule = &r->rules[i];
		if (rule->dest != to || !rule->enabled)
			continue;
		if (!rule->rtc_minutes && ++said)
			fprintf(out, "  - rule %s (%s -> %s) has no Replication Time Control: the "
				     "latest writes to %s may not be in %s yet\n",
				rule_label(rule, id, sizeof(id)), from->key, to->key, from->key,
				to->key);
		if (!whole && rule->prefix && rule->prefix->len && ++said)
			fprintf(out, "  - rule %s replicates only prefix '%.*s' of %s into %s: "
				     "other keys are not there\n",
				rule_label(rule, id, sizeof(id)), (int)rule->prefix->len,
				rule->prefix->s, from->key, to->key);
	}
	return said;
}

static void lacks_say(FILE *out, const struct ds_access_point *pt, const struct live_point *lp,
		      const struct ds_bucket *to)
{
	size_t said = 0;
	fprintf(out, "What %s may lack:\n", to->key);
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_bucket *b = pt->members[i].bucket;
		if (b != to && live_route_dial(&lp->routes, b->name) == 100)
			said += lacks_from(out, b, to);
	}
	if (!said)
		fprintf(out, "  nothing: every active bucket replicates into %s with Replication "
			     "Time Control\n", to->key);
}

static void routes_print(FILE *out, const struct ds_access_point *pt, const struct live_point *lp)
{
	fprintf(out, "access point %s (%s):\n", pt->key, pt->name);
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_bucket *b = pt->members[i].bucket;
		int dial = live_route_dial(&lp->routes, b->name);
		fprintf(out, "  %-8s %3d  %s (%s, %s)\n",
			dial == 100 ? "active" : dial == 0 ? "passive" : "no route", dial < 0 ? 0 : dial,
			b->key, b->name, b->place->region);
	}
}

struct submit {
	bool done, ok, next;
	struct aws_call_end end;
	struct aws_error error;
};

static void submit_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct submit *s = ud;
	(void)req;
	s->done = true;
	s->ok = end->ok;
	s->next = points_try_next(end);
	if (end->error)
		s->error = *end->error;
	s->end = (struct aws_call_end){NULL, end->error ? &s->error : NULL, end->ok, end->attempts};
}

/* The one routes request: to each failover-control region in turn until
 * one answers; the region that did, or NULL (said in d). */
static const char *submit(struct engine *e, const struct ds_access_point *pt,
			  const struct live_point *lp, const struct ds_bucket *to)
{
	const char *account = points_account(e, pt);
	struct engine_account *acc = engine_account_of(e, pt->place);
	char *arn = s3mrap_arn(pt->place->partition, account, lp->alias);
	struct s3mrap_route *v = points_routes_want(pt, to);
	const char *answered = NULL;
	struct submit s = {0};
	for (size_t r = 0; r < AWS_MRAP_ROUTE_REGIONS && !answered; r++) {
		struct aws_endpoint ep = {0};
		char *err = NULL;
		if (!points_endpoint(e, account, aws_mrap_route_regions[r], &ep, &err)) {
			diags_add(e->d, CRRC_E100, pt->pos, "S3 Control: %s", err);
			free(err);
			break;
		}
		struct retry_policy policy;
		points_route_policy(e, &policy);
		s = (struct submit){0};
		e->writes++;
		aws_client_call(acc->client,
				s3mrap_submit_routes(ep.url, ep.signing_region, account, arn, v,
						     pt->nmembers),
				&policy, submit_done, &s);
		http_run(e->http);
		aws_endpoint_clear(&ep);
		if (s.ok)
			answered = aws_mrap_route_regions[r];
		else if (!s.next || r + 1 == AWS_MRAP_ROUTE_REGIONS) {
			engine_failed(e, pt->pos, "s3:SubmitMultiRegionAccessPointRoutes", pt->name,
				      &s.end);
			break;
		} else
			fprintf(e->o->out, "%s did not answer (%s): trying %s\n",
				aws_mrap_route_regions[r], s.error.code[0] ? s.error.code : "no answer",
				aws_mrap_route_regions[r + 1]);
	}
	free(v);
	free(arn);
	return answered;
}

/* The routes before (dials by member, -1 none) against the routes now. */
static void changes_print(FILE *out, const struct ds_access_point *pt, const int *before,
			  const struct live_point *lp)
{
	size_t n = 0;
	for (size_t i = 0; i < pt->nmembers; i++) {
		const struct ds_bucket *b = pt->members[i].bucket;
		int now = live_route_dial(&lp->routes, b->name);
		if (now != before[i] && ++n)
			fprintf(out, "  %s (%s): %d -> %d\n", b->key, b->place->region, before[i],
				now);
	}
	if (!n)
		fputs("  nothing changed: the routes were already so\n", out);
}

static enum failover_result switch_point(struct engine *e, const struct ds_access_point *pt,
					 const struct ds_bucket *to)
{
	struct live_point *lp = &e->live->points[pt->index];
	FILE *out = e->o->out;
	routes_print(out, pt, lp);
	lacks_say(out, pt, lp, to);
	char question[300];
	snprintf(question, sizeof(question), "Make %s the only active bucket?", to->key);
	if (!engine_confirmed(e->o, "failover", "moves traffic", question))
		return FAILOVER_DECLINED;
	int *before = xcalloc(pt->nmembers + 1, sizeof(int));
	for (size_t i = 0; i < pt->nmembers; i++)
		before[i] = live_route_dial(&lp->routes, pt->members[i].bucket->name);
	const char *region = submit(e, pt, lp, to);
	enum failover_result res = FAILOVER_FAILED;
	if (region) {
		fprintf(out, "\nRoutes submitted through %s.\n", region);
		engine_read_point(e, pt->index, true);
		http_run(e->http);
		if (lp->routes_read) {
			fputs("Changed:\n", out);
			changes_print(out, pt, before, lp);
			routes_print(out, pt, lp);
			res = FAILOVER_DONE;
		} else
			diags_add(e->d, CRRC_E100, pt->pos, "the routes of '%s' could not be read "
				  "back: %s", pt->name, lp->error ? lp->error : "no region answered");
	}
	free(before);
	return res;
}

/* Point pt read (its alias, its routes); false when it could not be. */
static bool point_read(struct engine *e, const struct ds_access_point *pt)
{
	struct live_point *lp = &e->live->points[pt->index];
	char *err = NULL;
	if (!engine_account_one(e, pt->place, &err)) {
		diags_add(e->d, CRRC_E100, pt->pos, "the credentials of access point '%s': %s",
			  pt->name, err ? err : "none");
		free(err);
		return false;
	}
	engine_read_point(e, pt->index, false);
	http_run(e->http);
	if (lp->presence == LIVE_PRESENT && lp->routes_read)
		return true;
	diags_add(e->d, CRRC_E100, pt->pos, "access point '%s' %s", pt->name,
		  lp->presence == LIVE_ABSENT ? "does not exist: crrc apply creates it"
					      : lp->error ? lp->error : "could not be read");
	return false;
}

enum failover_result failover_run(const struct crrc_desired *ds, const struct apply_options *o,
				  const struct failover_options *fo, struct crrc_diags *d)
{
	const struct ds_access_point *pt = NULL;
	const struct ds_bucket *to = NULL;
	if (!fo->status && !args_check(ds, fo, &pt, &to))
		return FAILOVER_USAGE;
	struct http_options ho = {.max_connections = o->max_connections};
	enum failover_result res = FAILOVER_DONE;
	for (size_t i = 0; i < ds->npoints; i++) {
		const struct ds_access_point *p = fo->status ? &ds->points[i] : pt;
		if (!fo->status && i > 0)
			break;
		struct engine e = {.ds = ds, .o = o, .d = d, .env = getenv_fn};
		e.http = http_create(&ho);
		e.live = live_create(ds->nbuckets, ds->nreplications, ds->nplaces);
		live_points_create(e.live, ds->npoints);
		if (!e.http || !point_read(&e, p))
			res = FAILOVER_FAILED;
		else if (fo->status)
			routes_print(o->out, p, &e.live->points[p->index]);
		else
			res = switch_point(&e, p, to);
		engine_accounts_free(&e);
		live_destroy(e.live);
		http_destroy(e.http);
	}
	if (fo->status && !ds->npoints)
		fputs("The spec has no access points.\n", o->out);
	return res;
}
