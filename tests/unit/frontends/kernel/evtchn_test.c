/*
 * tests/unit/frontends/kernel/evtchn_test.c: the guest's event-channel
 * bookkeeping (frontends/kernel/evtchn.c): handler registration and the
 * 2-level scan of a fake shared_info, with masked, unhandled and
 * out-of-range ports.
 */
#include <check.h>
#include <stdlib.h>

#include "gk/evtchn.h"

static struct gk_evtchn *e;
static struct shared_info *s;
static struct vcpu_info *vi;

struct hits {
	unsigned int n;
	evtchn_port_t ports[16];
};

static void
record(evtchn_port_t port, void *arg)
{
	struct hits *h = arg;

	if (h->n < 16)
		h->ports[h->n] = port;
	h->n++;
}

/* What the hypervisor does to raise port on vCPU 0. */
static void
raise(evtchn_port_t port)
{
	s->evtchn_pending[port / GK_EVTCHN_WORD_BITS] |=
		(xen_ulong_t)1 << (port % GK_EVTCHN_WORD_BITS);
	if (s->evtchn_mask[port / GK_EVTCHN_WORD_BITS] &
	    ((xen_ulong_t)1 << (port % GK_EVTCHN_WORD_BITS)))
		return;
	vi->evtchn_pending_sel |= (xen_ulong_t)1
				  << (port / GK_EVTCHN_WORD_BITS);
	vi->evtchn_upcall_pending = 1;
}

static void
setup(void)
{
	e = calloc(1, sizeof(*e));
	s = calloc(1, sizeof(*s));
	ck_assert_ptr_nonnull(e);
	ck_assert_ptr_nonnull(s);
	vi = &s->vcpu_info[0];
	gk_evtchn_init(e);
}

static void
teardown(void)
{
	free(e);
	free(s);
}

START_TEST(test_register)
{
	struct hits h = {0};

	ck_assert_int_eq(gk_evtchn_set_handler(e, 0, record, &h), -EINVAL);
	ck_assert_int_eq(
		gk_evtchn_set_handler(e, GK_EVTCHN_NR_PORTS, record, &h),
		-EINVAL);
	ck_assert_int_eq(gk_evtchn_set_handler(e, 5, NULL, &h), -EINVAL);
	ck_assert_int_eq(gk_evtchn_set_handler(e, 5, record, &h), 0);
	ck_assert_int_eq(gk_evtchn_set_handler(e, 5, record, &h), -EBUSY);
	ck_assert_int_eq(gk_evtchn_clear_handler(e, 5), 0);
	ck_assert_int_eq(gk_evtchn_clear_handler(e, 5), -ENOENT);
	ck_assert_int_eq(gk_evtchn_clear_handler(e, 0xffffffffu), -EINVAL);
}
END_TEST

START_TEST(test_dispatch)
{
	struct hits h = {0};

	gk_evtchn_set_handler(e, 3, record, &h);
	gk_evtchn_set_handler(e, 64, record, &h);
	gk_evtchn_set_handler(e, 4095, record, &h);
	raise(64);
	raise(3);
	raise(4095);
	ck_assert_uint_eq(gk_evtchn_dispatch(e, s, vi), 3);
	ck_assert_uint_eq(h.n, 3);
	ck_assert_uint_eq(h.ports[0], 3);
	ck_assert_uint_eq(h.ports[1], 64);
	ck_assert_uint_eq(h.ports[2], 4095);
	ck_assert(!gk_evtchn_is_pending(s, 3));
	ck_assert(!gk_evtchn_is_pending(s, 4095));
	ck_assert_uint_eq(vi->evtchn_pending_sel, 0);
	ck_assert_uint_eq(vi->evtchn_upcall_pending, 0);
	/* Nothing pending: nothing runs. */
	ck_assert_uint_eq(gk_evtchn_dispatch(e, s, vi), 0);
	ck_assert_uint_eq(h.n, 3);
}
END_TEST

START_TEST(test_masked_and_unhandled)
{
	struct hits h = {0};

	gk_evtchn_set_handler(e, 7, record, &h);
	gk_evtchn_set_mask(s, 7);
	ck_assert(gk_evtchn_is_masked(s, 7));
	raise(7);
	/* The selector says word 0, but the port is masked: it stays
	 * pending, the handler does not run. */
	vi->evtchn_pending_sel |= 1;
	vi->evtchn_upcall_pending = 1;
	ck_assert_uint_eq(gk_evtchn_dispatch(e, s, vi), 0);
	ck_assert_uint_eq(h.n, 0);
	ck_assert(gk_evtchn_is_pending(s, 7));
	/* A pending port with no handler is consumed and counted. */
	raise(9);
	ck_assert_uint_eq(gk_evtchn_dispatch(e, s, vi), 1);
	ck_assert_uint_eq(e->nr_unhandled, 1);
	ck_assert(!gk_evtchn_is_pending(s, 9));
	/* Out-of-range ports read as masked and never pending. */
	ck_assert(gk_evtchn_is_masked(s, GK_EVTCHN_NR_PORTS));
	ck_assert(!gk_evtchn_is_pending(s, GK_EVTCHN_NR_PORTS + 5));
	gk_evtchn_clear_pending(s, GK_EVTCHN_NR_PORTS);
	gk_evtchn_set_mask(s, GK_EVTCHN_NR_PORTS);
}
END_TEST

static void
reraise(evtchn_port_t port, void *arg)
{
	struct hits *h = arg;

	record(port, arg);
	if (h->n < 3)
		raise(port); /* a peer that sends again at once */
}

START_TEST(test_rearm_bounded)
{
	struct hits h = {0};

	gk_evtchn_set_handler(e, 11, reraise, &h);
	raise(11);
	ck_assert_uint_eq(gk_evtchn_dispatch(e, s, vi), 3);
	ck_assert_uint_eq(h.n, 3);
	/* A handler that always re-raises is cut off after a few rounds. */
	gk_evtchn_clear_handler(e, 11);
	h.n = 0;
	gk_evtchn_set_handler(e, 12, record, &h);
	for (int i = 0; i < 100; i++) {
		raise(12);
		gk_evtchn_dispatch(e, s, vi);
	}
	ck_assert_uint_eq(h.n, 100);
}
END_TEST

static Suite *
evtchn_suite(void)
{
	Suite *su = suite_create("gk_evtchn");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_register);
	tcase_add_test(tc, test_dispatch);
	tcase_add_test(tc, test_masked_and_unhandled);
	tcase_add_test(tc, test_rearm_bounded);
	suite_add_tcase(su, tc);
	return su;
}

int
main(void)
{
	SRunner *sr = srunner_create(evtchn_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
