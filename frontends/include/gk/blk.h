/*
 * gk/blk.h: the block API for guest apps, over blkfront (kernel/blkfront.c,
 * the blkif frontend of xylem-blkback).  Open a vbd, queue up to `depth`
 * requests, and collect completions by polling from the app's main loop;
 * synchronous helpers on top.  Single vCPU: call it from one thread only.
 */
#ifndef GK_BLK_H
#define GK_BLK_H

#include <stdint.h>

#include "gk/errno.h"

/* The errors of this API beyond gk/errno.h (Xen's values, as there). */
#ifndef EOPNOTSUPP
#define EOPNOTSUPP XEN_EOPNOTSUPP
#endif
#ifndef EIO
#define EIO	  XEN_EIO
#define EROFS	  XEN_EROFS
#define ETIMEDOUT XEN_ETIMEDOUT
#endif

struct blkfront_dev;

enum gk_blk_op {
	GK_BLK_READ = 0,
	GK_BLK_WRITE = 1,
	GK_BLK_FLUSH = 2,   /* no data: everything acknowledged is durable */
	GK_BLK_BARRIER = 3, /* a write ordered after everything before it */
	GK_BLK_DISCARD = 4, /* no data: nr_bytes from sector may read as 0 */
};

/*
 * One request, owned by the caller until it comes back from
 * gk_blk_complete.  sector is in 512-byte units (blkif's unit, whatever
 * the device's sector size); sector and nr_bytes must be multiples of the
 * device's sector size, buf 512-byte aligned and in the kernel's identity
 * map; nr_bytes at most info.max_bytes.
 */
struct gk_blk_req {
	uint8_t op; /* enum gk_blk_op */
	uint64_t sector;
	void *buf;
	uint32_t nr_bytes;
	int status; /* out: 0, -EIO, -EOPNOTSUPP, -ENODEV (device closed) */
	void *cookie;
	struct gk_blk_req *next; /* the driver's while queued */
};

/* What to negotiate; zero fields take the defaults. */
struct gk_blk_opts {
	uint32_t depth;	     /* requests in flight (default 32, max 256) */
	uint32_t ring_order; /* wanted max-ring-page-order (default 0) */
	uint32_t nr_queues;  /* wanted queues (default 1) */
	int no_persistent;   /* 1: do not offer feature-persistent */
	int no_indirect;     /* 1: direct segments only (44 KiB) */
	int no_coalesce;     /* 1: do not offer feature-xylem-coalesce */
};

/* The device as negotiated. */
struct gk_blk_info {
	uint32_t devid;
	uint64_t sectors;     /* size in 512-byte units */
	uint32_t sector_size; /* 512 or 4096 */
	int is_read_only;
	int has_flush, has_barrier, has_discard;
	int use_persistent, use_coalesce;
	uint32_t max_indirect; /* 0: no indirect descriptors */
	uint32_t ring_order, nr_queues, depth;
	uint32_t max_bytes; /* largest request */
};

/* Counters (all queues summed). */
struct gk_blk_stats {
	uint64_t requests, responses, errors;
	uint64_t notify_sent, notify_suppressed; /* ours to the backend */
	uint64_t events;			 /* the backend's to us */
	uint64_t bounced; /* copied via persistent pages */
	uint64_t rekicks; /* notifications repeated after a quiet second */
};

/* Connect to vbd devid (0: the first under device/vbd).  0 and *out, or
 * -ENODEV no such device, -ETIMEDOUT the backend never got to Connected,
 * -ENOMEM, -errno from xenstore or the grant table. */
int gk_blk_open(uint32_t devid, const struct gk_blk_opts *opts,
		struct blkfront_dev **out);
/* Disconnect (Closing/Closed) and free; in-flight requests are waited
 * for (at most 5 s) first. */
void gk_blk_close(struct blkfront_dev *b);
void gk_blk_get_info(const struct blkfront_dev *b, struct gk_blk_info *out);
void gk_blk_get_stats(const struct blkfront_dev *b, struct gk_blk_stats *out);

/* Queue a request (put on the ring and published; the backend is told if
 * it sleeps).  0; -EAGAIN depth reached (collect completions first);
 * -EINVAL bad alignment/size/range; -EROFS a write to a read-only device;
 * -EOPNOTSUPP the backend lacks the feature; -ENODEV device closed. */
int gk_blk_submit(struct blkfront_dev *b, struct gk_blk_req *r);
/* Several requests, published with one notification decision: the
 * number queued (may be fewer than nr; see gk_blk_submit for errors when
 * 0 were queued). */
int gk_blk_submit_many(struct blkfront_dev *b, struct gk_blk_req **r,
		       unsigned int nr);
/* Completed requests, without blocking: up to max into done[]; returns
 * their number. */
unsigned int gk_blk_complete(struct blkfront_dev *b, struct gk_blk_req **done,
			     unsigned int max);
/* Requests submitted and not yet returned by gk_blk_complete. */
unsigned int gk_blk_in_flight(const struct blkfront_dev *b);
/* Block (events, SCHEDOP_block) until a completion is ready or timeout_ns
 * passes: 0 ready, -ETIME timeout, -ENODEV device closed. */
int gk_blk_wait(struct blkfront_dev *b, uint64_t timeout_ns);

/* Synchronous helpers: submit one request and wait for it (no timeout
 * while the device stays connected: a restarting backend only delays).
 * Return the request's status or a submit error. */
int gk_blk_read(struct blkfront_dev *b, uint64_t sector, void *buf,
		uint32_t nr_bytes);
int gk_blk_write(struct blkfront_dev *b, uint64_t sector, const void *buf,
		 uint32_t nr_bytes);
int gk_blk_flush(struct blkfront_dev *b);
int gk_blk_discard(struct blkfront_dev *b, uint64_t sector, uint32_t nr_bytes);

/* Main-loop hook (kernel/main.c, before SCHEDOP_block): every open
 * device's rings go to SLEEPING; returns 1 if responses are waiting
 * (then do not block). */
int blkfront_idle_all(void);

/*
 * Raw ring access, for apps/blkhostile.c only: put a request exactly as
 * given (id included) on queue 0 and publish it, and take the raw
 * responses.  The driver stops checking ids on a device once this was
 * used (its own requests must not be in flight then).
 */
int blkfront_raw_put(struct blkfront_dev *b, const void *req, uint32_t len,
		     int publish);
int blkfront_raw_take(struct blkfront_dev *b, void *rsp, uint64_t timeout_ns);
/* Publish a producer index of our choosing (hostile). */
void blkfront_raw_set_req_prod(struct blkfront_dev *b, uint32_t prod);
/* The queue-0 ring's shared page, and the backend's xenstore state. */
void *blkfront_raw_sring(struct blkfront_dev *b);
int blkfront_backend_state(struct blkfront_dev *b);
/* Grant a page (gfn) to domid, for hostile segments. */
int blkfront_raw_grant(struct blkfront_dev *b, uint64_t gfn, uint16_t domid,
		       int readonly, uint32_t *gref);

#endif
