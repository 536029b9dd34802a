/* iam.h: the least-privilege replication role and the bucket policies
 * replication needs, as IAM policy documents (jansson values, keys in a
 * fixed order) made from the desired state: the one place that decides
 * which actions on which resources. Each back end renders the documents in
 * its own syntax; the apply back end compares them with live ones. */
#ifndef CRRC_IAM_H
#define CRRC_IAM_H

#include <jansson.h>

#include "model/desired.h"

/* The trust policy: only s3.amazonaws.com may assume the role. */
json_t *iam_trust_policy(void);
/* The permissions policy of r's role: exact actions, exact resources, KMS
 * conditioned on kms:ViaService and the encryption context. NULL when the
 * source's ARN is unknown. */
json_t *iam_role_policy(const struct ds_replication *r);
/* The trust policy of a batch replication role: only S3 Batch Operations
 * (batchoperations.s3.amazonaws.com) may assume it. */
json_t *iam_batch_trust_policy(void);
/* The permissions of r's batch role (r->nbatches > 0): start replication
 * of the source's objects, read its replication configuration and write
 * the inventory the manifest generator makes, and write the completion
 * reports under their prefixes, nothing more. */
json_t *iam_batch_policy(const struct ds_replication *r);
/* Whether a replica key ARN is one the role policy names (it is left out
 * when it cannot be read as a KMS ARN). */
bool iam_kms_named(const struct crrc_str *key);
/* The bucket policy of dest, which admits the roles of dest->admits (in
 * other accounts); NULL when it needs none. */
json_t *iam_bucket_policy(const struct ds_bucket *dest);
/* What the owner of a KMS key in another account than the roles' adds to
 * its key policy: a statement for each of grants (all of one key) that
 * lets its entry's role use the key as that role's own policy does. A
 * document of those statements; NULL when none can be written. */
json_t *iam_key_policy(const struct ds_key_grant *const *grants, size_t n);
/* In iam_point_policy's document, the account when the point's is unknown
 * (it is created with the deploying credentials): back ends put that
 * account's id in its place. */
#define IAM_POINT_ACCOUNT "ACCOUNT"
/* The policy of Multi-Region Access Point p: its own account may use it
 * (read, write, delete and list objects), delegating to that account's IAM
 * policies. Its resources name the point by its NAME,
 * arn:<partition>:s3::<account>:accesspoint/<name>, and that ARN's objects;
 * back ends put the point's alias, known once it exists, in place of the
 * name where they can. */
json_t *iam_point_policy(const struct ds_access_point *p);

#endif
