/* diff_rules.c: rules and roles in a semantic diff. A rule is matched by
 * its entry's source key and its id (its place in the entry when it has
 * none), through a hash map of the old spec's rules. For each rule, what
 * happens to the data (a flow added, removed, redirected, its filter
 * widened or narrowed: section DIFF_FLOWS) and each field whose value
 * changed (DIFF_RULES); for each entry, its role (DIFF_ROLES). */
#include <stdio.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/strmap.h"
#include "review/diff_impl.h"

struct old_rule {
	const struct ds_replication *r;
	const struct ds_rule *rule;
	bool seen;
};

struct rules {
	struct diff_build *d;
	struct strmap *map;     /* rule key -> struct old_rule */
	struct old_rule *old;
	size_t nold;
	struct buf key;
};

/* "<source key>\n<rule id>", or "\n#<index>" for a rule without id. */
static const char *rule_key(struct rules *rs, const struct ds_replication *r, size_t i,
			    size_t *len)
{
	const struct ds_rule *rule = &r->rules[i];
	rs->key.len = 0;
	buf_printf(&rs->key, "%s\n", r->source->key);
	if (rule->id && rule->id->s)
		buf_put(&rs->key, rule->id->s, rule->id->len);
	else
		buf_printf(&rs->key, "#%zu", i);
	*len = rs->key.len;
	return rs->key.data;
}

/* "primary/dr-media" */
static const char *rule_name(struct arena *a, const struct ds_replication *r, size_t i)
{
	const struct ds_rule *rule = &r->rules[i];
	if (rule->id && rule->id->s)
		return arena_concat(a, r->source->key, "/", diff_str(a, rule->id), (char *)NULL);
	return arena_printf(a, "%s/#%zu", r->source->key, i + 1);
}

/* The filter as a value ("media/ + tag k=v"), NULL for every object. */
static const char *filter_value(struct arena *a, const struct ds_rule *rule)
{
	const char *p = rule->prefix && rule->prefix->len ? diff_str(a, rule->prefix) : NULL;
	const char *t = rule->tags->n ? diff_tags(a, rule->tags) : NULL;
	if (p && t)
		return arena_concat(a, p, " + tag ", t, (char *)NULL);
	return p ? p : t ? arena_concat(a, "tag ", t, (char *)NULL) : NULL;
}

/* "objects under 'media/' tagged k=v in <source> ": the selection. */
static void say_objects(struct arena *a, struct diff_say *s, const struct ds_replication *r,
			const struct ds_rule *rule)
{
	bool prefix = rule->prefix && rule->prefix->len;
	if (!prefix && !rule->tags->n)
		say_lit(a, s, "all objects");
	if (prefix) {
		say_lit(a, s, "objects under ");
		say_val(s, diff_str(a, rule->prefix));
	}
	if (rule->tags->n) {
		say_lit(a, s, prefix ? " tagged " : "objects tagged ");
		say_val(s, diff_tags(a, rule->tags));
	}
	say_lit(a, s, " in ");
	say_val(s, r->source->name);
}

/* A filter as a value, or "every object". */
static void say_filter(struct arena *a, struct diff_say *s, const char *filter)
{
	if (filter)
		say_val(s, filter);
	else
		say_lit(a, s, "every object");
}

static void say_dest(struct arena *a, struct diff_say *s, const struct ds_bucket *b)
{
	say_val(s, b->name);
	say_lit(a, s, arena_concat(a, " (", b->place->region, ")", (char *)NULL));
}

static void say_rule(struct arena *a, struct diff_say *s, const char *name, const char *why)
{
	say_lit(a, s, " (rule ");
	say_val(s, name);
	say_lit(a, s, why);
}

/* A flow that starts or stops: a rule added or removed, enabled or
 * disabled. */
static void flow_whole(struct diff_build *d, const struct ds_replication *r,
		       const struct ds_rule *rule, const char *name, enum diff_op op,
		       const char *why)
{
	struct diff_say s = {0};
	say_objects(d->a, &s, r, rule);
	say_lit(d->a, &s, op == DIFF_ADDED ? " now also replicate to " : " no longer replicate to ");
	say_dest(d->a, &s, rule->dest);
	say_rule(d->a, &s, name, why);
	diff_add(d, DIFF_FLOWS, op, name, NULL, op == DIFF_REMOVED ? rule->dest->name : NULL,
		 op == DIFF_ADDED ? rule->dest->name : NULL, say_text(d->a, &s));
}

static bool tags_within(const struct crrc_tags *a, const struct crrc_tags *b)
{
	/* at most CRRC_MAX_TAGS each: bounded */
	for (size_t i = 0; i < a->n; i++) {
		bool found = false;
		for (size_t j = 0; j < b->n && !found; j++)
			found = a->v[i].key.len == b->v[j].key.len &&
				memcmp(a->v[i].key.s, b->v[j].key.s, a->v[i].key.len) == 0 &&
				strcmp(crrc_text(&a->v[i].value), crrc_text(&b->v[j].value)) == 0;
		if (!found)
			return false;
	}
	return true;
}

/* Whether filter a selects every object filter b does. */
static bool filter_within(const struct ds_rule *a, const struct ds_rule *b)
{
	size_t la = a->prefix ? a->prefix->len : 0, lb = b->prefix ? b->prefix->len : 0;
	return la <= lb && (la == 0 || memcmp(a->prefix->s, b->prefix->s, la) == 0) &&
	       tags_within(a->tags, b->tags);
}

/* A flow both specs have, enabled in both: redirected, or its filter
 * widened, narrowed or changed. */
static void flow_changed(struct diff_build *d, const struct ds_replication *r,
			 const struct ds_rule *o, const struct ds_rule *n, const char *name)
{
	struct arena *a = d->a;
	const char *fo = filter_value(a, o), *fn = filter_value(a, n);
	bool same_filter = strcmp(fo ? fo : "", fn ? fn : "") == 0;
	bool same_dest = strcmp(o->dest->name, n->dest->name) == 0 &&
			 strcmp(o->dest->place->region, n->dest->place->region) == 0;
	if (same_filter && same_dest)
		return;
	struct diff_say s = {0};
	say_objects(a, &s, r, n);
	say_lit(a, &s, " now replicate to ");
	say_dest(a, &s, n->dest);
	if (!same_dest) {
		say_lit(a, &s, " instead of ");
		say_dest(a, &s, o->dest);
	}
	if (same_filter) {
		say_rule(a, &s, name, ")");
	} else {
		bool wider = filter_within(n, o), narrower = filter_within(o, n);
		say_rule(a, &s, name, wider ? ": filter widened from " : narrower ?
				      ": filter narrowed from " : ": filter changed from ");
		say_filter(a, &s, fo);
		say_lit(a, &s, " to ");
		say_filter(a, &s, fn);
		say_lit(a, &s, ")");
	}
	diff_add(d, DIFF_FLOWS, DIFF_CHANGED, name, same_dest ? "filter" : "destination",
		 same_dest ? fo : o->dest->name, same_dest ? fn : n->dest->name, say_text(a, &s));
}

/* A rule's fields as values (NULL: none), compared as text. */
typedef const char *field_fn(struct arena *a, const struct ds_rule *r);

static const char *f_dest(struct arena *a, const struct ds_rule *r)
{
	return r->dest->key;
}
static const char *f_status(struct arena *a, const struct ds_rule *r)
{
	return r->enabled ? "enabled" : "disabled";
}
static const char *f_priority(struct arena *a, const struct ds_rule *r)
{
	return arena_printf(a, "%lld", r->priority);
}
static const char *f_filter(struct arena *a, const struct ds_rule *r)
{
	return filter_value(a, r);
}
static const char *f_delete_markers(struct arena *a, const struct ds_rule *r)
{
	return r->delete_markers ? "on" : "off";
}
static const char *f_storage_class(struct arena *a, const struct ds_rule *r)
{
	return diff_str(a, r->storage_class);
}
static const char *f_rtc(struct arena *a, const struct ds_rule *r)
{
	return r->rtc_minutes ? arena_printf(a, "%d minutes", r->rtc_minutes) : "off";
}
static const char *f_metrics(struct arena *a, const struct ds_rule *r)
{
	return !r->metrics ? "off" : r->metrics_minutes ? arena_printf(a, "on, %d minutes",
							       r->metrics_minutes) : "on";
}
static const char *f_kms_objects(struct arena *a, const struct ds_rule *r)
{
	return r->sse_kms_objects ? "on" : "off";
}
static const char *f_replica_key(struct arena *a, const struct ds_rule *r)
{
	return diff_str(a, r->replica_kms_key);
}
static const char *f_owner(struct arena *a, const struct ds_rule *r)
{
	return r->owner_override ? arena_concat(a, "destination account ", r->dest_account,
						(char *)NULL) : "off";
}
static const char *f_replica_mods(struct arena *a, const struct ds_rule *r)
{
	return r->replica_modifications ? "on" : "off";
}

static const struct field {
	const char *name;
	field_fn *value;
} fields[] = {
	{"destination", f_dest},
	{"status", f_status},
	{"priority", f_priority},
	{"filter", f_filter},
	{"delete markers", f_delete_markers},
	{"storage class", f_storage_class},
	{"RTC", f_rtc},
	{"metrics", f_metrics},
	{"SSE-KMS objects", f_kms_objects},
	{"replica key", f_replica_key},
	{"owner override", f_owner},
	{"replica modifications", f_replica_mods},
};

static bool same(const char *a, const char *b)
{
	return a == b || (a && b && strcmp(a, b) == 0);
}

/* Each field whose value changed, with its old and new value. */
static void rule_fields(struct diff_build *d, const char *name, const struct ds_rule *o,
			const struct ds_rule *n)
{
	for (size_t i = 0; i < sizeof(fields) / sizeof(fields[0]); i++) {
		const char *vo = fields[i].value(d->a, o), *vn = fields[i].value(d->a, n);
		if (same(vo, vn))
			continue;
		struct diff_say s = {0};
		bool filter = fields[i].value == f_filter;
		say_lit(d->a, &s, "rule ");
		say_val(&s, name);
		say_lit(d->a, &s, arena_concat(d->a, ": ", fields[i].name, " ", (char *)NULL));
		filter ? say_filter(d->a, &s, vo) : say_val(&s, vo);
		say_lit(d->a, &s, " → ");
		filter ? say_filter(d->a, &s, vn) : say_val(&s, vn);
		diff_add(d, DIFF_RULES, DIFF_CHANGED, name, fields[i].name, vo, vn, say_text(d->a, &s));
	}
}

/* A rule added or removed, and its flow when it is enabled. */
static void rule_whole(struct diff_build *d, const struct ds_replication *r, size_t i,
		       const char *name, enum diff_op op)
{
	const struct ds_rule *rule = &r->rules[i];
	if (rule->enabled)
		flow_whole(d, r, rule, name, op, op == DIFF_ADDED ? " added)" : " removed)");
	struct diff_say s = {0};
	say_lit(d->a, &s, "rule ");
	say_val(&s, name);
	say_lit(d->a, &s, op == DIFF_ADDED ? " added: " : " removed: ");
	say_lit(d->a, &s, rule->enabled ? "" : "disabled, ");
	say_lit(d->a, &s, "into ");
	say_val(&s, rule->dest->key);
	say_lit(d->a, &s, ", filter ");
	say_filter(d->a, &s, filter_value(d->a, rule));
	say_lit(d->a, &s, ", priority ");
	say_val(&s, f_priority(d->a, rule));
	diff_add(d, DIFF_RULES, op, name, NULL, NULL, NULL, say_text(d->a, &s));
}

static void rule_matched(struct rules *rs, const struct ds_replication *r, size_t i,
			 struct old_rule *o)
{
	struct diff_build *d = rs->d;
	const struct ds_rule *n = &r->rules[i];
	const char *name = rule_name(d->a, r, i);
	if (o->rule->enabled && n->enabled)
		flow_changed(d, r, o->rule, n, name);
	else if (o->rule->enabled != n->enabled)
		flow_whole(d, n->enabled ? r : o->r, n->enabled ? n : o->rule, name,
			   n->enabled ? DIFF_ADDED : DIFF_REMOVED,
			   n->enabled ? " enabled)" : " disabled)");
	rule_fields(d, name, o->rule, n);
}

/* Every rule of the new spec against the old one's, then the old rules
 * no longer there. */
void diff_rules(struct diff_build *d)
{
	struct rules rs = {.d = d};
	for (size_t i = 0; i < d->old->nreplications; i++)
		rs.nold += d->old->replications[i].nrules;
	rs.old = arena_array(d->tmp, rs.nold + 1, sizeof(*rs.old));
	rs.map = strmap_create(d->tmp, rs.nold);
	size_t k = 0, len;
	for (size_t i = 0; i < d->old->nreplications; i++) {
		const struct ds_replication *r = &d->old->replications[i];
		for (size_t j = 0; j < r->nrules; j++, k++) {
			rs.old[k] = (struct old_rule){r, &r->rules[j], false};
			const char *key = rule_key(&rs, r, j, &len);
			strmap_put(rs.map, arena_strndup(d->tmp, key, len), len, &rs.old[k], NULL);
		}
	}
	for (size_t i = 0; i < d->new->nreplications; i++) {
		const struct ds_replication *r = &d->new->replications[i];
		for (size_t j = 0; j < r->nrules; j++) {
			const char *key = rule_key(&rs, r, j, &len);
			struct old_rule *o = strmap_get(rs.map, key, len);
			if (o && !o->seen) {
				o->seen = true;
				rule_matched(&rs, r, j, o);
			} else {
				rule_whole(d, r, j, rule_name(d->a, r, j), DIFF_ADDED);
			}
		}
	}
	for (k = 0; k < rs.nold; k++)
		if (!rs.old[k].seen)
			rule_whole(d, rs.old[k].r, (size_t)(rs.old[k].rule - rs.old[k].r->rules),
				   rule_name(d->a, rs.old[k].r,
					     (size_t)(rs.old[k].rule - rs.old[k].r->rules)),
				   DIFF_REMOVED);
	buf_free(&rs.key);
}

static const char *role_text(const struct ds_role *role)
{
	return role->arn ? role->arn : role->name;
}

static void role_whole(struct diff_build *d, const struct ds_replication *r, enum diff_op op)
{
	diff_add(d, DIFF_ROLES, op, r->role.name, NULL, op == DIFF_REMOVED ? role_text(&r->role) : NULL,
		 op == DIFF_ADDED ? role_text(&r->role) : NULL,
		 diff_say(d->a, "role ", r->role.name,
			  op == DIFF_ADDED ? (r->role.create ? " added (generated by crrc) for " :
					      " added (given) for ")
					   : " removed: it replicated ",
			  r->source->key, DIFF_END));
}

/* Each entry's role, matched by the entry's source key. */
void diff_roles(struct diff_build *d)
{
	struct strmap *map = strmap_create(d->tmp, d->old->nreplications);
	bool *seen = arena_array(d->tmp, d->old->nreplications + 1, sizeof(*seen));
	for (size_t i = 0; i < d->old->nreplications; i++) {
		const struct ds_replication *r = &d->old->replications[i];
		strmap_put(map, r->source->key, strlen(r->source->key), (void *)r, NULL);
	}
	for (size_t i = 0; i < d->new->nreplications; i++) {
		const struct ds_replication *n = &d->new->replications[i];
		const struct ds_replication *o = strmap_get(map, n->source->key, strlen(n->source->key));
		if (!o) {
			role_whole(d, n, DIFF_ADDED);
			continue;
		}
		seen[o - d->old->replications] = true;
		const char *vo = role_text(&o->role), *vn = role_text(&n->role);
		if (!same(vo, vn) || o->role.create != n->role.create)
			diff_add(d, DIFF_ROLES, DIFF_CHANGED, n->role.name, "role", vo, vn,
				 diff_say(d->a, "the role replicating ", n->source->key,
					  n->role.create ? " is now crrc's, " : " is now given, ", vn,
					  " (was ", vo, ")", DIFF_END));
	}
	for (size_t i = 0; i < d->old->nreplications; i++)
		if (!seen[i])
			role_whole(d, &d->old->replications[i], DIFF_REMOVED);
}
