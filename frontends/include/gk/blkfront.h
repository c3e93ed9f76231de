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
	uint64_t requests;	    /* requests pushed */
	uint64_t responses;	    /* responses taken */
	uint64_t notify_sent;	    /* our event sends */
	uint64_t notify_suppressed; /* pushes that needed none */
	uint64_t events;	    /* backend notifications seen */
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

/* ---- the driver (kernel/blkfront.c, kernel/blkfront_io.c) ---- */
#ifndef GK_HOST_TEST
#include <xen/event_channel.h>

#include "gk/blk.h"
#include "gk/profile.h"

/* One request id: its request, its grants and (persistent grants or
 * indirect descriptors) pages granted once and kept. */
struct blkfront_slot {
	struct gk_blk_req *req;
	uint32_t nr_grefs; /* transient grants to end at completion */
	grant_ref_t grefs[BLKFRONT_MAX_SEGS];
	uint8_t *pool; /* nr_pool pages, or NULL */
	uint32_t nr_pool;
	grant_ref_t pool_grefs[BLKFRONT_MAX_SEGS];
	struct blkif_request_segment *indirect; /* a page, or NULL */
	grant_ref_t indirect_gref;
	uint32_t prof_slot; /* gk/profile.h slot: queue x ring index */
};

/* One ring with its event channel.  Owned by its blkfront_dev. */
struct blkfront_queue {
	struct blkfront_dev *dev;
	uint32_t index;
	struct blkfront_ring ring;
	void *sring;
	uint32_t nr_pages;
	grant_ref_t ring_grefs[BLKFRONT_MAX_RING_PAGES];
	evtchn_port_t port;
	uint32_t nr_slots;
	struct blkfront_expect *expect; /* nr_slots */
	struct blkfront_slot *slots;	/* nr_slots */
	uint32_t in_flight;
};

/* An open vbd.  Created by gk_blk_open, freed by gk_blk_close; linked
 * from gk.blk_devs for the main loop's idle hook. */
struct blkfront_dev {
	struct blkfront_dev *next;
	struct gk_blk_info info;
	char fe_dir[48];
	char be_dir[128];
	domid_t be_domid;
	struct blkfront_queue queues[BLKFRONT_MAX_QUEUES];
	uint32_t next_queue;
	struct gk_blk_req *done_head, *done_tail;
	uint32_t in_flight;  /* submitted, not yet handed back */
	uint32_t pool_pages; /* persistent pages per request id */
	int is_broken;
	int is_raw;
	uint64_t errors, bounced, leaked_grants;
	uint64_t
		leaked_pages; /* kept at close: the backend still mapped them */
	uint64_t rekicks;     /* notifications repeated after a quiet second */
	struct gk_profile prof; /* issue 7: per-request stage stamps */
};

/* blkfront_io.c: take every response of q (from the event handler or a
 * poll); a broken backend closes the device. */
void blkfront_queue_consume(struct blkfront_queue *q);
/* Fail everything in flight with -ENODEV and mark the device closed. */
void blkfront_dev_break(struct blkfront_dev *b, const char *why);
/* blkfront.c: free a slot's kept pages and grants (pages the backend
 * still maps are kept, counted in leaked_pages). */
void blkfront_slot_release(struct blkfront_dev *b, struct blkfront_slot *s);
#endif

#endif
