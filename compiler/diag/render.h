/* render.h: what the renderers of diagnostics share, private to diag/:
 * escape.c (what they all use), diag_render.c (text, JSON and the
 * dispatch), sarif.c, github.c. */
#ifndef CRRC_RENDER_H
#define CRRC_RENDER_H

#include <jansson.h>

#include "base/buf.h"
#include "diag/diag.h"

/* Bytes in the character at p (at most max); 1 for a byte that does not
 * start a valid sequence, which is then escaped. */
size_t diag_char_len(const char *p, size_t max);
/* The escaped form of the w bytes of one character at p; its width. */
size_t diag_put_char(struct buf *b, const char *p, size_t w);
/* s with control characters, C1 controls, line separators and bytes that
 * are not UTF-8 escaped (\x1B, \u0085), tabs as spaces. */
void diag_put_escaped(struct buf *b, const char *s);
/* "error", "warning", "note". */
const char *diag_sev_name(enum crrc_severity s);
/* A JSON string of s, or a placeholder when s is not valid UTF-8. */
json_t *diag_json_str(const char *s);

json_t *diag_render_sarif(const struct crrc_diags *d);
void diag_render_github(const struct crrc_diags *d, struct buf *b);

#endif
