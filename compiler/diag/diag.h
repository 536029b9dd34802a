/* diag.h: diagnostics. Passes add them (counted, never fatal); the driver
 * renders them as text with the source line and a caret, as JSON, or as
 * SARIF 2.1.0. Codes come from the registry in codes.def. */
#ifndef CRRC_DIAG_H
#define CRRC_DIAG_H

#include <stdio.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/pos.h"

/* diagnostics shown for a file; the rest are counted */
#define CRRC_MAX_DIAGS_PER_FILE 10000u

enum crrc_code {
#define X(id, sev, slug, summary) CRRC_##id,
#include "diag/codes.def"
#undef X
	CRRC_CODE_COUNT
};

enum crrc_severity {
	CRRC_NOTE,
	CRRC_WARNING,
	CRRC_ERROR,
};

struct crrc_diag_note {
	struct crrc_pos pos;
	char *msg;
};

struct crrc_diag {
	enum crrc_code code;
	enum crrc_severity sev;
	const char *file;   /* borrowed from the diags' file table */
	const char *source; /* the file's text, or NULL */
	size_t source_len;
	struct crrc_pos pos;
	char *msg;
	struct crrc_diag_note *notes;
	size_t nnotes;
	size_t seq; /* order of addition, for a stable sort */
	/* An ignored warning: counted nowhere, shown only in SARIF, marked
	 * suppressed there. why: the reason the ignore gives, or NULL;
	 * external: ignored by --ignore rather than in the spec. */
	bool ignored, external;
	const char *why;
};

enum crrc_diag_format {
	CRRC_DIAG_TEXT,
	CRRC_DIAG_JSON,
	CRRC_DIAG_SARIF,
	CRRC_DIAG_GITHUB, /* GitHub Actions workflow commands: ::error file=...:: */
};

struct crrc_diags *diags_create(void);
void diags_destroy(struct crrc_diags *d);

/* The file (and its text, which must outlive the diags' use of it) that
 * diagnostics added from now on belong to. text may be NULL. */
void diags_set_file(struct crrc_diags *d, const char *file, const char *text, size_t len);
/* The current file's text (from malloc) is the diagnostics' to keep and
 * free: a spec read from a stream cannot be read again to be quoted. */
void diags_keep_text(struct crrc_diags *d, char *text);
/* The current file's text is going away: diagnostics quote it again once
 * diags_reread_sources reads the file anew (when its size is unchanged). */
void diags_drop_text(struct crrc_diags *d);
/* Before rendering: read the dropped texts that diagnostics quote. */
void diags_reread_sources(struct crrc_diags *d);

/* Where the diagnostics stand, to go back to. */
struct diags_mark {
	size_t n, errors, warnings, suppressed;
};
struct diags_mark diags_mark(const struct crrc_diags *d);
/* Forget the diagnostics of the current file added since m, but the last:
 * a load that fails reports why, not the mistakes of the entries it had
 * built by then (whose file it could not read to the end). */
void diags_keep_last_since(struct crrc_diags *d, struct diags_mark m);

/* Add a diagnostic; the message is printf-formatted. Returns it, so that
 * notes can be attached. An exact repeat (same file, position, code and
 * message, as an alias reaches the same node again) is dropped, and so is
 * everything past CRRC_MAX_DIAGS_PER_FILE in a file, though still counted;
 * a dropped one can take notes, which go nowhere. Strings from the spec may be interpolated as they
 * are: renderers escape control characters. A pos with line 0 means "the
 * whole file". */
struct crrc_diag *diags_add(struct crrc_diags *d, enum crrc_code code, struct crrc_pos pos,
			    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
void diag_note(struct crrc_diag *g, struct crrc_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Whether a diagnostic of code at pos about what key names is new, for a
 * pass that reaches the same mistake again through an alias: asked before
 * diags_add, it spares formatting and hashing a message that would be
 * dropped as a repeat. The keys must name everything the message says
 * beyond code and pos (a value's pointer, a field's, a packed position).
 * Records it: false from the second time on. */
bool diags_once(struct crrc_diags *d, enum crrc_code code, struct crrc_pos pos, uint64_t key,
		uint64_t key2);
/* A pointer as such a key. */
static inline uint64_t diag_key(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* Warnings accepted on purpose. An ignore in the current file names a code
 * as written (len bytes) at pos, and covers that code's diagnostics on
 * pos.line and the line after (CRRC_IGNORE_LINES: a "# crrc:ignore"
 * comment) or in the whole file (CRRC_IGNORE_FILE: the spec's ignore:
 * list); why (whylen bytes, may be 0) is its reason. A code that is no
 * warning's, or W011, cannot be ignored: that is W011 at pos, at once. */
enum crrc_ignore_scope {
	CRRC_IGNORE_LINES,
	CRRC_IGNORE_FILE,
};
void diags_ignore(struct crrc_diags *d, const char *code, size_t len, struct crrc_pos pos,
		  enum crrc_ignore_scope scope, const char *why, size_t whylen);
/* Ignore code in every file (--ignore); false when it cannot be ignored
 * (not a warning's code). */
bool diags_ignore_everywhere(struct crrc_diags *d, enum crrc_code code);
/* After the last diagnostic: every ignore of a spec that matched none is
 * W011, at the ignore. */
void diags_report_unused_ignores(struct crrc_diags *d);

/* Spec text for a message. A value of more than DIAG_QUOTE_MAX bytes is
 * quoted by its first and last DIAG_QUOTE_KEEP bytes around
 * " [... N bytes ...] ", written into buf; a shorter one is s itself. The
 * cost is bounded whatever len is, so that a long value that aliases repeat
 * costs little each time it is quoted. s may be NULL (then ""). */
#define DIAG_QUOTE_MAX 512u
#define DIAG_QUOTE_KEEP 240u
#define DIAG_QUOTE_BUF (2 * DIAG_QUOTE_KEEP + 64)
const char *diag_quote(char buf[DIAG_QUOTE_BUF], const char *s, size_t len);

size_t diags_errors(const struct crrc_diags *d);
size_t diags_count(const struct crrc_diags *d);
/* The files diagnostics were added for, and how many of each file's were
 * counted but not kept (past CRRC_MAX_DIAGS_PER_FILE). */
size_t diags_files(const struct crrc_diags *d);
const char *diags_file_name(const struct crrc_diags *d, size_t i);
size_t diags_file_suppressed(const struct crrc_diags *d, size_t i);
const struct crrc_diag *diags_at(const struct crrc_diags *d, size_t i);

/* Turn every warning, present and future, into an error. */
void diags_set_werror(struct crrc_diags *d, bool on);

/* Sort by file, then position, keeping the order of addition for ties. */
void diags_sort(struct crrc_diags *d);
bool diags_render(const struct crrc_diags *d, enum crrc_diag_format fmt, FILE *out);

const char *crrc_code_name(enum crrc_code code);   /* "E021" */
const char *crrc_code_slug(enum crrc_code code);   /* "duplicate-key" */
const char *crrc_code_summary(enum crrc_code code);
enum crrc_severity crrc_code_severity(enum crrc_code code);
/* The code named name (len bytes: "W004"); false when there is none. */
bool crrc_code_find(const char *name, size_t len, enum crrc_code *code);
/* Whether diagnostics of code can be ignored: warnings, but W011. */
bool crrc_code_ignorable(enum crrc_code code);

#endif
