/* unicode.c: UTF-8 decoding, XML 1.0's characters, and look-ups in the
 * generated table of general categories and case folding (binary search over
 * sorted ranges). */
#include "base/unicode.h"

#include "base/unicode_table.h"

size_t utf8_decode_at(const char *s, size_t len, size_t i, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)s + i;
	size_t w = u[0] < 0x80 ? 1 : u[0] >= 0xF0 ? 4 : u[0] >= 0xE0 ? 3 : u[0] >= 0xC0 ? 2 : 1;
	if (w > len - i)
		w = 1;
	uint32_t v = w == 1 ? u[0] : (uint32_t)(u[0] & (0x7F >> w));
	for (size_t k = 1; k < w; k++)
		v = (v << 6) | (u[k] & 0x3F);
	*cp = v;
	return w;
}

size_t utf8_encode(uint32_t cp, char out[4])
{
	if (cp < 0x80) {
		out[0] = (char)cp;
		return 1;
	}
	size_t n = cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
	static const unsigned char lead[] = {0, 0, 0xC0, 0xE0, 0xF0};
	for (size_t k = n - 1; k > 0; k--, cp >>= 6)
		out[k] = (char)(0x80 | (cp & 0x3F));
	out[0] = (char)(lead[n] | cp);
	return n;
}

bool unicode_is_xml_char(uint32_t cp)
{
	if (cp < 0x20)
		return cp == '\t' || cp == '\n' || cp == '\r';
	return cp <= 0xD7FF || (cp >= 0xE000 && cp <= 0xFFFD) || (cp >= 0x10000 && cp <= 0x10FFFF);
}

bool unicode_is_lzn(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(lzn_ranges) / sizeof(lzn_ranges[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (cp < lzn_ranges[mid][0])
			hi = mid;
		else if (cp > lzn_ranges[mid][1])
			lo = mid + 1;
		else
			return true;
	}
	return false;
}

uint32_t unicode_fold(uint32_t cp)
{
	size_t lo = 0, hi = sizeof(fold_runs) / sizeof(fold_runs[0]);
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct fold_run *r = &fold_runs[mid];
		if (cp < r->first)
			hi = mid;
		else if (cp > r->last)
			lo = mid + 1;
		else
			return (cp - r->first) % r->stride ? cp : (uint32_t)((int32_t)cp + r->delta);
	}
	return cp;
}

const char *unicode_version(void)
{
	return UNICODE_TABLE_VERSION;
}
