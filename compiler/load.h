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

struct node {
	uint8_t kind;        /* enum node_kind */
	bool quoted;         /* a scalar written quoted or tagged !!str */
	struct crrc_pos pos;
	union {
		const char *str;     /* scalar text, NUL-terminated */
		struct node **items; /* sequence: items; mapping: key, value, ... */
	};
	union {
		size_t len;          /* scalar: bytes of str */
		size_t n;            /* items (twice the pairs for a mapping) */
	};
	uint64_t size;       /* nodes in the expansion of this node */
};

/* Parse text into a tree; NULL (with diagnostics) when it cannot be. */
struct node *load_tree(struct arena *a, const char *text, size_t len, struct crrc_diags *d);

/* Build the model from the tree (build.c). */
void build_model(struct crrc_model *m, const struct node *root, struct crrc_diags *d);

#endif
