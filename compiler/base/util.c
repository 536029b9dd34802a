/* util.c: edit distance for "did you mean", and small string helpers. */
#include "base/util.h"

#include <stdlib.h>
#include <string.h>

size_t crrc_edit_distance(const char *a, const char *b, size_t limit)
{
	/* never more than 65 bytes of either: a long word costs no more */
	size_t la = strnlen(a, 65), lb = strnlen(b, 65);
	if (la > 64 || lb > 64)
		return limit + 1;
	if ((la > lb ? la - lb : lb - la) > limit)
		return limit + 1;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t diag = row[0], best = i;
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t up = row[j];
			size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
			size_t v = diag + cost;
			if (up + 1 < v)
				v = up + 1;
			if (row[j - 1] + 1 < v)
				v = row[j - 1] + 1;
			row[j] = v;
			diag = up;
			if (v < best)
				best = v;
		}
		if (best > limit)
			return limit + 1;
	}
	return row[lb];
}

static size_t common_prefix(const char *a, const char *b)
{
	size_t n = 0;
	while (a[n] && a[n] == b[n])
		n++;
	return n;
}

static size_t suggest_limit(const char *word)
{
	size_t n = strnlen(word, 9);
	return n <= 3 ? 1 : n <= 8 ? 2 : 3;
}

/* Whether word abbreviates cand: a prefix of it of 3 characters or more
 * ("encrypt": encryption), or its letters in order, from cand's first
 * ("tf": terraform). */
static bool abbreviates(const char *word, const char *cand)
{
	size_t n = strlen(word);
	if (n >= 3 && n < strlen(cand) && strncmp(cand, word, n) == 0)
		return true;
	if (n < 2 || n >= strlen(cand) || word[0] != cand[0])
		return false;
	for (const char *c = cand; *word && *c; c++)
		if (*c == *word)
			word++;
	return !*word;
}

/* The one candidate that word abbreviates; NULL when none or several. */
static const char *abbreviated(const char *word, const void *base, size_t n, size_t stride,
			       size_t off)
{
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *cand = *(const char *const *)((const char *)base + i * stride + off);
		if (!cand || !abbreviates(word, cand))
			continue;
		if (found && strcmp(found, cand) != 0)
			return NULL;
		found = cand;
	}
	return found;
}

const char *crrc_suggest_in(const char *word, const void *base, size_t n, size_t stride,
			    size_t off)
{
	size_t limit = suggest_limit(word), best = limit + 1;
	const char *found = NULL;
	for (size_t i = 0; i < n; i++) {
		const char *cand = *(const char *const *)((const char *)base + i * stride + off);
		if (!cand)
			continue;
		size_t d = crrc_edit_distance(word, cand, limit);
		if (d > limit || d >= strlen(cand))
			continue;
		/* on a tie the longer common prefix wins: "rule" means "rules",
		 * not "role" */
		if (d < best || (d == best && common_prefix(word, cand) > common_prefix(word, found))) {
			best = d;
			found = cand;
		}
	}
	return found ? found : abbreviated(word, base, n, stride, off);
}

const char *crrc_suggest(const char *word, const char *const *cands, size_t n)
{
	return crrc_suggest_in(word, cands, n, sizeof(*cands), 0);
}

size_t crrc_utf8_len(const char *s, size_t len)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		if (((unsigned char)s[i] & 0xC0) != 0x80)
			n++;
	return n;
}

size_t utf8_char_at(const char *s, size_t len, size_t i, char buf[8])
{
	size_t n = 1;
	while (i + n < len && n < 4 && ((unsigned char)s[i + n] & 0xC0) == 0x80)
		n++;
	memcpy(buf, s + i, n);
	buf[n] = '\0';
	return n;
}

bool str_all_digits(const char *s, size_t len)
{
	if (!s || len == 0)
		return false;
	for (size_t i = 0; i < len; i++)
		if (s[i] < '0' || s[i] > '9')
			return false;
	return true;
}

bool str_is_digits(const char *s, size_t len, size_t n)
{
	return len == n && str_all_digits(s, len);
}
