/* diff_impl.h: what the files of the semantic diff share and nothing else
 * includes: the builder that collects changes (diff_build.c), and the
 * passes diff.c runs from diff_policy.c. */
#ifndef CRRC_REVIEW_DIFF_IMPL_H
#define CRRC_REVIEW_DIFF_IMPL_H

#include "base/arena.h"
#include "review/diff.h"

/* Ends the parts of diff_say. */
extern const char diff_end[];
#define DIFF_END diff_end

struct diff_build {
	const struct crrc_desired *old, *new;
	const struct crrc_diags *dold, *dnew;
	struct arena *a;          /* the diff's */
	struct arena *tmp;        /* the passes' scratch, freed at the end */
	struct arena_vec changes; /* struct diff_change, as found */
};

/* A sentence of alternating literal text and values, ended by DIFF_END:
 * diff_say(a, "bucket ", key, " added", DIFF_END). */
struct diff_text diff_say(struct arena *a, ...);

/* The same, part by part: literal text (joined with the literal before
 * it) and values (NULL: none). */
#define DIFF_SAY_MAX 24
struct diff_say {
	const char *v[DIFF_SAY_MAX];
	size_t n;
};
void say_lit(struct arena *a, struct diff_say *s, const char *lit);
void say_val(struct diff_say *s, const char *value);
struct diff_text say_text(struct arena *a, const struct diff_say *s);

/* Record a change. */
void diff_add(struct diff_build *b, enum diff_section s, enum diff_op op, const char *subject,
	      const char *field, const char *old_value, const char *new_value, struct diff_text t);

/* Values as text, in the diff's arena. */
const char *diff_str(struct arena *a, const struct crrc_str *s); /* NULL: NULL */
const char *diff_tags(struct arena *a, const struct crrc_tags *t); /* "k=v, k2=v2" */

/* The passes of diff_rules.c: each rule's flows and fields; roles. */
void diff_rules(struct diff_build *b);
void diff_roles(struct diff_build *b);

/* The pass of diff_policy.c: permissions of roles and bucket policies. */
void diff_permissions(struct diff_build *b);

/* The passes of diff_reach.c: residency and RPO; warnings. */
void diff_policies(struct diff_build *b);
void diff_warnings(struct diff_build *b);

/* The pass of diff_points.c: Multi-Region Access Points and their routes. */
void diff_points(struct diff_build *b);

#endif
