/*
 * tests/unit/backends/consoled/ring_test.c: consoled's side of the console
 * ring (backends/consoled/ring.c): draining out[], filling in[], index
 * wrap-around, and a guest that lies about its indices or rewrites ours.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/io/console.h>

#include "consoled.h"

static struct xencons_interface *page;
static struct consoled_ring ring;

static void
setup(void)
{
	/* Exactly the interface's size: ASan catches any stray access. */
	page = calloc(1, sizeof(*page));
	ck_assert_ptr_nonnull(page);
}

static void
teardown(void)
{
	free(page);
}

/* The guest produces bytes into out[]. */
static void
guest_put(const char *s)
{
	for (size_t i = 0; s[i]; i++)
		page->out[MASK_XENCONS_IDX(page->out_prod++, page->out)] = s[i];
}

START_TEST(drains_what_the_guest_wrote)
{
	char buf[64];
	size_t len;
	bool full;

	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	guest_put("hello\n");
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		0);
	ck_assert_uint_eq(len, 6);
	ck_assert(!full);
	ck_assert_mem_eq(buf, "hello\n", 6);
	ck_assert_uint_eq(page->out_cons, 6);
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		0);
	ck_assert_uint_eq(len, 0);
}
END_TEST

START_TEST(wraps_and_reports_full)
{
	char big[2049], buf[4096];
	size_t len;
	bool full;

	page->out_cons = page->out_prod = 0xfffffff0u;
	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	memset(big, 'x', 2048);
	big[2048] = '\0';
	guest_put(big);
	ck_assert_int_eq(consoled_ring_read_out(&ring, buf, 100, &len, &full),
			 0);
	ck_assert_uint_eq(len, 100);
	ck_assert(full);
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		0);
	ck_assert_uint_eq(len, 1948);
	ck_assert_uint_eq(page->out_cons, 0xfffffff0u + 2048);
}
END_TEST

START_TEST(fills_input_up_to_room)
{
	char in[2000];
	size_t n;

	memset(in, 'k', sizeof(in));
	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	ck_assert_int_eq(consoled_ring_write_in(&ring, in, sizeof(in), &n), 0);
	ck_assert_uint_eq(n, 1024);
	ck_assert_uint_eq(page->in_prod, 1024);
	ck_assert_int_eq(consoled_ring_write_in(&ring, in, 10, &n), 0);
	ck_assert_uint_eq(n, 0);
	page->in_cons = 10; /* the guest read 10 */
	ck_assert_int_eq(consoled_ring_write_in(&ring, in, 100, &n), 0);
	ck_assert_uint_eq(n, 10);
}
END_TEST

START_TEST(hostile_out_prod_breaks_the_ring)
{
	char buf[64];
	size_t len;
	bool full;

	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	page->out_prod = 2049;
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		-EIO);
	ck_assert_uint_eq(len, 0);
	ck_assert(ring.is_broken);
	page->out_prod = 1; /* and it stays broken */
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		-EIO);
	ck_assert_int_eq(consoled_ring_write_in(&ring, "x", 1, &len), -EIO);
}
END_TEST

START_TEST(hostile_rewrite_of_our_indices)
{
	char buf[64];
	size_t len;
	bool full;

	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	page->out_cons = 5; /* ours: the guest may not move it */
	ck_assert_int_eq(
		consoled_ring_read_out(&ring, buf, sizeof(buf), &len, &full),
		-EIO);
	ck_assert_ptr_nonnull(ring.why);
	memset(page, 0, sizeof(*page));
	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	page->in_prod = 7;
	ck_assert_int_eq(consoled_ring_write_in(&ring, "x", 1, &len), -EIO);
	memset(page, 0, sizeof(*page));
	ck_assert_int_eq(consoled_ring_attach(&ring, page), 0);
	page->in_cons = 0xdeadbeef;
	ck_assert_int_eq(consoled_ring_write_in(&ring, "x", 1, &len), -EIO);
}
END_TEST

START_TEST(hostile_indices_at_attach)
{
	page->out_prod = 4096;
	ck_assert_int_eq(consoled_ring_attach(&ring, page), -EIO);
	memset(page, 0, sizeof(*page));
	page->in_prod = 1025;
	ck_assert_int_eq(consoled_ring_attach(&ring, page), -EIO);
}
END_TEST

START_TEST(random_indices_never_overrun)
{
	char buf[4096];
	size_t len;
	bool full;

	srand(42);
	for (int i = 0; i < 20000; i++) {
		page->out_cons = page->out_prod = (uint32_t)rand();
		page->in_cons = page->in_prod = (uint32_t)rand();
		consoled_ring_attach(&ring, page);
		page->out_prod += (uint32_t)(rand() % 4200);
		page->in_cons -= (uint32_t)(rand() % 2100);
		if (rand() % 8 == 0)
			page->out_cons = (uint32_t)rand();
		consoled_ring_read_out(&ring, buf, (size_t)(rand() % 4096),
				       &len, &full);
		ck_assert_uint_le(len, 2048);
		consoled_ring_write_in(&ring, buf, (size_t)(rand() % 4096),
				       &len);
		ck_assert_uint_le(len, 1024);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("consoled_ring");
	TCase *tc = tcase_create("ring");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, drains_what_the_guest_wrote);
	tcase_add_test(tc, wraps_and_reports_full);
	tcase_add_test(tc, fills_input_up_to_room);
	tcase_add_test(tc, hostile_out_prod_breaks_the_ring);
	tcase_add_test(tc, hostile_rewrite_of_our_indices);
	tcase_add_test(tc, hostile_indices_at_attach);
	tcase_add_test(tc, random_indices_never_overrun);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
