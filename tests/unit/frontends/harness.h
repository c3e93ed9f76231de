/*
 * tests/unit/frontends/harness.h: force-included (-include) when a guest
 * kernel unit is compiled as host code for Check.  libc provides the
 * string routines (lib/string.c is not linked) and errno values; the guest
 * headers' own declarations stay compatible with them.
 */
#ifndef TESTS_FRONTENDS_HARNESS_H
#define TESTS_FRONTENDS_HARNESS_H

#define GK_HOST_TEST 1

#include <errno.h>
#include <stdint.h>
#include <string.h>

#endif
