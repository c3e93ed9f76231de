/*
 * hypervisor/evtchn.c: event channels of guest domains: the per-domain
 * port table and its life cycle, raising ports (interdomain, VIRQ,
 * resync after shared_info appears) and closing them.  The guest's
 * sub-ops live in evtchn_op.c; nothing here reads guest arguments.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/event_channel.h>

#include "domain.h"
#include "evtchn.h"
#include "evtchn_port.h"
#include "hv.h"

/* How often a close retries when the peer's binding moved under it. */
#define EVTCHN_CLOSE_TRIES 4

void
evtchn_lock(struct domain *d)
{
	pthread_mutex_lock(&d->evtchn->lock);
}

void
evtchn_unlock(struct domain *d)
{
	pthread_mutex_unlock(&d->evtchn->lock);
}

struct evtchn_port *
evtchn_port_get(struct domain *d, uint32_t port)
{
	if (!evtchn_port_valid(port))
		return NULL;
	return &d->evtchn->ports[port];
}

/* Two guests' tables, lower domid first (domain.h). */
void
evtchn_lock_pair(struct domain *a, struct domain *b)
{
	if (!b || a == b) {
		evtchn_lock(a);
		return;
	}
	if (a->domid > b->domid) {
		struct domain *t = a;
		a = b;
		b = t;
	}
	evtchn_lock(a);
	evtchn_lock(b);
}

void
evtchn_unlock_pair(struct domain *a, struct domain *b)
{
	if (b && a != b)
		evtchn_unlock(b);
	evtchn_unlock(a);
}

int
evtchn_domain_init(struct domain *d)
{
	struct evtchn_table *t;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->nr_vcpus = d->nr_vcpus;
	t->virq_to_port =
		calloc((size_t)d->nr_vcpus * NR_VIRQS + 1, sizeof(uint32_t));
	if (!t->virq_to_port) {
		free(t);
		return -ENOMEM;
	}
	pthread_mutex_init(&t->lock, NULL);
	d->evtchn = t;
	return 0;
}

int
evtchn_port_alloc(struct domain *d, uint32_t *port)
{
	struct evtchn_table *t = d->evtchn;

	if (t->is_dying)
		return -ESRCH;
	for (uint32_t p = 1; p < EVTCHN_NR_PORTS; p++) {
		if (t->ports[p].state == EVTCHN_FREE) {
			memset(&t->ports[p], 0, sizeof(t->ports[p]));
			*port = p;
			return 0;
		}
	}
	return -ENOSPC;
}

void
evtchn_port_free(struct domain *d, uint32_t port)
{
	struct evtchn_table *t = d->evtchn;

	evtchn_2l_ops.clear_pending(d, port);
	memset(&t->ports[port], 0, sizeof(t->ports[port]));
}

/* Set port pending; returns the vCPU to kick once the lock is dropped.
 * A dying domain takes no more events: its memory is going away. */
struct vcpu *
evtchn_raise_locked(struct domain *d, uint32_t port)
{
	struct evtchn_port *p = &d->evtchn->ports[port];
	struct vcpu *v = &d->vcpus[p->vcpu];

	if (d->evtchn->is_dying)
		return NULL;
	switch (evtchn_2l_ops.set_pending(d, v, port)) {
	case EVTCHN_DELIVER_KICK:
		return v;
	case EVTCHN_DELIVER_DEFERRED:
		p->is_deferred = true;
		return NULL;
	default:
		return NULL;
	}
}

void
evtchn_deliver_from(struct domain *d, uint32_t port, xyl_domid_t from_dom,
		    uint32_t from_port)
{
	struct evtchn_port *p;
	struct vcpu *kick = NULL;

	if (!d->evtchn || !evtchn_port_valid(port))
		return;
	evtchn_lock(d);
	p = &d->evtchn->ports[port];
	if (!d->evtchn->is_dying && p->state == EVTCHN_INTERDOMAIN &&
	    p->remote_dom == from_dom && p->remote_port == from_port)
		kick = evtchn_raise_locked(d, port);
	evtchn_unlock(d);
	if (kick)
		vcpu_kick(kick);
}

int
evtchn_send(struct domain *d, uint32_t port)
{
	struct domain *rd;
	struct evtchn_port *p;
	struct vcpu *kick = NULL;
	xyl_domid_t rdom = 0;
	uint32_t rport = 0;
	int rc = 0;

	if (!evtchn_port_valid(port))
		return -EINVAL;
	evtchn_lock(d);
	p = &d->evtchn->ports[port];
	switch (p->state) {
	case EVTCHN_IPI:
		kick = evtchn_raise_locked(d, port);
		break;
	case EVTCHN_INTERDOMAIN:
		rdom = p->remote_dom;
		rport = p->remote_port;
		break;
	case EVTCHN_UNBOUND:
		break; /* dropped silently, as in Xen */
	default:
		rc = -EINVAL;
	}
	evtchn_unlock(d);
	if (kick)
		vcpu_kick(kick);
	if (rc || !rport)
		return rc;

	/* The peer re-checks the binding under its own lock. */
	if (rdom == 0) {
		evtchn_dom0_notify(d->hv, rport, d->domid, port);
	} else if (rdom == d->domid) {
		evtchn_deliver_from(d, rport, d->domid, port);
	} else {
		rd = domain_get(d->hv, rdom);
		if (rd) {
			evtchn_deliver_from(rd, rport, d->domid, port);
			domain_put(rd);
		}
	}
	return 0;
}

int
evtchn_alloc_unbound(struct domain *d, xyl_domid_t remote_dom, uint32_t *port)
{
	struct evtchn_port *p;
	int rc;

	if (remote_dom > XYL_DOMID_MAX)
		return -EINVAL;
	evtchn_lock(d);
	rc = evtchn_port_alloc(d, port);
	if (rc)
		goto out;
	p = &d->evtchn->ports[*port];
	p->state = EVTCHN_UNBOUND;
	p->remote_dom = remote_dom;
out:
	evtchn_unlock(d);
	return rc;
}

/* Close a port that is not interdomain.  d's lock held. */
static int
evtchn_close_local_locked(struct domain *d, uint32_t port)
{
	struct evtchn_port *p = &d->evtchn->ports[port];
	uint32_t idx;

	switch (p->state) {
	case EVTCHN_UNBOUND:
	case EVTCHN_IPI:
		break;
	case EVTCHN_VIRQ:
		idx = evtchn_virq_is_global(p->virq) ? 0 : p->vcpu;
		idx = idx * NR_VIRQS + p->virq;
		if (d->evtchn->virq_to_port[idx] == port)
			d->evtchn->virq_to_port[idx] = 0;
		if (p->virq == VIRQ_TIMER &&
		    d->vcpus[p->vcpu].virq_timer_port == port)
			d->vcpus[p->vcpu].virq_timer_port = 0;
		break;
	default:
		return -EINVAL;
	}
	evtchn_port_free(d, port);
	return 0;
}

/* Close port of d, connected to (rd or its id, rport): the peer goes back
 * to unbound, naming d, as in Xen.  -EAGAIN if the binding moved. */
static int
evtchn_close_pair(struct domain *d, uint32_t port, struct domain *rd,
		  xyl_domid_t rdom, uint32_t rport)
{
	struct evtchn_port *p, *rp;

	if (rd && !rd->evtchn)
		rd = NULL;
	evtchn_lock_pair(d, rd);
	p = &d->evtchn->ports[port];
	if (p->state != EVTCHN_INTERDOMAIN || p->remote_dom != rdom ||
	    p->remote_port != rport) {
		evtchn_unlock_pair(d, rd);
		return -EAGAIN;
	}
	if (rd && !rd->evtchn->is_dying && evtchn_port_valid(rport)) {
		rp = &rd->evtchn->ports[rport];
		if (rp->state == EVTCHN_INTERDOMAIN &&
		    rp->remote_dom == d->domid && rp->remote_port == port) {
			rp->state = EVTCHN_UNBOUND;
			rp->remote_port = 0;
		}
	}
	evtchn_port_free(d, port);
	evtchn_unlock_pair(d, rd);
	return 0;
}

static int
evtchn_close_once(struct domain *d, uint32_t port)
{
	struct evtchn_port *p;
	struct domain *rd;
	xyl_domid_t rdom;
	uint32_t rport;
	int rc;

	evtchn_lock(d);
	p = &d->evtchn->ports[port];
	if (p->state != EVTCHN_INTERDOMAIN) {
		rc = evtchn_close_local_locked(d, port);
		evtchn_unlock(d);
		return rc;
	}
	rdom = p->remote_dom;
	rport = p->remote_port;
	evtchn_unlock(d);

	if (rdom == 0)
		return evtchn_dom0_guest_close(d->hv, d, port, rport);
	if (rdom == d->domid)
		return evtchn_close_pair(d, port, d, rdom, rport);
	rd = domain_get(d->hv, rdom);
	rc = evtchn_close_pair(d, port, rd, rdom, rport);
	if (rd)
		domain_put(rd);
	return rc;
}

int
evtchn_close(struct domain *d, uint32_t port)
{
	int rc = -EAGAIN;

	if (!evtchn_port_valid(port))
		return -EINVAL;
	for (int i = 0; i < EVTCHN_CLOSE_TRIES && rc == -EAGAIN; i++)
		rc = evtchn_close_once(d, port);
	return rc;
}

void
evtchn_raise_virq(struct vcpu *v, uint32_t virq)
{
	struct domain *d = v->d;
	struct vcpu *kick = NULL;
	uint32_t idx, port;

	if (virq >= NR_VIRQS || !d->evtchn || v->id >= d->evtchn->nr_vcpus)
		return;
	idx = evtchn_virq_is_global(virq) ? 0 : v->id;
	evtchn_lock(d);
	port = d->evtchn->virq_to_port[idx * NR_VIRQS + virq];
	if (port && !d->evtchn->is_dying)
		kick = evtchn_raise_locked(d, port);
	evtchn_unlock(d);
	if (kick)
		vcpu_kick(kick);
}

bool
evtchn_vcpu_has_pending(struct vcpu *v)
{
	return evtchn_2l_ops.vcpu_has_pending(v);
}

bool
evtchn_any_pending(struct domain *d, const uint32_t *ports, unsigned nr_ports)
{
	bool found = false;

	if (!d->evtchn)
		return false;
	evtchn_lock(d);
	for (unsigned i = 0; i < nr_ports && !found; i++) {
		if (!evtchn_port_valid(ports[i]))
			continue;
		found = d->evtchn->ports[ports[i]].is_deferred ||
			evtchn_2l_ops.is_pending(d, ports[i]);
	}
	evtchn_unlock(d);
	return found;
}

/* Ports raised before shared_info existed are raised now; then every
 * pending, unmasked port is marked on its vCPU again (vcpu_info may have
 * moved), and every vCPU with an upcall pending is kicked. */
void
evtchn_resync(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;

	if (!t)
		return;
	evtchn_lock(d);
	for (uint32_t port = 1; port < EVTCHN_NR_PORTS && !t->is_dying;
	     port++) {
		struct evtchn_port *p = &t->ports[port];

		if (p->state == EVTCHN_FREE)
			continue;
		if (p->is_deferred) {
			p->is_deferred = false;
			evtchn_raise_locked(d, port);
		} else {
			evtchn_2l_ops.mark_vcpu(d, &d->vcpus[p->vcpu], port);
		}
	}
	evtchn_unlock(d);
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		if (evtchn_2l_ops.vcpu_has_pending(&d->vcpus[i]))
			vcpu_kick(&d->vcpus[i]);
}

void
evtchn_domain_destroy(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;

	if (!t)
		return;
	evtchn_lock(d);
	t->is_dying = true;
	evtchn_unlock(d);
	/* A free port just answers -EINVAL; peers are unbound as in close. */
	for (uint32_t port = 1; port < EVTCHN_NR_PORTS; port++)
		(void)evtchn_close(d, port);
	evtchn_doorbell_report(d);
}

void
evtchn_domain_free(struct domain *d)
{
	struct evtchn_table *t = d->evtchn;

	if (!t)
		return;
	if (!t->is_dying)
		evtchn_domain_destroy(d);
	d->evtchn = NULL;
	pthread_mutex_destroy(&t->lock);
	free(t->virq_to_port);
	free(t);
}
