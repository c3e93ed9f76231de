/*
 * kernel/evtchn.c: the event-channel handler table and the 2-level pending
 * scan over shared_info.  Memory work only, no hypercalls, so it also runs
 * as host code under Check.  The hypervisor sets pending bits concurrently:
 * bits are cleared with atomic ops, and the selector is taken with xchg.
 */
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/string.h"

#define WORD_BITS GK_EVTCHN_WORD_BITS

void
gk_evtchn_init(struct gk_evtchn *e)
{
	memset(e, 0, sizeof(*e));
}

int
gk_evtchn_set_handler(struct gk_evtchn *e, evtchn_port_t port,
		      gk_evtchn_handler_t handler, void *arg)
{
	if (port == 0 || port >= GK_EVTCHN_NR_PORTS || !handler)
		return -EINVAL;
	if (e->slots[port].handler)
		return -EBUSY;
	e->slots[port].handler = handler;
	e->slots[port].arg = arg;
	e->slots[port].nr_events = 0;
	return 0;
}

int
gk_evtchn_clear_handler(struct gk_evtchn *e, evtchn_port_t port)
{
	if (port == 0 || port >= GK_EVTCHN_NR_PORTS)
		return -EINVAL;
	if (!e->slots[port].handler)
		return -ENOENT;
	e->slots[port].handler = 0;
	e->slots[port].arg = 0;
	return 0;
}

int
gk_evtchn_is_pending(const struct shared_info *s, evtchn_port_t port)
{
	if (port >= GK_EVTCHN_NR_PORTS)
		return 0;
	return (__atomic_load_n(&s->evtchn_pending[port / WORD_BITS],
				__ATOMIC_ACQUIRE) >>
		(port % WORD_BITS)) &
	       1;
}

int
gk_evtchn_is_masked(const struct shared_info *s, evtchn_port_t port)
{
	if (port >= GK_EVTCHN_NR_PORTS)
		return 1;
	return (__atomic_load_n(&s->evtchn_mask[port / WORD_BITS],
				__ATOMIC_ACQUIRE) >>
		(port % WORD_BITS)) &
	       1;
}

void
gk_evtchn_set_mask(struct shared_info *s, evtchn_port_t port)
{
	if (port < GK_EVTCHN_NR_PORTS)
		__atomic_fetch_or(&s->evtchn_mask[port / WORD_BITS],
				  (xen_ulong_t)1 << (port % WORD_BITS),
				  __ATOMIC_SEQ_CST);
}

void
gk_evtchn_clear_pending(struct shared_info *s, evtchn_port_t port)
{
	if (port < GK_EVTCHN_NR_PORTS)
		__atomic_fetch_and(&s->evtchn_pending[port / WORD_BITS],
				   ~((xen_ulong_t)1 << (port % WORD_BITS)),
				   __ATOMIC_SEQ_CST);
}

/* Handle the pending, unmasked ports of one selector word. */
static unsigned int
dispatch_word(struct gk_evtchn *e, struct shared_info *s, unsigned int w)
{
	unsigned int handled = 0;
	xen_ulong_t bits;

	bits = __atomic_load_n(&s->evtchn_pending[w], __ATOMIC_ACQUIRE) &
	       ~__atomic_load_n(&s->evtchn_mask[w], __ATOMIC_ACQUIRE);
	while (bits) {
		unsigned int b = (unsigned int)__builtin_ctzll(bits);
		evtchn_port_t port = w * WORD_BITS + b;
		struct gk_evtchn_slot *slot = &e->slots[port];

		bits &= bits - 1;
		gk_evtchn_clear_pending(s, port);
		handled++;
		if (!slot->handler) {
			e->nr_unhandled++;
			continue;
		}
		slot->nr_events++;
		e->nr_dispatched++;
		slot->handler(port, slot->arg);
	}
	return handled;
}

unsigned int
gk_evtchn_dispatch(struct gk_evtchn *e, struct shared_info *s,
		   struct vcpu_info *vi)
{
	unsigned int handled = 0;

	/* Bounded: a peer that keeps sending cannot pin us here forever. */
	for (int round = 0; round < 8; round++) {
		xen_ulong_t sel;

		if (!__atomic_exchange_n(&vi->evtchn_upcall_pending, 0,
					 __ATOMIC_SEQ_CST) &&
		    !__atomic_load_n(&vi->evtchn_pending_sel, __ATOMIC_ACQUIRE))
			break;
		sel = __atomic_exchange_n(&vi->evtchn_pending_sel, 0,
					  __ATOMIC_SEQ_CST);
		while (sel) {
			unsigned int w = (unsigned int)__builtin_ctzll(sel);

			sel &= sel - 1;
			handled += dispatch_word(e, s, w);
		}
	}
	return handled;
}
