/* pos.h: a place in a source file, which the model's values and the
 * diagnostics both carry. */
#ifndef CRRC_POS_H
#define CRRC_POS_H

#include <stdint.h>

/* 1-based line and column (in characters), and the length in characters of
 * the token there (at least 1 when known). Line 0: the whole file. */
struct crrc_pos {
	uint32_t line, col, len;
};

/* The place as one number: no two nodes of a file start at one place, so
 * it names a node (an alias included: it has its anchor's position). */
static inline uint64_t crrc_pos_key(struct crrc_pos p)
{
	return (uint64_t)p.line << 32 | p.col;
}

#endif
