/* options.c: the command line's options, from a table: each option once,
 * its value after '=' or as the next word, "--" ending the options, and a
 * mistake named with the nearest thing that would have worked. */
#include "cli/options.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/oom.h"
#include "base/util.h"

enum flag_id {
	F_HELP, F_WERROR, F_DIAGNOSTICS, F_TARGET, F_OUT, F_STDIN_NAME, F_CHECK, F_IGNORE,
	F_FORMAT, F_YES, F_DETAILED, F_ASSUME, F_STEP_TIMEOUT, F_RULE, F_TIMEOUT, F_TO, F_STATUS
};

static const struct flag {
	const char *name;
	enum flag_id id;
	bool value;
} flags[] = {
	{"--help", F_HELP, false},          {"-h", F_HELP, false},
	{"--werror", F_WERROR, false},      {"--diagnostics", F_DIAGNOSTICS, true},
	{"--target", F_TARGET, true},       {"--out", F_OUT, true},
	{"--stdin-filename", F_STDIN_NAME, true}, {"--check", F_CHECK, false},
	{"--ignore", F_IGNORE, true},       {"--format", F_FORMAT, true},
	{"--yes", F_YES, false},            {"--detailed-exitcode", F_DETAILED, false},
	{"--assume", F_ASSUME, true},       {"--step-timeout", F_STEP_TIMEOUT, true},
	{"--rule", F_RULE, true},           {"--timeout", F_TIMEOUT, true},
	{"--to", F_TO, true},               {"--status", F_STATUS, false},
};
#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static const char *const formats[] = {"text", "json", "sarif", "github"};
#define NFORMATS (sizeof(formats) / sizeof(formats[0]))

static const struct flag *flag_find(const char *name, size_t len)
{
	for (size_t i = 0; i < NFLAGS; i++)
		if (strlen(flags[i].name) == len && strncmp(flags[i].name, name, len) == 0)
			return &flags[i];
	return NULL;
}

static bool unknown_flag(const char *arg, size_t len)
{
	char *name = xmalloc(len + 1);
	memcpy(name, arg, len);
	name[len] = '\0';
	const char *sug = crrc_suggest_in(name, flags, NFLAGS, sizeof(flags[0]),
					  offsetof(struct flag, name));
	fprintf(stderr, "crrc: unknown option '%s'%s%s%s\n", name, sug ? "; did you mean '" : "",
		sug ? sug : "", sug ? "'?" : "");
	free(name);
	return false;
}

static bool format_set(struct options *o, const char *v)
{
	for (size_t i = 0; i < NFORMATS; i++)
		if (strcmp(v, formats[i]) == 0) {
			o->format = (enum crrc_diag_format)i;
			return true;
		}
	const char *sug = crrc_suggest(v, formats, NFORMATS);
	fprintf(stderr, "crrc: unknown diagnostics format '%s'%s%s%s (text, json, sarif or github)\n",
		v, sug ? "; did you mean '" : "", sug ? sug : "", sug ? "'?" : "");
	return false;
}

/* The codes of --ignore W004,W006 added to o; false (and why, on stderr)
 * when one is not a warning's code. */
static bool ignore_add(struct options *o, const char *v)
{
	for (const char *p = v;; p++) {
		const char *end = strchr(p, ',');
		size_t len = end ? (size_t)(end - p) : strlen(p);
		enum crrc_code c;
		if (!crrc_code_find(p, len, &c)) {
			fprintf(stderr, "crrc: --ignore: '%.*s' is not a diagnostic code\n", (int)len,
				p);
			return false;
		}
		if (crrc_code_severity(c) == CRRC_ERROR) {
			fprintf(stderr, "crrc: --ignore: %s is an error, and errors cannot be ignored\n",
				crrc_code_name(c));
			return false;
		}
		o->ignore = xrealloc(o->ignore, (o->nignore + 1) * sizeof(*o->ignore));
		o->ignore[o->nignore++] = c;
		if (!end)
			return true;
		p = end;
	}
}

/* --assume ALIAS=ROLE_ARN, for each account to reach by a role. */
static bool assume_add(struct options *o, const char *v)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v || !eq[1]) {
		fprintf(stderr, "crrc: --assume takes ACCOUNT=ROLE_ARN (an alias or id of the "
				"spec's accounts), not '%s'\n", v);
		return false;
	}
	o->assume = xrealloc(o->assume, (o->nassume + 1) * sizeof(*o->assume));
	char *account = xmalloc((size_t)(eq - v) + 1);
	memcpy(account, v, (size_t)(eq - v));
	account[eq - v] = '\0';
	o->assume[o->nassume].account = account;
	o->assume[o->nassume++].role_arn = eq + 1;
	return true;
}

/* A duration: a number with s, m or h ("90s", "2m"), into milliseconds. */
bool options_duration(const char *v, long *ms)
{
	char *end;
	long n = strtol(v, &end, 10);
	long unit = *end == 's' ? 1000 : *end == 'm' ? 60000 : *end == 'h' ? 3600000 : 0;
	if (end == v || n <= 0 || !unit || end[1] || n > 24 * 3600000 / unit)
		return false;
	*ms = n * unit;
	return true;
}

static bool duration_set(long *ms, const char *name, const char *v)
{
	if (options_duration(v, ms))
		return true;
	fprintf(stderr, "crrc: %s takes a duration such as 90s, 2m or 1h, not '%s'\n", name, v);
	return false;
}

/* Set the option f to v (NULL for one without a value). */
static bool flag_set(struct options *o, const struct flag *f, const char *v)
{
	switch (f->id) {
	case F_HELP:
		o->help = true;
		return true;
	case F_WERROR:
		o->werror = true;
		return true;
	case F_CHECK:
		o->check_only = true;
		return true;
	case F_DIAGNOSTICS:
		return format_set(o, v);
	case F_TARGET:
		o->target = v;
		return true;
	case F_OUT:
		o->out = v;
		return true;
	case F_STDIN_NAME:
		o->stdin_name = v;
		return true;
	case F_IGNORE:
		return ignore_add(o, v);
	case F_FORMAT:
		o->output_format = v;
		return true;
	case F_YES:
		o->yes = true;
		return true;
	case F_DETAILED:
		o->detailed_exitcode = true;
		return true;
	case F_ASSUME:
		return assume_add(o, v);
	case F_STEP_TIMEOUT:
		return duration_set(&o->step_timeout_ms, f->name, v);
	case F_RULE:
		o->rules = xrealloc(o->rules, (o->nrules + 1) * sizeof(*o->rules));
		o->rules[o->nrules++] = v;
		return true;
	case F_TIMEOUT:
		return duration_set(&o->timeout_ms, f->name, v);
	case F_TO:
		o->to = v;
		return true;
	case F_STATUS:
		o->status = true;
		return true;
	}
	return false;
}

/* One option at argv[*i]; its value may take the next word. */
static bool option_take(int argc, char **argv, int *i, struct options *o, unsigned *seen)
{
	const char *a = argv[*i], *eq = strchr(a, '=');
	size_t len = eq ? (size_t)(eq - a) : strlen(a);
	const struct flag *f = flag_find(a, len);
	if (!f)
		return unknown_flag(a, len);
	const char *v = NULL;
	if (f->value) {
		v = eq ? eq + 1 : *i + 1 < argc ? argv[++*i] : NULL;
		if (!v) {
			fprintf(stderr, "crrc: option %s needs a value (%s=VALUE)\n", f->name, f->name);
			return false;
		}
	} else if (eq) {
		fprintf(stderr, "crrc: option %s takes no value\n", f->name);
		return false;
	}
	if (f->id != F_HELP && f->id != F_IGNORE && f->id != F_ASSUME && f->id != F_RULE && (*seen & (1u << f->id))) {
		fprintf(stderr, "crrc: option %s given twice\n", f->name);
		return false;
	}
	*seen |= 1u << f->id;
	return flag_set(o, f, v);
}

bool options_parse(int argc, char **argv, struct options *o)
{
	o->specs = xcalloc((size_t)argc, sizeof(*o->specs));
	unsigned seen = 0;
	bool options = true;
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		if (options && strcmp(a, "--") == 0)
			options = false;
		else if (options && a[0] == '-' && a[1] != '\0' && !option_take(argc, argv, &i, o, &seen))
			return false;
		else if (!options || a[0] != '-' || a[1] == '\0')
			o->specs[o->nspecs++] = a;
	}
	size_t stdin_uses = 0;
	for (size_t i = 0; i < o->nspecs; i++)
		stdin_uses += strcmp(o->specs[i], "-") == 0;
	if (stdin_uses > 1) {
		fputs("crrc: '-' (standard input) given more than once\n", stderr);
		return false;
	}
	return true;
}

void options_free(struct options *o)
{
	free(o->specs);
	free(o->ignore);
	for (size_t i = 0; i < o->nassume; i++)
		free((char *)o->assume[i].account);
	free(o->assume);
	free(o->rules);
	o->rules = NULL;
	o->specs = NULL;
	o->ignore = NULL;
	o->assume = NULL;
}
