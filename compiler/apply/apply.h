/* apply.h: `crrc plan` and `crrc apply`: the desired state made real
 * through the S3, IAM and STS APIs, with no state file. plan reads what AWS
 * holds and prints what apply would change; apply carries it out. */
#ifndef CRRC_APPLY_H
#define CRRC_APPLY_H

#include <stdbool.h>
#include <stdio.h>

#include "diag/diag.h"
#include "model/desired.h"

struct apply_assume {
	const char *account; /* an alias or an id of the spec's accounts */
	const char *role_arn;
};

struct apply_options {
	bool apply;            /* carry the plan out (else only print it) */
	bool yes;              /* do not ask */
	bool json;             /* --format=json */
	bool interactive;      /* stdin and stderr are terminals */
	const struct apply_assume *assume;
	size_t nassume;
	long step_timeout_ms;  /* 0: two minutes */
	long max_connections;  /* 0: the transport's default */
	FILE *out;             /* the plan and progress */
	FILE *in;              /* the answer to the question */
};

struct apply_summary {
	unsigned long created, updated, unchanged, failed, blocked;
	unsigned long reads, writes; /* requests sent */
};

/* What apply_run found and did. */
enum apply_result {
	APPLY_NO_CHANGES,
	APPLY_CHANGES,    /* plan: there are changes; apply: all made */
	APPLY_FAILED,     /* AWS, network or credentials: diagnostics say */
	APPLY_DECLINED,   /* the user said no, or no terminal and no --yes */
};

/* Plan (and with o->apply, apply) ds; failures are diagnostics in d. */
enum apply_result apply_run(const struct crrc_desired *ds, const struct apply_options *o,
			    struct crrc_diags *d, struct apply_summary *sum);

#endif
