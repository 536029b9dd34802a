/* read.c: what AWS holds, read into the live state (live.h), every bucket
 * and role at once over the shared transport. A bucket's reads start with
 * HeadBucket (does it exist, where, is it ours to read); then its
 * versioning, encryption, tags, policy and replication configuration go
 * in parallel; an unmarked bucket crrc would create is listed for one
 * object version, to tell an interrupted run's empty bucket from someone
 * else's. A role is GetRole, then its inline policy. Reads send no write. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/engine.h"
#include "aws/api.h"
#include "aws/http.h"
#include "aws/iam.h"
#include "aws/s3.h"
#include "aws/s3_replication.h"
#include "base/oom.h"

/* The inline policy crrc puts on the roles it creates. */
#define ROLE_POLICY_NAME "s3-replication"

enum read_what {
	READ_HEAD, READ_VERSIONING, READ_ENCRYPTION, READ_TAGS, READ_POLICY, READ_REPLICATION,
	READ_EMPTY, READ_ROLE, READ_ROLE_POLICY,
};

static const char *const read_names[] = {
	"s3:HeadBucket", "s3:GetBucketVersioning", "s3:GetBucketEncryption",
	"s3:GetBucketTagging", "s3:GetBucketPolicy", "s3:GetBucketReplication",
	"s3:ListObjectVersions", "iam:GetRole", "iam:GetRolePolicy",
};

struct read {
	struct engine *e;
	enum read_what what;
	size_t index; /* the bucket's, or the entry's */
	struct aws_endpoint ep;
};

static void bucket_failed(struct live_bucket *lb, const char *what, const struct aws_call_end *end,
			  const char *detail)
{
	char msg[800];
	const struct aws_error *er = end ? end->error : NULL;
	snprintf(msg, sizeof(msg), "%s: %s%s%s", what,
		 detail ? detail : er && er->code[0] ? er->code : "no answer",
		 er && er->message[0] && !detail ? ": " : "", er && !detail ? er->message : "");
	if (lb->presence != LIVE_FAILED) {
		lb->presence = LIVE_FAILED;
		lb->error = xstrdup(msg);
	}
}

static void read_send(struct engine *e, const struct ds_place *p, struct read *r,
		      struct aws_request *req, aws_call_fn done);

static struct read *read_new(struct engine *e, enum read_what what, size_t index,
			     const struct aws_endpoint *ep)
{
	struct read *r = xcalloc(1, sizeof(*r));
	r->e = e;
	r->what = what;
	r->index = index;
	r->ep.url = xstrdup(ep->url);
	r->ep.path_prefix = xstrdup(ep->path_prefix);
	r->ep.signing_region = xstrdup(ep->signing_region);
	r->ep.signing_service = xstrdup(ep->signing_service);
	return r;
}

static void read_free(struct read *r)
{
	aws_endpoint_clear(&r->ep);
	free(r);
}
