/* points.c: the template of a stack of Multi-Region Access Points (one per
 * account, in us-west-2, deployed after the stacks of buckets: plan.c):
 * each point as an AWS::S3::MultiRegionAccessPoint over its buckets, and
 * its policy (iam.c's) as an AWS::S3::MultiRegionAccessPointPolicy that
 * names the point by the alias CloudFormation reports (Fn::Sub of
 * <id>AccessPoint.Alias) and, when the account is the deploying one, by
 * AWS::AccountId. CloudFormation has no resource for a point's routes: the
 * template's description, manifest.json and deploy.sh say which members
 * the spec makes passive and that crrc apply or crrc failover sets them. */
#include <string.h>

#include "base/arena.h"
#include "emit/cloudformation/cfn.h"
#include "emit/cloudformation/json_writer.h"
#include "emit/points.h"
#include "model/iam.h"

static const char *account_of(const struct ds_bucket *b)
{
	return b->place->account ? b->place->account->id : NULL;
}

/* The Fn::Sub string for an ARN of p's policy, in out. */
static void arn_sub(const struct ds_access_point *p, const char *id, const struct point_arn *a,
		    struct buf *out)
{
	/* the stack's partition is the point's: us-west-2 is in it */
	buf_puts(out, "arn:${AWS::Partition}");
	buf_puts(out, a->kind == POINT_ARN_ROOT ? ":iam::" : ":s3::");
	buf_puts(out, p->account ? p->account : "${AWS::AccountId}");
	if (a->kind == POINT_ARN_ROOT)
		buf_puts(out, ":root");
	else
		buf_printf(out, ":accesspoint/${%s" CFN_ID_POINT ".Alias}", id);
	buf_put(out, a->rest, a->rest_len);
}

/* The Fn::Sub that stands for v, an ARN of the point that only exists
 * with it; NULL when v is no such ARN. */
static json_t *arn_value(const struct ds_access_point *p, const char *id, const json_t *v)
{
	struct point_arn a;
	if (!json_is_string(v) ||
	    !point_arn_parse(p, json_string_value(v), json_string_length(v), &a))
		return NULL;
	struct buf b = BUF_INIT;
	arn_sub(p, id, &a, &b);
	json_t *sub = json_pack("{s:s#}", "Fn::Sub", b.data, b.len);
	buf_free(&b);
	return sub;
}

/* doc with each ARN of the point that only exists with it replaced by its
 * Fn::Sub; doc is changed in place. */
static void policy_subst(const struct ds_access_point *p, const char *id, json_t *doc)
{
	size_t i;
	const char *key;
	json_t *v, *sub;
	if (json_is_array(doc)) {
		json_array_foreach (doc, i, v) {
			if ((sub = arn_value(p, id, v)))
				json_array_set_new(doc, i, sub);
			else
				policy_subst(p, id, v);
		}
	} else if (json_is_object(doc)) {
		json_object_foreach (doc, key, v) {
			if ((sub = arn_value(p, id, v)))
				json_object_set_new(doc, key, sub);
			else
				policy_subst(p, id, v);
		}
	}
}

static void public_access_block(struct json_writer *w)
{
	JW_KEY(w, "PublicAccessBlockConfiguration");
	jw_object_open(w);
	static const char *const keys[] = {"BlockPublicAcls", "BlockPublicPolicy",
					   "IgnorePublicAcls", "RestrictPublicBuckets"};
	for (size_t i = 0; i < 4; i++) {
		jw_key(w, keys[i], NULL);
		jw_bool(w, true);
	}
	jw_object_close(w);
}

static void point_resource(struct json_writer *w, const struct ds_access_point *p,
			   const char *id)
{
	jw_key(w, id, CFN_ID_POINT);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::MultiRegionAccessPoint");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_MEMBER(w, "Name", p->name);
	public_access_block(w);
	JW_KEY(w, "Regions");
	jw_array_open(w);
	for (size_t i = 0; i < p->nmembers; i++) {
		const struct ds_bucket *b = p->members[i].bucket;
		const char *account = account_of(b);
		jw_object_open(w);
		JW_MEMBER(w, "Bucket", b->name);
		if (account && (!p->account || strcmp(account, p->account) != 0))
			JW_MEMBER(w, "BucketAccountId", account);
		jw_object_close(w);
	}
	jw_array_close(w);
	jw_object_close(w);
	jw_object_close(w);
}

static void policy_resource(struct json_writer *w, const struct ds_access_point *p,
			    const char *id)
{
	json_t *doc = iam_point_policy(p);
	if (!doc)
		return;
	policy_subst(p, id, doc);
	jw_key(w, id, CFN_ID_POINT_POLICY);
	jw_object_open(w);
	JW_MEMBER_LIT(w, "Type", "AWS::S3::MultiRegionAccessPointPolicy");
	JW_KEY(w, "Properties");
	jw_object_open(w);
	JW_KEY(w, "MrapName");
	jw_object_open(w);
	JW_KEY(w, "Ref");
	jw_string3(w, id, CFN_ID_POINT, "");
	jw_object_close(w);
	JW_KEY(w, "Policy");
	jw_json(w, doc);
	jw_object_close(w);
	jw_object_close(w);
	json_decref(doc);
}

static void point_output(struct json_writer *w, const struct ds_access_point *p, const char *id)
{
	jw_key(w, id, CFN_ID_POINT_ALIAS);
	jw_object_open(w);
	JW_KEY(w, "Description");
	jw_string3(w, "Alias of Multi-Region Access Point ", p->name, "");
	JW_KEY(w, "Value");
	jw_object_open(w);
	JW_KEY(w, "Fn::GetAtt");
	jw_array_open(w);
	jw_string3(w, id, CFN_ID_POINT, "");
	jw_string(w, "Alias");
	jw_array_close(w);
	jw_object_close(w);
	jw_object_close(w);
}

static const char *description(struct arena *a, const struct cfn_plan *p,
			       const struct cfn_stack *s, const char *spec_label)
{
	const char *where = s->account_id ? arena_printf(a, "account %s", s->account_id)
					  : "the deploying account";
	const char *d = arena_printf(a, "Multi-Region Access Points of %s in %s (their control plane is in us-west-2). CloudFormation cannot set their routes: every bucket of a point is active once deployed; crrc apply or crrc failover sets passive ones. Generated by crrc from %s; do not edit.",
				     p->spec_name, where, spec_label);
	if (strlen(d) > 900)
		return description(a, p, s, "its spec");
	return d;
}

void cfn_points_template(const struct cfn_plan *p, const struct cfn_stack *s,
			 const char *spec_label, struct buf *out)
{
	struct json_writer w;
	jw_init(&w, out, 0);
	jw_object_open(&w);
	JW_MEMBER_LIT(&w, "AWSTemplateFormatVersion", "2010-09-09");
	JW_MEMBER(&w, "Description", description(p->arena, p, s, spec_label));
	JW_KEY(&w, "Resources");
	jw_object_open(&w);
	for (size_t i = 0; i < s->npoints; i++) {
		const char *id = p->point_ids[s->points[i]->index];
		point_resource(&w, s->points[i], id);
		policy_resource(&w, s->points[i], id);
	}
	jw_object_close(&w);
	JW_KEY(&w, "Outputs");
	jw_object_open(&w);
	for (size_t i = 0; i < s->npoints; i++)
		point_output(&w, s->points[i], p->point_ids[s->points[i]->index]);
	jw_object_close(&w);
	jw_object_close(&w);
	buf_putc(out, '\n');
}

bool cfn_points_note(const struct cfn_plan *p, const char *prefix, struct buf *out)
{
	bool any = false;
	for (size_t i = 0; i < p->nstacks; i++) {
		const struct cfn_stack *s = &p->stacks[i];
		for (size_t k = 0; k < s->npoints; k++) {
			struct buf note = BUF_INIT;
			point_routes_note(s->points[k], "CloudFormation", &note);
			for (char *line = note.data, *nl; line && *line; line = nl + 1) {
				nl = strchr(line, '\n');
				buf_printf(out, "%s%.*s\n", prefix, (int)(nl - line), line);
			}
			buf_free(&note);
			any = true;
		}
	}
	return any;
}
