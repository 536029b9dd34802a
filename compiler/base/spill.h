/* spill.h: bytes set aside outside memory, to be read back later by
 * offset: an unlinked temporary file, so the page cache holds them and the
 * process does not. For a back end's intermediate text that is costly to
 * make twice and too large to keep (the CloudFormation roles as measured). */
#ifndef CRRC_SPILL_H
#define CRRC_SPILL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/buf.h"

struct spill;

/* NULL when no temporary file can be made ($TMPDIR, else /tmp): callers
 * then make the bytes again instead. */
struct spill *spill_create(void);
void spill_destroy(struct spill *s); /* NULL is fine */
/* Append len bytes; their offset goes in *at. */
void spill_put(struct spill *s, const char *data, size_t len, uint64_t *at);
/* The len bytes at offset at, in a buffer of s valid until the next call;
 * NULL on an I/O error. */
const char *spill_get(struct spill *s, uint64_t at, size_t len);

#endif
