/* verify.h: `crrc verify`: proof that replication works, by replicating a
 * probe. For every enabled rule of the spec (or those named), a small
 * object that the rule's filter selects is put into the source, and
 * watched until S3 says COMPLETED or FAILED and the replica is in the
 * destination with what the rule promises; where the rule replicates
 * delete markers, the probe is deleted and the marker watched for too.
 * Every probe version and marker is removed at the end, on both sides,
 * also after a failure or an interrupt; a run first sweeps what an
 * earlier one left. Failures are diagnostics at the rule's line:
 * E102 FAILED (with the likely cause), E103 not replicated in time, E104
 * replicated later than the RPO, E105 a replica without what the rule
 * promises, E106 a rule no probe can exercise; E100 for AWS calls that
 * failed, W012 for a probe that could not be removed. */
#ifndef CRRC_APPLY_VERIFY_H
#define CRRC_APPLY_VERIFY_H

#include <stdbool.h>
#include <stdio.h>

#include "apply/apply.h"
#include "diag/diag.h"
#include "model/desired.h"

struct verify_options {
	const char *const *rules; /* --rule IDs; none: every enabled rule */
	size_t nrules;
	long timeout_ms;          /* 0: the largest RPO probed, plus a margin */
	long poll_ms;             /* 0: from 250 ms up to 2 s */
	bool json;                /* --format=json */
};

struct verify_summary {
	unsigned long probed, replicated, failed, late, missing, differs, impossible, errors;
	unsigned long left;        /* probes that could not be removed */
	bool interrupted;          /* a signal ended the watch early */
	unsigned long reads, writes;
};

/* Verify ds with the credentials and options of ao (assume, out,
 * step_timeout_ms); false when an option names no rule of the spec (said
 * on stderr), else true with what happened in d and sum. */
bool verify_run(const struct crrc_desired *ds, const struct apply_options *ao,
		const struct verify_options *vo, struct crrc_diags *d, struct verify_summary *sum);

#endif
