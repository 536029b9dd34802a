/* owner.h: what the owners of resources crrc must not write need to add
 * for replication, as the desired state decided it, written next to a
 * target's output by every target alike: existing-buckets.json, the
 * statements the bucket policy of an existing bucket needs and the Object
 * Lock to turn on (W009, since crrc never replaces what S3 replaces whole),
 * and key-policies.json, the statements the key policy of a KMS key in
 * another account than the role's needs (W010, since crrc cannot edit
 * another account's key policy). A file is written only when it has
 * something to say. */
#ifndef CRRC_OWNER_H
#define CRRC_OWNER_H

#include "emit/emit.h"

#define OWNER_EXISTING_BUCKETS "existing-buckets.json"
#define OWNER_KEY_POLICIES "key-policies.json"

struct crrc_diags;

/* Write the files of ds into o, and a warning in d for each thing an owner
 * must add. Open them before any file that names the others (they are
 * published in the order opened). */
void owner_write(const struct crrc_desired *ds, const struct crrc_emit_options *opt,
		 struct crrc_sink *o, struct crrc_diags *d);

#endif
