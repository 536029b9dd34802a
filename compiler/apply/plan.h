/* plan.h: what apply would change, computed from the desired state and
 * the live state (live.h) alone, with no request sent: the plan that
 * `crrc plan` prints and `crrc apply` carries out. Every write apply sends
 * is decided here, as a step of an item; exec.c only sends them.
 *
 * Items come in the desired state's order: the buckets, then per entry its
 * role, its replication configuration, and, for rules with
 * existing_objects: true, its batch role and a batch replication job per
 * such rule; last the Multi-Region Access Points (plan_point.c). An item
 * keeps the spec position of its element, where a
 * failure is reported. */
#ifndef CRRC_APPLY_PLAN_H
#define CRRC_APPLY_PLAN_H

#include <jansson.h>

#include "apply/live.h"
#include "model/desired.h"

struct arena;
struct buf;

enum plan_kind { PLAN_BUCKET, PLAN_ROLE, PLAN_REPLICATION, PLAN_JOB, PLAN_POINT };

enum plan_action {
	PLAN_NONE,    /* AWS holds what the spec says */
	PLAN_CREATE,  /* + */
	PLAN_UPDATE,  /* ~ */
	PLAN_ADOPT,   /* ~ a bucket left empty by an interrupted run, taken over */
	PLAN_BLOCKED, /* ! not touched: why says why */
};

/* The writes of an item, in the order they are sent. */
enum plan_step {
	STEP_CREATE_BUCKET = 1u << 0,
	STEP_MARK = 1u << 1, /* the bucket's tags, with crrc's mark, right after */
	STEP_VERSIONING = 1u << 2,
	STEP_ENCRYPTION = 1u << 3,
	STEP_TAGS = 1u << 4,
	STEP_POLICY = 1u << 5,
	STEP_CREATE_ROLE = 1u << 6,
	STEP_TRUST = 1u << 7,
	STEP_ROLE_POLICY = 1u << 8,
	STEP_ROLE_TAGS = 1u << 9,
	STEP_REPLICATION = 1u << 10,
	STEP_JOB = 1u << 11, /* S3 Control CreateJob: a batch replication job */
	/* a Multi-Region Access Point: created (and followed to its end), its
	 * policy put (followed too), its routes submitted */
	STEP_CREATE_POINT = 1u << 12,
	STEP_POINT_POLICY = 1u << 13,
	STEP_ROUTES = 1u << 14,
};

/* One field that changes: old NULL for a field set anew, new NULL for one
 * that goes. */
struct plan_change {
	const char *field;
	const char *old, *new;
};

struct plan_item {
	enum plan_kind kind;
	enum plan_action action;
	unsigned steps;
	size_t index;            /* of the bucket or the replication entry */
	const char *name;        /* the bucket's or the role's; the source's */
	const struct ds_place *place;
	const char *account;     /* the account it is in, as the credentials say */
	struct crrc_pos pos;
	const char *why;         /* BLOCKED and ADOPT: the reason */
	struct plan_change *changes;
	size_t nchanges;
	bool replaces_foreign;   /* a replication configuration crrc did not write */
	bool owner_must_add;     /* an existing bucket's policy lacks what crrc needs */
	/* what the steps write */
	json_t *policy;          /* STEP_POLICY: the whole bucket policy to put */
	json_t *role_policy;     /* STEP_ROLE_POLICY */
	json_t *trust;           /* STEP_CREATE_ROLE, STEP_TRUST */
	struct live_tags tags;   /* STEP_MARK/STEP_TAGS: the whole set; roles: to add */
	struct s3_replication *replication; /* STEP_REPLICATION */
	const char *role_arn;    /* REPLICATION, JOB: the role it names */
	const char *role_policy_name; /* ROLE: the name of its inline policy */
	/* JOB: the rule's batch, the Description it is found by, the job that
	 * exists (NONE), and the items whose failure stops it: the
	 * replication configuration and the batch role */
	const struct ds_batch *batch;
	const char *rule;        /* the rule's ID (or priority-N) */
	const char *description;
	const char *job_id, *job_status;
	size_t needs[2];
	/* POINT: the point, its alias when it exists, and in policy its
	 * policy with the point's name where the alias goes (plan_point_policy
	 * puts the alias once it is known) */
	const struct ds_access_point *point;
	const char *alias;
};

struct plan {
	struct plan_item *items;
	size_t n;
	size_t ncreate, nupdate, nadopt, nblocked;
	const struct crrc_desired *ds;
	struct arena *arena;
};

/* The plan that brings live to ds. NULL only when a document crrc made
 * cannot be read back (a bug: said in err). */
struct plan *plan_create(const struct crrc_desired *ds, const struct live *l, char *err,
			 size_t errlen);
void plan_destroy(struct plan *p); /* NULL is fine */
/* Whether the plan changes anything (blocked items count as changes not
 * made: they are reported, not "no changes"). */
bool plan_has_changes(const struct plan *p);

/* The policy of point pt in account (its own, or the deploying one's),
 * naming it by alias (NULL: by its name, to be replaced once known). */
json_t *plan_point_policy(const struct ds_access_point *pt, const char *account,
			  const char *alias);

/* The plan as people read it, grouped by account and region. */
void plan_render_text(const struct plan *p, struct buf *out, bool color);
/* The plan as JSON, for CI. */
json_t *plan_to_json(const struct plan *p);
/* The name of an action: "create", "update", ... */
const char *plan_action_name(enum plan_action a);

#endif
