/*
 * hypervisor/evtchn_port.h: event-channel internals shared by evtchn.c
 * (guest ports and sub-ops), evtchn_2l.c (the 2-level bits in shared_info)
 * evtchn_dom0.c (dom0's ends) and evtchn_doorbell.c (the notify doorbell).
 * Nothing outside these includes it.
 */
#ifndef HV_EVTCHN_PORT_H
#define HV_EVTCHN_PORT_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include <xen/event_channel.h>

#include "xylem/ctl.h"

struct domain;
struct vcpu;
struct hv;

/* 2-level ABI: 64 words of 64 bits on x86-64. */
#define EVTCHN_NR_PORTS EVTCHN_2L_NR_CHANNELS

enum evtchn_state {
	EVTCHN_FREE = 0,
	EVTCHN_UNBOUND,	    /* waiting for remote_dom to bind */
	EVTCHN_INTERDOMAIN, /* connected to (remote_dom, remote_port) */
	EVTCHN_VIRQ,
	EVTCHN_IPI,
};

/* One guest port.  Guarded by its table's lock. */
struct evtchn_port {
	uint8_t state;	  /* enum evtchn_state */
	bool is_deferred; /* raised while shared_info was not mapped */
	uint32_t vcpu;	  /* vCPU notified when the port becomes pending */
	xyl_domid_t remote_dom; /* UNBOUND, INTERDOMAIN (0 = dom0) */
	uint32_t remote_port;	/* INTERDOMAIN */
	uint32_t virq;		/* VIRQ */
};

/*
 * A domain's ports.  Owner: the domain (d->evtchn); evtchn_domain_init
 * creates it, evtchn_domain_destroy closes every port and frees it.
 * lock guards everything here.  Lock order (domain.h): d->lock -> this
 * lock; with two domains, the lower domid's table first; the dom0 table
 * (evtchn_dom0.c) counts as domid 0, so it comes before any guest's.
 */
struct evtchn_table {
	pthread_mutex_t lock;
	bool is_dying; /* destroy started: no binds, no delivery */
	uint32_t nr_vcpus;
	uint32_t *virq_to_port; /* [vcpu * NR_VIRQS + virq]; 0 = unbound */
	/* Doorbell (evtchn_doorbell.c): ioeventfds registered on this
	 * domain's VM, guarded by the dom0 table's lock, not this one;
	 * doorbell writes that named no sendable port (atomic). */
	uint32_t nr_doorbells;
	_Atomic uint64_t nr_doorbell_attaches; /* over the domain's life */
	_Atomic uint64_t nr_doorbell_detaches;
	_Atomic uint64_t nr_bad_doorbells;
	struct evtchn_port ports[EVTCHN_NR_PORTS];
};

/* ---- evtchn_2l.c: the ABI variant behind an ops struct ---- */

enum evtchn_deliver {
	EVTCHN_DELIVER_DONE = 0, /* nothing more to do */
	EVTCHN_DELIVER_KICK,	 /* upcall_pending went 0 -> 1: vcpu_kick */
	EVTCHN_DELIVER_DEFERRED, /* no shared_info yet: remember the port */
};

struct evtchn_abi_ops {
	/* Mark port pending for v (the set-pending algorithm). */
	enum evtchn_deliver (*set_pending)(struct domain *d, struct vcpu *v,
					   uint32_t port);
	void (*clear_pending)(struct domain *d, uint32_t port);
	bool (*is_pending)(struct domain *d, uint32_t port);
	/* Clear the mask; if the port was masked and pending, mark v. */
	enum evtchn_deliver (*unmask)(struct domain *d, struct vcpu *v,
				      uint32_t port);
	/* The sel/upcall steps for a port already pending and unmasked. */
	enum evtchn_deliver (*mark_vcpu)(struct domain *d, struct vcpu *v,
					 uint32_t port);
	bool (*vcpu_has_pending)(struct vcpu *v);
};

extern const struct evtchn_abi_ops evtchn_2l_ops;

/* ---- evtchn.c, for evtchn_op.c and evtchn_dom0.c ---- */

static inline bool
evtchn_port_valid(uint32_t port)
{
	return port != 0 && port < EVTCHN_NR_PORTS;
}

/* Per-vCPU VIRQs (Xen's list); every other VIRQ is global, bound on
 * vCPU 0 and movable with bind_vcpu. */
static inline bool
evtchn_virq_is_global(uint32_t virq)
{
	return virq != VIRQ_TIMER && virq != VIRQ_DEBUG &&
	       virq != VIRQ_XENOPROF && virq != VIRQ_XENPMU;
}

void evtchn_lock(struct domain *d);
void evtchn_unlock(struct domain *d);
/* Two guests' tables, lower domid first; b may be NULL or a. */
void evtchn_lock_pair(struct domain *a, struct domain *b);
void evtchn_unlock_pair(struct domain *a, struct domain *b);
/* A free port of d (lock held): 0, -ENOSPC, -ESRCH if d is dying. */
int evtchn_port_alloc(struct domain *d, uint32_t *port);
/* Set port of d pending (lock held); returns the vCPU to kick once the
 * lock is dropped, or NULL. */
struct vcpu *evtchn_raise_locked(struct domain *d, uint32_t port);
/* Close port of d, whatever it is bound to; the peer of an interdomain
 * port goes back to unbound.  -EINVAL bad or free port.  No lock held. */
int evtchn_close(struct domain *d, uint32_t port);
/* The port struct of d, or NULL if port is out of range; d's lock held. */
struct evtchn_port *evtchn_port_get(struct domain *d, uint32_t port);
/* Free a port (clears its pending bit); d's lock held. */
void evtchn_port_free(struct domain *d, uint32_t port);
/* Raise port of d if it is INTERDOMAIN to (from_dom, from_port).  Takes
 * and drops d's lock, then kicks; any thread. */
void evtchn_deliver_from(struct domain *d, uint32_t port, xyl_domid_t from_dom,
			 uint32_t from_port);

/* Send on port of d, as EVTCHNOP_send (checks the port): 0, -EINVAL. */
int evtchn_send(struct domain *d, uint32_t port);

/* ---- evtchn_doorbell.c, for evtchn_dom0.c (dom0 table lock held) ---- */

/* Register the ioeventfd "doorbell write of port -> efd" on d's VM; true
 * if it is in place.  False (the doorbell of that port keeps exiting to
 * user space, which sends as EVTCHNOP_send does) when fast notify is off,
 * d's share of ioeventfds is used up or KVM refuses. */
bool evtchn_doorbell_attach(struct domain *d, uint32_t port, int efd);
/* Drop it again; d's VM must still exist (d from domain_get, or the
 * domain being destroyed). */
void evtchn_doorbell_detach(struct domain *d, uint32_t port, int efd);
/* One log line at destroy: registered, dropped, bad writes (if any). */
void evtchn_doorbell_report(struct domain *d);

/* ---- evtchn_dom0.c, for evtchn.c ---- */

/* A guest sent on its end of dom0_port: write dom0's notify eventfd. */
void evtchn_dom0_notify(struct hv *hv, uint32_t dom0_port, xyl_domid_t from_dom,
			uint32_t from_port);
/* The guest closes its end (port of d) bound to dom0_port: frees the
 * guest port and leaves dom0's end "peer gone".  -EINVAL if the binding
 * changed meanwhile. */
int evtchn_dom0_guest_close(struct hv *hv, struct domain *d, uint32_t port,
			    uint32_t dom0_port);

#endif
