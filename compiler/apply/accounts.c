/* accounts.c: credentials for every account of the spec, as AWS users set
 * them up: the deploying credentials (environment keys, AWS_PROFILE and
 * the shared files, role_arn profiles through STS: aws/creds.h); an
 * account with an alias or id A is reached with the profile named by
 * CRRC_PROFILE_<A> (as the CloudFormation deploy.sh does), or by assuming
 * --assume A=ROLE_ARN from the deploying credentials (as the Terraform
 * variables do), or else with the deploying credentials themselves. Before
 * anything is read, STS GetCallerIdentity proves whose each set is: an
 * account whose credentials are another's is refused, and every item in it
 * is blocked. No secret is ever printed. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "apply/engine.h"
#include "aws/creds.h"
#include "aws/http.h"
#include "aws/api.h"
#include "aws/sts.h"
#include <openssl/crypto.h>
#include "base/buf.h"
#include "base/oom.h"

/* One STS call, run to its end before going on: set-up is sequential. */
struct sync {
	bool done, ok;
	struct aws_response resp;
	struct aws_error error;
};

static void sync_done(struct aws_request *req, const struct aws_call_end *end, void *ud)
{
	struct sync *s = ud;
	(void)req;
	s->done = true;
	s->ok = end->ok;
	s->resp.status = end->resp->status;
	buf_put(&s->resp.body, end->resp->body.data ? end->resp->body.data : "",
		end->resp->body.len);
	if (end->error)
		s->error = *end->error;
}

static bool sync_call(struct engine *e, struct aws_client *c, struct aws_request *req,
		      struct sync *s)
{
	aws_response_init(&s->resp);
	struct retry_policy policy;
	engine_policy(e, NULL, &policy);
	e->reads++;
	aws_client_call(c, req, &policy, sync_done, s);
	http_run(e->http);
	return s->done && s->ok;
}

static char *sync_error(const struct sync *s, const char *what)
{
	char msg[1024];
	snprintf(msg, sizeof(msg), "%s failed: %s%s%s%s%s", what,
		 s->error.code[0] ? s->error.code : "no answer", s->error.message[0] ? ": " : "",
		 s->error.message, s->error.request_id[0] ? " (request id " : "",
		 s->error.request_id[0] ? s->error.request_id : "");
	if (s->error.request_id[0])
		strncat(msg, ")", sizeof(msg) - strlen(msg) - 1);
	return xstrdup(msg);
}

/* An answer that held credentials, gone from memory. */
static void wipe_body(struct aws_response *r)
{
	if (r->body.data)
		OPENSSL_cleanse(r->body.data, r->body.cap ? r->body.cap : r->body.len);
}

/* AssumeRole with from's credentials into out. */
static bool assume(struct engine *e, const struct aws_creds *from, const char *region,
		   const char *role_arn, const char *external_id, const char *session,
		   struct aws_creds *out, char **err)
{
	struct aws_endpoint ep = {0};
	char *eperr = NULL;
	if (!aws_endpoint_service(&ep, "sts", region, e->env, &eperr)) {
		*err = eperr;
		return false;
	}
	struct aws_client *c = aws_client_create(e->http, from);
	struct aws_request *req = sts_assume_role(ep.url, ep.signing_region, role_arn,
						  session ? session : "crrc-apply", external_id, 0);
	struct sync s = {0};
	struct sts_credentials got = {0};
	char perr[256] = "";
	bool ok = sync_call(e, c, req, &s) &&
		  sts_assume_role_parse(&s.resp, &got, perr, sizeof(perr)) == AWS_READ_OK;
	if (ok)
		aws_creds_set(out, got.access_key_id, got.secret_access_key, got.session_token);
	else
		*err = sync_error(&s, "sts:AssumeRole");
	sts_credentials_free(&got);
	wipe_body(&s.resp);
	aws_response_clear(&s.resp);
	aws_client_destroy(c);
	aws_endpoint_clear(&ep);
	return ok;
}

/* The credentials of profile (NULL: the default chain), every role of its
 * chain assumed in turn. */
static bool resolve(struct engine *e, const char *profile, const char *region,
		    struct aws_creds *out, char **err)
{
	struct aws_cred_plan *plan = aws_creds_resolve(profile, e->env, err);
	if (!plan)
		return false;
	const char *r = plan->region ? plan->region : region;
	struct aws_creds cur = {0};
	aws_creds_set(&cur, plan->steps[0].creds.access_key_id,
		      plan->steps[0].creds.secret_access_key, plan->steps[0].creds.session_token);
	bool ok = true;
	for (size_t i = 1; ok && i < plan->nsteps; i++) {
		const struct aws_cred_step *st = &plan->steps[i];
		struct aws_creds next = {0};
		ok = assume(e, &cur, r, st->role_arn, st->external_id, st->role_session_name,
			    &next, err);
		aws_creds_clear(&cur);
		cur = next;
	}
	aws_cred_plan_destroy(plan);
	if (ok)
		*out = cur;
	else
		aws_creds_clear(&cur);
	return ok;
}


static const char *assumed_role(const struct engine *e, const struct ds_account *a)
{
	for (size_t i = 0; i < e->o->nassume; i++) {
		const char *k = e->o->assume[i].account;
		if (strcmp(k, a->id) == 0 || (a->alias && strcmp(k, a->alias) == 0))
			return e->o->assume[i].role_arn;
	}
	return NULL;
}

/* Account i's credentials, from its profile, its --assume, or the base. */
static bool account_creds(struct engine *e, struct engine_account *acc,
			  const struct aws_creds *base, struct aws_creds *out, char **err)
{
	const char *profile = NULL, *arn = NULL;
	if (acc->spec) {
		struct buf var = BUF_INIT;
		desired_profile_variable(acc->spec->alias ? acc->spec->alias : acc->spec->id, &var);
		profile = e->env(var.data);
		buf_free(&var);
		arn = assumed_role(e, acc->spec);
	}
	if (profile && *profile)
		return resolve(e, profile, acc->region, out, err);
	if (!base) {
		*err = xstrdup("no credentials were found: set AWS_PROFILE, or "
			       "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY");
		return false;
	}
	if (arn)
		return assume(e, base, acc->region, arn, NULL, "crrc-apply", out, err);
	aws_creds_set(out, base->access_key_id, base->secret_access_key, base->session_token);
	return true;
}

/* GetCallerIdentity: whose credentials these are. */
static bool identify(struct engine *e, struct engine_account *acc)
{
	struct aws_endpoint ep = {0};
	char *err = NULL;
	if (!aws_endpoint_service(&ep, "sts", acc->region, e->env, &err)) {
		acc->error = err;
		return false;
	}
	struct sync s = {0};
	struct sts_identity id = {0};
	char perr[256] = "";
	bool ok = sync_call(e, acc->client, sts_get_caller_identity(ep.url, ep.signing_region), &s) &&
		  sts_get_caller_identity_parse(&s.resp, &id, perr, sizeof(perr)) == AWS_READ_OK;
	if (ok)
		acc->id = xstrdup(id.account);
	else
		acc->error = sync_error(&s, "sts:GetCallerIdentity");
	sts_identity_free(&id);
	aws_response_clear(&s.resp);
	aws_endpoint_clear(&ep);
	if (ok && acc->spec && strcmp(acc->id, acc->spec->id) != 0) {
		char msg[256];
		snprintf(msg, sizeof(msg), "the credentials for account %s are for account %s",
			 acc->spec->id, acc->id);
		acc->error = xstrdup(msg);
		return false;
	}
	return ok;
}

struct engine_account *engine_account_of(struct engine *e, const struct ds_place *p)
{
	return p->account ? &e->accounts[p->account - e->ds->accounts]
			  : &e->accounts[e->ds->naccounts];
}

bool engine_accounts(struct engine *e)
{
	const struct crrc_desired *ds = e->ds;
	e->naccounts = ds->naccounts + 1;
	e->accounts = xcalloc(e->naccounts, sizeof(*e->accounts));
	for (size_t i = 0; i < ds->naccounts; i++)
		e->accounts[i].spec = &ds->accounts[i];
	for (size_t i = ds->nplaces; i-- > 0;) /* the first place's region wins */
		engine_account_of(e, &ds->places[i])->region = ds->places[i].region;
	struct aws_creds base = {0};
	char *err = NULL;
	const char *region = ds->nplaces ? ds->places[0].region : "us-east-1";
	bool have_base = resolve(e, NULL, region, &base, &err);
	for (size_t i = 0; i < e->naccounts; i++) {
		struct engine_account *acc = &e->accounts[i];
		struct aws_creds c = {0};
		if (!acc->region)
			continue; /* no bucket of the spec is in it */
		char *why = NULL;
		if (account_creds(e, acc, have_base ? &base : NULL, &c, &why)) {
			acc->client = aws_client_create(e->http, &c);
			aws_creds_clear(&c);
			if (identify(e, acc))
				continue;
			aws_client_destroy(acc->client);
			acc->client = NULL;
			why = acc->error;
			acc->error = NULL;
		}
		acc->error = why;
	}
	aws_creds_clear(&base);
	for (size_t k = 0; k < ds->nplaces; k++) {
		const struct engine_account *acc = engine_account_of(e, &ds->places[k]);
		e->live->place_accounts[k] = acc->error ? NULL : xstrdup(acc->id);
		e->live->place_errors[k] = xstrdup(acc->error);
	}
	if (!have_base && err)
		free(err);
	return true;
}

bool engine_account_one(struct engine *e, const struct ds_place *p, char **err)
{
	const struct crrc_desired *ds = e->ds;
	e->naccounts = ds->naccounts + 1;
	e->accounts = xcalloc(e->naccounts, sizeof(*e->accounts));
	for (size_t i = 0; i < ds->naccounts; i++)
		e->accounts[i].spec = &ds->accounts[i];
	struct engine_account *acc = engine_account_of(e, p);
	struct aws_creds base = {0}, c = {0};
	char *why = NULL;
	acc->region = p->region;
	bool have_base = resolve(e, NULL, p->region, &base, &why);
	free(why);
	why = NULL;
	if (!account_creds(e, acc, have_base ? &base : NULL, &c, &why)) {
		*err = why;
		aws_creds_clear(&base);
		return false;
	}
	acc->client = aws_client_create(e->http, &c);
	aws_creds_clear(&c);
	aws_creds_clear(&base);
	if (acc->spec) /* its id is known: no STS */
		acc->id = xstrdup(acc->spec->id);
	else if (!identify(e, acc)) {
		*err = xstrdup(acc->error);
		return false;
	}
	for (size_t k = 0; k < ds->nplaces; k++)
		if (engine_account_of(e, &ds->places[k]) == acc)
			e->live->place_accounts[k] = xstrdup(acc->id);
	return true;
}

void engine_accounts_free(struct engine *e)
{
	for (size_t i = 0; i < e->naccounts; i++) {
		aws_client_destroy(e->accounts[i].client);
		free(e->accounts[i].id);
		free(e->accounts[i].error);
	}
	free(e->accounts);
}
