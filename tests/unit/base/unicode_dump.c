/* unicode_dump.c: what base/unicode.c answers for every code point, for
 * test_unicode.py to compare with Python's unicodedata. Prints the table's
 * version, then the ranges of code points unicode_is_lzn accepts ("L first
 * last", hex), the code points unicode_fold changes ("F cp folded"), and
 * the ranges of unicode_is_xml_char ("X first last"). Every code point is
 * looked up, so the binary searches are tested with the data. */
#include <stdio.h>

#include "base/unicode.h"

static void ranges(char tag, bool (*pred)(uint32_t))
{
	uint32_t start = 0;
	bool in = false;
	for (uint32_t cp = 0; cp <= 0x110000; cp++) {
		bool now = cp <= 0x10FFFF && pred(cp);
		if (now && !in)
			start = cp;
		else if (!now && in)
			printf("%c %X %X\n", tag, start, cp - 1);
		in = now;
	}
}

int main(void)
{
	printf("V %s\n", unicode_version());
	ranges('L', unicode_is_lzn);
	ranges('X', unicode_is_xml_char);
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++)
		if (unicode_fold(cp) != cp)
			printf("F %X %X\n", cp, unicode_fold(cp));
	/* UTF-8: every code point, encoded and decoded back (a length that
	 * disagrees with the encoding's would fail too) */
	for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
		if (cp >= 0xD800 && cp <= 0xDFFF)
			continue;
		char b[4];
		size_t n = utf8_encode(cp, b);
		uint32_t got;
		size_t want = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
		if (n != want || utf8_decode_at(b, n, 0, &got) != n || got != cp) {
			printf("D %X\n", cp);
			return 1;
		}
	}
	return 0;
}
