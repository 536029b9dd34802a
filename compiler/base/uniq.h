/* uniq.h: generated names unique in their namespace by construction. A
 * namespace is the set of names taken in it. A name is made of a stem and
 * the suffixes its forms add (a bucket's stem "Media" makes "MediaBucket"
 * and "MediaBucketArn"); a stem is good only when every one of its forms is
 * free. A wanted stem that is not gets 8 hex digits of a hash of a seed (the
 * key it was made from), stable from run to run; should that be taken too,
 * which only a spec built to collide reaches, the hash of the seed and a
 * counter, 1, 2..., until every form is free. One set may hold several
 * namespaces: a form names its own. Linear: a claim is a few lookups. */
#ifndef CRRC_UNIQ_H
#define CRRC_UNIQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct arena;
struct uniq;

/* A form of a stem: the namespace it goes into and what follows the stem. */
struct uniq_form {
	const char *ns;     /* "" when the set holds one namespace */
	const char *suffix; /* "" for the stem itself */
};

/* A set for about expected names, in a (which owns the names claimed). */
struct uniq *uniq_create(struct arena *a, size_t expected);
/* Whether name + suffix is taken in namespace ns. */
bool uniq_taken(const struct uniq *u, const char *ns, const char *name, const char *suffix);
/* Take name + suffix in ns; false when it was taken already. */
bool uniq_claim(struct uniq *u, const char *ns, const char *name, const char *suffix);
/* Take every form of stem when every one is free; false (and nothing
 * taken) when one is not. */
bool uniq_claim_forms(struct uniq *u, const struct uniq_form *forms, size_t nforms,
		      const char *stem);
/* The low 32 bits of the FNV-1a hash of seed (n == 0), or of seed, '#'
 * and n in decimal. */
uint32_t uniq_hash(const char *seed, unsigned n);
/* The stem for want: want itself when every form of it is free (and
 * hashed is false); else want, sep and uniq_hash(seed, n) in 8 hex digits
 * for the first n from 0 whose forms are all free. Claims every form of
 * it; the stem lives in u's arena. */
const char *uniq_stem(struct uniq *u, const struct uniq_form *forms, size_t nforms,
		      const char *want, const char *sep, const char *seed, bool hashed);

#endif
