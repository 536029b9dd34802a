/* points.c: the ARNs of a point's policy that targets substitute, and the
 * note on routes, which neither Terraform's AWS provider (5.x) nor
 * CloudFormation can express (points.h). */
#include "emit/points.h"

#include <string.h>

/* Whether s[*at..] starts with the n bytes of want; moves *at past them. */
static bool eat(const char *s, size_t len, size_t *at, const char *want, size_t n)
{
	if (len - *at < n || memcmp(s + *at, want, n) != 0)
		return false;
	*at += n;
	return true;
}

/* Moves *at to the next ':' (not past it); false when there is none. */
static bool field(const char *s, size_t len, size_t *at)
{
	const char *c = memchr(s + *at, ':', len - *at);
	if (!c)
		return false;
	*at = (size_t)(c - s);
	return true;
}

bool point_arn_parse(const struct ds_access_point *p, const char *s, size_t len,
		     struct point_arn *out)
{
	size_t at = 0, name_len = strlen(p->name);
	if (!eat(s, len, &at, "arn:", 4) || !field(s, len, &at))
		return false;
	out->partition = s + 4;
	out->partition_len = at - 4;
	if (eat(s, len, &at, ":iam::", 6)) {
		out->kind = POINT_ARN_ROOT;
		out->rest = s + len;
		out->rest_len = 0;
		return !p->account && field(s, len, &at) && at + 5 == len &&
		       memcmp(s + at, ":root", 5) == 0;
	}
	if (!eat(s, len, &at, ":s3::", 5) || !field(s, len, &at) ||
	    !eat(s, len, &at, ":accesspoint/", 13) || !eat(s, len, &at, p->name, name_len))
		return false;
	if (at < len && s[at] != '/')
		return false;
	out->kind = POINT_ARN_ACCESS_POINT;
	out->rest = s + at;
	out->rest_len = len - at;
	return true;
}

void point_routes_note(const struct ds_access_point *p, const char *target, struct buf *out)
{
	size_t passive = 0;
	for (size_t i = 0; i < p->nmembers; i++)
		passive += !p->members[i].active;
	buf_printf(out, "%s cannot set the routes of a Multi-Region Access Point: after\n"
			"it deploys, every bucket of '%s' is active. ",
		   target, p->name);
	if (!passive) {
		buf_puts(out, "The spec makes every one active.\n");
		return;
	}
	buf_puts(out, "The spec makes passive:");
	for (size_t i = 0; i < p->nmembers; i++)
		if (!p->members[i].active)
			buf_printf(out, " %s (%s)", p->members[i].bucket->key,
				   p->members[i].bucket->place->region);
	buf_puts(out, ";\n`crrc apply` or `crrc failover` sets those routes.\n");
}
