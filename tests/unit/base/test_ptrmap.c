/* test_ptrmap.c: the map from (pointer, number) that lets passes work once
 * per value: every key found again after growth, (pointer, number) pairs
 * kept apart, the first value kept on a second put. */
#include <check.h>
#include <stdint.h>

#include "base/arena.h"
#include "base/ptrmap.h"
#include "check_main.h"

START_TEST(test_ptrmap_grows)
{
	struct arena *a = arena_create_sized(4096);
	struct ptrmap *m = ptrmap_create(a, 0);
	static char text[20000];
	for (size_t i = 0; i < 20000; i++)
		ck_assert(ptrmap_put(m, &text[i], i % 3, (void *)(uintptr_t)(i + 1), NULL));
	ck_assert_uint_eq(ptrmap_count(m), 20000);
	for (size_t i = 0; i < 20000; i++) {
		ck_assert_ptr_eq(ptrmap_get(m, &text[i], i % 3), (void *)(uintptr_t)(i + 1));
		ck_assert_ptr_null(ptrmap_get(m, &text[i], i % 3 + 1)); /* another number */
	}
	arena_destroy(a);
}
END_TEST

START_TEST(test_ptrmap_slot_and_put)
{
	struct arena *a = arena_create_sized(4096);
	struct ptrmap *m = ptrmap_create(a, 4);
	int x, y;
	bool fresh;
	void **slot = ptrmap_slot(m, &x, 0, &fresh);
	ck_assert(fresh);
	ck_assert_ptr_null(*slot);
	*slot = &y;
	ck_assert_ptr_eq(*ptrmap_slot(m, &x, 0, &fresh), &y);
	ck_assert(!fresh);
	void *old = NULL;
	ck_assert(!ptrmap_put(m, &x, 0, &x, &old));
	ck_assert_ptr_eq(old, &y);
	ck_assert_ptr_eq(ptrmap_get(m, &x, 0), &y); /* the first value stays */
	/* a NULL pointer with a number is a key as good as any */
	ck_assert(ptrmap_put(m, NULL, 7, &x, NULL));
	ck_assert_ptr_eq(ptrmap_get(m, NULL, 7), &x);
	ck_assert_uint_eq(ptrmap_count(m), 2);
	arena_destroy(a);
}
END_TEST

static Suite *ptrmap_suite(void)
{
	Suite *s = suite_create("ptrmap");
	TCase *t = tcase_create("ptrmap");
	tcase_add_test(t, test_ptrmap_grows);
	tcase_add_test(t, test_ptrmap_slot_and_put);
	suite_add_tcase(s, t);
	return s;
}

int main(void)
{
	return check_main(ptrmap_suite());
}
