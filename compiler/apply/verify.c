/* verify.c: `crrc verify` from end to end (verify.h). It runs in rounds
 * over the shared transport: a sweep of what earlier runs left, the puts
 * of every probe at once, then watch rounds (each probe's source status
 * and its replica, then the replica's tags, then the delete marker) with
 * a pause between them that grows from 250 ms to 2 s, until every probe
 * has its verdict or the timeout; then the probes are removed, whatever
 * happened, and the verdicts reported (verify_report.c). SIGINT, SIGTERM
 * and SIGHUP end the watch early; the removal still runs. */
#include "apply/verify.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/verify_internal.h"
#include "aws/http.h"
#include "aws/s3_object.h"
#include "base/buf.h"
#include "base/oom.h"

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* One call of a probe, or of a sweep. */
struct vcall {
	struct verify *v;
	struct vprobe *p;    /* NULL for a sweep's */
	struct vsweep *s;    /* NULL for a probe's */
	enum vstep step;
};

static void vcall_send(struct verify *v, struct vprobe *p, struct vsweep *s, enum vstep step,
		       struct engine_account *acc, struct aws_request *req, aws_call_fn done)
{
	struct vcall *c = xcalloc(1, sizeof(*c));
	c->v = v;
	c->p = p;
	c->s = s;
	c->step = step;
	struct retry_policy policy;
	engine_policy(&v->e, NULL, &policy);
	if (!strcmp(req->method, "GET") || !strcmp(req->method, "HEAD"))
		v->e.reads++;
	else
		v->e.writes++;
	aws_client_call(acc->client, req, &policy, done, c);
}

/* A call of p that failed: its verdict is an error, said at its rule. */
static void probe_error(struct vprobe *p, const char *what, const struct aws_call_end *end)
{
	if (p->verdict != VERDICT_PENDING)
		return;
	p->verdict = VERDICT_ERROR;
	engine_failed(&p->v->e, p->pd.rule->pos, what, p->pd.key, end);
}

static const char *const step_names[] = {
	[VSTEP_LIST] = "s3:ListObjectVersions",   [VSTEP_DELETE] = "s3:DeleteObject",
	[VSTEP_PUT] = "s3:PutObject",             [VSTEP_HEAD_SOURCE] = "s3:HeadObject",
	[VSTEP_HEAD_REPLICA] = "s3:HeadObject",   [VSTEP_TAGS] = "s3:GetObjectTagging",
	[VSTEP_DELETE_PROBE] = "s3:DeleteObject", [VSTEP_MARKER] = "s3:ListObjectVersions",
};

/* --- the sweep: every version under a prefix, deleted --- */

static void sweep_page(struct verify *v, struct vsweep *s, const char *key_marker,
		       const char *version_marker);

static void swept(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct vcall *c = ud;
	struct vsweep *s = c->s;
	(void)req;
	if (c->step == VSTEP_DELETE) {
		if (end->ok)
			s->deleted++;
		else
			verify_left(c->v, s, end);
		free(c);
		return;
	}
	struct s3_versions vs = {0};
	char err[256] = "";
	enum aws_read rd = end->ok ? s3_list_object_versions_parse(end->resp, &vs, err, sizeof(err))
				   : AWS_READ_FAILED;
	if (rd == AWS_READ_FAILED) {
		verify_left(c->v, s, end);
	} else {
		for (size_t i = 0; i < vs.n; i++)
			vcall_send(c->v, NULL, s, VSTEP_DELETE, s->acc,
				   s3_delete_object(s->ep.url, s->ep.path_prefix, s->ep.signing_region,
						    vs.v[i].key, vs.v[i].version_id),
				   swept);
		if (vs.truncated)
			sweep_page(c->v, s, vs.next_key_marker, vs.next_version_marker);
	}
	s3_versions_free(&vs);
	free(c);
}

static void sweep_page(struct verify *v, struct vsweep *s, const char *key_marker,
		       const char *version_marker)
{
	vcall_send(v, NULL, s, VSTEP_LIST, s->acc,
		   s3_list_object_versions(s->ep.url, s->ep.path_prefix, s->ep.signing_region,
					   s->prefix, key_marker, version_marker),
		   swept);
}

void verify_sweep(struct verify *v)
{
	for (size_t i = 0; i < v->nsweeps; i++)
		if (v->sweeps[i].acc && v->sweeps[i].acc->client)
			sweep_page(v, &v->sweeps[i], NULL, NULL);
	http_run(v->e.http);
}

/* --- a probe's steps --- */

static void probe_answered(struct aws_request *req, const struct aws_call_end *end, void *ud);

static void probe_send(struct vprobe *p, enum vstep step, struct aws_request *req)
{
	bool replica = step == VSTEP_HEAD_REPLICA || step == VSTEP_TAGS || step == VSTEP_MARKER;
	vcall_send(p->v, p, NULL, step, replica ? p->dst : p->src, req, probe_answered);
}

static void put_probe(struct vprobe *p)
{
	static const char body[] = "crrc verify probe\n";
	struct s3_put_object o = {
		.key = p->pd.key, .body = body, .len = sizeof(body) - 1,
		.content_type = "text/plain", .tags = &p->pd.tags, .kms_key = p->pd.kms_key};
	const struct aws_endpoint *ep = &p->src_ep;
	p->put_at = verify_now();
	probe_send(p, VSTEP_PUT, s3_put_object(ep->url, ep->path_prefix, ep->signing_region, &o));
}

static void watch_probe(struct vprobe *p)
{
	const struct aws_endpoint *s = &p->src_ep, *d = &p->dst_ep;
	switch (p->state) {
	case VSTATE_WATCH:
		probe_send(p, VSTEP_HEAD_SOURCE, s3_head_object(s->url, s->path_prefix,
								s->signing_region, p->pd.key,
								p->version));
		probe_send(p, VSTEP_HEAD_REPLICA, s3_head_object(d->url, d->path_prefix,
								 d->signing_region, p->pd.key,
								 p->version));
		break;
	case VSTATE_TAGS:
		probe_send(p, VSTEP_TAGS, s3_get_object_tagging(d->url, d->path_prefix,
								d->signing_region, p->pd.key,
								p->version));
		break;
	case VSTATE_DELETE:
		p->deleted_at = verify_now();
		probe_send(p, VSTEP_DELETE_PROBE, s3_delete_object(s->url, s->path_prefix,
								   s->signing_region, p->pd.key,
								   NULL));
		break;
	case VSTATE_MARKER:
		probe_send(p, VSTEP_MARKER, s3_list_object_versions(d->url, d->path_prefix,
								    d->signing_region, p->pd.key,
								    NULL, NULL));
		break;
	default:
		break;
	}
}

/* The replica's head: present means replicated; what the rule promises is
 * checked next (verify_check.c). */
static void replica_seen(struct vprobe *p, const struct aws_call_end *end)
{
	struct s3_object_head h = {0};
	char err[256] = "";
	/* A HEAD's error has no body: S3 answers a version the bucket does not
	 * hold (yet) with 404, or with 400 when the bucket is not versioned */
	enum aws_read rd = end->resp->status == 400
				   ? AWS_READ_ABSENT
				   : s3_head_object_parse(end->resp, &h, err, sizeof(err));
	if (rd == AWS_READ_OK && !h.delete_marker) {
		p->replicated_at = verify_now();
		p->state = verify_check_head(p, &h) ? VSTATE_TAGS : VSTATE_DONE;
	} else if (rd == AWS_READ_FAILED) {
		probe_error(p, "s3:HeadObject of the replica", end);
	}
	s3_object_head_free(&h);
}

static void source_seen(struct vprobe *p, const struct aws_call_end *end)
{
	struct s3_object_head h = {0};
	char err[256] = "";
	if (s3_head_object_parse(end->resp, &h, err, sizeof(err)) == AWS_READ_OK) {
		free(p->status);
		p->status = xstrdup(h.replication_status);
		if (p->status && !strcmp(p->status, "FAILED") && p->verdict == VERDICT_PENDING) {
			p->verdict = VERDICT_FAILED;
			p->state = VSTATE_DONE;
		}
	} else {
		probe_error(p, "s3:HeadObject of the probe", end);
	}
	s3_object_head_free(&h);
}

static void tags_read(struct vprobe *p, const struct aws_call_end *end)
{
	struct aws_tags t = {0};
	char err[256] = "";
	enum aws_read rd = s3_get_object_tagging_parse(end->resp, &t, err, sizeof(err));
	if (rd == AWS_READ_FAILED)
		probe_error(p, "s3:GetObjectTagging of the replica", end);
	else if (verify_check_tags(p, &t))
		p->state = p->pd.rule->delete_markers ? VSTATE_DELETE : VSTATE_DONE;
	else
		p->state = VSTATE_DONE;
	aws_tags_free(&t);
}

static void probe_deleted(struct vprobe *p, const struct aws_call_end *end)
{
	bool marker = false;
	char *version = NULL;
	char err[256] = "";
	if (s3_delete_object_parse(end->resp, &marker, &version, err, sizeof(err))) {
		p->marker = version;
		p->state = VSTATE_MARKER;
	} else {
		free(version);
		probe_error(p, "s3:DeleteObject of the probe", end);
	}
}

static void marker_seen(struct vprobe *p, const struct aws_call_end *end)
{
	struct s3_versions vs = {0};
	char err[256] = "";
	if (s3_list_object_versions_parse(end->resp, &vs, err, sizeof(err)) != AWS_READ_OK) {
		probe_error(p, "s3:ListObjectVersions of the replica", end);
	} else {
		for (size_t i = 0; i < vs.n; i++)
			if (vs.v[i].delete_marker && !strcmp(vs.v[i].key, p->pd.key)) {
				p->marker_at = verify_now();
				p->state = VSTATE_DONE;
			}
	}
	s3_versions_free(&vs);
}

static void probe_answered(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct vcall *c = ud;
	struct vprobe *p = c->p;
	(void)req;
	if (c->step == VSTEP_TAGS && end->error && !strcmp(end->error->code, "InvalidObjectState")) {
		/* moto will not read the tags of an archived object (S3 does):
		 * the tags go unchecked, and the report says so */
		p->tags_unread = true;
		p->state = p->pd.rule->delete_markers ? VSTATE_DELETE : VSTATE_DONE;
		free(c);
		return;
	}
	if (!end->ok && end->resp->status != 404 && c->step != VSTEP_HEAD_REPLICA) {
		probe_error(p, step_names[c->step], end);
		free(c);
		return;
	}
	switch (c->step) {
	case VSTEP_PUT: {
		char err[256] = "";
		if (!s3_put_object_parse(end->resp, &p->version, &p->etag, err, sizeof(err)))
			probe_error(p, "s3:PutObject of the probe", end);
		else if (!p->version)
			verify_unversioned(p);
		else
			p->state = VSTATE_WATCH;
		break;
	}
	case VSTEP_HEAD_SOURCE: source_seen(p, end); break;
	case VSTEP_HEAD_REPLICA:
		if (p->state == VSTATE_WATCH)
			replica_seen(p, end);
		break;
	case VSTEP_TAGS: tags_read(p, end); break;
	case VSTEP_DELETE_PROBE: probe_deleted(p, end); break;
	case VSTEP_MARKER: marker_seen(p, end); break;
	default: break;
	}
	free(c);
}

/* --- the rounds --- */

static bool waiting(const struct vprobe *p)
{
	return p->verdict == VERDICT_PENDING && p->state != VSTATE_DONE;
}

/* Each waiting probe past the timeout gets its verdict; how many wait. */
static size_t still_waiting(struct verify *v)
{
	size_t n = 0;
	double now = verify_now();
	for (size_t i = 0; i < v->nprobes; i++) {
		struct vprobe *p = &v->probes[i];
		if (waiting(p) && now - p->put_at >= (double)v->timeout_ms / 1000.0) {
			p->verdict = p->state == VSTATE_MARKER ? VERDICT_NO_MARKER : VERDICT_MISSING;
			p->state = VSTATE_DONE;
		}
		n += waiting(p);
	}
	return n;
}

static void pause_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	while (!interrupted && nanosleep(&ts, &ts) != 0 && errno == EINTR)
		;
}

static void watch(struct verify *v)
{
	long pause = v->poll_ms ? v->poll_ms : 250;
	for (size_t n; (n = still_waiting(v)) > 0 && !interrupted;) {
		verify_progress(v, n, false);
		for (size_t i = 0; i < v->nprobes; i++)
			if (waiting(&v->probes[i]))
				watch_probe(&v->probes[i]);
		http_run(v->e.http);
		if (still_waiting(v) == 0)
			break;
		pause_ms(pause);
		if (!v->poll_ms && pause < 2000)
			pause *= 2;
	}
	verify_progress(v, 0, true);
	if (!interrupted)
		return;
	v->interrupted = true;
	for (size_t i = 0; i < v->nprobes; i++)
		if (waiting(&v->probes[i]))
			v->probes[i].verdict = VERDICT_INTERRUPTED;
}

static void put_all(struct verify *v)
{
	for (size_t i = 0; i < v->nprobes; i++)
		if (v->probes[i].state == VSTATE_PUT)
			put_probe(&v->probes[i]);
	http_run(v->e.http);
}

bool verify_run(const struct crrc_desired *ds, const struct apply_options *ao,
		const struct verify_options *vo, struct crrc_diags *d, struct verify_summary *sum)
{
	struct verify v = {0};
	memset(sum, 0, sizeof(*sum));
	if (!verify_setup(&v, ds, ao, vo, d))
		return false;
	struct sigaction sa = {.sa_handler = on_signal}, old[3];
	static const int sigs[] = {SIGINT, SIGTERM, SIGHUP};
	interrupted = 0;
	sigemptyset(&sa.sa_mask);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &sa, &old[i]);
	verify_sweep(&v);
	if (!interrupted)
		put_all(&v);
	if (!interrupted)
		watch(&v);
	if (interrupted && !v.interrupted) {
		v.interrupted = true;
		for (size_t i = 0; i < v.nprobes; i++)
			if (v.probes[i].state == VSTATE_PUT)
				v.probes[i].verdict = VERDICT_INTERRUPTED;
	}
	verify_aim_cleanup(&v);
	verify_sweep(&v);
	verify_jobs_read(&v);
	verify_diagnose(&v);
	verify_report(&v, sum);
	for (int i = 0; i < 3; i++)
		sigaction(sigs[i], &old[i], NULL);
	verify_teardown(&v);
	return true;
}
