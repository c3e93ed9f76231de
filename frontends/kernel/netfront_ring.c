/*
 * kernel/netfront_ring.c: the netif frontend's ring logic (gk/netfront.h):
 * requests out, the notification decision both ways, responses in, and
 * the clustering trigger, the decision to follow the backend's xenbus
 * state and the grant revocation at a close.  Trust boundary: everything
 * the backend writes (rsp_prod, responses, its coalescing word, its
 * state) is read once into a private copy and checked.  Pure memory work,
 * compiled as host code for tests/unit/frontends too.
 */
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "gk/errno.h"
#include "gk/netfront.h"
#include "gk/string.h"
#include "xylem/coalesce.h"

/* The header every DEFINE_RING_TYPES ring shares. */
#define NF_REQ_PROD  0u
#define NF_REQ_EVENT 4u
#define NF_RSP_PROD  8u
#define NF_RSP_EVENT 12u
#define NF_HDR	     64u

static volatile uint32_t *
netfront_word(const struct netfront_ring *r, uint32_t off)
{
	return (volatile uint32_t *)(r->sring + off);
}

static uint32_t
netfront_load(const struct netfront_ring *r, uint32_t off)
{
	return __atomic_load_n(netfront_word(r, off), __ATOMIC_ACQUIRE);
}

static void
netfront_store(const struct netfront_ring *r, uint32_t off, uint32_t v)
{
	__atomic_store_n(netfront_word(r, off), v, __ATOMIC_RELEASE);
}

int
netfront_ring_init(struct netfront_ring *r, void *sring, uint32_t entry_size,
		   int use_coalesce)
{
	uint32_t n = 1;

	if (!sring || entry_size == 0 || entry_size > 64)
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	memset(sring, 0, NETFRONT_PAGE);
	while (n * 2 <= (NETFRONT_PAGE - NF_HDR) / entry_size)
		n *= 2;
	r->sring = sring;
	r->entry_size = entry_size;
	r->nr_ents = n;
	r->use_coalesce = use_coalesce;
	/* SHARED_RING_INIT: both event indices at 1. */
	netfront_store(r, NF_REQ_EVENT, 1);
	netfront_store(r, NF_RSP_EVENT, 1);
	return 0;
}

uint32_t
netfront_ring_free(const struct netfront_ring *r)
{
	return r->nr_ents - (r->req_prod_pvt - r->rsp_cons);
}

static uint8_t *
netfront_slot(const struct netfront_ring *r, uint32_t idx)
{
	return r->sring + NF_HDR + (idx & (r->nr_ents - 1)) * r->entry_size;
}

int
netfront_ring_put(struct netfront_ring *r, const void *req, uint32_t len)
{
	if (r->is_broken)
		return -EIO;
	if (len > r->entry_size || !netfront_ring_free(r))
		return -ENOSPC;
	memcpy(netfront_slot(r, r->req_prod_pvt), req, len);
	r->req_prod_pvt++;
	r->stats.requests++;
	return 0;
}

int
netfront_ring_push(struct netfront_ring *r)
{
	uint32_t old = r->req_published, now = r->req_prod_pvt, event;
	int notify;

	if (old == now)
		return 0;
	/* Release: the requests before the index that publishes them. */
	netfront_store(r, NF_REQ_PROD, now);
	r->req_published = now;
	xen_mb(); /* our index before the backend's word or req_event */
	if (r->use_coalesce) {
		notify = netfront_load(r, XYL_COALESCE_REQ_STATE_OFFSET) !=
			 XYL_COALESCE_ACTIVE;
	} else {
		event = netfront_load(r, NF_REQ_EVENT);
		notify = (uint32_t)(now - event) < (uint32_t)(now - old);
	}
	if (notify)
		r->stats.notify_sent++;
	else
		r->stats.notify_suppressed++;
	return notify;
}

int
netfront_ring_take(struct netfront_ring *r, void *out, uint32_t len)
{
	uint32_t prod;

	if (r->is_broken)
		return -EIO;
	prod = netfront_load(r, NF_RSP_PROD);
	/* More responses than requests we published: a broken backend. */
	if ((uint32_t)(prod - r->rsp_cons) >
	    (uint32_t)(r->req_published - r->rsp_cons)) {
		r->is_broken = 1;
		return -EIO;
	}
	if (prod == r->rsp_cons)
		return 0;
	memcpy(out, netfront_slot(r, r->rsp_cons), len);
	r->rsp_cons++;
	r->stats.responses++;
	return 1;
}

void
netfront_ring_active(struct netfront_ring *r)
{
	if (r->use_coalesce)
		netfront_store(r, XYL_COALESCE_RSP_STATE_OFFSET,
			       XYL_COALESCE_ACTIVE);
}

int
netfront_ring_idle(struct netfront_ring *r)
{
	if (r->is_broken)
		return 0;
	netfront_store(r, NF_RSP_EVENT, r->rsp_cons + 1);
	if (r->use_coalesce)
		netfront_store(r, XYL_COALESCE_RSP_STATE_OFFSET,
			       XYL_COALESCE_SLEEPING);
	xen_mb(); /* SLEEPING before the re-read of rsp_prod */
	if (netfront_load(r, NF_RSP_PROD) == r->rsp_cons)
		return 0;
	netfront_ring_active(r);
	return 1;
}

int
netfront_rx_check(const struct netif_rx_response *rsp, const uint8_t *posted,
		  uint32_t nr_posted, uint32_t *off, uint32_t *len)
{
	if (rsp->id >= nr_posted || !posted[rsp->id])
		return -EIO;
	if (rsp->status < 0)
		return -EBADMSG;
	if (rsp->flags &
	    (NETRXF_more_data | NETRXF_extra_info | NETRXF_gso_prefix))
		return -EIO;
	if (rsp->status == 0 || rsp->offset >= NETFRONT_PAGE ||
	    (uint32_t)rsp->offset + (uint32_t)rsp->status > NETFRONT_PAGE)
		return -EIO;
	*off = rsp->offset;
	*len = (uint32_t)rsp->status;
	return 0;
}

int
netfront_tx_check(const struct netif_tx_response *rsp, const uint8_t *busy,
		  uint32_t nr_busy)
{
	if (rsp->id >= nr_busy || !busy[rsp->id])
		return -EIO;
	/* NULL answers an extra-info slot: nothing to report. */
	if (rsp->status == NETIF_RSP_OKAY || rsp->status == NETIF_RSP_NULL)
		return 0;
	if (rsp->status == NETIF_RSP_ERROR || rsp->status == NETIF_RSP_DROPPED)
		return -EBADMSG;
	return -EIO;
}

int
netfront_cluster_add(struct netfront_cluster *c, uint64_t now_ns)
{
	if (c->held++ == 0)
		c->first_ns = now_ns;
	return c->held >= (c->count ? c->count : 1) ||
	       netfront_cluster_due(c, now_ns);
}

int
netfront_cluster_due(const struct netfront_cluster *c, uint64_t now_ns)
{
	return c->held && now_ns - c->first_ns >= c->wait_ns;
}

void
netfront_cluster_pushed(struct netfront_cluster *c)
{
	if (!c->held)
		return;
	c->flushes++;
	c->pkts_pushed += c->held;
	c->held = 0;
}

enum netfront_step
netfront_next_step(int live, uint32_t be, uint32_t fe)
{
	if (live)
		return be == XenbusStateClosing || be == XenbusStateClosed ||
				       be == XenbusStateUnknown ||
				       fe == XenbusStateUnknown
			       ? NETFRONT_CLOSE
			       : NETFRONT_STAY;
	/* The toolstack wrote a fresh pair and netback took it. */
	if (fe == XenbusStateInitialising && be == XenbusStateInitWait)
		return NETFRONT_REOPEN;
	return NETFRONT_STAY;
}

uint32_t
netfront_revoke(grant_ref_t *refs, uint32_t n, int (*end_fn)(grant_ref_t ref))
{
	uint32_t left = 0;

	for (uint32_t i = 0; i < n; i++) {
		if (!refs[i])
			continue;
		/* -EBUSY: the backend still has it pinned; anything else
		 * means it is not ours to end any more. */
		if (end_fn(refs[i]) == -EBUSY)
			left++;
		else
			refs[i] = 0;
	}
	return left;
}
