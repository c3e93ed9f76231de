/*
 * hypervisor/hc_hvm.c: __HYPERVISOR_hvm_op.  get/set_param with a per-
 * parameter permission table, the per-vCPU upcall vector and the global
 * callback vector (HVM_PARAM_CALLBACK_IRQ type vector, callback.c).
 * Trust boundary: argument structs copied in once, then checked.
 */
#include <errno.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "callback.h"
#include "domain.h"
#include "evtchn.h"
#include "hypercall.h"

#define HC_CALLBACK_TYPE(v)	((v) >> 56)
#define HC_CALLBACK_TYPE_GSI	0
#define HC_CALLBACK_TYPE_VECTOR 2

static bool
hc_param_guest_readable(uint32_t index)
{
	switch (index) {
	case HVM_PARAM_CALLBACK_IRQ:
	case HVM_PARAM_STORE_PFN:
	case HVM_PARAM_STORE_EVTCHN:
	case HVM_PARAM_CONSOLE_PFN:
	case HVM_PARAM_CONSOLE_EVTCHN:
		return true;
	default:
		return false;
	}
}

/* HVM_PARAM_CALLBACK_IRQ.  0 (none) and a GSI value are recorded: Linux
 * writes GSI 1 only to look enlightened, and takes events through the
 * per-vCPU vector.  We deliver nothing on a GSI (no IOAPIC routing).  The
 * vector type is delivered by callback.c; PCI INTx is refused. */
static int
hc_set_callback_irq(struct vcpu *v, uint64_t value)
{
	uint64_t type = HC_CALLBACK_TYPE(value);
	uint8_t vector = 0;
	int rc;

	if (value != 0 && type != HC_CALLBACK_TYPE_GSI &&
	    type != HC_CALLBACK_TYPE_VECTOR)
		return -EINVAL;
	if (type == HC_CALLBACK_TYPE_VECTOR) {
		if (value & ~((2ull << 56) | 0xffull))
			return -EINVAL;
		vector = (uint8_t)value;
	}
	rc = callback_set_vector(v->d, vector);
	if (rc < 0)
		return rc;
	pthread_mutex_lock(&v->d->lock);
	v->d->hvm_params[HVM_PARAM_CALLBACK_IRQ] = value;
	pthread_mutex_unlock(&v->d->lock);
	/* Anything already pending is delivered now. */
	if (vector)
		evtchn_resync(v->d);
	return 0;
}

static int64_t
hc_param(struct vcpu *v, uint64_t arg, bool set)
{
	struct domain *d = v->d;
	struct xen_hvm_param p;
	int rc = guest_copy_from(v, &p, arg, sizeof(p));

	if (rc < 0)
		return rc;
	if (p.domid != DOMID_SELF && p.domid != d->domid)
		return -EPERM;
	if (p.index >= HVM_NR_PARAMS)
		return -EINVAL;
	if (set) {
		if (p.index != HVM_PARAM_CALLBACK_IRQ)
			return -EPERM;
		return hc_set_callback_irq(v, p.value);
	}
	if (!hc_param_guest_readable(p.index))
		return -EPERM;
	pthread_mutex_lock(&d->lock);
	p.value = d->hvm_params[p.index];
	pthread_mutex_unlock(&d->lock);
	return guest_copy_to(v, arg, &p, sizeof(p));
}

static int64_t
hc_set_upcall_vector(struct vcpu *v, uint64_t arg)
{
	struct xen_hvm_evtchn_upcall_vector uv;
	int rc = guest_copy_from(v, &uv, arg, sizeof(uv));

	if (rc < 0)
		return rc;
	if (uv.vcpu >= v->d->nr_vcpus)
		return -ENOENT;
	if (uv.vector < 0x10)
		return -EINVAL;
	atomic_store(&v->d->vcpus[uv.vcpu].upcall_vector, uv.vector);
	/* Anything already pending is delivered now. */
	evtchn_resync(v->d);
	return 0;
}

int64_t
hc_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd) {
	case HVMOP_set_param:
		return hc_param(v, arg, true);
	case HVMOP_get_param:
		return hc_param(v, arg, false);
	case HVMOP_set_evtchn_upcall_vector:
		return hc_set_upcall_vector(v, arg);
	case HVMOP_pagetable_dying:
	default:
		return -ENOSYS;
	}
}
