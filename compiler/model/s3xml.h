/* s3xml.h: the XML documents S3 receives, written from the desired state as
 * the S3 API has them (the body of PutBucketReplication), with no
 * whitespace between elements. The checks measure them against S3's size
 * limits; the apply back end will send them. */
#ifndef CRRC_S3XML_H
#define CRRC_S3XML_H

#include "model/desired.h"

struct buf;
struct ptrmap;

/* r's ReplicationConfiguration. A generated role whose account is not known
 * yet is written with a 12-digit placeholder account, the size it will have. */
void s3xml_replication(const struct ds_replication *r, struct buf *out);
/* The size in bytes of s3xml_replication's document, written nowhere.
 * memo (or NULL) keeps the escaped length of each text measured, by its
 * pointer and length: pass one map for many documents that share texts. */
size_t s3xml_replication_size(const struct ds_replication *r, struct ptrmap *memo);

#endif
