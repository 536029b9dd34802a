/* s3_object.h: the S3 object operations `crrc verify` needs (a probe
 * object put, watched as it replicates, then deleted), as request builders
 * and response parsers over neutral structs: no I/O. A request goes to
 * endpoint + path_prefix (s3.h) + "/" + the key URI-encoded with '/' kept,
 * signed for region and service "s3" as sent. A builder answers NULL when
 * an argument is NULL that must not be, the key is empty, or a header
 * value would not be printable ASCII. */
#ifndef CRRC_AWS_S3_OBJECT_H
#define CRRC_AWS_S3_OBJECT_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "aws/request.h"

/* PutObject. */
struct s3_put_object {
	const char *key;
	const void *body;
	size_t len;
	const char *content_type;        /* NULL: application/octet-stream */
	const struct aws_tags *tags;     /* NULL or empty: none; else x-amz-tagging,
					  * key=value&... percent-encoded (RFC 3986) */
	const char *kms_key;             /* non-NULL: SSE-KMS with this key (ARN, id
					  * or alias) */
	const struct aws_tags *metadata; /* NULL: none; else x-amz-meta-NAME headers,
					  * NAME an HTTP token */
};
/* With Content-Type and Content-MD5. */
struct aws_request *s3_put_object(const char *endpoint, const char *path_prefix,
				  const char *region, const struct s3_put_object *o);
/* The version id (x-amz-version-id; NULL when unversioned) and ETag (its
 * quotes kept, as S3 sends it) of a 2xx answer, each wanted when its
 * pointer is not NULL (free() them); false with err otherwise. */
bool s3_put_object_parse(const struct aws_response *r, char **version_id, char **etag,
			 char *err, size_t errlen);

/* HeadObject. */
struct s3_object_head {
	char *etag;
	long long size;           /* Content-Length; -1 when absent */
	char *version_id;         /* x-amz-version-id; NULL: unversioned */
	char *replication_status; /* x-amz-replication-status: PENDING, COMPLETED,
				   * FAILED, REPLICA; NULL: no rule covers it */
	char *storage_class;      /* x-amz-storage-class; NULL: STANDARD (S3 omits it) */
	char *sse;                /* x-amz-server-side-encryption */
	char *kms_key;            /* x-amz-server-side-encryption-aws-kms-key-id */
	bool delete_marker;       /* x-amz-delete-marker: true */
};
/* version_id NULL: the latest. */
struct aws_request *s3_head_object(const char *endpoint, const char *path_prefix,
				   const char *region, const char *key, const char *version_id);
/* ABSENT on 404 (a HEAD answer has no body: no such key, version or
 * bucket alike), and on 404 or 405 with x-amz-delete-marker: true, the
 * latest version or the version asked for being a delete marker: then
 * delete_marker is set and version_id is the marker's. */
enum aws_read s3_head_object_parse(const struct aws_response *r, struct s3_object_head *out,
				   char *err, size_t errlen);
void s3_object_head_free(struct s3_object_head *h); /* frees and zeroes; NULL fine */

/* GetObjectTagging; version_id NULL: the latest. */
struct aws_request *s3_get_object_tagging(const char *endpoint, const char *path_prefix,
					  const char *region, const char *key,
					  const char *version_id);
/* The tags appended to out (none: OK and out unchanged); ABSENT on 404
 * NoSuchKey or NoSuchVersion. */
enum aws_read s3_get_object_tagging_parse(const struct aws_response *r, struct aws_tags *out,
					  char *err, size_t errlen);

/* DeleteObject. version_id NULL: a delete marker on a versioned bucket
 * (the object itself on an unversioned one); else that version, for good. */
struct aws_request *s3_delete_object(const char *endpoint, const char *path_prefix,
				     const char *region, const char *key, const char *version_id);
/* A 2xx (204) answer: delete_marker (x-amz-delete-marker: true) and
 * version_id (x-amz-version-id: the marker made or the version deleted;
 * NULL when none; free() it), each wanted when not NULL; false with err
 * otherwise. */
bool s3_delete_object_parse(const struct aws_response *r, bool *delete_marker,
			    char **version_id, char *err, size_t errlen);

/* ListObjectVersions. */
struct s3_version {
	char *key;
	char *version_id; /* "null" for an object put while unversioned */
	bool delete_marker;
	bool latest;
	char *etag;       /* NULL for a delete marker */
	long long size;   /* 0 for a delete marker */
};
struct s3_versions {
	struct s3_version *v; /* in the answers' order: by key, newest first */
	size_t n, cap;
	bool truncated;
	char *next_key_marker;     /* of the last page read; NULL when none */
	char *next_version_marker;
};
/* Under prefix (NULL: all), after the markers of a previous page (NULL: the
 * first page; version_marker only with key_marker). Asks for
 * encoding-type=url, so that any key reads back. */
struct aws_request *s3_list_object_versions(const char *endpoint, const char *path_prefix,
					    const char *region, const char *prefix,
					    const char *key_marker, const char *version_marker);
/* Appends the Version and DeleteMarker entries to out, in order, keys
 * decoded when the answer says EncodingType url; sets truncated and the
 * next markers. FAILED on a malformed entry or a truncated answer without
 * NextKeyMarker: then out keeps only the entries it had, truncated is
 * false and the markers NULL. */
enum aws_read s3_list_object_versions_parse(const struct aws_response *r,
					    struct s3_versions *out, char *err, size_t errlen);
void s3_versions_free(struct s3_versions *v); /* frees and zeroes; NULL fine */

#endif
