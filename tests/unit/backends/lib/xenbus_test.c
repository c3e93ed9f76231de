/*
 * tests/unit/backends/lib/xenbus_test.c: the strict parsers behind every
 * value a backend reads from xenstore (numbers a frontend writes, watch
 * paths), and the state names.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>

#include "xenbus.h"

START_TEST(test_numbers)
{
	uint64_t v64;
	uint32_t v;

	ck_assert_int_eq(be_xenbus_parse_u32("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(be_xenbus_parse_u32("4294967295", &v), 0);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_int_eq(be_xenbus_parse_u32("4294967296", &v), -ERANGE);
	ck_assert_int_eq(be_xenbus_parse_u64("18446744073709551615", &v64), 0);
	ck_assert_int_eq(be_xenbus_parse_u64("18446744073709551616", &v64),
			 -ERANGE);
	ck_assert_int_eq(be_xenbus_parse_u32("", &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32(NULL, &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32("-1", &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32(" 1", &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32("1 ", &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32("0x10", &v), -EINVAL);
	ck_assert_int_eq(be_xenbus_parse_u32("12a", &v), -EINVAL);
}
END_TEST

START_TEST(test_backend_paths)
{
	uint32_t dom, dev;
	const char *rest;

	ck_assert_int_eq(be_xenbus_parse_backend_path(
				 "/local/domain/0/backend/vbd/5/51712", "vbd",
				 &dom, &dev, &rest),
			 0);
	ck_assert_uint_eq(dom, 5);
	ck_assert_uint_eq(dev, 51712);
	ck_assert_str_eq(rest, "");
	ck_assert_int_eq(be_xenbus_parse_backend_path(
				 "/local/domain/0/backend/vbd/5/51712/state",
				 "vbd", &dom, &dev, &rest),
			 0);
	ck_assert_str_eq(rest, "/state");
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/0/backend/vbd/5",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/0/backend/vif/5/0",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/0/backend/vbdx/5/0",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/0/backend/vbd/x/0",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/0/backend/vbd/5/0x",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path(
			"/local/domain/0/backend/vbd/99999999999999999/0",
			"vbd", &dom, &dev, NULL),
		-EINVAL);
	ck_assert_int_eq(
		be_xenbus_parse_backend_path("/local/domain/1/backend/vbd/5/0",
					     "vbd", &dom, &dev, NULL),
		-EINVAL);
}
END_TEST

START_TEST(test_state_names)
{
	ck_assert_str_eq(be_xenbus_state_name(XenbusStateConnected),
			 "Connected");
	ck_assert_str_eq(be_xenbus_state_name(XenbusStateInitWait), "InitWait");
	ck_assert_str_eq(be_xenbus_state_name((enum xenbus_state)42), "?");
}
END_TEST

static Suite *
xenbus_suite(void)
{
	Suite *s = suite_create("be_xenbus");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_numbers);
	tcase_add_test(tc, test_backend_paths);
	tcase_add_test(tc, test_state_names);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xenbus_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
