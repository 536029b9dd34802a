/* test_plan.c: the plan (apply/plan.c) from a desired state and a live
 * state made by hand: what is created, what only differs is updated field
 * by field, nothing that is not crrc's is taken (blocked, or adopted when
 * empty and bare), what others wrote is kept (tags, policy statements by
 * Sid), and credentials for the wrong account block their place; a rule
 * with existing_objects gets a batch role and a job, once. A Multi-Region
 * Access Point is created with its policy and routes, has only what
 * differs of its policy or routes updated, and is blocked with a member. */
#include <check.h>
#include <string.h>

#include "../model/model_helpers.h"
#include "apply/live.h"
#include "apply/plan.h"
#include "aws/s3_replication.h"
#include "base/buf.h"
#include "base/oom.h"
#include "model/iam.h"
#include "model/s3xml.h"

#define SPEC                                                                                  \
	"crrc: 1\nname: sv\ntags: {team: media}\nbuckets:\n"                                  \
	"  src: {name: sv-src, region: us-east-1}\n"                                          \
	"  dst: {name: sv-dst, region: us-west-2}\n"                                          \
	"replication:\n  - source: src\n    rules:\n"                                        \
	"      - {id: all, destination: dst, delete_markers: true}\n"

static struct spec S;
static struct live *L;
static struct plan *P;

static void setup(void)
{
	spec_load(&S, SPEC, true);
	spec_no_errors(&S);
	L = live_create(S.ds->nbuckets, S.ds->nreplications, S.ds->nplaces);
	for (size_t i = 0; i < S.ds->nplaces; i++)
		L->place_accounts[i] = xstrdup("123456789012");
}

static void teardown(void)
{
	plan_destroy(P);
	P = NULL;
	live_destroy(L);
	spec_free(&S);
}

static void make_plan(void)
{
	char err[256] = "";
	P = plan_create(S.ds, L, err, sizeof(err));
	ck_assert_msg(P, "plan: %s", err);
}

/* The item of kind for name. */
static const struct plan_item *item(enum plan_kind kind, const char *name)
{
	for (size_t i = 0; i < P->n; i++)
		if (P->items[i].kind == kind && strcmp(P->items[i].name, name) == 0)
			return &P->items[i];
	ck_abort_msg("no item %s", name);
	return NULL;
}

static const struct plan_change *change_of(const struct plan_item *it, const char *field)
{
	for (size_t i = 0; i < it->nchanges; i++)
		if (strcmp(it->changes[i].field, field) == 0)
			return &it->changes[i];
	return NULL;
}

/* Live state as crrc's apply leaves it: marked, configured, replicating. */
static void live_applied(void)
{
	for (size_t i = 0; i < S.ds->nbuckets; i++) {
		struct live_bucket *lb = &L->buckets[i];
		lb->presence = LIVE_PRESENT;
		lb->versioning = xstrdup("Enabled");
		live_tags_add(&lb->tags, "team", "media");
		live_tags_add(&lb->tags, LIVE_MARK_KEY, "sv");
	}
	struct live_role *lr = &L->roles[0];
	const struct ds_replication *r = &S.ds->replications[0];
	lr->presence = LIVE_PRESENT;
	lr->trust = iam_trust_policy();
	lr->policy = iam_role_policy(r);
	live_tags_add(&lr->tags, "team", "media");
	live_tags_add(&lr->tags, LIVE_MARK_KEY, "sv");
	struct buf xml = BUF_INIT;
	s3xml_replication(r, &xml);
	struct s3_replication *rep = xcalloc(1, sizeof(*rep));
	char err[128];
	ck_assert(s3_replication_parse(xml.data, xml.len, rep, err, sizeof(err)));
	free(rep->role);
	rep->role = xstrdup("arn:aws:iam::123456789012:role/sv-src-replication");
	L->buckets[r->source->index].replication = rep;
	buf_free(&xml);
}

START_TEST(empty_account_creates_everything)
{
	for (size_t i = 0; i < S.ds->nbuckets; i++)
		L->buckets[i].presence = LIVE_ABSENT;
	L->roles[0].presence = LIVE_ABSENT;
	make_plan();
	const struct plan_item *b = item(PLAN_BUCKET, "sv-src");
	ck_assert_int_eq(b->action, PLAN_CREATE);
	ck_assert_uint_eq(b->steps, STEP_CREATE_BUCKET | STEP_VERSIONING | STEP_MARK);
	ck_assert_str_eq(live_tag(&b->tags, LIVE_MARK_KEY), "sv");
	ck_assert_str_eq(live_tag(&b->tags, "team"), "media");
	const struct plan_item *r = item(PLAN_REPLICATION, "sv-src");
	ck_assert_int_eq(r->action, PLAN_CREATE);
	ck_assert_str_eq(r->role_arn, "arn:aws:iam::123456789012:role/sv-src-replication");
	ck_assert_int_eq(item(PLAN_ROLE, "sv-src-replication")->action, PLAN_CREATE);
	ck_assert_uint_eq(P->ncreate, 4);
	ck_assert(plan_has_changes(P));
}
END_TEST

START_TEST(applied_is_no_change)
{
	live_applied();
	make_plan();
	ck_assert_msg(!plan_has_changes(P), "%zu create, %zu update, %zu blocked", P->ncreate,
		      P->nupdate, P->nblocked);
	struct buf out = BUF_INIT;
	plan_render_text(P, &out, false);
	ck_assert_str_eq(out.data, "No changes: AWS holds what the spec says.\n");
	buf_free(&out);
}
END_TEST

/* Drift, field by field: a suspended versioning, a changed tag, a rule's
 * prefix; a foreign tag is kept in the set put back. */
START_TEST(drift_is_updated_field_by_field)
{
	live_applied();
	struct live_bucket *src = &L->buckets[0], *dst = &L->buckets[1];
	free(src->versioning);
	src->versioning = xstrdup("Suspended");
	live_tags_clear(&dst->tags);
	live_tags_add(&dst->tags, "team", "video");
	live_tags_add(&dst->tags, "owner", "someone");
	live_tags_add(&dst->tags, LIVE_MARK_KEY, "sv");
	struct s3_rule *rule = &src->replication->rules[0];
	rule->filter = S3_FILTER_PREFIX;
	free(rule->filter_prefix);
	rule->filter_prefix = xstrdup("video/");
	make_plan();
	const struct plan_item *b = item(PLAN_BUCKET, "sv-src");
	ck_assert_int_eq(b->action, PLAN_UPDATE);
	ck_assert_uint_eq(b->steps, STEP_VERSIONING);
	ck_assert_str_eq(change_of(b, "versioning")->old, "Suspended");
	const struct plan_item *d = item(PLAN_BUCKET, "sv-dst");
	ck_assert_uint_eq(d->steps, STEP_TAGS);
	ck_assert_str_eq(change_of(d, "tag team")->old, "video");
	ck_assert_str_eq(live_tag(&d->tags, "owner"), "someone");
	ck_assert_str_eq(live_tag(&d->tags, "team"), "media");
	const struct plan_item *r = item(PLAN_REPLICATION, "sv-src");
	ck_assert_uint_eq(r->steps, STEP_REPLICATION);
	ck_assert_uint_eq(r->nchanges, 1);
	ck_assert_str_eq(r->changes[0].old, "video/");
	ck_assert(!r->replaces_foreign);
	ck_assert_uint_eq(P->nupdate, 3);
}
END_TEST

/* A bucket crrc would create that exists unmarked: blocked when it holds
 * something, adopted when empty and bare; another spec's mark: blocked. */
START_TEST(foreign_buckets_blocked_bare_adopted)
{
	live_applied();
	struct live_bucket *src = &L->buckets[0], *dst = &L->buckets[1];
	live_tags_clear(&src->tags); /* unmarked, not empty */
	src->empty = false;
	live_tags_clear(&dst->tags); /* unmarked, empty, bare */
	free(dst->versioning);
	dst->versioning = NULL;
	dst->empty = true;
	make_plan();
	const struct plan_item *s = item(PLAN_BUCKET, "sv-src");
	ck_assert_int_eq(s->action, PLAN_BLOCKED);
	ck_assert_uint_eq(s->steps, 0);
	ck_assert_ptr_nonnull(strstr(s->why, "crrc did not create it"));
	ck_assert_int_eq(item(PLAN_REPLICATION, "sv-src")->action, PLAN_BLOCKED);
	const struct plan_item *d = item(PLAN_BUCKET, "sv-dst");
	ck_assert_int_eq(d->action, PLAN_ADOPT);
	ck_assert_uint_eq(d->steps, STEP_VERSIONING | STEP_MARK);
	plan_destroy(P);
	live_tags_add(&src->tags, LIVE_MARK_KEY, "another-spec");
	make_plan();
	ck_assert_ptr_nonnull(strstr(item(PLAN_BUCKET, "sv-src")->why, "'another-spec'"));
}
END_TEST

START_TEST(elsewhere_forbidden_and_wrong_account)
{
	live_applied();
	L->buckets[0].presence = LIVE_ELSEWHERE;
	L->buckets[0].region = xstrdup("eu-west-1");
	L->buckets[1].presence = LIVE_FORBIDDEN;
	make_plan();
	ck_assert_ptr_nonnull(strstr(item(PLAN_BUCKET, "sv-src")->why, "exists in eu-west-1"));
	ck_assert_ptr_nonnull(strstr(item(PLAN_BUCKET, "sv-dst")->why, "another account"));
	plan_destroy(P);
	L->buckets[0].presence = L->buckets[1].presence = LIVE_PRESENT;
	L->place_errors[0] = xstrdup("the credentials for account 1 are for account 2");
	make_plan();
	const struct plan_item *s = item(PLAN_BUCKET, "sv-src");
	ck_assert_int_eq(s->action, PLAN_BLOCKED);
	ck_assert_str_eq(s->why, "the credentials for account 1 are for account 2");
}
END_TEST

/* A role of the generated name that crrc did not create is not taken. */
START_TEST(foreign_role_blocked)
{
	live_applied();
	live_tags_clear(&L->roles[0].tags);
	make_plan();
	ck_assert_int_eq(item(PLAN_ROLE, "sv-src-replication")->action, PLAN_BLOCKED);
	ck_assert_str_eq(item(PLAN_REPLICATION, "sv-src")->why, "its role is blocked");
}
END_TEST

/* A configuration none of whose rules are the spec's is someone else's:
 * replaced only as the plan says so. */
START_TEST(foreign_configuration_said)
{
	live_applied();
	struct s3_rule *rule = &L->buckets[0].replication->rules[0];
	free(rule->id);
	rule->id = xstrdup("their-rule");
	make_plan();
	const struct plan_item *r = item(PLAN_REPLICATION, "sv-src");
	ck_assert_uint_eq(r->steps, STEP_REPLICATION);
	ck_assert(r->replaces_foreign);
	json_t *j = plan_to_json(P);
	ck_assert_int_eq(json_integer_value(json_object_get(json_object_get(j, "summary"),
							     "update")),
			 1);
	json_decref(j);
}
END_TEST

/* Batch replication: a spec whose rule asks for existing objects. */
#define SPEC_BATCH                                                                            \
	"crrc: 1\nname: sv\nbuckets:\n"                                                        \
	"  src: {name: sv-src, region: us-east-1}\n"                                          \
	"  dst: {name: sv-dst, region: us-west-2}\n"                                          \
	"replication:\n  - source: src\n    rules:\n"                                        \
	"      - {id: old, destination: dst, existing_objects: true}\n"

static void setup_batch(void)
{
	spec_load(&S, SPEC_BATCH, true);
	L = live_create(S.ds->nbuckets, S.ds->nreplications, S.ds->nplaces);
	for (size_t i = 0; i < S.ds->nplaces; i++) {
		L->place_accounts[i] = xstrdup("123456789012");
		L->jobs[i].presence = LIVE_PRESENT;
	}
	for (size_t i = 0; i < S.ds->nbuckets; i++)
		L->buckets[i].presence = LIVE_ABSENT;
	L->roles[0].presence = LIVE_ABSENT;
	L->batch_roles[0].presence = LIVE_ABSENT;
}

static const struct plan_item *job_item(void)
{
	for (size_t i = 0; i < P->n; i++)
		if (P->items[i].kind == PLAN_JOB)
			return &P->items[i];
	ck_abort_msg("no job item");
	return NULL;
}

/* Nothing exists: the batch role and the job are created, the job after
 * its configuration and role, named by its token. */
START_TEST(batch_job_created)
{
	make_plan();
	const struct ds_batch *b = &S.ds->replications[0].batches[0];
	const struct plan_item *role = item(PLAN_ROLE, "sv-src-batch");
	ck_assert_int_eq(role->action, PLAN_CREATE);
	ck_assert_str_eq(role->role_policy_name, "s3-batch-replication");
	ck_assert(change_of(role, "policy s3-batch-replication"));
	const struct plan_item *job = job_item();
	ck_assert_int_eq(job->action, PLAN_CREATE);
	ck_assert_uint_eq(job->steps, STEP_JOB);
	ck_assert_str_eq(job->rule, "old");
	ck_assert_str_eq(job->role_arn, "arn:aws:iam::123456789012:role/sv-src-batch");
	ck_assert(strncmp(job->description, b->token, strlen(b->token)) == 0);
	ck_assert_int_eq(job->description[strlen(b->token)], ' ');
	ck_assert_int_eq(P->items[job->needs[0]].kind, PLAN_REPLICATION);
	ck_assert_ptr_eq(&P->items[job->needs[1]], role);
	ck_assert_uint_eq(P->ncreate, 6);
	struct buf out = BUF_INIT;
	plan_render_text(P, &out, false);
	ck_assert_ptr_nonnull(strstr(out.data, "+ batch replication job for rule old of bucket "
					       "sv-src: copies the objects that existed before "
					       "the rule\n"));
	buf_free(&out);
}
END_TEST

/* A job with the token exists: nothing to do, and the JSON says which. */
START_TEST(batch_job_exists)
{
	const struct ds_batch *b = &S.ds->replications[0].batches[0];
	live_jobs_add(&L->jobs[0], "crrc-0000000000000000",
		      &(struct live_job){.id = "other", .status = "Active"});
	live_jobs_add(&L->jobs[0], b->token, &(struct live_job){.id = "job-1", .status = "Complete"});
	make_plan();
	const struct plan_item *job = job_item();
	ck_assert_int_eq(job->action, PLAN_NONE);
	ck_assert_uint_eq(job->steps, 0);
	ck_assert_str_eq(job->job_id, "job-1");
	json_t *j = plan_to_json(P);
	json_t *jobs = json_object_get(j, "jobs");
	ck_assert_uint_eq(json_array_size(jobs), 1);
	ck_assert_str_eq(json_string_value(json_object_get(json_array_get(jobs, 0), "job_status")),
			 "Complete");
	json_decref(j);
}
END_TEST

/* Jobs that could not be listed, or a blocked configuration: blocked. */
START_TEST(batch_job_blocked)
{
	L->jobs[0].presence = LIVE_FAILED;
	L->jobs[0].error = xstrdup("s3:ListJobs: AccessDenied");
	make_plan();
	ck_assert_int_eq(job_item()->action, PLAN_BLOCKED);
	ck_assert_ptr_nonnull(strstr(job_item()->why, "AccessDenied"));
	plan_destroy(P);
	L->jobs[0].presence = LIVE_PRESENT;
	L->buckets[0].presence = LIVE_FORBIDDEN;
	make_plan();
	ck_assert_int_eq(job_item()->action, PLAN_BLOCKED);
	ck_assert_str_eq(job_item()->why, "its replication configuration is blocked");
}
END_TEST

/* A Multi-Region Access Point: sv-src active, sv-dst passive. */
#define SPEC_POINT                                                                            \
	"crrc: 1\nname: sv\nbuckets:\n"                                                        \
	"  src: {name: sv-src, region: us-east-1}\n"                                          \
	"  dst: {name: sv-dst, region: us-west-2}\n"                                          \
	"replication:\n"                                                                     \
	"  - source: src\n    rules:\n"                                                      \
	"      - {id: out, destination: dst, rtc: true, replica_modifications: true}\n"      \
	"  - source: dst\n    rules:\n"                                                      \
	"      - {id: back, destination: src, replica_modifications: true}\n"                \
	"access_points:\n  media: {buckets: [src, dst], passive: [dst]}\n"

#define POINT_ARN "arn:aws:s3::123456789012:accesspoint/"

static void setup_point(void)
{
	spec_load(&S, SPEC_POINT, true);
	spec_no_errors(&S);
	ck_assert_uint_eq(S.ds->npoints, 1);
	L = live_create(S.ds->nbuckets, S.ds->nreplications, S.ds->nplaces);
	live_points_create(L, S.ds->npoints);
	for (size_t i = 0; i < S.ds->nplaces; i++)
		L->place_accounts[i] = xstrdup("123456789012");
	for (size_t i = 0; i < S.ds->nbuckets; i++)
		L->buckets[i].presence = LIVE_ABSENT;
	for (size_t i = 0; i < L->nroles; i++)
		L->roles[i].presence = LIVE_ABSENT;
	L->points[0].presence = LIVE_ABSENT;
}

/* The point exists over both buckets, alias "a1.mrap", with its policy
 * and the spec's routes (src 100, dst 0). */
static struct live_point *point_exists(void)
{
	struct live_point *lp = &L->points[0];
	lp->presence = LIVE_PRESENT;
	lp->alias = xstrdup("a1.mrap");
	lp->status = xstrdup("READY");
	lp->buckets = xcalloc(3, sizeof(char *));
	lp->buckets[lp->nbuckets++] = xstrdup("sv-dst");
	lp->buckets[lp->nbuckets++] = xstrdup("sv-src");
	lp->policy = plan_point_policy(&S.ds->points[0], "123456789012", "a1.mrap");
	lp->routes_read = true;
	live_routes_add(&lp->routes, "sv-src", "us-east-1", 100);
	live_routes_add(&lp->routes, "sv-dst", "us-west-2", 0);
	return lp;
}

/* The Resource of a point policy's only statement, item k. */
static const char *point_resource(const json_t *policy, size_t k)
{
	json_t *st = json_array_get(json_object_get(policy, "Statement"), 0);
	return json_string_value(json_array_get(json_object_get(st, "Resource"), k));
}

START_TEST(point_created)
{
	make_plan();
	const struct plan_item *it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_CREATE);
	ck_assert_uint_eq(it->steps, STEP_CREATE_POINT | STEP_POINT_POLICY | STEP_ROUTES);
	ck_assert_str_eq(change_of(it, "region us-east-1")->new, "sv-src");
	ck_assert_str_eq(change_of(it, "region us-west-2")->new, "sv-dst");
	ck_assert_str_eq(change_of(it, "route sv-dst")->new, "0 (passive)");
	ck_assert_ptr_null(change_of(it, "route sv-src"));
	ck_assert_str_eq(point_resource(it->policy, 0), POINT_ARN "sv-media");
	struct buf out = BUF_INIT;
	plan_render_text(P, &out, false);
	ck_assert_ptr_nonnull(strstr(out.data, "+ access point sv-media"));
	buf_free(&out);
	plan_destroy(P);
	S.ds->points[0].members[1].active = true; /* all active: no routes to submit */
	make_plan();
	ck_assert_uint_eq(item(PLAN_POINT, "sv-media")->steps,
			  STEP_CREATE_POINT | STEP_POINT_POLICY);
}
END_TEST

START_TEST(point_applied_is_no_change)
{
	point_exists();
	make_plan();
	const struct plan_item *it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_NONE);
	ck_assert_uint_eq(it->steps, 0);
	ck_assert_str_eq(it->alias, "a1.mrap");
}
END_TEST

/* Routes swapped by hand (a failover): only the routes, dial by dial. */
START_TEST(point_routes_differ)
{
	struct live_point *lp = point_exists();
	live_routes_clear(&lp->routes);
	live_routes_add(&lp->routes, "sv-src", "us-east-1", 0);
	live_routes_add(&lp->routes, "sv-dst", "us-west-2", 100);
	make_plan();
	const struct plan_item *it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_UPDATE);
	ck_assert_uint_eq(it->steps, STEP_ROUTES);
	ck_assert_uint_eq(it->nchanges, 2);
	ck_assert_str_eq(change_of(it, "route sv-src")->old, "0");
	ck_assert_str_eq(change_of(it, "route sv-src")->new, "100 (active)");
	ck_assert_str_eq(change_of(it, "route sv-dst")->old, "100");
	ck_assert_str_eq(change_of(it, "route sv-dst")->new, "0 (passive)");
}
END_TEST

/* A policy naming the point by its name, not its alias, or none: the
 * policy is put again, with the alias. */
START_TEST(point_policy_differs)
{
	struct live_point *lp = point_exists();
	json_decref(lp->policy);
	lp->policy = plan_point_policy(&S.ds->points[0], "123456789012", NULL);
	make_plan();
	const struct plan_item *it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_UPDATE);
	ck_assert_uint_eq(it->steps, STEP_POINT_POLICY);
	ck_assert_str_eq(point_resource(it->policy, 0), POINT_ARN "a1.mrap");
	ck_assert_str_eq(point_resource(it->policy, 1), POINT_ARN "a1.mrap/object/*");
	ck_assert(change_of(it, "policy"));
	plan_destroy(P);
	json_decref(lp->policy);
	lp->policy = NULL;
	make_plan();
	ck_assert_uint_eq(item(PLAN_POINT, "sv-media")->steps, STEP_POINT_POLICY);
}
END_TEST

/* A member blocked, or the point over other buckets: blocked, untouched. */
START_TEST(point_blocked)
{
	L->buckets[0].presence = LIVE_FORBIDDEN;
	make_plan();
	const struct plan_item *it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_BLOCKED);
	ck_assert_uint_eq(it->steps, 0);
	ck_assert_str_eq(it->why, "its bucket sv-src is blocked");
	plan_destroy(P);
	L->buckets[0].presence = LIVE_ABSENT;
	struct live_point *lp = point_exists();
	free(lp->buckets[0]);
	lp->buckets[0] = xstrdup("sv-old");
	make_plan();
	it = item(PLAN_POINT, "sv-media");
	ck_assert_int_eq(it->action, PLAN_BLOCKED);
	ck_assert_ptr_nonnull(strstr(it->why, "it exists over sv-old, sv-src; S3 cannot change"));
	plan_destroy(P);
	free(lp->buckets[0]);
	lp->buckets[0] = xstrdup("sv-dst");
	lp->routes_read = false;
	make_plan();
	ck_assert_ptr_nonnull(strstr(item(PLAN_POINT, "sv-media")->why, "its routes could not"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("plan");
	TCase *tc = tcase_create("plan");
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, empty_account_creates_everything);
	tcase_add_test(tc, applied_is_no_change);
	tcase_add_test(tc, drift_is_updated_field_by_field);
	tcase_add_test(tc, foreign_buckets_blocked_bare_adopted);
	tcase_add_test(tc, elsewhere_forbidden_and_wrong_account);
	tcase_add_test(tc, foreign_role_blocked);
	tcase_add_test(tc, foreign_configuration_said);
	suite_add_tcase(s, tc);
	TCase *batch = tcase_create("batch");
	tcase_add_checked_fixture(batch, setup_batch, teardown);
	tcase_add_test(batch, batch_job_created);
	tcase_add_test(batch, batch_job_exists);
	tcase_add_test(batch, batch_job_blocked);
	suite_add_tcase(s, batch);
	TCase *points = tcase_create("points");
	tcase_add_checked_fixture(points, setup_point, teardown);
	tcase_add_test(points, point_created);
	tcase_add_test(points, point_applied_is_no_change);
	tcase_add_test(points, point_routes_differ);
	tcase_add_test(points, point_policy_differs);
	tcase_add_test(points, point_blocked);
	suite_add_tcase(s, points);
	return check_main(s);
}
