/*
 * hypervisor/evtchn_2l.c: the 2-level event-channel ABI, i.e. the pending
 * and mask bitmaps in shared_info and the selector/upcall flags in
 * vcpu_info.  These words are guest memory the guest changes concurrently
 * with locked instructions, so every access here is an atomic builtin.
 */
#include <stdatomic.h>
#include <stddef.h>

#include "domain.h"
#include "evtchn_port.h"

#define EVTCHN_2L_WORD_BITS (sizeof(xen_ulong_t) * 8)

static struct shared_info *
evtchn_2l_shared(struct domain *d)
{
	return __atomic_load_n(&d->shared_info, __ATOMIC_ACQUIRE);
}

static xen_ulong_t
evtchn_2l_bit(uint32_t port)
{
	return (xen_ulong_t)1 << (port % EVTCHN_2L_WORD_BITS);
}

/* Selector bit, then upcall flag; only the 0 -> 1 edge asks for a kick.
 * Both are seq_cst so that the guest, which clears upcall_pending before
 * it swaps out the selector, cannot miss a word we set. */
static enum evtchn_deliver
evtchn_2l_mark_vcpu(struct domain *d, struct vcpu *v, uint32_t port)
{
	struct vcpu_info *vi;
	xen_ulong_t sel_bit;

	(void)d;
	vi = atomic_load_explicit(&v->vcpu_info, memory_order_acquire);
	if (!vi)
		return EVTCHN_DELIVER_DONE; /* evtchn_resync replays it */
	sel_bit = (xen_ulong_t)1 << (port / EVTCHN_2L_WORD_BITS);
	if (__atomic_fetch_or(&vi->evtchn_pending_sel, sel_bit,
			      __ATOMIC_SEQ_CST) &
	    sel_bit)
		return EVTCHN_DELIVER_DONE;
	if (__atomic_exchange_n(&vi->evtchn_upcall_pending, 1,
				__ATOMIC_SEQ_CST))
		return EVTCHN_DELIVER_DONE;
	return EVTCHN_DELIVER_KICK;
}

static enum evtchn_deliver
evtchn_2l_set_pending(struct domain *d, struct vcpu *v, uint32_t port)
{
	struct shared_info *si = evtchn_2l_shared(d);
	size_t word = port / EVTCHN_2L_WORD_BITS;
	xen_ulong_t bit = evtchn_2l_bit(port);

	if (!si)
		return EVTCHN_DELIVER_DEFERRED;
	if (__atomic_fetch_or(&si->evtchn_pending[word], bit,
			      __ATOMIC_SEQ_CST) &
	    bit)
		return EVTCHN_DELIVER_DONE;
	/* Masked: the guest's unmask (or EVTCHNOP_unmask) delivers it. */
	if (__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)
		return EVTCHN_DELIVER_DONE;
	return evtchn_2l_mark_vcpu(d, v, port);
}

static void
evtchn_2l_clear_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = evtchn_2l_shared(d);

	if (si)
		__atomic_fetch_and(
			&si->evtchn_pending[port / EVTCHN_2L_WORD_BITS],
			~evtchn_2l_bit(port), __ATOMIC_SEQ_CST);
}

static bool
evtchn_2l_is_pending(struct domain *d, uint32_t port)
{
	struct shared_info *si = evtchn_2l_shared(d);

	if (!si)
		return false;
	return __atomic_load_n(&si->evtchn_pending[port / EVTCHN_2L_WORD_BITS],
			       __ATOMIC_SEQ_CST) &
	       evtchn_2l_bit(port);
}

/* As Xen: only an unmask that actually cleared the bit of a pending port
 * goes on to the selector/upcall steps. */
static enum evtchn_deliver
evtchn_2l_unmask(struct domain *d, struct vcpu *v, uint32_t port)
{
	struct shared_info *si = evtchn_2l_shared(d);
	size_t word = port / EVTCHN_2L_WORD_BITS;
	xen_ulong_t bit = evtchn_2l_bit(port);

	if (!si)
		return EVTCHN_DELIVER_DONE;
	if (!(__atomic_fetch_and(&si->evtchn_mask[word], ~bit,
				 __ATOMIC_SEQ_CST) &
	      bit))
		return EVTCHN_DELIVER_DONE;
	if (!(__atomic_load_n(&si->evtchn_pending[word], __ATOMIC_SEQ_CST) &
	      bit))
		return EVTCHN_DELIVER_DONE;
	return evtchn_2l_mark_vcpu(d, v, port);
}

static bool
evtchn_2l_vcpu_has_pending(struct vcpu *v)
{
	struct vcpu_info *vi;

	vi = atomic_load_explicit(&v->vcpu_info, memory_order_acquire);
	if (!vi)
		return false;
	return __atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_SEQ_CST);
}

/* The mark step for a port found pending and unmasked during a resync. */
static enum evtchn_deliver
evtchn_2l_mark_if_deliverable(struct domain *d, struct vcpu *v, uint32_t port)
{
	struct shared_info *si = evtchn_2l_shared(d);
	size_t word = port / EVTCHN_2L_WORD_BITS;
	xen_ulong_t bit = evtchn_2l_bit(port);

	if (!si)
		return EVTCHN_DELIVER_DEFERRED;
	if (!(__atomic_load_n(&si->evtchn_pending[word], __ATOMIC_SEQ_CST) &
	      bit))
		return EVTCHN_DELIVER_DONE;
	if (__atomic_load_n(&si->evtchn_mask[word], __ATOMIC_SEQ_CST) & bit)
		return EVTCHN_DELIVER_DONE;
	return evtchn_2l_mark_vcpu(d, v, port);
}

const struct evtchn_abi_ops evtchn_2l_ops = {
	.set_pending = evtchn_2l_set_pending,
	.clear_pending = evtchn_2l_clear_pending,
	.is_pending = evtchn_2l_is_pending,
	.unmask = evtchn_2l_unmask,
	.mark_vcpu = evtchn_2l_mark_if_deliverable,
	.vcpu_has_pending = evtchn_2l_vcpu_has_pending,
};
