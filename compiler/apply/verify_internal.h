/* verify_internal.h: what verify's files share: the probes, the sweeps,
 * the run. verify.c drives the rounds, verify_setup.c chooses the rules
 * and makes the probes and sweeps, verify_check.c judges the replica and
 * finds the likely cause of a failure, verify_report.c says the
 * verdicts. Private to apply/. */
#ifndef CRRC_APPLY_VERIFY_INTERNAL_H
#define CRRC_APPLY_VERIFY_INTERNAL_H

#include <jansson.h>

#include "apply/engine.h"
#include "apply/probe.h"
#include "apply/verify.h"
#include "aws/s3_object.h"

enum vstep {
	VSTEP_LIST, VSTEP_DELETE, VSTEP_PUT, VSTEP_HEAD_SOURCE, VSTEP_HEAD_REPLICA, VSTEP_TAGS,
	VSTEP_DELETE_PROBE, VSTEP_MARKER,
};

/* Where a probe is. */
enum vstate {
	VSTATE_PUT,    /* to be put */
	VSTATE_WATCH,  /* put: its status and replica are watched */
	VSTATE_TAGS,   /* replicated: the replica's tags are read */
	VSTATE_DELETE, /* checked: the probe is deleted, for its marker */
	VSTATE_MARKER, /* deleted: the marker is watched for */
	VSTATE_DONE,
};

enum verdict {
	VERDICT_PENDING,    /* so far so good; at the end: all the rule promises */
	VERDICT_FAILED,     /* S3 says FAILED */
	VERDICT_MISSING,    /* no replica within the timeout */
	VERDICT_NO_MARKER,  /* replicated, but the delete marker did not follow */
	VERDICT_DIFFERS,    /* a replica without what the rule promises */
	VERDICT_IMPOSSIBLE, /* no probe can exercise the rule */
	VERDICT_ERROR,      /* an AWS call failed, or no credentials */
	VERDICT_INTERRUPTED, /* still awaited when a signal came */
};

struct verify;

struct vprobe {
	struct verify *v;
	struct probe_design pd;
	struct engine_account *src, *dst;
	struct aws_endpoint src_ep, dst_ep;
	enum vstate state;
	enum verdict verdict;
	char *why;            /* DIFFERS, IMPOSSIBLE, ERROR, FAILED's cause */
	char *version, *etag; /* of the probe put */
	char *status;         /* the source's x-amz-replication-status, last read */
	char *marker;         /* the delete marker's version id */
	double put_at, replicated_at, deleted_at, marker_at; /* verify_now() */
	bool tags_unread;     /* the replica's storage class kept its tags from being read */
};

/* Every version under prefix in one bucket, to remove. */
struct vsweep {
	const struct ds_bucket *bucket;
	struct crrc_pos pos; /* the rule it is for */
	char *prefix;
	struct engine_account *acc;
	struct aws_endpoint ep;
	unsigned long deleted;
	bool said;           /* W012 given */
};

struct verify {
	struct engine e;
	struct apply_options ao;
	const struct verify_options *vo;
	struct vprobe *probes;
	size_t nprobes;
	struct vsweep *sweeps;
	size_t nsweeps;
	long timeout_ms, poll_ms;
	bool interrupted;
	bool jobs_read;     /* a rule probed has a batch job, and jobs were listed */
	unsigned long left; /* versions that could not be removed */
};

double verify_now(void);

/* verify_setup.c */
bool verify_setup(struct verify *v, const struct crrc_desired *ds, const struct apply_options *ao,
		  const struct verify_options *vo, struct crrc_diags *d);
void verify_teardown(struct verify *v);
/* The sweeps aimed at this run's probes alone (their keys), for the
 * clean-up. */
void verify_aim_cleanup(struct verify *v);
/* verify.c: run the sweeps (the set-up's, or the cleanup's). */
void verify_sweep(struct verify *v);
/* A version under s that could not be removed, or could not be listed. */
void verify_left(struct verify *v, struct vsweep *s, const struct aws_call_end *end);

/* verify_check.c */
/* Whether the replica's head has what p's rule promises; else p differs. */
bool verify_check_head(struct vprobe *p, const struct s3_object_head *h);
bool verify_check_tags(struct vprobe *p, const struct aws_tags *t);
/* A probe put into an unversioned source. */
void verify_unversioned(struct vprobe *p);
/* The likely cause of each FAILED probe, from what AWS holds. */
void verify_diagnose(struct verify *v);

/* verify_jobs.c: the batch jobs of the rules probed, read and said. */
struct buf;
void verify_jobs_read(struct verify *v);
void verify_jobs_report(struct verify *v, struct buf *text, json_t *out);

/* verify_report.c */
void verify_progress(struct verify *v, size_t waiting, bool clear);
void verify_report(struct verify *v, struct verify_summary *sum);

#endif
