/* verify_setup.c: the rules verify probes (every enabled rule, or those
 * --rule names), each one's probe and endpoints, the credentials of their
 * accounts (proved by STS, as apply does), and the sweeps: for each probe,
 * its source and every destination of its source's configuration (a probe
 * may match other rules into other destinations too). A sweep first
 * removes what earlier runs left under the rule's probe folder; at the end
 * the same buckets are swept of this run's probe key alone, so that a
 * verify of another rule running at the same time keeps its probes. */
#include <openssl/rand.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "apply/verify_internal.h"
#include "aws/http.h"
#include "base/buf.h"
#include "base/oom.h"

static const char *getenv_fn(const char *name)
{
	return getenv(name);
}

static bool rule_named(const struct verify_options *vo, const struct ds_rule *rule, bool *used)
{
	if (!vo->nrules)
		return rule->enabled;
	bool hit = false;
	for (size_t i = 0; i < vo->nrules; i++)
		if (rule->id && rule->id->s && strlen(vo->rules[i]) == rule->id->len &&
		    memcmp(vo->rules[i], rule->id->s, rule->id->len) == 0)
			hit = used[i] = true;
	return hit;
}

/* The probes' last part: the time and 32 random bits, so that two runs
 * never share a key. */
static void make_unique(char out[48])
{
	unsigned char r[4] = {0};
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	size_t n = strftime(out, 48, "%Y%m%dT%H%M%SZ-", &tm);
	if (RAND_bytes(r, sizeof(r)) != 1)
		memcpy(r, &now, sizeof(r));
	snprintf(out + n, 48 - n, "%02x%02x%02x%02x", r[0], r[1], r[2], r[3]);
}

static bool endpoint_of(struct verify *v, struct vprobe *p, const struct ds_bucket *b,
			struct aws_endpoint *ep)
{
	char *err = NULL;
	bool ok = aws_endpoint_s3_bucket(ep, b->name, b->place->region, v->e.env, &err);
	if (!ok && p->verdict == VERDICT_PENDING) {
		p->verdict = VERDICT_ERROR;
		diags_add(v->e.d, CRRC_E100, p->pd.rule->pos, "bucket '%s': %s", b->name,
			  err ? err : "no endpoint");
	}
	free(err);
	return ok;
}

static struct engine_account *account_for(struct verify *v, struct vprobe *p,
					  const struct ds_bucket *b)
{
	struct engine_account *acc = engine_account_of(&v->e, b->place);
	if (!acc->client && p->verdict == VERDICT_PENDING) {
		p->verdict = VERDICT_ERROR;
		v->e.failures++;
		diags_add(v->e.d, CRRC_E100, p->pd.rule->pos,
			  "rule cannot be verified: the credentials for bucket '%s': %s", b->name,
			  acc->error ? acc->error : "none");
	}
	return acc;
}

static void probe_setup(struct verify *v, struct vprobe *p, const struct ds_replication *r,
			const struct ds_rule *rule, const char *unique)
{
	p->v = v;
	probe_design(&p->pd, v->e.ds, r, rule, unique);
	if (!rule->enabled) {
		p->verdict = VERDICT_IMPOSSIBLE;
		p->why = xstrdup("the rule is disabled: it replicates nothing");
	} else if (p->pd.impossible) {
		p->verdict = VERDICT_IMPOSSIBLE;
		p->why = xstrdup(p->pd.impossible);
	}
	p->src = account_for(v, p, r->source);
	p->dst = account_for(v, p, rule->dest);
	endpoint_of(v, p, r->source, &p->src_ep);
	endpoint_of(v, p, rule->dest, &p->dst_ep);
	p->state = p->verdict == VERDICT_PENDING ? VSTATE_PUT : VSTATE_DONE;
}

static void sweep_add(struct verify *v, const struct vprobe *p, const struct ds_bucket *b)
{
	struct vsweep *s = &v->sweeps[v->nsweeps++];
	char *err = NULL;
	s->bucket = b;
	s->pos = p->pd.rule->pos;
	s->prefix = xstrdup(p->pd.sweep);
	s->acc = engine_account_of(&v->e, b->place);
	if (!aws_endpoint_s3_bucket(&s->ep, b->name, b->place->region, v->e.env, &err))
		s->acc = NULL;
	free(err);
}

static void sweeps_setup(struct verify *v)
{
	size_t n = 0;
	for (size_t i = 0; i < v->nprobes; i++)
		n += 1 + v->probes[i].pd.r->ndests;
	v->sweeps = xcalloc(n ? n : 1, sizeof(*v->sweeps));
	for (size_t i = 0; i < v->nprobes; i++) {
		const struct vprobe *p = &v->probes[i];
		sweep_add(v, p, p->pd.r->source);
		for (size_t k = 0; k < p->pd.r->ndests; k++)
			sweep_add(v, p, p->pd.r->dests[k].bucket);
	}
}

/* The rules to probe, in the spec's order; false when --rule names none. */
static bool choose(struct verify *v, const struct verify_options *vo)
{
	const struct crrc_desired *ds = v->e.ds;
	bool *used = xcalloc(vo->nrules + 1, sizeof(bool));
	char unique[48];
	make_unique(unique);
	size_t n = 0;
	for (size_t i = 0; i < ds->nreplications; i++)
		for (size_t k = 0; k < ds->replications[i].nrules; k++)
			n += rule_named(vo, &ds->replications[i].rules[k], used);
	bool ok = true;
	for (size_t i = 0; i < vo->nrules; i++)
		if (!used[i]) {
			fprintf(stderr, "crrc: verify: no rule of the spec has the ID '%s'\n",
				vo->rules[i]);
			ok = false;
		}
	v->probes = xcalloc(n ? n : 1, sizeof(*v->probes));
	for (size_t i = 0; ok && i < ds->nreplications; i++)
		for (size_t k = 0; k < ds->replications[i].nrules; k++)
			if (rule_named(vo, &ds->replications[i].rules[k], used))
				probe_setup(v, &v->probes[v->nprobes++], &ds->replications[i],
					    &ds->replications[i].rules[k], unique);
	free(used);
	return ok;
}

static long default_timeout(const struct verify *v)
{
	long rpo = 0;
	for (size_t i = 0; i < v->nprobes; i++)
		if (v->probes[i].pd.rpo_seconds > rpo)
			rpo = v->probes[i].pd.rpo_seconds;
	return ((rpo ? rpo : PROBE_RTC_SECONDS) + PROBE_MARGIN_SECONDS) * 1000L;
}

bool verify_setup(struct verify *v, const struct crrc_desired *ds, const struct apply_options *ao,
		  const struct verify_options *vo, struct crrc_diags *d)
{
	struct http_options ho = {.max_connections = ao->max_connections};
	v->ao = *ao;
	v->vo = vo;
	v->e = (struct engine){.ds = ds, .o = &v->ao, .d = d, .env = getenv_fn};
	v->e.http = http_create(&ho);
	v->e.live = live_create(ds->nbuckets, ds->nreplications, ds->nplaces);
	if (!v->e.http) {
		diags_add(d, CRRC_E100, (struct crrc_pos){0}, "the HTTP transport could not start");
		live_destroy(v->e.live);
		return false;
	}
	engine_accounts(&v->e);
	if (!choose(v, vo)) {
		verify_teardown(v);
		return false;
	}
	v->timeout_ms = vo->timeout_ms ? vo->timeout_ms : default_timeout(v);
	v->poll_ms = vo->poll_ms;
	sweeps_setup(v);
	return true;
}

void verify_aim_cleanup(struct verify *v)
{
	size_t k = 0;
	for (size_t i = 0; i < v->nprobes; i++) {
		const struct vprobe *p = &v->probes[i];
		for (size_t j = 0; j <= p->pd.r->ndests; j++, k++) {
			free(v->sweeps[k].prefix);
			/* a probe never put leaves nothing to look for */
			v->sweeps[k].prefix = xstrdup(p->put_at > 0 ? p->pd.key : NULL);
			if (!v->sweeps[k].prefix)
				v->sweeps[k].acc = NULL;
		}
	}
}

void verify_left(struct verify *v, struct vsweep *s, const struct aws_call_end *end)
{
	const struct aws_error *er = end->error;
	v->left++;
	if (s->said)
		return;
	s->said = true;
	diags_add(v->e.d, CRRC_W012, s->pos,
		  "a probe under '%s' in bucket '%s' could not be removed: %s%s%s; a later verify "
		  "removes it",
		  s->prefix, s->bucket->name, er && er->code[0] ? er->code : "no answer",
		  er && er->message[0] ? ": " : "", er ? er->message : "");
}

void verify_teardown(struct verify *v)
{
	for (size_t i = 0; i < v->nprobes; i++) {
		struct vprobe *p = &v->probes[i];
		probe_design_free(&p->pd);
		aws_endpoint_clear(&p->src_ep);
		aws_endpoint_clear(&p->dst_ep);
		free(p->why);
		free(p->version);
		free(p->etag);
		free(p->status);
		free(p->marker);
	}
	for (size_t i = 0; i < v->nsweeps; i++) {
		free(v->sweeps[i].prefix);
		aws_endpoint_clear(&v->sweeps[i].ep);
	}
	free(v->probes);
	free(v->sweeps);
	engine_accounts_free(&v->e);
	live_destroy(v->e.live);
	http_destroy(v->e.http);
	memset(v, 0, sizeof(*v));
}
