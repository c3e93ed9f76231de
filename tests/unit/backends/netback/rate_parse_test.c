/*
 * tests/unit/backends/netback/rate_parse_test.c: the vif `rate` parser
 * (backends/netback/rate_parse.c): xl's units and intervals, the 50 ms
 * default, and hostile strings (missing parts, junk, zero, overflow).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>

#include "netback.h"

static int
parse(const char *s, uint64_t *bytes, uint64_t *us)
{
	*bytes = *us = 0;
	return netback_rate_parse(s, bytes, us);
}

START_TEST(units_and_intervals)
{
	static const struct {
		const char *s;
		uint64_t bytes, us;
	} ok[] = {
		{"10Mb/s", 62500, 50000},      {"8Mb/s", 50000, 50000},
		{"10Mb/s@20ms", 25000, 20000}, {"1MB/s@1s", 1000000, 1000000},
		{"100KB/s@500us", 50, 500},    {"100kB/s@500", 50, 500},
		{"5Gb/s", 31250000, 50000},    {"1000B/s@1ms", 1, 1000},
		{"3B/s@1ms", 1, 1000}, /* below one byte: one */
	};
	uint64_t b, u;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		ck_assert_msg(parse(ok[i].s, &b, &u) == 0, "%s", ok[i].s);
		ck_assert_uint_eq(b, ok[i].bytes);
		ck_assert_uint_eq(u, ok[i].us);
	}
}
END_TEST

START_TEST(hostile_strings)
{
	static const char *const bad[] = {
		"",	   "10",	"10Mb",	       "Mb/s",	      "10Mx/s",
		"10Mb/s@", "10Mb/s@5x", "10Mb/s junk", "10Mb/s@-1ms", "-10Mb/s",
		"10 Mb/s", "10Mb/m",
	};
	static const char *const range[] = {
		"0Mb/s",
		"10Mb/s@0ms",
		"99999999999999999999Mb/s",
		"9999999999999Gb/s",
		"1000000GB/s@4294967295us",
		"10Mb/s@5000s",
	};
	uint64_t b, u;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_msg(parse(bad[i], &b, &u) == -EINVAL, "'%s'", bad[i]);
	for (size_t i = 0; i < sizeof(range) / sizeof(range[0]); i++)
		ck_assert_msg(parse(range[i], &b, &u) == -ERANGE, "'%s'",
			      range[i]);
	/* The largest accepted: no overflow in bytes per interval. */
	ck_assert_int_eq(parse("1099511627776B/s@4294967295us", &b, &u), 0);
	ck_assert_uint_eq(b, 4722366481770133ull);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netback_rate_parse");
	TCase *tc = tcase_create("rate_parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, units_and_intervals);
	tcase_add_test(tc, hostile_strings);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
