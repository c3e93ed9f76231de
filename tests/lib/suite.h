/*
 * tests/lib/suite.h: the main() of an integration suite that boots guests:
 * skip (with Check's summary line, which tools/run-tests.sh counts) when
 * this machine has no /dev/kvm, else run the suite.
 */
#ifndef TESTS_SUITE_H
#define TESTS_SUITE_H

#include <check.h>

/* prog: the test's name for the skip line; make: builds the suite.  The
 * exit status: 0, or 1 when a check failed. */
int suite_main(const char *prog, Suite *(*make)(void));

#endif
