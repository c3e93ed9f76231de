/*
 * apps/selftest_evtchn.c: the selftest's event-channel and sched_op checks:
 * a loopback pair bound to itself, masking and unmask, VIRQs, IPIs,
 * bind_vcpu, bad ports, and block/poll with timeouts.
 */
#include <stdarg.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#include "selftest.h"

void
st_test_sched(struct st *t, evtchn_port_t idle_port)
{
	struct sched_poll sp = {.nr_ports = 1};
	evtchn_port_t port = idle_port;
	uint64_t t0, dt, ticks;
	unsigned early;
	long rc;

	rc = gk_hc_sched_op(SCHEDOP_yield, 0);
	st_rc(t, "sched_op yield", rc, 0);
	gk_evtchn_poll();
	ticks = gk_timer_ticks();
	t0 = gk_time_now_ns();
	gk_hc_set_timer_op(t0 + 2 * GK_NS_PER_MS);
	while (gk_timer_ticks() == ticks &&
	       gk_time_now_ns() < t0 + st_guard(t, 2 * GK_NS_PER_MS)) {
		if (gk_evtchn_poll() == 0)
			rc = gk_hc_sched_op(SCHEDOP_block, 0);
	}
	dt = gk_time_now_ns() - t0;
	st_check(t, rc == 0 && st_on_time(t, dt, 2 * GK_NS_PER_MS),
		 "sched_op block until a 2 ms timer: woke after %llu us "
		 "(late by <= %llu us)",
		 (unsigned long long)(dt / 1000),
		 (unsigned long long)(t->slack_ns / 1000));
	set_xen_guest_handle(sp.ports, &port);
	t0 = gk_time_now_ns();
	sp.timeout = t0 + 5 * GK_NS_PER_MS;
	/* As in Xen, poll also returns when another event is pending for
	 * the vCPU (consoled's console kicks, for one): such a return is
	 * legitimate and is followed by another poll until the timeout.  A
	 * return before the timeout with nothing to handle fails the check. */
	for (early = 0;; early++) {
		rc = gk_hc_sched_op(SCHEDOP_poll, &sp);
		if (rc != 0 || gk_time_now_ns() >= sp.timeout ||
		    gk_evtchn_poll() == 0 || early == 1000)
			break;
	}
	dt = gk_time_now_ns() - t0;
	st_check(t, rc == 0 && st_on_time(t, dt, 5 * GK_NS_PER_MS),
		 "sched_op poll 5 ms timeout on an idle port: rc %ld after "
		 "%llu us (%u returns for other events)",
		 rc, (unsigned long long)(dt / 1000), early);
	set_xen_guest_handle(sp.ports, (evtchn_port_t *)ST_UNMAPPED_VA);
	rc = gk_hc_sched_op(SCHEDOP_poll, &sp);
	st_rc(t, "sched_op poll ports unmapped VA", rc, -EFAULT);
	rc = gk_hc_sched_op(SCHEDOP_poll, (void *)st_past_ram());
	st_rc(t, "sched_op poll past RAM", rc, -EFAULT);
	rc = gk_hc_sched_op(SCHEDOP_shutdown, (void *)ST_UNMAPPED_VA);
	st_rc(t, "sched_op shutdown unmapped VA", rc, -EFAULT);
	rc = gk_hc_sched_op(1000, 0);
	st_rc(t, "sched_op unknown sub-op", rc, -ENOSYS);
}

struct st_counter {
	unsigned int hits;
	evtchn_port_t last_port;
};

static void
st_count_event(evtchn_port_t port, void *arg)
{
	struct st_counter *c = arg;

	c->hits++;
	c->last_port = port;
}

/* Send on `from` and check the handler of `to` runs. */
static void
st_loopback_send(struct st *t, const char *what, evtchn_port_t from,
		 evtchn_port_t to, struct st_counter *c)
{
	unsigned int before = c->hits;
	int rc = gk_evtchn_send(from);

	gk_evtchn_poll();
	st_check(t, rc == 0 && c->hits == before + 1 && c->last_port == to,
		 "%s: send on %u rc %d, handler of %u ran %u time(s)", what,
		 from, rc, to, c->hits - before);
}

static void
test_evtchn_unmask(struct st *t, evtchn_port_t p1, evtchn_port_t p2,
		   struct st_counter *c)
{
	struct sched_poll sp = {.nr_ports = 1};
	unsigned int before = c->hits;
	uint64_t t0, dt;
	long rc;

	gk_evtchn_set_mask(gk.shared_info, p1);
	gk_evtchn_send(p2);
	gk_evtchn_poll();
	st_check(t,
		 c->hits == before && gk_evtchn_is_pending(gk.shared_info, p1),
		 "event_channel_op masked port stays pending, no handler");
	set_xen_guest_handle(sp.ports, &p1);
	t0 = gk_time_now_ns();
	sp.timeout = t0 + GK_NS_PER_S;
	rc = gk_hc_sched_op(SCHEDOP_poll, &sp);
	dt = gk_time_now_ns() - t0;
	st_check(t, rc == 0 && dt <= t->slack_ns,
		 "sched_op poll on a pending port: rc %ld after %llu us", rc,
		 (unsigned long long)(dt / 1000));
	rc = gk_evtchn_unmask(p1);
	gk_evtchn_poll();
	st_check(t,
		 rc == 0 && c->hits == before + 1 &&
			 !gk_evtchn_is_masked(gk.shared_info, p1),
		 "event_channel_op unmask delivers the pending event: rc %ld",
		 rc);
}

static void
test_evtchn_loopback(struct st *t, evtchn_port_t *idle_port)
{
	struct st_counter c = {0};
	struct evtchn_status s;
	evtchn_port_t p1 = 0, p2 = 0;
	int rc;

	rc = gk_evtchn_alloc_unbound(DOMID_SELF, &p1);
	st_check(t, rc == 0 && p1 > 0,
		 "event_channel_op alloc_unbound(self): port %u", p1);
	rc = gk_evtchn_status(DOMID_SELF, p1, &s);
	t->domid = s.u.unbound.dom;
	st_check(t, rc == 0 && s.status == EVTCHNSTAT_unbound,
		 "event_channel_op status unbound: remote dom %u",
		 s.u.unbound.dom);
	rc = gk_evtchn_bind_interdomain(DOMID_SELF, p1, &p2);
	st_check(t, rc == 0 && p2 > 0 && p2 != p1,
		 "event_channel_op bind_interdomain(self, %u): rc %d port %u",
		 p1, rc, p2);
	rc = gk_evtchn_status(DOMID_SELF, p2, &s);
	st_check(t,
		 rc == 0 && s.status == EVTCHNSTAT_interdomain &&
			 s.u.interdomain.port == p1,
		 "event_channel_op status interdomain: peer port %u",
		 s.u.interdomain.port);
	gk_evtchn_set_handler(&gk.evtchn, p1, st_count_event, &c);
	gk_evtchn_set_handler(&gk.evtchn, p2, st_count_event, &c);
	gk_evtchn_unmask(p1);
	gk_evtchn_unmask(p2);
	/* As in Xen, binding leaves the new port pending (the peer may have
	 * sent before we bound): drain that first. */
	gk_evtchn_poll();
	st_check(t, c.hits == 1 && c.last_port == p2,
		 "event_channel_op bind_interdomain leaves the new port "
		 "pending: %u event(s)",
		 c.hits);
	st_loopback_send(t, "event_channel_op loopback", p2, p1, &c);
	st_loopback_send(t, "event_channel_op loopback back", p1, p2, &c);
	test_evtchn_unmask(t, p1, p2, &c);
	rc = gk_evtchn_bind_vcpu(p1, 0);
	st_rc(t, "event_channel_op bind_vcpu(port, 0)", rc, 0);
	rc = gk_evtchn_bind_vcpu(p1, ST_BAD_VCPU);
	st_rc_badid(t, "event_channel_op bind_vcpu bad vcpu", rc);
	rc = gk_evtchn_close(p2);
	st_rc(t, "event_channel_op close", rc, 0);
	rc = gk_evtchn_status(DOMID_SELF, p1, &s);
	st_check(t, rc == 0 && s.status == EVTCHNSTAT_unbound,
		 "event_channel_op peer back to unbound after close: status %u",
		 s.status);
	rc = gk_evtchn_send(p2);
	st_check(t, rc == -EINVAL || rc == -ENOENT,
		 "event_channel_op send on closed port: rc %d", rc);
	gk_evtchn_clear_handler(&gk.evtchn, p1);
	gk_evtchn_clear_handler(&gk.evtchn, p2);
	*idle_port = p1; /* stays unbound: nobody ever sends on it */
}

static void
test_evtchn_virq(struct st *t)
{
	struct evtchn_status s;
	evtchn_port_t port = 0;
	int rc;

	rc = gk_evtchn_status(DOMID_SELF, gk.timer_port, &s);
	st_check(t,
		 rc == 0 && s.status == EVTCHNSTAT_virq &&
			 s.u.virq == VIRQ_TIMER,
		 "event_channel_op bind_virq VIRQ_TIMER: port %u status %u",
		 gk.timer_port, s.status);
	rc = gk_evtchn_bind_virq(VIRQ_TIMER, 0, &port);
	st_rc(t, "event_channel_op bind_virq VIRQ_TIMER twice", rc, -EEXIST);
	rc = gk_evtchn_bind_virq(VIRQ_CONSOLE, 0, &port);
	st_check(t, rc == 0 && port > 0,
		 "event_channel_op bind_virq VIRQ_CONSOLE: rc %d port %u", rc,
		 port);
	if (rc == 0)
		st_rc(t, "event_channel_op close VIRQ_CONSOLE",
		      gk_evtchn_close(port), 0);
	rc = gk_evtchn_bind_virq(NR_VIRQS + 100, 0, &port);
	st_rc(t, "event_channel_op bind_virq bad virq", rc, -EINVAL);
	rc = gk_evtchn_bind_virq(VIRQ_TIMER, ST_BAD_VCPU, &port);
	st_rc_badid(t, "event_channel_op bind_virq bad vcpu", rc);
}

static void
test_evtchn_ipi(struct st *t)
{
	struct st_counter c = {0};
	evtchn_port_t port = 0;
	int rc;

	rc = gk_evtchn_bind_ipi(0, &port);
	st_check(t, rc == 0 && port > 0, "event_channel_op bind_ipi: port %u",
		 port);
	if (rc == 0) {
		gk_evtchn_set_handler(&gk.evtchn, port, st_count_event, &c);
		gk_evtchn_unmask(port);
		st_loopback_send(t, "event_channel_op ipi", port, port, &c);
		gk_evtchn_clear_handler(&gk.evtchn, port);
		st_rc(t, "event_channel_op close ipi", gk_evtchn_close(port),
		      0);
	}
	rc = gk_evtchn_bind_ipi(ST_BAD_VCPU, &port);
	st_rc_badid(t, "event_channel_op bind_ipi bad vcpu", rc);
}

static void
test_evtchn_bad(struct st *t)
{
	struct evtchn_status s;
	long rc;

	st_rc(t, "event_channel_op send bad port", gk_evtchn_send(ST_BAD_PORT),
	      -EINVAL);
	st_rc(t, "event_channel_op close bad port",
	      gk_evtchn_close(ST_BAD_PORT), -EINVAL);
	st_rc(t, "event_channel_op unmask bad port",
	      gk_evtchn_unmask(ST_BAD_PORT), -EINVAL);
	st_rc(t, "event_channel_op status bad port",
	      gk_evtchn_status(DOMID_SELF, ST_BAD_PORT, &s), -EINVAL);
	st_rc(t, "event_channel_op bind_vcpu bad port",
	      gk_evtchn_bind_vcpu(ST_BAD_PORT, 0), -EINVAL);
	rc = gk_hc_event_channel_op(EVTCHNOP_send, (void *)ST_UNMAPPED_VA);
	st_rc(t, "event_channel_op send unmapped VA", rc, -EFAULT);
	rc = gk_hc_event_channel_op(EVTCHNOP_alloc_unbound,
				    (void *)st_past_ram());
	st_rc(t, "event_channel_op alloc_unbound past RAM", rc, -EFAULT);
	rc = gk_hc_event_channel_op(1000, &s);
	st_rc(t, "event_channel_op unknown sub-op", rc, -ENOSYS);
}

void
st_test_evtchn(struct st *t, evtchn_port_t *idle_port)
{
	test_evtchn_loopback(t, idle_port);
	test_evtchn_virq(t);
	test_evtchn_ipi(t);
	test_evtchn_bad(t);
}
