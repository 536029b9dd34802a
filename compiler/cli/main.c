/* main.c: the crrc command line: check, model, compile, help. Exit codes:
 * 0 clean (warnings allowed), 1 the spec has errors, 2 usage or I/O. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "load/load.h"
#include "model/model.h"
#include "model/resolve.h"
#include "cli/targets.h"
#include "diag/diag.h"
#include "emit/outdir.h"
#include "model/desired.h"
#include "model/model_json.h"

enum { EXIT_CLEAN = 0, EXIT_ERRORS = 1, EXIT_USAGE = 2 };

struct options {
	const char *command;
	const char **specs;
	size_t nspecs;
	enum crrc_diag_format format;
	bool werror;
	const char *target;
	const char *out;
	enum crrc_code *ignore; /* --ignore: warnings accepted in every file */
	size_t nignore;
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

static const struct command commands[] = {
	{"check", "crrc check SPEC... [--diagnostics=text|json|sarif] [--werror] [--ignore W...]",
	 "Validate each spec and print every diagnostic: file:line:col, the source line\n"
	 "and a caret. --diagnostics=json prints a JSON array on stdout, sarif prints\n"
	 "SARIF 2.1.0 for code-scanning annotations. --werror makes warnings errors.\n"
	 "--ignore W004,W006 accepts those warnings in every spec (errors cannot be\n"
	 "ignored); a spec accepts them with '# crrc:ignore W004 reason' on or above\n"
	 "the line, or with a top-level 'ignore: [W004]'.\n",
	 cmd_check},
	{"model", "crrc model SPEC [--diagnostics=text|json|sarif] [--werror] [--ignore W...]",
	 "Print the resolved model as JSON: defaults filled, priorities assigned, role\n"
	 "names generated, partitions and ARNs derived. The back ends read this model.\n",
	 cmd_model},
	{"compile", "crrc compile SPEC --target TARGET --out DIR\n"
	 "                    [--diagnostics=text|json|sarif] [--werror] [--ignore W...]",
	 "Validate the spec and write the target's files into DIR (created when\n"
	 "missing). crrc replaces and removes only files it wrote itself, recorded in\n"
	 "DIR/.crrc-files, and prints what it wrote. TARGET is one of:\n",
	 cmd_compile},
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

/* The codes of --ignore W004,W006 added to o; false (and why, on stderr)
 * when one is not a warning's code. */
static bool parse_ignore(const char *v, struct options *o)
{
	for (const char *p = v;; p++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		enum crrc_code c;
		if (!crrc_code_find(p, len, &c)) {
			fprintf(stderr, "crrc: --ignore: '%.*s' is not a diagnostic code\n", (int)len, p);
			return false;
		}
		if (crrc_code_severity(c) == CRRC_ERROR) {
			fprintf(stderr, "crrc: --ignore: %s is an error, and errors cannot be ignored\n",
				crrc_code_name(c));
			return false;
		}
		o->ignore = realloc(o->ignore, (o->nignore + 1) * sizeof(*o->ignore));
		if (!o->ignore)
			return false;
		o->ignore[o->nignore++] = c;
		if (!end)
			return true;
		p = end;
	}
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
		if (strcmp(a, "--werror") == 0) {
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
		} else if ((v = option_value(argc, argv, &i, "--ignore"))) {
			if (!parse_ignore(v, o))
				return false;
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
	struct crrc_diags *d = diags_for(o);
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
	struct crrc_diags *d = diags_for(o);
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

static int cmd_help(int argc, char **argv)
{
	if (argc < 3) {
		usage(stdout);
		return EXIT_CLEAN;
	}
	const struct command *c = command_find(argv[2]);
	if (!c) {
		fprintf(stderr, "crrc: no command '%s'\n", argv[2]);
		usage(stderr);
		return EXIT_USAGE;
	}
	printf("usage: %s\n\n%s", c->usage, c->help);
	if (c->run == cmd_compile)
		targets_print(stdout);
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
	int rc = parse_args(argc, argv, &o) ? c->run(&o) : EXIT_USAGE;
	free(o.specs);
	free(o.ignore);
	return rc;
}
