/* plan.c: the desired state against the live state, item by item: a
 * bucket, a role, a replication configuration, a batch replication job
 * (created once: a job with its token exists or not); the Multi-Region
 * Access Points in plan_point.c. Everything is compared as
 * what it means, never as text: policies as parsed JSON (aws/iam.h),
 * replication configurations parsed from XML field by field with S3's
 * defaults (aws/s3.h), tags as sets. What exists and is not crrc's is never
 * taken: a bucket crrc would create that exists without its mark is
 * blocked, unless it is empty and bare (what an interrupted run leaves),
 * which is adopted; tags and bucket-policy statements that the spec does
 * not own are kept, merged by key and by Sid. */
#include "apply/plan.h"
#include "apply/plan_internal.h"

#include <stdio.h>
#include <string.h>

#include "aws/policy.h"
#include "aws/s3_replication.h"
#include "base/arena.h"
#include "base/buf.h"
#include "base/oom.h"
#include "model/iam.h"
#include "model/s3xml.h"

/* The tags a bucket or role crrc creates carries: the spec's, and the mark. */
static void desired_tags(struct planner *pl, struct live_tags *out, const struct crrc_tags *t)
{
	for (size_t i = 0; t && i < t->n; i++)
		live_tags_add(out, t->v[i].key.s, t->v[i].value.s ? t->v[i].value.s : "");
	live_tags_add(out, LIVE_MARK_KEY, pl->ds->name ? pl->ds->name : "");
}

/* want's tags merged into have's: have's other keys kept. Changes listed;
 * true when anything differs. */
static bool tags_merge(struct planner *pl, const struct live_tags *want,
		       const struct live_tags *have, struct live_tags *out)
{
	bool differs = false;
	for (size_t i = 0; i < have->n; i++)
		if (!live_tag(want, have->v[i].name))
			live_tags_add(out, have->v[i].name, have->v[i].value);
	for (size_t i = 0; i < want->n; i++) {
		const char *old = live_tag(have, want->v[i].name);
		live_tags_add(out, want->v[i].name, want->v[i].value);
		if (old && strcmp(old, want->v[i].value) == 0)
			continue;
		differs = true;
		planner_change(pl, arena_concat(pl->a, "tag ", want->v[i].name, NULL), old, want->v[i].value);
	}
	return differs;
}

/* Whether a bucket that exists is bare: empty, with no configuration of
 * anyone's, what a run killed between CreateBucket and its mark leaves. */
static bool bucket_bare(const struct ds_bucket *b, const struct live_bucket *lb)
{
	/* S3 turns versioning on for a bucket created with Object Lock */
	bool versioned_by_s3 = b->object_lock_by == DS_WRITER_CRRC && lb->versioning &&
			       strcmp(lb->versioning, "Enabled") == 0;
	return lb->empty && lb->tags.n == 0 && !lb->policy && !lb->replication &&
	       (!lb->versioning || versioned_by_s3) && (!lb->sse || strcmp(lb->sse, "AES256") == 0);
}

/* Why a bucket crrc creates may not be touched, or NULL. */
static const char *bucket_refusal(struct planner *pl, const struct ds_bucket *b,
				  const struct live_bucket *lb)
{
	switch (lb->presence) {
	case LIVE_ELSEWHERE:
		return arena_concat(pl->a, "a bucket named ", b->name, " exists in ",
				    lb->region ? lb->region : "another region", ", not in ",
				    b->place->region, NULL);
	case LIVE_FORBIDDEN:
		return arena_concat(pl->a, "a bucket named ", b->name,
				    " exists and belongs to another account (access denied)", NULL);
	case LIVE_UNREAD:
		return "its state was not read";
	case LIVE_FAILED:
		return arena_concat(pl->a, "its state could not be read: ",
				    lb->error ? lb->error : "unknown error", NULL);
	case LIVE_ABSENT:
		return b->create ? NULL
				 : arena_concat(pl->a, "it is declared existing: true, but no bucket "
						       "named ", b->name, " exists", NULL);
	default:
		break;
	}
	const char *mark = live_tag(&lb->tags, LIVE_MARK_KEY);
	if (!b->create || (mark && pl->ds->name && strcmp(mark, pl->ds->name) == 0) ||
	    bucket_bare(b, lb))
		return NULL;
	if (mark)
		return arena_concat(pl->a, "it exists and was created by crrc for spec '", mark,
				    "', not this one", NULL);
	return arena_concat(pl->a, "it exists and crrc did not create it; declare it "
				   "existing: true to configure it", NULL);
}

static void bucket_encryption(struct planner *pl, struct plan_item *it, const struct ds_bucket *b,
			      const struct live_bucket *lb)
{
	if (!b->kms_key)
		return;
	const char *want = b->kms_key->s;
	bool same = lb->sse && strcmp(lb->sse, "aws:kms") == 0 && lb->kms_key &&
		    strcmp(lb->kms_key, want) == 0 && lb->bucket_key;
	if (same)
		return;
	it->steps |= STEP_ENCRYPTION;
	planner_change(pl, "encryption", lb->sse ? (lb->kms_key ? lb->kms_key : lb->sse) : NULL,
	       arena_concat(pl->a, "aws:kms ", want, ", bucket key", NULL));
}

/* have's statements, with want's in place of those of the same Sid and the
 * rest of want's after: the policy crrc puts keeps what others wrote. */
static json_t *policy_merge(json_t *have, json_t *want)
{
	json_t *out = json_deep_copy(want), *sts = json_array();
	json_t *have_sts = have ? json_object_get(have, "Statement") : NULL;
	json_t *want_sts = json_object_get(want, "Statement");
	size_t i, j;
	json_t *st, *w;
	if (json_is_object(have_sts)) /* one statement, not in a list */
		json_array_append(sts, have_sts);
	else
		json_array_foreach(have_sts, i, st) {
			const char *sid = json_string_value(json_object_get(st, "Sid"));
			bool ours = false;
			json_array_foreach(want_sts, j, w) {
				const char *wsid = json_string_value(json_object_get(w, "Sid"));
				ours |= sid && wsid && strcmp(sid, wsid) == 0;
			}
			if (!ours)
				json_array_append(sts, st);
		}
	json_array_foreach(want_sts, j, w)
		json_array_append(sts, w);
	json_object_set_new(out, "Statement", sts);
	return out;
}

/* The bucket policy crrc writes, merged into what the bucket has: its
 * statements replace those of the same Sid, the others are kept. */
static void bucket_policy(struct planner *pl, struct plan_item *it, const struct ds_bucket *b,
			  const struct live_bucket *lb)
{
	if (b->policy_by == DS_WRITER_NONE)
		return;
	json_t *want = iam_bucket_policy(b);
	if (!want)
		return;
	json_t *merged = policy_merge(lb->policy, want);
	if (b->policy_by == DS_WRITER_OWNER) { /* never written: said, W009 */
		it->owner_must_add = !lb->policy || !aws_policy_equal(merged, lb->policy);
		json_decref(merged);
		json_decref(want);
		return;
	}
	if (!lb->policy || !aws_policy_equal(merged, lb->policy)) {
		it->steps |= STEP_POLICY;
		it->policy = merged;
		planner_policy_changes(pl, "bucket policy", lb->policy, merged);
	} else
		json_decref(merged);
	json_decref(want);
}

static void plan_bucket(struct planner *pl, const struct ds_bucket *b)
{
	const struct live_bucket *lb = &pl->l->buckets[b->index];
	struct plan_item *it = planner_item_begin(pl, PLAN_BUCKET, b->index, b->name, b->place, b->pos);
	const char *refusal = bucket_refusal(pl, b, lb);
	if (refusal) {
		planner_blocked(pl, it, refusal);
		planner_item_end(pl, it);
		return;
	}
	bool absent = lb->presence == LIVE_ABSENT;
	if (absent) {
		it->action = PLAN_CREATE;
		it->steps |= STEP_CREATE_BUCKET;
		planner_change(pl, "region", NULL, b->place->region);
		if (b->object_lock_by == DS_WRITER_CRRC)
			planner_change(pl, "object_lock", NULL, "Enabled");
	} else if (b->create && !live_tag(&lb->tags, LIVE_MARK_KEY)) {
		it->action = PLAN_ADOPT;
		it->why = "it is empty and bare, as a run interrupted after creating it leaves it";
	}
	if (!lb->versioning || strcmp(lb->versioning, "Enabled") != 0) {
		it->steps |= STEP_VERSIONING;
		planner_change(pl, "versioning", lb->versioning, "Enabled");
	}
	bucket_encryption(pl, it, b, lb);
	if (b->create) {
		struct live_tags want = {0};
		desired_tags(pl, &want, b->tags);
		if (tags_merge(pl, &want, &lb->tags, &it->tags))
			it->steps |= absent || it->action == PLAN_ADOPT ? STEP_MARK : STEP_TAGS;
		live_tags_clear(&want);
	}
	bucket_policy(pl, it, b, lb);
	planner_item_end(pl, it);
}

/* The ARN of role, one of r's: generated roles without one are in the
 * account of the source's credentials. */
static const char *role_arn(struct planner *pl, const struct ds_replication *r,
			    const struct ds_role *role, const char *account)
{
	if (role->arn)
		return role->arn;
	if (!account || !role->name)
		return NULL;
	return arena_concat(pl->a, "arn:", r->source->place->partition, ":iam::", account,
			    ":role/", role->name, NULL);
}

/* What a role crrc generates must hold: an entry's replication role or
 * its batch role. The item takes trust and policy. */
struct role_want {
	const struct ds_role *role;
	const struct live_role *live;
	json_t *trust, *policy;
	const char *principal;   /* the service the trust names, as the plan says it */
	const char *policy_name; /* its inline policy's */
	const char *policy_says; /* what that policy is, as the plan says it */
};

/* Why a role that exists is not crrc's to change, or NULL. */
static const char *role_refusal(struct planner *pl, const struct live_role *lr)
{
	const char *mark = live_tag(&lr->tags, LIVE_MARK_KEY);
	if (mark && pl->ds->name && strcmp(mark, pl->ds->name) == 0)
		return NULL;
	return mark ? arena_concat(pl->a, "the role exists and was created by crrc for spec '",
				   mark, "', not this one", NULL)
		    : "the role exists and crrc did not create it";
}

/* A role of this spec that exists: its trust, policy and tags compared. */
static void role_update(struct planner *pl, struct plan_item *it, const struct role_want *w,
			const struct live_tags *want)
{
	const struct live_role *lr = w->live;
	const char *label = arena_concat(pl->a, "policy ", w->policy_name, NULL);
	if (!lr->trust || !aws_policy_equal(lr->trust, it->trust)) {
		it->steps |= STEP_TRUST;
		planner_change(pl, "trust", lr->trust ? "another trust policy" : NULL, w->principal);
	}
	if (it->role_policy && (!lr->policy || !aws_policy_equal(lr->policy, it->role_policy))) {
		it->steps |= STEP_ROLE_POLICY;
		planner_policy_changes(pl, label, lr->policy, it->role_policy);
	}
	struct live_tags merged = {0};
	if (tags_merge(pl, want, &lr->tags, &merged)) {
		it->steps |= STEP_ROLE_TAGS;
		for (size_t i = 0; i < want->n; i++)
			live_tags_add(&it->tags, want->v[i].name, want->v[i].value);
	}
	live_tags_clear(&merged);
}

static void plan_role(struct planner *pl, const struct ds_replication *r, const struct role_want *w)
{
	const struct live_role *lr = w->live;
	struct plan_item *it = planner_item_begin(pl, PLAN_ROLE, r->index, w->role->name,
					  r->source->place, w->role->pos);
	struct live_tags want = {0};
	desired_tags(pl, &want, pl->ds->tags);
	it->trust = w->trust;
	it->role_policy = w->policy;
	it->role_policy_name = w->policy_name;
	const char *refusal = lr->presence == LIVE_PRESENT ? role_refusal(pl, lr) : NULL;
	if (lr->presence == LIVE_FAILED)
		planner_blocked(pl, it, arena_concat(pl->a, "its state could not be read: ",
					     lr->error ? lr->error : "unknown error", NULL));
	else if (lr->presence == LIVE_ABSENT) {
		it->action = PLAN_CREATE;
		it->steps = STEP_CREATE_ROLE | STEP_ROLE_POLICY;
		planner_change(pl, "trust", NULL, w->principal);
		planner_change(pl, arena_concat(pl->a, "policy ", w->policy_name, NULL), NULL, w->policy_says);
		for (size_t i = 0; i < want.n; i++)
			live_tags_add(&it->tags, want.v[i].name, want.v[i].value);
	} else if (refusal)
		planner_blocked(pl, it, refusal);
	else
		role_update(pl, it, w, &want);
	live_tags_clear(&want);
	planner_item_end(pl, it);
}

struct diff_ctx {
	struct planner *pl;
};

static void repl_change(const char *rule_id, const char *field, const char *want,
			const char *have, void *ud)
{
	struct planner *pl = ud;
	const char *what = rule_id ? arena_concat(pl->a, "rule ", rule_id, " ", field, NULL)
				   : arena_strdup(pl->a, field);
	planner_change(pl, what, have, want);
}

/* Whether have has a rule of want's (by ID): a configuration crrc wrote. */
static bool shares_rule(const struct s3_replication *want, const struct s3_replication *have)
{
	for (size_t i = 0; i < want->nrules; i++)
		for (size_t j = 0; j < have->nrules && want->rules[i].id; j++)
			if (have->rules[j].id && strcmp(want->rules[i].id, have->rules[j].id) == 0)
				return true;
	return false;
}

/* The configuration crrc writes for r, read back into S3's shape. */
static struct s3_replication *want_replication(struct planner *pl, const struct ds_replication *r,
					       const char *arn)
{
	struct buf xml = BUF_INIT;
	s3xml_replication(r, &xml);
	struct s3_replication *want = xcalloc(1, sizeof(*want));
	bool ok = s3_replication_parse(xml.data, xml.len, want, pl->err, pl->errlen);
	buf_free(&xml);
	if (!ok) {
		s3_replication_free(want);
		free(want);
		return NULL;
	}
	free(want->role);
	want->role = xstrdup(arn);
	return want;
}

static bool plan_replication(struct planner *pl, const struct ds_replication *r)
{
	const struct live_bucket *lb = &pl->l->buckets[r->source->index];
	struct plan_item *it = planner_item_begin(pl, PLAN_REPLICATION, r->index, r->source->name,
					  r->source->place, r->pos);
	it->role_arn = role_arn(pl, r, &r->role, it->account);
	if (!it->role_arn) {
		planner_blocked(pl, it, "the account of its role is not known");
		planner_item_end(pl, it);
		return true;
	}
	it->replication = want_replication(pl, r, it->role_arn);
	if (!it->replication)
		return false;
	if (!lb->replication) {
		it->action = PLAN_CREATE;
		it->steps = STEP_REPLICATION;
		planner_change(pl, "role", NULL, it->role_arn);
		char n[32];
		snprintf(n, sizeof(n), "%zu", r->nrules);
		planner_change(pl, "rules", NULL, n);
	} else {
		size_t before = pl->changes.n;
		s3_replication_diff(it->replication, lb->replication, repl_change, pl);
		if (pl->changes.n > before)
			it->steps = STEP_REPLICATION;
		it->replaces_foreign = it->steps && !shares_rule(it->replication, lb->replication);
	}
	planner_item_end(pl, it);
	return true;
}

/* Why r's configuration cannot be put: its source, a destination or its
 * role is blocked. NULL when it can. */
static const char *replication_blocked_by(struct planner *pl, const struct ds_replication *r,
					  const struct plan_item *role)
{
	const struct plan_item *items = pl->p->items;
	if (items[r->source->index].action == PLAN_BLOCKED)
		return "its source bucket is blocked";
	for (size_t i = 0; i < r->ndests; i++)
		if (items[r->dests[i].bucket->index].action == PLAN_BLOCKED)
			return arena_concat(pl->a, "its destination ", r->dests[i].bucket->name,
					    " is blocked", NULL);
	if (role && role->action == PLAN_BLOCKED)
		return "its role is blocked";
	return NULL;
}

/* The rule's name, as the spec gives it or by its priority. */
static const char *rule_name(struct planner *pl, const struct ds_rule *rule)
{
	if (rule->id && rule->id->s && rule->id->len)
		return arena_strndup(pl->a, rule->id->s, rule->id->len);
	return arena_printf(pl->a, "priority-%lld", rule->priority);
}

/* The Description of b's job: its token first (how apply finds it), at
 * most S3 Control's 256 bytes, cut between UTF-8 characters. */
static const char *job_description(struct planner *pl, const struct ds_replication *r,
				   const struct ds_batch *b, const char *rule)
{
	char *d = arena_printf(pl->a, "%s spec %s, bucket %s, rule %s: replicate existing objects",
			       b->token, pl->ds->name ? pl->ds->name : "crrc", r->source->name,
			       rule);
	size_t n = strlen(d);
	if (n > 256) {
		n = 256;
		while (n > 0 && ((unsigned char)d[n] & 0xc0) == 0x80)
			n--;
		d[n] = '\0';
	}
	return d;
}

/* Why b's job cannot be planned, or NULL. */
static const char *job_blocked_by(struct planner *pl, const struct plan_item *it,
				  const struct live_jobs *lj, const struct ds_replication *r)
{
	const struct plan_item *items = pl->p->items;
	if (items[it->needs[0]].action == PLAN_BLOCKED)
		return "its replication configuration is blocked";
	if (items[it->needs[1]].action == PLAN_BLOCKED)
		return "its batch role is blocked";
	if (lj->presence != LIVE_PRESENT)
		return arena_concat(pl->a, "the batch jobs of its account could not be listed",
				    lj->error ? ": " : "", lj->error ? lj->error : "", NULL);
	if (!it->role_arn || !r->source->arn)
		return "the account of its batch role is not known";
	return NULL;
}

/* A batch replication job for b, unless one with its token exists. */
static void plan_job(struct planner *pl, const struct ds_replication *r, const struct ds_batch *b,
		     size_t replication, size_t role)
{
	struct plan_item *it = planner_item_begin(pl, PLAN_JOB, r->index, r->source->name,
					  r->source->place, b->pos);
	const struct live_jobs *lj = &pl->l->jobs[r->source->place - pl->ds->places];
	it->batch = b;
	it->rule = rule_name(pl, b->rule);
	it->needs[0] = replication;
	it->needs[1] = role;
	it->role_arn = role_arn(pl, r, &r->batch_role, it->account);
	it->description = job_description(pl, r, b, it->rule);
	const char *why = job_blocked_by(pl, it, lj, r);
	const struct live_job *job = why ? NULL : live_job_find(lj, b->token);
	if (why)
		planner_blocked(pl, it, why);
	else if (job) {
		it->job_id = arena_strdup(pl->a, job->id);
		it->job_status = arena_strdup(pl->a, job->status);
	} else {
		it->action = PLAN_CREATE;
		it->steps = STEP_JOB;
		planner_change(pl, "rule", NULL, it->rule);
		planner_change(pl, "token", NULL, b->token);
		planner_change(pl, "report", NULL,
		       arena_concat(pl->a, "s3://", r->source->name, "/", b->report_prefix, NULL));
	}
	planner_item_end(pl, it);
}

/* r's batch role and a job per rule with existing_objects: true. */
static void plan_batches(struct planner *pl, const struct ds_replication *r)
{
	size_t replication = pl->p->n - 1;
	struct role_want w = {&r->batch_role, &pl->l->batch_roles[r->index],
			      iam_batch_trust_policy(), iam_batch_policy(r),
			      "batchoperations.s3.amazonaws.com", "s3-batch-replication",
			      "the least-privilege batch replication policy"};
	plan_role(pl, r, &w);
	size_t role = pl->p->n - 1;
	for (size_t i = 0; i < r->nbatches; i++)
		plan_job(pl, r, &r->batches[i], replication, role);
}

static bool plan_entries(struct planner *pl)
{
	for (size_t i = 0; i < pl->ds->nreplications; i++) {
		const struct ds_replication *r = &pl->ds->replications[i];
		if (r->nrules == 0)
			continue;
		const struct plan_item *role = NULL;
		if (r->role.create && r->role.name) {
			struct role_want w = {&r->role, &pl->l->roles[r->index],
					      iam_trust_policy(), iam_role_policy(r),
					      "s3.amazonaws.com", "s3-replication",
					      "the least-privilege replication policy"};
			plan_role(pl, r, &w);
			role = &pl->p->items[pl->p->n - 1];
		}
		const char *why = replication_blocked_by(pl, r, role);
		if (why) {
			struct plan_item *it = planner_item_begin(pl, PLAN_REPLICATION, r->index,
							  r->source->name, r->source->place, r->pos);
			planner_blocked(pl, it, why);
			planner_item_end(pl, it);
		} else if (!plan_replication(pl, r))
			return false;
		if (r->nbatches)
			plan_batches(pl, r);
	}
	return true;
}

/* Items: a bucket each; per entry its role, its configuration, its batch
 * role, and its jobs; a point each. */
static size_t plan_size(const struct crrc_desired *ds)
{
	size_t n = ds->nbuckets + 3 * ds->nreplications + ds->npoints + 1;
	for (size_t i = 0; i < ds->nreplications; i++)
		n += ds->replications[i].nbatches;
	return n;
}

struct plan *plan_create(const struct crrc_desired *ds, const struct live *l, char *err,
			 size_t errlen)
{
	struct plan *p = xcalloc(1, sizeof(*p));
	p->ds = ds;
	p->arena = arena_create();
	p->items = xcalloc(plan_size(ds), sizeof(*p->items));
	struct planner pl = {p, ds, l, p->arena, {0}, err, errlen};
	for (size_t i = 0; i < ds->nbuckets; i++)
		plan_bucket(&pl, &ds->buckets[i]);
	bool ok = plan_entries(&pl);
	if (ok)
		plan_points(&pl);
	arena_vec_free(&pl.changes);
	if (!ok) {
		plan_destroy(p);
		return NULL;
	}
	return p;
}

void plan_destroy(struct plan *p)
{
	if (!p)
		return;
	for (size_t i = 0; i < p->n; i++) {
		struct plan_item *it = &p->items[i];
		json_decref(it->policy);
		json_decref(it->role_policy);
		json_decref(it->trust);
		live_tags_clear(&it->tags);
		if (it->replication) {
			s3_replication_free(it->replication);
			free(it->replication);
		}
	}
	free(p->items);
	arena_destroy(p->arena);
	free(p);
}

bool plan_has_changes(const struct plan *p)
{
	return p->ncreate + p->nupdate + p->nadopt + p->nblocked > 0;
}

const char *plan_action_name(enum plan_action a)
{
	static const char *const names[] = {"none", "create", "update", "adopt", "blocked"};
	return names[a];
}
