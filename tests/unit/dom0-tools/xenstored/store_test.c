/*
 * tests/unit/dom0-tools/xenstored/store_test.c: the xenstored tree
 * (dom0-tools/xenstored/store.c): paths, write/read/mkdir/rm, children,
 * generation counts, the change hook, clones; hostile paths.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "store.h"

static const struct store_who dom0 = {0, ~0u, true};
static uint64_t gen;
static struct store_tree t;
static char changes[4096];

static void
hook(void *opaque, const char *path, enum store_change kind)
{
	(void)opaque;
	strcat(changes, kind == STORE_CHANGE_RM ? "-" : "+");
	strcat(changes, path);
	strcat(changes, " ");
}

static void
setup(void)
{
	ck_assert_int_eq(store_tree_init(&t, &gen), 0);
	t.on_change = hook;
	changes[0] = '\0';
}

static void
teardown(void)
{
	store_tree_free(&t);
}

START_TEST(test_canon)
{
	char out[XENSTORE_ABS_PATH_MAX + 1], big[XENSTORE_ABS_PATH_MAX + 8];

	ck_assert_int_eq(store_path_canon("/a/b", "/local/domain/0", false, out,
					  sizeof(out)),
			 0);
	ck_assert_str_eq(out, "/a/b");
	ck_assert_int_eq(store_path_canon("name", "/local/domain/5", false, out,
					  sizeof(out)),
			 0);
	ck_assert_str_eq(out, "/local/domain/5/name");
	ck_assert_int_eq(store_path_canon("/", "/h", false, out, sizeof(out)),
			 0);
	ck_assert_int_eq(store_path_canon("@releaseDomain", "/h", true, out,
					  sizeof(out)),
			 0);
	/* hostile */
	ck_assert_int_eq(store_path_canon("", "/h", false, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(
		store_path_canon("/a//b", "/h", false, out, sizeof(out)),
		-EINVAL);
	ck_assert_int_eq(store_path_canon("/a/", "/h", false, out, sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(
		store_path_canon("/a b", "/h", false, out, sizeof(out)),
		-EINVAL);
	ck_assert_int_eq(
		store_path_canon("/a/../b", "/h", false, out, sizeof(out)),
		-EINVAL);
	ck_assert_int_eq(store_path_canon("@introduceDomain", "/h", false, out,
					  sizeof(out)),
			 -EINVAL);
	ck_assert_int_eq(store_path_canon("/a@b", "/h", true, out, sizeof(out)),
			 -EINVAL);
	memset(big, 'a', sizeof(big) - 1);
	big[0] = '/';
	big[sizeof(big) - 1] = '\0';
	ck_assert_int_eq(store_path_canon(big, "/h", false, out, sizeof(out)),
			 -EINVAL);
	big[XENSTORE_REL_PATH_MAX + 2] = '\0';
	ck_assert_int_eq(
		store_path_canon(big + 1, "/h", false, out, sizeof(out)),
		-EINVAL);
}
END_TEST

START_TEST(test_initial_tree)
{
	ck_assert_ptr_nonnull(store_lookup(&t, "/"));
	ck_assert_ptr_nonnull(store_lookup(&t, "/tool/xenstored"));
	ck_assert_ptr_nonnull(store_lookup(&t, "/local/domain"));
	ck_assert_ptr_null(store_lookup(&t, "/local/domain/1"));
	ck_assert_ptr_null(store_lookup(&t, "relative"));
}
END_TEST

START_TEST(test_write_read)
{
	struct store_node *n, *p;
	uint32_t created = 0;
	uint64_t g;

	ck_assert_int_eq(store_write(&t, "/a/b/c", "xyz", 3, &dom0, &created),
			 0);
	ck_assert_uint_eq(created, 3);
	n = store_lookup(&t, "/a/b/c");
	ck_assert_ptr_nonnull(n);
	ck_assert_uint_eq(n->value_len, 3);
	ck_assert_mem_eq(n->value, "xyz", 3);
	p = store_lookup(&t, "/a/b");
	ck_assert_uint_eq(p->value_len, 0);
	ck_assert_str_eq(changes, "+/a/b/c ");
	/* Binary-safe values, and gen moves on each change. */
	g = n->gen;
	ck_assert_int_eq(store_write(&t, "/a/b/c", "\0\1\2", 3, &dom0, NULL),
			 0);
	ck_assert_uint_gt(n->gen, g);
	ck_assert_mem_eq(n->value, "\0\1\2", 3);
	ck_assert_uint_eq(store_missing_count(&t, "/a/b/c/d/e"), 2);
	ck_assert_uint_eq(store_missing_count(&t, "/a/b"), 0);
}
END_TEST

START_TEST(test_mkdir_keeps_value)
{
	ck_assert_int_eq(store_write(&t, "/k", "v", 1, &dom0, NULL), 0);
	changes[0] = '\0';
	ck_assert_int_eq(store_mkdir(&t, "/k", &dom0, NULL), 0);
	ck_assert_uint_eq(store_lookup(&t, "/k")->value_len, 1);
	ck_assert_str_eq(changes, ""); /* nothing changed, nothing fired */
	ck_assert_int_eq(store_mkdir(&t, "/k/d", &dom0, NULL), 0);
	ck_assert_str_eq(changes, "+/k/d ");
}
END_TEST

START_TEST(test_rm)
{
	uint64_t before;

	ck_assert_int_eq(store_write(&t, "/x/y/z", "1", 1, &dom0, NULL), 0);
	before = t.nr_nodes;
	changes[0] = '\0';
	ck_assert_int_eq(store_rm(&t, "/x/y"), 0);
	ck_assert_ptr_null(store_lookup(&t, "/x/y/z"));
	ck_assert_ptr_nonnull(store_lookup(&t, "/x"));
	ck_assert_uint_eq(t.nr_nodes, before - 2);
	ck_assert_str_eq(changes, "-/x/y ");
	/* missing node with a parent: fine; missing parent: ENOENT */
	ck_assert_int_eq(store_rm(&t, "/x/nope"), 0);
	ck_assert_int_eq(store_rm(&t, "/nope/nope"), -ENOENT);
	ck_assert_int_eq(store_rm(&t, "/"), -EINVAL);
}
END_TEST

START_TEST(test_children)
{
	char *list;
	size_t len;

	store_write(&t, "/d/one", "", 0, &dom0, NULL);
	store_write(&t, "/d/two", "", 0, &dom0, NULL);
	ck_assert_int_eq(store_children(store_lookup(&t, "/d"), &list, &len),
			 0);
	ck_assert_uint_eq(len, 8);
	ck_assert_mem_eq(list, "one\0two\0", 8);
	free(list);
	ck_assert_int_eq(
		store_children(store_lookup(&t, "/d/one"), &list, &len), 0);
	ck_assert_uint_eq(len, 0);
	free(list);
}
END_TEST

START_TEST(test_parent_gen_on_child_change)
{
	uint64_t g;

	store_write(&t, "/p", "", 0, &dom0, NULL);
	g = store_lookup(&t, "/p")->gen;
	store_write(&t, "/p/c", "", 0, &dom0, NULL);
	ck_assert_uint_gt(store_lookup(&t, "/p")->gen, g);
	g = store_lookup(&t, "/p")->gen;
	store_rm(&t, "/p/c");
	ck_assert_uint_gt(store_lookup(&t, "/p")->gen, g);
}
END_TEST

START_TEST(test_clone_independent)
{
	struct store_tree c;

	store_write(&t, "/c/v", "1", 1, &dom0, NULL);
	ck_assert_int_eq(store_tree_clone(&t, &c), 0);
	ck_assert_uint_eq(store_lookup(&c, "/c/v")->orig_gen,
			  store_lookup(&t, "/c/v")->gen);
	store_write(&c, "/c/v", "2", 1, &dom0, NULL);
	ck_assert_mem_eq(store_lookup(&t, "/c/v")->value, "1", 1);
	ck_assert_mem_eq(store_lookup(&c, "/c/v")->value, "2", 1);
	store_tree_free(&c);
}
END_TEST

START_TEST(test_node_path)
{
	char buf[64];

	store_write(&t, "/a/bb/ccc", "", 0, &dom0, NULL);
	ck_assert_int_eq(store_node_path(store_lookup(&t, "/a/bb/ccc"), buf,
					 sizeof(buf)),
			 0);
	ck_assert_str_eq(buf, "/a/bb/ccc");
	ck_assert_int_eq(store_node_path(t.root, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "/");
	ck_assert_int_eq(store_node_path(store_lookup(&t, "/a/bb/ccc"), buf, 5),
			 -ENAMETOOLONG);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_store");
	TCase *tc = tcase_create("tree");
	SRunner *sr;
	int nf;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_canon);
	tcase_add_test(tc, test_initial_tree);
	tcase_add_test(tc, test_write_read);
	tcase_add_test(tc, test_mkdir_keeps_value);
	tcase_add_test(tc, test_rm);
	tcase_add_test(tc, test_children);
	tcase_add_test(tc, test_parent_gen_on_child_change);
	tcase_add_test(tc, test_clone_independent);
	tcase_add_test(tc, test_node_path);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
