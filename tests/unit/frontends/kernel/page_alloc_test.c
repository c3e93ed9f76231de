/*
 * tests/unit/frontends/kernel/page_alloc_test.c: the guest's physical page
 * allocator (frontends/kernel/page_alloc.c): ranges from a memory map,
 * reservations, contiguous runs, exhaustion and bad frees.
 */
#include <check.h>
#include <stdlib.h>

#include "gk/page_alloc.h"

static struct gk_pages *p;

static void
setup(void)
{
	p = malloc(sizeof(*p));
	ck_assert_ptr_nonnull(p);
	gk_pages_init(p);
}

static void
teardown(void)
{
	free(p);
}

START_TEST(test_ranges)
{
	/* Partial pages at the edges are not used; pfn 0 never is. */
	gk_pages_add_range(p, 0, 0x9fc00);
	ck_assert_uint_eq(p->nr_free, 0x9f - 1);
	gk_pages_add_range(p, 0x100800, 0x2000);
	ck_assert_uint_eq(p->nr_free, 0x9f - 1 + 1);
	/* Everything above 4 GiB is clipped; overflow is harmless. */
	gk_pages_add_range(p, (1ull << 32) - 0x2000, 0x100000);
	ck_assert_uint_eq(p->nr_free, 0x9f - 1 + 1 + 2);
	gk_pages_add_range(p, ~0ull - 0x1000, 0x10000);
	ck_assert_uint_eq(p->nr_total, p->nr_free);
}
END_TEST

START_TEST(test_alloc_reserve)
{
	uint64_t a, b, c;

	gk_pages_add_range(p, 0x100000, 0x400000);    /* pfns 0x100..0x4ff */
	gk_pages_reserve_range(p, 0x100000, 0x80001); /* 0x100..0x180 */
	ck_assert_uint_eq(p->nr_free, 0x400 - 0x81);
	a = gk_pages_alloc(p, 1);
	ck_assert_uint_eq(a, 0x181);
	b = gk_pages_alloc(p, 100);
	ck_assert_uint_eq(b, 0x182);
	c = gk_pages_alloc(p, 0x400);
	ck_assert_uint_eq(c, 0);
	ck_assert_int_eq(gk_pages_free(p, b, 100), 0);
	ck_assert_uint_eq(gk_pages_alloc(p, 50), 0x182 + 100);
	/* Take everything above; the next search wraps around to the hole
	 * that is left (0x182 + 50 .. 0x1e5 came back, 0x182.. first). */
	ck_assert_uint_eq(gk_pages_alloc(p, 0x500 - 0x218), 0x218);
	ck_assert_uint_eq(gk_pages_alloc(p, 10), 0x182);
}
END_TEST

START_TEST(test_exhaustion)
{
	uint64_t n = 0;

	gk_pages_add_range(p, 0x200000, 0x10000); /* 16 pages */
	while (gk_pages_alloc(p, 1))
		n++;
	ck_assert_uint_eq(n, 16);
	ck_assert_uint_eq(p->nr_free, 0);
	ck_assert_uint_eq(gk_pages_alloc(p, 0), 0);
}
END_TEST

START_TEST(test_bad_free)
{
	uint64_t a;

	gk_pages_add_range(p, 0x200000, 0x10000);
	gk_pages_reserve_range(p, 0x208000, 0x1000); /* pfn 0x208 */
	a = gk_pages_alloc(p, 2);
	ck_assert_uint_ne(a, 0);
	ck_assert_int_eq(gk_pages_free(p, a, 2), 0);
	ck_assert_int_eq(gk_pages_free(p, a, 2), -EINVAL);     /* double */
	ck_assert_int_eq(gk_pages_free(p, 0x208, 1), -EINVAL); /* reserved */
	ck_assert_int_eq(gk_pages_free(p, 0x5000, 1),
			 -EINVAL); /* never added */
	ck_assert_int_eq(gk_pages_free(p, 0, 1), -EINVAL);
	ck_assert_int_eq(gk_pages_free(p, GK_PAGES_LIMIT_PFN - 1, 2), -EINVAL);
	ck_assert_int_eq(gk_pages_free(p, ~0ull, 2), -EINVAL);
	/* A free that fails part-way frees nothing. */
	a = gk_pages_alloc(p, 1);
	ck_assert_int_eq(gk_pages_free(p, a, 2), -EINVAL);
	ck_assert_int_eq(gk_pages_free(p, a, 1), 0);
	ck_assert_uint_eq(p->nr_free, 15);
}
END_TEST

static Suite *
page_alloc_suite(void)
{
	Suite *s = suite_create("gk_page_alloc");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_alloc_reserve);
	tcase_add_test(tc, test_exhaustion);
	tcase_add_test(tc, test_bad_free);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(page_alloc_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
