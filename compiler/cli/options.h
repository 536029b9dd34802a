/* options.h: the command line's options, parsed once for every command. */
#ifndef CRRC_OPTIONS_H
#define CRRC_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "apply/apply.h"
#include "diag/diag.h"

struct options {
	const char *command;
	const char **specs; /* "-": standard input */
	size_t nspecs;
	enum crrc_diag_format format;
	bool werror;
	bool help;          /* --help or -h: the command's help, nothing else */
	bool check_only;    /* compile --check: compare, write nothing */
	const char *target;
	const char *out;
	const char *output_format; /* --format: graph's and diff's, checked by each */
	const char *stdin_name; /* --stdin-filename: what diagnostics call "-" */
	enum crrc_code *ignore; /* --ignore: warnings accepted in every file */
	size_t nignore;
	/* plan and apply */
	bool yes;               /* --yes: apply without asking */
	bool detailed_exitcode; /* --detailed-exitcode: 3 when there are changes */
	struct apply_assume *assume; /* --assume ALIAS=ROLE_ARN, given again for more */
	size_t nassume;
	long step_timeout_ms;   /* --step-timeout: 0, the default */
	/* verify */
	const char **rules;     /* --rule ID, given again for more */
	size_t nrules;
	long timeout_ms;        /* --timeout: 0, the default */
	/* failover */
	const char *to;         /* --to BUCKET: the bucket to make active */
	bool status;            /* --status: print the routes, change nothing */
};

/* A duration: a number with s, m or h ("90s", "15m"), in milliseconds;
 * false when v is not one (or is 0, or more than a day). */
bool options_duration(const char *v, long *ms);

/* Parse argv[2..argc) into o (its specs array is the caller's to free);
 * false, with the reason on stderr, on a usage error: an unknown option
 * (with the nearest known one), one given twice, one without its value, an
 * unknown diagnostics format (with the nearest), an --ignore of an error or
 * of no code. "--" ends the options; --ignore may be given more than once. */
bool options_parse(int argc, char **argv, struct options *o);
void options_free(struct options *o);

#endif
