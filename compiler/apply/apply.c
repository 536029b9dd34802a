/* apply.c: plan and apply from end to end (apply.h): credentials and their
 * accounts, the reads, the plan, the question, the writes, the summary.
 * AWS failures and what the plan refuses are diagnostics at the spec line
 * of what they concern (E100, E101); the plan and progress go to o->out. */
#include "apply/apply.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/engine.h"
#include "aws/http.h"
#include "base/buf.h"
#include "base/oom.h"

static const char *getenv_fn(const char *name)
{
	return getenv(name);
}

static void report_blocked(struct engine *e, const struct plan *p)
{
	static const char *const kinds[] = {"bucket", "role", "the replication configuration of",
					    "the batch replication job of",
					    "Multi-Region Access Point"};
	for (size_t i = 0; i < p->n; i++) {
		const struct plan_item *it = &p->items[i];
		if (it->action == PLAN_BLOCKED)
			diags_add(e->d, CRRC_E101, it->pos, "%s '%s' is not touched: %s",
				  kinds[it->kind], it->name, it->why);
		if (it->owner_must_add)
			diags_add(e->d, CRRC_W009, it->pos,
				  "bucket '%s' exists, and its policy lacks the statements that let "
				  "the roles replicating into it in: crrc never replaces an existing "
				  "bucket's policy; its owner must add them (crrc compile writes them "
				  "into existing-buckets.json)",
				  it->name);
	}
}

/* A KMS key in another account than its role's: its owner must let the
 * role in (W010), which no apply can do. */
static void report_key_grants(struct engine *e)
{
	for (size_t i = 0; i < e->ds->nreplications; i++) {
		const struct ds_replication *r = &e->ds->replications[i];
		for (size_t k = 0; r->nrules && k < r->nkey_grants; k++) {
			const struct ds_key_grant *g = &r->key_grants[k];
			diags_add(e->d, CRRC_W010, g->pos,
				  "KMS key '%s' is in account %s, not in account %s of the role "
				  "that replicates '%s': crrc cannot edit another account's key "
				  "policy; the key's owner must add the statement that lets the role "
				  "%s (crrc compile writes it into key-policies.json)",
				  g->key->s, g->account, r->role.account ? r->role.account : "?",
				  r->source->key, g->decrypt ? "decrypt" : "encrypt replicas");
		}
	}
}

static void print_plan(struct engine *e, const struct plan *p)
{
	if (e->o->json && e->o->apply)
		return; /* one document at the end: print_summary */
	if (e->o->json) {
		json_t *j = plan_to_json(p);
		json_dumpf(j, e->o->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', e->o->out);
		json_decref(j);
		return;
	}
	struct buf b = BUF_INIT;
	plan_render_text(p, &b, false);
	fwrite(b.data ? b.data : "", 1, b.len, e->o->out);
	buf_free(&b);
}

/* The summary; with --format=json, apply's one document: the plan and,
 * under "result", what was done. */
static void print_summary(struct engine *e, const struct plan *p, const struct apply_summary *s)
{
	if (e->o->json) {
		json_t *j = plan_to_json(p);
		json_object_set_new(j, "result",
				    json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "created",
					      (json_int_t)s->created, "updated",
					      (json_int_t)s->updated, "unchanged",
					      (json_int_t)s->unchanged, "failed", (json_int_t)s->failed,
					      "blocked", (json_int_t)s->blocked, "reads",
					      (json_int_t)s->reads, "writes", (json_int_t)s->writes));
		json_dumpf(j, e->o->out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		fputc('\n', e->o->out);
		json_decref(j);
		return;
	}
	fprintf(e->o->out,
		"\nApply: %lu created, %lu updated, %lu unchanged, %lu failed, %lu blocked "
		"(%lu requests: %lu reads, %lu writes).\n",
		s->created, s->updated, s->unchanged, s->failed, s->blocked, s->reads + s->writes,
		s->reads, s->writes);
}

static void count_requests(struct engine *e, struct apply_summary *sum)
{
	sum->reads = e->reads;
	sum->writes = e->writes;
}

/* Whether the credentials of some account failed or are another's: apply
 * then writes nothing at all, not even to the other accounts, for a run
 * with a wrong profile or role is a mistake to fix, not a plan to carry
 * out in part ("refused before any write", issue 12). */
static bool credentials_wrong(const struct engine *e)
{
	for (size_t k = 0; k < e->live->nplaces; k++)
		if (e->live->place_errors[k])
			return true;
	return false;
}

static enum apply_result carry_out(struct engine *e, struct plan *p, struct apply_summary *sum)
{
	report_blocked(e, p);
	report_key_grants(e);
	print_plan(e, p);
	if (!plan_has_changes(p)) {
		if (e->o->apply) {
			sum->unchanged = p->n;
			count_requests(e, sum);
			print_summary(e, p, sum);
		}
		return APPLY_NO_CHANGES;
	}
	bool any = p->ncreate + p->nupdate + p->nadopt > 0;
	if (!e->o->apply)
		return p->nblocked ? APPLY_FAILED : APPLY_CHANGES;
	if (credentials_wrong(e)) {
		fprintf(stderr, "crrc: the credentials of an account of the spec failed or are "
				"another account's: nothing was changed\n");
		sum->blocked = p->nblocked;
		count_requests(e, sum);
		print_summary(e, p, sum);
		return APPLY_FAILED;
	}
	if (any && !engine_confirmed(e->o, "apply", "changes AWS",
					 "Do you want crrc to make these changes?"))
		return APPLY_DECLINED;
	if (!e->o->json)
		fputc('\n', e->o->out);
	engine_exec(e, p, sum);
	count_requests(e, sum);
	print_summary(e, p, sum);
	return sum->failed || sum->blocked ? APPLY_FAILED : APPLY_CHANGES;
}

enum apply_result apply_run(const struct crrc_desired *ds, const struct apply_options *o,
			    struct crrc_diags *d, struct apply_summary *sum)
{
	struct http_options ho = {.max_connections = o->max_connections};
	struct engine e = {.ds = ds, .o = o, .d = d, .env = getenv_fn};
	memset(sum, 0, sizeof(*sum));
	e.http = http_create(&ho);
	if (!e.http) {
		diags_add(d, CRRC_E100, (struct crrc_pos){0}, "the HTTP transport could not start");
		return APPLY_FAILED;
	}
	e.live = live_create(ds->nbuckets, ds->nreplications, ds->nplaces);
	live_points_create(e.live, ds->npoints);
	engine_accounts(&e);
	engine_read(&e);
	char err[256] = "";
	struct plan *p = plan_create(ds, e.live, err, sizeof(err));
	enum apply_result res = APPLY_FAILED;
	if (!p)
		diags_add(d, CRRC_E100, (struct crrc_pos){0}, "crrc could not read back its own "
							      "replication configuration: %s", err);
	else
		res = carry_out(&e, p, sum);
	plan_destroy(p);
	engine_accounts_free(&e);
	live_destroy(e.live);
	http_destroy(e.http);
	return res;
}
