/*
 * tests/unit/dom0-tools/xenstored/quota_test.c: quotas
 * (dom0-tools/xenstored/quota.c): defaults, names, setting them, and
 * the checks (dom0 is never limited); hostile values.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct store_who dom0 = {0, ~0u, true};
static const struct store_who dom5 = {5, ~0u, false};

START_TEST(test_defaults_and_names)
{
	struct store_quota q;
	enum store_quota_kind k;
	char buf[512];

	store_quota_defaults(&q);
	ck_assert_uint_eq(q.v[STORE_QUOTA_NODES], 1000);
	ck_assert_uint_eq(q.v[STORE_QUOTA_WATCHES], 128);
	ck_assert_uint_eq(q.v[STORE_QUOTA_TRANSACTIONS], 10);
	ck_assert_uint_eq(q.v[STORE_QUOTA_NODE_SIZE], 2048);
	ck_assert_uint_eq(q.v[STORE_QUOTA_OUTSTANDING], 20);
	ck_assert_int_eq(store_quota_lookup("node-size", &k), 0);
	ck_assert_int_eq(k, STORE_QUOTA_NODE_SIZE);
	ck_assert_int_eq(store_quota_lookup("bogus", &k), -EINVAL);
	ck_assert_int_gt(store_quota_format(&q, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "nodes 1000\n"));
	ck_assert_int_eq(store_quota_format(&q, buf, 8), -ENOSPC);
}
END_TEST

START_TEST(test_set)
{
	struct store_quota q;

	store_quota_defaults(&q);
	ck_assert_int_eq(store_quota_set(&q, "watches", "3"), 0);
	ck_assert_uint_eq(q.v[STORE_QUOTA_WATCHES], 3);
	ck_assert_int_eq(store_quota_set(&q, "watches", "0"), -EINVAL);
	ck_assert_int_eq(store_quota_set(&q, "watches", "-1"), -EINVAL);
	ck_assert_int_eq(store_quota_set(&q, "watches", "1x"), -EINVAL);
	ck_assert_int_eq(store_quota_set(&q, "watches", ""), -EINVAL);
	ck_assert_int_eq(store_quota_set(&q, "watches", "99999999999999"),
			 -EINVAL);
	ck_assert_int_eq(store_quota_set(&q, "nope", "3"), -EINVAL);
	ck_assert_uint_eq(q.v[STORE_QUOTA_WATCHES], 3);
}
END_TEST

START_TEST(test_checks)
{
	struct store_quota q;
	struct store_tree t;
	uint64_t gen = 0;
	char path[64];
	int i;

	store_quota_defaults(&q);
	store_quota_set(&q, "nodes", "4");
	ck_assert_int_eq(store_tree_init(&t, &gen), 0);
	for (i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "/local/domain/5/n%d", i);
		ck_assert_int_eq(store_quota_check_nodes(&q, &t, &dom5, 1), 0);
		store_write(&t, path, "", 0, &dom5, NULL);
	}
	/* /local/domain/5 itself was made by dom5 too: 4 owned */
	ck_assert_int_eq(store_quota_check_nodes(&q, &t, &dom5, 1), -ENOSPC);
	ck_assert_int_eq(store_quota_check_nodes(&q, &t, &dom0, 100), 0);
	ck_assert_int_eq(store_quota_check_value(&q, &dom5, 2048), 0);
	ck_assert_int_eq(store_quota_check_value(&q, &dom5, 2049), -ENOSPC);
	ck_assert_int_eq(store_quota_check_value(&q, &dom0, 4096), 0);
	ck_assert_int_eq(store_quota_check_perms(&q, &dom5, 6), -ENOSPC);
	ck_assert_int_eq(store_quota_check_perms(&q, &dom0, 60), 0);
	store_tree_free(&t);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_quota");
	TCase *tc = tcase_create("quota");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_defaults_and_names);
	tcase_add_test(tc, test_set);
	tcase_add_test(tc, test_checks);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
