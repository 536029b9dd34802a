/* arn.c: Amazon Resource Names, split into their fields: the one ARN parser
 * of crrc. */
#include "model/arn.h"

#include <string.h>

bool arn_field_is(const char *f, size_t flen, const char *word)
{
	return flen == strlen(word) && memcmp(f, word, flen) == 0;
}

bool arn_split(const char *s, size_t len, struct arn *out)
{
	const char **fields[] = {&out->partition, &out->service, &out->region, &out->account};
	size_t *lens[] = {&out->partition_len, &out->service_len, &out->region_len,
			  &out->account_len};
	if (!s || len < 4 || memcmp(s, "arn:", 4) != 0)
		return false;
	size_t i = 4;
	for (size_t f = 0; f < 4; f++) {
		const char *colon = memchr(s + i, ':', len - i);
		if (!colon)
			return false;
		*fields[f] = s + i;
		*lens[f] = (size_t)(colon - (s + i));
		i = (size_t)(colon - s) + 1;
	}
	out->resource = s + i;
	out->resource_len = len - i;
	return true;
}
