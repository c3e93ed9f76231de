/*
 * tests/unit/dom0-tools/xenstored/txn_test.c: transactions
 * (dom0-tools/xenstored/txn.c): isolation, commit, conflicts (EAGAIN
 * only when a node read has changed), replay of removals, the
 * transaction-nodes limit.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct store_who dom0 = {0, ~0u, true};
static uint64_t gen;
static struct store_tree t;

static void
setup(void)
{
	ck_assert_int_eq(store_tree_init(&t, &gen), 0);
	store_write(&t, "/a", "1", 1, &dom0, NULL);
	store_write(&t, "/b", "2", 1, &dom0, NULL);
}

static void
teardown(void)
{
	store_tree_free(&t);
}

static const char *
val(struct store_tree *tree, const char *path)
{
	static char buf[64];
	struct store_node *n = store_lookup(tree, path);

	if (!n)
		return "(none)";
	memcpy(buf, n->value, n->value_len);
	buf[n->value_len] = '\0';
	return buf;
}

START_TEST(test_isolation_commit)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_write(&x->tree, "/a", "9", 1, &dom0, NULL);
	store_write(&x->tree, "/new/deep", "n", 1, &dom0, NULL);
	ck_assert_str_eq(val(&x->tree, "/a"), "9");
	ck_assert_str_eq(val(&t, "/a"), "1");
	ck_assert_ptr_null(store_lookup(&t, "/new"));
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
	ck_assert_str_eq(val(&t, "/a"), "9");
	ck_assert_str_eq(val(&t, "/new/deep"), "n");
}
END_TEST

START_TEST(test_conflict_on_read)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_txn_note_read(x, "/a");
	store_write(&x->tree, "/b", "x", 1, &dom0, NULL);
	store_write(&t, "/a", "outside", 7, &dom0, NULL);
	ck_assert_int_eq(store_txn_commit(x, &t), -EAGAIN);
	store_txn_free(x);
	ck_assert_str_eq(val(&t, "/b"), "2"); /* nothing applied */
}
END_TEST

START_TEST(test_conflict_on_absent)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_txn_note_read(x, "/c"); /* absent when read */
	store_write(&t, "/c", "", 0, &dom0, NULL);
	ck_assert_int_eq(store_txn_commit(x, &t), -EAGAIN);
	store_txn_free(x);
}
END_TEST

START_TEST(test_conflict_on_delete)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_txn_note_read(x, "/a");
	store_rm(&t, "/a");
	ck_assert_int_eq(store_txn_commit(x, &t), -EAGAIN);
	store_txn_free(x);
}
END_TEST

START_TEST(test_write_only_wins)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_write(&x->tree, "/a", "txn", 3, &dom0, NULL);
	store_write(&t, "/a", "outside", 7, &dom0, NULL);
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
	ck_assert_str_eq(val(&t, "/a"), "txn");
}
END_TEST

START_TEST(test_unrelated_change_no_conflict)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_txn_note_read(x, "/a");
	store_write(&x->tree, "/a", "2", 1, &dom0, NULL);
	store_write(&t, "/b", "changed", 7, &dom0, NULL);
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
}
END_TEST

START_TEST(test_read_own_write_no_conflict)
{
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_write(&x->tree, "/q/r", "1", 1, &dom0, NULL);
	store_txn_note_read(x, "/q/r"); /* its own node: not checked */
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
}
END_TEST

START_TEST(test_rm_replay)
{
	struct store_txn *x;

	store_write(&t, "/r/old", "o", 1, &dom0, NULL);
	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	store_rm(&x->tree, "/r");
	store_write(&x->tree, "/r/new", "n", 1, &dom0, NULL);
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
	ck_assert_ptr_null(store_lookup(&t, "/r/old"));
	ck_assert_str_eq(val(&t, "/r/new"), "n");
}
END_TEST

START_TEST(test_perms_commit)
{
	struct store_perms p = {
		.nr = 2, .p = {{0, STORE_PERM_NONE}, {5, STORE_PERM_READ}}};
	struct store_txn *x;

	ck_assert_int_eq(store_txn_start(&t, 1, 0, &x), 0);
	ck_assert_int_eq(store_set_perms(&x->tree, "/a", &p), 0);
	ck_assert_int_eq(store_txn_commit(x, &t), 0);
	store_txn_free(x);
	ck_assert_uint_eq(store_lookup(&t, "/a")->nr_perms, 2);
}
END_TEST

START_TEST(test_txn_node_limit)
{
	struct store_txn *x;
	char path[32];
	int i;

	ck_assert_int_eq(store_txn_start(&t, 1, 4, &x), 0);
	for (i = 0; i < 6; i++) {
		snprintf(path, sizeof(path), "/l%d", i);
		store_write(&x->tree, path, "", 0, &dom0, NULL);
	}
	ck_assert_int_eq(x->error, -ENOSPC);
	ck_assert_int_eq(store_txn_commit(x, &t), -ENOSPC);
	store_txn_free(x);
	ck_assert_ptr_null(store_lookup(&t, "/l0"));
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_txn");
	TCase *tc = tcase_create("txn");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_isolation_commit);
	tcase_add_test(tc, test_conflict_on_read);
	tcase_add_test(tc, test_conflict_on_absent);
	tcase_add_test(tc, test_conflict_on_delete);
	tcase_add_test(tc, test_write_only_wins);
	tcase_add_test(tc, test_unrelated_change_no_conflict);
	tcase_add_test(tc, test_read_own_write_no_conflict);
	tcase_add_test(tc, test_rm_replay);
	tcase_add_test(tc, test_perms_commit);
	tcase_add_test(tc, test_txn_node_limit);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
