/*
 * tests/unit/hypervisor/evtchn_test.c: event channels (evtchn.c,
 * evtchn_2l.c, evtchn_dom0.c) against fake domains: every sub-op through
 * hc_event_channel_op with good and hostile arguments, the 2-level bits,
 * deferred delivery, and dom0's eventfd ends.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xen/event_channel.h>

#include "evtchn.h"
#include "fake_evtchn_world.h"
#include "hypercall.h"
#include "memory.h"

#define ARG_GPA 0x20000u
#define OWNER_A ((void *)0xa)
#define OWNER_B ((void *)0xb)

static struct fake_evtchn_world world;
static struct hv *hv;
static struct domain *d1, *d2;

static void
setup(void)
{
	fake_evtchn_world_up(&world, 2, 2);
	hv = world.hv;
	d1 = world.d1;
	d2 = world.d2;
}

static void
teardown(void)
{
	static void *const owners[] = {OWNER_A, OWNER_B};

	fake_evtchn_world_release(&world, owners, 2);
	fake_evtchn_world_free(&world);
}

/* Run one sub-op as vCPU vcpu of d with its struct in guest memory. */
static int64_t
op(struct domain *d, uint32_t vcpu, uint64_t cmd, void *arg, size_t size)
{
	void *g = memory_gpa_to_hva(d, ARG_GPA, size);
	int64_t rc;

	memcpy(g, arg, size);
	rc = hc_event_channel_op(&d->vcpus[vcpu], cmd, ARG_GPA);
	memcpy(arg, g, size);
	return rc;
}

static uint32_t
alloc_unbound(struct domain *d, uint32_t remote)
{
	struct evtchn_alloc_unbound a = {.dom = DOMID_SELF,
					 .remote_dom = remote};

	ck_assert_int_eq(op(d, 0, EVTCHNOP_alloc_unbound, &a, sizeof(a)), 0);
	ck_assert_uint_ge(a.port, 1);
	return a.port;
}

static int64_t
bind_interdomain(struct domain *d, uint32_t rdom, uint32_t rport,
		 uint32_t *lport)
{
	struct evtchn_bind_interdomain b = {.remote_dom = rdom,
					    .remote_port = rport};
	int64_t rc = op(d, 0, EVTCHNOP_bind_interdomain, &b, sizeof(b));

	if (lport)
		*lport = b.local_port;
	return rc;
}

static int64_t
ev_send(struct domain *d, uint32_t port)
{
	struct evtchn_send s = {.port = port};

	return op(d, 0, EVTCHNOP_send, &s, sizeof(s));
}

static int64_t
ev_close(struct domain *d, uint32_t port)
{
	struct evtchn_close c = {.port = port};

	return op(d, 0, EVTCHNOP_close, &c, sizeof(c));
}

static int64_t
ev_unmask(struct domain *d, uint32_t port)
{
	struct evtchn_unmask u = {.port = port};

	return op(d, 0, EVTCHNOP_unmask, &u, sizeof(u));
}

static int64_t
bind_ipi(struct domain *d, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_ipi b = {.vcpu = vcpu};
	int64_t rc = op(d, 0, EVTCHNOP_bind_ipi, &b, sizeof(b));

	if (port)
		*port = b.port;
	return rc;
}

static int64_t
bind_virq(struct domain *d, uint32_t virq, uint32_t vcpu, uint32_t *port)
{
	struct evtchn_bind_virq b = {.virq = virq, .vcpu = vcpu};
	int64_t rc = op(d, 0, EVTCHNOP_bind_virq, &b, sizeof(b));

	if (port)
		*port = b.port;
	return rc;
}

static struct evtchn_status
status_of(struct domain *d, uint32_t port)
{
	struct evtchn_status s = {.dom = DOMID_SELF, .port = port};

	ck_assert_int_eq(op(d, 0, EVTCHNOP_status, &s, sizeof(s)), 0);
	return s;
}

static bool
is_pending(struct domain *d, uint32_t port)
{
	return (d->shared_info->evtchn_pending[port / 64] >> (port % 64)) & 1;
}

static void
set_mask(struct domain *d, uint32_t port)
{
	d->shared_info->evtchn_mask[port / 64] |= 1ul << (port % 64);
}

static uint8_t
upcall(struct domain *d, uint32_t vcpu)
{
	return d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending;
}

/* What the guest's upcall handler does before it scans. */
static void
guest_ack(struct domain *d, uint32_t vcpu)
{
	d->shared_info->vcpu_info[vcpu].evtchn_upcall_pending = 0;
	d->shared_info->vcpu_info[vcpu].evtchn_pending_sel = 0;
}

START_TEST(test_alloc_unbound_status)
{
	uint32_t p = alloc_unbound(d1, 0);
	struct evtchn_status s = status_of(d1, p);

	ck_assert_uint_eq(s.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.u.unbound.dom, 0);
	p = alloc_unbound(d1, DOMID_SELF);
	s = status_of(d1, p);
	ck_assert_uint_eq(s.u.unbound.dom, 1);
}
END_TEST

START_TEST(test_alloc_unbound_hostile)
{
	struct evtchn_alloc_unbound a = {.dom = 2, .remote_dom = 0};

	ck_assert_int_eq(op(d1, 0, EVTCHNOP_alloc_unbound, &a, sizeof(a)),
			 -EPERM);
	a.dom = 77;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_alloc_unbound, &a, sizeof(a)),
			 -ESRCH);
	a.dom = 0;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_alloc_unbound, &a, sizeof(a)),
			 -EPERM);
	a.dom = 1;
	a.remote_dom = DOMID_FIRST_RESERVED + 1;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_alloc_unbound, &a, sizeof(a)),
			 -EINVAL);
	/* A bad guest pointer is -EFAULT, never a crash. */
	ck_assert_int_eq(hc_event_channel_op(&d1->vcpus[0],
					     EVTCHNOP_alloc_unbound,
					     0xdead0000000ull),
			 -EFAULT);
}
END_TEST

START_TEST(test_ports_run_out)
{
	uint32_t port;

	for (uint32_t i = 1; i < EVTCHN_2L_NR_CHANNELS; i++)
		ck_assert_int_eq(evtchn_alloc_unbound(d1, 0, &port), 0);
	ck_assert_int_eq(evtchn_alloc_unbound(d1, 0, &port), -ENOSPC);
	ck_assert_int_eq(bind_ipi(d1, 0, NULL), -ENOSPC);
}
END_TEST

START_TEST(test_interdomain_send)
{
	uint32_t p2 = alloc_unbound(d2, 1), p1;
	struct evtchn_status s;

	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);
	s = status_of(d1, p1);
	ck_assert_uint_eq(s.status, EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(s.u.interdomain.dom, 2);
	ck_assert_uint_eq(s.u.interdomain.port, p2);
	s = status_of(d2, p2);
	ck_assert_uint_eq(s.u.interdomain.dom, 1);
	ck_assert_uint_eq(s.u.interdomain.port, p1);
	/* Xen raises the new local end once: lost notifications. */
	ck_assert(is_pending(d1, p1));

	ck_assert(!is_pending(d2, p2));
	ck_assert_int_eq(ev_send(d1, p1), 0);
	ck_assert(is_pending(d2, p2));
	ck_assert_uint_eq(upcall(d2, 0), 1);
	ck_assert_uint_eq(fake_kicks(&d2->vcpus[0]), 1);
	ck_assert_int_eq(ev_send(d1, p1), 0);
	ck_assert_uint_eq(fake_kicks(&d2->vcpus[0]), 1);
	ck_assert_int_eq(ev_send(d2, p2), 0);
	ck_assert(is_pending(d1, p1));
}
END_TEST

START_TEST(test_loopback)
{
	uint32_t a = alloc_unbound(d1, DOMID_SELF), b;

	ck_assert_int_eq(bind_interdomain(d1, DOMID_SELF, a, &b), 0);
	ck_assert_uint_ne(a, b);
	d1->shared_info->evtchn_pending[b / 64] = 0;
	ck_assert_int_eq(ev_send(d1, b), 0);
	ck_assert(is_pending(d1, a));
	ck_assert_int_eq(ev_send(d1, a), 0);
	ck_assert(is_pending(d1, b));
	ck_assert_int_eq(ev_close(d1, a), 0);
	ck_assert_uint_eq(status_of(d1, b).status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(status_of(d1, b).u.unbound.dom, 1);
}
END_TEST

START_TEST(test_bind_interdomain_hostile)
{
	uint32_t p2 = alloc_unbound(d2, 3), p1;

	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), -EINVAL);
	ck_assert_int_eq(bind_interdomain(d1, 2, 0, &p1), -EINVAL);
	ck_assert_int_eq(bind_interdomain(d1, 2, 4096, &p1), -EINVAL);
	ck_assert_int_eq(bind_interdomain(d1, 2, 0xffffffffu, &p1), -EINVAL);
	ck_assert_int_eq(bind_interdomain(d1, 9, 1, &p1), -ESRCH);
	ck_assert_int_eq(bind_interdomain(d1, 0, 1, &p1), -EINVAL);
	ck_assert_int_eq(bind_interdomain(d1, 0xffff, 1, &p1), -ESRCH);
	/* A free port of d2 is not bindable either. */
	ck_assert_int_eq(bind_interdomain(d1, 2, p2 + 1, &p1), -EINVAL);
	/* Once bound, nobody else may bind it. */
	p2 = alloc_unbound(d2, 1);
	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);
	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), -EINVAL);
}
END_TEST

START_TEST(test_send_hostile)
{
	uint32_t p = alloc_unbound(d1, 2), v;

	ck_assert_int_eq(ev_send(d1, 0), -EINVAL);
	ck_assert_int_eq(ev_send(d1, 4096), -EINVAL);
	ck_assert_int_eq(ev_send(d1, 0x80000001u), -EINVAL);
	ck_assert_int_eq(ev_send(d1, p + 1), -EINVAL); /* free */
	/* Unbound: dropped silently, as in Xen. */
	ck_assert_int_eq(ev_send(d1, p), 0);
	ck_assert(!is_pending(d1, p));
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 0, &v), 0);
	ck_assert_int_eq(ev_send(d1, v), -EINVAL);
}
END_TEST

START_TEST(test_close)
{
	uint32_t p2 = alloc_unbound(d2, 1), p1, v, ipi;

	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);
	ck_assert_int_eq(ev_close(d1, p1), 0);
	ck_assert_uint_eq(status_of(d1, p1).status, EVTCHNSTAT_closed);
	ck_assert(!is_pending(d1, p1));
	ck_assert_uint_eq(status_of(d2, p2).status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(status_of(d2, p2).u.unbound.dom, 1);
	/* d1 may bind the peer again. */
	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);
	ck_assert_int_eq(ev_close(d2, p2), 0);
	ck_assert_uint_eq(status_of(d1, p1).status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(status_of(d1, p1).u.unbound.dom, 2);

	ck_assert_int_eq(ev_close(d1, p1), 0);
	ck_assert_int_eq(ev_close(d1, p1), -EINVAL);
	ck_assert_int_eq(ev_close(d1, 0), -EINVAL);
	ck_assert_int_eq(ev_close(d1, 4096), -EINVAL);

	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 1, &v), 0);
	ck_assert_int_eq(ev_close(d1, v), 0);
	ck_assert_uint_eq(d1->vcpus[1].virq_timer_port, 0);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 1, &v), 0);
	ck_assert_int_eq(bind_ipi(d1, 1, &ipi), 0);
	ck_assert_int_eq(ev_close(d1, ipi), 0);
	ck_assert_int_eq(ev_close(d1, ipi), -EINVAL);
}
END_TEST

START_TEST(test_bind_virq)
{
	uint32_t t0, t1, c;

	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 0, &t0), 0);
	ck_assert_uint_eq(d1->vcpus[0].virq_timer_port, t0);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 0, NULL), -EEXIST);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 1, &t1), 0);
	ck_assert_uint_ne(t0, t1);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 2, NULL), -ENOENT);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 0xffffffffu, NULL), -ENOENT);
	ck_assert_int_eq(bind_virq(d1, NR_VIRQS, 0, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, 0xffffffffu, 0, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, VIRQ_CONSOLE, 1, NULL), -EINVAL);
	ck_assert_int_eq(bind_virq(d1, VIRQ_CONSOLE, 0, &c), 0);
	ck_assert_int_eq(bind_virq(d1, VIRQ_CONSOLE, 0, NULL), -EEXIST);
	ck_assert_uint_eq(status_of(d1, c).status, EVTCHNSTAT_virq);
	ck_assert_uint_eq(status_of(d1, c).u.virq, VIRQ_CONSOLE);
	/* Linux binds VIRQ_DEBUG per CPU on the 2-level ABI. */
	ck_assert_int_eq(bind_virq(d1, VIRQ_DEBUG, 1, NULL), 0);

	evtchn_raise_virq(&d1->vcpus[1], VIRQ_TIMER);
	ck_assert(is_pending(d1, t1));
	ck_assert(!is_pending(d1, t0));
	ck_assert_uint_eq(upcall(d1, 1), 1);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[1]), 1);
	evtchn_raise_virq(&d1->vcpus[1], VIRQ_CONSOLE);
	ck_assert(is_pending(d1, c));
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 1);
	/* Unbound or out-of-range VIRQs are no-ops. */
	evtchn_raise_virq(&d2->vcpus[0], VIRQ_TIMER);
	evtchn_raise_virq(&d1->vcpus[0], NR_VIRQS + 5);
	ck_assert_uint_eq(fake_kicks(&d2->vcpus[0]), 0);
}
END_TEST

START_TEST(test_ipi_and_vcpu_targets)
{
	uint32_t ipi;
	struct evtchn_status s;

	ck_assert_int_eq(bind_ipi(d1, 2, NULL), -ENOENT);
	ck_assert_int_eq(bind_ipi(d1, 1, &ipi), 0);
	s = status_of(d1, ipi);
	ck_assert_uint_eq(s.status, EVTCHNSTAT_ipi);
	ck_assert_uint_eq(s.vcpu, 1);
	ck_assert_int_eq(ev_send(d1, ipi), 0);
	ck_assert(is_pending(d1, ipi));
	ck_assert_uint_eq(upcall(d1, 1), 1);
	ck_assert_uint_eq(upcall(d1, 0), 0);
	ck_assert(d1->shared_info->vcpu_info[1].evtchn_pending_sel &
		  (1ul << (ipi / 64)));
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[1]), 1);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 0);
	ck_assert(evtchn_vcpu_has_pending(&d1->vcpus[1]));
	ck_assert(!evtchn_vcpu_has_pending(&d1->vcpus[0]));
	ck_assert(evtchn_any_pending(d1, &ipi, 1));
}
END_TEST

START_TEST(test_bind_vcpu)
{
	struct evtchn_bind_vcpu b;
	uint32_t ipi, t, c, p2 = alloc_unbound(d2, 1), p1;

	ck_assert_int_eq(bind_ipi(d1, 0, &ipi), 0);
	ck_assert_int_eq(bind_virq(d1, VIRQ_TIMER, 0, &t), 0);
	ck_assert_int_eq(bind_virq(d1, VIRQ_CONSOLE, 0, &c), 0);
	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);

	b = (struct evtchn_bind_vcpu){.port = ipi, .vcpu = 1};
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -EINVAL);
	b.port = t;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -EINVAL);
	b.port = c;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), 0);
	b.vcpu = 2;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -ENOENT);
	b = (struct evtchn_bind_vcpu){.port = 0, .vcpu = 1};
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), -EINVAL);
	b.port = p1;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_bind_vcpu, &b, sizeof(b)), 0);
	ck_assert_uint_eq(status_of(d1, p1).vcpu, 1);

	guest_ack(d1, 0);
	d1->shared_info->evtchn_pending[p1 / 64] = 0;
	ck_assert_int_eq(ev_send(d2, p2), 0);
	ck_assert_uint_eq(upcall(d1, 1), 1);
	ck_assert_uint_eq(upcall(d1, 0), 0);
	evtchn_raise_virq(&d1->vcpus[0], VIRQ_CONSOLE);
	ck_assert(is_pending(d1, c));
}
END_TEST

START_TEST(test_mask_unmask)
{
	uint32_t a, b;

	ck_assert_int_eq(bind_ipi(d1, 0, &a), 0);
	ck_assert_int_eq(bind_ipi(d1, 0, &b), 0);
	set_mask(d1, a);
	ck_assert_int_eq(ev_send(d1, a), 0);
	ck_assert(is_pending(d1, a));
	ck_assert_uint_eq(upcall(d1, 0), 0);
	ck_assert_uint_eq(d1->shared_info->vcpu_info[0].evtchn_pending_sel, 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 0);

	ck_assert_int_eq(ev_unmask(d1, a), 0);
	ck_assert_uint_eq(upcall(d1, 0), 1);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 1);
	ck_assert_uint_eq(d1->shared_info->evtchn_mask[a / 64], 0);

	/* Unmasking a port that is not pending delivers nothing. */
	guest_ack(d1, 0);
	set_mask(d1, b);
	ck_assert_int_eq(ev_unmask(d1, b), 0);
	ck_assert_uint_eq(upcall(d1, 0), 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 1);
	ck_assert_int_eq(ev_unmask(d1, 0), -EINVAL);
	ck_assert_int_eq(ev_unmask(d1, 4096), -EINVAL);
}
END_TEST

START_TEST(test_kick_only_on_edge)
{
	uint32_t a, b, c;

	ck_assert_int_eq(bind_ipi(d1, 0, &a), 0);
	ck_assert_int_eq(bind_ipi(d1, 0, &b), 0);
	ck_assert_int_eq(bind_ipi(d1, 0, &c), 0);
	ck_assert_int_eq(ev_send(d1, a), 0);
	ck_assert_int_eq(ev_send(d1, b), 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 1);
	guest_ack(d1, 0);
	ck_assert_int_eq(ev_send(d1, c), 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 2);
	/* Still pending (guest has not cleared it): no new upcall. */
	guest_ack(d1, 0);
	ck_assert_int_eq(ev_send(d1, c), 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 2);

	/* A port in another selector word while upcall_pending is still 1:
	 * new selector bit, but no second kick. */
	uint32_t hi = 0;
	while (hi < 64)
		ck_assert_int_eq(bind_ipi(d1, 0, &hi), 0);
	guest_ack(d1, 0);
	memset(d1->shared_info->evtchn_pending, 0,
	       sizeof(d1->shared_info->evtchn_pending));
	ck_assert_int_eq(ev_send(d1, a), 0);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 3);
	ck_assert_int_eq(ev_send(d1, hi), 0);
	ck_assert_uint_eq(d1->shared_info->vcpu_info[0].evtchn_pending_sel, 3);
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 3);
}
END_TEST

START_TEST(test_status_hostile)
{
	struct evtchn_status s = {.dom = 2, .port = 1};

	ck_assert_int_eq(op(d1, 0, EVTCHNOP_status, &s, sizeof(s)), -EPERM);
	s.dom = 55;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_status, &s, sizeof(s)), -ESRCH);
	s.dom = 1;
	s.port = 0;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_status, &s, sizeof(s)), -EINVAL);
	s.port = 4096;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_status, &s, sizeof(s)), -EINVAL);
	s.port = 9;
	ck_assert_int_eq(op(d1, 0, EVTCHNOP_status, &s, sizeof(s)), 0);
	ck_assert_uint_eq(s.status, EVTCHNSTAT_closed);
}
END_TEST

START_TEST(test_enosys)
{
	uint64_t cmds[] = {EVTCHNOP_bind_pirq,
			   EVTCHNOP_reset,
			   EVTCHNOP_init_control,
			   EVTCHNOP_expand_array,
			   EVTCHNOP_set_priority,
			   14,
			   99,
			   0xffffffffffffffffull};
	uint8_t zero[64] = {0};

	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		ck_assert_int_eq(op(d1, 0, cmds[i], zero, sizeof(zero)),
				 -ENOSYS);
}
END_TEST

START_TEST(test_deferred_until_shared_info)
{
	struct domain *d3 = fake_domain_new(hv, 3, 1);
	uint32_t ipi, other;

	ck_assert_int_eq(evtchn_domain_init(d3), 0);
	ck_assert_int_eq(bind_ipi(d3, 0, &ipi), 0);
	ck_assert_int_eq(bind_ipi(d3, 0, &other), 0);
	ck_assert_int_eq(ev_send(d3, ipi), 0);
	ck_assert_uint_eq(fake_kicks(&d3->vcpus[0]), 0);
	ck_assert(evtchn_any_pending(d3, &ipi, 1));
	ck_assert(!evtchn_any_pending(d3, &other, 1));
	ck_assert(!evtchn_vcpu_has_pending(&d3->vcpus[0]));

	fake_domain_map_shared_info(d3);
	evtchn_resync(d3);
	ck_assert(is_pending(d3, ipi));
	ck_assert(!is_pending(d3, other));
	ck_assert_uint_eq(upcall(d3, 0), 1);
	ck_assert_uint_eq(fake_kicks(&d3->vcpus[0]), 1);
	evtchn_domain_free(d3);
	fake_domain_free(d3);
}
END_TEST

START_TEST(test_destroy_unbinds_peer)
{
	struct domain *d3 = fake_domain_new(hv, 3, 1);
	uint32_t p1 = alloc_unbound(d1, 3), p3;

	ck_assert_int_eq(evtchn_domain_init(d3), 0);
	ck_assert_int_eq(bind_interdomain(d3, 1, p1, &p3), 0);
	ck_assert_uint_eq(status_of(d1, p1).status, EVTCHNSTAT_interdomain);
	ck_assert_int_eq(bind_virq(d3, VIRQ_TIMER, 0, NULL), 0);
	evtchn_domain_destroy(d3);
	ck_assert_uint_eq(status_of(d1, p1).status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(status_of(d1, p1).u.unbound.dom, 3);
	/* A dying domain takes no events and makes no ports. */
	ck_assert_int_eq(ev_send(d3, p3), -EINVAL);
	evtchn_raise_virq(&d3->vcpus[0], VIRQ_TIMER);
	ck_assert_uint_eq(fake_kicks(&d3->vcpus[0]), 0);
	ck_assert_int_eq(bind_ipi(d3, 0, NULL), -ESRCH);
	ck_assert_int_eq(bind_interdomain(d1, 3, p3, NULL), -ESRCH);
	evtchn_domain_free(d3);
	ck_assert_ptr_null(d3->evtchn);
	/* hc entries on a domain without a table fail cleanly. */
	ck_assert_int_eq(ev_send(d3, p3), -ENOSYS);
	evtchn_raise_virq(&d3->vcpus[0], VIRQ_TIMER);
	fake_domain_free(d3);
	ck_assert_int_eq(ev_send(d1, p1), 0);
}
END_TEST

/* ---- dom0's ends ---- */

static uint64_t
read_fd(int fd)
{
	uint64_t n = 0;

	if (read(fd, &n, sizeof(n)) != sizeof(n))
		return 0;
	return n;
}

static void
write_fd(int fd)
{
	uint64_t one = 1;

	ck_assert_int_eq(write(fd, &one, sizeof(one)), sizeof(one));
}

START_TEST(test_dom0_bind_notify_kick)
{
	uint32_t p = alloc_unbound(d1, 0), dport;
	int nfd, kfd;
	struct evtchn_status s;

	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, p, OWNER_A, &dport, &nfd, &kfd), 0);
	ck_assert_uint_ge(dport, 1);
	ck_assert_uint_eq(fake_loop_count(), 1);
	s = status_of(d1, p);
	ck_assert_uint_eq(s.status, EVTCHNSTAT_interdomain);
	ck_assert_uint_eq(s.u.interdomain.dom, 0);
	ck_assert_uint_eq(s.u.interdomain.port, dport);
	ck_assert_uint_eq(read_fd(nfd), 1); /* the bind's own event */
	ck_assert_uint_eq(read_fd(nfd), 0);

	ck_assert_int_eq(ev_send(d1, p), 0);
	ck_assert_int_eq(ev_send(d1, p), 0);
	ck_assert_uint_eq(read_fd(nfd), 2);

	ck_assert(!is_pending(d1, p));
	write_fd(kfd);
	write_fd(kfd);
	ck_assert_uint_eq(fake_loop_fire_all(), 1);
	ck_assert(is_pending(d1, p));
	ck_assert_uint_eq(fake_kicks(&d1->vcpus[0]), 1);
	/* Drained: firing again delivers nothing new. */
	guest_ack(d1, 0);
	d1->shared_info->evtchn_pending[p / 64] = 0;
	fake_loop_fire_all();
	ck_assert(!is_pending(d1, p));

	ck_assert_int_eq(evtchn_dom0_close(hv, dport, OWNER_B), -EPERM);
	ck_assert_int_eq(evtchn_dom0_close(hv, dport, OWNER_A), 0);
	ck_assert_int_eq(evtchn_dom0_close(hv, dport, OWNER_A), -EINVAL);
	ck_assert_uint_eq(fake_loop_count(), 0);
	s = status_of(d1, p);
	ck_assert_uint_eq(s.status, EVTCHNSTAT_unbound);
	ck_assert_uint_eq(s.u.unbound.dom, 0);
	/* Our dups stay usable; nobody reads or writes the other ends. */
	ck_assert_int_eq(ev_send(d1, p), 0);
	ck_assert_uint_eq(read_fd(nfd), 0);
	close(nfd);
	close(kfd);
}
END_TEST

START_TEST(test_dom0_bind_hostile)
{
	uint32_t p = alloc_unbound(d1, 2), dport;
	int nfd, kfd;

	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, p, OWNER_A, &dport, &nfd, &kfd),
		-EINVAL);
	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, 0, OWNER_A, &dport, &nfd, &kfd),
		-EINVAL);
	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, 5000, OWNER_A, &dport, &nfd, &kfd),
		-EINVAL);
	ck_assert_uint_eq(fake_loop_count(), 0);
	ck_assert_int_eq(evtchn_dom0_close(hv, 0, OWNER_A), -EINVAL);
	ck_assert_int_eq(evtchn_dom0_close(hv, 4096, OWNER_A), -EINVAL);
	ck_assert_int_eq(evtchn_dom0_close(hv, 7, OWNER_A), -EINVAL);

	/* Bound once; a second bind of the same guest port fails. */
	p = alloc_unbound(d1, 0);
	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, p, OWNER_A, &dport, &nfd, &kfd), 0);
	close(nfd);
	close(kfd);
	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d1, p, OWNER_A, &dport, &nfd, &kfd),
		-EINVAL);
}
END_TEST

START_TEST(test_dom0_guest_goes_away)
{
	uint32_t p = alloc_unbound(d1, 0), q = alloc_unbound(d2, 0);
	uint32_t dp, dq;
	int nfd, kfd, nfd2, kfd2;

	ck_assert_int_eq(evtchn_dom0_bind(hv, d1, p, OWNER_A, &dp, &nfd, &kfd),
			 0);
	ck_assert_int_eq(
		evtchn_dom0_bind(hv, d2, q, OWNER_B, &dq, &nfd2, &kfd2), 0);
	ck_assert_uint_ne(dp, dq);
	read_fd(nfd);
	read_fd(nfd2);

	/* The guest closes its end: dom0's end is "peer gone". */
	ck_assert_int_eq(ev_close(d1, p), 0);
	ck_assert_uint_eq(status_of(d1, p).status, EVTCHNSTAT_closed);
	write_fd(kfd);
	fake_loop_fire_all();
	ck_assert(!is_pending(d1, p));
	ck_assert_uint_eq(read_fd(nfd), 0);

	/* d2 is destroyed with a dom0 port bound. */
	evtchn_domain_destroy(d2);
	write_fd(kfd2);
	fake_loop_fire_all();
	ck_assert_uint_eq(fake_kicks(&d2->vcpus[0]), 0);

	/* Closing the connection closes both dom0 ports. */
	evtchn_dom0_close_owner(hv, OWNER_A);
	ck_assert_uint_eq(fake_loop_count(), 1);
	evtchn_dom0_close_owner(hv, OWNER_B);
	ck_assert_uint_eq(fake_loop_count(), 0);
	close(nfd);
	close(kfd);
	close(nfd2);
	close(kfd2);
}
END_TEST

/* ---- random and concurrent use ---- */

/* Every interdomain port's peer points back at it. */
static void
check_pairs(struct domain *a, struct domain *b)
{
	for (uint32_t p = 1; p < EVTCHN_2L_NR_CHANNELS; p++) {
		struct evtchn_status s = status_of(a, p), t;
		struct domain *peer;

		if (s.status != EVTCHNSTAT_interdomain ||
		    s.u.interdomain.dom == 0)
			continue;
		peer = s.u.interdomain.dom == a->domid ? a : b;
		ck_assert_uint_eq(s.u.interdomain.dom, peer->domid);
		t = status_of(peer, s.u.interdomain.port);
		ck_assert_uint_eq(t.status, EVTCHNSTAT_interdomain);
		ck_assert_uint_eq(t.u.interdomain.dom, a->domid);
		ck_assert_uint_eq(t.u.interdomain.port, p);
	}
}

static uint32_t
rnd_port(unsigned *seed)
{
	static const uint32_t odd[] = {0, 4095, 4096, 0x80000000u, 0xffffffffu};
	unsigned r = (unsigned)rand_r(seed);

	return r % 8 ? r % 24 : odd[r % 5];
}

static uint32_t
rnd_dom(unsigned *seed)
{
	static const uint32_t doms[] = {DOMID_SELF, 0,	    1,	    2,
					3,	    0x7fef, 0x7ff1, 0xffff};

	return doms[(unsigned)rand_r(seed) % 8];
}

/* Hostile guests throw random sub-ops with random arguments: nothing
 * crashes (ASan/UBSan watch) and the tables stay consistent. */
START_TEST(test_random_ops)
{
	unsigned seed = 1234;

	for (int i = 0; i < 20000; i++) {
		union {
			uint32_t w[8];
			uint8_t b[32];
		} arg;
		struct domain *d = rand_r(&seed) % 2 ? d1 : d2;
		uint64_t cmd = (unsigned)rand_r(&seed) % 16;

		for (int j = 0; j < 8; j++)
			arg.w[j] = rnd_port(&seed);
		/* dom / remote_dom fields are u16 at offset 0 or 2. */
		if (rand_r(&seed) % 2) {
			uint16_t dom = (uint16_t)rnd_dom(&seed);
			memcpy(arg.b + (rand_r(&seed) % 2) * 2, &dom, 2);
		}
		op(d, (unsigned)rand_r(&seed) % 2, cmd, &arg, sizeof(arg));
		if (i % 97 == 0)
			evtchn_raise_virq(&d->vcpus[rand_r(&seed) % 2],
					  (unsigned)rand_r(&seed) % 30);
		if (i % 5 == 0)
			guest_ack(d, (unsigned)rand_r(&seed) % 2);
	}
	check_pairs(d1, d2);
	check_pairs(d2, d1);
}
END_TEST

struct stress {
	struct domain *d;
	uint32_t port;
	int iterations;
};

static void *
stress_send(void *arg)
{
	struct stress *st = arg;
	struct evtchn_send s = {.port = st->port};

	/* Straight to the entry: the fake guest memory is not thread-safe
	 * as an argument buffer. */
	for (int i = 0; i < st->iterations; i++) {
		struct vcpu *v = &st->d->vcpus[1];
		void *g = memory_gpa_to_hva(st->d, ARG_GPA + 4096, sizeof(s));

		memcpy(g, &s, sizeof(s));
		hc_event_channel_op(v, EVTCHNOP_send, ARG_GPA + 4096);
	}
	return NULL;
}

/* Two guests send on a channel while one of them closes and rebinds it
 * again and again: no deadlock (lock order), no lost table invariant. */
START_TEST(test_concurrent_send_close)
{
	uint32_t p2 = alloc_unbound(d2, 1), p1;
	struct stress a, b;
	pthread_t ta, tb;

	ck_assert_int_eq(bind_interdomain(d1, 2, p2, &p1), 0);
	a = (struct stress){d1, p1, 20000};
	b = (struct stress){d2, p2, 20000};
	ck_assert_int_eq(pthread_create(&ta, NULL, stress_send, &a), 0);
	ck_assert_int_eq(pthread_create(&tb, NULL, stress_send, &b), 0);
	for (int i = 0; i < 2000; i++) {
		uint32_t again;

		ck_assert_int_eq(ev_close(d1, p1), 0);
		ck_assert_int_eq(bind_interdomain(d1, 2, p2, &again), 0);
		ck_assert_uint_eq(again, p1); /* lowest free port */
		guest_ack(d1, 0);
		guest_ack(d2, 0);
	}
	pthread_join(ta, NULL);
	pthread_join(tb, NULL);
	check_pairs(d1, d2);
	ck_assert_uint_eq(status_of(d2, p2).status, EVTCHNSTAT_interdomain);
}
END_TEST

static Suite *
evtchn_suite(void)
{
	Suite *s = suite_create("evtchn");
	TCase *tc = tcase_create("guest");
	TCase *t0 = tcase_create("dom0");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_alloc_unbound_status);
	tcase_add_test(tc, test_alloc_unbound_hostile);
	tcase_add_test(tc, test_ports_run_out);
	tcase_add_test(tc, test_interdomain_send);
	tcase_add_test(tc, test_loopback);
	tcase_add_test(tc, test_bind_interdomain_hostile);
	tcase_add_test(tc, test_send_hostile);
	tcase_add_test(tc, test_close);
	tcase_add_test(tc, test_bind_virq);
	tcase_add_test(tc, test_ipi_and_vcpu_targets);
	tcase_add_test(tc, test_bind_vcpu);
	tcase_add_test(tc, test_mask_unmask);
	tcase_add_test(tc, test_kick_only_on_edge);
	tcase_add_test(tc, test_status_hostile);
	tcase_add_test(tc, test_enosys);
	tcase_add_test(tc, test_deferred_until_shared_info);
	tcase_add_test(tc, test_destroy_unbinds_peer);
	tcase_add_test(tc, test_random_ops);
	tcase_add_test(tc, test_concurrent_send_close);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_checked_fixture(t0, setup, teardown);
	tcase_add_test(t0, test_dom0_bind_notify_kick);
	tcase_add_test(t0, test_dom0_bind_hostile);
	tcase_add_test(t0, test_dom0_guest_goes_away);
	suite_add_tcase(s, t0);
	return s;
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
