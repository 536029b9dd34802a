/* model_json.c: the resolved model as JSON, for `crrc model`: what the back
 * ends see, with every default filled in. Keys keep a fixed order. */
#include "model/model_json.h"

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *cstr(const struct crrc_str *s)
{
	return s->s ? json_stringn(s->s, s->len) : json_null();
}

static json_t *tags_json(const struct crrc_tags *t)
{
	json_t *o = json_object();
	for (size_t i = 0; i < t->n; i++)
		json_object_setn_new(o, t->v[i].key.s, t->v[i].key.len, cstr(&t->v[i].value));
	return o;
}

static json_t *bucket_json(const struct crrc_bucket *b)
{
	json_t *o = json_object();
	json_object_set_new(o, "key", cstr(&b->key));
	json_object_set_new(o, "name", cstr(&b->name));
	json_object_set_new(o, "arn", str_or_null(b->arn));
	json_object_set_new(o, "region", cstr(&b->region));
	json_object_set_new(o, "partition", str_or_null(b->reg ? b->reg->partition : NULL));
	json_object_set_new(o, "account_id", str_or_null(b->account_id));
	json_object_set_new(o, "account_alias", str_or_null(b->account_alias));
	json_object_set_new(o, "encryption", json_string(b->enc == CRRC_SSE_KMS ? "sse-kms" : "sse-s3"));
	json_object_set_new(o, "kms_key", cstr(&b->kms_key));
	json_object_set_new(o, "object_lock", json_boolean(b->object_lock.v));
	json_object_set_new(o, "existing", json_boolean(b->existing.v));
	json_object_set_new(o, "versioning", json_true());
	json_object_set_new(o, "tags", tags_json(&b->tags));
	return o;
}

static json_t *rule_json(const struct crrc_rule *r)
{
	json_t *o = json_object(), *f = json_object();
	json_object_set_new(o, "id", cstr(&r->id));
	json_object_set_new(o, "destination", cstr(&r->destination));
	json_object_set_new(o, "destination_bucket", str_or_null(r->dest ? r->dest->name.s : NULL));
	json_object_set_new(o, "destination_arn", str_or_null(r->dest ? r->dest->arn : NULL));
	json_object_set_new(o, "priority", json_integer(r->priority.v));
	json_object_set_new(o, "enabled", json_boolean(r->enabled.v));
	json_object_set_new(f, "prefix", cstr(&r->filter.prefix));
	json_object_set_new(f, "tags", tags_json(&r->filter.tags));
	json_object_set_new(o, "filter", f);
	json_object_set_new(o, "delete_markers", json_boolean(r->delete_markers.v));
	json_object_set_new(o, "storage_class", cstr(&r->storage_class));
	json_object_set_new(o, "rtc", json_boolean(r->rtc.v));
	json_object_set_new(o, "metrics", json_boolean(r->metrics.v));
	json_object_set_new(o, "sse_kms_objects", json_boolean(r->sse_kms_objects.v));
	json_object_set_new(o, "replica_kms_key", cstr(&r->replica_kms_key));
	json_object_set_new(o, "owner", json_string(r->owner_destination ? "destination" : "source"));
	json_object_set_new(o, "replica_modifications", json_boolean(r->replica_modifications.v));
	json_object_set_new(o, "existing_objects", json_boolean(r->existing_objects.v));
	return o;
}

static json_t *replication_json(const struct crrc_replication *r)
{
	json_t *o = json_object(), *role = json_object(), *rules = json_array();
	json_object_set_new(o, "source", cstr(&r->source));
	json_object_set_new(o, "source_bucket", str_or_null(r->src ? r->src->name.s : NULL));
	json_object_set_new(role, "generated", json_boolean(r->role_generated));
	json_object_set_new(role, "name", str_or_null(r->role_name));
	json_object_set_new(role, "arn", str_or_null(r->role_arn));
	json_object_set_new(o, "role", role);
	for (size_t i = 0; i < r->nrules; i++)
		json_array_append_new(rules, rule_json(&r->rules[i]));
	json_object_set_new(o, "rules", rules);
	return o;
}

static json_t *keys_json(const struct crrc_str *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, cstr(&v[i]));
	return a;
}

static json_t *policies_json(const struct crrc_model *m)
{
	json_t *o = json_object(), *res = json_array();
	for (size_t i = 0; i < m->nresidency; i++) {
		const struct crrc_residency *p = &m->residency[i];
		json_array_append_new(res, json_pack("{s:o,s:o}", "prefix", cstr(&p->prefix),
						     "regions", keys_json(p->regions, p->nregions)));
	}
	json_object_set_new(o, "residency", res);
	json_object_set_new(o, "rpo_minutes",
			    m->rpo_minutes.set ? json_integer(m->rpo_minutes.v) : json_null());
	return o;
}

static json_t *points_json(const struct crrc_model *m)
{
	json_t *a = json_array();
	for (size_t i = 0; i < m->naccess_points; i++) {
		const struct crrc_access_point *p = &m->access_points[i];
		json_t *o = json_object();
		json_object_set_new(o, "key", cstr(&p->key));
		json_object_set_new(o, "name", str_or_null(p->point_name));
		json_object_set_new(o, "buckets", keys_json(p->buckets, p->nbuckets));
		json_object_set_new(o, "passive", keys_json(p->passive, p->npassive));
		json_array_append_new(a, o);
	}
	return a;
}

json_t *model_json(const struct crrc_model *m)
{
	json_t *o = json_object(), *accounts = json_object(), *buckets = json_array(),
	       *reps = json_array();
	json_object_set_new(o, "crrc", json_integer(1));
	json_object_set_new(o, "name", cstr(&m->name));
	json_object_set_new(o, "tags", tags_json(&m->tags));
	for (size_t i = 0; i < m->naccounts; i++)
		json_object_setn_new(accounts, m->accounts[i].alias.s, m->accounts[i].alias.len,
				     cstr(&m->accounts[i].id));
	json_object_set_new(o, "accounts", accounts);
	for (size_t i = 0; i < m->nbuckets; i++)
		json_array_append_new(buckets, bucket_json(&m->buckets[i]));
	json_object_set_new(o, "buckets", buckets);
	for (size_t i = 0; i < m->nreplications; i++)
		json_array_append_new(reps, replication_json(&m->replications[i]));
	json_object_set_new(o, "replication", reps);
	json_object_set_new(o, "policies", policies_json(m));
	json_object_set_new(o, "access_points", points_json(m));
	return o;
}

bool model_json_write(const struct crrc_model *m, FILE *out)
{
	json_t *j = model_json(m);
	bool ok = json_dumpf(j, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER) == 0 &&
		  fputc('\n', out) != EOF;
	json_decref(j);
	return ok;
}
