/* desired.c: the desired state (desired.h) from the resolved model, in one
 * linear walk: accounts and places in the order buckets first name them,
 * then the buckets, then each replication entry with its rules, its
 * destinations, its role and the keys of other accounts it uses, then the
 * bucket policies that cross-account destinations need, and who writes
 * them, then the Multi-Region Access Points. */
#include "model/desired.h"

#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "base/buf.h"
#include "base/oom.h"
#include "base/strmap.h"
#include "model/arn.h"
#include "model/regions.h"

struct build {
	const struct crrc_model *m;
	struct crrc_desired *ds;
	struct strmap *aliases;  /* account id -> first alias */
	struct strmap *accounts; /* account id -> ds_account */
	struct strmap *places;   /* "<account id>/<region>" -> ds_place */
	struct buf key;          /* a place's key, being looked up */
	struct arena *tmp;       /* what only the walk needs */
	struct strmap *grants;   /* "<entry>\n<key ARN>\n<bucket>" of key grants made */
};

static const struct ds_account *account_of(struct build *bd, const struct crrc_bucket *b)
{
	if (!b->account_id)
		return NULL;
	size_t len = strlen(b->account_id);
	struct ds_account *a = strmap_get(bd->accounts, b->account_id, len);
	if (a)
		return a;
	a = &bd->ds->accounts[bd->ds->naccounts++];
	a->id = b->account_id;
	a->alias = strmap_get(bd->aliases, b->account_id, len);
	a->partition = b->reg ? b->reg->partition : "aws";
	strmap_put(bd->accounts, a->id, len, a, NULL);
	return a;
}

/* A place's key, "<account id>/<region>", into key. A region that is not
 * known (E034; such a spec never reaches a back end) is keyed by its text
 * when short, else by its string: aliases may give a long one to thousands
 * of buckets, and it must not cost its length each time. */
static void place_key(struct buf *key, const struct crrc_bucket *b)
{
	const char *id = b->account_id ? b->account_id : "";
	key->len = 0;
	if (b->reg || crrc_textlen(&b->region) <= 64)
		buf_printf(key, "%s/%s", id, b->reg ? b->reg->code : crrc_text(&b->region));
	else
		buf_printf(key, "%s/?%p", id, (const void *)b->region.s);
}

static const struct ds_place *place_of(struct build *bd, const struct crrc_bucket *b)
{
	const struct ds_account *a = account_of(bd, b);
	const char *region = b->reg ? b->reg->code : crrc_text(&b->region);
	place_key(&bd->key, b);
	struct ds_place *p = strmap_get(bd->places, bd->key.data, bd->key.len);
	if (!p) {
		p = &bd->ds->places[bd->ds->nplaces++];
		p->account = a;
		p->region = region;
		p->partition = b->reg ? b->reg->partition : "aws";
		const char *key = arena_strndup(bd->ds->arena, bd->key.data, bd->key.len);
		strmap_put(bd->places, key, bd->key.len, p, NULL);
	}
	p->nbuckets++;
	return p;
}

static void bucket_build(struct build *bd, const struct crrc_bucket *b, struct ds_bucket *out)
{
	out->pos = b->pos;
	out->spec = b;
	out->key = crrc_text(&b->key);
	out->name = b->name.s;
	out->arn = b->arn;
	out->place = place_of(bd, b);
	out->create = !b->existing.v;
	out->versioning = true;
	out->object_lock = b->object_lock.v;
	out->object_lock_by = !out->object_lock ? DS_WRITER_NONE
			      : out->create	  ? DS_WRITER_CRRC
						  : DS_WRITER_OWNER;
	out->kms_key = b->enc == CRRC_SSE_KMS && b->kms_key.s ? &b->kms_key : NULL;
	out->tags = &b->tags;
	out->index = b->index;
}

/* The smallest filter that says it: a prefix alone (none: every object),
 * one tag alone, or an And of what there is. */
static void rule_filter(const struct crrc_filter *f, struct ds_rule *out)
{
	out->prefix = f->prefix.s ? &f->prefix : NULL;
	out->tags = &f->tags;
	if (f->tags.n == 0)
		out->filter = DS_FILTER_PREFIX;
	else if (f->tags.n == 1 && !out->prefix)
		out->filter = DS_FILTER_TAG;
	else
		out->filter = DS_FILTER_AND;
}

/* One rule. existing_objects has no part in it: S3 no longer accepts
 * ExistingObjectReplication in a configuration (W006 says so). */
static void rule_build(const struct crrc_desired *ds, const struct crrc_rule *r,
		       struct ds_rule *out)
{
	out->pos = r->pos;
	out->spec = r;
	out->id = &r->id;
	out->priority = r->priority.v;
	out->enabled = r->enabled.v;
	rule_filter(&r->filter, out);
	out->delete_markers = r->delete_markers.v;
	out->sse_kms_objects = r->sse_kms_objects.v;
	out->replica_modifications = r->replica_modifications.v;
	out->dest = &ds->buckets[r->dest->index];
	/* Without the destination's account there is none to give replicas
	 * to (E061 says so). */
	out->owner_override = r->owner_destination && r->dest->account_id;
	out->dest_account = out->owner_override ? r->dest->account_id : NULL;
	out->storage_class = r->storage_class.s ? &r->storage_class : NULL;
	out->replica_kms_key =
		r->sse_kms_objects.v && r->replica_kms_key.s ? &r->replica_kms_key : NULL;
	out->rtc_minutes = r->rtc.v ? DS_RTC_MINUTES : 0;
	out->metrics = r->metrics.v;
	/* S3 refuses an event threshold without RTC. */
	out->metrics_minutes = r->metrics.v && r->rtc.v ? DS_RTC_MINUTES : 0;
}

/* The account field of an ARN, in a; NULL when s is not an ARN. */
static const char *arn_account(struct arena *a, const char *s)
{
	struct arn arn;
	if (!s || !arn_split(s, strlen(s), &arn) || !arn.account_len)
		return NULL;
	return arena_strndup(a, arn.account, arn.account_len);
}

/* The role: the spec's, or one crrc generates (resolve named it). */
static void role_build(struct crrc_desired *ds, const struct crrc_replication *r,
		       struct ds_role *out)
{
	out->pos = r->role.set ? r->role.pos : r->source.pos;
	out->create = r->role_generated;
	out->name = r->role_name;
	out->arn = r->role_arn ? r->role_arn : r->role.s;
	out->account = arn_account(ds->arena, out->arn);
}

/* Record that r's role uses key, in another account than the role's, for
 * bucket's objects: once a (key, bucket). */
static void key_grant(struct build *bd, struct ds_replication *r, const struct crrc_str *key,
		      struct crrc_pos pos, bool decrypt, const struct ds_bucket *bucket)
{
	const char *account = key ? arn_account(bd->tmp, key->s) : NULL;
	if (!account || !r->role.account || strcmp(account, r->role.account) == 0)
		return;
	bd->key.len = 0;
	buf_printf(&bd->key, "%zu\n%s\n%zu", r->index, key->s, bucket->index);
	if (strmap_get(bd->grants, bd->key.data, bd->key.len))
		return;
	strmap_put(bd->grants, arena_strndup(bd->tmp, bd->key.data, bd->key.len), bd->key.len,
		   r, NULL);
	if (!r->key_grants) /* most entries have none */
		r->key_grants = arena_array(bd->ds->arena, r->nrules + 1, sizeof(*r->key_grants));
	r->key_grants[r->nkey_grants++] = (struct ds_key_grant){
		pos, r, key, arena_strdup(bd->ds->arena, account), decrypt, bucket};
}

/* The keys of other accounts r's role uses: the source's when a rule
 * replicates SSE-KMS objects (decrypted), and the replica keys (to
 * encrypt). */
static void key_grants_build(struct build *bd, struct ds_replication *r)
{
	const struct ds_bucket *src = r->source;
	bool kms_objects = false;
	for (size_t i = 0; i < r->nrules && !kms_objects; i++)
		kms_objects = r->rules[i].sse_kms_objects;
	if (kms_objects && src->kms_key)
		key_grant(bd, r, src->kms_key, src->kms_key->pos, true, src);
	for (size_t i = 0; i < r->nrules; i++) {
		const struct crrc_str *key = r->rules[i].replica_kms_key;
		if (key)
			key_grant(bd, r, key, key->pos, false, r->rules[i].dest);
	}
}

/* The distinct destinations of out's rules, in the order first named. By
 * bucket: stamp marks those of this entry (out->index + 1; zeroed at first)
 * and slot holds where they are in out->dests. */
static void dests_build(struct crrc_desired *ds, struct ds_replication *out, size_t *stamp,
			size_t *slot)
{
	out->dests = arena_array(ds->arena, out->nrules ? out->nrules : 1, sizeof(*out->dests));
	for (size_t i = 0; i < out->nrules; i++) {
		const struct ds_rule *rule = &out->rules[i];
		size_t b = rule->dest->index;
		if (stamp[b] != out->index + 1) {
			stamp[b] = out->index + 1;
			slot[b] = out->ndests;
			out->dests[out->ndests++].bucket = rule->dest;
		}
		out->rules[i].dest_index = slot[b];
		out->dests[slot[b]].delete_markers |= rule->delete_markers;
		out->dests[slot[b]].owner_override |= rule->owner_override;
	}
}

/* The rule's id as the text of a name ("priority-N" without one). */
static const char *rule_name(struct crrc_desired *ds, const struct ds_rule *rule)
{
	if (rule->id && rule->id->s && rule->id->len)
		return arena_strndup(ds->arena, rule->id->s, rule->id->len);
	return arena_printf(ds->arena, "priority-%lld", rule->priority);
}

/* "<spec>-<source>-batch", shortened to IAM's 64 characters as generated
 * replication roles are: a prefix and 8 hex digits of the full name's
 * hash. Replication roles end in "-replication", so the two never meet. */
static void batch_role_build(struct crrc_desired *ds, struct ds_replication *out)
{
	const char *spec = ds->name ? ds->name : "crrc";
	char *full = arena_concat(ds->arena, spec, "-", out->source->key, "-batch", NULL);
	size_t len = strlen(full);
	struct ds_role *role = &out->batch_role;
	role->pos = out->batches[0].pos;
	role->create = true;
	role->name = full;
	if (len > CRRC_MAX_ROLE_NAME)
		role->name = arena_printf(ds->arena, "%.*s-%08x", CRRC_MAX_ROLE_NAME - 9, full,
					  (unsigned)(crrc_hash(full, len) & 0xffffffffu));
	const struct ds_place *p = out->source->place;
	if (p->account && p->partition)
		role->arn = arena_concat(ds->arena, "arn:", p->partition, ":iam::", p->account->id,
					 ":role/", role->name, NULL);
	role->account = p->account ? p->account->id : NULL;
}

/* A batch job for each rule with existing_objects: true. */
static void batches_build(struct crrc_desired *ds, struct ds_replication *out)
{
	for (size_t i = 0; i < out->nrules; i++)
		out->nbatches += out->rules[i].spec->existing_objects.v;
	if (!out->nbatches)
		return;
	out->batches = arena_array(ds->arena, out->nbatches, sizeof(*out->batches));
	size_t n = 0;
	for (size_t i = 0; i < out->nrules; i++) {
		const struct ds_rule *rule = &out->rules[i];
		if (!rule->spec->existing_objects.v)
			continue;
		const char *id = rule_name(ds, rule);
		uint64_t h = crrc_hash(ds->name ? ds->name : "", ds->name ? strlen(ds->name) + 1 : 0);
		h = crrc_hash_more(h, out->source->name, strlen(out->source->name) + 1);
		h = crrc_hash_more(h, id, strlen(id));
		out->batches[n++] = (struct ds_batch){
			rule->spec->existing_objects.pos, rule,
			arena_printf(ds->arena, "crrc-%016llx", (unsigned long long)h),
			arena_concat(ds->arena, ".crrc-batch/", ds->name ? ds->name : "crrc", "/",
				     id, NULL)};
	}
	batch_role_build(ds, out);
}

static bool replication_build(struct build *bd, const struct crrc_replication *r,
			      struct ds_replication *out, size_t *stamp, size_t *slot)
{
	struct crrc_desired *ds = bd->ds;
	if (!r->src || r->src->replication != r)
		return false; /* unknown source, or a second entry (E051) */
	out->pos = r->pos;
	out->spec = r;
	out->index = (size_t)(out - ds->replications);
	out->source = &ds->buckets[r->src->index];
	role_build(ds, r, &out->role);
	out->rules = arena_array(ds->arena, r->nrules ? r->nrules : 1, sizeof(*out->rules));
	for (size_t i = 0; i < r->nrules; i++)
		if (r->rules[i].dest && r->rules[i].dest->arn) /* else E050, E034 */
			rule_build(ds, &r->rules[i], &out->rules[out->nrules++]);
	dests_build(ds, out, stamp, slot);
	key_grants_build(bd, out);
	batches_build(ds, out);
	ds->buckets[r->src->index].replication = out;
	return true;
}

/* A destination in another known account than its source's: that
 * account's bucket policy must let the source's role in. */
static bool cross_account(const struct ds_replication *r, const struct ds_bucket *dest)
{
	const struct ds_account *a = r->source->place->account, *b = dest->place->account;
	return a && b && a != b;
}

/* Each bucket's admits: the entries in other accounts that replicate into
 * it, each once, in the spec's order. Counted, then filled. */
static void admits_build(struct crrc_desired *ds)
{
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < ds->nreplications; i++) {
			const struct ds_replication *r = &ds->replications[i];
			for (size_t k = 0; k < r->ndests; k++) {
				struct ds_bucket *d = &ds->buckets[r->dests[k].bucket->index];
				if (!cross_account(r, d) || !r->role.arn)
					continue;
				if (pass == 1)
					d->admits[d->nadmits] = (struct ds_admit){
						r, r->dests[k].delete_markers,
						r->dests[k].owner_override};
				d->nadmits++;
			}
		}
		for (size_t b = 0; pass == 0 && b < ds->nbuckets; b++) {
			struct ds_bucket *d = &ds->buckets[b];
			if (d->nadmits) { /* most buckets have none */
				d->admits = arena_array(ds->arena, d->nadmits, sizeof(*d->admits));
				d->policy_by = d->create ? DS_WRITER_CRRC : DS_WRITER_OWNER;
			}
			d->nadmits = 0;
		}
	}
}

/* For each region (by its index in the region table), the residency
 * policies that do not allow it, with a non-empty prefix and only known
 * regions; made once, so that a point's refusals cost its members' lists. */
struct refusals {
	size_t nregions;
	const struct crrc_residency ***broken; /* by region */
	size_t *nbroken;
	size_t *stamp;                         /* by policy: the point that took it */
};

static size_t region_index(const struct crrc_region *r)
{
	return (size_t)(r - crrc_region_at(0));
}

/* Whether res names only known regions, r among them. */
static bool res_allows(const struct crrc_residency *res, const struct crrc_region *r, bool *known)
{
	bool in = false;
	*known = true;
	for (size_t k = 0; k < res->nregions; k++) {
		const struct crrc_str *s = &res->regions[k];
		const struct crrc_region *reg = s->s && s->len <= 32 ? crrc_region_find(s->s) : NULL;
		*known &= reg != NULL;
		in |= reg == r;
	}
	return in;
}

static void refusals_build(struct build *bd, struct refusals *rf)
{
	const struct crrc_model *m = bd->m;
	rf->nregions = crrc_region_count();
	rf->broken = arena_array(bd->tmp, rf->nregions, sizeof(*rf->broken));
	rf->nbroken = arena_array(bd->tmp, rf->nregions, sizeof(*rf->nbroken));
	rf->stamp = arena_array(bd->tmp, m->nresidency + 1, sizeof(*rf->stamp));
	if (!m->naccess_points)
		return;
	for (size_t r = 0; r < rf->nregions; r++) {
		rf->broken[r] = arena_array(bd->tmp, m->nresidency + 1, sizeof(**rf->broken));
		for (size_t i = 0; i < m->nresidency; i++) {
			const struct crrc_residency *res = &m->residency[i];
			bool known;
			if (!res->prefix.s || !res->prefix.len || !res->nregions)
				continue;
			if (!res_allows(res, crrc_region_at(r), &known) && known)
				rf->broken[r][rf->nbroken[r]++] = res;
		}
	}
}

/* The prefixes point out refuses: each broken policy of its members'
 * regions, once. */
static void point_refusals(struct crrc_desired *ds, struct refusals *rf,
			   struct ds_access_point *out)
{
	size_t n = 0;
	for (size_t i = 0; i < out->nmembers; i++) {
		const struct crrc_region *reg = out->members[i].bucket->spec->reg;
		n += reg ? rf->nbroken[region_index(reg)] : 0;
	}
	if (!n)
		return;
	out->refused = arena_array(ds->arena, n, sizeof(*out->refused));
	for (size_t i = 0; i < out->nmembers; i++) {
		const struct crrc_region *reg = out->members[i].bucket->spec->reg;
		size_t r = reg ? region_index(reg) : 0;
		for (size_t k = 0; reg && k < rf->nbroken[r]; k++) {
			const struct crrc_residency *res = rf->broken[r][k];
			size_t *st = &rf->stamp[res - ds->m->residency];
			if (*st != out->index + 1) {
				*st = out->index + 1;
				out->refused[out->nrefused++] = &res->prefix;
			}
		}
	}
}

/* A point whose name and members are all known: created in its first
 * member's account and place, each member active unless listed passive. */
static bool point_build(struct crrc_desired *ds, const struct crrc_access_point *p,
			struct ds_access_point *out)
{
	if (!p->point_name || !p->nbuckets)
		return false;
	for (size_t i = 0; i < p->nbuckets; i++)
		if (!p->members[i] || !p->members[i]->arn)
			return false; /* E050, E034 */
	const struct ds_bucket *first = &ds->buckets[p->members[0]->index];
	out->pos = p->pos;
	out->spec = p;
	out->key = crrc_text(&p->key);
	out->name = p->point_name;
	out->account = p->members[0]->account_id;
	out->place = first->place;
	out->members = arena_array(ds->arena, p->nbuckets, sizeof(*out->members));
	out->nmembers = p->nbuckets;
	for (size_t i = 0; i < p->nbuckets; i++)
		out->members[i] = (struct ds_point_member){
			p->buckets[i].pos, &ds->buckets[p->members[i]->index], !p->member_passive[i]};
	out->index = ds->npoints;
	return true;
}

/* The bytes the desired state of m takes, at most, so that its arena is
 * one mapping of that size: a 20,000-bucket spec is some 5 MB of it, and an
 * arena that grew by doubling would touch up to twice that. */
static size_t desired_bytes(const struct crrc_model *m, size_t nplaces, size_t naccounts)
{
	size_t rules = 0, batches = 0, members = 0;
	for (size_t i = 0; i < m->naccess_points; i++)
		members += m->access_points[i].nbuckets;
	for (size_t i = 0; i < m->nreplications; i++) {
		rules += m->replications[i].nrules + 1;
		for (size_t k = 0; k < m->replications[i].nrules; k++)
			batches += m->replications[i].rules[k].existing_objects.v;
	}
	return 4096 + sizeof(struct crrc_desired) + m->nbuckets * sizeof(struct ds_bucket) +
	       m->nreplications * (sizeof(struct ds_replication) + 3 * 16 + 16) +
	       rules * (sizeof(struct ds_rule) + sizeof(struct ds_dest) + sizeof(struct ds_admit)) +
	       batches * (sizeof(struct ds_batch) + 3 * 16 + 2 * CRRC_MAX_ROLE_NAME) +
	       (nplaces + 1) * (sizeof(struct ds_place) + 64) +
	       (m->naccess_points + 1) * sizeof(struct ds_access_point) +
	       members * sizeof(struct ds_point_member) +
	       (naccounts + m->naccounts + 1) * (sizeof(struct ds_account) + 64) +
	       /* three maps, each at most 3/4 full, of 24-byte slots */
	       4 * (m->naccounts + nplaces + naccounts + 48) * 24;
}

/* How many places and accounts the buckets of m name. */
static void count_places(const struct crrc_model *m, size_t *nplaces, size_t *naccounts)
{
	struct arena *a = arena_create_sized(64u * 1024u);
	struct strmap *accounts = strmap_create(a, 16), *places = strmap_create(a, 16);
	struct buf key = BUF_INIT;
	*nplaces = *naccounts = 0;
	for (size_t i = 0; i < m->nbuckets; i++) {
		const struct crrc_bucket *b = &m->buckets[i];
		const char *id = b->account_id ? b->account_id : "";
		if (b->account_id && strmap_put(accounts, id, strlen(id), (void *)b, NULL))
			++*naccounts;
		place_key(&key, b);
		if (!strmap_get(places, key.data, key.len)) {
			strmap_put(places, arena_strndup(a, key.data, key.len), key.len, (void *)b, NULL);
			++*nplaces;
		}
	}
	buf_free(&key);
	arena_destroy(a);
}

struct crrc_desired *desired_create(const struct crrc_model *m)
{
	size_t nplaces, naccounts;
	count_places(m, &nplaces, &naccounts);
	struct arena *a = arena_create_sized(desired_bytes(m, nplaces, naccounts));
	struct crrc_desired *ds = arena_alloc(a, sizeof(*ds));
	*ds = (struct crrc_desired){.m = m, .arena = a, .name = m->name.s, .tags = &m->tags};
	size_t nb = m->nbuckets ? m->nbuckets : 1;
	struct build bd = {.m = m, .ds = ds};
	bd.aliases = strmap_create(a, m->naccounts);
	bd.accounts = strmap_create(a, naccounts);
	bd.places = strmap_create(a, nplaces);
	for (size_t i = 0; i < m->naccounts; i++)
		if (m->accounts[i].id.s && m->accounts[i].alias.s)
			strmap_put(bd.aliases, m->accounts[i].id.s, m->accounts[i].id.len,
				   (void *)m->accounts[i].alias.s, NULL);
	ds->accounts = arena_array(a, naccounts + 1, sizeof(*ds->accounts));
	ds->places = arena_array(a, nplaces + 1, sizeof(*ds->places));
	ds->buckets = arena_array(a, nb, sizeof(*ds->buckets));
	ds->nbuckets = m->nbuckets;
	for (size_t i = 0; i < m->nbuckets; i++)
		bucket_build(&bd, &m->buckets[i], &ds->buckets[i]);
	ds->replications = arena_array(a, m->nreplications ? m->nreplications : 1,
				       sizeof(*ds->replications));
	size_t *stamp = xcalloc(nb, sizeof(*stamp)), *slot = xcalloc(nb, sizeof(*slot));
	bd.tmp = arena_create_sized(64u * 1024u);
	bd.grants = strmap_create(bd.tmp, 16);
	for (size_t i = 0; i < m->nreplications; i++)
		if (replication_build(&bd, &m->replications[i],
				      &ds->replications[ds->nreplications], stamp, slot))
			ds->nreplications++;
	buf_free(&bd.key);
	free(stamp);
	free(slot);
	admits_build(ds);
	ds->points = arena_array(a, m->naccess_points ? m->naccess_points : 1, sizeof(*ds->points));
	struct refusals rf;
	refusals_build(&bd, &rf);
	for (size_t i = 0; i < m->naccess_points; i++)
		if (point_build(ds, &m->access_points[i], &ds->points[ds->npoints]))
			point_refusals(ds, &rf, &ds->points[ds->npoints++]);
	arena_destroy(bd.tmp);
	return ds;
}

void desired_destroy(struct crrc_desired *ds)
{
	if (ds)
		arena_destroy(ds->arena);
}

const struct ds_bucket *desired_bucket(const struct crrc_desired *ds,
				       const struct crrc_bucket *b)
{
	return b && b->index < ds->nbuckets ? &ds->buckets[b->index] : NULL;
}

void desired_profile_variable(const char *alias_or_id, struct buf *out)
{
	buf_puts(out, "CRRC_PROFILE_");
	for (const char *p = alias_or_id; *p; p++)
		buf_putc(out, *p >= 'a' && *p <= 'z'				       ? (char)(*p - 'a' + 'A')
			      : (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ? *p
										     : '_');
}
