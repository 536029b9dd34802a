/* explain.h: the explanation of every diagnostic code, for `crrc explain`:
 * grammar/diagnostics.md's sections, compiled in at build time. */
#ifndef CRRC_EXPLAIN_H
#define CRRC_EXPLAIN_H

#include <stddef.h>

struct explanation {
	const char *code; /* "E021" */
	const char *slug; /* "duplicate-key" */
	const char *text; /* what it means, an example, the fix (Markdown) */
};

extern const struct explanation explanations[];
extern const size_t nexplanations;

/* The explanation of code ("E021", "e021" or the slug); NULL when none. */
const struct explanation *explain_find(const char *code);

#endif
