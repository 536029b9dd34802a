/* ini.h: the INI files of the AWS CLI (config, credentials), read as
 * botocore reads them with Python's configparser: sections in brackets,
 * "name = value" or "name: value" with whitespace around the delimiter
 * trimmed, names lower-cased, whole-line comments starting with '#' or ';'
 * (no inline comments), indented lines continuing the value above, a
 * repeated section or name an error, [DEFAULT] giving every section its
 * names. No limit on a line's length. Private to aws/ (creds.c). */
#ifndef CRRC_AWS_INI_H
#define CRRC_AWS_INI_H

#include <stdbool.h>
#include <stddef.h>

struct ini_entry {
	char *name;  /* lower-cased */
	char *value; /* continuation lines joined with '\n' */
	size_t len, cap; /* of value, while it grows */
	size_t line;
};

struct ini_section {
	char *name; /* as written between the brackets */
	size_t line;
	struct ini_entry *entries;
	size_t nentries, cap;
};

struct ini {
	struct ini_section *sections;
	size_t nsections, cap;
};

/* Parse len bytes into ini (zeroed by the caller). False on a syntax error,
 * with *err "FILE:LINE: what" (file names the source); the message never
 * quotes the line, which may hold a secret. ini is cleared on failure. */
bool ini_parse(struct ini *ini, const char *text, size_t len, const char *file, char **err);
void ini_clear(struct ini *ini);
/* The section of this exact name, or NULL. */
const struct ini_section *ini_section(const struct ini *ini, const char *name);
/* The entry of name (lower-case) in s, falling back on [DEFAULT]; NULL
 * when neither has it or s is NULL. */
const struct ini_entry *ini_find(const struct ini *ini, const struct ini_section *s,
				 const char *name);

#endif
