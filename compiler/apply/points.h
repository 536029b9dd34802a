/* points.h: what the Multi-Region Access Points' reads and writes
 * (points.c, points_exec.c) and `crrc failover` (failover.c) share.
 * Private to apply/. */
#ifndef CRRC_APPLY_POINTS_H
#define CRRC_APPLY_POINTS_H

#include <stdbool.h>

#include "apply/engine.h"

struct s3mrap_route;

/* Whether a call that ended so should go to the next failover-control
 * region: no answer, or a 5xx. */
bool points_try_next(const struct aws_call_end *end);
/* The retry policy of a routes call: few attempts, then the next region. */
void points_route_policy(const struct engine *e, struct retry_policy *out);
/* The account pt is in: its own, or what the deploying credentials say
 * (NULL when they failed). */
const char *points_account(const struct engine *e, const struct ds_access_point *pt);
/* S3 Control for account in region. */
bool points_endpoint(const struct engine *e, const char *account, const char *region,
		     struct aws_endpoint *ep, char **err);
/* The routes of pt's members (xcalloc'd, the strings pt's): as the spec
 * says (active NULL), or active at 100 and every other member at 0. */
struct s3mrap_route *points_routes_want(const struct ds_access_point *pt,
					const struct ds_bucket *active);

/* Read every point into e->live->points (sent; http_run drives them). */
void engine_read_points(struct engine *e);
/* Read point i (routes_only: its routes again, the alias known). */
void engine_read_point(struct engine *e, size_t i, bool routes_only);
/* Carry out the plan's point items, once the other waves are done;
 * failed is by item, the members' included. */
void engine_exec_points(struct engine *e, struct plan *p, bool *failed);

#endif
