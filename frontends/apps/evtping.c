/*
 * apps/evtping.c: event-channel round trips with dom0.  Allocates a port
 * for dom0 (alloc_unbound, remote 0), prints "evtping: port P", waits for
 * dom0's first kick, then count=N times notifies P (gk_evtchn_notify: the
 * doorbell, or EVTCHNOP_send with fastnotify=0) and waits for dom0's kick
 * back, timing each round trip with pvclock; then times N bare notifies
 * (the guest-side cost of one).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/time.h"

#define EVTPING_DEFAULT_COUNT 2000
#define EVTPING_MAX_COUNT     10000000
#define EVTPING_PEER_WAIT_NS  (20 * GK_NS_PER_S)
#define EVTPING_RTT_WAIT_NS   (5 * GK_NS_PER_S)

static void
evtping_count(evtchn_port_t port, void *arg)
{
	(void)port;
	(*(volatile uint64_t *)arg)++;
}

/* Wait until *hits exceeds seen or the absolute deadline passes: poll on
 * the port (SCHEDOP_poll returns once it is pending), then handle it.
 * 0, or -1 on timeout. */
static int
evtping_wait(evtchn_port_t port, volatile uint64_t *hits, uint64_t seen,
	     uint64_t deadline)
{
	struct sched_poll sp = {.nr_ports = 1, .timeout = deadline};

	set_xen_guest_handle(sp.ports, &port);
	while (*hits <= seen) {
		if (gk_evtchn_poll())
			continue;
		if (gk_time_now_ns() >= deadline)
			return -1;
		gk_hc_sched_op(SCHEDOP_poll, &sp);
	}
	return 0;
}

/* Guest-side cost of one notify on port: n back to back, mean ns. */
static uint64_t
evtping_send_cost(evtchn_port_t port, uint64_t n)
{
	uint64_t t0 = gk_time_now_ns();

	for (uint64_t i = 0; i < n; i++)
		gk_evtchn_notify(port);
	return (gk_time_now_ns() - t0) / n;
}

int
gk_app_evtping(const char *cmdline)
{
	volatile uint64_t hits = 0;
	uint64_t n = EVTPING_DEFAULT_COUNT, sum = 0, min = ~0ull;
	evtchn_port_t port;

	gk_cmdline_get_u64(cmdline, "count", &n);
	if (n == 0 || n > EVTPING_MAX_COUNT)
		n = EVTPING_DEFAULT_COUNT;
	if (gk_evtchn_alloc_unbound(0, &port) < 0) {
		gk_err("evtping: alloc_unbound for dom0 failed\n");
		return -1;
	}
	gk_evtchn_set_handler(&gk.evtchn, port, evtping_count, (void *)&hits);
	gk_evtchn_unmask(port);
	gk_info("evtping: port %u\n", port);
	if (evtping_wait(port, &hits, 0,
			 gk_time_now_ns() + EVTPING_PEER_WAIT_NS) < 0) {
		gk_info("evtping: no peer\n");
		return -1;
	}
	for (uint64_t i = 0; i < n; i++) {
		uint64_t seen = hits, t0 = gk_time_now_ns(), dt;

		gk_evtchn_notify(port);
		if (evtping_wait(port, &hits, seen, t0 + EVTPING_RTT_WAIT_NS) <
		    0) {
			gk_err("evtping: no answer to send %llu\n",
			       (unsigned long long)i);
			return -1;
		}
		dt = gk_time_now_ns() - t0;
		sum += dt;
		if (dt < min)
			min = dt;
	}
	gk_info("bench: notify_via=%s\n",
		gk_evtchn_notify_uses_doorbell() ? "doorbell" : "hypercall");
	gk_info("bench: evtchn_notify_ns=%llu\n",
		(unsigned long long)evtping_send_cost(port, n));
	/* Last: dom0's side stops answering once it sees this line. */
	gk_info("bench: evtchn_dom0_rtt_ns=%llu\n",
		(unsigned long long)(sum / n));
	gk_info("bench: evtchn_dom0_rtt_min_ns=%llu\n",
		(unsigned long long)min);
	return 0;
}
