/* check_main.h: the main of every Check test program: run a suite, exit 0
 * when nothing failed. */
#ifndef CRRC_CHECK_MAIN_H
#define CRRC_CHECK_MAIN_H

#include <check.h>
#include <stdlib.h>

static inline int check_main(Suite *s)
{
	SRunner *r = srunner_create(s);
	srunner_run_all(r, CK_NORMAL);
	int failed = srunner_ntests_failed(r);
	srunner_free(r);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}

#endif
