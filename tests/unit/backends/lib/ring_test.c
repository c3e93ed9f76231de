/*
 * tests/unit/backends/lib/ring_test.c: the backend ring against a
 * frontend played with Xen's own ring.h macros: requests copied once,
 * responses and both suppression schemes (req_event/rsp_event and the
 * Xylem coalescing flag), a runaway producer index, a request changed
 * after we took it, multi-page sizes, and the crash journal.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ring.h leaves its barriers to the includer. */
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#include <xen/io/blkif.h>

#include "ring.h"
#include "xylem/coalesce.h"

static _Alignas(4096) uint8_t page[4 * 4096];
static struct blkif_sring *sring;
static struct blkif_front_ring front;
static struct be_ring r;

static uint32_t *
flag(uint32_t offset)
{
	return (uint32_t *)(page + offset);
}

static void
setup_ring(bool coalesce)
{
	memset(page, 0, sizeof(page));
	sring = (struct blkif_sring *)page;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&front, sring, 4096);
	ck_assert_int_eq(
		be_ring_attach(&r, page, 4096, sizeof(struct blkif_request),
			       sizeof(struct blkif_response), coalesce),
		0);
}

static void
push_read(uint64_t id)
{
	struct blkif_request *rq = RING_GET_REQUEST(&front, front.req_prod_pvt);

	memset(rq, 0, sizeof(*rq));
	rq->operation = BLKIF_OP_READ;
	rq->nr_segments = 1;
	rq->id = id;
	rq->sector_number = id * 8;
	front.req_prod_pvt++;
}

static bool
push_requests(void)
{
	int notify;

	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&front, notify);
	return notify;
}

static void
answer(uint64_t id)
{
	struct blkif_response rsp = {.id = id, .operation = BLKIF_OP_READ};

	be_ring_put_response(&r, &rsp);
}

START_TEST(test_sizes)
{
	ck_assert_uint_eq(be_ring_nr_ents(4096, 112), 32);
	ck_assert_uint_eq(be_ring_nr_ents(8192, 112), 64);
	ck_assert_uint_eq(be_ring_nr_ents(16 * 4096, 112), 512);
	ck_assert_uint_eq(be_ring_nr_ents(100, 112), 0);
	ck_assert_uint_eq(be_ring_nr_ents(4096, 0), 0);
	ck_assert_int_eq(be_ring_attach(&r, page, 64, 112, 16, false), -EINVAL);
	ck_assert_int_eq(be_ring_attach(&r, NULL, 4096, 112, 16, false),
			 -EINVAL);
	/* Agrees with Xen's macros. */
	setup_ring(false);
	ck_assert_uint_eq(r.nr_ents, RING_SIZE(&front));
}
END_TEST

START_TEST(test_take_and_answer)
{
	union {
		struct blkif_request rq;
		uint8_t raw[112];
	} got;
	int more;

	setup_ring(false);
	ck_assert_int_eq(be_ring_take_request(&r, &got), 0);
	ck_assert(!be_ring_final_check(&r));
	ck_assert_uint_eq(sring->req_event, 1);
	push_read(1);
	push_read(2);
	push_read(3);
	ck_assert(push_requests()); /* the backend said it sleeps */
	be_ring_begin(&r);
	for (uint64_t i = 1; i <= 3; i++) {
		ck_assert_int_eq(be_ring_take_request(&r, &got), 1);
		ck_assert_uint_eq(got.rq.id, i);
		ck_assert_uint_eq(got.rq.sector_number, i * 8);
	}
	ck_assert_int_eq(be_ring_take_request(&r, &got), 0);
	/* A request rewritten after we took it: our copy stays. */
	RING_GET_REQUEST(&front, 0)->id = 99;
	ck_assert_uint_eq(got.rq.id, 3);
	answer(1);
	answer(2);
	/* rsp_event starts at 1: the frontend wants the first one. */
	ck_assert(be_ring_push_responses(&r));
	ck_assert_uint_eq(sring->rsp_prod, 2);
	RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
	ck_assert(more);
	front.rsp_cons = 2;
	RING_FINAL_CHECK_FOR_RESPONSES(&front, more);
	ck_assert(!more); /* rsp_event = 3 now */
	answer(3);
	ck_assert(be_ring_push_responses(&r));
	ck_assert(!be_ring_push_responses(&r)); /* nothing new */
	ck_assert_uint_eq(r.stats.notify_sent, 2);
	ck_assert_uint_eq(r.stats.requests, 3);
	ck_assert_uint_eq(r.stats.responses, 3);
}
END_TEST

START_TEST(test_rsp_event_suppresses)
{
	uint8_t got[112];

	setup_ring(false);
	for (uint64_t i = 0; i < 4; i++)
		push_read(i);
	push_requests();
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	/* The frontend is busy: it asked to hear only at response 4. */
	sring->rsp_event = 4;
	answer(0);
	ck_assert(!be_ring_push_responses(&r));
	answer(1);
	answer(2);
	ck_assert(!be_ring_push_responses(&r));
	answer(3);
	ck_assert(be_ring_push_responses(&r));
	ck_assert_uint_eq(r.stats.notify_suppressed, 2);
	ck_assert_uint_eq(r.stats.notify_sent, 1);
}
END_TEST

START_TEST(test_coalescing_flag)
{
	uint8_t got[112];

	setup_ring(true);
	/* Fresh ring: both flags SLEEPING (zero). */
	ck_assert_uint_eq(*flag(XYL_COALESCE_REQ_STATE_OFFSET),
			  XYL_COALESCE_SLEEPING);
	be_ring_begin(&r);
	ck_assert_uint_eq(*flag(XYL_COALESCE_REQ_STATE_OFFSET),
			  XYL_COALESCE_ACTIVE);
	push_read(1);
	push_requests();
	ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	/* Found empty: SLEEPING, and req_event too for classic peers. */
	ck_assert(!be_ring_final_check(&r));
	ck_assert_uint_eq(*flag(XYL_COALESCE_REQ_STATE_OFFSET),
			  XYL_COALESCE_SLEEPING);
	ck_assert_uint_eq(sring->req_event, 2);
	/* A request that arrives during the sleep check keeps us ACTIVE. */
	push_read(2);
	front.sring->req_prod = front.req_prod_pvt;
	ck_assert(be_ring_final_check(&r));
	ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	/* Responses: the frontend's own flag decides, not rsp_event. */
	*flag(XYL_COALESCE_RSP_STATE_OFFSET) = XYL_COALESCE_ACTIVE;
	sring->rsp_event = 1;
	answer(1);
	ck_assert(!be_ring_push_responses(&r));
	*flag(XYL_COALESCE_RSP_STATE_OFFSET) = XYL_COALESCE_SLEEPING;
	answer(2);
	ck_assert(be_ring_push_responses(&r));
	/* Anything but ACTIVE reads as SLEEPING. */
	*flag(XYL_COALESCE_RSP_STATE_OFFSET) = 77;
	push_read(3);
	push_requests();
	ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	answer(3);
	ck_assert(be_ring_push_responses(&r));
	ck_assert_uint_eq(r.stats.notify_suppressed, 1);
	ck_assert_uint_eq(r.stats.notify_sent, 2);
	/* The flags stay inside __pad: pvt is untouched. */
	ck_assert_uint_eq(sring->pvt.pvt_pad[0], 0);
}
END_TEST

START_TEST(test_runaway_producer)
{
	uint8_t got[112];

	setup_ring(false);
	push_read(1);
	push_requests();
	ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	/* One slot beyond what the unanswered ring can hold. */
	sring->req_prod = 0 + 32 + 1;
	ck_assert_int_eq(be_ring_take_request(&r, got), -EPROTO);
	ck_assert(r.is_broken);
	ck_assert_int_eq(be_ring_take_request(&r, got), -EPROTO);
	ck_assert(!be_ring_final_check(&r));
	ck_assert_uint_eq(be_ring_unconsumed(&r), 0);
	/* Far behind (wrapped) is just as broken. */
	setup_ring(false);
	sring->req_prod = 0xfffffff0u;
	ck_assert_int_eq(be_ring_take_request(&r, got), -EPROTO);
}
END_TEST

START_TEST(test_full_ring_waits_for_responses)
{
	uint8_t got[112];

	setup_ring(false);
	for (uint64_t i = 0; i < 32; i++)
		push_read(i);
	push_requests();
	for (int i = 0; i < 32; i++)
		ck_assert_int_eq(be_ring_take_request(&r, got), 1);
	ck_assert_int_eq(be_ring_take_request(&r, got), 0);
	ck_assert_uint_eq(be_ring_unconsumed(&r), 0);
	answer(0);
	be_ring_push_responses(&r);
	front.rsp_cons = 1;
	push_read(32);
	push_requests();
	ck_assert_uint_eq(be_ring_unconsumed(&r), 1);
	ck_assert_int_eq(be_ring_take_request(&r, got), 1);
}
END_TEST

START_TEST(test_multi_page)
{
	uint8_t got[112];

	memset(page, 0, sizeof(page));
	sring = (struct blkif_sring *)page;
	SHARED_RING_INIT(sring);
	FRONT_RING_INIT(&front, sring, sizeof(page));
	ck_assert_int_eq(be_ring_attach(&r, page, sizeof(page), 112, 16, false),
			 0);
	ck_assert_uint_eq(r.nr_ents, 128);
	for (uint64_t i = 0; i < 100; i++)
		push_read(i);
	push_requests();
	for (uint64_t i = 0; i < 100; i++) {
		ck_assert_int_eq(be_ring_take_request(&r, got), 1);
		ck_assert_uint_eq(((struct blkif_request *)got)->id, i);
	}
}
END_TEST

/* A backend killed after writing responses it never published finds the
 * original requests in its journal, and re-executes from rsp_prod. */
START_TEST(test_journal_resume)
{
	static uint8_t journal[32 * (8 + 112)];
	struct blkif_request got;

	setup_ring(false);
	ck_assert_uint_eq(be_ring_journal_bytes(32, 112), sizeof(journal));
	be_ring_set_journal(&r, journal, false);
	for (uint64_t i = 1; i <= 4; i++)
		push_read(i);
	push_requests();
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(be_ring_take_request(&r, &got), 1);
	answer(1);
	be_ring_push_responses(&r); /* published: request 1 is done */
	answer(2);
	answer(3); /* written into slots 1 and 2, never published */
	/* "Restart": attach again, keep the journal. */
	ck_assert_int_eq(be_ring_attach(&r, page, 4096, 112, 16, false), 0);
	be_ring_set_journal(&r, journal, true);
	ck_assert_uint_eq(r.req_cons, 1);
	for (uint64_t i = 2; i <= 4; i++) {
		ck_assert_int_eq(be_ring_take_request(&r, &got), 1);
		ck_assert_uint_eq(got.id, i);
		ck_assert_uint_eq(got.operation, BLKIF_OP_READ);
	}
	ck_assert_int_eq(be_ring_take_request(&r, &got), 0);
	/* New requests after the restart come from the ring again. */
	push_read(5);
	push_requests();
	ck_assert_int_eq(be_ring_take_request(&r, &got), 1);
	ck_assert_uint_eq(got.id, 5);
	/* A fresh connection clears the journal. */
	be_ring_set_journal(&r, journal, false);
	for (size_t i = 0; i < sizeof(journal); i++)
		ck_assert_uint_eq(journal[i], 0);
}
END_TEST

static Suite *
ring_suite(void)
{
	Suite *s = suite_create("be_ring");
	TCase *tc = tcase_create("ring");

	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_take_and_answer);
	tcase_add_test(tc, test_rsp_event_suppresses);
	tcase_add_test(tc, test_coalescing_flag);
	tcase_add_test(tc, test_runaway_producer);
	tcase_add_test(tc, test_full_ring_waits_for_responses);
	tcase_add_test(tc, test_multi_page);
	tcase_add_test(tc, test_journal_resume);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(ring_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
