/*
 * tests/unit/hypervisor/evtchn_doorbell_test.c: the notify doorbell
 * (evtchn_doorbell.c) against fake domains and fake KVM ioeventfds: an
 * ioeventfd exists exactly while a guest port is bound to a dom0 port,
 * every way a binding ends drops it, and the user-space path sends.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/event_channel.h>

#include "xylem/hcall.h"
#include "evtchn.h"
#include "fake_evtchn_world.h"
#include "hypercall.h"
#include "memory.h"

#define ARG_GPA	 0x20000u
#define OWNER_A	 ((void *)0xa)
#define OWNER_B	 ((void *)0xb)
#define VM1	 (FAKE_VM_FD_BASE + 1)
#define VM2	 (FAKE_VM_FD_BASE + 2)
#define MAX_BELL 256 /* EVTCHN_DOORBELL_MAX */

static struct fake_evtchn_world world;
static struct hv *hv;
static struct domain *d1, *d2;

static void
setup(void)
{
	fake_evtchn_world_up(&world, 2, 1);
	hv = world.hv;
	d1 = world.d1;
	d2 = world.d2;
}

static void
teardown(void)
{
	static void *const owners[] = {OWNER_A, OWNER_B};

	fake_evtchn_world_release(&world, owners, 2);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM2), 0);
	fake_evtchn_world_free(&world);
}

/* A guest's event_channel_op with its struct in guest memory. */
static int64_t
op(struct domain *d, uint64_t cmd, void *arg, size_t size)
{
	void *g = memory_gpa_to_hva(d, ARG_GPA, size);
	int64_t rc;

	memcpy(g, arg, size);
	rc = hc_event_channel_op(&d->vcpus[0], cmd, ARG_GPA);
	memcpy(arg, g, size);
	return rc;
}

static int64_t
guest_close(struct domain *d, uint32_t port)
{
	struct evtchn_close c = {.port = port};

	return op(d, EVTCHNOP_close, &c, sizeof(c));
}

static uint32_t
unbound_for(struct domain *d, xyl_domid_t remote)
{
	uint32_t port;

	ck_assert_int_eq(evtchn_alloc_unbound(d, remote, &port), 0);
	return port;
}

/* dom0 binds guest port p of d; the bind's own event is drained. */
struct bound {
	uint32_t dport;
	int nfd, kfd;
};

static struct bound
dom0_bind(struct domain *d, uint32_t p, void *owner)
{
	struct bound b;
	uint64_t n;

	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d, p, owner, &b.dport, &b.nfd, &b.kfd), 0);
	ck_assert_int_eq(read(b.nfd, &n, sizeof(n)), sizeof(n));
	return b;
}

static void
unbind_fds(struct bound *b)
{
	close(b->nfd);
	if (b->kfd >= 0)
		close(b->kfd);
}

static uint64_t
notified(const struct bound *b)
{
	uint64_t n = 0;

	if (read(b->nfd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

/* The guest's `outw %ax, $0x8e` with ax = value: the kernel takes it
 * (true) or it exits to xylem-hv, which sends as EVTCHNOP_send. */
static bool
ring(struct domain *d, uint16_t value)
{
	if (fake_ioeventfd_ring(d->vm_fd, XYL_DOORBELL_IO_PORT,
				XYL_DOORBELL_BYTES, value))
		return true;
	evtchn_doorbell_write(d, value);
	return false;
}

static bool
is_pending(struct domain *d, uint32_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

START_TEST(test_bind_registers_exact_match)
{
	uint32_t p = unbound_for(d1, 0);
	struct bound b;

	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	b = dom0_bind(d1, p, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 1);
	ck_assert_uint_eq(fake_ioeventfd_count(VM2), 0);
	ck_assert(ring(d1, (uint16_t)p));
	ck_assert_uint_eq(notified(&b), 1);
	/* Other widths, ports and values are not the doorbell's match. */
	ck_assert(!fake_ioeventfd_ring(VM1, XYL_HYPERCALL_IO_PORT, 4, p));
	ck_assert(!fake_ioeventfd_ring(VM1, XYL_DOORBELL_IO_PORT, 4, p));
	ck_assert(!fake_ioeventfd_ring(VM1, XYL_DOORBELL_IO_PORT, 2, p + 1));
	ck_assert(!fake_ioeventfd_ring(VM2, XYL_DOORBELL_IO_PORT, 2, p));
	/* The user-space path reaches the same eventfd. */
	evtchn_doorbell_write(d1, p);
	ck_assert_uint_eq(notified(&b), 1);
	unbind_fds(&b);
}
END_TEST

START_TEST(test_guest_close_drops_it_and_reuse_is_clean)
{
	uint32_t p = unbound_for(d1, 0), q;
	struct bound a, b;

	a = dom0_bind(d1, p, OWNER_A);
	ck_assert_int_eq(guest_close(d1, p), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	ck_assert(!ring(d1, (uint16_t)p)); /* free port: ignored */
	ck_assert_uint_eq(evtchn_doorbell_nr_bad(d1), 1);
	ck_assert_uint_eq(notified(&a), 0);

	/* The same port number, bound to another dom0 port. */
	q = unbound_for(d1, 0);
	ck_assert_uint_eq(q, p);
	b = dom0_bind(d1, q, OWNER_B);
	ck_assert_uint_ne(b.dport, a.dport);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 1);
	ck_assert(ring(d1, (uint16_t)q));
	ck_assert_uint_eq(notified(&b), 1);
	ck_assert_uint_eq(notified(&a), 0);
	unbind_fds(&a);
	unbind_fds(&b);
}
END_TEST

START_TEST(test_dom0_close_and_rebind)
{
	uint32_t p = unbound_for(d1, 0);
	struct bound a = dom0_bind(d1, p, OWNER_A), b;

	ck_assert_int_eq(evtchn_dom0_close(hv, a.dport, OWNER_A), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	/* Unbound again: the send is dropped silently, as in Xen. */
	ck_assert(!ring(d1, (uint16_t)p));
	ck_assert_uint_eq(evtchn_doorbell_nr_bad(d1), 0);
	ck_assert_uint_eq(notified(&a), 0);

	b = dom0_bind(d1, p, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 1);
	ck_assert(ring(d1, (uint16_t)p));
	ck_assert_uint_eq(notified(&b), 1);
	ck_assert_uint_eq(notified(&a), 0);
	unbind_fds(&a);
	unbind_fds(&b);
}
END_TEST

/* A backend restart: its control connection goes, then it binds again. */
START_TEST(test_backend_restart)
{
	enum { N = 3 };
	uint32_t p[N];
	struct bound old[N], fresh[N];

	for (int i = 0; i < N; i++) {
		p[i] = unbound_for(d1, 0);
		old[i] = dom0_bind(d1, p[i], OWNER_A);
	}
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), N);
	evtchn_dom0_close_owner(hv, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	for (int i = 0; i < N; i++)
		fresh[i] = dom0_bind(d1, p[i], OWNER_B);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), N);
	for (int i = 0; i < N; i++) {
		ck_assert(ring(d1, (uint16_t)p[i]));
		ck_assert_uint_eq(notified(&fresh[i]), 1);
		ck_assert_uint_eq(notified(&old[i]), 0);
		unbind_fds(&old[i]);
		unbind_fds(&fresh[i]);
	}
}
END_TEST

START_TEST(test_domain_destroy_drops_them)
{
	struct bound a = dom0_bind(d1, unbound_for(d1, 0), OWNER_A);
	struct bound b = dom0_bind(d1, unbound_for(d1, 0), OWNER_A);
	struct bound c = dom0_bind(d2, unbound_for(d2, 0), OWNER_B);

	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 2);
	evtchn_domain_destroy(d1);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM2), 1);
	/* dom0 closes its "peer gone" ends later: nothing left to drop. */
	ck_assert_int_eq(evtchn_dom0_close(hv, a.dport, OWNER_A), 0);
	ck_assert_int_eq(evtchn_dom0_close(hv, b.dport, OWNER_A), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM2), 1);
	unbind_fds(&a);
	unbind_fds(&b);
	unbind_fds(&c);
}
END_TEST

START_TEST(test_refused_or_off_falls_back)
{
	uint32_t p = unbound_for(d1, 0), q = unbound_for(d1, 0);
	struct bound a, b;

	fake_ioeventfd_fail_next(-ENOSPC);
	a = dom0_bind(d1, p, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	ck_assert(!ring(d1, (uint16_t)p));
	ck_assert_uint_eq(notified(&a), 1);

	hv->opt.no_fast_notify = true;
	b = dom0_bind(d1, q, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	ck_assert(!ring(d1, (uint16_t)q));
	ck_assert_uint_eq(notified(&b), 1);
	/* Closing a port that never had one is fine. */
	ck_assert_int_eq(evtchn_dom0_close(hv, a.dport, OWNER_A), 0);
	ck_assert_int_eq(guest_close(d1, q), 0);
	unbind_fds(&a);
	unbind_fds(&b);
}
END_TEST

START_TEST(test_share_runs_out)
{
	enum { N = MAX_BELL + 3 };
	static struct bound b[N];
	static uint32_t p[N];

	for (int i = 0; i < N; i++) {
		p[i] = unbound_for(d1, 0);
		b[i] = dom0_bind(d1, p[i], OWNER_A);
		close(b[i].kfd); /* keep the fd count low */
		b[i].kfd = -1;
	}
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), MAX_BELL);
	ck_assert(ring(d1, (uint16_t)p[0]));
	ck_assert(!ring(d1, (uint16_t)p[N - 1]));
	ck_assert_uint_eq(notified(&b[0]), 1);
	ck_assert_uint_eq(notified(&b[N - 1]), 1);
	/* A freed slot serves the next binding. */
	ck_assert_int_eq(guest_close(d1, p[0]), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), MAX_BELL - 1);
	evtchn_dom0_close_owner(hv, OWNER_A);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
	p[0] = unbound_for(d1, 0);
	unbind_fds(&b[0]);
	b[0] = dom0_bind(d1, p[0], OWNER_B);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 1);
	for (int i = 0; i < N; i++)
		unbind_fds(&b[i]);
}
END_TEST

START_TEST(test_same_port_two_domains)
{
	uint32_t p = unbound_for(d1, 0), q = unbound_for(d2, 0);
	struct bound a = dom0_bind(d1, p, OWNER_A);
	struct bound b = dom0_bind(d2, q, OWNER_B);

	ck_assert_uint_eq(p, q);
	ck_assert(ring(d1, (uint16_t)p));
	ck_assert_uint_eq(notified(&a), 1);
	ck_assert_uint_eq(notified(&b), 0);
	ck_assert(ring(d2, (uint16_t)q));
	ck_assert_uint_eq(notified(&b), 1);
	ck_assert_uint_eq(notified(&a), 0);
	unbind_fds(&a);
	unbind_fds(&b);
}
END_TEST

/* Non-dom0 ports take the user-space path and send as EVTCHNOP_send;
 * values that name nothing sendable are counted and ignored. */
START_TEST(test_user_space_path)
{
	static const uint16_t bad[] = {0, 4095, 4096, 0x8e8e, 0xffff, 77};
	struct evtchn_bind_ipi ipi = {.vcpu = 1};
	struct evtchn_bind_interdomain lb = {.remote_dom = DOMID_SELF};
	struct evtchn_bind_virq virq = {.virq = VIRQ_TIMER, .vcpu = 0};
	uint32_t u = unbound_for(d1, 1);

	ck_assert_int_eq(op(d1, EVTCHNOP_bind_ipi, &ipi, sizeof(ipi)), 0);
	lb.remote_port = u;
	ck_assert_int_eq(op(d1, EVTCHNOP_bind_interdomain, &lb, sizeof(lb)), 0);
	d1->shared_info->evtchn_pending[0] = 0;
	ck_assert_int_eq(op(d1, EVTCHNOP_bind_virq, &virq, sizeof(virq)), 0);

	ck_assert(!ring(d1, (uint16_t)ipi.port));
	ck_assert(is_pending(d1, ipi.port));
	ck_assert_uint_ge(fake_kicks(&d1->vcpus[1]), 1);
	ck_assert(!ring(d1, (uint16_t)lb.local_port));
	ck_assert(is_pending(d1, u));
	ck_assert_uint_eq(evtchn_doorbell_nr_bad(d1), 0);

	for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ck_assert(!ring(d1, bad[i]));
	ck_assert(!ring(d1, (uint16_t)virq.port)); /* VIRQ: not sendable */
	ck_assert_uint_eq(evtchn_doorbell_nr_bad(d1),
			  sizeof(bad) / sizeof(bad[0]) + 1);
	ck_assert_uint_eq(evtchn_doorbell_nr_bad(d2), 0);
	ck_assert_uint_eq(fake_ioeventfd_count(VM1), 0);
}
END_TEST

static Suite *
doorbell_suite(void)
{
	Suite *s = suite_create("evtchn_doorbell");
	TCase *tc = tcase_create("doorbell");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bind_registers_exact_match);
	tcase_add_test(tc, test_guest_close_drops_it_and_reuse_is_clean);
	tcase_add_test(tc, test_dom0_close_and_rebind);
	tcase_add_test(tc, test_backend_restart);
	tcase_add_test(tc, test_domain_destroy_drops_them);
	tcase_add_test(tc, test_refused_or_off_falls_back);
	tcase_add_test(tc, test_share_runs_out);
	tcase_add_test(tc, test_same_port_two_domains);
	tcase_add_test(tc, test_user_space_path);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(doorbell_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
