/* points.c: access_points.tf, each Multi-Region Access Point of the desired
 * state as an aws_s3control_multi_region_access_point over its buckets (the
 * provider sends its requests to us-west-2 itself) and its policy, iam.c's,
 * naming the point by the alias the resource reports. Its provider is its
 * first bucket's, so it is made in that bucket's account. The AWS provider
 * (5.x) has no resource for a point's routes: the file says which members
 * the spec makes passive and that crrc apply or crrc failover sets them. */
#include <string.h>

#include "base/arena.h"
#include "emit/emit.h"
#include "emit/points.h"
#include "emit/terraform/tf.h"
#include "model/iam.h"

#define POINT_TYPE "aws_s3control_multi_region_access_point"

/* What the policy's strings are substituted with: a point's references. */
struct point_subst {
	struct tf *t;
	const struct ds_access_point *p;
	const char *ref; /* "aws_s3control_multi_region_access_point.<name>" */
};

static const char *account_of(const struct ds_bucket *b)
{
	return b->place->account ? b->place->account->id : NULL;
}

static const char *point_name(const struct tf *t, const struct ds_access_point *p)
{
	return t->point_names[p->index];
}

/* The ARN of the point, or of its account's root, as a template string of
 * the resource's alias and account. */
static const char *point_subst(void *ctx, const char *s, size_t len)
{
	const struct point_subst *c = ctx;
	struct point_arn a;
	if (!point_arn_parse(c->p, s, len, &a))
		return tf_ref_subst(c->t, s, len);
	struct buf b = BUF_INIT;
	buf_puts(&b, "\"arn:");
	hcl_escape(&b, a.partition, a.partition_len);
	buf_puts(&b, a.kind == POINT_ARN_ROOT ? ":iam::" : ":s3::");
	if (c->p->account)
		hcl_escape(&b, c->p->account, strlen(c->p->account));
	else
		buf_printf(&b, "${%s.account_id}", c->ref);
	if (a.kind == POINT_ARN_ROOT)
		buf_puts(&b, ":root");
	else
		buf_printf(&b, ":accesspoint/${%s.alias}", c->ref);
	hcl_escape(&b, a.rest, a.rest_len);
	buf_putc(&b, '"');
	const char *expr = arena_strndup(c->t->tmp, b.data, b.len);
	buf_free(&b);
	return expr;
}

/* Whether m's account can only be known from its provider's credentials
 * while the point's is named: then a data source of that provider says. */
static bool member_needs_identity(const struct ds_access_point *p, const struct ds_point_member *m)
{
	return p->account && !account_of(m->bucket);
}

static void identities(struct tf *t, struct hcl *h, bool *declared)
{
	for (size_t i = 0; i < t->ds->npoints; i++) {
		const struct ds_access_point *p = &t->ds->points[i];
		for (size_t k = 0; k < p->nmembers; k++) {
			const struct ds_bucket *b = p->members[k].bucket;
			size_t place = (size_t)(b->place - t->ds->places);
			if (!member_needs_identity(p, &p->members[k]) || declared[place])
				continue;
			declared[place] = true;
			hcl_block(h, "data \"aws_caller_identity\" \"%s\"", t->providers[place].alias);
			hcl_attr(h, "provider", "%s", t->providers[place].ref);
			hcl_end(h);
		}
	}
}

static void region_block(struct tf *t, struct hcl *h, const struct ds_access_point *p,
			 const struct ds_point_member *m)
{
	const char *account = account_of(m->bucket);
	hcl_block(h, "region");
	hcl_attr(h, "bucket", "%s", tf_bucket_id(t, m->bucket));
	if (member_needs_identity(p, m))
		hcl_attr(h, "bucket_account_id", "data.aws_caller_identity.%s.account_id",
			 tf_provider(t, m->bucket)->alias);
	else if (account && (!p->account || strcmp(account, p->account) != 0))
		hcl_attr_str(h, "bucket_account_id", account, strlen(account));
	hcl_end(h);
}

static void routes_comment(struct hcl *h, const struct ds_access_point *p)
{
	struct buf note = BUF_INIT;
	point_routes_note(p, "Terraform's AWS provider", &note);
	hcl_comment_lines(h, note.data);
	buf_free(&note);
}

static void point_resource(struct tf *t, struct hcl *h, const struct ds_access_point *p)
{
	const char *name = point_name(t, p);
	routes_comment(h, p);
	hcl_block(h, "resource \"" POINT_TYPE "\" \"%s\"", name);
	hcl_attr(h, "provider", "%s", t->providers[p->place - t->ds->places].ref);
	hcl_block(h, "details");
	hcl_attr_str(h, "name", p->name, strlen(p->name));
	hcl_block(h, "public_access_block");
	hcl_attr(h, "block_public_acls", "true");
	hcl_attr(h, "block_public_policy", "true");
	hcl_attr(h, "ignore_public_acls", "true");
	hcl_attr(h, "restrict_public_buckets", "true");
	hcl_end(h);
	for (size_t i = 0; i < p->nmembers; i++)
		region_block(t, h, p, &p->members[i]);
	hcl_end(h);
	hcl_end(h);
}

static void policy_resource(struct tf *t, struct hcl *h, const struct ds_access_point *p)
{
	json_t *policy = iam_point_policy(p);
	if (!policy)
		return;
	const char *name = point_name(t, p);
	struct point_subst c = {
		.t = t, .p = p, .ref = arena_concat(t->tmp, POINT_TYPE ".", name, NULL),
	};
	hcl_block(h, "resource \"" POINT_TYPE "_policy\" \"%s\"", name);
	hcl_attr(h, "provider", "%s", t->providers[p->place - t->ds->places].ref);
	hcl_block(h, "details");
	hcl_attr(h, "name", "%s.details[0].name", c.ref);
	hcl_attr_jsonencode(h, "policy", policy, point_subst, &c);
	hcl_end(h);
	hcl_end(h);
	json_decref(policy);
}

void tf_points_file(struct tf *t, struct crrc_sink *o)
{
	if (t->ds->npoints == 0)
		return;
	struct hcl h;
	tf_file_begin(t, &h, o, "access_points.tf");
	bool *declared = arena_array(t->arena, t->ds->nplaces + 1, sizeof(*declared));
	identities(t, &h, declared);
	for (size_t i = 0; i < t->ds->npoints; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		point_resource(t, &h, &t->ds->points[i]);
		policy_resource(t, &h, &t->ds->points[i]);
	}
	tf_file_end(&h, o);
}

void tf_points_outputs(struct tf *t, struct hcl *h)
{
	for (size_t i = 0; i < t->ds->npoints; i++) {
		arena_reset(t->tmp); /* what the last one needed */
		const struct ds_access_point *p = &t->ds->points[i];
		const char *name = point_name(t, p);
		tf_output(h, arena_concat(t->tmp, name, "_access_point_arn", NULL),
			  arena_concat(t->tmp, "ARN of the Multi-Region Access Point ", p->key, " (",
				       p->name, ").", NULL),
			  arena_concat(t->tmp, POINT_TYPE ".", name, ".arn", NULL));
	}
}
