/*
 * tests/unit/frontends/lib/printf_test.c: the guest kernel's bounded
 * formatter (frontends/lib/printf.c) against libc's snprintf for the
 * conversions it supports, plus truncation and hostile formats.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>

#include "gk/printf.h"

#define CHECK_SAME(...)                                                        \
	do {                                                                   \
		char want[256], got[256];                                      \
		int nw = snprintf(want, sizeof(want), __VA_ARGS__);            \
		int ng = gk_snprintf(got, sizeof(got), __VA_ARGS__);           \
		ck_assert_str_eq(got, want);                                   \
		ck_assert_int_eq(ng, nw);                                      \
	} while (0)

START_TEST(test_integers)
{
	CHECK_SAME("%d %i %u", 0, -1, 4000000000u);
	CHECK_SAME("%d", -2147483647 - 1);
	CHECK_SAME("%lld %llu", -9223372036854775807ll - 1,
		   18446744073709551615ull);
	CHECK_SAME("%ld %lu %zu", -5l, 5ul, (size_t)77);
	CHECK_SAME("%hhd %hd %hhu", 300, 70000, 511);
	CHECK_SAME("%x %X %o %#x %#X %#x", 0xdeadbeefu, 0xabcu, 8u, 255u, 255u,
		   0u);
	CHECK_SAME("%lx %016lx", 0x123456789abcdeful, 0x1ul);
}
END_TEST

START_TEST(test_width_flags)
{
	CHECK_SAME("[%5d] [%-5d] [%05d] [%+d] [% d]", 42, 42, 42, 42, 42);
	CHECK_SAME("[%05d] [%-5d] [%.3d] [%8.3d]", -42, -42, 7, -7);
	CHECK_SAME("[%*d] [%-*d] [%.*d]", 6, 1, 6, 1, 4, 9);
	CHECK_SAME("[%.0d] [%.0x]", 0, 0);
	CHECK_SAME("[%s] [%10s] [%-10s] [%.2s]", "abc", "abc", "abc", "abc");
	CHECK_SAME("[%c] [%3c] [%-3c] [%%]", 'x', 'y', 'z');
	CHECK_SAME("%p", (void *)0x1000);
}
END_TEST

START_TEST(test_truncation)
{
	char buf[8];
	int n;

	memset(buf, 'Z', sizeof(buf));
	n = gk_snprintf(buf, sizeof(buf), "%s-%d", "abcdef", 12345);
	ck_assert_int_eq(n, 12);
	ck_assert_str_eq(buf, "abcdef-");
	n = gk_snprintf(buf, 1, "hello");
	ck_assert_int_eq(n, 5);
	ck_assert_str_eq(buf, "");
	buf[0] = 'Q';
	n = gk_snprintf(buf, 0, "hello");
	ck_assert_int_eq(n, 5);
	ck_assert_int_eq(buf[0], 'Q');
}
END_TEST

START_TEST(test_hostile_formats)
{
	/* Formats a compiler would reject, passed where it cannot see them. */
	const char *volatile unknown = "a%qb", *volatile trailing = "end%";
	const char *volatile null_str = NULL;
	char buf[32];

	/* Unknown conversions are echoed, a trailing '%' is harmless. */
	gk_snprintf(buf, sizeof(buf), unknown, 0);
	ck_assert_str_eq(buf, "a%qb");
	gk_snprintf(buf, sizeof(buf), trailing, 0);
	ck_assert_str_eq(buf, "end%");
	gk_snprintf(buf, sizeof(buf), "%s", null_str);
	ck_assert_str_eq(buf, "(null)");
	/* Absurd widths are capped and still bounded by the buffer. */
	ck_assert_int_gt(gk_snprintf(buf, sizeof(buf), "%999999999d", 1), 4000);
	ck_assert_uint_eq(strlen(buf), sizeof(buf) - 1);
}
END_TEST

static Suite *
printf_suite(void)
{
	Suite *s = suite_create("gk_printf");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_integers);
	tcase_add_test(tc, test_width_flags);
	tcase_add_test(tc, test_truncation);
	tcase_add_test(tc, test_hostile_formats);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(printf_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
