/* iam.c: the least-privilege replication role, as IAM policy documents
 * (jansson values, keys in a fixed order) that every back end renders in its
 * own syntax: the trust policy, the role's permissions and the bucket policy
 * of a destination in another account. Exact actions on exact resources,
 * never a wildcard action nor a "*" resource. Statement ids come from the
 * spec's bucket keys, so adding a bucket renames no other statement. */
#include "model/iam.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/buf.h"
#include "base/strmap.h"

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
 * 0-9 and '-' can meet in CamelCase ("a-1" and "a1"); a later one then gets a
 * suffix made from a hash of its key, which stays the same from run to run.
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

static const char *sid_make(struct sids *s, const char *prefix, const struct crrc_str *key,
			    const char *suffix)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, prefix);
	bool upper = true;
	for (size_t i = 0; i < key->len; i++) {
		char c = key->s[i];
		if (c == '-') {
			upper = true;
			continue;
		}
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')))
			continue;
		buf_putc(&b, upper && c >= 'a' && c <= 'z' ? (char)(c - 'a' + 'A') : c);
		upper = false;
	}
	buf_puts(&b, suffix);
	const char *sid = sids_add(s, b.data);
	if (!sid) {
		buf_printf(&b, "%08llx",
			   (unsigned long long)(crrc_hash(key->s, key->len) & 0xffffffffu));
		sid = sids_add(s, b.data);
	}
	buf_free(&b);
	return sid ? sid : "";
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

static json_t *objects_arn(const struct crrc_bucket *b)
{
	return json_pack("s+", b->arn, "/*");
}

json_t *iam_trust_policy(const struct crrc_replication *r)
{
	(void)r;
	json_t *principal = json_pack("{ss}", "Service", "s3.amazonaws.com");
	json_t *st = statement(NULL, principal, json_pack("[s]", "sts:AssumeRole"), NULL, NULL);
	return document(json_pack("[o]", st));
}

static bool kms_arn_parse(const struct crrc_str *s, struct kms_arn *k)
{
	if (!s->s) /* a default the resolver filled in is not `set` */
		return false;
	/* arn : partition : kms : region : account : resource */
	const char *f[6];
	size_t n = 0;
	const char *p = s->s;
	f[n++] = p;
	while (n < 6 && (p = strchr(p, ':')))
		f[n++] = ++p;
	if (n < 6)
		return false;
	size_t rlen = (size_t)(f[4] - f[3] - 1), alen = (size_t)(f[5] - f[4] - 1);
	if (rlen >= sizeof(k->region) || alen >= sizeof(k->account))
		return false;
	memcpy(k->region, f[3], rlen);
	k->region[rlen] = '\0';
	memcpy(k->account, f[4], alen);
	k->account[alen] = '\0';
	k->arn = s->s;
	k->resource = f[5];
	k->alias = strncmp(f[5], "alias/", 6) == 0;
	return true;
}

/* KMS is used only by S3 in the key's region, and only for the objects of
 * bucket b or for b itself (the context when S3 Bucket Keys are on). A key
 * given as an alias ARN cannot be matched as a resource (IAM matches key
 * ARNs); the statement then names the keys of the alias's account and region
 * and keeps only the one behind the alias, with kms:ResourceAliases. */
static json_t *kms_condition(const struct kms_arn *k, const struct crrc_bucket *b,
			     json_t *aliases)
{
	const struct crrc_region *reg = crrc_region_find(k->region);
	bool cn = reg && strcmp(reg->partition, "aws-cn") == 0;
	json_t *cond = json_object();
	json_object_set_new(cond, "StringEquals",
			    json_pack("{s:s++}", "kms:ViaService", "s3.", k->region,
				      cn ? ".amazonaws.com.cn" : ".amazonaws.com"));
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
			       const char *action, const struct crrc_bucket *b)
{
	if (!ks->any)
		return;
	json_t *cond = kms_condition(&ks->first, b, ks->aliases);
	json_array_append_new(out, statement(sid, NULL, json_pack("[s]", action), ks->arns, cond));
	ks->any = false;
}

/* What the role does to one destination: its rules in spec order decide. */
struct dest_group {
	const struct crrc_bucket *dest;
	bool owner_override;
	struct kms_keys keys, alias_keys;
};

/* The destinations of r in the order its rules first name them; the caller
 * frees the array. */
static struct dest_group *group_dests(const struct crrc_replication *r, struct sids *s,
				      size_t *ngroups)
{
	struct dest_group *g = calloc(r->nrules ? r->nrules : 1, sizeof(*g));
	json_t *byname = json_object();
	struct buf scope = BUF_INIT;
	size_t n = 0;
	if (!g)
		abort();
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_rule *rule = &r->rules[i];
		const struct crrc_bucket *dest = rule->dest;
		if (!dest)
			continue;
		json_t *at = json_object_get(byname, dest->key.s);
		struct dest_group *dg = at ? &g[json_integer_value(at)] : &g[n];
		if (!at) {
			dg->dest = dest;
			json_object_set_new(byname, dest->key.s, json_integer((json_int_t)n++));
		}
		dg->owner_override |= rule->owner_destination;
		struct kms_arn k;
		if (rule->sse_kms_objects.v && kms_arn_parse(&rule->replica_kms_key, &k)) {
			scope.len = 0;
			buf_printf(&scope, "encrypt\n%s", dest->key.s);
			kms_keys_add(s, k.alias ? &dg->alias_keys : &dg->keys, scope.data, &k);
		}
	}
	buf_free(&scope);
	json_decref(byname);
	*ngroups = n;
	return g;
}

static json_t *replicate_actions(bool owner_override)
{
	static const char *const actions[] = {
		"s3:ReplicateObject",
		"s3:ReplicateDelete",
		"s3:ReplicateTags",
		"s3:ObjectOwnerOverrideToBucketOwner",
	};
	return strings(actions, owner_override ? 4 : 3);
}

static void source_statements(json_t *out, const struct crrc_replication *r, struct sids *s)
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
	const struct crrc_bucket *src = r->src;
	json_array_append_new(out, statement(sid_make(s, "Source", &src->key, "Bucket"), NULL,
					     strings(bucket_actions, 2),
					     json_pack("[s]", src->arn), NULL));
	json_array_append_new(out, statement(sid_make(s, "Source", &src->key, "Objects"), NULL,
					     strings(object_actions, src->object_lock.v ? 5 : 3),
					     json_pack("[o]", objects_arn(src)), NULL));
}

/* kms:Decrypt on the source's key, when a rule replicates SSE-KMS objects.
 * Only the source bucket's own key is known; objects that were put with
 * another key are not readable by the role. */
static void decrypt_statement(json_t *out, const struct crrc_replication *r, struct sids *s)
{
	bool kms_objects = false;
	for (size_t i = 0; i < r->nrules && !kms_objects; i++)
		kms_objects = r->rules[i].sse_kms_objects.v;
	struct kms_arn k;
	if (!kms_objects || !kms_arn_parse(&r->src->kms_key, &k))
		return;
	struct kms_keys ks = {0};
	kms_keys_add(s, &ks, "decrypt", &k);
	kms_keys_statement(out, &ks, sid_make(s, "Decrypt", &r->src->key, ""), "kms:Decrypt",
			   r->src);
}

json_t *iam_role_policy(const struct crrc_replication *r)
{
	if (!r || !r->src || !r->src->arn)
		return NULL;
	struct sids s;
	sids_init(&s);
	json_t *out = json_array();
	source_statements(out, r, &s);
	size_t n;
	struct dest_group *g = group_dests(r, &s, &n);
	for (size_t i = 0; i < n; i++)
		json_array_append_new(out, statement(sid_make(&s, "ReplicateTo", &g[i].dest->key, ""),
						     NULL, replicate_actions(g[i].owner_override),
						     json_pack("[o]", objects_arn(g[i].dest)), NULL));
	decrypt_statement(out, r, &s);
	for (size_t i = 0; i < n; i++) {
		const struct crrc_str *key = &g[i].dest->key;
		kms_keys_statement(out, &g[i].keys, sid_make(&s, "EncryptFor", key, ""),
				   "kms:Encrypt", g[i].dest);
		kms_keys_statement(out, &g[i].alias_keys, sid_make(&s, "EncryptFor", key, "ByAlias"),
				   "kms:Encrypt", g[i].dest);
	}
	free(g);
	sids_fini(&s);
	return document(out);
}

bool iam_cross_account(const struct crrc_replication *r, const struct crrc_bucket *dest)
{
	if (!r || !r->src || !dest)
		return false;
	const char *a = r->src->account_id, *b = dest->account_id;
	return a && b && strcmp(a, b) != 0;
}

json_t *iam_destination_policy(const struct crrc_bucket *dest,
			       const struct crrc_replication *const *sources, size_t nsources)
{
	if (!dest || !dest->arn || nsources == 0)
		return NULL;
	struct sids s;
	sids_init(&s);
	json_t *out = json_array();
	for (size_t i = 0; i < nsources; i++) {
		const struct crrc_replication *r = sources[i];
		if (!iam_cross_account(r, dest) || !r->role_arn)
			continue;
		bool override = false, targets = false;
		for (size_t j = 0; j < r->nrules; j++) {
			if (r->rules[j].dest != dest)
				continue;
			targets = true;
			override |= r->rules[j].owner_destination;
		}
		if (!targets)
			continue;
		/* The principal is the source account, narrowed to the role by
		 * aws:PrincipalArn: S3 refuses a policy naming a role that does not
		 * exist yet, and a destination's stack is deployed before the
		 * stack that creates the role. */
		const char *part = r->src->reg ? r->src->reg->partition : "aws";
		char root[96];
		snprintf(root, sizeof(root), "arn:%s:iam::%s:root", part, r->src->account_id);
		json_array_append_new(
			out, statement(sid_make(&s, "ReplicateFrom", &r->src->key, ""),
				       json_pack("{ss}", "AWS", root), replicate_actions(override),
				       json_pack("[o]", objects_arn(dest)),
				       json_pack("{s{ss}}", "ArnEquals", "aws:PrincipalArn",
						 r->role_arn)));
	}
	sids_fini(&s);
	if (json_array_size(out) == 0) {
		json_decref(out);
		return NULL;
	}
	return document(out);
}
