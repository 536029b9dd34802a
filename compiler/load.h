/* load.h: the YAML layer. load.c turns libyaml's events straight into a
 * light node tree in the model's arena (positions kept, anchors and aliases
 * resolved, with the alias-expansion bound); build.c turns the tree into the
 * model. Nothing else sees YAML. */
#ifndef CRRC_LOAD_H
#define CRRC_LOAD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "crrc.h"

enum node_kind {
	NODE_SCALAR,
	NODE_MAPPING,
	NODE_SEQUENCE,
};

/* 32 bytes: a 20,000-bucket spec has some 425,000 of them. Counts fit in
 * 32 bits: a file is at most CRRC_MAX_FILE_BYTES with at most CRRC_MAX_NODES
 * nodes, and size saturates. */
struct node {
	uint8_t kind;        /* enum node_kind */
	bool quoted;         /* a scalar written quoted or tagged !!str */
	struct crrc_pos pos;
	union {
		const char *str;     /* scalar text, NUL-terminated */
		struct node **items; /* sequence: items; mapping: key, value, ... */
	};
	union {
		uint32_t len;        /* scalar: bytes of str */
		uint32_t n;          /* items (twice the pairs for a mapping) */
	};
	uint32_t size;       /* nodes in the expansion of this node, saturating */
};

/* Parse text into a tree in arena tree, scalar text in arena strings (the
 * model's); NULL (with diagnostics) when it cannot be. */
struct node *load_tree(struct arena *tree, struct arena *strings, const char *text, size_t len,
		       struct crrc_diags *d);

/* Build the model from the tree (build.c); scratch space goes in tmp. */
void build_model(struct crrc_model *m, const struct node *root, struct arena *tmp,
		 struct crrc_diags *d);

#endif
