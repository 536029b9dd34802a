/* verify_jobs.c: the S3 Batch Replication jobs of the rules verify probes
 * (existing_objects: true), read with ListJobs as apply finds them (by the
 * token their description begins with), and said with the verdicts: each
 * job's status and progress, E107 for a job that failed or failed objects,
 * W013 for a rule whose job apply has not started. */
#include <jansson.h>
#include <stdio.h>
#include <string.h>

#include "apply/verify_internal.h"
#include "base/buf.h"

/* The batch of p's rule, or NULL. */
static const struct ds_batch *batch_of(const struct vprobe *p)
{
	for (size_t i = 0; i < p->pd.r->nbatches; i++)
		if (p->pd.r->batches[i].rule == p->pd.rule)
			return &p->pd.r->batches[i];
	return NULL;
}

static const struct live_job *job_of(const struct verify *v, const struct ds_batch *b,
				     const struct ds_replication *r)
{
	size_t k = (size_t)(r->source->place - v->e.ds->places);
	return live_job_find(&v->e.live->jobs[k], b->token);
}

void verify_jobs_read(struct verify *v)
{
	for (size_t i = 0; i < v->nprobes; i++)
		if (batch_of(&v->probes[i])) {
			engine_read_jobs(&v->e);
			v->jobs_read = true;
			return;
		}
}

static void job_diagnose(struct verify *v, const struct vprobe *p, const struct ds_batch *b,
			 const struct live_jobs *lj, const struct live_job *j)
{
	const char *id = p->pd.rule->id ? p->pd.rule->id->s : "";
	const char *src = p->pd.r->source->name;
	if (lj->presence == LIVE_FAILED)
		diags_add(v->e.d, CRRC_E100, b->pos, "the batch replication job of rule '%s' "
			  "could not be read: %s", id, lj->error ? lj->error : "unknown error");
	else if (!j)
		diags_add(v->e.d, CRRC_W013, b->pos, "rule '%s' copies existing objects, and no "
			  "batch replication job has been started for it: crrc apply starts it",
			  id);
	else if (!strcmp(j->status, "Failed") || j->failed > 0)
		diags_add(v->e.d, CRRC_E107, b->pos, "the batch replication job %s of rule '%s' "
			  "is %s, with %lld of %lld objects failed: its completion report is in "
			  "s3://%s/%s/", j->id, id, j->status, j->failed, j->total, src,
			  b->report_prefix);
}

void verify_jobs_report(struct verify *v, struct buf *text, json_t *out)
{
	if (!v->jobs_read)
		return;
	buf_puts(text, "\nBatch replication of existing objects:\n");
	for (size_t i = 0; i < v->nprobes; i++) {
		const struct vprobe *p = &v->probes[i];
		const struct ds_batch *b = batch_of(p);
		if (!b)
			continue;
		size_t k = (size_t)(p->pd.r->source->place - v->e.ds->places);
		const struct live_jobs *lj = &v->e.live->jobs[k];
		const struct live_job *j = job_of(v, b, p->pd.r);
		const char *id = p->pd.rule->id ? p->pd.rule->id->s : "";
		job_diagnose(v, p, b, lj, j);
		buf_printf(text, "  %-24s %s: ", id, p->pd.r->source->key);
		if (j)
			buf_printf(text, "job %s %s: %lld of %lld objects replicated, %lld failed\n",
				   j->id, j->status, j->succeeded, j->total, j->failed);
		else
			buf_puts(text, lj->presence == LIVE_FAILED ? "its jobs could not be read\n"
								   : "no job: crrc apply starts it\n");
		json_t *o = json_pack("{s:s, s:s, s:s, s:s?, s:s?}", "rule", id, "source",
				      p->pd.r->source->name, "token", b->token, "job_id",
				      j ? j->id : NULL, "status", j ? j->status : NULL);
		if (j) {
			json_object_set_new(o, "total", json_integer(j->total));
			json_object_set_new(o, "succeeded", json_integer(j->succeeded));
			json_object_set_new(o, "failed", json_integer(j->failed));
		}
		json_array_append_new(out, o);
	}
}
