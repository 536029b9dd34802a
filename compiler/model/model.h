/* model.h: the model of a spec: what the loader builds (every value with
 * its position), resolution completes (resolve.h) and the checks read. Once
 * resolved it is read-only: the checks and the back ends never write into
 * it nor its arena. The back ends read the desired state (desired.h) made
 * from it, never YAML. */
#ifndef CRRC_H
#define CRRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "diag/pos.h"
#include "model/regions.h"

/* Limits of the language and of the loader (documented in grammar/). */
#define CRRC_MAX_FILE_BYTES (64u * 1024u * 1024u)
/* A pass that reads a value's text once per value, not once per use (an
 * alias may use one value a million times), remembers values of at least
 * this many bytes only: reading a shorter one again costs less than a slot
 * in a map, and at most this much a use, within the bound on nodes. */
#define CRRC_MEMO_MIN 64u
#define CRRC_MAX_DEPTH 64
#define CRRC_MAX_ALIAS_NODES 1000000u
#define CRRC_MAX_RULES 1000
#define CRRC_MAX_TAGS 50
#define CRRC_MAX_PREFIX 1024
#define CRRC_MAX_ROLE_NAME 64
/* bytes of a valid spec name (E030): longer, it makes no default name */
#define CRRC_MAX_SPEC_NAME 32
/* YAML nodes in a file: about 190,000 buckets */
#define CRRC_MAX_NODES 4000000u

struct arena;
struct crrc_diags;

/* A value as written, with where it was written. `set` is false when the key
 * was absent; the resolver may then fill in a default (and leave `set`
 * false). */
struct crrc_str {
	const char *s;
	uint32_t len : 31; /* a file is at most CRRC_MAX_FILE_BYTES */
	bool set : 1;
	struct crrc_pos pos;
};

struct crrc_bool {
	bool v;
	bool set;
	struct crrc_pos pos;
};

struct crrc_int {
	long long v;
	bool set;
	struct crrc_pos pos;
};

struct crrc_tag {
	struct crrc_str key, value;
};

struct crrc_tags {
	struct crrc_tag *v;
	size_t n;
	bool set;
	struct crrc_pos pos;
};

struct crrc_account {
	struct crrc_str alias;
	struct crrc_str id;
};

enum crrc_encryption {
	CRRC_SSE_S3 = 0,
	CRRC_SSE_KMS,
};

struct crrc_bucket {
	struct crrc_str key;        /* logical name, the key under buckets: */
	struct crrc_pos pos;        /* the bucket's mapping */
	struct crrc_str name;       /* resolved: default "<name>-<key>" */
	struct crrc_str region;
	struct crrc_str account;    /* as written: alias or 12-digit id */
	struct crrc_str encryption; /* as written */
	struct crrc_str kms_key;
	struct crrc_bool object_lock;
	struct crrc_bool existing;
	struct crrc_tags own_tags;  /* as written under the bucket */

	/* resolved */
	enum crrc_encryption enc;
	const struct crrc_region *reg; /* NULL when the region is unknown */
	const char *account_id;        /* NULL: the deploying credentials' account */
	const char *account_alias;     /* alias when given by alias, else NULL */
	struct crrc_tags tags;         /* top-level tags merged with own_tags */
	const char *arn;               /* arn:<partition>:s3:::<name> */
	struct crrc_replication *replication; /* the entry it is source of */
	size_t index;                  /* position in model.buckets */
};

struct crrc_filter {
	bool set;
	struct crrc_pos pos;
	struct crrc_str prefix;
	struct crrc_tags tags;
};

struct crrc_rule {
	struct crrc_pos pos;         /* the rule's mapping */
	struct crrc_str id;
	struct crrc_str destination; /* as written */
	struct crrc_int priority;    /* resolved: 1, 2, 3... when given on none */
	struct crrc_bool enabled;    /* resolved: default true */
	struct crrc_filter filter;
	struct crrc_bool delete_markers;
	struct crrc_str storage_class;
	struct crrc_bool rtc;
	struct crrc_bool metrics;    /* resolved: default = rtc */
	struct crrc_bool sse_kms_objects; /* resolved: default = source is sse-kms */
	struct crrc_str replica_kms_key;  /* resolved: default = destination's kms_key */
	struct crrc_str owner;       /* as written */
	struct crrc_bool replica_modifications;
	struct crrc_bool existing_objects;

	/* resolved */
	struct crrc_bucket *dest;    /* NULL when the reference is unknown */
	bool owner_destination;
};

struct crrc_replication {
	struct crrc_pos pos;
	struct crrc_str source;
	struct crrc_str role;        /* as written; unset: crrc generates one */
	struct crrc_rule *rules;
	size_t nrules;
	struct crrc_pos rules_pos;
	bool rules_set;

	/* resolved */
	struct crrc_bucket *src;     /* NULL when the reference is unknown */
	bool role_generated;
	const char *role_name;       /* generated name, or the name in role */
	const char *role_arn;        /* NULL for a generated role of an unknown account */
};

struct crrc_residency {
	struct crrc_pos pos;
	struct crrc_str prefix;
	struct crrc_str *regions;
	size_t nregions;
	struct crrc_pos regions_pos;
};

/* A Multi-Region Access Point (access_points:, keyed by its key): one
 * global endpoint over buckets in several regions, at most one a region. */
struct crrc_access_point {
	struct crrc_pos pos;         /* the point's mapping */
	struct crrc_str key;         /* its key under access_points: */
	struct crrc_str name;        /* as written; unset: "<spec name>-<key>" */
	struct crrc_str *buckets;    /* bucket keys, as written */
	size_t nbuckets;
	struct crrc_pos buckets_pos;
	struct crrc_str *passive;    /* bucket keys that take no traffic until a failover */
	size_t npassive;
	struct crrc_pos passive_pos;

	/* resolved */
	const char *point_name;      /* the name, given or made */
	struct crrc_bucket **members; /* nbuckets, NULL where the key is unknown */
	bool *member_passive;        /* nbuckets: that member is passive */
};

struct crrc_model {
	const char *file;
	struct crrc_int version;
	struct crrc_str name;
	struct crrc_tags tags;
	struct crrc_account *accounts;
	size_t naccounts;
	struct crrc_bucket *buckets;
	size_t nbuckets;
	struct crrc_pos buckets_pos;
	struct crrc_replication *replications;
	size_t nreplications;
	struct crrc_residency *residency;
	size_t nresidency;
	struct crrc_int rpo_minutes;
	struct crrc_access_point *access_points;
	size_t naccess_points;

	struct arena *arena; /* owns everything above */
};

/* Free m and everything in its arena. NULL is fine. */
void crrc_model_destroy(struct crrc_model *m);

/* A string value that was given and is usable (set, not NULL). */
static inline bool crrc_given(const struct crrc_str *s)
{
	return s->set && s->s;
}

/* The string's text, "" when unset: for prefixes, where absent means "". */
static inline const char *crrc_text(const struct crrc_str *s)
{
	return crrc_given(s) ? s->s : "";
}

static inline size_t crrc_textlen(const struct crrc_str *s)
{
	return crrc_given(s) ? s->len : 0;
}

/* The rule's id for messages. */
static inline const char *crrc_rule_name(const struct crrc_rule *r)
{
	return crrc_given(&r->id) ? r->id.s : "(without id)";
}

/* A value, and a rule's id, as a message quotes them: bounded whatever
 * their length (diag_quote, into q of DIAG_QUOTE_BUF bytes), so that a long
 * value that aliases repeat costs little each time it is quoted. */
const char *crrc_shown(char *q, const struct crrc_str *s);
const char *crrc_rule_shown(char *q, const struct crrc_rule *r);

#endif
