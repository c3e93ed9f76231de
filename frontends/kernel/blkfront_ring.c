/*
 * kernel/blkfront_ring.c: the blkif frontend's ring logic (gk/blkfront.h):
 * requests out, the notification decision both ways, responses in.  Trust
 * boundary: everything the backend writes (rsp_prod, responses, its
 * coalescing word) is read once into a private copy and checked.  Pure
 * memory work, compiled as host code for tests/unit/frontends too.
 */
#include <stdint.h>

#include "gk/blkfront.h"
#include "gk/errno.h"
#include "gk/string.h"
#include "xylem/coalesce.h"

static volatile uint32_t *
blkfront_state_word(struct blkfront_ring *r, uint32_t offset)
{
	return (volatile uint32_t *)((uint8_t *)r->front.sring + offset);
}

int
blkfront_ring_init(struct blkfront_ring *r, void *sring, uint32_t bytes,
		   int use_coalesce)
{
	struct blkif_sring *s = sring;

	if (!sring || bytes < 4096 || (bytes & (bytes - 1)))
		return -EINVAL;
	memset(r, 0, sizeof(*r));
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&r->front, s, bytes);
	r->nr_ents = RING_SIZE(&r->front);
	r->use_coalesce = use_coalesce;
	return 0;
}

uint32_t
blkfront_ring_free(const struct blkfront_ring *r)
{
	return r->nr_ents - (r->front.req_prod_pvt - r->front.rsp_cons);
}

int
blkfront_ring_put(struct blkfront_ring *r, const void *req, uint32_t len)
{
	if (r->is_broken)
		return -EIO;
	if (len > sizeof(union blkif_sring_entry) || !blkfront_ring_free(r))
		return -ENOSPC;
	memcpy(RING_GET_REQUEST(&r->front, r->front.req_prod_pvt), req, len);
	r->front.req_prod_pvt++;
	r->stats.requests++;
	return 0;
}

int
blkfront_ring_push(struct blkfront_ring *r)
{
	RING_IDX old = r->req_published, now = r->front.req_prod_pvt, event;
	int notify;

	if (old == now)
		return 0;
	xen_wmb(); /* the requests before the index that publishes them */
	r->front.sring->req_prod = now;
	r->req_published = now;
	xen_mb(); /* our index before the backend's word or req_event */
	if (r->use_coalesce) {
		notify = *blkfront_state_word(r,
					      XYL_COALESCE_REQ_STATE_OFFSET) !=
			 XYL_COALESCE_ACTIVE;
	} else {
		event = __atomic_load_n(&r->front.sring->req_event,
					__ATOMIC_RELAXED);
		notify = (RING_IDX)(now - event) < (RING_IDX)(now - old);
	}
	if (notify)
		r->stats.notify_sent++;
	else
		r->stats.notify_suppressed++;
	return notify;
}

/* The backend's rsp_prod, read once; -EIO if it claims more responses
 * than we have requests out. */
static int
blkfront_ring_rsp_prod(struct blkfront_ring *r, RING_IDX *prod)
{
	RING_IDX p =
		__atomic_load_n(&r->front.sring->rsp_prod, __ATOMIC_ACQUIRE);

	if ((RING_IDX)(p - r->front.rsp_cons) >
	    (RING_IDX)(r->front.req_prod_pvt - r->front.rsp_cons)) {
		r->is_broken = 1;
		return -EIO;
	}
	*prod = p;
	return 0;
}

int
blkfront_ring_take(struct blkfront_ring *r, struct blkif_response *out)
{
	RING_IDX prod;
	int rc;

	if (r->is_broken)
		return -EIO;
	rc = blkfront_ring_rsp_prod(r, &prod);
	if (rc < 0)
		return rc;
	if (prod == r->front.rsp_cons)
		return 0;
	/* One copy out of shared memory; only the copy is looked at. */
	memcpy(out, RING_GET_RESPONSE(&r->front, r->front.rsp_cons),
	       sizeof(*out));
	r->front.rsp_cons++;
	r->stats.responses++;
	return 1;
}

void
blkfront_ring_active(struct blkfront_ring *r)
{
	if (r->use_coalesce)
		*blkfront_state_word(r, XYL_COALESCE_RSP_STATE_OFFSET) =
			XYL_COALESCE_ACTIVE;
}

int
blkfront_ring_idle(struct blkfront_ring *r)
{
	RING_IDX prod;
	int rc;

	if (r->is_broken)
		return -EIO;
	if (r->use_coalesce)
		*blkfront_state_word(r, XYL_COALESCE_RSP_STATE_OFFSET) =
			XYL_COALESCE_SLEEPING;
	else
		r->front.sring->rsp_event = r->front.rsp_cons + 1;
	xen_mb(); /* our word before the backend's index (coalesce.h) */
	rc = blkfront_ring_rsp_prod(r, &prod);
	if (rc < 0)
		return rc;
	return prod != r->front.rsp_cons;
}

int
blkfront_rsp_check(const struct blkif_response *rsp,
		   struct blkfront_expect *expect, uint32_t nr_expect)
{
	struct blkfront_expect *e;

	if (rsp->id >= nr_expect)
		return -EIO;
	e = &expect[rsp->id];
	if (!e->is_busy || rsp->operation != e->operation)
		return -EIO;
	if (rsp->status != BLKIF_RSP_OKAY && rsp->status != BLKIF_RSP_ERROR &&
	    rsp->status != BLKIF_RSP_EOPNOTSUPP)
		return -EIO;
	e->is_busy = 0;
	return 0;
}
