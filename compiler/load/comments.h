/* comments.h: "# crrc:ignore CODE[,CODE...] [reason]" comments, private to
 * load/. libyaml reports no comments, so the text is scanned for them (one
 * pass, before parsing); a candidate that lies inside a scalar (a quoted
 * string or a block scalar holding "# crrc:ignore") is no comment, which
 * the parser's scalar events tell, in the order of the text. What remains
 * is registered with the diagnostics (diags_ignore) once the file is
 * parsed. */
#ifndef CRRC_LOAD_COMMENTS_H
#define CRRC_LOAD_COMMENTS_H

#include <stddef.h>

struct crrc_diags;

struct comments {
	struct comment *v; /* candidates, in the order of the text */
	size_t n, cap;
	size_t next;       /* the first candidate no scalar event has passed */
	size_t len;        /* of the text */
};

/* Find the candidates of text: a '#' at a line's start or after a space or
 * a tab, then "crrc:ignore". */
void comments_find(struct comments *c, const char *text, size_t len);
/* A scalar spans characters [start, end) of the text (libyaml's marks,
 * which count characters and skip a byte-order mark): the candidates in it
 * are no comments. Scalars come in the order of the text. */
void comments_scalar(struct comments *c, size_t start, size_t end);
/* Register the comments that are left with d (for the current file). */
void comments_register(struct comments *c, const char *text, struct crrc_diags *d);
void comments_free(struct comments *c);

#endif
