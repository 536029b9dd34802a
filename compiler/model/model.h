/* crrc.h: the one public header of the crrc compiler. It holds the resolved
 * model that the loader builds and the passes check, and the entry points of
 * the pipeline: load -> passes -> back ends. Back ends read this model only,
 * never YAML. */
#ifndef CRRC_H
#define CRRC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CRRC_VERSION "0.1.0"

/* Limits of the language and of the loader (documented in grammar/). */
#define CRRC_MAX_FILE_BYTES (64u * 1024u * 1024u)
#define CRRC_MAX_DEPTH 64
#define CRRC_MAX_ALIAS_NODES 1000000u
#define CRRC_MAX_RULES 1000
#define CRRC_MAX_TAGS 50
#define CRRC_MAX_PREFIX 1024
#define CRRC_MAX_ROLE_NAME 64
/* YAML nodes in a file: about 190,000 buckets */
#define CRRC_MAX_NODES 4000000u
/* diagnostics shown for a file; the rest are counted */
#define CRRC_MAX_DIAGS_PER_FILE 10000u

struct arena;
struct crrc_diags;

/* A place in the source: 1-based line and column (in characters), and the
 * length in characters of the token there (at least 1 when known). */
struct crrc_pos {
	uint32_t line, col, len;
};

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

struct crrc_region {
	const char *code;      /* "us-east-1" */
	const char *partition; /* "aws", "aws-cn", "aws-us-gov" */
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

	struct arena *arena; /* owns everything above */
};

/* Load: read and parse the file, build the model, record diagnostics. The
 * returned model may be partial when there were errors; it is NULL only when
 * nothing could be built. The model's arena is owned by the caller through
 * crrc_model_destroy. */
struct crrc_model *crrc_load_file(const char *path, struct crrc_diags *d);
struct crrc_model *crrc_load_buffer(const char *name, const char *buf, size_t len,
				    struct crrc_diags *d);
void crrc_model_destroy(struct crrc_model *m);

/* Run every pass, resolution first; diagnostics accumulate in d. */
void crrc_passes_run(struct crrc_model *m, struct crrc_diags *d);

/* Regions: NULL when unknown. */
const struct crrc_region *crrc_region_find(const char *code);
size_t crrc_region_count(void);
const struct crrc_region *crrc_region_at(size_t i);

#endif
