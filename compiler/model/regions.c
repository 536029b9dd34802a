/* regions.c: the AWS regions crrc knows, with their partitions. */
#include <string.h>

#include "model/model.h"

static const struct crrc_region regions[] = {
	{"af-south-1", "aws"},     {"ap-east-1", "aws"},      {"ap-east-2", "aws"},
	{"ap-northeast-1", "aws"}, {"ap-northeast-2", "aws"}, {"ap-northeast-3", "aws"},
	{"ap-south-1", "aws"},     {"ap-south-2", "aws"},     {"ap-southeast-1", "aws"},
	{"ap-southeast-2", "aws"}, {"ap-southeast-3", "aws"}, {"ap-southeast-4", "aws"},
	{"ap-southeast-5", "aws"}, {"ap-southeast-7", "aws"}, {"ca-central-1", "aws"},
	{"ca-west-1", "aws"},      {"eu-central-1", "aws"},   {"eu-central-2", "aws"},
	{"eu-north-1", "aws"},     {"eu-south-1", "aws"},     {"eu-south-2", "aws"},
	{"eu-west-1", "aws"},      {"eu-west-2", "aws"},      {"eu-west-3", "aws"},
	{"il-central-1", "aws"},   {"me-central-1", "aws"},   {"me-south-1", "aws"},
	{"mx-central-1", "aws"},   {"sa-east-1", "aws"},      {"us-east-1", "aws"},
	{"us-east-2", "aws"},      {"us-west-1", "aws"},      {"us-west-2", "aws"},
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
