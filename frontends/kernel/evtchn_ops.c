/*
 * kernel/evtchn_ops.c: the event_channel_op hypercalls, one wrapper per
 * sub-op, the notify path (doorbell or EVTCHNOP_send) and the main-loop
 * poll over the kernel's own table.  Results are passed back unchanged
 * (0 or a negative Xen errno).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#include "gk/boot.h"
#include "gk/cmdline.h"
#include "gk/evtchn.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"

/* fastnotify=1|0 on the command line; this when absent. */
#define GK_FASTNOTIFY_DEFAULT 1

static int gk_doorbell_on;

int
gk_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port)
{
	struct evtchn_alloc_unbound op = {.dom = DOMID_SELF,
					  .remote_dom = remote_dom};
	long rc = gk_hc_event_channel_op(EVTCHNOP_alloc_unbound, &op);

	if (rc == 0)
		*port = op.port;
	return (int)rc;
}

int
gk_evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
			   evtchn_port_t *local_port)
{
	struct evtchn_bind_interdomain op = {.remote_dom = remote_dom,
					     .remote_port = remote_port};
	long rc = gk_hc_event_channel_op(EVTCHNOP_bind_interdomain, &op);

	if (rc == 0)
		*local_port = op.local_port;
	return (int)rc;
}

int
gk_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_virq op = {.virq = virq, .vcpu = vcpu};
	long rc = gk_hc_event_channel_op(EVTCHNOP_bind_virq, &op);

	if (rc == 0)
		*port = op.port;
	return (int)rc;
}

int
gk_evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port)
{
	struct evtchn_bind_ipi op = {.vcpu = vcpu};
	long rc = gk_hc_event_channel_op(EVTCHNOP_bind_ipi, &op);

	if (rc == 0)
		*port = op.port;
	return (int)rc;
}

int
gk_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu)
{
	struct evtchn_bind_vcpu op = {.port = port, .vcpu = vcpu};

	return (int)gk_hc_event_channel_op(EVTCHNOP_bind_vcpu, &op);
}

int
gk_evtchn_send(evtchn_port_t port)
{
	struct evtchn_send op = {.port = port};

	return (int)gk_hc_event_channel_op(EVTCHNOP_send, &op);
}

void
gk_evtchn_notify_init(void)
{
	uint64_t on = GK_FASTNOTIFY_DEFAULT;

	gk_cmdline_get_u64(gk.cmdline, "fastnotify", &on);
	gk_doorbell_on = on && (gk.boot_flags & GK_BOOT_DOORBELL);
}

int
gk_evtchn_notify_uses_doorbell(void)
{
	return gk_doorbell_on;
}

void
gk_evtchn_notify(evtchn_port_t port)
{
	if (!gk_doorbell_on) {
		gk_evtchn_send(port);
		return;
	}
	/* `out` waits for earlier stores: the ring update is visible. */
	__asm__ volatile("outw %w0, %w1"
			 :
			 : "a"((uint16_t)port), "Nd"(XYL_DOORBELL_IO_PORT)
			 : "memory");
}

int
gk_evtchn_close(evtchn_port_t port)
{
	struct evtchn_close op = {.port = port};

	return (int)gk_hc_event_channel_op(EVTCHNOP_close, &op);
}

int
gk_evtchn_unmask(evtchn_port_t port)
{
	struct evtchn_unmask op = {.port = port};

	return (int)gk_hc_event_channel_op(EVTCHNOP_unmask, &op);
}

int
gk_evtchn_status(domid_t dom, evtchn_port_t port, struct evtchn_status *out)
{
	out->dom = dom;
	out->port = port;
	return (int)gk_hc_event_channel_op(EVTCHNOP_status, out);
}

unsigned int
gk_evtchn_poll(void)
{
	if (!gk.shared_info)
		return 0;
	return gk_evtchn_dispatch(&gk.evtchn, gk.shared_info, gk.vcpu_info);
}
