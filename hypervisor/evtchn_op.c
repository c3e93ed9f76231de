/*
 * hypervisor/evtchn_op.c: the guest boundary of event channels.
 * hc_event_channel_op copies the argument struct in once, one function per
 * sub-op checks every port, vCPU, VIRQ and domid of that copy and acts on
 * the port table (evtchn.c), and the result is copied back only on success.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/errno.h>
#include <xen/event_channel.h>

#include "domain.h"
#include "evtchn.h"
#include "evtchn_port.h"
#include "hv.h"
#include "hypercall.h"

/* Guests see Xen's errno values; on x86 they are Linux's. */
_Static_assert(XEN_EPERM == EPERM, "errno");
_Static_assert(XEN_ENOENT == ENOENT, "errno");
_Static_assert(XEN_ESRCH == ESRCH, "errno");
_Static_assert(XEN_EFAULT == EFAULT, "errno");
_Static_assert(XEN_EEXIST == EEXIST, "errno");
_Static_assert(XEN_EINVAL == EINVAL, "errno");
_Static_assert(XEN_ENOSPC == ENOSPC, "errno");
_Static_assert(XEN_ENOSYS == ENOSYS, "errno");
_Static_assert(XEN_EAGAIN == EAGAIN, "errno");

/* Own domain by DOMID_SELF or its id: 0; a real other one -EPERM; else
 * -ESRCH (Xen looks the domain up before it checks permission). */
static int
evtchn_op_check_self(struct domain *d, uint32_t dom)
{
	struct domain *o;

	if (dom == DOMID_SELF || dom == d->domid)
		return 0;
	if (dom == 0)
		return -EPERM;
	if (dom > XYL_DOMID_MAX)
		return -ESRCH;
	o = domain_get(d->hv, dom);
	if (!o)
		return -ESRCH;
	domain_put(o);
	return -EPERM;
}

static int
evtchn_op_alloc_unbound(struct vcpu *v, void *arg)
{
	struct evtchn_alloc_unbound *op = arg;
	struct domain *d = v->d;
	xyl_domid_t remote = op->remote_dom;
	int rc;

	rc = evtchn_op_check_self(d, op->dom);
	if (rc)
		return rc;
	if (remote == DOMID_SELF)
		remote = d->domid;
	return evtchn_alloc_unbound(d, remote, &op->port);
}

/* Connect a fresh port of ld to rd's unbound port rport (ld == rd is
 * loopback).  Both tables locked. */
static int
evtchn_op_bind_locked(struct domain *ld, struct domain *rd, uint32_t rport,
		      uint32_t *lport)
{
	struct evtchn_port *rp = &rd->evtchn->ports[rport];
	struct evtchn_port *lp;
	int rc;

	if (rd->evtchn->is_dying || ld->evtchn->is_dying)
		return -ESRCH;
	if (rp->state != EVTCHN_UNBOUND || rp->remote_dom != ld->domid)
		return -EINVAL;
	rc = evtchn_port_alloc(ld, lport);
	if (rc)
		return rc;
	lp = &ld->evtchn->ports[*lport];
	lp->state = EVTCHN_INTERDOMAIN;
	lp->remote_dom = rd->domid;
	lp->remote_port = rport;
	rp->state = EVTCHN_INTERDOMAIN;
	rp->remote_dom = ld->domid;
	rp->remote_port = *lport;
	return 0;
}

static int
evtchn_op_bind_interdomain(struct vcpu *v, void *arg)
{
	struct evtchn_bind_interdomain *op = arg;
	struct domain *ld = v->d, *rd;
	struct vcpu *kick = NULL;
	xyl_domid_t rdom = op->remote_dom;
	int rc;

	if (rdom == DOMID_SELF)
		rdom = ld->domid;
	/* dom0 never has unbound ports: it binds through the control
	 * socket, never the other way round. */
	if (rdom == 0)
		return -EINVAL;
	if (rdom > XYL_DOMID_MAX)
		return -ESRCH;
	rd = rdom == ld->domid ? ld : domain_get(ld->hv, rdom);
	if (!rd || !rd->evtchn) {
		rc = -ESRCH;
		goto out;
	}
	rc = -EINVAL;
	if (!evtchn_port_valid(op->remote_port))
		goto out;
	evtchn_lock_pair(ld, rd);
	rc = evtchn_op_bind_locked(ld, rd, op->remote_port, &op->local_port);
	/* As Xen: notifications sent to the unbound port were lost, so
	 * the new local end starts pending. */
	if (rc == 0)
		kick = evtchn_raise_locked(ld, op->local_port);
	evtchn_unlock_pair(ld, rd);
	if (kick)
		vcpu_kick(kick);
out:
	if (rd && rd != ld)
		domain_put(rd);
	return rc;
}

static int
evtchn_op_bind_virq(struct vcpu *v, void *arg)
{
	struct evtchn_bind_virq *op = arg;
	struct domain *d = v->d;
	struct evtchn_port *p;
	uint32_t *slot;
	int rc;

	if (op->virq >= NR_VIRQS)
		return -EINVAL;
	if (evtchn_virq_is_global(op->virq) && op->vcpu != 0)
		return -EINVAL;
	if (op->vcpu >= d->nr_vcpus)
		return -ENOENT;
	slot = &d->evtchn->virq_to_port[op->vcpu * NR_VIRQS + op->virq];
	evtchn_lock(d);
	rc = -EEXIST;
	if (*slot)
		goto out;
	rc = evtchn_port_alloc(d, &op->port);
	if (rc)
		goto out;
	p = &d->evtchn->ports[op->port];
	p->state = EVTCHN_VIRQ;
	p->virq = op->virq;
	p->vcpu = op->vcpu;
	*slot = op->port;
	if (op->virq == VIRQ_TIMER)
		d->vcpus[op->vcpu].virq_timer_port = op->port;
out:
	evtchn_unlock(d);
	return rc;
}

static int
evtchn_op_bind_ipi(struct vcpu *v, void *arg)
{
	struct evtchn_bind_ipi *op = arg;
	struct domain *d = v->d;
	struct evtchn_port *p;
	int rc;

	if (op->vcpu >= d->nr_vcpus)
		return -ENOENT;
	evtchn_lock(d);
	rc = evtchn_port_alloc(d, &op->port);
	if (rc == 0) {
		p = &d->evtchn->ports[op->port];
		p->state = EVTCHN_IPI;
		p->vcpu = op->vcpu;
	}
	evtchn_unlock(d);
	return rc;
}

static int
evtchn_op_close(struct vcpu *v, void *arg)
{
	struct evtchn_close *op = arg;

	return evtchn_close(v->d, op->port);
}

static int
evtchn_op_send(struct vcpu *v, void *arg)
{
	struct evtchn_send *op = arg;

	return evtchn_send(v->d, op->port);
}

static void
evtchn_op_fill_status(struct domain *d, struct evtchn_status *op)
{
	struct evtchn_port *p = &d->evtchn->ports[op->port];

	memset(&op->u, 0, sizeof(op->u));
	op->vcpu = p->vcpu;
	switch (p->state) {
	case EVTCHN_UNBOUND:
		op->status = EVTCHNSTAT_unbound;
		op->u.unbound.dom = p->remote_dom;
		break;
	case EVTCHN_INTERDOMAIN:
		op->status = EVTCHNSTAT_interdomain;
		op->u.interdomain.dom = p->remote_dom;
		op->u.interdomain.port = p->remote_port;
		break;
	case EVTCHN_VIRQ:
		op->status = EVTCHNSTAT_virq;
		op->u.virq = p->virq;
		break;
	case EVTCHN_IPI:
		op->status = EVTCHNSTAT_ipi;
		break;
	default:
		op->status = EVTCHNSTAT_closed;
		op->vcpu = 0;
	}
}

static int
evtchn_op_status(struct vcpu *v, void *arg)
{
	struct evtchn_status *op = arg;
	struct domain *d = v->d;
	int rc;

	rc = evtchn_op_check_self(d, op->dom);
	if (rc)
		return rc;
	if (!evtchn_port_valid(op->port))
		return -EINVAL;
	evtchn_lock(d);
	evtchn_op_fill_status(d, op);
	evtchn_unlock(d);
	return 0;
}

static int
evtchn_op_unmask(struct vcpu *v, void *arg)
{
	struct evtchn_unmask *op = arg;
	struct domain *d = v->d;
	struct vcpu *target;
	enum evtchn_deliver r;

	if (!evtchn_port_valid(op->port))
		return -EINVAL;
	evtchn_lock(d);
	target = &d->vcpus[d->evtchn->ports[op->port].vcpu];
	r = evtchn_2l_ops.unmask(d, target, op->port);
	evtchn_unlock(d);
	if (r == EVTCHN_DELIVER_KICK)
		vcpu_kick(target);
	return 0;
}

/* As Xen: per-vCPU VIRQs and IPIs stay where they were bound. */
static int
evtchn_op_bind_vcpu(struct vcpu *v, void *arg)
{
	struct evtchn_bind_vcpu *op = arg;
	struct domain *d = v->d;
	struct evtchn_port *p;
	int rc = 0;

	if (op->vcpu >= d->nr_vcpus)
		return -ENOENT;
	if (!evtchn_port_valid(op->port))
		return -EINVAL;
	evtchn_lock(d);
	p = &d->evtchn->ports[op->port];
	switch (p->state) {
	case EVTCHN_VIRQ:
		if (!evtchn_virq_is_global(p->virq)) {
			rc = -EINVAL;
			break;
		}
		/* fall through */
	case EVTCHN_UNBOUND:
	case EVTCHN_INTERDOMAIN:
		p->vcpu = op->vcpu;
		break;
	default:
		rc = -EINVAL;
	}
	evtchn_unlock(d);
	return rc;
}

union evtchn_op_arg {
	struct evtchn_alloc_unbound alloc_unbound;
	struct evtchn_bind_interdomain bind_interdomain;
	struct evtchn_bind_virq bind_virq;
	struct evtchn_bind_ipi bind_ipi;
	struct evtchn_close close;
	struct evtchn_send send;
	struct evtchn_status status;
	struct evtchn_bind_vcpu bind_vcpu;
	struct evtchn_unmask unmask;
};

struct evtchn_op_entry {
	size_t size;  /* bytes of the guest's argument struct */
	bool has_out; /* copy the struct back on success */
	int (*fn)(struct vcpu *v, void *arg);
};

#define EVTCHN_OP_ENTRY(type, out, f)                                          \
	{                                                                      \
		sizeof(struct type), out, f                                    \
	}

/* Sub-ops not listed (bind_pirq, reset and the FIFO ABI's init_control,
 * expand_array, set_priority) get -ENOSYS, which keeps guests on the
 * 2-level ABI. */
static const struct evtchn_op_entry evtchn_op_table[] = {
	[EVTCHNOP_bind_interdomain] = EVTCHN_OP_ENTRY(
		evtchn_bind_interdomain, true, evtchn_op_bind_interdomain),
	[EVTCHNOP_bind_virq] =
		EVTCHN_OP_ENTRY(evtchn_bind_virq, true, evtchn_op_bind_virq),
	[EVTCHNOP_close] =
		EVTCHN_OP_ENTRY(evtchn_close, false, evtchn_op_close),
	[EVTCHNOP_send] = EVTCHN_OP_ENTRY(evtchn_send, false, evtchn_op_send),
	[EVTCHNOP_status] =
		EVTCHN_OP_ENTRY(evtchn_status, true, evtchn_op_status),
	[EVTCHNOP_alloc_unbound] = EVTCHN_OP_ENTRY(evtchn_alloc_unbound, true,
						   evtchn_op_alloc_unbound),
	[EVTCHNOP_bind_ipi] =
		EVTCHN_OP_ENTRY(evtchn_bind_ipi, true, evtchn_op_bind_ipi),
	[EVTCHNOP_bind_vcpu] =
		EVTCHN_OP_ENTRY(evtchn_bind_vcpu, false, evtchn_op_bind_vcpu),
	[EVTCHNOP_unmask] =
		EVTCHN_OP_ENTRY(evtchn_unmask, false, evtchn_op_unmask),
};

int64_t
hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	union evtchn_op_arg op;
	const struct evtchn_op_entry *h;
	int rc;

	if (cmd >= sizeof(evtchn_op_table) / sizeof(evtchn_op_table[0]) ||
	    !evtchn_op_table[cmd].fn)
		return -ENOSYS;
	if (!v->d->evtchn)
		return -ENOSYS;
	h = &evtchn_op_table[cmd];
	rc = guest_copy_from(v, &op, arg, h->size);
	if (rc)
		return rc;
	rc = h->fn(v, &op);
	if (rc == 0 && h->has_out)
		rc = guest_copy_to(v, arg, &op, h->size);
	return rc;
}
