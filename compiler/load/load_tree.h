/* load_tree.h: the YAML layer, private to load/. load.c turns libyaml's events straight into a
 * light node tree (positions kept, anchors and aliases resolved, with the
 * alias-expansion bound); build.c turns the tree into the model. The large
 * sections are not kept as trees: each bucket and each replication entry is
 * built as soon as the loader completes it, and its nodes are dropped, so
 * the tree never holds more than one entry of them. Nothing else sees YAML.
 */
#ifndef CRRC_LOAD_TREE_H
#define CRRC_LOAD_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/arena.h"
#include "model/model.h"

enum node_kind {
	NODE_SCALAR,
	NODE_MAPPING,
	NODE_SEQUENCE,
	NODE_BUILT, /* an entry of a section, built already: obj is the result */
};

/* The sections whose entries are built as the loader completes them. */
enum load_section {
	SECTION_NONE,
	SECTION_BUCKETS,     /* the values of the buckets mapping: crrc_bucket */
	SECTION_REPLICATION, /* the items of the replication list: crrc_replication */
};

/* A scalar that is not a plain integer (its digits field). */
#define NODE_NOT_INT UINT32_MAX

/* 32 bytes: a 20,000-bucket spec has some 425,000 of them. Counts fit in
 * 32 bits: a file is at most CRRC_MAX_FILE_BYTES with at most CRRC_MAX_NODES
 * nodes, and size saturates. What costs a pass over a scalar's text is done
 * once, by the loader, never again for each alias of it: keys are interned
 * (equal keys share one text, so they compare by pointer) and an integer's
 * digits are found. */
struct node {
	uint8_t kind;        /* enum node_kind */
	bool quoted;         /* a scalar written quoted or tagged !!str */
	bool kept;           /* str lives in the model's arena already */
	bool interned;       /* a key: str is the one text of all keys equal to it */
	struct crrc_pos pos;
	union {
		const char *str;     /* scalar text, NUL-terminated */
		struct node **items; /* sequence: items; mapping: key, value, ... */
		size_t entry;        /* NODE_BUILT: its index in the stage */
	};
	union {
		uint32_t len;        /* scalar: bytes of str */
		uint32_t n;          /* items (twice the pairs for a mapping) */
	};
	union {
		uint32_t size;   /* collection: nodes in its expansion, saturating */
		uint32_t digits; /* scalar: where a plain integer's significant digits
				    start (past sign and leading zeros), or NODE_NOT_INT */
	};
};

/* Nodes in the expansion of n. */
static inline uint32_t node_size(const struct node *n)
{
	return n->kind == NODE_SCALAR ? 1 : n->size;
}

/* The entries built as the loader completed them, in that order. Most
 * specs use them as they are: the vectors become the model's arrays. */
struct load_stage {
	struct arena_vec buckets;      /* struct crrc_bucket */
	struct arena_vec replications; /* struct crrc_replication */
};

/* Parse text into a tree in arena tree, building the entries of the
 * sections of m into stage on the way; NULL (with diagnostics) when it
 * cannot be. */
struct node *load_tree(struct arena *tree, struct crrc_model *m, struct load_stage *stage,
		       const char *text, size_t len, struct crrc_diags *d);

/* Build the completed entry n of section s into stage (build.c); its
 * index there. Its parts go in the model's arena, scratch space in tmp. */
size_t build_entry(struct crrc_model *m, enum load_section s, const struct node *n,
		   struct arena *tmp, struct load_stage *stage, struct crrc_diags *d);

/* Build the model from the tree and the stage (build.c), which it empties;
 * scratch space goes in tmp. The model keeps no pointer into the tree. */
void build_model(struct crrc_model *m, const struct node *root, struct load_stage *stage,
		 struct arena *tmp, struct crrc_diags *d);

#endif
