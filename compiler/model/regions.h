/* regions.h: the AWS regions crrc knows, and what crrc knows of their
 * partitions: every region and partition fact lives in regions.c. */
#ifndef CRRC_REGIONS_H
#define CRRC_REGIONS_H

#include <stdbool.h>
#include <stddef.h>

struct arena;
struct crrc_diags;
struct crrc_str;
struct strmap;

struct crrc_region {
	const char *code;      /* "us-east-1" */
	const char *partition; /* "aws", "aws-cn", "aws-us-gov" */
};

/* NULL when unknown. */
const struct crrc_region *crrc_region_find(const char *code);
size_t crrc_region_count(void);
const struct crrc_region *crrc_region_at(size_t i);

/* A map from region code to region, for regions_lookup in hot loops. */
struct strmap *regions_index(struct arena *a);
/* The region s names, looked up in index (or, when NULL, the region table);
 * NULL and E034 (with a suggestion) when unknown; NULL and silence when s is
 * unset. */
const struct crrc_region *regions_lookup(const struct strmap *index, const struct crrc_str *s,
					 struct crrc_diags *d);

/* Whether p names a partition that crrc knows (aws, aws-cn, aws-us-gov). */
bool partition_known(const char *p, size_t len);
/* The partitions crrc knows, for messages: "aws, aws-cn or aws-us-gov". */
#define PARTITION_NAMES "aws, aws-cn or aws-us-gov"
/* How many there are, and the index of p among them (0, aws, when unknown):
 * bucket names are unique within a partition. */
#define PARTITION_COUNT 3
size_t partition_index(const char *p);
/* The DNS suffix of AWS's service endpoints in partition p:
 * ".amazonaws.com", or ".amazonaws.com.cn" in China. */
const char *partition_dns_suffix(const char *p);

#endif
