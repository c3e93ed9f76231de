/*
 * kernel/consfront_ring.c: the console ring seen from the guest: produce
 * out[], consume in[].  The page is shared with dom0 and not trusted: each
 * backend index is read once and checked, ours are kept privately, and a
 * bad value breaks the ring (the driver then falls back to console_io).
 */
#include <stdint.h>

#include "gk/consfront.h"
#include "gk/errno.h"

/* Xen's EIO (gk/errno.h does not name it). */
#define CONSFRONT_EIO XEN_EIO

#define OUT_SIZE sizeof(((struct xencons_interface *)0)->out)
#define IN_SIZE	 sizeof(((struct xencons_interface *)0)->in)

static uint32_t
load_idx(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
store_idx(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static long
ring_break(struct consfront_ring *r)
{
	r->is_broken = 1;
	return -CONSFRONT_EIO;
}

int
consfront_ring_init(struct consfront_ring *r, void *page)
{
	struct xencons_interface *intf = page;

	r->intf = intf;
	r->is_broken = 0;
	r->out_prod = load_idx(&intf->out_prod);
	r->in_cons = load_idx(&intf->in_cons);
	if (r->out_prod - load_idx(&intf->out_cons) > OUT_SIZE ||
	    load_idx(&intf->in_prod) - r->in_cons > IN_SIZE)
		return (int)ring_break(r);
	return 0;
}

long
consfront_ring_write(struct consfront_ring *r, const char *buf,
		     unsigned long len, uint32_t *used)
{
	struct xencons_interface *intf = r->intf;
	uint32_t cons, room, n, i;

	*used = 0;
	if (r->is_broken)
		return -CONSFRONT_EIO;
	if (load_idx(&intf->out_prod) != r->out_prod)
		return ring_break(r);
	cons = load_idx(&intf->out_cons);
	if (r->out_prod - cons > OUT_SIZE)
		return ring_break(r);
	room = OUT_SIZE - (r->out_prod - cons);
	n = len < room ? (uint32_t)len : room;
	for (i = 0; i < n; i++)
		intf->out[MASK_XENCONS_IDX(r->out_prod + i, intf->out)] =
			buf[i];
	r->out_prod += n;
	store_idx(&intf->out_prod, r->out_prod);
	*used = r->out_prod - cons;
	return n;
}

long
consfront_ring_read(struct consfront_ring *r, char *buf, unsigned long cap,
		    int *was_full)
{
	struct xencons_interface *intf = r->intf;
	uint32_t prod, avail, n, i;

	*was_full = 0;
	if (r->is_broken)
		return -CONSFRONT_EIO;
	if (load_idx(&intf->in_cons) != r->in_cons)
		return ring_break(r);
	prod = load_idx(&intf->in_prod);
	avail = prod - r->in_cons;
	if (avail > IN_SIZE)
		return ring_break(r);
	*was_full = avail >= IN_SIZE / 2;
	n = avail < cap ? avail : (uint32_t)cap;
	for (i = 0; i < n; i++)
		buf[i] = intf->in[MASK_XENCONS_IDX(r->in_cons + i, intf->in)];
	r->in_cons += n;
	store_idx(&intf->in_cons, r->in_cons);
	return n;
}
