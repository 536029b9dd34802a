/* tf.h: what the Terraform target's files share, private to
 * emit/terraform/: names of resources, providers and variables, and the
 * expressions that refer to buckets and roles (names.c), computed once per
 * emit from the desired state. terraform.c writes every file but
 * replication.tf, which replication.c writes. */
#ifndef CRRC_TF_H
#define CRRC_TF_H

#include "emit/terraform/hcl.h"
#include "model/desired.h"

struct arena;
struct strmap;

/* The provider of an (account, region) pair: a desired place. */
struct tf_provider {
	const char *alias;
	const char *ref; /* "aws.<alias>" */
	const char *region;
	const char *account_name; /* the account's identifier; NULL: the deploying credentials */
	const struct ds_account *account;
};

struct tf {
	const struct crrc_desired *ds;
	const char *spec_path;
	struct arena *arena; /* what lives as long as the emit */
	/* what lives while one resource is written: reset between them, so
	 * that the strings made for each bucket do not pile up */
	struct arena *tmp;
	const char **names;  /* resource name of each bucket, by index */
	struct tf_provider *providers; /* by place */
	const char **account_names;    /* by account: the alias, or account_<id> */
	const char **point_names;      /* by point: its key as an identifier */
	/* Literal ARNs in policies, to write references in their place: the
	 * ARNs of the buckets and of the generated roles Terraform manages. */
	struct strmap *bucket_arns, *role_arns;
};

/* Plan the names of t->ds (t->ds, arena and tmp set). */
void tf_names_plan(struct tf *t);

/* Begin the file at path in o, its header written: h writes into it;
 * tf_file_end completes it. */
struct crrc_sink;
void tf_file_begin(struct tf *t, struct hcl *h, struct crrc_sink *o, const char *path);
void tf_file_end(struct hcl *h, struct crrc_sink *o);
/* An output block. */
void tf_output(struct hcl *h, const char *name, const char *description, const char *value);

/* The file header, then the body follows. */
void tf_header(struct tf *t, struct hcl *h);
const char *tf_name(const struct tf *t, const struct ds_bucket *b);
const struct tf_provider *tf_provider(const struct tf *t, const struct ds_bucket *b);
/* An expression for a bucket's name (attribute `bucket`) or ARN, in
 * t->tmp. */
const char *tf_bucket_id(const struct tf *t, const struct ds_bucket *b);
const char *tf_bucket_arn(const struct tf *t, const struct ds_bucket *b);
/* The replication role's ARN as an expression, in t->tmp. */
const char *tf_role_arn(const struct tf *t, const struct ds_replication *r);
/* A string quoted for HCL, in a. */
const char *tf_quoted(struct arena *a, const char *s);
/* `tags = {...}` when there are any. */
void tf_tags(struct hcl *h, const char *name, const struct crrc_tags *tags);
/* The reference for a literal ARN of a policy document, or NULL to write
 * the literal: a hcl_subst_fn over a struct tf. */
const char *tf_ref_subst(void *ctx, const char *s, size_t len);

/* replication.tf (replication.c). */
void tf_replication_write(struct tf *t, struct hcl *h, const struct ds_replication *r);

/* access_points.tf (points.c), when there are points; and their outputs. */
void tf_points_file(struct tf *t, struct crrc_sink *o);
void tf_points_outputs(struct tf *t, struct hcl *h);

#endif
