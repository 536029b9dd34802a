/* test_diag_quote.c: spec text in messages, bounded whatever its length:
 * a short value quoted whole, a long one by its ends at character
 * boundaries around the number of bytes left out; and diags_once, which
 * tells a pass that a repeat need not be formatted. */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "diag/diag.h"
#include "check_main.h"

START_TEST(test_quote_short)
{
	char q[DIAG_QUOTE_BUF];
	const char *s = "us-east-1";
	ck_assert_ptr_eq(diag_quote(q, s, strlen(s)), s);
	ck_assert_str_eq(diag_quote(q, NULL, 0), "");
	char exact[DIAG_QUOTE_MAX + 1];
	memset(exact, 'a', DIAG_QUOTE_MAX);
	exact[DIAG_QUOTE_MAX] = '\0';
	ck_assert_ptr_eq(diag_quote(q, exact, DIAG_QUOTE_MAX), exact);
}
END_TEST

START_TEST(test_quote_long)
{
	size_t len = 100000;
	char *s = malloc(len + 1), q[DIAG_QUOTE_BUF];
	for (size_t i = 0; i < len; i++)
		s[i] = (char)('a' + i % 26);
	/* a two-byte character across each cut: never split */
	memcpy(s + DIAG_QUOTE_KEEP - 1, "\xc3\xa9", 2);
	memcpy(s + len - DIAG_QUOTE_KEEP - 1, "\xc3\xa9", 2);
	s[len] = '\0';
	const char *out = diag_quote(q, s, len);
	ck_assert_ptr_eq(out, q);
	ck_assert_uint_lt(strlen(out), DIAG_QUOTE_BUF);
	ck_assert(strncmp(out, s, DIAG_QUOTE_KEEP - 1) == 0);
	ck_assert_ptr_nonnull(strstr(out, " [... "));
	ck_assert_ptr_nonnull(strstr(out, " bytes ...] "));
	size_t n = strlen(out);
	ck_assert(strcmp(out + n - (DIAG_QUOTE_KEEP - 1), s + len - (DIAG_QUOTE_KEEP - 1)) == 0);
	/* the bytes left out are counted: what is shown plus them is all */
	const char *mark = strstr(out, " [... ");
	size_t cut = strtoul(mark + 6, NULL, 10);
	const char *tail = strstr(mark, " bytes ...] ") + 12;
	ck_assert_uint_eq((size_t)(mark - out) + cut + strlen(tail), len);
	for (const char *p = out; *p; p++) /* valid UTF-8 around the cut */
		if ((unsigned char)*p == 0xc3)
			ck_assert_uint_eq((unsigned char)p[1], 0xa9);
	free(s);
}
END_TEST

START_TEST(test_once)
{
	struct crrc_diags *d = diags_create();
	diags_set_file(d, "a.crr.yaml", NULL, 0);
	struct crrc_pos p = {3, 6, 1}, r = {3, 7, 1};
	ck_assert(diags_once(d, CRRC_E034, p, 1, 2));
	ck_assert(!diags_once(d, CRRC_E034, p, 1, 2));
	ck_assert(diags_once(d, CRRC_E034, p, 1, 3)); /* another key */
	ck_assert(diags_once(d, CRRC_E035, p, 1, 2)); /* another code */
	ck_assert(diags_once(d, CRRC_E034, r, 1, 2)); /* another place */
	diags_set_file(d, "b.crr.yaml", NULL, 0);
	ck_assert(diags_once(d, CRRC_E034, p, 1, 2)); /* another file */
	ck_assert_uint_eq(diags_count(d), 0);
	diags_destroy(d);
}
END_TEST

static Suite *quote_suite(void)
{
	Suite *s = suite_create("diag-quote");
	TCase *t = tcase_create("quote");
	tcase_add_test(t, test_quote_short);
	tcase_add_test(t, test_quote_long);
	tcase_add_test(t, test_once);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(quote_suite());
}
