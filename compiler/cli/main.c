/* main.c: the crrc command line: check, model, compile, graph, diff, plan,
 * apply, verify, failover, explain, help. Exit codes: 0 clean (warnings allowed; diff: the
 * specs are equivalent), 1 a spec has errors, 2 usage, I/O, network or AWS,
 * 3 compile --check found the output stale, diff found the specs differ, or
 * plan --detailed-exitcode found changes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "apply/apply.h"
#include "apply/failover.h"
#include "apply/verify.h"
#include "base/buf.h"
#include "base/util.h"
#include "check/check.h"
#include "diag/explain.h"
#include "cli/options.h"
#include "cli/outfile.h"
#include "cli/specsrc.h"
#include "cli/targets.h"
#include "diag/diag.h"
#include "emit/outdir.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/model.h"
#include "model/model_json.h"
#include "model/resolve.h"
#include "review/diff.h"
#include "review/graph.h"

/* Graphviz 2.43 (libgvc's gmalloc, its plugins) and fontconfig, which it
 * asks for font metrics, keep memory until exit on purpose or by mistake;
 * LeakSanitizer is told so, and keeps reporting crrc's own leaks. */
#if defined(__SANITIZE_ADDRESS__)
const char *__lsan_default_suppressions(void);
const char *__lsan_default_suppressions(void)
{
	return "leak:libgvc.so\nleak:libcgraph.so\nleak:libcdt.so\nleak:libpathplan.so\n"
	       "leak:libgvplugin_\nleak:libfontconfig.so\nleak:libltdl.so\n";
}

const char *__lsan_default_options(void);
const char *__lsan_default_options(void)
{
	return "print_suppressions=0";
}
#endif

enum { EXIT_CLEAN = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2, EXIT_STALE = 3, EXIT_DIFFER = 3 };


struct command {
	const char *name;
	const char *usage;
	const char *help;
	int (*run)(const struct options *o);
};

static int cmd_check(const struct options *o);
static int cmd_model(const struct options *o);
static int cmd_compile(const struct options *o);
static int cmd_explain(const struct options *o);
static int cmd_plan(const struct options *o);
static int cmd_apply(const struct options *o);
static int cmd_verify(const struct options *o);
static int cmd_failover(const struct options *o);
static int cmd_graph(const struct options *o);
static int cmd_diff(const struct options *o);

static const struct command commands[] = {
	{"check", "crrc check SPEC... [--diagnostics=text|json|sarif|github] [--werror]\n"
	 "                  [--ignore W...] [--stdin-filename NAME]",
	 "Validate each spec and print every diagnostic: file:line:col, the source line\n"
	 "and a caret. --diagnostics=json prints a JSON array on stdout, sarif prints\n"
	 "SARIF 2.1.0 for code-scanning annotations, github prints GitHub Actions\n"
	 "workflow commands (annotations without an upload). --werror makes warnings\n"
	 "errors. A SPEC of - is read from standard input (git show HEAD:x.crr.yaml |\n"
	 "crrc check -), named NAME in diagnostics with --stdin-filename. -- ends the\n"
	 "options. --ignore W004,W006 accepts those warnings in every spec (errors\n"
	 "cannot be ignored); a spec accepts them with '# crrc:ignore W004 reason' on\n"
	 "or above the line, or with a top-level 'ignore: [W004]'.\n",
	 cmd_check},
	{"model", "crrc model SPEC [--diagnostics=text|json|sarif|github] [--werror]\n"
	 "                  [--ignore W...]",
	 "Print the resolved model as JSON: defaults filled, priorities assigned, role\n"
	 "names generated, partitions and ARNs derived. The back ends read this model.\n",
	 cmd_model},
	{"compile", "crrc compile SPEC --target TARGET --out DIR [--check]\n"
	 "                    [--diagnostics=text|json|sarif|github] [--werror]\n"
	 "                    [--ignore W...]",
	 "Validate the spec and write the target's files into DIR (created when\n"
	 "missing). crrc replaces and removes only files it wrote itself, recorded in\n"
	 "DIR/.crrc-files, and prints what it wrote. With --check it writes nothing:\n"
	 "it exits 3 and lists the files that would change when DIR is stale, 0 when\n"
	 "DIR is current (for CI). TARGET is one of:\n",
	 cmd_compile},
	{"plan", "crrc plan SPEC [--format=text|json] [--detailed-exitcode]\n"
	 "                 [--assume ACCOUNT=ROLE_ARN]... [--step-timeout DURATION]\n"
	 "                 [--diagnostics=...]",
	 "Read what AWS holds for every bucket, role and replication configuration of\n"
	 "the spec and print what apply would change, by account and region: + create,\n"
	 "~ update (old -> new), ! blocked (and why). Sends no write. --format=json\n"
	 "prints the plan as JSON. --detailed-exitcode exits 3 when there are changes.\n"
	 "Credentials as the AWS CLI finds them (AWS_PROFILE, AWS_ACCESS_KEY_ID...);\n"
	 "an account of the spec with its profile in CRRC_PROFILE_<ALIAS>, or reached\n"
	 "with --assume ALIAS=ROLE_ARN. Endpoints: AWS_ENDPOINT_URL[_S3|_IAM|_STS].\n",
	 cmd_plan},
	{"apply", "crrc apply SPEC [--yes] [--format=text|json] [--step-timeout DURATION]\n"
	 "                  [--assume ACCOUNT=ROLE_ARN]... [--diagnostics=...]",
	 "Print the plan, ask (at a terminal; --yes does not ask, and without a\n"
	 "terminal --yes is required), then carry it out: buckets, versioning,\n"
	 "encryption, tags, bucket policies, roles and replication configurations,\n"
	 "independent buckets in parallel, each step retried for at most\n"
	 "--step-timeout (2m). Never deletes anything; never takes over a bucket or\n"
	 "role it did not create. Ends with a summary; exit 2 when anything failed.\n"
	 "--format=json prints one document instead: the plan and, under result, the\n"
	 "counts of what was done.\n",
	 cmd_apply},
	{"verify", "crrc verify SPEC [--rule ID]... [--timeout DURATION] [--format=text|json]\n"
	 "                   [--assume ACCOUNT=ROLE_ARN]... [--diagnostics=...]",
	 "Prove that replication works: for every enabled rule (or each --rule), put a\n"
	 "small probe object that the rule's filter selects into its source, watch S3\n"
	 "replicate it, and check the replica against the rule (size, ETag, REPLICA\n"
	 "status, storage class, replica key, tags; the delete marker where the rule\n"
	 "replicates them). Reports each rule's time against the spec's RPO\n"
	 "(policies: rpo_minutes, or 15 minutes for RTC rules), or why it failed, at\n"
	 "the rule's line. Probes go under PREFIX.crrc-verify/SPEC/RULE/ and are\n"
	 "removed on both sides at the end, also after a failure or Ctrl-C.\n"
	 "--timeout (90s, 15m) defaults to the largest RPO plus a minute. Exit 0 when\n"
	 "every rule replicated within its RPO, 1 when one did not, 2 on usage, I/O\n"
	 "or AWS errors. Credentials and endpoints as for plan.\n",
	 cmd_verify},
	{"failover", "crrc failover SPEC POINT --to BUCKET [--yes] [--assume ACCOUNT=ROLE_ARN]...\n"
	 "  crrc failover SPEC --status",
	 "Make BUCKET (a bucket key of the spec) the only active bucket of the\n"
	 "Multi-Region Access Point POINT (its key or name): its route dial 100, every\n"
	 "other member's 0, in one request to the first of the five failover-control\n"
	 "regions (us-east-1, us-west-2, ap-southeast-2, ap-northeast-1, eu-west-1)\n"
	 "that answers. Before, it prints the routes and what BUCKET may lack from the\n"
	 "replication rules (no rule from an active bucket into it, a rule without\n"
	 "RTC, a rule of a prefix only), and asks as apply does; after, it reads the\n"
	 "routes back and prints what changed. --status prints every point's routes.\n"
	 "Needs only the point's account's credentials. Exit 0 done, 1 spec errors,\n"
	 "2 usage or AWS errors.\n",
	 cmd_failover},
	{"graph", "crrc graph SPEC [--format=dot|mermaid|svg] [--out FILE]\n"
	 "                  [--diagnostics=text|json|sarif|github] [--werror] [--ignore W...]",
	 "Draw the replication: buckets grouped by account and region, one edge per rule\n"
	 "labelled with its filter (prefix, tags), priority, RTC, delete markers, storage\n"
	 "class and owner override; disabled rules dashed, two-way pairs in purple, the\n"
	 "prefixes under a residency policy and the regions they may reach in green, and\n"
	 "what check warns about (chains, same-region pairs) in orange. --format=dot\n"
	 "(the default) prints Graphviz's language, mermaid a flowchart that GitHub and\n"
	 "GitLab render in Markdown, svg a picture drawn by Graphviz's library. The\n"
	 "output is deterministic: commit it next to the spec. --out FILE writes FILE\n"
	 "(replaced whole) instead of standard output. A spec with errors draws nothing.\n",
	 cmd_graph},
	{"diff", "crrc diff OLD_SPEC NEW_SPEC [--format=text|markdown|json]\n"
	 "                 [--diagnostics=text|json|sarif|github] [--werror] [--ignore W...]",
	 "What changes for the data between two revisions of a spec, from their desired\n"
	 "states, not their text: data flows added, removed, redirected, filters widened\n"
	 "or narrowed; each changed field of a rule; buckets and roles added, removed or\n"
	 "changed (a bucket's new S3 name is another physical bucket); permissions of\n"
	 "roles and bucket policies, action by action; residency, RPO, and warnings that\n"
	 "appear or disappear. Identity comes from the spec's keys and rule ids. A SPEC\n"
	 "is a file, - (standard input), or git:REV:PATH, read with git show (PATH from\n"
	 "the repository's root, or ./PATH from the current directory):\n"
	 "  crrc diff git:main:replication.crr.yaml replication.crr.yaml --format=markdown\n"
	 "--format=text (the default), markdown (a pull-request comment, the riskiest\n"
	 "changes first) or json. Exit 0 when the specs are equivalent (formatting, key\n"
	 "order and anchors make no difference), 3 when they differ, 1 when either has\n"
	 "errors, 2 on usage or I/O errors.\n",
	 cmd_diff},
	{"explain", "crrc explain [CODE]",
	 "Print what a diagnostic code means, a spec that triggers it, and the fix\n"
	 "(the section of grammar/diagnostics.md). CODE is a code (E021, w002) or its\n"
	 "slug (duplicate-key). Without CODE, list every code with its summary.\n",
	 cmd_explain},
};

static const struct command *command_find(const char *name)
{
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		if (strcmp(commands[i].name, name) == 0)
			return &commands[i];
	return NULL;
}

static void usage(FILE *f)
{
	fputs("crrc: a compiler for S3 cross-region replication specs\n\nusage:\n", f);
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(f, "  %s\n", commands[i].usage);
	fputs("  crrc help COMMAND\n  crrc --version\n\n"
	      "exit status: 0 clean (warnings allowed), 1 errors in a spec, 2 usage or I/O,\n"
	      "3 compile --check found the output stale or diff found the specs differ\n"
	      "The language and every diagnostic: grammar/language.md, grammar/diagnostics.md\n",
	      f);
}

/* Load and check one spec ("-": standard input); the model is returned
 * for model and compile. */
static struct crrc_model *spec_check(const struct options *o, const char *path,
				     struct crrc_diags *d)
{
	struct crrc_model *m = strcmp(path, "-") == 0 ? crrc_load_stdin(o->stdin_name, d)
						      : crrc_load_file(path, d);
	if (m) { /* every stage copes with a partial model */
		crrc_resolve(m, d);
		crrc_check(m, d);
	}
	return m;
}

/* A file that cannot be read (E001) or an output that cannot be written
 * (E090-E094) is an I/O error, not the spec's fault. */
static bool has_io_error(const struct crrc_diags *d)
{
	for (size_t i = 0; i < diags_count(d); i++) {
		enum crrc_code c = diags_at(d, i)->code;
		if (c == CRRC_E001 || (c >= CRRC_E090 && c <= CRRC_E094) ||
		    (c >= CRRC_E100 && c <= CRRC_E101))
			return true;
	}
	return false;
}

/* The diagnostics of a command, with its options. */
static struct crrc_diags *diags_for(const struct options *o)
{
	struct crrc_diags *d = diags_create();
	diags_set_werror(d, o->werror);
	for (size_t i = 0; i < o->nignore; i++)
		diags_ignore_everywhere(d, o->ignore[i]);
	return d;
}

static int finish(const struct options *o, struct crrc_diags *d, FILE *out)
{
	diags_report_unused_ignores(d);
	diags_sort(d);
	diags_reread_sources(d);
	if (diags_count(d) || o->format != CRRC_DIAG_TEXT)
		diags_render(d, o->format, o->format == CRRC_DIAG_TEXT ? stderr : out);
	if (has_io_error(d))
		return EXIT_USAGE;
	return diags_errors(d) ? EXIT_ERRORS : EXIT_CLEAN;
}

static int cmd_check(const struct options *o)
{
	if (o->nspecs == 0) {
		fputs("crrc: check needs at least one SPEC\n", stderr);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_for(o);
	/* diagnostics keep copies of what they say: each model goes at once */
	for (size_t i = 0; i < o->nspecs; i++)
		crrc_model_destroy(spec_check(o, o->specs[i], d));
	int rc = finish(o, d, stdout);
	diags_destroy(d);
	return rc;
}

static int cmd_model(const struct options *o)
{
	if (o->nspecs != 1) {
		fputs("crrc: model takes exactly one SPEC\n", stderr);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	int rc = finish(o, d, stderr);
	if (rc == EXIT_CLEAN && !model_json_write(m, stdout))
		rc = EXIT_USAGE;
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

/* The targets, one a line, with what each writes. */
static void targets_print(FILE *f)
{
	for (size_t i = 0; i < crrc_target_count(); i++)
		fprintf(f, "  %-15s %s\n", crrc_target_at(i)->name, crrc_target_at(i)->summary);
}

/* What compile's arguments lack, said; false when one does. */
static bool compile_args(const struct options *o, const struct crrc_target **t)
{
	const char *missing = o->nspecs != 1 ? (o->nspecs ? "exactly one SPEC" : "a SPEC")
			      : !o->target	       ? "--target"
			      : !o->out || !*o->out    ? "--out DIR"
						       : NULL;
	*t = o->target ? crrc_target_find(o->target) : NULL;
	if (!missing && *t)
		return true;
	if (missing) {
		fprintf(stderr, "crrc: compile needs %s\n", missing);
	} else {
		const char *names[16];
		size_t n = crrc_target_count() < 16 ? crrc_target_count() : 16;
		for (size_t i = 0; i < n; i++)
			names[i] = crrc_target_at(i)->name;
		const char *sug = crrc_suggest(o->target, names, n);
		fprintf(stderr, "crrc: unknown --target '%s'%s%s%s The targets are:\n", o->target,
			sug ? "; did you mean '" : ".", sug ? sug : "", sug ? "'?" : "");
		targets_print(stderr);
	}
	fprintf(stderr, "usage: %s\n", command_find("compile")->usage);
	return false;
}

static int cmd_compile(const struct options *o)
{
	const struct crrc_target *t;
	if (!compile_args(o, &t))
		return EXIT_USAGE;
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	struct crrc_emit_options eo = {.spec_path = o->specs[0]};
	/* The files stream into the directory as they are rendered; they are
	 * published only when the run is clean. */
	struct outdir *out = NULL;
	struct crrc_desired *ds = NULL;
	if (m && diags_errors(d) == 0) {
		ds = desired_create(m);
		out = o->check_only ? outdir_create_check(o->out, stdout)
				    : outdir_create(o->out, stdout);
		t->emit(ds, &eo, outdir_sink(out), d);
	}
	/* Published only when the run is clean; what fails is a diagnostic. */
	if (out && diags_errors(d) == 0)
		outdir_commit(out, d);
	int rc = finish(o, d, stderr);
	if (rc == EXIT_CLEAN && out && outdir_changes(out))
		rc = EXIT_STALE; /* --check: the output in DIR is not the spec's */
	outdir_destroy(out);
	desired_destroy(ds);
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

/* plan and apply: the spec checked, its desired state planned against
 * AWS, and with apply, carried out. */
static int plan_or_apply(const struct options *o, bool apply)
{
	const char *fmt = o->output_format ? o->output_format : "text";
	if (o->nspecs != 1 || (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)) {
		fprintf(stderr, "crrc: %s\nusage: %s\n",
			o->nspecs != 1 ? "exactly one SPEC" : "--format is text or json",
			command_find(apply ? "apply" : "plan")->usage);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	enum apply_result res = APPLY_NO_CHANGES;
	if (m && diags_errors(d) == 0) {
		struct crrc_desired *ds = desired_create(m);
		struct apply_options ao = {
			.apply = apply, .yes = o->yes, .json = strcmp(fmt, "json") == 0,
			.interactive = isatty(0) && isatty(2), .assume = o->assume,
			.nassume = o->nassume, .step_timeout_ms = o->step_timeout_ms,
			.out = stdout, .in = stdin};
		struct apply_summary sum;
		res = apply_run(ds, &ao, d, &sum);
		desired_destroy(ds);
	}
	int rc = finish(o, d, stderr);
	if (rc == EXIT_CLEAN && (res == APPLY_FAILED || res == APPLY_DECLINED))
		rc = EXIT_USAGE;
	if (rc == EXIT_CLEAN && !apply && res == APPLY_CHANGES && o->detailed_exitcode)
		rc = EXIT_STALE;
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

/* graph's format, said when it is unknown; false then. */
static bool graph_args(const struct options *o, enum graph_format *f)
{
	static const char *const names[] = {"dot", "mermaid", "svg"};
	if (o->nspecs != 1) {
		fprintf(stderr, "crrc: graph takes exactly one SPEC\nusage: %s\n",
			command_find("graph")->usage);
		return false;
	}
	*f = GRAPH_DOT;
	if (!o->output_format || graph_format_find(o->output_format, f))
		return true;
	const char *sug = crrc_suggest(o->output_format, names, 3);
	fprintf(stderr, "crrc: unknown graph --format '%s'%s%s%s (dot, mermaid or svg)\n",
		o->output_format, sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
	return false;
}

/* The graph of a spec without errors, written where --out says. */
static int cmd_graph(const struct options *o)
{
	enum graph_format f;
	if (!graph_args(o, &f))
		return EXIT_USAGE;
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	struct buf out = BUF_INIT;
	const char *err = NULL;
	bool drawn = false;
	if (m && diags_errors(d) == 0) {
		struct crrc_desired *ds = desired_create(m);
		struct crrc_graph *g = graph_create(ds, d);
		drawn = graph_render(g, f, &out, &err);
		if (drawn)
			outfile_write(o->out, out.data ? out.data : "", out.len, d);
		graph_destroy(g);
		desired_destroy(ds);
	}
	int rc = finish(o, d, stderr);
	if (rc == EXIT_CLEAN && !drawn) {
		fprintf(stderr, "crrc: graph: %s\n", err ? err : "nothing to draw");
		rc = EXIT_USAGE;
	}
	buf_free(&out);
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

/* verify: the spec checked, then its rules proved by probes. */
static int cmd_verify(const struct options *o)
{
	const char *fmt = o->output_format ? o->output_format : "text";
	if (o->nspecs != 1 || (strcmp(fmt, "text") != 0 && strcmp(fmt, "json") != 0)) {
		fprintf(stderr, "crrc: %s\nusage: %s\n",
			o->nspecs != 1 ? "exactly one SPEC" : "--format is text or json",
			command_find("verify")->usage);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	bool ran = true;
	struct verify_summary sum = {0};
	if (m && diags_errors(d) == 0) {
		struct crrc_desired *ds = desired_create(m);
		struct apply_options ao = {
			.interactive = isatty(2), .assume = o->assume, .nassume = o->nassume,
			.step_timeout_ms = o->step_timeout_ms, .out = stdout, .in = stdin};
		struct verify_options vo = {.rules = o->rules, .nrules = o->nrules,
					    .timeout_ms = o->timeout_ms,
					    .json = strcmp(fmt, "json") == 0};
		ran = verify_run(ds, &ao, &vo, d, &sum);
		desired_destroy(ds);
	}
	int rc = finish(o, d, stderr);
	if (!ran || (rc == EXIT_CLEAN && (sum.interrupted || sum.errors)))
		rc = EXIT_USAGE;
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

/* What failover's arguments lack, or NULL. */
static const char *failover_lacks(const struct options *o)
{
	if (o->status)
		return o->nspecs != 1 || o->to ? "--status takes a SPEC alone" : NULL;
	return o->nspecs != 2 ? "SPEC and POINT" : !o->to ? "--to BUCKET" : NULL;
}

/* failover: the spec checked, then one point switched, or the routes shown. */
static int cmd_failover(const struct options *o)
{
	const char *lacks = failover_lacks(o);
	if (lacks) {
		fprintf(stderr, "crrc: failover needs %s\nusage: %s\n", lacks,
			command_find("failover")->usage);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_for(o);
	struct crrc_model *m = spec_check(o, o->specs[0], d);
	enum failover_result res = FAILOVER_DONE;
	if (m && diags_errors(d) == 0) {
		struct crrc_desired *ds = desired_create(m);
		struct apply_options ao = {
			.yes = o->yes, .interactive = isatty(0) && isatty(2), .assume = o->assume,
			.nassume = o->nassume, .step_timeout_ms = o->step_timeout_ms,
			.out = stdout, .in = stdin};
		struct failover_options fo = {o->nspecs > 1 ? o->specs[1] : NULL, o->to,
					      o->status};
		res = failover_run(ds, &ao, &fo, d);
		desired_destroy(ds);
	}
	int rc = finish(o, d, stderr);
	if (rc == EXIT_CLEAN && res != FAILOVER_DONE)
		rc = EXIT_USAGE;
	crrc_model_destroy(m);
	diags_destroy(d);
	return rc;
}

static int cmd_plan(const struct options *o)
{
	return plan_or_apply(o, false);
}

static int cmd_apply(const struct options *o)
{
	return plan_or_apply(o, true);
}

/* One side of a diff: loaded, resolved, checked, and its desired state
 * when it has no error. */
struct side {
	struct crrc_diags *d;
	struct crrc_model *m;
	struct crrc_desired *ds;
};

static void side_load(const struct options *o, const char *src, struct side *s)
{
	s->d = diags_for(o);
	s->m = specsrc_load(src, o->stdin_name, s->d);
	if (s->m) {
		crrc_resolve(s->m, s->d);
		crrc_check(s->m, s->d);
	}
	if (s->m && diags_errors(s->d) == 0)
		s->ds = desired_create(s->m);
}

static void side_free(struct side *s)
{
	desired_destroy(s->ds);
	crrc_model_destroy(s->m);
	diags_destroy(s->d);
}

static bool diff_args(const struct options *o, enum diff_format *f)
{
	static const char *const names[] = {"text", "markdown", "json"};
	if (o->nspecs != 2) {
		fprintf(stderr, "crrc: diff takes two specs, OLD_SPEC and NEW_SPEC\nusage: %s\n",
			command_find("diff")->usage);
		return false;
	}
	*f = DIFF_TEXT;
	if (o->out) {
		fputs("crrc: diff writes to standard output; it takes no --out\n", stderr);
		return false;
	}
	if (!o->output_format || diff_format_find(o->output_format, f))
		return true;
	const char *sug = crrc_suggest(o->output_format, names, 3);
	fprintf(stderr, "crrc: unknown diff --format '%s'%s%s%s (text, markdown or json)\n",
		o->output_format, sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
	return false;
}

/* Both specs' diagnostics, then the diff when both are free of errors. */
static int cmd_diff(const struct options *o)
{
	enum diff_format f;
	if (!diff_args(o, &f))
		return EXIT_USAGE;
	struct side old = {0}, new = {0};
	side_load(o, o->specs[0], &old);
	side_load(o, o->specs[1], &new);
	struct buf out = BUF_INIT;
	bool differ = false;
	if (old.ds && new.ds) {
		struct crrc_diff *df = diff_create(old.ds, old.d, new.ds, new.d);
		diff_render(df, f, o->specs[0], o->specs[1], &out);
		differ = df->n != 0;
		diff_destroy(df);
		outfile_write(NULL, out.data ? out.data : "", out.len, new.d);
	}
	int rc_old = finish(o, old.d, stderr), rc_new = finish(o, new.d, stderr);
	int rc = rc_old == EXIT_USAGE || rc_new == EXIT_USAGE ? EXIT_USAGE
		 : rc_old || rc_new			       ? EXIT_ERRORS
		 : differ				       ? EXIT_DIFFER
							       : EXIT_CLEAN;
	buf_free(&out);
	side_free(&old);
	side_free(&new);
	return rc;
}

/* The registry's summary of an explained code. */
static const char *summary_of(const struct explanation *e)
{
	for (size_t i = 0; i < CRRC_CODE_COUNT; i++)
		if (strcmp(crrc_code_name((enum crrc_code)i), e->code) == 0)
			return crrc_code_summary((enum crrc_code)i);
	return "";
}

static int cmd_explain(const struct options *o)
{
	if (o->nspecs == 0) { /* every code, a line each */
		for (size_t i = 0; i < CRRC_CODE_COUNT; i++)
			printf("%s %-26s %s\n", crrc_code_name((enum crrc_code)i),
			       crrc_code_slug((enum crrc_code)i), crrc_code_summary((enum crrc_code)i));
		return EXIT_CLEAN;
	}
	if (o->nspecs != 1) {
		fputs("crrc: explain takes one CODE (crrc explain E021)\n", stderr);
		return EXIT_USAGE;
	}
	const struct explanation *e = explain_find(o->specs[0]);
	if (!e) {
		const char *codes[CRRC_CODE_COUNT];
		for (size_t i = 0; i < CRRC_CODE_COUNT; i++)
			codes[i] = crrc_code_name((enum crrc_code)i);
		const char *sug = crrc_suggest(o->specs[0], codes, CRRC_CODE_COUNT);
		fprintf(stderr, "crrc: no diagnostic code '%s'%s%s%s\n", o->specs[0],
			sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
		return EXIT_USAGE;
	}
	printf("%s %s: %s\n\n%s", e->code, e->slug, summary_of(e), e->text);
	return EXIT_CLEAN;
}

static void command_help(const struct command *c)
{
	printf("usage: %s\n\n%s", c->usage, c->help);
	if (c->run == cmd_compile)
		targets_print(stdout);
}

static int cmd_help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	if (strcmp(argv[2], "help") == 0) {
		puts("usage: crrc help [COMMAND]\n\nPrint how crrc or one of its commands is used; "
		     "crrc COMMAND --help\n(or -h) says the same.");
		return EXIT_CLEAN;
	}
	const struct command *c = command_find(argv[2]);
	if (!c) {
		fprintf(stderr, "crrc: no command '%s'\n", argv[2]);
		usage(stderr);
		return EXIT_USAGE;
	}
	command_help(c);
	return EXIT_CLEAN;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0)
		return cmd_help(argc, argv);
	if (strcmp(cmd, "--version") == 0) {
		printf("crrc %s\n", CRRC_VERSION);
		return EXIT_CLEAN;
	}
	const struct command *c = command_find(cmd);
	if (!c) {
		fprintf(stderr, "crrc: unknown command '%s'\n", cmd);
		usage(stderr);
		return EXIT_USAGE;
	}
	struct options o = {.command = cmd};
	int rc = EXIT_USAGE;
	if (options_parse(argc, argv, &o)) {
		if (o.help)
			command_help(c);
		rc = o.help ? EXIT_CLEAN : c->run(&o);
	}
	options_free(&o);
	return rc;
}
