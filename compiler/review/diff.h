/* diff.h: what changes for the data between two revisions of a spec,
 * computed from their two desired states (and the warnings check found in
 * each), never from text: data flows, rule fields, buckets, roles, the
 * permissions of roles and bucket policies action by action, residency and
 * RPO, Multi-Region Access Points, warnings. Identity comes from the spec's
 * keys: a bucket is its key, an access point its key, an entry its source's
 * key, a rule its id within its entry; so a bucket
 * whose S3 name changes is a change (to another physical bucket), not a
 * removal and an addition. Then rendered as text, Markdown (a pull-request
 * comment: a summary line, then sections, the riskiest first) or JSON. */
#ifndef CRRC_REVIEW_DIFF_H
#define CRRC_REVIEW_DIFF_H

#include <stdbool.h>
#include <stddef.h>

#include "base/buf.h"
#include "model/desired.h"

struct crrc_diags;

/* The sections, the riskiest first: the order of every rendering. */
enum diff_section {
	DIFF_FLOWS,       /* where objects go */
	DIFF_POLICIES,    /* residency, RPO */
	DIFF_PERMISSIONS, /* role and bucket policies, action by action */
	DIFF_POINTS,      /* Multi-Region Access Points: names, members, routes */
	DIFF_BUCKETS,
	DIFF_RULES,       /* each changed field of a rule */
	DIFF_ROLES,
	DIFF_WARNINGS,    /* what check says, appeared or gone */
	DIFF_NSECTIONS
};

enum diff_op { DIFF_ADDED, DIFF_REMOVED, DIFF_CHANGED };

/* A sentence: literal text and values from the specs, alternating
 * (parts[0] literal, parts[1] a value, ...), so that each renderer quotes
 * and escapes values in its own way. */
struct diff_text {
	const char **parts;
	size_t n;
};

struct diff_change {
	enum diff_section section;
	enum diff_op op;
	const char *subject; /* "bucket dr", "rule primary/dr-media", ... */
	const char *field;   /* "storage class"; NULL when the whole subject */
	const char *old_value, *new_value; /* NULL: none */
	struct diff_text text;
	size_t seq;          /* the order it was found in */
};

struct crrc_diff {
	struct diff_change *changes; /* by section, then as found */
	size_t n;
	size_t count[DIFF_NSECTIONS];
	struct arena *arena;         /* owns everything above */
};

/* The changes from old to new; dold and dnew (may be NULL) hold each
 * spec's diagnostics. Linear in the size of the two specs. */
struct crrc_diff *diff_create(const struct crrc_desired *old, const struct crrc_diags *dold,
			      const struct crrc_desired *new, const struct crrc_diags *dnew);
void diff_destroy(struct crrc_diff *df); /* NULL is fine */

enum diff_format { DIFF_TEXT, DIFF_MARKDOWN, DIFF_JSON };
bool diff_format_find(const char *name, enum diff_format *f);
/* The whole rendering, naming the two specs as given. */
void diff_render(const struct crrc_diff *df, enum diff_format f, const char *old_name,
		 const char *new_name, struct buf *out);

#endif
