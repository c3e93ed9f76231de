/*
 * tests/integration/demo_test.c: the README's first command ends in
 * `make run`; this runs the same script (tools/demo.sh) against this
 * build and checks that the demo guest reached its disk through
 * xylem-blkback and the host through xylem-netback, on its console.
 */
#include <check.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness.h"
#include "proc.h"
#include "suite.h"

START_TEST(make_run_demo_passes)
{
	char build[PATH_MAX], script[PATH_MAX + 32];
	char *argv[] = {"/bin/bash", script, build, NULL};
	struct proc p;
	int rc;

	ck_assert_int_eq(harness_build_path("", build, sizeof(build)), 0);
	/* build/ sits in the source tree: the script is ../tools/demo.sh */
	snprintf(script, sizeof(script), "%s/../tools/demo.sh", build);
	rc = proc_run(&p, NULL, argv, 180000);
	if (rc != 0 || !strstr(p.out, "2 passed, 0 failed"))
		fprintf(stderr, "---- make run ----\n%s\n----\n", p.out);
	ck_assert_int_eq(rc, 0);
	ck_assert_ptr_nonnull(strstr(p.out, "read back: identical"));
	ck_assert_ptr_nonnull(strstr(p.out, "demo: ping 10.99.0.1 seq 2"));
	ck_assert_ptr_nonnull(strstr(p.out, "2 passed, 0 failed"));
	proc_free(&p);
}
END_TEST

static Suite *
demo_suite(void)
{
	Suite *s = suite_create("demo");
	TCase *tc = tcase_create("make-run");

	tcase_set_timeout(tc, 240);
	tcase_add_test(tc, make_run_demo_passes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("demo_test", demo_suite);
}
