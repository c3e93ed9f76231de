/*
 * tests/unit/frontends/kernel/blkfront_ring_test.c: the guest blkfront's
 * ring logic (frontends/kernel/blkfront_ring.c) as host code: requests
 * out, notification decisions both ways (coalescing flag and Xen's
 * req_event/rsp_event), responses in, and a backend that lies: indices
 * past our requests, ids not in flight, wrong operations, bad statuses.
 */
#include <check.h>
#include <stdlib.h>

#include "gk/blkfront.h"
#include "xylem/coalesce.h"

static void *page;
static struct blkfront_ring ring;

static void
setup(void)
{
	page = aligned_alloc(4096, 4096);
	ck_assert_ptr_nonnull(page);
	memset(page, 0xa5, 4096); /* init must not rely on zeroed memory */
}

static void
teardown(void)
{
	free(page);
}

static uint32_t *
word(uint32_t off)
{
	return (uint32_t *)((uint8_t *)page + off);
}

static struct blkif_sring *
sring(void)
{
	return page;
}

/* The backend answers: response i written, rsp_prod moved. */
static void
backend_respond(uint64_t id, uint8_t op, int16_t status)
{
	struct blkif_sring *s = sring();
	RING_IDX p = s->rsp_prod;

	s->ring[p % 32].rsp.id = id;
	s->ring[p % 32].rsp.operation = op;
	s->ring[p % 32].rsp.status = status;
	s->rsp_prod = p + 1;
}

static void
put_read(uint64_t id)
{
	struct blkif_request r = {.operation = BLKIF_OP_READ, .id = id};

	ck_assert_int_eq(blkfront_ring_put(&ring, &r, sizeof(r)), 0);
}

START_TEST(init_rejects_bad_sizes)
{
	ck_assert_int_eq(blkfront_ring_init(&ring, NULL, 4096, 0), -EINVAL);
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 2048, 0), -EINVAL);
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 12288, 0), -EINVAL);
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	ck_assert_uint_eq(ring.nr_ents, 32);
	ck_assert_uint_eq(sring()->req_prod, 0);
	ck_assert_uint_eq(*word(XYL_COALESCE_RSP_STATE_OFFSET), 0);
}
END_TEST

START_TEST(fills_and_refuses_when_full)
{
	struct blkif_request r = {0};

	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	for (int i = 0; i < 32; i++)
		put_read(i);
	ck_assert_uint_eq(blkfront_ring_free(&ring), 0);
	ck_assert_int_eq(blkfront_ring_put(&ring, &r, sizeof(r)), -ENOSPC);
	ck_assert_int_eq(blkfront_ring_put(&ring, &r, 4096), -ENOSPC);
	/* Nothing is visible before the push. */
	ck_assert_uint_eq(sring()->req_prod, 0);
	blkfront_ring_push(&ring);
	ck_assert_uint_eq(sring()->req_prod, 32);
	ck_assert_uint_eq(sring()->ring[5].req.id, 5);
}
END_TEST

START_TEST(classic_notify_follows_req_event)
{
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	put_read(1);
	ck_assert_int_eq(blkfront_ring_push(&ring), 1); /* req_event 1 */
	ck_assert_int_eq(blkfront_ring_push(&ring), 0); /* nothing new */
	put_read(2);
	/* The backend has not asked again (req_event still 1). */
	ck_assert_int_eq(blkfront_ring_push(&ring), 0);
	sring()->req_event = 3;
	put_read(3);
	ck_assert_int_eq(blkfront_ring_push(&ring), 1);
	ck_assert_uint_eq(ring.stats.notify_sent, 2);
	ck_assert_uint_eq(ring.stats.notify_suppressed, 1);
}
END_TEST

START_TEST(coalesce_notify_follows_backend_flag)
{
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 1), 0);
	sring()->req_event = 1000; /* ignored in this mode */
	put_read(1);
	ck_assert_int_eq(blkfront_ring_push(&ring), 1); /* SLEEPING (0) */
	*word(XYL_COALESCE_REQ_STATE_OFFSET) = XYL_COALESCE_ACTIVE;
	put_read(2);
	ck_assert_int_eq(blkfront_ring_push(&ring), 0);
	*word(XYL_COALESCE_REQ_STATE_OFFSET) = 77; /* not ACTIVE: sleeping */
	put_read(3);
	ck_assert_int_eq(blkfront_ring_push(&ring), 1);
	ck_assert_uint_eq(ring.stats.notify_suppressed, 1);
}
END_TEST

START_TEST(takes_responses_in_order)
{
	struct blkif_response rsp;

	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 0);
	put_read(7);
	put_read(8);
	blkfront_ring_push(&ring);
	backend_respond(7, BLKIF_OP_READ, 0);
	backend_respond(8, BLKIF_OP_READ, -1);
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 1);
	ck_assert_uint_eq(rsp.id, 7);
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 1);
	ck_assert_uint_eq(rsp.id, 8);
	ck_assert_int_eq(rsp.status, -1);
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 0);
	ck_assert_uint_eq(blkfront_ring_free(&ring), 32);
}
END_TEST

START_TEST(rsp_prod_past_requests_breaks_ring)
{
	struct blkif_response rsp;

	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	put_read(1);
	blkfront_ring_push(&ring);
	sring()->rsp_prod = 2; /* two answers to one request */
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), -EIO);
	ck_assert_int_eq(ring.is_broken, 1);
	sring()->rsp_prod = 1;
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), -EIO);
	ck_assert_int_eq(blkfront_ring_put(&ring, &rsp, sizeof(rsp)), -EIO);
	ck_assert_int_eq(blkfront_ring_idle(&ring), -EIO);
}
END_TEST

START_TEST(rsp_prod_far_behind_breaks_ring)
{
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	put_read(1);
	blkfront_ring_push(&ring);
	sring()->rsp_prod = 0xfffffff0u; /* "behind" = a huge distance */
	ck_assert_int_eq(blkfront_ring_idle(&ring), -EIO);
}
END_TEST

START_TEST(indices_wrap)
{
	struct blkif_response rsp;
	struct blkif_sring *s = sring();

	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	/* As if 2^32 - 2 requests had gone through. */
	ring.front.req_prod_pvt = ring.front.rsp_cons = 0xfffffffeu;
	ring.req_published = 0xfffffffeu;
	s->req_prod = s->rsp_prod = 0xfffffffeu;
	for (int i = 0; i < 4; i++)
		put_read(i);
	blkfront_ring_push(&ring);
	ck_assert_uint_eq(s->req_prod, 2);
	for (int i = 0; i < 4; i++)
		backend_respond(i, BLKIF_OP_READ, 0);
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 1);
		ck_assert_uint_eq(rsp.id, (uint64_t)i);
	}
	ck_assert_int_eq(blkfront_ring_take(&ring, &rsp), 0);
}
END_TEST

START_TEST(idle_sets_flag_or_rsp_event)
{
	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 1), 0);
	blkfront_ring_active(&ring);
	ck_assert_uint_eq(*word(XYL_COALESCE_RSP_STATE_OFFSET),
			  XYL_COALESCE_ACTIVE);
	ck_assert_int_eq(blkfront_ring_idle(&ring), 0);
	ck_assert_uint_eq(*word(XYL_COALESCE_RSP_STATE_OFFSET),
			  XYL_COALESCE_SLEEPING);
	put_read(1);
	blkfront_ring_push(&ring);
	backend_respond(1, BLKIF_OP_READ, 0);
	ck_assert_int_eq(blkfront_ring_idle(&ring), 1); /* do not sleep */

	ck_assert_int_eq(blkfront_ring_init(&ring, page, 4096, 0), 0);
	blkfront_ring_active(&ring); /* no flag in classic mode */
	ck_assert_uint_eq(*word(XYL_COALESCE_RSP_STATE_OFFSET), 0);
	ck_assert_int_eq(blkfront_ring_idle(&ring), 0);
	ck_assert_uint_eq(sring()->rsp_event, 1);
}
END_TEST

START_TEST(rsp_check_distrusts_backend)
{
	struct blkfront_expect ex[4] = {{1, BLKIF_OP_READ},
					{1, BLKIF_OP_WRITE},
					{0, BLKIF_OP_READ},
					{1, BLKIF_OP_FLUSH_DISKCACHE}};
	struct blkif_response r = {.id = 0, .operation = BLKIF_OP_READ};

	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), 0);
	ck_assert_int_eq(ex[0].is_busy, 0);
	/* Same id again: not in flight any more. */
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	r.id = 2; /* never issued */
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	r.id = 4; /* past the table */
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	r.id = ~0ull;
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	r.id = 1; /* the write answered as a read */
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	ck_assert_int_eq(ex[1].is_busy, 1);
	r.operation = BLKIF_OP_WRITE;
	r.status = 3; /* not a blkif status */
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), -EIO);
	r.status = BLKIF_RSP_ERROR;
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), 0);
	r = (struct blkif_response){.id = 3,
				    .operation = BLKIF_OP_FLUSH_DISKCACHE,
				    .status = BLKIF_RSP_EOPNOTSUPP};
	ck_assert_int_eq(blkfront_rsp_check(&r, ex, 4), 0);
}
END_TEST

START_TEST(multi_page_ring)
{
	void *big = aligned_alloc(4096, 16 * 4096);

	ck_assert_int_eq(blkfront_ring_init(&ring, big, 16 * 4096, 1), 0);
	ck_assert_uint_eq(ring.nr_ents, 512);
	for (int i = 0; i < 512; i++)
		put_read(i);
	ck_assert_uint_eq(blkfront_ring_free(&ring), 0);
	ck_assert_int_eq(blkfront_ring_push(&ring), 1);
	ck_assert_uint_eq(((struct blkif_sring *)big)->req_prod, 512);
	free(big);
}
END_TEST

static Suite *
blkfront_ring_suite(void)
{
	Suite *s = suite_create("blkfront_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, init_rejects_bad_sizes);
	tcase_add_test(tc, fills_and_refuses_when_full);
	tcase_add_test(tc, classic_notify_follows_req_event);
	tcase_add_test(tc, coalesce_notify_follows_backend_flag);
	tcase_add_test(tc, takes_responses_in_order);
	tcase_add_test(tc, rsp_prod_past_requests_breaks_ring);
	tcase_add_test(tc, rsp_prod_far_behind_breaks_ring);
	tcase_add_test(tc, indices_wrap);
	tcase_add_test(tc, idle_sets_flag_or_rsp_event);
	tcase_add_test(tc, rsp_check_distrusts_backend);
	tcase_add_test(tc, multi_page_ring);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(blkfront_ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
