/* desired.h: the desired state, what AWS must hold for a spec, target-
 * neutral and computed once from the resolved model. Every S3 and IAM
 * decision is made here (or, for the policy documents, in iam.c from these
 * structures), and only here: which filter form a rule takes, its RTC and
 * metrics minutes, what makes a destination cross-account and so which
 * bucket policy it needs, what the role may do to each destination, where
 * each bucket lives. The back ends only render it into their syntax; the
 * apply back end compares live state read into the same structures; a
 * semantic diff compares two of them.
 *
 * Every element keeps the position in the spec it came from (pos), so that
 * a failure at apply time is reported at the line that caused it, and, when
 * it came from a spec, the model element (spec; NULL for live state).
 * Strings point into the model, which must outlive the desired state. */
#ifndef CRRC_DESIRED_H
#define CRRC_DESIRED_H

#include <stdbool.h>
#include <stddef.h>

#include "model/model.h"

/* S3 Replication Time Control has one threshold: replication within 15
 * minutes, and the metrics event that goes with it. */
#define DS_RTC_MINUTES 15

/* A rule's filter in S3's V2 form, which always has one. */
enum ds_filter_form {
	DS_FILTER_PREFIX, /* Prefix alone; the empty prefix: every object */
	DS_FILTER_TAG,    /* one Tag alone */
	DS_FILTER_AND,    /* And: the prefix when there is one, and the tags */
};

/* An account that the spec names: its buckets are managed with credentials
 * for it (a provider's assumed role, a stack's profile, apply's STS). */
struct ds_account {
	const char *id;
	const char *alias;     /* its first alias under accounts:, or NULL */
	const char *partition; /* of its first bucket */
};

/* An (account, region) pair: where a set of buckets lives, and so what one
 * Terraform provider, one CloudFormation stack (or its parts) or one set of
 * API clients serves. */
struct ds_place {
	const struct ds_account *account; /* NULL: the deploying credentials */
	const char *region;
	const char *partition;
	size_t nbuckets;
};

struct ds_replication;

/* Who writes a bucket setting that S3 replaces whole: PutBucketPolicy
 * drops every statement the bucket had, PutObjectLockConfiguration its
 * default retention. crrc writes them on a bucket it creates. On one that
 * exists (existing: true) they are its owner's: crrc never replaces them,
 * and says what its owner must add (the back ends write it next to their
 * output, W009). */
enum ds_writer {
	DS_WRITER_NONE,  /* there is nothing to write */
	DS_WRITER_CRRC,  /* crrc writes it, whole */
	DS_WRITER_OWNER, /* the bucket's owner adds what replication needs */
};

/* A replication entry in another account that a bucket's policy admits. */
struct ds_admit {
	const struct ds_replication *replication;
	bool delete_markers; /* its role may replicate delete markers here */
	bool owner_override; /* its role may give replicas to this bucket's owner */
};

struct ds_bucket {
	struct crrc_pos pos;
	const struct crrc_bucket *spec;
	const char *key;  /* the spec's logical name */
	const char *name; /* the S3 name */
	const char *arn;
	const struct ds_place *place;
	bool create;      /* crrc creates it; false: it exists (existing: true) */
	bool versioning;  /* always: replication needs it on both ends */
	bool object_lock; /* it has Object Lock (the role reads retention) */
	/* Who turns Object Lock on: crrc at creation, or the owner of an
	 * existing bucket (crrc's configuration would drop its default
	 * retention); NONE without object_lock. */
	enum ds_writer object_lock_by;
	/* SSE-KMS with this key and an S3 Bucket Key; NULL: SSE-S3. */
	const struct crrc_str *kms_key;
	const struct crrc_tags *tags; /* the spec's tags merged with its own */
	/* Its bucket policy: the replication entries in other accounts whose
	 * roles may replicate into it, in the spec's order; none, no policy.
	 * policy_by says who writes it (NONE without admits). */
	struct ds_admit *admits;
	size_t nadmits;
	enum ds_writer policy_by;
	const struct ds_replication *replication; /* the one it is source of */
	size_t index;
};

/* One rule of a replication configuration, in S3's V2 shape. */
struct ds_rule {
	struct crrc_pos pos;
	const struct crrc_rule *spec;
	const struct crrc_str *id;
	long long priority;
	bool enabled;
	enum ds_filter_form filter;
	const struct crrc_str *prefix; /* NULL: none (a TAG or an AND without) */
	const struct crrc_tags *tags;  /* the filter's (none: n == 0) */
	bool delete_markers;
	/* source selection criteria */
	bool sse_kms_objects;
	bool replica_modifications;
	/* the destination */
	const struct ds_bucket *dest;
	size_t dest_index;            /* in its replication's dests */
	bool owner_override;          /* replicas owned by the destination's account */
	const char *dest_account;     /* Destination.Account: with owner_override */
	const struct crrc_str *storage_class;   /* NULL: the source object's */
	const struct crrc_str *replica_kms_key; /* NULL: no EncryptionConfiguration */
	int rtc_minutes;              /* 0: no Replication Time Control */
	bool metrics;
	int metrics_minutes;          /* the event threshold; 0: none (no RTC) */
};

/* A destination of an entry, with what its role must be allowed there:
 * s3:ReplicateDelete only when a rule into it replicates delete markers,
 * s3:ObjectOwnerOverrideToBucketOwner only when one overrides the owner. */
struct ds_dest {
	const struct ds_bucket *bucket;
	bool delete_markers; /* some rule into it replicates delete markers */
	bool owner_override; /* some rule into it overrides the owner */
};

struct ds_role {
	struct crrc_pos pos;
	bool create;      /* crrc generates it; false: the spec's role: */
	const char *name;
	const char *arn;  /* NULL: generated in the deploying account */
	const char *account; /* of its ARN; NULL when the ARN is unknown */
};

/* A KMS key the role uses that lives in another account than the role's:
 * IAM lets the role use it only if the key's policy lets it in too, and
 * only the key's owner can add that (crrc says what, W010). */
struct ds_key_grant {
	struct crrc_pos pos;          /* where the spec names the key */
	const struct ds_replication *replication; /* whose role uses it */
	const struct crrc_str *key;   /* its ARN, as given */
	const char *account;          /* the key's account */
	bool decrypt;                 /* kms:Decrypt (the source's key), else kms:Encrypt */
	const struct ds_bucket *bucket; /* whose objects it is used for: the encryption context */
};

/* S3 Batch Replication of what a source held before a rule existed
 * (existing_objects: true): S3 no longer accepts ExistingObjectReplication
 * in a configuration, so only an S3 Batch Operations job (S3ReplicateObject,
 * with a manifest of the objects eligible for replication under the
 * rule's prefix) copies them. Only `crrc apply` starts one; the
 * Terraform and CloudFormation outputs cannot (W006). */
struct ds_batch {
	struct crrc_pos pos;        /* the rule's existing_objects */
	const struct ds_rule *rule;
	/* ClientRequestToken: from the spec, the source and the rule, so that a
	 * re-run never starts a second job for the rule; apply finds the job by
	 * it, in the job's description */
	const char *token;
	const char *report_prefix;  /* the completion report, in the source */
};

/* A bucket's replication configuration and the role it uses. */
struct ds_replication {
	struct crrc_pos pos;
	const struct crrc_replication *spec;
	const struct ds_bucket *source;
	struct ds_role role;
	struct ds_rule *rules;
	size_t nrules;
	/* its destinations in the order its rules first name them */
	struct ds_dest *dests;
	size_t ndests;
	/* the keys in other accounts its role uses: the source's, then the
	 * replica keys in the order of the rules, each (key, bucket) once */
	struct ds_key_grant *key_grants;
	size_t nkey_grants;
	/* the rules with existing_objects: true, and the role their batch jobs
	 * run as, generated in the source's account (create false: none) */
	struct ds_batch *batches;
	size_t nbatches;
	struct ds_role batch_role;
	size_t index;
};

/* A bucket of a Multi-Region Access Point, and its route: active (traffic
 * dial 100) or passive (0, until a failover). */
struct ds_point_member {
	struct crrc_pos pos;          /* where the point lists it */
	const struct ds_bucket *bucket;
	bool active;
};

/* A Multi-Region Access Point: created in the account of its first bucket
 * (its control plane answers in us-west-2), over its members, one a region,
 * in the spec's order; a member in another account is named with its
 * account (BucketAccountId). Its policy lets the point's own account use
 * it (iam.c), delegating to that account's IAM policies. */
struct ds_access_point {
	struct crrc_pos pos;
	const struct crrc_access_point *spec;
	const char *key;
	const char *name;             /* 3-50 of a-z 0-9 - */
	const char *account;          /* the account it is created in; NULL: the deploying one */
	const struct ds_place *place; /* of its first bucket: whose credentials create it */
	struct ds_point_member *members;
	size_t nmembers;
	/* The residency prefixes the point refuses: a residency policy that does
	 * not allow the region of some member (writes through a point land in
	 * any active member, after a failover in any member) keeps its prefix
	 * out of the point, by a Deny in the point's policy (iam.c): residency
	 * holds through the point by construction. An empty prefix cannot be
	 * refused without refusing everything: E089 says so. */
	const struct crrc_str **refused;
	size_t nrefused;
	size_t index;
};

struct crrc_desired {
	const struct crrc_model *m;
	const char *name;             /* the spec's name */
	const struct crrc_tags *tags; /* on everything crrc creates (roles) */
	struct ds_account *accounts;  /* in the order buckets first name them */
	size_t naccounts;
	struct ds_place *places;      /* in the order buckets first name them */
	size_t nplaces;
	struct ds_bucket *buckets;    /* in the spec's order, by model index */
	size_t nbuckets;
	/* one per entry whose source is known, in the spec's order */
	struct ds_replication *replications;
	size_t nreplications;
	/* the Multi-Region Access Points whose buckets are all known, in the
	 * spec's order */
	struct ds_access_point *points;
	size_t npoints;
	struct arena *arena;          /* owns everything above */
};

/* The desired state of m, in an arena of its own. m is the resolved
 * model, best free of errors: parts that did not resolve (an unknown
 * bucket, a region) are left out, so the checks may call this on any
 * model. Linear in the spec's size. */
struct crrc_desired *desired_create(const struct crrc_model *m);
void desired_destroy(struct crrc_desired *ds); /* NULL is fine */

/* The variable that names the AWS profile of an account, as deploy.sh and
 * apply read it: CRRC_PROFILE_ and its alias (or id), upper case, other
 * characters as '_'. Appended to out. */
struct buf;
void desired_profile_variable(const char *alias_or_id, struct buf *out);

/* The desired element made from a model element. */
const struct ds_bucket *desired_bucket(const struct crrc_desired *ds,
				       const struct crrc_bucket *b);

#endif
