/*
 * tests/unit/frontends/kernel/consfront_ring_test.c: the guest's side of
 * the console ring (frontends/kernel/consfront_ring.c), built as host
 * code: producing out[], consuming in[], wrap-around, and a backend that
 * lies about its indices or rewrites the guest's.
 */
#include <check.h>
#include <stdlib.h>

#include "gk/consfront.h"

static struct xencons_interface *page;
static struct consfront_ring ring;

static void
setup(void)
{
	page = calloc(1, sizeof(*page)); /* exact size: ASan sees overruns */
	ck_assert_ptr_nonnull(page);
}

static void
teardown(void)
{
	free(page);
}

START_TEST(writes_until_full)
{
	char big[3000];
	uint32_t used;

	memset(big, 'a', sizeof(big));
	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	ck_assert_int_eq(consfront_ring_write(&ring, "hi\n", 3, &used), 3);
	ck_assert_uint_eq(used, 3);
	ck_assert_uint_eq(page->out_prod, 3);
	ck_assert_mem_eq(page->out, "hi\n", 3);
	ck_assert_int_eq(consfront_ring_write(&ring, big, sizeof(big), &used),
			 2045);
	ck_assert_uint_eq(used, 2048);
	ck_assert_int_eq(consfront_ring_write(&ring, "x", 1, &used), 0);
	page->out_cons = 100; /* the backend drained 100 */
	ck_assert_int_eq(consfront_ring_write(&ring, big, sizeof(big), &used),
			 100);
}
END_TEST

START_TEST(wraps_around_the_index_space)
{
	uint32_t used;

	page->out_prod = page->out_cons = 0xfffffffeu;
	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	ck_assert_int_eq(consfront_ring_write(&ring, "abcd", 4, &used), 4);
	ck_assert_uint_eq(page->out_prod, 2);
	ck_assert_uint_eq(used, 4);
	ck_assert_int_eq(page->out[2046], 'a');
	ck_assert_int_eq(page->out[1], 'd');
}
END_TEST

START_TEST(reads_typed_input)
{
	char buf[16];
	int full;

	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	memcpy(page->in, "quit\n", 5);
	page->in_prod = 5;
	ck_assert_int_eq(consfront_ring_read(&ring, buf, 3, &full), 3);
	ck_assert_int_eq(full, 0);
	ck_assert_int_eq(consfront_ring_read(&ring, buf + 3, 13, &full), 2);
	ck_assert_mem_eq(buf, "quit\n", 5);
	ck_assert_uint_eq(page->in_cons, 5);
	page->in_prod = 5 + 600;
	ck_assert_int_eq(consfront_ring_read(&ring, buf, 1, &full), 1);
	ck_assert_int_eq(full, 1);
}
END_TEST

START_TEST(hostile_backend_indices)
{
	char buf[16];
	uint32_t used;
	int full;

	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	page->in_prod = 1025; /* more than the ring holds */
	ck_assert_int_lt(consfront_ring_read(&ring, buf, sizeof(buf), &full),
			 0);
	ck_assert(ring.is_broken);
	ck_assert_int_lt(consfront_ring_write(&ring, "x", 1, &used), 0);

	memset(page, 0, sizeof(*page));
	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	page->out_cons = 0xfeedface; /* "consumed" more than we wrote */
	ck_assert_int_lt(consfront_ring_write(&ring, "x", 1, &used), 0);

	memset(page, 0, sizeof(*page));
	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	page->out_prod = 77; /* ours: the backend may not move it */
	ck_assert_int_lt(consfront_ring_write(&ring, "x", 1, &used), 0);

	memset(page, 0, sizeof(*page));
	ck_assert_int_eq(consfront_ring_init(&ring, page), 0);
	page->in_cons = 9;
	ck_assert_int_lt(consfront_ring_read(&ring, buf, sizeof(buf), &full),
			 0);

	memset(page, 0, sizeof(*page));
	page->out_prod = 5000;
	ck_assert_int_lt(consfront_ring_init(&ring, page), 0);
}
END_TEST

START_TEST(random_indices_never_overrun)
{
	char buf[4096];
	uint32_t used;
	int full;
	long n;

	memset(buf, 'r', sizeof(buf));
	srand(7);
	for (int i = 0; i < 20000; i++) {
		page->out_cons = page->out_prod = (uint32_t)rand();
		page->in_cons = page->in_prod = (uint32_t)rand();
		consfront_ring_init(&ring, page);
		page->out_cons -= (uint32_t)(rand() % 4200);
		page->in_prod += (uint32_t)(rand() % 2100);
		n = consfront_ring_write(&ring, buf,
					 (unsigned long)(rand() % 4096), &used);
		ck_assert_int_le(n, 2048);
		n = consfront_ring_read(&ring, buf,
					(unsigned long)(rand() % 4096), &full);
		ck_assert_int_le(n, 1024);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("consfront_ring");
	TCase *tc = tcase_create("ring");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, writes_until_full);
	tcase_add_test(tc, wraps_around_the_index_space);
	tcase_add_test(tc, reads_typed_input);
	tcase_add_test(tc, hostile_backend_indices);
	tcase_add_test(tc, random_indices_never_overrun);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
