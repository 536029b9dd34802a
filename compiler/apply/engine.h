/* engine.h: apply's machinery, shared by its stages (accounts.c, read.c,
 * exec.c): the desired state, one AWS client per account, the transport
 * they share, the live state being read, and the diagnostics. Private to
 * apply/. */
#ifndef CRRC_APPLY_ENGINE_H
#define CRRC_APPLY_ENGINE_H

#include <stdbool.h>

#include "apply/apply.h"
#include "apply/live.h"
#include "apply/plan.h"
#include "aws/client.h"
#include "aws/endpoint.h"
#include "diag/diag.h"
#include "model/desired.h"

struct http;

/* The credentials of one account of the spec (or the deploying ones). */
struct engine_account {
	const struct ds_account *spec; /* NULL: the deploying credentials */
	struct aws_client *client;     /* NULL when its credentials failed */
	char *id;                      /* what GetCallerIdentity says */
	char *error;                   /* why there is no client, or a wrong id */
	const char *region;            /* for STS: its first place's region */
};

/* apply's progress line, on a terminal: the step (wave) it is at, of
 * nsteps, and the requests sent and done so far. */
struct engine_progress {
	bool tty;
	size_t step, nsteps;
	unsigned long sent, done;
};

struct engine {
	const struct crrc_desired *ds;
	const struct apply_options *o;
	struct crrc_diags *d;
	struct http *http;
	struct engine_account *accounts; /* ds->naccounts, then the deploying */
	size_t naccounts;
	struct live *live;
	aws_getenv_fn *env;
	unsigned long failures;
	/* calls made (each may take several attempts): IAM's and STS's reads
	 * are POSTs, so the transport's counts by method do not tell */
	unsigned long reads, writes;
	struct engine_progress progress; /* engine_exec's */
};

/* The account whose credentials serve place p. */
struct engine_account *engine_account_of(struct engine *e, const struct ds_place *p);
/* A diagnostic for a call that failed, at pos: what was done, to what, and
 * AWS's code, message and request id. */
void engine_failed(struct engine *e, struct crrc_pos pos, const char *what, const char *name,
		   const struct aws_call_end *end);

/* The retry policy of a step: the default, bounded by --step-timeout, with
 * the step's own retryable cases (also, or NULL). */
void engine_policy(const struct engine *e, const struct retry_match *also,
		   struct retry_policy *out);
/* The progress line drawn again, or cleared before another line (nothing
 * off a terminal). */
void engine_progress_line(struct engine *e, bool clear);
/* "<kind> <name>: <did>" on o->out, where the progress line was. */
void engine_progress_say(struct engine *e, const struct plan_item *it, const char *did);
/* Whether to go on: --yes, or "yes" typed at a terminal after question;
 * otherwise "crrc: <command> <does>: run it at a terminal..." or "<command>
 * cancelled" on stderr. */
bool engine_confirmed(const struct apply_options *o, const char *command, const char *does,
		      const char *question);
/* Set up the accounts' clients and prove each account's identity. */
bool engine_accounts(struct engine *e);
/* Only the credentials of place p's account (`crrc failover`): proved by
 * STS only when the spec does not name the account; false, with *err
 * (free() it), when they fail. engine_accounts_free frees them. */
bool engine_account_one(struct engine *e, const struct ds_place *p, char **err);
void engine_accounts_free(struct engine *e);
/* Read what AWS holds into e->live. */
void engine_read(struct engine *e);
/* Only the batch jobs (ListJobs) into e->live->jobs. */
void engine_read_jobs(struct engine *e);
/* Carry out the plan; counts what was done into sum. */
void engine_exec(struct engine *e, struct plan *p, struct apply_summary *sum);

#endif
