/* tf.h: what the Terraform back end's files share: names of resources,
 * providers and references, computed once per emit. Private to
 * emit_terraform.c and tf_replication.c. */
#ifndef CRRC_TF_H
#define CRRC_TF_H

#include "model/model.h"
#include "emit/terraform/hcl.h"

struct arena;
struct strmap;

/* An account a bucket names: it gets providers that assume a role in it. */
struct tf_account {
	const char *id;
	const char *name;      /* identifier: the alias, or account_<id> */
	const char *partition; /* of its first bucket */
};

struct tf_provider {
	const char *alias;
	const char *ref; /* "aws.<alias>" */
	const char *region;
	const struct tf_account *account; /* NULL: the deploying credentials */
};

struct tf_bucket {
	const char *name;     /* resource name, from the bucket key */
	const char *provider; /* "aws.<alias>" */
	/* Sources in another account that replicate into this bucket. */
	const struct crrc_replication **policy_sources;
	size_t npolicy_sources;
};

struct tf {
	const struct crrc_model *m;
	const char *spec_path;
	struct arena *arena; /* what lives as long as the emit */
	/* what lives while one resource is written: reset between them, so
	 * that the strings made for each bucket do not pile up */
	struct arena *tmp;
	struct tf_bucket *b; /* by bucket index */
	struct tf_provider *providers;
	size_t nproviders;
	struct tf_account *accounts;
	size_t naccounts;
	/* Literal ARNs in policies, to write references in their place: the
	 * ARNs of the buckets and of the generated roles Terraform manages. */
	struct strmap *bucket_arns, *role_arns;
};

/* The file header, then the body follows. */
void tf_header(struct tf *t, struct hcl *h);
const struct tf_bucket *tf_bucket_of(const struct tf *t, const struct crrc_bucket *b);
/* An expression for a bucket's name (attribute `bucket`) or ARN, in
 * t->tmp. */
const char *tf_bucket_id(const struct tf *t, const struct crrc_bucket *b);
const char *tf_bucket_arn(const struct tf *t, const struct crrc_bucket *b);
/* The replication role's ARN as an expression, in t->tmp. */
const char *tf_role_arn(const struct tf *t, const struct crrc_replication *r);
/* `tags = {...}` when there are any. */
void tf_tags(struct hcl *h, const char *name, const struct crrc_tags *tags);

/* replication.tf (tf_replication.c). */
void tf_replication_write(struct tf *t, struct hcl *h, const struct crrc_replication *r);

#endif
