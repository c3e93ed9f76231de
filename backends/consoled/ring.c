/*
 * backends/consoled/ring.c: the console ring (xen/io/console.h) seen from
 * the backend: drain out[], fill in[].  The only code that reads the ring
 * page, which is guest memory: each shared index is read once, checked
 * against our private copy and the ring size, and a bad one breaks the
 * ring for good (the caller logs it and stops serving it).
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/io/console.h>

#include "consoled.h"

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

static int
ring_break(struct consoled_ring *r, const char *why)
{
	if (!r->is_broken)
		r->why = why;
	r->is_broken = true;
	return -EIO;
}

int
consoled_ring_attach(struct consoled_ring *r, void *page)
{
	struct xencons_interface *intf = page;
	uint32_t out_prod, in_cons;

	memset(r, 0, sizeof(*r));
	r->intf = intf;
	r->out_cons = load_idx(&intf->out_cons);
	r->in_prod = load_idx(&intf->in_prod);
	out_prod = load_idx(&intf->out_prod);
	in_cons = load_idx(&intf->in_cons);
	if (out_prod - r->out_cons > OUT_SIZE)
		return ring_break(r, "out indices out of range at attach");
	if (r->in_prod - in_cons > IN_SIZE)
		return ring_break(r, "in indices out of range at attach");
	return 0;
}

int
consoled_ring_read_out(struct consoled_ring *r, char *dst, size_t cap,
		       size_t *len, bool *was_full)
{
	struct xencons_interface *intf = r->intf;
	uint32_t prod, avail, n, i;

	*len = 0;
	*was_full = false;
	if (r->is_broken)
		return -EIO;
	if (load_idx(&intf->out_cons) != r->out_cons)
		return ring_break(r, "out_cons changed by the guest");
	prod = load_idx(&intf->out_prod);
	avail = prod - r->out_cons;
	if (avail > OUT_SIZE)
		return ring_break(r, "out_prod out of range");
	*was_full = avail >= OUT_SIZE / 2;
	n = avail < cap ? avail : (uint32_t)cap;
	for (i = 0; i < n; i++)
		dst[i] =
			intf->out[MASK_XENCONS_IDX(r->out_cons + i, intf->out)];
	r->out_cons += n;
	store_idx(&intf->out_cons, r->out_cons);
	*len = n;
	return 0;
}

int
consoled_ring_write_in(struct consoled_ring *r, const char *src, size_t len,
		       size_t *written)
{
	struct xencons_interface *intf = r->intf;
	uint32_t cons, used, room, n, i;

	*written = 0;
	if (r->is_broken)
		return -EIO;
	if (load_idx(&intf->in_prod) != r->in_prod)
		return ring_break(r, "in_prod changed by the guest");
	cons = load_idx(&intf->in_cons);
	used = r->in_prod - cons;
	if (used > IN_SIZE)
		return ring_break(r, "in_cons out of range");
	room = IN_SIZE - used;
	n = len < room ? (uint32_t)len : room;
	for (i = 0; i < n; i++)
		intf->in[MASK_XENCONS_IDX(r->in_prod + i, intf->in)] = src[i];
	r->in_prod += n;
	store_idx(&intf->in_prod, r->in_prod);
	*written = n;
	return 0;
}
