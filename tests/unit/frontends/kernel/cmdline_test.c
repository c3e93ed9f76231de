/*
 * tests/unit/frontends/kernel/cmdline_test.c: command-line lookups
 * (frontends/kernel/cmdline.c): keys, bare flags, numbers, and hostile
 * lines (overlong values, unterminated lines, numeric overflow).
 */
#include <check.h>
#include <stdlib.h>

#include "gk/cmdline.h"

START_TEST(test_get)
{
	const char *cl = "  app=selftest\tseed=42 verbose loglevel=3 app2=x";
	char buf[32];

	ck_assert_int_eq(gk_cmdline_get(cl, "app", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "selftest");
	ck_assert_int_eq(gk_cmdline_get(cl, "verbose", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "");
	ck_assert_int_eq(gk_cmdline_get(cl, "app2", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "x");
	ck_assert_int_eq(gk_cmdline_get(cl, "ap", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(gk_cmdline_get(cl, "seed=4", buf, sizeof(buf)),
			 -ENOENT);
	ck_assert_int_eq(gk_cmdline_get(cl, "", buf, sizeof(buf)), -ENOENT);
	ck_assert_int_eq(gk_cmdline_get("", "app", buf, sizeof(buf)), -ENOENT);
	/* The last occurrence wins. */
	ck_assert_int_eq(gk_cmdline_get("a=1 a=2", "a", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "2");
}
END_TEST

START_TEST(test_too_long)
{
	char buf[4];

	ck_assert_int_eq(gk_cmdline_get("app=abcd", "app", buf, sizeof(buf)),
			 -ENAMETOOLONG);
	ck_assert_int_eq(gk_cmdline_get("app=abc", "app", buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "abc");
}
END_TEST

START_TEST(test_numbers)
{
	uint64_t v = 0;

	ck_assert_int_eq(gk_cmdline_get_u64("count=1000", "count", &v), 0);
	ck_assert_uint_eq(v, 1000);
	ck_assert_int_eq(gk_cmdline_get_u64("x=0x1F", "x", &v), 0);
	ck_assert_uint_eq(v, 31);
	ck_assert_int_eq(gk_cmdline_get_u64("x=18446744073709551615", "x", &v),
			 0);
	ck_assert_uint_eq(v, UINT64_MAX);
	ck_assert_int_eq(gk_cmdline_get_u64("x=18446744073709551616", "x", &v),
			 -ERANGE);
	ck_assert_int_eq(gk_cmdline_get_u64("x=0x10000000000000000", "x", &v),
			 -ERANGE);
	ck_assert_int_eq(gk_cmdline_get_u64("x=12a", "x", &v), -EINVAL);
	ck_assert_int_eq(gk_cmdline_get_u64("x=", "x", &v), -EINVAL);
	ck_assert_int_eq(gk_cmdline_get_u64("x=0x", "x", &v), -EINVAL);
	ck_assert_int_eq(gk_cmdline_get_u64("x=-1", "x", &v), -EINVAL);
	ck_assert_int_eq(gk_cmdline_get_u64("y=1", "x", &v), -ENOENT);
	ck_assert_int_eq(
		gk_cmdline_get_u64("x=000000000000000000000000000000000000001",
				   "x", &v),
		-ERANGE);
}
END_TEST

START_TEST(test_bounded_scan)
{
	/* A line longer than GK_CMDLINE_MAX: keys past the limit are not
	 * seen, and the scan never reads beyond it. */
	size_t len = GK_CMDLINE_MAX + 64;
	char *cl = malloc(len + 1);
	char buf[8];

	ck_assert_ptr_nonnull(cl);
	memset(cl, 'a', len);
	memcpy(cl + len - 5, " k=1", 4);
	cl[len - 1] = 'b';
	cl[len] = '\0';
	ck_assert_int_eq(gk_cmdline_get(cl, "k", buf, sizeof(buf)), -ENOENT);
	free(cl);
}
END_TEST

static Suite *
cmdline_suite(void)
{
	Suite *s = suite_create("gk_cmdline");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, test_get);
	tcase_add_test(tc, test_too_long);
	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_bounded_scan);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(cmdline_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
