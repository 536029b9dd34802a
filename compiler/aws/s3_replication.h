/* s3_replication.h: S3's replication configuration (the body of
 * PutBucketReplication and of GetBucketReplication's answer) as a neutral
 * struct that keeps the form it was read in: parsed from XML, rendered to
 * XML, and compared canonically with S3's defaults normalised, field by
 * field, rules matched by ID. */
#ifndef CRRC_AWS_S3_REPLICATION_H
#define CRRC_AWS_S3_REPLICATION_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"
#include "base/buf.h"

/* A Status element: absent, or its value. */
enum s3_status {
	S3_STATUS_ABSENT,
	S3_STATUS_ENABLED,
	S3_STATUS_DISABLED,
};

/* The form of a rule's Filter, as it was written. */
enum s3_filter_form {
	S3_FILTER_NONE,   /* no <Filter> element */
	S3_FILTER_EMPTY,  /* <Filter/> */
	S3_FILTER_PREFIX, /* <Filter><Prefix> */
	S3_FILTER_TAG,    /* <Filter><Tag> */
	S3_FILTER_AND,    /* <Filter><And>[<Prefix>]<Tag>...</And> */
};

struct s3_destination {
	char *bucket;            /* Bucket: an ARN; NULL: absent */
	char *account;           /* Account; NULL: absent */
	char *storage_class;     /* StorageClass; NULL: absent */
	char *owner;             /* AccessControlTranslation/Owner; NULL: no element */
	char *replica_kms_key_id; /* EncryptionConfiguration/ReplicaKmsKeyID; NULL: absent */
	bool encryption_configuration; /* the EncryptionConfiguration element is there */
	enum s3_status rtc;      /* ReplicationTime/Status; ABSENT: no element */
	int rtc_minutes;         /* ReplicationTime/Time/Minutes; -1: absent */
	enum s3_status metrics;  /* Metrics/Status; ABSENT: no element */
	int metrics_minutes;     /* Metrics/EventThreshold/Minutes; -1: absent */
};

struct s3_rule {
	char *id;                /* ID; NULL: absent */
	bool has_priority;
	long long priority;      /* Priority, when has_priority */
	char *prefix;            /* the rule's own Prefix (the V1 form); NULL: absent */
	enum s3_filter_form filter;
	char *filter_prefix;     /* PREFIX's, or AND's; NULL: none */
	struct aws_tags filter_tags; /* TAG's (one) or AND's, in document order */
	enum s3_status status;   /* Status */
	bool source_selection;   /* a SourceSelectionCriteria element is there */
	enum s3_status sse_kms_encrypted_objects; /* .../SseKmsEncryptedObjects/Status */
	enum s3_status replica_modifications;     /* .../ReplicaModifications/Status */
	enum s3_status existing_objects;          /* ExistingObjectReplication/Status */
	enum s3_status delete_markers;            /* DeleteMarkerReplication/Status */
	struct s3_destination dest;
};

struct s3_replication {
	char *role;              /* Role; NULL: absent */
	struct s3_rule *rules;
	size_t nrules;
};

/* xml (len bytes) into out, which must be zeroed or freed before: every
 * element of the API reference's ReplicationConfiguration, unknown ones
 * ignored. False with err set (and out freed) when it is not well-formed,
 * not a ReplicationConfiguration, or a Status, Priority or Minutes is not
 * one the API allows. */
bool s3_replication_parse(const char *xml, size_t len, struct s3_replication *out, char *err,
			  size_t errlen);
/* Frees what out holds and zeroes it; NULL is fine. */
void s3_replication_free(struct s3_replication *r);
/* r as PutBucketReplication's body, with S3's namespace, every element
 * present in r in the order of the S3 API model, appended to out. */
void s3_replication_xml(const struct s3_replication *r, struct buf *out);

/* Each difference between want and have after normalising S3's defaults
 * (see s3_replication_diff.c), in want's rule order then have's. rule_id
 * is NULL for a field of the configuration (field "Role"). field is the
 * element's path in the rule ("Filter.Prefix",
 * "Destination.ReplicationTime.Status"); want and have are the normalised
 * values as text ("" for an absent string, "Disabled" for an absent
 * status). A rule only in want: field "Rule", have NULL; only in have:
 * field "Rule", want NULL (want and have are then the rule's ID). Returns
 * the number of differences; each may be NULL to count them. */
size_t s3_replication_diff(const struct s3_replication *want, const struct s3_replication *have,
			   void (*each)(const char *rule_id, const char *field, const char *want,
					const char *have, void *ud),
			   void *ud);

/* GetBucketReplication, and its answer: ABSENT on 404
 * ReplicationConfigurationNotFoundError. */
struct aws_request *s3_get_replication(const char *endpoint, const char *path_prefix,
				       const char *region);
enum aws_read s3_get_replication_parse(const struct aws_response *r, struct s3_replication *out,
				       char *err, size_t errlen);
/* PutBucketReplication of r (s3_replication_xml), with Content-MD5. */
struct aws_request *s3_put_replication(const char *endpoint, const char *path_prefix,
				       const char *region, const struct s3_replication *r);

#endif
