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

#endif
