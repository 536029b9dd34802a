/* probe.h: what `crrc verify` puts into a source to exercise one rule,
 * decided from the desired state alone (no I/O): the probe's key under
 * the rule's prefix, the rule's filter tags, the source's KMS key where
 * the rule replicates SSE-KMS objects, the RPO it is held to, and why no
 * probe can exercise the rule when none can. Private to apply/. */
#ifndef CRRC_APPLY_PROBE_H
#define CRRC_APPLY_PROBE_H

#include <stdbool.h>
#include <stddef.h>

#include "aws/api.h"
#include "model/desired.h"

/* Probe keys are <prefix>.crrc-verify/<spec>/<rule>/<unique>. */
#define PROBE_DIR ".crrc-verify/"
/* RTC's promise, and the margin added to the largest RPO for the default
 * timeout. */
#define PROBE_RTC_SECONDS (DS_RTC_MINUTES * 60L)
#define PROBE_MARGIN_SECONDS 60L

struct probe_design {
	const struct ds_replication *r;
	const struct ds_rule *rule;
	char *key;           /* the probe's key */
	char *sweep;         /* <prefix>.crrc-verify/<spec>/<rule>/: what earlier runs left */
	struct aws_tags tags;
	const char *kms_key; /* put with SSE-KMS under this key, or NULL */
	long rpo_seconds;    /* the RPO it is held to; 0: none promised */
	char *impossible;    /* why no probe can exercise the rule, or NULL */
};

/* The probe of rule in r, with unique as the key's last part. */
void probe_design(struct probe_design *pd, const struct crrc_desired *ds,
		  const struct ds_replication *r, const struct ds_rule *rule, const char *unique);
void probe_design_free(struct probe_design *pd); /* frees and zeroes */

/* The sweep prefix of a rule, as probe_design makes it; free() it. */
char *probe_sweep_prefix(const struct crrc_desired *ds, const struct ds_rule *rule);

/* Whether a rule's filter selects an object of this key and tags. */
bool probe_rule_matches(const struct ds_rule *rule, const char *key, const struct aws_tags *tags);

#endif
