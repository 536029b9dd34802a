/* iam.h: the least-privilege replication role, written once for every back
 * end: its trust policy, its permissions policy, and the bucket policy a
 * destination in another account needs. Documents are jansson values that
 * each back end renders in its own syntax. */
#ifndef CRRC_IAM_H
#define CRRC_IAM_H

#include <jansson.h>

#include "model/model.h"

/* The trust policy: only s3.amazonaws.com may assume the role. */
json_t *iam_trust_policy(const struct crrc_replication *r);
/* The permissions policy of the role of r: exact actions, exact resources,
 * KMS conditioned on kms:ViaService and the encryption context. role_arn is
 * unused here; resources come from the model. */
json_t *iam_role_policy(const struct crrc_replication *r);
/* The bucket policy for destination dest, which lives in another account
 * than the source of r: lets exactly that role replicate into it. NULL when
 * dest needs none. role_arn is the role's ARN as the back end writes it. */
json_t *iam_destination_policy(const struct crrc_bucket *dest,
			       const struct crrc_replication *const *sources, size_t nsources);
/* Whether dest is in another (known) account than the source of r. */
bool iam_cross_account(const struct crrc_replication *r, const struct crrc_bucket *dest);

#endif
