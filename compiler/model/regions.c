/* regions.c: the AWS regions crrc knows, with their partitions, and every
 * fact about partitions that crrc uses. The table is that of botocore's
 * endpoints.json for the aws, aws-cn and aws-us-gov partitions
 * (tests/grammar/test_regions.py keeps it so; language.md says as of which
 * botocore version). */
#include <string.h>
#include <strings.h>

#include "base/strmap.h"
#include "base/util.h"
#include "diag/diag.h"
#include "model/model.h"
#include "model/regions.h"

static const struct crrc_region regions[] = {
	{"af-south-1", "aws"},     {"ap-east-1", "aws"},      {"ap-east-2", "aws"},
	{"ap-northeast-1", "aws"}, {"ap-northeast-2", "aws"}, {"ap-northeast-3", "aws"},
	{"ap-south-1", "aws"},     {"ap-south-2", "aws"},     {"ap-southeast-1", "aws"},
	{"ap-southeast-2", "aws"}, {"ap-southeast-3", "aws"}, {"ap-southeast-4", "aws"},
	{"ap-southeast-5", "aws"}, {"ap-southeast-6", "aws"}, {"ap-southeast-7", "aws"},
	{"ca-central-1", "aws"},   {"ca-west-1", "aws"},      {"eu-central-1", "aws"},
	{"eu-central-2", "aws"},   {"eu-north-1", "aws"},     {"eu-south-1", "aws"},
	{"eu-south-2", "aws"},     {"eu-west-1", "aws"},      {"eu-west-2", "aws"},
	{"eu-west-3", "aws"},      {"il-central-1", "aws"},   {"me-central-1", "aws"},
	{"me-south-1", "aws"},     {"mx-central-1", "aws"},   {"sa-east-1", "aws"},
	{"us-east-1", "aws"},      {"us-east-2", "aws"},      {"us-west-1", "aws"},
	{"us-west-2", "aws"},
	{"cn-north-1", "aws-cn"},  {"cn-northwest-1", "aws-cn"},
	{"us-gov-east-1", "aws-us-gov"}, {"us-gov-west-1", "aws-us-gov"},
};

const struct crrc_region *crrc_region_find(const char *code)
{
	if (!code)
		return NULL;
	for (size_t i = 0; i < sizeof(regions) / sizeof(regions[0]); i++)
		if (strcmp(regions[i].code, code) == 0)
			return &regions[i];
	return NULL;
}

size_t crrc_region_count(void)
{
	return sizeof(regions) / sizeof(regions[0]);
}

const struct crrc_region *crrc_region_at(size_t i)
{
	return i < crrc_region_count() ? &regions[i] : NULL;
}

static bool word_is(const char *f, size_t flen, const char *word)
{
	return flen == strlen(word) && memcmp(f, word, flen) == 0;
}

bool partition_known(const char *p, size_t len)
{
	return word_is(p, len, "aws") || word_is(p, len, "aws-cn") ||
	       word_is(p, len, "aws-us-gov");
}

struct strmap *regions_index(struct arena *a)
{
	size_t n = crrc_region_count();
	struct strmap *index = strmap_create(a, n);
	for (size_t i = 0; i < n; i++) {
		const struct crrc_region *r = crrc_region_at(i);
		strmap_put(index, r->code, strlen(r->code), (void *)r, NULL);
	}
	return index;
}

/* No region code is longer: a longer word is not looked up, nor hashed. */
#define REGION_CODE_MAX 31

const struct crrc_region *regions_lookup(const struct strmap *index, const struct crrc_str *s,
				      struct crrc_diags *d)
{
	if (!crrc_given(s))
		return NULL;
	const struct crrc_region *r = NULL;
	if (s->len <= REGION_CODE_MAX)
		r = index ? strmap_get(index, s->s, s->len) : crrc_region_find(s->s);
	if (r)
		return r;
	size_t n = crrc_region_count();
	const char *sug = crrc_suggest_in(s->s, crrc_region_at(0), n, sizeof(*r),
					  offsetof(struct crrc_region, code));
	for (size_t i = 0; !sug && s->len <= REGION_CODE_MAX && i < n; i++)
		if (strcasecmp(crrc_region_at(i)->code, s->s) == 0)
			sug = crrc_region_at(i)->code;
	char q[DIAG_QUOTE_BUF];
	if (sug)
		diags_add(d, CRRC_E034, s->pos, "unknown region '%s'; did you mean '%s'?",
			  diag_quote(q, s->s, s->len), sug);
	else
		diags_add(d, CRRC_E034, s->pos,
			  "unknown region '%s': give an AWS region code, such as us-east-1",
			  diag_quote(q, s->s, s->len));
	return NULL;
}

const char *partition_dns_suffix(const char *p)
{
	return p && strcmp(p, "aws-cn") == 0 ? ".amazonaws.com.cn" : ".amazonaws.com";
}

size_t partition_index(const char *p)
{
	if (p && strcmp(p, "aws-cn") == 0)
		return 1;
	if (p && strcmp(p, "aws-us-gov") == 0)
		return 2;
	return 0;
}
