/*
 * kernel/consfront.c: the console ring driver.  Finds the ring through
 * HVM_PARAM_CONSOLE_PFN/_EVTCHN, waits for the backend's first kick
 * (printk stays on console_io until then), batches output (the backend
 * is notified when the ring is half full, before the guest blocks, and
 * when it waits for room), and buffers typed input for apps.  A backend
 * that stops draining for CONSFRONT_STALL_NS, or breaks the ring, sends
 * printk back to console_io: output is never lost to a dead consoled.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/consfront.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/time.h"

#define CONSFRONT_STALL_NS (2 * GK_NS_PER_S)
#define OUT_SIZE	   sizeof(((struct xencons_interface *)0)->out)

static int
get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	long rc = gk_hc_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return (int)rc;
}

static void
consfront_notify(struct consfront *cf)
{
	cf->is_notify_due = 0;
	gk_evtchn_notify(cf->port);
	cf->nr_notify++;
}

/* Move typed bytes from in[] into our input buffer (as room allows). */
static void
consfront_pull_input(struct consfront *cf)
{
	char buf[256];
	uint32_t room = CONSFRONT_INPUT_MAX - cf->input_len, tail;
	int was_full;
	long n;

	if (!cf->is_connected || room == 0)
		return;
	n = consfront_ring_read(&cf->ring, buf,
				room < sizeof(buf) ? room : sizeof(buf),
				&was_full);
	for (long i = 0; i < n; i++) {
		tail = (cf->input_head + cf->input_len) % CONSFRONT_INPUT_MAX;
		cf->input[tail] = buf[i];
		cf->input_len++;
	}
	if (n > 0 && was_full)
		consfront_notify(cf);
}

static int
out_cons_moved(const struct consfront *cf)
{
	return __atomic_load_n(&cf->ring.intf->out_cons, __ATOMIC_ACQUIRE) !=
	       cf->stall_cons;
}

static void
consfront_event(evtchn_port_t port, void *arg)
{
	struct consfront *cf = arg;

	(void)port;
	cf->nr_events++;
	cf->is_connected = 1;
	if (cf->is_stalled && out_cons_moved(cf))
		cf->is_stalled = 0;
	consfront_pull_input(cf);
}

int
consfront_init(void)
{
	uint64_t pfn = 0, port = 0;
	struct consfront *cf;
	int rc;

	if (get_param(HVM_PARAM_CONSOLE_PFN, &pfn) < 0 ||
	    get_param(HVM_PARAM_CONSOLE_EVTCHN, &port) < 0 || pfn == 0 ||
	    port == 0)
		return -ENODEV;
	/* The page must be in the identity map and not in our RAM. */
	if (pfn >= (1ull << 20) - 1 || (pfn << 12) < gk.ram_end ||
	    port >= GK_EVTCHN_NR_PORTS)
		return -EINVAL;
	cf = gk_zalloc(sizeof(*cf));
	if (!cf)
		return -ENOMEM;
	cf->port = (evtchn_port_t)port;
	rc = consfront_ring_init(&cf->ring, (void *)(uintptr_t)(pfn << 12));
	if (rc == 0)
		rc = gk_evtchn_set_handler(&gk.evtchn, cf->port,
					   consfront_event, cf);
	if (rc < 0) {
		gk_free(cf);
		return rc;
	}
	gk.consfront = cf;
	gk_evtchn_unmask(cf->port);
	return 0;
}

/* Wait until the backend makes room (it notifies after draining a ring
 * at least half full).  0, or -1 if it did not by the deadline. */
static int
consfront_wait_room(struct consfront *cf, uint64_t deadline)
{
	struct sched_poll sp = {.nr_ports = 1, .timeout = deadline};
	evtchn_port_t port = cf->port;

	set_xen_guest_handle(sp.ports, &port);
	if (gk_time_now_ns() >= deadline)
		return -1;
	gk_hc_sched_op(SCHEDOP_poll, &sp);
	gk_evtchn_poll();
	return 0;
}

unsigned long
consfront_write(const char *buf, unsigned long len)
{
	struct consfront *cf = gk.consfront;
	unsigned long done = 0;
	uint64_t deadline = 0;
	uint32_t used;
	long n;

	if (!cf || !cf->is_connected || cf->ring.is_broken)
		return 0;
	if (cf->is_stalled && !out_cons_moved(cf))
		return 0;
	cf->is_stalled = 0;
	while (done < len) {
		n = consfront_ring_write(&cf->ring, buf + done, len - done,
					 &used);
		if (n < 0)
			break;
		done += (unsigned long)n;
		cf->is_notify_due = 1;
		if (used >= OUT_SIZE / 2)
			consfront_notify(cf);
		if (done == len || cf->is_writing)
			break;
		if (!deadline)
			deadline = gk_time_now_ns() + CONSFRONT_STALL_NS;
		cf->is_writing = 1; /* a handler run meanwhile may printk */
		n = consfront_wait_room(cf, deadline);
		cf->is_writing = 0;
		if (n < 0) {
			cf->is_stalled = 1;
			cf->stall_cons = __atomic_load_n(
				&cf->ring.intf->out_cons, __ATOMIC_ACQUIRE);
			break;
		}
	}
	return done;
}

void
consfront_flush(void)
{
	struct consfront *cf = gk.consfront;

	if (cf && cf->is_notify_due && !cf->ring.is_broken)
		consfront_notify(cf);
}

unsigned long
gk_console_read(char *buf, unsigned long cap)
{
	struct consfront *cf = gk.consfront;
	unsigned long n = 0;

	if (!cf)
		return 0;
	consfront_pull_input(cf);
	while (n < cap && cf->input_len > 0) {
		buf[n++] = cf->input[cf->input_head];
		cf->input_head = (cf->input_head + 1) % CONSFRONT_INPUT_MAX;
		cf->input_len--;
	}
	consfront_pull_input(cf);
	return n;
}
