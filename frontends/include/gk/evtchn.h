/*
 * gk/evtchn.h: event channels, 2-level ABI, polled.  kernel/evtchn.c keeps
 * the per-port handler table and scans shared_info's pending bits (pure
 * memory work, host-testable); kernel/evtchn_ops.c wraps the hypercalls.
 * Handlers run from the main loop, never from an interrupt.
 */
#ifndef GK_EVTCHN_H
#define GK_EVTCHN_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#define GK_EVTCHN_WORD_BITS (sizeof(xen_ulong_t) * 8)
#define GK_EVTCHN_NR_PORTS  (GK_EVTCHN_WORD_BITS * GK_EVTCHN_WORD_BITS)

typedef void (*gk_evtchn_handler_t)(evtchn_port_t port, void *arg);

struct gk_evtchn_slot {
	gk_evtchn_handler_t handler; /* NULL = none */
	void *arg;
	uint64_t nr_events;
};

/* Owned by the kernel context; one per domain (one vCPU). */
struct gk_evtchn {
	struct gk_evtchn_slot slots[GK_EVTCHN_NR_PORTS];
	uint64_t nr_unhandled; /* pending ports that had no handler */
	uint64_t nr_dispatched;
};

void gk_evtchn_init(struct gk_evtchn *e);
/* 0; -EINVAL port 0 or out of range or handler NULL; -EBUSY taken. */
int gk_evtchn_set_handler(struct gk_evtchn *e, evtchn_port_t port,
			  gk_evtchn_handler_t handler, void *arg);
/* 0; -EINVAL port out of range; -ENOENT no handler there. */
int gk_evtchn_clear_handler(struct gk_evtchn *e, evtchn_port_t port);
/* Handle what is pending for this vCPU: clear upcall_pending, take the
 * selector, and for every pending unmasked port clear its pending bit and
 * run its handler.  Repeats while new events arrive.  Returns the number of
 * ports handled (including ones without a handler). */
unsigned int gk_evtchn_dispatch(struct gk_evtchn *e, struct shared_info *s,
				struct vcpu_info *vi);

/* Bit helpers on shared_info (atomic where the hypervisor races us). */
int gk_evtchn_is_pending(const struct shared_info *s, evtchn_port_t port);
int gk_evtchn_is_masked(const struct shared_info *s, evtchn_port_t port);
void gk_evtchn_set_mask(struct shared_info *s, evtchn_port_t port);
void gk_evtchn_clear_pending(struct shared_info *s, evtchn_port_t port);

/* Hypercall wrappers (evtchn_ops.c): 0 or a negative Xen errno. */
int gk_evtchn_alloc_unbound(domid_t remote_dom, evtchn_port_t *port);
int gk_evtchn_bind_interdomain(domid_t remote_dom, evtchn_port_t remote_port,
			       evtchn_port_t *local_port);
int gk_evtchn_bind_virq(uint32_t virq, uint32_t vcpu, evtchn_port_t *port);
int gk_evtchn_bind_ipi(uint32_t vcpu, evtchn_port_t *port);
int gk_evtchn_bind_vcpu(evtchn_port_t port, uint32_t vcpu);
int gk_evtchn_send(evtchn_port_t port);
int gk_evtchn_close(evtchn_port_t port);
int gk_evtchn_unmask(evtchn_port_t port);
int gk_evtchn_status(domid_t dom, evtchn_port_t port,
		     struct evtchn_status *out);
/* Notify the peer of port: the Xylem doorbell (one `outw` of the port to
 * XYL_DOORBELL_IO_PORT, no result, no argument copy) when xylem-hv offers
 * it and the command line does not say fastnotify=0; EVTCHNOP_send
 * otherwise.  Drivers use this; gk_evtchn_send stays the hypercall. */
void gk_evtchn_notify(evtchn_port_t port);
/* Decide once at boot (core_init) from the boot flags and cmdline. */
void gk_evtchn_notify_init(void);
/* 1 if gk_evtchn_notify rings the doorbell. */
int gk_evtchn_notify_uses_doorbell(void);
/* Run the handlers of the kernel's own table; returns ports handled. */
unsigned int gk_evtchn_poll(void);

#endif
