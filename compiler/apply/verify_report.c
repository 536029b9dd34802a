/* verify_report.c: verify's verdicts said three ways: a line per rule (or
 * JSON, with --format=json) on the output, a diagnostic at the rule's line
 * for every rule that did not replicate within its RPO (E102-E106), and a
 * progress line on a terminal while probes are awaited. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "apply/verify_internal.h"
#include "base/buf.h"

/* The clock every time of the report is read on. */
double verify_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static const char *const verdict_names[] = {
	[VERDICT_PENDING] = "replicated",    [VERDICT_FAILED] = "failed",
	[VERDICT_MISSING] = "not-replicated", [VERDICT_NO_MARKER] = "no-delete-marker",
	[VERDICT_DIFFERS] = "differs",        [VERDICT_IMPOSSIBLE] = "not-probed",
	[VERDICT_ERROR] = "error",           [VERDICT_INTERRUPTED] = "interrupted",
};

static double seconds(double from, double to)
{
	return from > 0 && to >= from ? to - from : -1.0;
}

static bool late(const struct vprobe *p)
{
	double s = seconds(p->put_at, p->replicated_at);
	return p->verdict == VERDICT_PENDING && p->pd.rpo_seconds && s > (double)p->pd.rpo_seconds;
}

static const char *rule_id(const struct vprobe *p)
{
	return p->pd.rule->id && p->pd.rule->id->s ? p->pd.rule->id->s : "";
}

void verify_progress(struct verify *v, size_t waiting, bool clear)
{
	if (!v->ao.interactive)
		return;
	fputs("\r\033[K", stderr);
	if (!clear) {
		double first = 0;
		for (size_t i = 0; i < v->nprobes; i++)
			if (v->probes[i].put_at > 0 && (first == 0 || v->probes[i].put_at < first))
				first = v->probes[i].put_at;
		fprintf(stderr, "verify: waiting for %zu of %zu probes (%.0f s)", waiting, v->nprobes,
			first > 0 ? verify_now() - first : 0.0);
	}
	fflush(stderr);
}

static void diagnose(struct verify *v, const struct vprobe *p)
{
	const struct ds_rule *rule = p->pd.rule;
	struct crrc_diags *d = v->e.d;
	const char *id = rule_id(p), *dest = rule->dest->name;
	double s = seconds(p->put_at, p->replicated_at);
	switch (p->verdict) {
	case VERDICT_PENDING:
		if (late(p))
			diags_add(d, CRRC_E104, rule->pos, "rule '%s' replicated its probe to '%s' in "
				  "%.1f s, beyond its RPO of %ld min", id, dest, s,
				  p->pd.rpo_seconds / 60);
		break;
	case VERDICT_FAILED:
		diags_add(d, CRRC_E102, rule->pos, "rule '%s': S3 failed to replicate its probe to "
			  "'%s': %s", id, dest, p->why ? p->why : "S3 says FAILED");
		break;
	case VERDICT_MISSING:
		diags_add(d, CRRC_E103, rule->pos, "rule '%s' did not replicate its probe to '%s' "
			  "within %.0f s%s%s%s", id, dest, (double)v->timeout_ms / 1000.0,
			  p->status ? " (its replication status stayed " : "",
			  p->status ? p->status : "", p->status ? ")" : "");
		break;
	case VERDICT_NO_MARKER:
		diags_add(d, CRRC_E103, rule->pos, "rule '%s' replicated its probe to '%s', but not "
			  "the delete marker, within %.0f s", id, dest,
			  (double)v->timeout_ms / 1000.0);
		break;
	case VERDICT_DIFFERS:
		diags_add(d, CRRC_E105, rule->pos, "rule '%s' replicated its probe to '%s', but %s",
			  id, dest, p->why);
		break;
	case VERDICT_IMPOSSIBLE:
		diags_add(d, CRRC_E106, rule->pos, "rule '%s' cannot be verified by a probe: %s", id,
			  p->why);
		break;
	case VERDICT_ERROR:
	case VERDICT_INTERRUPTED:
		break; /* said as E100 when it happened; said on the output */
	}
}

static void line(struct verify *v, const struct vprobe *p, struct buf *b)
{
	double s = seconds(p->put_at, p->replicated_at);
	double m = seconds(p->deleted_at, p->marker_at);
	buf_printf(b, "  %-24s %s -> %s: ", rule_id(p), p->pd.r->source->key, p->pd.rule->dest->key);
	if (p->verdict == VERDICT_PENDING) {
		buf_printf(b, "replicated in %.1f s", s);
		if (p->pd.rpo_seconds)
			buf_printf(b, " (RPO %ld min%s)", p->pd.rpo_seconds / 60,
				   late(p) ? ": missed" : "");
		if (m >= 0)
			buf_printf(b, "; delete marker in %.1f s", m);
		if (p->tags_unread)
			buf_puts(b, "; its tags could not be read in its storage class");
	} else if (p->verdict == VERDICT_MISSING) {
		buf_printf(b, "not replicated within %.0f s", (double)v->timeout_ms / 1000.0);
	} else {
		buf_printf(b, "%s", verdict_names[p->verdict]);
		if (p->why)
			buf_printf(b, ": %s", p->why);
	}
	buf_putc(b, '\n');
}

static json_t *probe_json(const struct verify *v, const struct vprobe *p)
{
	double s = seconds(p->put_at, p->replicated_at);
	double m = seconds(p->deleted_at, p->marker_at);
	json_t *o = json_object();
	json_object_set_new(o, "rule", json_string(rule_id(p)));
	json_object_set_new(o, "source", json_string(p->pd.r->source->name));
	json_object_set_new(o, "destination", json_string(p->pd.rule->dest->name));
	json_object_set_new(o, "line", json_integer(p->pd.rule->pos.line));
	json_object_set_new(o, "probe", json_string(p->pd.key));
	json_object_set_new(o, "verdict", json_string(late(p) ? "late" : verdict_names[p->verdict]));
	json_object_set_new(o, "seconds", s >= 0 ? json_real(s) : json_null());
	json_object_set_new(o, "rpo_seconds",
			    p->pd.rpo_seconds ? json_integer(p->pd.rpo_seconds) : json_null());
	json_object_set_new(o, "delete_marker_seconds", m >= 0 ? json_real(m) : json_null());
	json_object_set_new(o, "status", p->status ? json_string(p->status) : json_null());
	json_object_set_new(o, "why", p->why ? json_string(p->why) : json_null());
	json_object_set_new(o, "tags_checked", json_boolean(!p->tags_unread));
	(void)v;
	return o;
}

static void count(struct verify_summary *sum, const struct vprobe *p)
{
	sum->probed += p->verdict != VERDICT_IMPOSSIBLE;
	switch (p->verdict) {
	case VERDICT_PENDING: late(p) ? sum->late++ : sum->replicated++; break;
	case VERDICT_FAILED: sum->failed++; break;
	case VERDICT_MISSING:
	case VERDICT_NO_MARKER: sum->missing++; break;
	case VERDICT_DIFFERS: sum->differs++; break;
	case VERDICT_IMPOSSIBLE: sum->impossible++; break;
	case VERDICT_ERROR: sum->errors++; break;
	case VERDICT_INTERRUPTED: break;
	}
}

void verify_report(struct verify *v, struct verify_summary *sum)
{
	FILE *out = v->ao.out;
	json_t *rules = json_array();
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < v->nprobes; i++) {
		const struct vprobe *p = &v->probes[i];
		diagnose(v, p);
		count(sum, p);
		line(v, p, &b);
		json_array_append_new(rules, probe_json(v, p));
	}
	json_t *jobs = json_array();
	verify_jobs_report(v, &b, jobs);
	sum->left = v->left;
	sum->interrupted = v->interrupted;
	sum->reads = v->e.reads;
	sum->writes = v->e.writes;
	if (v->vo->json) {
		json_t *j = json_pack("{s:s?, s:o, s:o, s:b, s:i, s:i}", "spec", v->e.ds->name,
				      "rules", rules, "jobs", jobs, "interrupted", v->interrupted,
				      "left_behind", (json_int_t)v->left, "timeout_seconds",
				      (json_int_t)(v->timeout_ms / 1000));
		json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', out);
		json_decref(j);
	} else {
		json_decref(rules);
		json_decref(jobs);
		fprintf(out, "Verify of %zu rule%s of spec %s:\n%s", v->nprobes,
			v->nprobes == 1 ? "" : "s", v->e.ds->name ? v->e.ds->name : "", b.data ? b.data : "");
		fprintf(out, "\nVerify: %lu replicated within their RPO, %lu late, %lu failed, %lu not "
			     "replicated, %lu not as the rule says, %lu not probed, %lu errors%s "
			     "(%lu requests).\n",
			sum->replicated, sum->late, sum->failed, sum->missing, sum->differs,
			sum->impossible, sum->errors, v->interrupted ? "; interrupted" : "",
			sum->reads + sum->writes);
	}
	buf_free(&b);
	fflush(out);
}
