/* points.h: what every target needs to render a Multi-Region Access Point
 * of the desired state: the ARNs of its policy (iam.c) that only exist once
 * the point does, and what no target's syntax can express, its routes. The
 * policy names the point by its name and, when the point's account is the
 * deploying credentials', by a placeholder account; a target writes each
 * such ARN as an expression of the point's alias and account. */
#ifndef CRRC_EMIT_POINTS_H
#define CRRC_EMIT_POINTS_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "model/desired.h"

/* The control plane of every Multi-Region Access Point answers in this
 * region, whichever regions its buckets are in. */
#define POINT_CONTROL_REGION "us-west-2"

enum point_arn_kind {
	POINT_ARN_ACCESS_POINT, /* arn:<partition>:s3::<account>:accesspoint/<name><rest> */
	POINT_ARN_ROOT,         /* arn:<partition>:iam::<account>:root, account unknown */
};

/* A string of a point's policy, cut where a target substitutes. */
struct point_arn {
	enum point_arn_kind kind;
	const char *partition;
	size_t partition_len;
	const char *rest; /* after the name: "" or "/object/..."; after "root": "" */
	size_t rest_len;
};

/* Whether s (len bytes) is an ARN of p's policy to write as an expression:
 * the point's own ARN, or its account's root while the account is
 * unknown. */
bool point_arn_parse(const struct ds_access_point *p, const char *s, size_t len,
		     struct point_arn *out);

/* Comment lines (no comment marker, each ending in '\n') saying what a
 * target's output cannot do for p: set its routes. */
void point_routes_note(const struct ds_access_point *p, const char *target, struct buf *out);

#endif
