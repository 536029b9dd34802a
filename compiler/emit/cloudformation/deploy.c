/* deploy.c: the deployment files of the CloudFormation target, both
 * rendered from the plan's steps: manifest.json (the steps as data) and
 * deploy.sh (the same steps as a script that needs only bash and the aws
 * CLI: no jq). A template over the 51,200 bytes CloudFormation accepts in a
 * request goes through an S3 bucket of the user's (aws cloudformation deploy
 * --s3-bucket), in the stack's region: the CLI builds the template's URL
 * with that region. */
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "emit/cloudformation/cfn.h"
#include "base/strmap.h"

/* The variable that names the AWS profile of a stack's account:
 * CRRC_PROFILE_<ALIAS> or CRRC_PROFILE_<ID>; NULL for the default account. */
static const char *profile_variable(struct arena *a, const struct cfn_stack *s)
{
	if (!s->account_id)
		return NULL;
	struct buf b = BUF_INIT;
	desired_profile_variable(s->account_part, &b);
	char *v = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return v;
}

static const char *step_template(const struct cfn_step *st)
{
	return st->bootstrap ? st->stack->bootstrap_template : st->stack->template;
}

static bool step_named_iam(const struct cfn_step *st)
{
	return !st->bootstrap && st->stack->named_iam;
}

static size_t step_bytes(const struct cfn_step *st)
{
	return st->bootstrap ? st->stack->bootstrap_bytes : st->stack->template_bytes;
}

static bool step_upload(const struct cfn_step *st)
{
	return step_bytes(st) > CFN_QUOTA_DIRECT_BYTES;
}

/* The variable that names the artifact bucket of a region:
 * CRRC_CFN_ARTIFACT_BUCKET_<REGION>, as CRRC_CFN_ARTIFACT_BUCKET_US_EAST_1. */
static const char *artifact_variable(struct arena *a, const char *region)
{
	char *v = arena_printf(a, "CRRC_CFN_ARTIFACT_BUCKET_%s", region);
	for (char *p = v; *p; p++) {
		if (*p >= 'a' && *p <= 'z')
			*p = (char)(*p - 'a' + 'A');
		else if (!((*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9')))
			*p = '_';
	}
	return v;
}

static size_t uploads(const struct cfn_plan *p)
{
	size_t n = 0;
	for (size_t i = 0; i < p->nsteps; i++)
		n += step_upload(&p->steps[i]);
	return n;
}

static json_t *manifest_step(const struct cfn_plan *p, const struct cfn_step *st, size_t n)
{
	const struct cfn_stack *s = st->stack;
	const char *var = profile_variable(p->arena, s);
	json_t *j = json_object(), *caps = json_array();
	json_object_set_new(j, "step", json_integer((json_int_t)n));
	json_object_set_new(j, "template", json_string(step_template(st)));
	json_object_set_new(j, "stack_name", json_string(s->name));
	json_object_set_new(j, "region", json_string(s->region));
	json_object_set_new(j, "account", s->account_id ? json_string(s->account_id) : json_null());
	if (s->account_alias)
		json_object_set_new(j, "account_alias", json_string(s->account_alias));
	json_object_set_new(j, "profile_variable", var ? json_string(var) : json_null());
	if (step_named_iam(st))
		json_array_append_new(caps, json_string("CAPABILITY_NAMED_IAM"));
	json_object_set_new(j, "capabilities", caps);
	json_object_set_new(j, "bootstrap", json_boolean(st->bootstrap));
	json_object_set_new(j, "template_bytes", json_integer((json_int_t)step_bytes(st)));
	json_object_set_new(j, "s3_upload", json_boolean(step_upload(st)));
	return j;
}

void cfn_manifest_render(const struct cfn_plan *p,
			 const char *spec_path, struct buf *out)
{
	json_t *root = json_object(), *steps = json_array();
	json_object_set_new(root, "generated_by", json_string("crrc"));
	json_object_set_new(root, "spec", json_string(spec_path));
	json_object_set_new(root, "name", json_string(p->spec_name));
	json_object_set_new(root, "deploy",
			    json_string("Deploy the steps in this order, each with the "
					"credentials of its account (deploy.sh does). A "
					"template over 51,200 bytes (s3_upload) goes "
					"through an S3 bucket in the stack's region."));
	for (size_t i = 0; i < p->nsteps; i++)
		json_array_append_new(steps, manifest_step(p, &p->steps[i], i + 1));
	json_object_set_new(root, "steps", steps);
	struct buf note = BUF_INIT;
	if (cfn_points_note(p, "", &note))
		json_object_set_new(root, "access_point_routes", json_string(note.data));
	buf_free(&note);
	char *text = json_dumps(root, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	buf_puts(out, text ? text : "");
	buf_putc(out, '\n');
	free(text);
	json_decref(root);
}

/* A word for the shell, in single quotes. */
static void shell_word(struct buf *out, const char *s)
{
	buf_putc(out, '\'');
	for (; s && *s; s++) {
		if (*s == '\'')
			buf_puts(out, "'\\''");
		else
			buf_putc(out, *s);
	}
	buf_putc(out, '\'');
}

static const char deploy_prologue[] =
	"cd \"$(dirname \"$0\")\"\n"
	"\n"
	"# The accounts whose credentials were checked, between spaces.\n"
	"checked=\" \"\n"
	"\n"
	"fail() {\n"
	"\techo \"deploy.sh: step $1/$total failed (stack $2): $3\" >&2\n"
	"\texit 1\n"
	"}\n"
	"\n";

/* The step function, in three pieces: with uploads, it takes the variable
 * of the step's artifact bucket as an eighth argument. */
static const char step_head[] =
	"# step NUMBER TEMPLATE STACK REGION ACCOUNT PROFILE_VARIABLE CAPABILITIES";
static const char step_body[] =
	"\tset -- aws\n"
	"\tif [ -n \"${AWS_ENDPOINT_URL:-}\" ]; then\n"
	"\t\tset -- \"$@\" --endpoint-url \"$AWS_ENDPOINT_URL\"\n"
	"\tfi\n"
	"\tif [ -n \"$var\" ] && [ -n \"${!var:-}\" ]; then\n"
	"\t\tset -- \"$@\" --profile \"${!var}\"\n"
	"\tfi\n"
	"\techo \"deploy.sh: step $num/$total: $template -> stack $stack in $region${account:+, account $account}\"\n"
	"\tif [ -n \"$account\" ] && [ \"${checked#* $account }\" = \"$checked\" ]; then\n"
	"\t\tactual=$(\"$@\" sts get-caller-identity --region \"$region\" --query Account --output text) ||\n"
	"\t\t\tfail \"$num\" \"$stack\" \"cannot tell which account the credentials are for\"\n"
	"\t\tif [ \"$actual\" != \"$account\" ]; then\n"
	"\t\t\tfail \"$num\" \"$stack\" \"the credentials are for account $actual, not $account: set $var to an AWS profile of account $account\"\n"
	"\t\tfi\n"
	"\t\tchecked=\"$checked$account \"\n"
	"\tfi\n"
	"\tset -- \"$@\" cloudformation deploy --region \"$region\" --stack-name \"$stack\" \\\n"
	"\t\t--template-file \"$template\" --no-fail-on-empty-changeset\n"
	"\tif [ -n \"$caps\" ]; then\n"
	"\t\tset -- \"$@\" --capabilities \"$caps\"\n"
	"\tfi\n";
static const char step_tail[] =
	"\t\"$@\" || fail \"$num\" \"$stack\" \"aws cloudformation deploy exited $?\"\n"
	"}\n"
	"\n";

/* The artifact bucket of a region, and the check, before the first step,
 * that every region that needs one has one. */
static const char artifacts_check[] =
	"# artifact_bucket VARIABLE: the bucket VARIABLE names, else\n"
	"# CRRC_CFN_ARTIFACT_BUCKET.\n"
	"artifact_bucket() {\n"
	"\tlocal var=$1\n"
	"\tprintf '%s' \"${!var:-${CRRC_CFN_ARTIFACT_BUCKET:-}}\"\n"
	"}\n"
	"\n"
	"missing=\"\"\n"
	"for var in $artifact_variables; do\n"
	"\tif [ -z \"$(artifact_bucket \"$var\")\" ]; then\n"
	"\t\tmissing=\"$missing $var\"\n"
	"\tfi\n"
	"done\n"
	"if [ -n \"$missing\" ]; then\n"
	"\techo \"deploy.sh: $uploads of the $total templates are over the 51,200 bytes CloudFormation accepts in a request and go through an S3 bucket in their stack's region: set$missing (or CRRC_CFN_ARTIFACT_BUCKET, for every region) to a bucket there that the deploying credentials can write. Nothing was deployed.\" >&2\n"
	"\texit 1\n"
	"fi\n"
	"\n";

static void deploy_step_function(const struct cfn_plan *p, bool upload, struct buf *out)
{
	buf_puts(out, step_head);
	buf_puts(out, upload ? " ARTIFACT_BUCKET_VARIABLE\n" : "\n");
	buf_printf(out, "step() {\n\tlocal num=$1 template=$2 stack=$3 region=$4 account=$5 "
			"var=$6 caps=$7%s actual\n", upload ? " artifacts=$8" : "");
	buf_puts(out, step_body);
	if (upload) {
		buf_puts(out, "\tif [ -n \"$artifacts\" ]; then\n"
			      "\t\tset -- \"$@\" --s3-bucket \"$(artifact_bucket \"$artifacts\")\" "
			      "--s3-prefix ");
		shell_word(out, arena_printf(p->arena, "crrc/%s", p->spec_name));
		buf_puts(out, "\n\tfi\n");
	}
	buf_puts(out, step_tail);
}

/* The variables of the regions whose steps upload, in the order of steps. */
static void artifact_variables(const struct cfn_plan *p,
			       struct buf *out)
{
	struct strmap *seen = strmap_create(p->arena, p->nsteps);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct cfn_step *st = &p->steps[i];
		const char *var = artifact_variable(p->arena, st->stack->region);
		if (step_upload(st) && strmap_put(seen, var, strlen(var), (void *)var, NULL))
			buf_printf(out, "%s%s", out->len ? " " : "", var);
	}
}

/* The header's paragraph on templates that go through S3. */
static void deploy_header_uploads(const struct cfn_plan *p,
				  size_t nup, struct buf *out)
{
	buf_printf(out, "#\n"
			"# %zu of the %zu templates are over the 51,200 bytes CloudFormation\n"
			"# accepts in a request: aws cloudformation deploy uploads them to an S3\n"
			"# bucket first (--s3-bucket, under crrc/%s/), which must be in the\n"
			"# stack's region and writable by the credentials that deploy there. The\n"
			"# variable of a region names its bucket, else CRRC_CFN_ARTIFACT_BUCKET\n"
			"# does; the script checks them before it deploys anything:\n",
		   nup, p->nsteps, p->spec_name);
	struct strmap *seen = strmap_create(p->arena, p->nsteps);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct cfn_step *st = &p->steps[i];
		const char *var = artifact_variable(p->arena, st->stack->region);
		if (step_upload(st) && strmap_put(seen, var, strlen(var), (void *)var, NULL))
			buf_printf(out, "#   %-42s bucket in %s\n", var, st->stack->region);
	}
}

/* The header comment: what the script does and which variables name the
 * AWS profile of each account, with an example. */
static void deploy_header(const struct cfn_plan *p,
			  const char *spec_path, size_t nup, struct buf *out)
{
	buf_printf(out,
		   "#!/usr/bin/env bash\n"
		   "# Deploys the CloudFormation stacks of %s, in the order of\n"
		   "# manifest.json: a source's stack after the stacks of its destinations.\n"
		   "# Generated by crrc from %s; do not edit.\n",
		   p->spec_name, spec_path);
	for (size_t i = 0; i < p->nstacks; i++)
		if (p->stacks[i].bootstrap) {
			buf_puts(out, "# Stacks that replicate into each other are first deployed without\n"
				      "# their replication (*.bootstrap.template.json), then in full.\n");
			break;
		}
	struct buf note = BUF_INIT;
	if (cfn_points_note(p, "# ", &note)) {
		buf_puts(out, "# The stacks of Multi-Region Access Points (in us-west-2) come last.\n");
		buf_put(out, note.data, note.len);
	}
	buf_free(&note);
	buf_puts(out, "#\n"
		      "# Needs bash and the aws CLI; run it from anywhere. It stops at the first\n"
		      "# step that fails, naming it. When AWS_ENDPOINT_URL is set, every aws\n"
		      "# command is sent there (--endpoint-url).\n");
	struct buf example = BUF_INIT;
	struct strmap *seen = strmap_create(p->arena, p->nstacks);
	for (size_t i = 0; i < p->nstacks; i++) {
		const struct cfn_stack *s = &p->stacks[i];
		const char *var = profile_variable(p->arena, s);
		if (!var || !strmap_put(seen, var, strlen(var), (void *)s, NULL))
			continue;
		if (!example.len)
			buf_puts(out, "#\n"
				      "# Each step runs with the credentials of its stack's account: the AWS\n"
				      "# profile named by that account's variable when it is set, else the\n"
				      "# credentials of the environment; the script checks the account before\n"
				      "# it deploys anything there.\n");
		buf_printf(out, "#   %-28s profile of account %s%s%s%s\n", var,
			   s->account_alias ? s->account_alias : s->account_id,
			   s->account_alias ? " (" : "", s->account_alias ? s->account_id : "",
			   s->account_alias ? ")" : "");
		buf_printf(&example, "%s=%s ", var,
			   s->account_alias ? s->account_alias : s->account_id);
	}
	if (example.len)
		buf_printf(out, "# For example:\n#   %s./deploy.sh\n", example.data);
	buf_free(&example);
	for (size_t i = 0; i < p->nstacks; i++)
		if (!p->stacks[i].account_id) {
			buf_puts(out, "#\n# Stacks of buckets that name no account are deployed with the\n"
				      "# credentials of the environment.\n");
			break;
		}
	if (nup)
		deploy_header_uploads(p, nup, out);
}

void cfn_deploy_render(const struct cfn_plan *p,
		       const char *spec_path, struct buf *out)
{
	size_t nup = uploads(p);
	deploy_header(p, spec_path, nup, out);
	buf_printf(out, "\nset -eu\n\ntotal=%zu\n", p->nsteps);
	if (nup) {
		struct buf vars = BUF_INIT;
		artifact_variables(p, &vars);
		buf_printf(out, "uploads=%zu\nartifact_variables=", nup);
		shell_word(out, vars.data);
		buf_putc(out, '\n');
		buf_free(&vars);
	}
	buf_putc(out, '\n');
	buf_puts(out, deploy_prologue);
	if (nup)
		buf_puts(out, artifacts_check);
	deploy_step_function(p, nup > 0, out);
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct cfn_step *st = &p->steps[i];
		const struct cfn_stack *s = st->stack;
		buf_printf(out, "step %zu ", i + 1);
		shell_word(out, step_template(st));
		buf_putc(out, ' ');
		shell_word(out, s->name);
		buf_putc(out, ' ');
		shell_word(out, s->region);
		buf_putc(out, ' ');
		shell_word(out, s->account_id);
		buf_putc(out, ' ');
		shell_word(out, profile_variable(p->arena, s));
		buf_putc(out, ' ');
		shell_word(out, step_named_iam(st) ? "CAPABILITY_NAMED_IAM" : "");
		if (nup) {
			buf_putc(out, ' ');
			shell_word(out, step_upload(st) ? artifact_variable(p->arena, s->region) : "");
		}
		buf_putc(out, '\n');
	}
	buf_puts(out, "\necho \"deploy.sh: all $total steps deployed\"\n");
}

void cfn_requirements(const struct cfn_plan *p, struct crrc_sink *o)
{
	if (!o->require)
		return;
	struct strmap *seen = strmap_create(p->arena, p->nstacks + p->nsteps);
	for (size_t i = 0; i < p->nstacks; i++) {
		const struct cfn_stack *s = &p->stacks[i];
		const char *var = profile_variable(p->arena, s);
		if (var && strmap_put(seen, var, strlen(var), (void *)s, NULL))
			o->require(o, var,
				   arena_printf(p->arena, "optional: the AWS profile deploy.sh uses in "
					       "account %s (else the environment's credentials)",
					       s->account_id));
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct cfn_step *st = &p->steps[i];
		const char *var = artifact_variable(p->arena, st->stack->region);
		if (step_upload(st) && strmap_put(seen, var, strlen(var), (void *)var, NULL))
			o->require(o, var,
				   arena_printf(p->arena, "an S3 bucket in %s for templates over 51,200 "
					       "bytes (or CRRC_CFN_ARTIFACT_BUCKET for every region)",
					       st->stack->region));
	}
}
