/* cfn.h: what the parts of the CloudFormation back end share: the plan of
 * stacks (one per account and region, or several when one would be over
 * CloudFormation's limits) and of deployment steps that cfn_plan.c computes,
 * and the renderers of the deployment files (deploy.c). Private to
 * emit/cloudformation/. */
#ifndef CRRC_CFN_H
#define CRRC_CFN_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "emit/emit.h"
#include "model/desired.h"

struct arena;
struct uniq;

/* CloudFormation's quotas on one stack: resources and outputs of a
 * template, and its size when read from S3 or sent in the request. */
#define CFN_QUOTA_RESOURCES 500
#define CFN_QUOTA_OUTPUTS 200
#define CFN_QUOTA_BYTES 1000000
#define CFN_QUOTA_DIRECT_BYTES 51200

/* The share of them crrc fills: 80%, 75% and 80%. cfn-lint reports a
 * template that comes within 90% of a quota (informational findings, which
 * the tests forbid), and an organisation's macros, hooks or later
 * hand-written additions get room for some of their own. The outputs bind
 * first: every bucket has one and a generated role another, so a stack
 * holds at most 150 buckets. */
#define CFN_MAX_RESOURCES 400
#define CFN_MAX_OUTPUTS 150
#define CFN_MAX_BYTES 800000
/* A template's bytes besides its buckets: the skeleton and the description
 * (kept under 900 characters, cfn-lint's threshold for its 1,024). */
#define CFN_TEMPLATE_OVERHEAD 2048

/* What one bucket adds to its stack's full template: the bucket, its
 * bucket policy and generated role; their outputs; their bytes as
 * rendered, at most (a DependsOn is counted with every destination). */
struct cfn_weight {
	size_t resources, outputs, bytes;
};

/* One stack: the buckets of one (account, region) pair, or of one part of
 * them when the pair is split (cfn_plan.c says how). */
struct cfn_stack {
	size_t index;
	const char *account_id;    /* NULL: the deploying credentials' account */
	const char *account_alias; /* the account's alias, when it has one */
	const char *account_part;  /* alias, id or "default", as in names */
	const char *region;
	const char *name;          /* "<spec name>-<account part>-<region>[-<part>]" */
	const char *template;      /* "<name>.template.json" */
	const char *bootstrap_template; /* "<name>.bootstrap.template.json" */
	const struct ds_bucket **buckets;
	size_t nbuckets;
	/* The Multi-Region Access Points of one account, in a stack of their
	 * own in us-west-2, where their control plane is (no buckets then):
	 * deployed after every stack of buckets. */
	const struct ds_access_point **points;
	size_t npoints;
	bool bootstrap;  /* in a cycle: first deployed without replication */
	bool named_iam;  /* creates a named IAM role */
	size_t part;     /* 1, 2...: the part of a split pair; 0: not split */
	size_t template_bytes, bootstrap_bytes; /* as rendered (emit) */
};

struct cfn_step {
	const struct cfn_stack *stack;
	bool bootstrap;
};

struct cfn_plan {
	struct arena *arena;          /* the emit's, where the plan lives */
	struct arena *tmp;            /* what only planning needs */
	struct uniq *stack_names;     /* while planning: the names taken */
	const char *spec_name;
	struct cfn_stack *stacks;
	size_t nstacks;
	struct cfn_stack **of_bucket; /* by bucket index */
	const char **ids;             /* logical id stem by bucket index */
	const char **point_ids;       /* logical id stem by point index */
	struct cfn_step *steps;
	size_t nsteps;
};

/* Group the buckets of ds into stacks, one per place, splitting a place
 * whose buckets would exceed the CFN_MAX_* limits by the weights w (by
 * bucket index, each within the limits on its own), name everything and
 * order the deployment steps. ids are the logical ids (cfn_logical_ids).
 * Allocates in a. */
void cfn_plan_build(const struct crrc_desired *ds, struct arena *a, const char **ids,
		    const struct cfn_weight *w, struct cfn_plan *p);

/* What follows a bucket's logical id stem in the names of its template:
 * its resources and its outputs. No suffix ends another, so stems that
 * differ make names that differ; plan.c checks every name all the same. */
#define CFN_ID_BUCKET "Bucket"
#define CFN_ID_POLICY "BucketPolicy"
#define CFN_ID_ROLE "ReplicationRole"
#define CFN_ID_BUCKET_ARN "BucketArn"
#define CFN_ID_ROLE_ARN "ReplicationRoleArn"
/* ... and of a point's, in its stack. */
#define CFN_ID_POINT "AccessPoint"
#define CFN_ID_POINT_POLICY "AccessPointPolicy"
#define CFN_ID_POINT_ALIAS "AccessPointAlias"

/* "eu-customers" -> "EuCustomers"; keys whose forms collide, and forms too
 * long for CloudFormation's 255 characters with a suffix, get a hash of the
 * key appended, so that an id depends on its key only. Every name made of
 * an id (<id>Bucket, <id>BucketArn...) is unique in its template: a hashed
 * id that would meet another's name takes the hash of its key and a
 * counter instead. */
const char **cfn_logical_ids(const struct crrc_desired *ds, struct arena *a);

/* The template of a stack of points (points.c), written into out. */
void cfn_points_template(const struct cfn_plan *p, const struct cfn_stack *s,
			 const char *spec_label, struct buf *out);
/* Whether p has points, and what its deployment cannot do for them: the
 * lines of the routes note (points.h), into out. */
bool cfn_points_note(const struct cfn_plan *p, const char *prefix, struct buf *out);

/* The deployment files: manifest.json and deploy.sh. */
void cfn_manifest_render(const struct cfn_plan *p, const char *spec_path, struct buf *out);
void cfn_deploy_render(const struct cfn_plan *p, const char *spec_path, struct buf *out);
/* What deploy.sh needs from its environment, said to the sink (require). */
void cfn_requirements(const struct cfn_plan *p, struct crrc_sink *o);

#endif
