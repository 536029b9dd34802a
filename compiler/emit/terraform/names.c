/* names.c: the names the Terraform target gives things, and how its files
 * refer to each other. Names come from the spec's keys, never from
 * counters, so the output of a spec is the same byte for byte and adding a
 * bucket renames nothing else. Every name is claimed in its namespace
 * (base/uniq.h) with the names made from it: a bucket's resources and
 * outputs, an account's variable, a place's provider; a name that would
 * meet another takes a hash instead. */
#include <string.h>

#include "base/arena.h"
#include "base/strmap.h"
#include "base/uniq.h"
#include "emit/emit.h"
#include "emit/terraform/tf.h"

/* A bucket's name is the name of its resources (aws_s3_bucket.<n>,
 * aws_s3_bucket_versioning.<n>...), of its role's (aws_iam_role.<n>_replication)
 * and of its outputs; each kind a namespace. */
static const struct uniq_form bucket_forms[] = {
	{"resource", ""},
	{"role", "_replication"},
	{"output", "_bucket_arn"},
	{"output", "_replication_role_arn"},
};

/* An account's name, and its variable. */
static const struct uniq_form account_forms[] = {
	{"account", ""},
	{"variable", "_role_arn"},
};

/* A point's name: its resources' (aws_s3control_multi_region_access_point.<n>
 * and its policy's, a namespace of their own) and its output's. */
static const struct uniq_form point_forms[] = {
	{"point", ""},
	{"output", "_access_point_arn"},
};

static const struct uniq_form provider_forms[] = {
	{"provider", ""},
};

#define FORMS(f) (sizeof(f) / sizeof((f)[0]))

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* A Terraform identifier for a key of a-z, 0-9 and '-': hyphens become
 * underscores, and a key that does not start with a letter gets a leading
 * underscore. Keys hold no underscore, so no two keys meet. */
static const char *ident(struct arena *a, const char *key)
{
	size_t n = strlen(key);
	char *s = arena_alloc(a, n + 2);
	size_t j = 0;
	if (!is_letter(key[0]))
		s[j++] = '_';
	for (size_t i = 0; i < n; i++) {
		char c = key[i];
		s[j++] = is_letter(c) || (c >= '0' && c <= '9') ? c : '_';
	}
	return s;
}

static bool clean_alias(const char *s)
{
	if (!is_letter(s[0]))
		return false;
	for (; *s; s++)
		if (!is_letter(*s) && !(*s >= '0' && *s <= '9') && *s != '-')
			return false;
	return true;
}

/* Each account's name in identifiers: its alias when that makes a clean
 * identifier free in every namespace it goes into, else account_<id>. The
 * account_<id> names are taken first, so that no alias can take one
 * (alias "account-444455556666" and an account 444455556666 without one
 * would otherwise share a provider and a variable). */
static void accounts_plan(struct tf *t, struct uniq *u)
{
	const struct crrc_desired *ds = t->ds;
	const char **fallback = arena_array(t->arena, ds->naccounts + 1, sizeof(*fallback));
	t->account_names = arena_array(t->arena, ds->naccounts + 1, sizeof(*t->account_names));
	for (size_t i = 0; i < ds->naccounts; i++) {
		fallback[i] = arena_concat(t->arena, "account_", ds->accounts[i].id, NULL);
		for (size_t k = 0; k < FORMS(account_forms); k++)
			uniq_claim(u, account_forms[k].ns, fallback[i], account_forms[k].suffix);
	}
	for (size_t i = 0; i < ds->naccounts; i++) {
		const struct ds_account *a = &ds->accounts[i];
		const char *name = fallback[i];
		if (a->alias && clean_alias(a->alias)) {
			const char *want = ident(t->arena, a->alias);
			if (uniq_claim_forms(u, account_forms, FORMS(account_forms), want))
				name = want;
		}
		t->account_names[i] = name;
	}
}

/* One provider per place: per (account, region). "<account>_<region>"
 * cannot meet another while no region's code ends another's after a
 * hyphen (true of the table); should one, the later provider takes a hash
 * of its account and region. */
static void providers_plan(struct tf *t, struct uniq *u)
{
	const struct crrc_desired *ds = t->ds;
	t->providers = arena_array(t->arena, ds->nplaces + 1, sizeof(*t->providers));
	for (size_t i = 0; i < ds->nplaces; i++) {
		const struct ds_place *pl = &ds->places[i];
		struct tf_provider *p = &t->providers[i];
		p->region = pl->region;
		p->account = pl->account;
		p->account_name = pl->account ? t->account_names[pl->account - ds->accounts] : NULL;
		const char *want = p->account_name ? arena_concat(t->arena, p->account_name, "_",
								  ident(t->arena, pl->region), NULL)
						   : ident(t->arena, pl->region);
		const char *seed = arena_concat(t->arena, pl->account ? pl->account->id : "", "/",
						pl->region, NULL);
		p->alias = arena_strdup(t->arena, uniq_stem(u, provider_forms, FORMS(provider_forms),
							    want, "_", seed, false));
		p->ref = arena_concat(t->arena, "aws.", p->alias, NULL);
	}
}

/* Policies name buckets and roles by reference where Terraform manages
 * them, so that reviewers see what they point at and Terraform orders the
 * work. The ARNs are the model's strings: nothing is copied. */
static void refs_plan(struct tf *t)
{
	const struct crrc_desired *ds = t->ds;
	t->bucket_arns = strmap_create(t->arena, ds->nbuckets);
	t->role_arns = strmap_create(t->arena, ds->nreplications);
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const struct ds_bucket *b = &ds->buckets[i];
		if (b->create && b->arn)
			strmap_put(t->bucket_arns, b->arn, strlen(b->arn), (void *)b, NULL);
	}
	for (size_t i = 0; i < ds->nreplications; i++) {
		const struct ds_replication *r = &ds->replications[i];
		if (r->role.create && r->role.arn)
			strmap_put(t->role_arns, r->role.arn, strlen(r->role.arn), (void *)r, NULL);
	}
}

/* Each bucket's name: its key as an identifier, which no other key makes
 * (keys hold no underscore); all the same, every name made from it is
 * claimed, and one that would meet another takes a hash of its key. */
static void buckets_plan(struct tf *t, struct uniq *u)
{
	const struct crrc_desired *ds = t->ds;
	t->names = arena_array(t->arena, ds->nbuckets + 1, sizeof(*t->names));
	for (size_t i = 0; i < ds->nbuckets; i++) {
		const char *key = ds->buckets[i].key;
		t->names[i] = arena_strdup(t->arena, uniq_stem(u, bucket_forms, FORMS(bucket_forms),
							       ident(t->arena, key), "_", key, false));
	}
}

static void points_plan(struct tf *t, struct uniq *u)
{
	const struct crrc_desired *ds = t->ds;
	t->point_names = arena_array(t->arena, ds->npoints + 1, sizeof(*t->point_names));
	for (size_t i = 0; i < ds->npoints; i++) {
		const char *key = ds->points[i].key;
		t->point_names[i] = arena_strdup(t->arena,
						 uniq_stem(u, point_forms, FORMS(point_forms),
							   ident(t->arena, key), "_", key, false));
	}
}

void tf_names_plan(struct tf *t)
{
	const struct crrc_desired *ds = t->ds;
	/* the claims are needed while names are made, not after: 20,000
	 * buckets claim some 5 MB of them */
	struct arena *claims = arena_create();
	struct uniq *u = uniq_create(claims, 4 * ds->nbuckets + 2 * ds->naccounts + ds->nplaces +
					      2 * ds->npoints);
	buckets_plan(t, u);
	points_plan(t, u);
	accounts_plan(t, u);
	providers_plan(t, u);
	arena_destroy(claims);
	refs_plan(t);
}

const char *tf_name(const struct tf *t, const struct ds_bucket *b)
{
	return t->names[b->index];
}

const struct tf_provider *tf_provider(const struct tf *t, const struct ds_bucket *b)
{
	return &t->providers[b->place - t->ds->places];
}

const char *tf_ref_subst(void *ctx, const char *s, size_t len)
{
	const struct tf *t = ctx;
	if (len < 4 || memcmp(s, "arn:", 4) != 0)
		return NULL;
	const struct ds_bucket *b = strmap_get(t->bucket_arns, s, len);
	if (b)
		return tf_bucket_arn(t, b);
	if (len > 2 && memcmp(s + len - 2, "/*", 2) == 0 &&
	    (b = strmap_get(t->bucket_arns, s, len - 2)))
		return arena_concat(t->tmp, "\"${aws_s3_bucket.", tf_name(t, b), ".arn}/*\"", NULL);
	const struct ds_replication *r = strmap_get(t->role_arns, s, len);
	return r ? tf_role_arn(t, r) : NULL;
}

const char *tf_quoted(struct arena *a, const char *s)
{
	struct buf b = BUF_INIT;
	hcl_quote(&b, s, strlen(s));
	char *q = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return q;
}

/* A bucket Terraform creates is named by reference; one that exists
 * already, by its name. */
const char *tf_bucket_id(const struct tf *t, const struct ds_bucket *b)
{
	if (!b->create)
		return tf_quoted(t->tmp, b->name);
	return arena_concat(t->tmp, "aws_s3_bucket.", tf_name(t, b), ".id", NULL);
}

const char *tf_bucket_arn(const struct tf *t, const struct ds_bucket *b)
{
	if (!b->create)
		return tf_quoted(t->tmp, b->arn);
	return arena_concat(t->tmp, "aws_s3_bucket.", tf_name(t, b), ".arn", NULL);
}

const char *tf_role_arn(const struct tf *t, const struct ds_replication *r)
{
	if (r->role.create)
		return arena_concat(t->tmp, "aws_iam_role.", tf_name(t, r->source), "_replication.arn",
				    NULL);
	return tf_quoted(t->tmp, r->role.arn);
}

void tf_header(struct tf *t, struct hcl *h)
{
	char *text = arena_printf(t->arena, "Generated by crrc from %s - do not edit.", t->spec_path);
	hcl_comment(h, text);
}

void tf_tags(struct hcl *h, const char *name, const struct crrc_tags *tags)
{
	if (tags->n == 0)
		return;
	hcl_attr_open(h, name, "{");
	for (size_t i = 0; i < tags->n; i++) {
		const struct crrc_tag *g = &tags->v[i];
		hcl_entry_str(h, g->key.s, g->key.len, g->value.s ? g->value.s : "", g->value.len);
	}
	hcl_attr_close(h, "}");
}

/* Begin the file at path in o, its header written: h writes into it. */
void tf_file_begin(struct tf *t, struct hcl *h, struct crrc_sink *o, const char *path)
{
	hcl_init(h, o->open(o, path));
	tf_header(t, h);
}

void tf_file_end(struct hcl *h, struct crrc_sink *o)
{
	hcl_finish(h);
	o->close(o);
}

void tf_output(struct hcl *h, const char *name, const char *description, const char *value)
{
	hcl_block(h, "output \"%s\"", name);
	hcl_attr_str(h, "description", description, strlen(description));
	hcl_attr(h, "value", "%s", value);
	hcl_end(h);
}
