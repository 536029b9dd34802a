/* ignore.h: the ignores of diagnostics, private to diag/: the table that
 * diag.c consults as each diagnostic is added. An ignore covers a warning's
 * code in one file, on two lines (a "# crrc:ignore" comment: its line and
 * the next) or everywhere in it (the spec's ignore: list); or in every file
 * (--ignore). Each remembers whether it matched, so that the ones that never
 * did are reported (W011). Look-ups are hashed: linear in the spec. */
#ifndef CRRC_DIAG_IGNORE_H
#define CRRC_DIAG_IGNORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/diag.h"

struct ignore {
	size_t file;         /* the diags' file index */
	enum crrc_code code;
	uint32_t line;       /* the first of the two lines covered; 0: the whole file */
	struct crrc_pos pos; /* where the ignore is written */
	char *why;           /* the reason given, or NULL */
	bool used;
};

struct ignores;

struct ignores *ignores_create(void);
void ignores_destroy(struct ignores *g); /* NULL is fine */
/* Record an ignore of code in file; why (whylen bytes, may be empty) is
 * copied. NULL, or the earlier ignore that covers all it would cover
 * already (it is then not recorded). */
const struct ignore *ignores_add(struct ignores *g, size_t file, enum crrc_code code,
				 uint32_t line, struct crrc_pos pos, const char *why,
				 size_t whylen);
/* Ignore code in every file. */
void ignores_everywhere(struct ignores *g, enum crrc_code code);
bool ignores_is_everywhere(const struct ignores *g, enum crrc_code code);
/* The ignore of file that covers code at line, now marked used; NULL when
 * there is none (the ones of every file are not ignore entries). */
struct ignore *ignores_match(struct ignores *g, size_t file, enum crrc_code code, uint32_t line);
/* Mark every ignore of file used: its file could not be read to its end,
 * so no check ran that they could have matched. */
void ignores_forget_file(struct ignores *g, size_t file);
size_t ignores_count(const struct ignores *g);
const struct ignore *ignores_at(const struct ignores *g, size_t i);

#endif
