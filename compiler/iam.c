/* iam.c: stub, being written. */
#include "iam.h"

json_t *iam_trust_policy(const struct crrc_replication *r)
{
	(void)r;
	return NULL;
}

json_t *iam_role_policy(const struct crrc_replication *r)
{
	(void)r;
	return NULL;
}

json_t *iam_destination_policy(const struct crrc_bucket *dest,
			       const struct crrc_replication *const *sources, size_t nsources)
{
	(void)dest, (void)sources, (void)nsources;
	return NULL;
}

bool iam_cross_account(const struct crrc_replication *r, const struct crrc_bucket *dest)
{
	(void)r, (void)dest;
	return false;
}
