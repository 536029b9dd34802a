/* build.c: the node tree to the model. Each mapping of the language is a
 * table of fields; one generic reader checks keys (unknown, duplicate,
 * required), merge keys (<<) and types, and stores each value with its
 * position. Meaning is checked later, by the passes. The entries of the
 * large sections come built already (build_entry, called by the loader);
 * the model copies what it keeps and points into no node. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "base/arena.h"
#include "diag/diag.h"
#include "load/load_tree.h"
#include "base/ptrmap.h"
#include "base/util.h"

struct builder {
	struct crrc_model *m;
	struct crrc_diags *d;
	struct arena *a;   /* the model's */
	struct arena *tmp; /* scratch, freed with the tree */
	struct load_stage *stage; /* entries built by the loader */
};

/* A key-value pair of a mapping after merge keys are applied. */
struct pair {
	const struct node *key, *val;
};

enum ftype {
	F_STR,
	F_BOOL,
	F_INT,
	F_TAGS,
	F_OTHER, /* read by a function of its own */
	F_VERSIONING,
};

struct field {
	const char *key;
	enum ftype type;
	size_t off; /* offset of the crrc_str/bool/int/tags in the struct */
	bool required;
	void (*read)(struct builder *b, const struct node *val, void *obj);
};

static bool is_null(const struct node *n)
{
	if (n->kind != NODE_SCALAR || n->quoted)
		return false;
	return n->len == 0 || strcmp(n->str, "~") == 0 || strcmp(n->str, "null") == 0 ||
	       strcmp(n->str, "Null") == 0 || strcmp(n->str, "NULL") == 0;
}

static const char *kind_name(const struct node *n)
{
	if (is_null(n))
		return "nothing (null)";
	return n->kind == NODE_MAPPING ? "a mapping" : n->kind == NODE_SEQUENCE ? "a list" : "a scalar";
}

/* A type error, said once for each node and field, however often aliases
 * bring the node here. */
static void type_error(struct builder *b, const struct node *n, const char *what, const char *want)
{
	char q[DIAG_QUOTE_BUF];
	if (!diags_once(b->d, CRRC_E022, n->pos, diag_key(what), diag_key(want)))
		return;
	if (n->kind == NODE_SCALAR && !is_null(n))
		diags_add(b->d, CRRC_E022, n->pos, "%s must be %s, not '%s'", what, want,
			  diag_quote(q, n->str, n->len));
	else
		diags_add(b->d, CRRC_E022, n->pos, "%s must be %s, not %s", what, want, kind_name(n));
}

/* --- mappings, with merge keys and duplicate detection ------------------- */

static bool is_merge_key(const struct node *k)
{
	return k->kind == NODE_SCALAR && !k->quoted && strcmp(k->str, "<<") == 0;
}

/* The pairs of a mapping, a set of keys. Keys are interned by the loader
 * (equal keys share one text), so a key is found by its text's pointer:
 * small sets are scanned, larger ones indexed. */
#define SMALL_MAP 16

struct pairs {
	struct pair *v;
	size_t n, cap;
	struct ptrmap *index; /* key text -> key node, once past SMALL_MAP */
};

/* The key of ps equal to k, or NULL. */
static const struct node *pairs_find(const struct pairs *ps, const struct node *k)
{
	if (ps->index)
		return ptrmap_get(ps->index, k->str, 0);
	for (size_t i = 0; i < ps->n; i++)
		if (ps->v[i].key->str == k->str)
			return ps->v[i].key;
	return NULL;
}

static void pairs_push(struct builder *b, struct pairs *ps, const struct node *k,
		       const struct node *v)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? ps->cap * 2 : 8;
		struct pair *nv = arena_array(b->tmp, cap, sizeof(*nv));
		if (ps->n)
			memcpy(nv, ps->v, ps->n * sizeof(*nv));
		ps->v = nv;
		ps->cap = cap;
	}
	ps->v[ps->n++] = (struct pair){k, v};
	if (!ps->index && ps->n > SMALL_MAP) {
		ps->index = ptrmap_create(b->tmp, ps->cap);
		for (size_t i = 0; i < ps->n; i++)
			ptrmap_put(ps->index, ps->v[i].key->str, 0, (void *)ps->v[i].key, NULL);
	} else if (ps->index) {
		ptrmap_put(ps->index, k->str, 0, (void *)k, NULL);
	}
}

static bool key_ok(struct builder *b, const struct node *k, const char *what)
{
	if (k->kind == NODE_SCALAR)
		return true;
	if (diags_once(b->d, CRRC_E022, k->pos, diag_key(what), 1))
		diags_add(b->d, CRRC_E022, k->pos, "a key of %s must be a scalar, not %s", what, kind_name(k));
	return false;
}

static struct pairs map_pairs(struct builder *b, const struct node *map, const char *what);

/* Add the pairs of merged mapping src that ps lacks. src is resolved as
 * any mapping is, its own keys over those it merges in turn, so a key given
 * in a mapping wins at any depth of merging; a key it repeats is E021
 * wherever it is merged. */
static void merge_map(struct builder *b, struct pairs *ps, const struct node *src,
		      const char *what)
{
	struct pairs from = map_pairs(b, src, what);
	for (size_t i = 0; i < from.n; i++)
		if (!pairs_find(ps, from.v[i].key))
			pairs_push(b, ps, from.v[i].key, from.v[i].val);
}

/* The pairs a '<<' value merges in: a mapping's, or those of a list of
 * mappings, the earlier mapping winning. */
static void merge_in(struct builder *b, struct pairs *ps, const struct node *src,
		     const char *what)
{
	if (src->kind == NODE_MAPPING) {
		merge_map(b, ps, src, what);
		return;
	}
	if (src->kind == NODE_SEQUENCE) {
		for (size_t i = 0; i < src->n; i++) {
			if (src->items[i]->kind == NODE_MAPPING)
				merge_map(b, ps, src->items[i], what);
			else if (diags_once(b->d, CRRC_E013, src->items[i]->pos, 0, 0))
				diags_add(b->d, CRRC_E013, src->items[i]->pos,
					  "a merge key (<<) list holds %s; only mappings merge",
					  kind_name(src->items[i]));
		}
		return;
	}
	if (diags_once(b->d, CRRC_E013, src->pos, 0, 0))
		diags_add(b->d, CRRC_E013, src->pos,
		  "a merge key (<<) takes a mapping or a list of mappings, not %s", kind_name(src));
}

static void dup_key(struct builder *b, const struct node *k, const struct node *first,
		    const char *what)
{
	char q[DIAG_QUOTE_BUF];
	if (!diags_once(b->d, CRRC_E021, k->pos, diag_key(what), crrc_pos_key(first->pos)))
		return;
	struct crrc_diag *g = diags_add(b->d, CRRC_E021, k->pos, "key '%s' given twice in %s%s",
					diag_quote(q, k->str, k->len), what,
					is_merge_key(k) ? "; merge a list instead: <<: [*a, *b]" : "");
	diag_note(g, first->pos, "first given here");
}

/* The pairs of a mapping: its own keys first (a repeated one is E021, the
 * first kept), then those its merge key brings in that it does not give.
 * As in other YAML tools; a second '<<', which they read differently from
 * one another, is E021 too. */
static struct pairs map_pairs(struct builder *b, const struct node *map, const char *what)
{
	size_t np = map->n / 2;
	struct pairs ps = {arena_array(b->tmp, np ? np : 1, sizeof(struct pair)), 0, np ? np : 1,
			   NULL};
	const struct node *merge = NULL, *merged = NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct node *k = map->items[i], *first;
		if (is_merge_key(k)) {
			if (merge)
				dup_key(b, k, merge, what);
			else
				merge = k, merged = map->items[i + 1];
			continue;
		}
		if (!key_ok(b, k, what))
			continue;
		if ((first = pairs_find(&ps, k)))
			dup_key(b, k, first, what);
		else
			pairs_push(b, &ps, k, map->items[i + 1]);
	}
	if (merged)
		merge_in(b, &ps, merged, what);
	return ps;
}

/* --- scalars -------------------------------------------------------------- */

/* Scalar n as the model keeps it: its text in the model's arena, copied
 * there once (an alias may bring the node here many times). */
static struct crrc_str keep(struct builder *b, const struct node *n)
{
	if (!n->kept) {
		struct node *w = (struct node *)n; /* the builder's own tree */
		w->str = arena_strndup(b->a, n->str, n->len);
		w->kept = true;
	}
	return (struct crrc_str){n->str, n->len, true, n->pos};
}

static void read_str(struct builder *b, const struct node *n, struct crrc_str *out,
		     const char *what)
{
	if (n->kind != NODE_SCALAR || is_null(n)) {
		type_error(b, n, what, "a string");
		/* given but unusable: no pass reports it missing again */
		*out = (struct crrc_str){NULL, 0, true, n->pos};
		return;
	}
	*out = keep(b, n);
}

static void read_bool(struct builder *b, const struct node *n, struct crrc_bool *out,
		      const char *what)
{
	static const char *const t[] = {"true", "True", "TRUE"}, *const f[] = {"false", "False", "FALSE"};
	if (n->kind == NODE_SCALAR && !n->quoted)
		for (int i = 0; i < 3; i++)
			if (strcmp(n->str, t[i]) == 0 || strcmp(n->str, f[i]) == 0) {
				*out = (struct crrc_bool){strcmp(n->str, t[i]) == 0, true, n->pos};
				return;
			}
	type_error(b, n, what, "true or false");
}

/* The integer the loader found in n (its digits), in bounded time: a value
 * of more than 19 significant digits is out of range, however many leading
 * zeros it has. */
static void read_int(struct builder *b, const struct node *n, struct crrc_int *out,
		     const char *what)
{
	if (n->kind == NODE_SCALAR && n->digits != NODE_NOT_INT && n->len - n->digits <= 19) {
		char num[24];
		size_t sig = n->len - n->digits;
		num[0] = n->str[0] == '-' ? '-' : '+';
		memcpy(num + 1, n->str + n->digits, sig);
		num[1 + sig] = '\0';
		errno = 0;
		long long v = sig ? strtoll(num, NULL, 10) : 0;
		if (errno == 0) {
			*out = (struct crrc_int){v, true, n->pos};
			return;
		}
	}
	type_error(b, n, what, "an integer");
}

static void read_tags(struct builder *b, const struct node *n, struct crrc_tags *out,
		      const char *what)
{
	if (n->kind != NODE_MAPPING) {
		type_error(b, n, what, "a mapping of tag keys to values");
		return;
	}
	struct pairs ps = map_pairs(b, n, what);
	out->v = arena_array(b->a, ps.n, sizeof(*out->v));
	out->set = true;
	out->pos = n->pos;
	for (size_t i = 0; i < ps.n; i++) {
		const struct node *k = ps.v[i].key, *v = ps.v[i].val;
		struct crrc_tag *t = &out->v[out->n];
		t->key = keep(b, k);
		if (v->kind != NODE_SCALAR) {
			type_error(b, v, "a tag value", "a string");
			continue;
		}
		/* a tag with no value is a tag with the empty value */
		t->value = is_null(v) ? (struct crrc_str){"", 0, true, v->pos} : keep(b, v);
		out->n++;
	}
}

/* --- the generic field reader --------------------------------------------- */

static const struct field *field_find(const struct field *f, size_t n, const char *key)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(f[i].key, key) == 0)
			return &f[i];
	return NULL;
}

static void unknown_key(struct builder *b, const struct node *k, const struct field *f, size_t n,
			const char *what)
{
	if (!diags_once(b->d, CRRC_E020, k->pos, diag_key(what), diag_key(f)))
		return;
	const char *s = crrc_suggest_in(k->str, f, n, sizeof(*f), offsetof(struct field, key));
	char q[DIAG_QUOTE_BUF];
	const char *key = diag_quote(q, k->str, k->len);
	if (s)
		diags_add(b->d, CRRC_E020, k->pos, "unknown key '%s' in %s; did you mean '%s'?",
			  key, what, s);
	else
		diags_add(b->d, CRRC_E020, k->pos, "unknown key '%s' in %s", key, what);
}

static void read_field(struct builder *b, const struct field *f, const struct node *k,
		       const struct node *v, void *obj)
{
	char *p = (char *)obj + f->off;
	const char *what = k->str;
	switch (f->type) {
	case F_STR:
		read_str(b, v, (struct crrc_str *)p, what);
		break;
	case F_BOOL:
		read_bool(b, v, (struct crrc_bool *)p, what);
		break;
	case F_INT:
		read_int(b, v, (struct crrc_int *)p, what);
		break;
	case F_TAGS:
		if (!is_null(v))
			read_tags(b, v, (struct crrc_tags *)p, what);
		break;
	case F_OTHER:
		if (!is_null(v) || f->required)
			f->read(b, v, obj);
		break;
	case F_VERSIONING:
		if (diags_once(b->d, CRRC_E025, k->pos, 0, 0))
			diags_add(b->d, CRRC_E025, k->pos,
			  "versioning cannot be configured: crrc always enables it, because "
			  "replication needs it on source and destination; remove this key");
		break;
	}
}

/* Read a mapping described by fields into obj. Returns false when node is
 * not a mapping. With ext, keys starting "x-" are extensions, left alone: a
 * place to define anchors (as in Compose files). */
static bool read_fields_ext(struct builder *b, const struct node *node, const struct field *f,
			    size_t nf, void *obj, const char *what, bool ext)
{
	if (node->kind != NODE_MAPPING) {
		type_error(b, node, what, "a mapping");
		return false;
	}
	struct pairs ps = map_pairs(b, node, what);
	uint64_t given = 0;
	for (size_t i = 0; i < ps.n; i++) {
		const struct field *fd = field_find(f, nf, ps.v[i].key->str);
		if (!fd && ext && strncmp(ps.v[i].key->str, "x-", 2) == 0)
			continue;
		if (!fd) {
			unknown_key(b, ps.v[i].key, f, nf, what);
			continue;
		}
		given |= 1ull << (fd - f);
		read_field(b, fd, ps.v[i].key, ps.v[i].val, obj);
	}
	for (size_t i = 0; i < nf; i++)
		if (f[i].required && !(given & (1ull << i)) &&
		    diags_once(b->d, CRRC_E023, node->pos, diag_key(what), diag_key(&f[i])))
			diags_add(b->d, CRRC_E023, node->pos, "%s needs the key '%s'", what, f[i].key);
	return true;
}

static bool read_fields(struct builder *b, const struct node *node, const struct field *f,
			size_t nf, void *obj, const char *what)
{
	return read_fields_ext(b, node, f, nf, obj, what, false);
}

#define FIELDS(a) (a), (sizeof(a) / sizeof((a)[0]))
#define OFF(type, member) offsetof(type, member)

/* --- the language's mappings ---------------------------------------------- */

static void read_rules(struct builder *b, const struct node *v, void *obj);
static void read_filter(struct builder *b, const struct node *v, void *obj);

static const struct field filter_fields[] = {
	{"prefix", F_STR, OFF(struct crrc_filter, prefix), false, NULL},
	{"tags", F_TAGS, OFF(struct crrc_filter, tags), false, NULL},
};

static const struct field rule_fields[] = {
	{"id", F_STR, OFF(struct crrc_rule, id), true, NULL},
	{"destination", F_STR, OFF(struct crrc_rule, destination), true, NULL},
	{"priority", F_INT, OFF(struct crrc_rule, priority), false, NULL},
	{"enabled", F_BOOL, OFF(struct crrc_rule, enabled), false, NULL},
	{"filter", F_OTHER, OFF(struct crrc_rule, filter), false, read_filter},
	{"delete_markers", F_BOOL, OFF(struct crrc_rule, delete_markers), false, NULL},
	{"storage_class", F_STR, OFF(struct crrc_rule, storage_class), false, NULL},
	{"rtc", F_BOOL, OFF(struct crrc_rule, rtc), false, NULL},
	{"metrics", F_BOOL, OFF(struct crrc_rule, metrics), false, NULL},
	{"sse_kms_objects", F_BOOL, OFF(struct crrc_rule, sse_kms_objects), false, NULL},
	{"replica_kms_key", F_STR, OFF(struct crrc_rule, replica_kms_key), false, NULL},
	{"owner", F_STR, OFF(struct crrc_rule, owner), false, NULL},
	{"replica_modifications", F_BOOL, OFF(struct crrc_rule, replica_modifications), false, NULL},
	{"existing_objects", F_BOOL, OFF(struct crrc_rule, existing_objects), false, NULL},
};

static const struct field replication_fields[] = {
	{"source", F_STR, OFF(struct crrc_replication, source), true, NULL},
	{"role", F_STR, OFF(struct crrc_replication, role), false, NULL},
	{"rules", F_OTHER, 0, true, read_rules},
};

static const struct field bucket_fields[] = {
	{"name", F_STR, OFF(struct crrc_bucket, name), false, NULL},
	{"region", F_STR, OFF(struct crrc_bucket, region), true, NULL},
	{"account", F_STR, OFF(struct crrc_bucket, account), false, NULL},
	{"encryption", F_STR, OFF(struct crrc_bucket, encryption), false, NULL},
	{"kms_key", F_STR, OFF(struct crrc_bucket, kms_key), false, NULL},
	{"object_lock", F_BOOL, OFF(struct crrc_bucket, object_lock), false, NULL},
	{"existing", F_BOOL, OFF(struct crrc_bucket, existing), false, NULL},
	{"tags", F_TAGS, OFF(struct crrc_bucket, own_tags), false, NULL},
	{"versioning", F_VERSIONING, 0, false, NULL},
};

static void read_residency(struct builder *b, const struct node *v, void *obj);

static const struct field policies_fields[] = {
	{"residency", F_OTHER, 0, false, read_residency},
	{"rpo_minutes", F_INT, OFF(struct crrc_model, rpo_minutes), false, NULL},
};

static void read_regions(struct builder *b, const struct node *v, void *obj);

static const struct field residency_fields[] = {
	{"prefix", F_STR, OFF(struct crrc_residency, prefix), true, NULL},
	{"regions", F_OTHER, 0, true, read_regions},
};

static void read_accounts(struct builder *b, const struct node *v, void *obj);
static void read_buckets(struct builder *b, const struct node *v, void *obj);
static void read_replication(struct builder *b, const struct node *v, void *obj);
static void read_policies(struct builder *b, const struct node *v, void *obj);

static void read_ignore(struct builder *b, const struct node *v, void *obj);
static void read_access_points(struct builder *b, const struct node *v, void *obj);
static void read_point_buckets(struct builder *b, const struct node *v, void *obj);
static void read_point_passive(struct builder *b, const struct node *v, void *obj);

static const struct field point_fields[] = {
	{"name", F_STR, OFF(struct crrc_access_point, name), false, NULL},
	{"buckets", F_OTHER, 0, true, read_point_buckets},
	{"passive", F_OTHER, 0, false, read_point_passive},
};

static const struct field root_fields[] = {
	{"crrc", F_INT, OFF(struct crrc_model, version), true, NULL},
	{"name", F_STR, OFF(struct crrc_model, name), true, NULL},
	{"tags", F_TAGS, OFF(struct crrc_model, tags), false, NULL},
	{"accounts", F_OTHER, 0, false, read_accounts},
	{"buckets", F_OTHER, 0, true, read_buckets},
	{"replication", F_OTHER, 0, false, read_replication},
	{"policies", F_OTHER, 0, false, read_policies},
	{"access_points", F_OTHER, 0, false, read_access_points},
	{"ignore", F_OTHER, 0, false, read_ignore},
	{"versioning", F_VERSIONING, 0, false, NULL},
};

static void read_filter(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_filter *f = &((struct crrc_rule *)obj)->filter;
	if (read_fields(b, v, FIELDS(filter_fields), f, "a filter")) {
		f->set = true;
		f->pos = v->pos;
	}
}

static bool is_list(struct builder *b, const struct node *v, const char *what)
{
	if (v->kind == NODE_SEQUENCE)
		return true;
	type_error(b, v, what, "a list");
	return false;
}

static void read_rules(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_replication *r = obj;
	if (!is_list(b, v, "rules"))
		return;
	r->rules_set = true;
	r->rules_pos = v->pos;
	if ((v->n == 0 || v->n > CRRC_MAX_RULES) && diags_once(b->d, CRRC_E026, v->pos, 0, 0))
		diags_add(b->d, CRRC_E026, v->pos,
			  "an entry has %u rules; S3 takes 1 to %d in one configuration", v->n,
			  CRRC_MAX_RULES);
	r->rules = arena_array(b->a, v->n, sizeof(*r->rules));
	for (size_t i = 0; i < v->n; i++) {
		struct crrc_rule *rule = &r->rules[r->nrules];
		if (read_fields(b, v->items[i], FIELDS(rule_fields), rule, "a rule")) {
			rule->pos = v->items[i]->pos;
			r->nrules++;
		}
	}
}

static void read_replication(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_model *m = obj;
	if (!is_list(b, v, "replication"))
		return;
	struct arena_vec *built = &b->stage->replications;
	bool own = built->n == v->n;
	for (size_t i = 0; own && i < v->n; i++)
		own = v->items[i]->kind == NODE_BUILT && v->items[i]->entry == i;
	m->replications = own ? arena_vec_take(built, b->a)
			      : arena_array(b->a, v->n, sizeof(*m->replications));
	for (size_t i = 0; i < v->n; i++) {
		struct crrc_replication *r = &m->replications[m->nreplications];
		const struct node *item = v->items[i];
		if (item->kind == NODE_BUILT && !own)
			*r = *(struct crrc_replication *)arena_vec_at(built, item->entry, sizeof(*r));
		if (item->kind == NODE_BUILT ||
		    read_fields(b, item, FIELDS(replication_fields), r, "a replication entry")) {
			r->pos = v->items[i]->pos;
			m->nreplications++;
		}
	}
}

static void read_buckets(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_model *m = obj;
	if (v->kind != NODE_MAPPING) {
		type_error(b, v, "buckets", "a mapping of logical names to buckets");
		return;
	}
	m->buckets_pos = v->pos;
	struct pairs ps = map_pairs(b, v, "buckets");
	if (ps.n == 0)
		diags_add(b->d, CRRC_E026, v->pos, "buckets is empty; declare at least one bucket");
	/* the stage's vector is the array when it holds these entries in order */
	struct arena_vec *built = &b->stage->buckets;
	bool own = built->n == ps.n;
	for (size_t i = 0; own && i < ps.n; i++)
		own = ps.v[i].val->kind == NODE_BUILT && ps.v[i].val->entry == i;
	m->buckets = own ? arena_vec_take(built, b->a) : arena_array(b->a, ps.n, sizeof(*m->buckets));
	for (size_t i = 0; i < ps.n; i++) {
		struct crrc_bucket *bk = &m->buckets[m->nbuckets];
		const struct node *k = ps.v[i].key, *val = ps.v[i].val;
		if (val->kind == NODE_BUILT && !own)
			*bk = *(struct crrc_bucket *)arena_vec_at(built, val->entry, sizeof(*bk));
		else if (val->kind != NODE_BUILT &&
			 !read_fields(b, val, FIELDS(bucket_fields), bk, "a bucket"))
			continue;
		bk->key = keep(b, k);
		bk->pos = val->pos;
		bk->index = m->nbuckets++;
	}
}

static void read_accounts(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_model *m = obj;
	if (v->kind != NODE_MAPPING) {
		type_error(b, v, "accounts", "a mapping of aliases to account ids");
		return;
	}
	struct pairs ps = map_pairs(b, v, "accounts");
	m->accounts = arena_array(b->a, ps.n, sizeof(*m->accounts));
	for (size_t i = 0; i < ps.n; i++) {
		struct crrc_account *acc = &m->accounts[m->naccounts];
		const struct node *k = ps.v[i].key;
		acc->alias = keep(b, k);
		read_str(b, ps.v[i].val, &acc->id, "an account id");
		if (acc->id.set)
			m->naccounts++;
	}
}

/* A list of strings into *out (*n of them), its position into *pos; false
 * when v is not a list. */
static bool read_strs(struct builder *b, const struct node *v, struct crrc_str **out, size_t *n,
		      struct crrc_pos *pos, const char *what, const char *item)
{
	if (!is_list(b, v, what))
		return false;
	*pos = v->pos;
	*out = arena_array(b->a, v->n, sizeof(**out));
	for (size_t i = 0; i < v->n; i++) {
		read_str(b, v->items[i], &(*out)[*n], item);
		if ((*out)[*n].set)
			++*n;
	}
	return true;
}

static void read_regions(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_residency *p = obj;
	if (read_strs(b, v, &p->regions, &p->nregions, &p->regions_pos, "regions", "a region") &&
	    v->n == 0 && diags_once(b->d, CRRC_E026, v->pos, 0, 0))
		diags_add(b->d, CRRC_E026, v->pos,
			  "regions is empty; a residency policy allows at least one region");
}

static void read_residency(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_model *m = obj;
	if (!is_list(b, v, "residency"))
		return;
	m->residency = arena_array(b->a, v->n, sizeof(*m->residency));
	for (size_t i = 0; i < v->n; i++) {
		struct crrc_residency *p = &m->residency[m->nresidency];
		if (read_fields(b, v->items[i], FIELDS(residency_fields), p,
				"a residency policy")) {
			p->pos = v->items[i]->pos;
			m->nresidency++;
		}
	}
}

static void read_point_buckets(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_access_point *p = obj;
	read_strs(b, v, &p->buckets, &p->nbuckets, &p->buckets_pos, "buckets", "a bucket key");
}

static void read_point_passive(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_access_point *p = obj;
	read_strs(b, v, &p->passive, &p->npassive, &p->passive_pos, "passive", "a bucket key");
}

/* access_points: a mapping of keys to points. */
static void read_access_points(struct builder *b, const struct node *v, void *obj)
{
	struct crrc_model *m = obj;
	if (v->kind != NODE_MAPPING) {
		type_error(b, v, "access_points", "a mapping of keys to access points");
		return;
	}
	struct pairs ps = map_pairs(b, v, "access_points");
	m->access_points = arena_array(b->a, ps.n, sizeof(*m->access_points));
	for (size_t i = 0; i < ps.n; i++) {
		struct crrc_access_point *p = &m->access_points[m->naccess_points];
		if (!read_fields(b, ps.v[i].val, FIELDS(point_fields), p, "an access point"))
			continue;
		p->key = keep(b, ps.v[i].key);
		p->pos = ps.v[i].val->pos;
		m->naccess_points++;
	}
}

/* The warnings accepted in the whole file: each code goes to the
 * diagnostics, which ignore it and report it if it matches nothing. */
static void read_ignore(struct builder *b, const struct node *v, void *obj)
{
	if (!is_list(b, v, "ignore"))
		return;
	for (size_t i = 0; i < v->n; i++) {
		const struct node *c = v->items[i];
		if (c->kind != NODE_SCALAR || is_null(c))
			type_error(b, c, "an ignored code", "a code such as W004");
		else
			diags_ignore(b->d, c->str, c->len, c->pos, CRRC_IGNORE_FILE, NULL, 0);
	}
}

static void read_policies(struct builder *b, const struct node *v, void *obj)
{
	read_fields(b, v, FIELDS(policies_fields), obj, "policies");
}

size_t build_entry(struct crrc_model *m, enum load_section s, const struct node *n,
		   struct arena *tmp, struct load_stage *stage, struct crrc_diags *d)
{
	struct builder b = {m, d, m->arena, tmp, stage};
	if (s == SECTION_BUCKETS) {
		struct crrc_bucket *bk = arena_vec_push(&stage->buckets, sizeof(*bk));
		read_fields(&b, n, FIELDS(bucket_fields), bk, "a bucket");
		return stage->buckets.n - 1;
	}
	struct crrc_replication *r = arena_vec_push(&stage->replications, sizeof(*r));
	read_fields(&b, n, FIELDS(replication_fields), r, "a replication entry");
	return stage->replications.n - 1;
}

void build_model(struct crrc_model *m, const struct node *root, struct load_stage *stage,
		 struct arena *tmp, struct crrc_diags *d)
{
	struct builder b = {m, d, m->arena, tmp, stage};
	if (root->kind != NODE_MAPPING) {
		type_error(&b, root, "a spec", "a mapping with the keys crrc, name, buckets...");
		return;
	}
	read_fields_ext(&b, root, FIELDS(root_fields), m, "the spec", true);
	if (m->version.set && m->version.v != 1)
		diags_add(d, CRRC_E024, m->version.pos,
			  "crrc: %lld is not a language version this compiler knows; use crrc: 1",
			  m->version.v);
}
