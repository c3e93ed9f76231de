/*
 * tests/unit/frontends/kernel/netfront_ring_test.c: netfront's ring logic
 * (frontends/kernel/netfront_ring.c) as host code, with Xen's own
 * back-ring macros as the peer: requests and responses flow, the
 * notification decision (coalescing flag and req_event), a backend index
 * that passes our requests breaks the ring, hostile RX/TX responses are
 * refused, and the clustering trigger fires on count and on time.  The
 * decision to follow the backend's xenbus state (close, reopen) and the
 * grant revocation at a close (busy grants kept, retried) too.
 */
#include <check.h>
#include <stdlib.h>

#include <xen/io/xenbus.h>

#include "gk/netfront.h"
#include "xylem/coalesce.h"

static uint8_t page[4096] __attribute__((aligned(4096)));

START_TEST(tx_flow_and_notify)
{
	struct netfront_ring r;
	struct netif_tx_back_ring back;
	struct netif_tx_request req = {.gref = 9, .size = 60}, got;
	struct netif_tx_response rsp = {.id = 0, .status = 0}, out;
	int notify;

	ck_assert_int_eq(netfront_ring_init(&r, page,
					    sizeof(union netif_tx_sring_entry),
					    0),
			 0);
	ck_assert_uint_eq(r.nr_ents, 256);
	BACK_RING_INIT(&back, (struct netif_tx_sring *)page, 4096);
	ck_assert_int_eq(netfront_ring_put(&r, &req, sizeof(req)), 0);
	ck_assert_int_eq(netfront_ring_push(&r), 1); /* req_event 1 */
	ck_assert(RING_HAS_UNCONSUMED_REQUESTS(&back));
	got = *RING_GET_REQUEST(&back, back.req_cons);
	back.req_cons++;
	ck_assert_uint_eq(got.size, 60);
	/* The backend did not ask for more events: no notify. */
	netfront_ring_put(&r, &req, sizeof(req));
	ck_assert_int_eq(netfront_ring_push(&r), 0);
	*RING_GET_RESPONSE(&back, back.rsp_prod_pvt) = rsp;
	back.rsp_prod_pvt++;
	RING_PUSH_RESPONSES_AND_CHECK_NOTIFY(&back, notify);
	ck_assert_int_eq(notify, 1); /* our rsp_event is 1 */
	ck_assert_int_eq(netfront_ring_take(&r, &out, sizeof(out)), 1);
	ck_assert_int_eq(netfront_ring_take(&r, &out, sizeof(out)), 0);
	/* A backend index past our requests. */
	((struct netif_tx_sring *)page)->rsp_prod = 100;
	ck_assert_int_eq(netfront_ring_take(&r, &out, sizeof(out)), -EIO);
	ck_assert(r.is_broken);
	ck_assert_int_eq(netfront_ring_put(&r, &req, sizeof(req)), -EIO);
}
END_TEST

START_TEST(coalesce_flag)
{
	struct netfront_ring r;
	struct netif_tx_request req = {.size = 60};
	uint32_t *be_word = (uint32_t *)(page + XYL_COALESCE_REQ_STATE_OFFSET);

	netfront_ring_init(&r, page, sizeof(union netif_tx_sring_entry), 1);
	*be_word = XYL_COALESCE_ACTIVE;
	netfront_ring_put(&r, &req, sizeof(req));
	ck_assert_int_eq(netfront_ring_push(&r), 0);
	*be_word = XYL_COALESCE_SLEEPING;
	netfront_ring_put(&r, &req, sizeof(req));
	ck_assert_int_eq(netfront_ring_push(&r), 1);
	ck_assert_uint_eq(r.stats.notify_sent, 1);
	ck_assert_uint_eq(r.stats.notify_suppressed, 1);
}
END_TEST

START_TEST(full_ring)
{
	struct netfront_ring r;
	struct netif_rx_request req = {.id = 1};

	netfront_ring_init(&r, page, sizeof(union netif_rx_sring_entry), 0);
	for (uint32_t i = 0; i < r.nr_ents; i++)
		ck_assert_int_eq(netfront_ring_put(&r, &req, sizeof(req)), 0);
	ck_assert_int_eq(netfront_ring_put(&r, &req, sizeof(req)), -ENOSPC);
	ck_assert_int_eq(netfront_ring_put(&r, &req, 64), -ENOSPC);
}
END_TEST

START_TEST(rx_response_checks)
{
	uint8_t posted[4] = {1, 1, 0, 1};
	struct netif_rx_response rsp = {.id = 1, .offset = 0, .status = 60};
	uint32_t off, len;

	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), 0);
	ck_assert_uint_eq(len, 60);
	rsp.id = 2; /* not posted */
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), -EIO);
	rsp.id = 9; /* out of range */
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), -EIO);
	rsp.id = 1;
	rsp.offset = 4050; /* past the page */
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), -EIO);
	rsp.offset = 0;
	rsp.status = 0;
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), -EIO);
	rsp.status = NETIF_RSP_ERROR;
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len),
			 -EBADMSG);
	rsp.status = 60;
	rsp.flags = NETRXF_more_data; /* we offered no sg */
	ck_assert_int_eq(netfront_rx_check(&rsp, posted, 4, &off, &len), -EIO);
}
END_TEST

START_TEST(tx_response_checks)
{
	uint8_t busy[4] = {1, 0, 1, 1};
	struct netif_tx_response rsp = {.id = 0, .status = NETIF_RSP_OKAY};

	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), 0);
	rsp.status = NETIF_RSP_NULL;
	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), 0);
	rsp.status = NETIF_RSP_DROPPED;
	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), -EBADMSG);
	rsp.status = 77;
	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), -EIO);
	rsp = (struct netif_tx_response){.id = 1};
	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), -EIO);
	rsp.id = 4;
	ck_assert_int_eq(netfront_tx_check(&rsp, busy, 4), -EIO);
}
END_TEST

START_TEST(cluster_trigger)
{
	struct netfront_cluster c = {.count = 4, .wait_ns = 1000};

	ck_assert_int_eq(netfront_cluster_add(&c, 100), 0);
	ck_assert_int_eq(netfront_cluster_add(&c, 200), 0);
	ck_assert_int_eq(netfront_cluster_due(&c, 1099), 0);
	ck_assert_int_eq(netfront_cluster_due(&c, 1100), 1);
	ck_assert_int_eq(netfront_cluster_add(&c, 300), 0);
	ck_assert_int_eq(netfront_cluster_add(&c, 400), 1); /* count */
	netfront_cluster_pushed(&c);
	ck_assert_uint_eq(c.flushes, 1);
	ck_assert_uint_eq(c.pkts_pushed, 4);
	ck_assert_int_eq(netfront_cluster_due(&c, 99999), 0);
	ck_assert_int_eq(netfront_cluster_add(&c, 5000), 0);
	ck_assert_int_eq(netfront_cluster_add(&c, 6500), 1); /* time */
	c = (struct netfront_cluster){.count = 1};
	ck_assert_int_eq(netfront_cluster_add(&c, 0), 1);
}
END_TEST

START_TEST(follow_backend_state)
{
	/* Connected: only a closing or vanished backend, or our directory
	 * removed, closes the vif. */
	ck_assert_int_eq(netfront_next_step(1, XenbusStateConnected,
					    XenbusStateConnected),
			 NETFRONT_STAY);
	ck_assert_int_eq(
		netfront_next_step(1, XenbusStateClosing, XenbusStateConnected),
		NETFRONT_CLOSE);
	ck_assert_int_eq(
		netfront_next_step(1, XenbusStateClosed, XenbusStateConnected),
		NETFRONT_CLOSE); /* missed the Closing */
	ck_assert_int_eq(
		netfront_next_step(1, XenbusStateUnknown, XenbusStateConnected),
		NETFRONT_CLOSE); /* directory removed */
	ck_assert_int_eq(
		netfront_next_step(1, XenbusStateConnected, XenbusStateUnknown),
		NETFRONT_CLOSE);
	/* Our own Closing (a broken ring) waits for the backend. */
	ck_assert_int_eq(
		netfront_next_step(1, XenbusStateConnected, XenbusStateClosing),
		NETFRONT_STAY);
	ck_assert_int_eq(netfront_next_step(1, XenbusStateInitWait,
					    XenbusStateConnected),
			 NETFRONT_STAY);
	/* Closed: only a fresh attach that netback took reopens. */
	ck_assert_int_eq(netfront_next_step(0, XenbusStateInitWait,
					    XenbusStateInitialising),
			 NETFRONT_REOPEN);
	ck_assert_int_eq(netfront_next_step(0, XenbusStateInitialising,
					    XenbusStateInitialising),
			 NETFRONT_STAY); /* netback has not taken it yet */
	ck_assert_int_eq(
		netfront_next_step(0, XenbusStateUnknown, XenbusStateUnknown),
		NETFRONT_STAY); /* removed: nothing to do */
	ck_assert_int_eq(
		netfront_next_step(0, XenbusStateClosed, XenbusStateClosed),
		NETFRONT_STAY);
	ck_assert_int_eq(
		netfront_next_step(0, XenbusStateInitWait, XenbusStateClosed),
		NETFRONT_STAY); /* not ours: we did not reset */
	ck_assert_int_eq(netfront_next_step(0, XenbusStateConnected,
					    XenbusStateInitialising),
			 NETFRONT_STAY);
}
END_TEST

/* A fake grant table: refs in busy[] are pinned by the backend. */
static uint32_t fake_busy[4], fake_ended[64], fake_nr_ended;

static int
fake_end(grant_ref_t ref)
{
	for (unsigned i = 0; i < 4; i++)
		if (fake_busy[i] == ref)
			return -EBUSY;
	if (ref >= 1000)
		return -EINVAL; /* not ours any more: nothing to keep */
	fake_ended[fake_nr_ended++] = ref;
	return 0;
}

START_TEST(revoke_keeps_busy_grants)
{
	grant_ref_t refs[6] = {10, 0, 11, 12, 1001, 13};

	fake_nr_ended = 0;
	fake_busy[0] = 11;
	fake_busy[1] = 13;
	ck_assert_uint_eq(netfront_revoke(refs, 6, fake_end), 2);
	ck_assert_uint_eq(refs[0], 0);
	ck_assert_uint_eq(refs[1], 0);
	ck_assert_uint_eq(refs[2], 11);
	ck_assert_uint_eq(refs[3], 0);
	ck_assert_uint_eq(refs[4], 0);
	ck_assert_uint_eq(refs[5], 13);
	ck_assert_uint_eq(fake_nr_ended, 2);
	/* The backend lets go of one: the retry ends only that one. */
	fake_busy[0] = 0;
	ck_assert_uint_eq(netfront_revoke(refs, 6, fake_end), 1);
	ck_assert_uint_eq(refs[2], 0);
	ck_assert_uint_eq(fake_nr_ended, 3);
	ck_assert_uint_eq(fake_ended[2], 11);
	fake_busy[1] = 0;
	ck_assert_uint_eq(netfront_revoke(refs, 6, fake_end), 0);
	ck_assert_uint_eq(netfront_revoke(refs, 6, fake_end), 0);
	ck_assert_uint_eq(fake_nr_ended, 4); /* each ref ended once */
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gk_netfront_ring");
	TCase *tc = tcase_create("ring");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, tx_flow_and_notify);
	tcase_add_test(tc, coalesce_flag);
	tcase_add_test(tc, full_ring);
	tcase_add_test(tc, rx_response_checks);
	tcase_add_test(tc, tx_response_checks);
	tcase_add_test(tc, cluster_trigger);
	tcase_add_test(tc, follow_backend_state);
	tcase_add_test(tc, revoke_keeps_busy_grants);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
