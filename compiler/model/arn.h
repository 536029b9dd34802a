/* arn.h: Amazon Resource Names. The one ARN parser of crrc: the checks, the
 * IAM documents and the back ends all split an ARN here. */
#ifndef CRRC_ARN_H
#define CRRC_ARN_H

#include <stdbool.h>
#include <stddef.h>

/* The six colon-separated fields of an ARN; the resource keeps its colons. */
struct arn {
	const char *partition, *service, *region, *account, *resource;
	size_t partition_len, service_len, region_len, account_len, resource_len;
};

/* Split "arn:p:s:r:a:resource". False when the text has not that shape. */
bool arn_split(const char *s, size_t len, struct arn *out);
/* Whether the field equals the NUL-terminated word. */
bool arn_field_is(const char *f, size_t flen, const char *word);

#endif
