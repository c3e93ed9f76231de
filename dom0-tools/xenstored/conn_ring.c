/*
 * dom0-tools/xenstored/conn_ring.c: a guest's xenstore ring (struct
 * xenstore_domain_interface in its memory) and store event channel.  The
 * guest controls req_prod and rsp_cons: each is read once per pass and
 * checked (a producer more than a ring ahead is a broken peer); our own
 * indices live in struct store_domain.  Request bytes are copied out of
 * the ring once, into the connection's buffer, before wire.c sees them.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xenstored.h"

static uint32_t
idx_load(const XENSTORE_RING_IDX *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void
idx_store(XENSTORE_RING_IDX *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

/* One event per service pass: each costs the guest an upcall. */
static void
ring_kick(struct store_domain *d)
{
	if (d->in_service) {
		d->kick_pending = true;
		return;
	}
	if (d->conn)
		d->conn->nr_kicks++;
	xylctl_evtchn_notify(&d->evtchn);
}

/* The guest broke the ring: tell it (error field), stop serving it. */
static void
ring_broken(struct store_domain *d, uint32_t err, const char *why)
{
	log_dom_limited(&d->rl, DLOG_WARN, (int)d->domid,
			"xenstore ring: %s; connection closed", why);
	d->intf->error = err;
	d->is_broken = true;
	if (d->conn)
		store_conn_destroy(d->conn);
	ring_kick(d);
}

void
store_ring_flush(struct store_conn *c)
{
	struct store_domain *d = c->dom;
	struct xenstore_domain_interface *intf;
	struct store_out *o;
	uint32_t cons, used, space, pos, chunk, n;
	bool moved = false;

	if (!d || d->is_broken)
		return;
	intf = d->intf;
	while ((o = c->out_head)) {
		cons = idx_load(&intf->rsp_cons);
		used = d->rsp_prod - cons;
		if (used > XENSTORE_RING_SIZE) {
			ring_broken(d, XENSTORE_ERROR_RINGIDX,
				    "rsp_cons out of range");
			return;
		}
		space = XENSTORE_RING_SIZE - used;
		if (space == 0)
			break;
		n = o->len - o->off < space ? o->len - o->off : space;
		pos = MASK_XENSTORE_IDX(d->rsp_prod);
		chunk = XENSTORE_RING_SIZE - pos < n ? XENSTORE_RING_SIZE - pos
						     : n;
		memcpy(intf->rsp + pos, o->data + o->off, chunk);
		memcpy(intf->rsp, o->data + o->off + chunk, n - chunk);
		o->off += n;
		d->rsp_prod += n;
		idx_store(&intf->rsp_prod, d->rsp_prod);
		moved = true;
		if (o->off < o->len)
			break;
		c->out_head = o->next;
		if (!c->out_head)
			c->out_tail = NULL;
		c->nr_out--;
		c->nr_out_events -= o->is_event;
		c->out_bytes -= o->len;
		free(o);
	}
	if (moved)
		ring_kick(d);
}

/* Copy what the guest produced into the connection's buffer. */
static int
ring_pull(struct store_domain *d, struct store_conn *c, bool *moved)
{
	struct xenstore_domain_interface *intf = d->intf;
	uint32_t prod, avail, room, pos, chunk, n;

	prod = idx_load(&intf->req_prod);
	avail = prod - d->req_cons;
	if (avail > XENSTORE_RING_SIZE)
		return -ERANGE;
	room = (uint32_t)sizeof(c->in) - c->in_len;
	n = avail < room ? avail : room;
	if (n == 0)
		return 0;
	pos = MASK_XENSTORE_IDX(d->req_cons);
	chunk = XENSTORE_RING_SIZE - pos < n ? XENSTORE_RING_SIZE - pos : n;
	memcpy(c->in + c->in_len, intf->req + pos, chunk);
	memcpy(c->in + c->in_len + chunk, intf->req, n - chunk);
	c->in_len += n;
	d->req_cons += n;
	idx_store(&intf->req_cons, d->req_cons);
	*moved = true;
	return (int)n;
}

/*
 * The guest asked to start over (connection = XENSTORE_RECONNECT;
 * xenstore-ring.txt): partial and queued messages, watches and
 * transactions go with the old connection; both queues restart empty at
 * 0; the domain's nodes and SET_TARGET stay.  Then CONNECTED and a kick.
 */
static void
ring_reconnect(struct store_domain *d)
{
	struct store_who who = {
		.domid = d->domid, .target = d->target, .is_priv = false};
	struct xenstore_domain_interface *intf = d->intf;

	if (d->conn)
		store_conn_destroy(d->conn);
	d->conn = store_conn_new(d->ctx, STORE_CONN_RING, &who);
	if (d->conn)
		d->conn->dom = d;
	d->req_cons = d->rsp_prod = 0;
	idx_store(&intf->req_cons, 0);
	idx_store(&intf->req_prod, 0);
	idx_store(&intf->rsp_cons, 0);
	idx_store(&intf->rsp_prod, 0);
	intf->error = XENSTORE_ERROR_NONE;
	d->is_broken = false;
	__atomic_store_n(&intf->connection, XENSTORE_CONNECTED,
			 __ATOMIC_RELEASE);
	ring_kick(d);
}

void
store_ring_service(struct store_domain *d)
{
	struct store_conn *c;
	bool moved = false;
	int r, rounds;

	if (__atomic_load_n(&d->intf->connection, __ATOMIC_ACQUIRE) ==
	    XENSTORE_RECONNECT)
		ring_reconnect(d);
	c = d->conn;
	if (d->is_broken || !c)
		return;
	d->in_service = true;
	store_ring_flush(c);
	/* Bounded: a guest that keeps producing waits for the next turn. */
	for (rounds = 0; rounds < 64 && !c->is_dead && store_conn_may_read(c);
	     rounds++) {
		r = ring_pull(d, c, &moved);
		if (r == -ERANGE) {
			ring_broken(d, XENSTORE_ERROR_RINGIDX,
				    "req_prod out of range");
			break;
		}
		if (store_conn_process(c) < 0) {
			ring_broken(d, XENSTORE_ERROR_PROTO,
				    "message over 4096 bytes");
			break;
		}
		if (r == 0)
			break;
	}
	/* Left over (round limit): come back next turn. */
	d->needs_service = rounds == 64;
	d->in_service = false;
	if (moved || d->kick_pending) {
		d->kick_pending = false;
		ring_kick(d);
	}
}
