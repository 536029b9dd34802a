/* failover.h: `crrc failover`: one Multi-Region Access Point of a spec
 * switched to one of its buckets (that one active, every other passive) in
 * one routes request to the first failover-control region that answers,
 * and the routes read back; or every point's routes shown (--status). It
 * needs only the point's account's credentials and S3 Control. */
#ifndef CRRC_APPLY_FAILOVER_H
#define CRRC_APPLY_FAILOVER_H

#include "apply/apply.h"

struct failover_options {
	const char *point;  /* its key or name; NULL with status */
	const char *to;     /* the bucket to make active: its key or name */
	bool status;        /* print every point's routes, change nothing */
};

enum failover_result {
	FAILOVER_DONE,
	FAILOVER_USAGE,    /* no such point, or the bucket is not a member: said */
	FAILOVER_FAILED,   /* AWS, network or credentials: diagnostics say */
	FAILOVER_DECLINED, /* the user said no, or no terminal and no --yes */
};

enum failover_result failover_run(const struct crrc_desired *ds, const struct apply_options *o,
				  const struct failover_options *fo, struct crrc_diags *d);

#endif
