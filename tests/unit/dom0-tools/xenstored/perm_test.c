/*
 * tests/unit/dom0-tools/xenstored/perm_test.c: permissions
 * (dom0-tools/xenstored/perm.c): parsing, access, inheritance, who may
 * change them, SET_TARGET; hostile permission strings.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct store_who dom0 = {0, ~0u, true};
static const struct store_who dom5 = {5, ~0u, false};
static const struct store_who dom6 = {6, ~0u, false};
static uint64_t gen;
static struct store_tree t;

static void
setup(void)
{
	ck_assert_int_eq(store_tree_init(&t, &gen), 0);
}

static void
teardown(void)
{
	store_tree_free(&t);
}

static void
set(const char *path, const char *const *p, uint32_t nr)
{
	struct store_perms perms = {.nr = nr};
	uint32_t i;

	for (i = 0; i < nr; i++)
		ck_assert_int_eq(store_perm_parse(p[i], &perms.p[i]), 0);
	ck_assert_int_eq(store_set_perms(&t, path, &perms), 0);
}

START_TEST(test_parse_format)
{
	static const char *const good[] = {"n0", "r5", "w7", "b32751"};
	static const char *const bad[] = {
		"", "x1", "r", "r-1", "r 1", "r1x", "b32752", "r99999999999"};
	struct store_perm p;
	char buf[16];
	size_t i;

	for (i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		ck_assert_int_eq(store_perm_parse(good[i], &p), 0);
		store_perm_format(&p, buf, sizeof(buf));
		ck_assert_str_eq(buf, good[i]);
	}
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert_int_eq(store_perm_parse(bad[i], &p), -EINVAL);
}
END_TEST

START_TEST(test_access)
{
	static const char *const p[] = {"n5", "r6"};
	struct store_node *n;

	store_write(&t, "/local/domain/5/x", "", 0, &dom0, NULL);
	n = store_lookup(&t, "/local/domain/5/x");
	/* default n0: nobody but dom0 */
	ck_assert_int_eq(store_perm_check(n, &dom5, STORE_PERM_READ), -EACCES);
	ck_assert_int_eq(store_perm_check(n, &dom0, STORE_PERM_WRITE), 0);
	set("/local/domain/5/x", p, 2);
	ck_assert_int_eq(store_perm_check(n, &dom5, STORE_PERM_WRITE), 0);
	ck_assert_int_eq(store_perm_check(n, &dom6, STORE_PERM_READ), 0);
	ck_assert_int_eq(store_perm_check(n, &dom6, STORE_PERM_WRITE), -EACCES);
}
END_TEST

START_TEST(test_default_entry)
{
	static const char *const p[] = {"r0"};
	struct store_node *n;

	store_write(&t, "/pub", "", 0, &dom0, NULL);
	set("/pub", p, 1);
	n = store_lookup(&t, "/pub");
	ck_assert_int_eq(store_perm_check(n, &dom6, STORE_PERM_READ), 0);
	ck_assert_int_eq(store_perm_check(n, &dom6, STORE_PERM_WRITE), -EACCES);
}
END_TEST

START_TEST(test_inherit_owner)
{
	static const char *const p[] = {"n0", "b5"};
	struct store_node *n;

	store_write(&t, "/local/domain/5", "", 0, &dom0, NULL);
	set("/local/domain/5", p, 2);
	store_write(&t, "/local/domain/5/data/k", "v", 1, &dom5, NULL);
	n = store_lookup(&t, "/local/domain/5/data/k");
	ck_assert_uint_eq(n->nr_perms, 2);
	ck_assert_uint_eq(n->perms[0].domid, 5); /* the creator owns it */
	ck_assert_uint_eq(store_count_owned(t.root, 5), 2);
	store_disown(&t, 5);
	ck_assert_uint_eq(store_count_owned(t.root, 5), 0);
}
END_TEST

START_TEST(test_may_set)
{
	static const char *const p[] = {"n5"};
	struct store_perms np = {.nr = 1, .p = {{5, STORE_PERM_READ}}};
	struct store_perms steal = {.nr = 1, .p = {{6, STORE_PERM_NONE}}};
	struct store_node *n;

	store_write(&t, "/o", "", 0, &dom0, NULL);
	set("/o", p, 1);
	n = store_lookup(&t, "/o");
	ck_assert_int_eq(store_perm_may_set(n, &dom5, &np), 0);
	ck_assert_int_eq(store_perm_may_set(n, &dom6, &np), -EACCES);
	ck_assert_int_eq(store_perm_may_set(n, &dom5, &steal), -EPERM);
	ck_assert_int_eq(store_perm_may_set(n, &dom0, &steal), 0);
}
END_TEST

START_TEST(test_target)
{
	static const char *const p[] = {"n5"};
	struct store_who dm = {9, 5, false};
	struct store_node *n;

	store_write(&t, "/t", "", 0, &dom0, NULL);
	set("/t", p, 1);
	n = store_lookup(&t, "/t");
	ck_assert_int_eq(store_perm_check(n, &dm, STORE_PERM_WRITE), 0);
	dm.target = ~0u;
	ck_assert_int_eq(store_perm_check(n, &dm, STORE_PERM_READ), -EACCES);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_perm");
	TCase *tc = tcase_create("perm");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_parse_format);
	tcase_add_test(tc, test_access);
	tcase_add_test(tc, test_default_entry);
	tcase_add_test(tc, test_inherit_owner);
	tcase_add_test(tc, test_may_set);
	tcase_add_test(tc, test_target);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
