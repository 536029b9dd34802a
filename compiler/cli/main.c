/* main.c: the crrc command line: check, model, compile, help. Exit codes:
 * 0 clean (warnings allowed), 1 the spec has errors, 2 usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/util.h"
#include "check/check.h"
#include "cli/explain.h"
#include "cli/targets.h"
#include "diag/diag.h"
#include "emit/outdir.h"
#include "load/load.h"
#include "model/desired.h"
#include "model/model.h"
#include "model/model_json.h"
#include "model/resolve.h"

enum { EXIT_CLEAN = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

struct options {
	const char *command;
	const char **specs;
	size_t nspecs;
	enum crrc_diag_format format;
	bool werror;
	const char *target;
	const char *out;
	bool help; /* --help or -h: the command's help, nothing else */
};

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

static const struct command commands[] = {
	{"check", "crrc check SPEC... [--diagnostics=text|json|sarif] [--werror]",
	 "Validate each spec and print every diagnostic: file:line:col, the source line\n"
	 "and a caret. --diagnostics=json prints a JSON array on stdout, sarif prints\n"
	 "SARIF 2.1.0 for code-scanning annotations. --werror makes warnings errors.\n",
	 cmd_check},
	{"model", "crrc model SPEC [--diagnostics=text|json|sarif] [--werror]",
	 "Print the resolved model as JSON: defaults filled, priorities assigned, role\n"
	 "names generated, partitions and ARNs derived. The back ends read this model.\n",
	 cmd_model},
	{"compile", "crrc compile SPEC --target TARGET --out DIR\n"
	 "                    [--diagnostics=text|json|sarif] [--werror]",
	 "Validate the spec and write the target's files into DIR (created when\n"
	 "missing). crrc replaces and removes only files it wrote itself, recorded in\n"
	 "DIR/.crrc-files, and prints what it wrote. TARGET is one of:\n",
	 cmd_compile},
	{"explain", "crrc explain CODE",
	 "Print what a diagnostic code means, a spec that triggers it, and the fix\n"
	 "(the section of grammar/diagnostics.md). CODE is a code (E021, w002) or its\n"
	 "slug (duplicate-key).\n",
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
	      "exit status: 0 clean (warnings allowed), 1 errors in a spec, 2 usage or I/O\n"
	      "The language and every diagnostic: grammar/language.md, grammar/diagnostics.md\n",
	      f);
}

static bool parse_format(const char *s, enum crrc_diag_format *f)
{
	if (strcmp(s, "text") == 0)
		*f = CRRC_DIAG_TEXT;
	else if (strcmp(s, "json") == 0)
		*f = CRRC_DIAG_JSON;
	else if (strcmp(s, "sarif") == 0)
		*f = CRRC_DIAG_SARIF;
	else
		return false;
	return true;
}

/* The value of --name=value or --name value; NULL when absent. */
static const char *option_value(int argc, char **argv, int *i, const char *name)
{
	size_t n = strlen(name);
	if (strncmp(argv[*i], name, n) != 0)
		return NULL;
	if (argv[*i][n] == '=')
		return argv[*i] + n + 1;
	if (argv[*i][n] == '\0' && *i + 1 < argc)
		return argv[++*i];
	return NULL;
}

static bool parse_args(int argc, char **argv, struct options *o)
{
	o->specs = calloc((size_t)argc, sizeof(*o->specs));
	if (!o->specs)
		return false;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i], *v;
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
			o->help = true;
		} else if (strcmp(a, "--werror") == 0) {
			o->werror = true;
		} else if ((v = option_value(argc, argv, &i, "--diagnostics"))) {
			if (!parse_format(v, &o->format)) {
				fprintf(stderr, "crrc: unknown diagnostics format '%s' "
						"(text, json or sarif)\n", v);
				return false;
			}
		} else if ((v = option_value(argc, argv, &i, "--target"))) {
			o->target = v;
		} else if ((v = option_value(argc, argv, &i, "--out"))) {
			o->out = v;
		} else if (a[0] == '-' && a[1] != '\0') {
			fprintf(stderr, "crrc: unknown or incomplete option '%s'\n", a);
			return false;
		} else {
			o->specs[o->nspecs++] = a;
		}
	}
	return true;
}

/* Load and check one spec; the model is returned for model and compile. */
static struct crrc_model *spec_check(const char *path, struct crrc_diags *d)
{
	struct crrc_model *m = crrc_load_file(path, d);
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
		if (c == CRRC_E001 || (c >= CRRC_E090 && c <= CRRC_E094))
			return true;
	}
	return false;
}

static int finish(const struct options *o, struct crrc_diags *d, FILE *out)
{
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
	struct crrc_diags *d = diags_create();
	diags_set_werror(d, o->werror);
	/* diagnostics keep copies of what they say: each model goes at once */
	for (size_t i = 0; i < o->nspecs; i++)
		crrc_model_destroy(spec_check(o->specs[i], d));
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
	struct crrc_diags *d = diags_create();
	diags_set_werror(d, o->werror);
	struct crrc_model *m = spec_check(o->specs[0], d);
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

static int cmd_compile(const struct options *o)
{
	const struct crrc_target *t = o->target ? crrc_target_find(o->target) : NULL;
	if (o->nspecs != 1 || !t || !o->out || !*o->out) {
		if (o->target && !t)
			fprintf(stderr, "crrc: unknown --target '%s'; the targets are:\n", o->target);
		else
			fputs("crrc: compile takes one SPEC, --target and --out; the targets are:\n",
			      stderr);
		targets_print(stderr);
		fprintf(stderr, "usage: %s\n", commands[2].usage);
		return EXIT_USAGE;
	}
	struct crrc_diags *d = diags_create();
	diags_set_werror(d, o->werror);
	struct crrc_model *m = spec_check(o->specs[0], d);
	struct crrc_emit_options eo = {.spec_path = o->specs[0]};
	/* The files stream into the directory as they are rendered; they are
	 * published only when the run is clean. */
	struct outdir *out = NULL;
	struct crrc_desired *ds = NULL;
	if (m && diags_errors(d) == 0) {
		ds = desired_create(m);
		out = outdir_create(o->out, stdout);
		t->emit(ds, &eo, outdir_sink(out), d);
	}
	/* Published only when the run is clean; what fails is a diagnostic. */
	if (out && diags_errors(d) == 0)
		outdir_commit(out, d);
	int rc = finish(o, d, stderr);
	outdir_destroy(out);
	desired_destroy(ds);
	crrc_model_destroy(m);
	diags_destroy(d);
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
	if (o->nspecs != 1) {
		fputs("crrc: explain takes exactly one CODE (crrc explain E021)\n", stderr);
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
	if (parse_args(argc, argv, &o)) {
		if (o.help)
			command_help(c);
		rc = o.help ? EXIT_CLEAN : c->run(&o);
	}
	free(o.specs);
	return rc;
}
