/*
 * tests/lib/suite.c: the skip-or-run main() of integration suites (see
 * suite.h).  The only skip reason is an absent /dev/kvm (harness.h).
 */
#include <stdio.h>

#include "harness.h"
#include "suite.h"

int
suite_main(const char *prog, Suite *(*make)(void))
{
	const char *skip = harness_skip_reason();
	SRunner *sr;
	int failed;

	if (skip) {
		printf("%s: skipped: %s\n", prog, skip);
		printf("100%%: Checks: 0, Failures: 0, Errors: 0\n");
		return 0;
	}
	sr = srunner_create(make());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
