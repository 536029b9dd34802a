/* escape.c: what every renderer of diagnostics needs: text from a spec
 * made safe to print (controls, C1 controls, line separators and bytes
 * that are not UTF-8 escaped), severity names, JSON strings. */
#include <stdbool.h>
#include <string.h>

#include "base/buf.h"
#include "diag/render.h"

static size_t utf8_width(unsigned char c)
{
	return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
}

/* Bytes in the character at p (at most max); 1 for a byte that does not
 * start a valid sequence, which is then escaped. */
size_t diag_char_len(const char *p, size_t max)
{
	size_t w = utf8_width((unsigned char)*p);
	if (w > max || (w > 1 && (unsigned char)*p < 0xC2))
		return 1;
	for (size_t i = 1; i < w; i++)
		if (((unsigned char)p[i] & 0xC0) != 0x80)
			return 1;
	return w;
}

/* C1 controls (U+0080..U+009F) and the line and paragraph separators. */
static bool is_wide_control(const unsigned char *p, size_t w)
{
	return (w == 2 && p[0] == 0xC2 && p[1] < 0xA0) ||
	       (w == 3 && p[0] == 0xE2 && p[1] == 0x80 && (p[2] == 0xA8 || p[2] == 0xA9));
}

/* Append the escaped form of one character; return its display width. */
size_t diag_put_char(struct buf *b, const char *p, size_t w)
{
	const unsigned char *u = (const unsigned char *)p;
	bool valid = w == utf8_width(u[0]) && (u[0] < 0x80 || u[0] >= 0xC2);
	if (u[0] == '\t') {
		buf_putc(b, ' ');
		return 1;
	}
	if (u[0] < 0x20 || u[0] == 0x7F || !valid) {
		buf_printf(b, "\\x%02X", u[0]);
		return 4;
	}
	if (is_wide_control(u, w)) {
		unsigned cp = w == 2 ? (unsigned)(u[1] & 0x3F) | 0x80 : 0x2000u | (u[2] & 0x3F);
		buf_printf(b, "\\u%04X", cp);
		return 6;
	}
	buf_put(b, p, w);
	return 1;
}

/* Escape a message for a terminal: control characters become \xNN. */
void diag_put_escaped(struct buf *b, const char *s)
{
	/* the end measured once: a message may quote a key of megabytes */
	for (const char *end = s + strlen(s); s < end;) {
		size_t w = diag_char_len(s, (size_t)(end - s));
		diag_put_char(b, s, w);
		s += w;
	}
}

const char *diag_sev_name(enum crrc_severity s)
{
	return s == CRRC_ERROR ? "error" : s == CRRC_WARNING ? "warning" : "note";
}

json_t *diag_json_str(const char *s)
{
	json_t *j = json_string(s);
	return j ? j : json_string("(not valid UTF-8)");
}
