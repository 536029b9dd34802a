/* iam.c: the least-privilege replication role, as IAM policy documents
 * (jansson values, keys in a fixed order) that every back end renders in its
 * own syntax: the trust policy, the role's permissions, the bucket policy
 * of a destination in another account, and the statements the key policy
 * of a KMS key in another account needs, and the policy of a Multi-Region
 * Access Point. Exact actions on exact resources, never a wildcard action
 * nor a "*" resource (but in a key policy, where "*" is the key itself).
 * Statement ids come from the spec's bucket keys, so adding a bucket
 * renames no other statement. */
#include "model/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/oom.h"
#include "base/ptrmap.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "model/arn.h"
#include "model/regions.h"

#define POLICY_VERSION "2012-10-17"

/* The parts of a KMS key ARN: arn:<partition>:kms:<region>:<account>:<resource>,
 * the resource being key/<id> or alias/<name>. */
struct kms_arn {
	const char *arn;
	char region[32], account[16];
	const char *resource;
	bool alias;
};

/* Statement ids: CamelCase of a spec key behind a fixed prefix. Keys of a-z,
 * 0-9 and '-' can meet in CamelCase ("a-1" and "a1"), and with a suffix
 * ("x" and "x-by-alias" in EncryptForXByAlias); a later one then gets a
 * suffix made from a hash of its key, which stays the same from run to run,
 * and while that is taken too (a key built to meet it), the hash of its key
 * and a counter (uniq_hash): never an id twice, never an empty one.
 * The set of names used (ids, and the keys already listed in a statement) is
 * a jansson object: a hash table that costs nothing until used, which
 * matters when a spec has thousands of entries. */
struct sids {
	json_t *seen;
};

static void sids_init(struct sids *s)
{
	s->seen = json_object();
}

static void sids_fini(struct sids *s)
{
	json_decref(s->seen);
}

/* Add name to the set; its copy in the set, or NULL when it was there. */
static const char *sids_add(struct sids *s, const char *name)
{
	if (json_object_get(s->seen, name))
		return NULL;
	json_object_set_new(s->seen, name, json_true());
	return json_object_iter_key(json_object_iter_at(s->seen, name));
}

/* Append the CamelCase of key to b. */
static void camel_append(struct buf *b, const char *key)
{
	bool upper = true;
	for (; *key; key++) {
		char c = *key;
		if (c == '-') {
			upper = true;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			continue;
		buf_putc(b, upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
		upper = false;
	}
}

static const char *sid_make(struct sids *s, const char *prefix, const char *key,
			    const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	camel_append(&b, key);
	buf_puts(&b, suffix);
	const char *sid = sids_add(s, b.data);
	size_t plain = b.len;
	for (unsigned n = 0; !sid; n++) {
		b.len = plain;
		buf_printf(&b, "%08x", (unsigned)uniq_hash(key, n));
		sid = sids_add(s, b.data);
	}
	buf_free(&b);
	return sid;
}

/* A one-element list is written as its element, as people write policies. */
static json_t *one_or_many(json_t *list)
{
	if (json_array_size(list) != 1)
		return list;
	json_t *only = json_incref(json_array_get(list, 0));
	json_decref(list);
	return only;
}

static json_t *strings(const char *const *v, size_t n)
{
	json_t *a = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

static json_t *document(json_t *statements)
{
	json_t *doc = json_object();
	json_object_set_new(doc, "Version", json_string(POLICY_VERSION));
	json_object_set_new(doc, "Statement", statements);
	return doc;
}

static json_t *statement(const char *sid, json_t *principal, json_t *actions, json_t *resources,
			 json_t *condition)
{
	json_t *st = json_object();
	if (sid)
		json_object_set_new(st, "Sid", json_string(sid));
	json_object_set_new(st, "Effect", json_string("Allow"));
	if (principal)
		json_object_set_new(st, "Principal", principal);
	json_object_set_new(st, "Action", one_or_many(actions));
	if (resources)
		json_object_set_new(st, "Resource", one_or_many(resources));
	if (condition)
		json_object_set_new(st, "Condition", condition);
	return st;
}

static json_t *objects_arn(const struct ds_bucket *b)
{
	return json_pack("s+", b->arn, "/*");
}

json_t *iam_trust_policy(void)
{
	json_t *principal = json_pack("{ss}", "Service", "s3.amazonaws.com");
	json_t *st = statement(NULL, principal, json_pack("[s]", "sts:AssumeRole"), NULL, NULL);
	return document(json_pack("[o]", st));
}

json_t *iam_batch_trust_policy(void)
{
	json_t *principal = json_pack("{ss}", "Service", "batchoperations.s3.amazonaws.com");
	json_t *st = statement(NULL, principal, json_pack("[s]", "sts:AssumeRole"), NULL, NULL);
	return document(json_pack("[o]", st));
}

json_t *iam_batch_policy(const struct ds_replication *r)
{
	static const char *const bucket_actions[] = {
		"s3:GetReplicationConfiguration",
		"s3:PutInventoryConfiguration",
	};
	const struct ds_bucket *src = r->source;
	if (!src->arn || !r->nbatches)
		return NULL;
	json_t *reports = json_array();
	for (size_t i = 0; i < r->nbatches; i++)
		json_array_append_new(reports, json_pack("s+++", src->arn, "/",
							 r->batches[i].report_prefix, "/*"));
	json_t *out = json_array();
	json_array_append_new(out, statement("InitiateReplication", NULL,
					     json_pack("[s]", "s3:InitiateReplication"),
					     json_pack("[o]", objects_arn(src)), NULL));
	json_array_append_new(out, statement("ReadReplicationWriteInventory", NULL,
					     strings(bucket_actions, 2),
					     json_pack("[s]", src->arn), NULL));
	json_array_append_new(out, statement("WriteCompletionReports", NULL,
					     json_pack("[s]", "s3:PutObject"), reports, NULL));
	return document(out);
}

static bool kms_arn_parse(const struct crrc_str *s, struct kms_arn *k)
{
	struct arn a;
	if (!s || !s->s || !arn_split(s->s, s->len, &a))
		return false;
	if (a.region_len >= sizeof(k->region) || a.account_len >= sizeof(k->account))
		return false;
	memcpy(k->region, a.region, a.region_len);
	k->region[a.region_len] = '\0';
	memcpy(k->account, a.account, a.account_len);
	k->account[a.account_len] = '\0';
	k->arn = s->s;
	k->resource = a.resource;
	k->alias = a.resource_len >= 6 && memcmp(a.resource, "alias/", 6) == 0;
	return true;
}

bool iam_kms_named(const struct crrc_str *key)
{
	struct kms_arn k;
	return kms_arn_parse(key, &k);
}

/* KMS is used only by S3 in the key's region, and only for the objects of
 * bucket b or for b itself (the context when S3 Bucket Keys are on). A key
 * given as an alias ARN cannot be matched as a resource (IAM matches key
 * ARNs); the statement then names the keys of the alias's account and region
 * and keeps only the one behind the alias, with kms:ResourceAliases. */
static json_t *kms_condition(const struct kms_arn *k, const struct ds_bucket *b,
			     json_t *aliases)
{
	const struct crrc_region *reg = crrc_region_find(k->region);
	json_t *cond = json_object();
	json_object_set_new(cond, "StringEquals",
			    json_pack("{s:s++}", "kms:ViaService", "s3.", k->region,
				      partition_dns_suffix(reg ? reg->partition : NULL)));
	json_object_set_new(cond, "StringLike",
			    json_pack("{s:[o,s]}", "kms:EncryptionContext:aws:s3:arn",
				      objects_arn(b), b->arn));
	if (aliases)
		json_object_set_new(cond, "ForAnyValue:StringEquals",
				    json_pack("{s:o}", "kms:ResourceAliases", one_or_many(aliases)));
	return cond;
}

/* arn:<partition>:kms:<region>:<account>:key/<any> for the keys an alias of
 * that account and region may name. */
static json_t *alias_keys_arn(const struct kms_arn *k)
{
	return json_pack("s#+", k->arn, (int)(k->resource - k->arn), "key/*");
}

static json_t *alias_name(const struct kms_arn *k)
{
	return json_string(k->resource);
}

/* Remembers strings already added to a list: true the first time. */
static bool first_time(struct sids *s, const char *scope, const char *v)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s\n%s", scope, v);
	bool first = sids_add(s, b.data) != NULL;
	buf_free(&b);
	return first;
}

/* The keys one statement uses: KMS key ARNs, or (for aliases) the keys of
 * their accounts narrowed by alias names. */
struct kms_keys {
	struct kms_arn first; /* region and scope of the conditions */
	json_t *arns;
	json_t *aliases;
	bool any;
};

static void kms_keys_add(struct sids *s, struct kms_keys *ks, const char *scope,
			 const struct kms_arn *k)
{
	if (!ks->any) {
		ks->first = *k;
		ks->arns = json_array();
		ks->aliases = k->alias ? json_array() : NULL;
		ks->any = true;
	}
	if (!k->alias) {
		if (first_time(s, scope, k->arn))
			json_array_append_new(ks->arns, json_string(k->arn));
		return;
	}
	json_t *keys = alias_keys_arn(k);
	if (first_time(s, scope, json_string_value(keys)))
		json_array_append(ks->arns, keys);
	json_decref(keys);
	if (first_time(s, scope, k->resource))
		json_array_append_new(ks->aliases, alias_name(k));
}

static void kms_keys_statement(json_t *out, struct kms_keys *ks, const char *sid,
			       const char *action, const struct ds_bucket *b)
{
	if (!ks->any)
		return;
	json_t *cond = kms_condition(&ks->first, b, ks->aliases);
	json_array_append_new(out, statement(sid, NULL, json_pack("[s]", action), ks->arns, cond));
	ks->any = false;
}

/* The KMS keys the role encrypts replicas with in one destination. */
struct dest_keys {
	struct kms_keys keys, alias_keys;
};

/* The replica keys of r's rules, by destination (r->dests' order); the
 * caller frees the array. A key that another rule named for the same
 * destination adds nothing, and is skipped before it is read: aliases may
 * give one long key to a thousand rules. */
static struct dest_keys *dest_keys(const struct ds_replication *r, struct sids *s)
{
	struct dest_keys *g = xcalloc(r->ndests, sizeof(*g));
	struct arena *a = arena_create_sized(4096);
	struct ptrmap *seen = ptrmap_create(a, r->nrules);
	char scope[48];
	for (size_t i = 0; i < r->nrules; i++) {
		const struct ds_rule *rule = &r->rules[i];
		size_t d = rule->dest_index;
		struct kms_arn k;
		if (!rule->replica_kms_key || !ptrmap_put(seen, rule->replica_kms_key->s, d + 1, g, NULL) ||
		    !kms_arn_parse(rule->replica_kms_key, &k))
			continue;
		snprintf(scope, sizeof(scope), "encrypt\n%zu", d);
		kms_keys_add(s, k.alias ? &g[d].alias_keys : &g[d].keys, scope, &k);
	}
	arena_destroy(a);
	return g;
}

/* What a role may do in a destination: replicate objects and their tags;
 * delete markers only when a rule replicates them, and give replicas to
 * the destination's owner only when a rule overrides the owner. */
static json_t *replicate_actions(bool delete_markers, bool owner_override)
{
	json_t *a = json_array();
	json_array_append_new(a, json_string("s3:ReplicateObject"));
	if (delete_markers)
		json_array_append_new(a, json_string("s3:ReplicateDelete"));
	json_array_append_new(a, json_string("s3:ReplicateTags"));
	if (owner_override)
		json_array_append_new(a, json_string("s3:ObjectOwnerOverrideToBucketOwner"));
	return a;
}

static void source_statements(json_t *out, const struct ds_replication *r, struct sids *s)
{
	static const char *const bucket_actions[] = {
		"s3:GetReplicationConfiguration",
		"s3:ListBucket",
	};
	static const char *const object_actions[] = {
		"s3:GetObjectVersionForReplication",
		"s3:GetObjectVersionAcl",
		"s3:GetObjectVersionTagging",
		"s3:GetObjectRetention",
		"s3:GetObjectLegalHold",
	};
	const struct ds_bucket *src = r->source;
	json_array_append_new(out, statement(sid_make(s, "Source", src->key, "Bucket"), NULL,
					     strings(bucket_actions, 2),
					     json_pack("[s]", src->arn), NULL));
	json_array_append_new(out, statement(sid_make(s, "Source", src->key, "Objects"), NULL,
					     strings(object_actions, src->object_lock ? 5 : 3),
					     json_pack("[o]", objects_arn(src)), NULL));
}

/* kms:Decrypt on the source's key, when a rule replicates SSE-KMS objects.
 * Only the source bucket's own key is known; objects that were put with
 * another key are not readable by the role. */
static void decrypt_statement(json_t *out, const struct ds_replication *r, struct sids *s)
{
	bool kms_objects = false;
	for (size_t i = 0; i < r->nrules && !kms_objects; i++)
		kms_objects = r->rules[i].sse_kms_objects;
	struct kms_arn k;
	if (!kms_objects || !kms_arn_parse(r->source->kms_key, &k))
		return;
	struct kms_keys ks = {0};
	kms_keys_add(s, &ks, "decrypt", &k);
	kms_keys_statement(out, &ks, sid_make(s, "Decrypt", r->source->key, ""), "kms:Decrypt",
			   r->source);
}

json_t *iam_role_policy(const struct ds_replication *r)
{
	if (!r || !r->source->arn)
		return NULL;
	struct sids s;
	sids_init(&s);
	json_t *out = json_array();
	source_statements(out, r, &s);
	struct dest_keys *g = dest_keys(r, &s);
	for (size_t i = 0; i < r->ndests; i++) {
		const struct ds_dest *d = &r->dests[i];
		json_array_append_new(out, statement(sid_make(&s, "ReplicateTo", d->bucket->key, ""),
						     NULL,
						     replicate_actions(d->delete_markers,
								       d->owner_override),
						     json_pack("[o]", objects_arn(d->bucket)), NULL));
	}
	decrypt_statement(out, r, &s);
	for (size_t i = 0; i < r->ndests; i++) {
		const char *key = r->dests[i].bucket->key;
		const struct ds_bucket *dest = r->dests[i].bucket;
		kms_keys_statement(out, &g[i].keys, sid_make(&s, "EncryptFor", key, ""),
				   "kms:Encrypt", dest);
		kms_keys_statement(out, &g[i].alias_keys, sid_make(&s, "EncryptFor", key, "ByAlias"),
				   "kms:Encrypt", dest);
	}
	free(g);
	sids_fini(&s);
	return document(out);
}

/* The statement that lets r's role replicate into dest. The principal is
 * the source account, narrowed to the role by aws:PrincipalArn: S3 refuses
 * a policy naming a role that does not exist yet, and a destination's stack
 * is deployed before the stack that creates the role. */
static json_t *admit_statement(struct sids *s, const struct ds_bucket *dest,
			       const struct ds_admit *admit)
{
	const struct ds_replication *r = admit->replication;
	const struct ds_place *src = r->source->place;
	char root[96];
	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", src->partition, src->account->id);
	return statement(sid_make(s, "ReplicateFrom", r->source->key, ""),
			 json_pack("{ss}", "AWS", root),
			 replicate_actions(admit->delete_markers, admit->owner_override),
			 json_pack("[o]", objects_arn(dest)),
			 json_pack("{s{ss}}", "ArnEquals", "aws:PrincipalArn", r->role.arn));
}

json_t *iam_bucket_policy(const struct ds_bucket *dest)
{
	if (!dest || !dest->arn || dest->nadmits == 0)
		return NULL;
	struct sids s;
	sids_init(&s);
	json_t *out = json_array();
	for (size_t i = 0; i < dest->nadmits; i++)
		json_array_append_new(out, admit_statement(&s, dest, &dest->admits[i]));
	sids_fini(&s);
	return document(out);
}

/* The statement that lets g's role use g's key, for the key's policy. The
 * principal is the role's account narrowed to the role by
 * aws:PrincipalArn, as in bucket policies (KMS refuses a policy naming a
 * role that does not exist yet); in a key policy the Resource "*" is the
 * key itself. The conditions are those of the role's own statement. */
static json_t *key_statement(struct sids *s, const struct ds_key_grant *g)
{
	const struct ds_replication *r = g->replication;
	struct kms_arn k;
	if (!kms_arn_parse(g->key, &k) || !r->role.arn || !r->role.account)
		return NULL;
	struct buf prefix = BUF_INIT;
	buf_puts(&prefix, "ReplicateFrom");
	camel_append(&prefix, r->source->key);
	buf_puts(&prefix, g->decrypt ? "Decrypt" : "EncryptFor");
	const char *sid = sid_make(s, prefix.data, g->decrypt ? "" : g->bucket->key, "");
	buf_free(&prefix);
	char root[96];
	snprintf(root, sizeof(root), "arn:%s:iam::%s:root", r->source->place->partition,
		 r->role.account);
	json_t *cond = json_pack("{s{ss}}", "ArnEquals", "aws:PrincipalArn", r->role.arn);
	json_t *kms = kms_condition(&k, g->bucket, NULL);
	json_object_update(cond, kms);
	json_decref(kms);
	return statement(sid, json_pack("{ss}", "AWS", root),
			 json_pack("[s]", g->decrypt ? "kms:Decrypt" : "kms:Encrypt"),
			 json_pack("[s]", "*"), cond);
}

json_t *iam_key_policy(const struct ds_key_grant *const *grants, size_t n)
{
	struct sids s;
	sids_init(&s);
	json_t *out = json_array();
	for (size_t i = 0; i < n; i++) {
		json_t *st = key_statement(&s, grants[i]);
		if (st)
			json_array_append_new(out, st);
	}
	sids_fini(&s);
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return document(out);
}

json_t *iam_point_policy(const struct ds_access_point *p)
{
	static const char *const actions[] = {
		"s3:GetObject",
		"s3:PutObject",
		"s3:DeleteObject",
		"s3:ListBucket",
	};
	const char *partition = p->place && p->place->partition ? p->place->partition : "aws";
	const char *account = p->account ? p->account : IAM_POINT_ACCOUNT;
	json_t *principal = json_pack("{s:s++++}", "AWS", "arn:", partition, ":iam::", account,
				      ":root");
	json_t *point = json_pack("s+++++", "arn:", partition, ":s3::", account, ":accesspoint/",
				  p->name);
	json_t *resources = json_pack("[O,s+]", point, json_string_value(point), "/object/*");
	json_t *out = json_pack("[o]", statement("AccountUsesPoint", principal,
						 strings(actions, 4), resources, NULL));
	if (p->nrefused) {
		/* residency: a prefix no write through the point may land outside
		 * its regions with; a Deny wins over every Allow */
		json_t *refused = json_array();
		for (size_t i = 0; i < p->nrefused; i++)
			json_array_append_new(refused,
					      json_pack("s++#+", json_string_value(point), "/object/",
							p->refused[i]->s, (int)p->refused[i]->len,
							"*"));
		json_t *st = statement("ResidencyRefused", json_string("*"),
				       json_pack("[s]", "s3:PutObject"), refused, NULL);
		json_object_set_new(st, "Effect", json_string("Deny"));
		json_array_append_new(out, st);
	}
	json_decref(point);
	return document(out);
}
