/* live.h: what AWS holds for the buckets and roles of a desired state, as
 * apply's reads (read.c) found it, and what the plan (plan.c) compares
 * with the desired state. Indexed like the desired state: bucket i of the
 * desired state is live->buckets[i], the role and the configuration of
 * replication i are live->roles[i] and live->buckets[source].replication,
 * its batch role live->batch_roles[i]; the S3 Batch Operations jobs of
 * place k (an account and region) are live->jobs[k]; the Multi-Region
 * Access Point i of the desired state is live->points[i].
 * Everything here is owned by the struct live (live_free). */
#ifndef CRRC_APPLY_LIVE_H
#define CRRC_APPLY_LIVE_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "aws/request.h"

struct s3_replication;

/* The tag crrc puts on what it creates, naming the spec: a re-run adopts
 * what carries it, and nothing else that exists unasked. */
#define LIVE_MARK_KEY "crrc:spec"

enum live_presence {
	LIVE_UNREAD = 0, /* not read (not needed, or a read before it failed) */
	LIVE_ABSENT,     /* it does not exist */
	LIVE_PRESENT,    /* it exists, in the expected region and account */
	LIVE_ELSEWHERE,  /* a bucket of that name exists in another region */
	LIVE_FORBIDDEN,  /* it exists and the account may not read it: another's */
	LIVE_FAILED,     /* reading it failed: error says why */
};

struct live_tags {
	struct aws_kv *v;
	size_t n;
};

struct live_bucket {
	enum live_presence presence;
	char *region;     /* where it is (HeadBucket), when it exists */
	char *versioning; /* "Enabled", "Suspended", or NULL: never enabled */
	bool sse_read;    /* the encryption configuration was read */
	char *sse;        /* "AES256", "aws:kms", "aws:kms:dsse", or NULL: none */
	char *kms_key;
	bool bucket_key;
	struct live_tags tags;
	json_t *policy;   /* its bucket policy, or NULL: none */
	struct s3_replication *replication; /* NULL: none */
	bool object_lock;
	bool empty;       /* holds no object version (read only when it matters) */
	char *error;      /* LIVE_FAILED: what failed */
};

struct live_role {
	enum live_presence presence;
	char *arn;
	json_t *trust;    /* the assume-role policy, decoded */
	json_t *policy;   /* the inline policy crrc names, or NULL: none */
	struct live_tags tags;
	char *error;
};

/* A job crrc started: its Description begins with its token and a space. */
struct live_job {
	char *token; /* ClientRequestToken, "crrc-<16 hex>" */
	char *id;
	char *status;
	long long total, succeeded, failed; /* its ProgressSummary's tasks */
};

/* The jobs of a place, read with ListJobs (all pages) when a source there
 * has rules with existing_objects: true. */
struct live_jobs {
	enum live_presence presence; /* UNREAD, PRESENT (listed) or FAILED */
	struct live_job *v;
	size_t n;
	char *error;
};

/* A route of a Multi-Region Access Point: its bucket, that bucket's
 * region, and its traffic dial (100 active, 0 passive). */
struct live_route {
	char *bucket;
	char *region;
	int dial;
};

struct live_routes {
	struct live_route *v;
	size_t n;
};

/* A Multi-Region Access Point, read with GetMultiRegionAccessPoint in its
 * account (control plane us-west-2), then its policy and its routes (from
 * the first failover-control region that answers). */
struct live_point {
	enum live_presence presence;
	char *alias;        /* what its ARN names: arn:...:accesspoint/ALIAS */
	char *status;       /* READY, CREATING, ... */
	char **buckets;     /* its regions' buckets, as S3 reports them */
	size_t nbuckets;
	json_t *policy;     /* NULL: none */
	bool routes_read;
	struct live_routes routes;
	char *error;
};

struct live {
	struct live_bucket *buckets; /* desired->nbuckets */
	struct live_role *roles;     /* 2 * desired->nreplications: the replication
				      * roles, then the batch roles */
	struct live_role *batch_roles; /* roles + desired->nreplications */
	struct live_jobs *jobs;      /* desired->nplaces */
	size_t nbuckets, nroles;
	/* the account each place's credentials are for (GetCallerIdentity) */
	char **place_accounts;       /* desired->nplaces */
	char **place_errors;         /* why a place has no credentials, or NULL */
	size_t nplaces;
	struct live_point *points;   /* desired->npoints (live_points_create) */
	size_t npoints;
};

/* An empty snapshot sized for a desired state's counts. */
struct live *live_create(size_t nbuckets, size_t nreplications, size_t nplaces);
void live_destroy(struct live *l); /* NULL is fine */
/* Room for the desired state's Multi-Region Access Points. */
void live_points_create(struct live *l, size_t npoints);
/* Append a route (copies of the strings). */
void live_routes_add(struct live_routes *r, const char *bucket, const char *region, int dial);
void live_routes_clear(struct live_routes *r);
/* The dial of bucket's route in r, or -1: none. */
int live_route_dial(const struct live_routes *r, const char *bucket);
/* The value of key in tags, or NULL. */
const char *live_tag(const struct live_tags *tags, const char *key);
/* Append a copy of (key, value). */
void live_tags_add(struct live_tags *tags, const char *key, const char *value);
void live_tags_clear(struct live_tags *tags);
/* Append a job (copies of the strings). */
void live_jobs_add(struct live_jobs *jobs, const char *token, const struct live_job *job);
/* The job of token in jobs, or NULL. */
const struct live_job *live_job_find(const struct live_jobs *jobs, const char *token);

#endif
