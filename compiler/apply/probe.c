/* probe.c: the probe of a rule (probe.h), from the desired state alone.
 * A probe proves its own rule only when S3 would pick that rule for it:
 * for each destination S3 applies the enabled rule of highest priority
 * whose filter matches, so a higher rule into the same destination that
 * matches the probe takes it, and the rule cannot be probed alone. */
#include "apply/probe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/oom.h"

/* S3's limits on an object: its key's bytes and its tags. */
#define PROBE_MAX_KEY 1024
#define PROBE_MAX_TAGS 10

static void put_str(struct buf *b, const struct crrc_str *s)
{
	if (s && s->s)
		buf_put(b, s->s, s->len);
}

static void put_rule_id(struct buf *b, const struct ds_rule *rule)
{
	if (rule->id && rule->id->s && rule->id->len)
		put_str(b, rule->id);
	else
		buf_printf(b, "priority-%lld", rule->priority);
}

char *probe_sweep_prefix(const struct crrc_desired *ds, const struct ds_rule *rule)
{
	struct buf b = BUF_INIT;
	put_str(&b, rule->prefix);
	buf_puts(&b, PROBE_DIR);
	buf_puts(&b, ds->name ? ds->name : "spec");
	buf_putc(&b, '/');
	put_rule_id(&b, rule);
	buf_putc(&b, '/');
	return buf_detach(&b, NULL);
}

static bool tag_present(const struct aws_tags *tags, const struct crrc_tag *t)
{
	for (size_t i = 0; tags && i < tags->n; i++)
		if (strlen(tags->v[i].key) == t->key.len &&
		    memcmp(tags->v[i].key, t->key.s, t->key.len) == 0 &&
		    strlen(tags->v[i].value) == t->value.len &&
		    memcmp(tags->v[i].value, t->value.s, t->value.len) == 0)
			return true;
	return false;
}

bool probe_rule_matches(const struct ds_rule *rule, const char *key, const struct aws_tags *tags)
{
	const struct crrc_str *p = rule->prefix;
	if (p && p->s && (strlen(key) < p->len || memcmp(key, p->s, p->len) != 0))
		return false;
	for (size_t i = 0; rule->tags && i < rule->tags->n; i++)
		if (!tag_present(tags, &rule->tags->v[i]))
			return false;
	return true;
}

/* The enabled rule of r into the same destination, of higher priority
 * than rule, that S3 would pick for the probe instead; NULL when none. A
 * linear scan of r's rules, made once per probed rule. */
static const struct ds_rule *taken_by(const struct ds_replication *r, const struct ds_rule *rule,
				      const char *key, const struct aws_tags *tags)
{
	for (size_t i = 0; i < r->nrules; i++) {
		const struct ds_rule *o = &r->rules[i];
		if (o != rule && o->enabled && o->dest == rule->dest && o->priority > rule->priority &&
		    probe_rule_matches(o, key, tags))
			return o;
	}
	return NULL;
}

static long rpo_of(const struct crrc_desired *ds, const struct ds_rule *rule)
{
	const struct crrc_int *rpo = &ds->m->rpo_minutes;
	if (rpo->set && rpo->v > 0)
		return (long)rpo->v * 60L;
	return rule->rtc_minutes ? PROBE_RTC_SECONDS : 0;
}

static char *why_impossible(const struct probe_design *pd, const struct ds_rule *other)
{
	struct buf b = BUF_INIT;
	if (strlen(pd->key) > PROBE_MAX_KEY)
		buf_printf(&b, "its probe's key would be %zu bytes, and S3 keys are at most %d",
			   strlen(pd->key), PROBE_MAX_KEY);
	else if (pd->tags.n > PROBE_MAX_TAGS)
		buf_printf(&b, "its filter asks for %zu tags, and an S3 object has at most %d",
			   pd->tags.n, PROBE_MAX_TAGS);
	else if (other) {
		buf_puts(&b, "rule '");
		put_rule_id(&b, other);
		buf_printf(&b, "' (priority %lld) matches every object this rule matches into the "
			       "same destination, and S3 applies it instead",
			   other->priority);
	} else
		return NULL;
	return buf_detach(&b, NULL);
}

void probe_design(struct probe_design *pd, const struct crrc_desired *ds,
		  const struct ds_replication *r, const struct ds_rule *rule, const char *unique)
{
	memset(pd, 0, sizeof(*pd));
	pd->r = r;
	pd->rule = rule;
	pd->sweep = probe_sweep_prefix(ds, rule);
	struct buf b = BUF_INIT;
	buf_puts(&b, pd->sweep);
	buf_puts(&b, unique);
	pd->key = buf_detach(&b, NULL);
	for (size_t i = 0; rule->tags && i < rule->tags->n; i++) {
		const struct crrc_tag *t = &rule->tags->v[i];
		char *k = xstrndup(t->key.s ? t->key.s : "", t->key.len);
		char *v = xstrndup(t->value.s ? t->value.s : "", t->value.len);
		aws_tags_add(&pd->tags, k, v);
		free(k);
		free(v);
	}
	const struct crrc_str *key = r->source->kms_key;
	if (rule->sse_kms_objects && key && key->s)
		pd->kms_key = key->s;
	pd->rpo_seconds = rpo_of(ds, rule);
	pd->impossible = why_impossible(pd, taken_by(r, rule, pd->key, &pd->tags));
}

void probe_design_free(struct probe_design *pd)
{
	free(pd->key);
	free(pd->sweep);
	free(pd->impossible);
	aws_tags_free(&pd->tags);
	memset(pd, 0, sizeof(*pd));
}
