/*
 * gk/blkfront.h: the blkif frontend's internals.  kernel/blkfront_ring.c
 * is the ring logic (pure memory work, host-testable): producing requests,
 * the notification decision (the coalescing flag of include/xylem/
 * coalesce.h or Xen's req_event/rsp_event), and taking responses, which
 * come from an untrusted backend: every index and field is checked on a
 * private copy.  kernel/blkfront.c is the driver around it (xenbus, grants,
 * events); apps use gk/blk.h.
 */
#ifndef GK_BLKFRONT_H
#define GK_BLKFRONT_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#ifndef xen_mb
#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)
#endif
#include <xen/io/ring.h>
#include <xen/io/blkif.h>

#define BLKFRONT_MAX_RING_ORDER 4
#define BLKFRONT_MAX_RING_PAGES (1u << BLKFRONT_MAX_RING_ORDER)
#define BLKFRONT_MAX_QUEUES	4
/* Segments per request through one indirect page (128 KiB requests):
 * enough for the benchmarks, and a persistent pool of depth x this many
 * pages still fits the grant table. */
#define BLKFRONT_MAX_SEGS 32

/* Notification counters of one ring (both directions). */
struct blkfront_ring_stats {
	uint64_t requests;	   /* requests pushed */
	uint64_t responses;	   /* responses taken */
	uint64_t notify_sent;	   /* our event sends */
	uint64_t notify_suppressed; /* pushes that needed none */
	uint64_t events;	   /* backend notifications seen */
};

/*
 * One ring as the frontend keeps it.  req_prod_pvt and rsp_cons are ours
 * and only copied to the page; rsp_prod is the backend's, read once per
 * call and checked: it may not pass what we have asked for.
 */
struct blkfront_ring {
	struct blkif_front_ring front; /* Xen's macros; sring is shared */
	uint32_t nr_ents;
	uint32_t req_published; /* req_prod we last wrote to the page */
	int use_coalesce;	/* feature-xylem-coalesce on both sides */
	int is_broken;
	struct blkfront_ring_stats stats;
};

/* Initialise a fresh ring over bytes of zeroed shared memory (a power of
 * two pages).  0 or -EINVAL. */
int blkfront_ring_init(struct blkfront_ring *r, void *sring, uint32_t bytes,
		       int use_coalesce);
/* Free request slots. */
uint32_t blkfront_ring_free(const struct blkfront_ring *r);
/* Copy a request (a blkif_request or one of its variants, at most the
 * slot size) into the next slot; -ENOSPC when full. */
int blkfront_ring_put(struct blkfront_ring *r, const void *req, uint32_t len);
/* Publish what was put.  1 when the backend must be notified. */
int blkfront_ring_push(struct blkfront_ring *r);
/* Take the next response into *out: 1 taken, 0 none, -EIO a broken
 * backend (its producer index passed our requests). */
int blkfront_ring_take(struct blkfront_ring *r, struct blkif_response *out);
/* The response consumer's processing routine starts (flag ACTIVE). */
void blkfront_ring_active(struct blkfront_ring *r);
/* The consumer found the ring empty and may sleep: store SLEEPING (or
 * rsp_event), full barrier, look again.  1 if responses arrived
 * meanwhile (do not sleep), 0 may sleep, -EIO broken. */
int blkfront_ring_idle(struct blkfront_ring *r);

/* What the driver expects back for an id it issued. */
struct blkfront_expect {
	uint8_t is_busy;
	uint8_t operation; /* the op the response must carry */
};

/* Check a response copy against the ids in flight: 0 good; -EIO an id
 * not in flight, an operation other than the request's or an unknown
 * status.  Marks the id free on success. */
int blkfront_rsp_check(const struct blkif_response *rsp,
		       struct blkfront_expect *expect, uint32_t nr_expect);

#endif
