/*
 * tests/lib/fake_blkfront.h: a blkif frontend played from the host, inside
 * a real guest's memory: it writes grant entries and the shared ring into
 * the guest's RAM (mapped through libxylemctl), allocates the guest's
 * event-channel port for dom0, and writes the toolstack's and frontend's
 * xenstore nodes, so xylem-blkback runs its real path (xenstore handshake,
 * grants, ring, event channel).  The guest (app=idle) stays out of the
 * way: it owns the pages and grefs we borrow at the top of its RAM/table.
 * The guest cannot kick blkback for us, so blkback runs with --poll-us.
 */
#ifndef TESTS_FAKE_BLKFRONT_H
#define TESTS_FAKE_BLKFRONT_H

#include <stdbool.h>
#include <stdint.h>

#include <xenstore.h>
#include <xen/io/blkif.h>
#include <xen/io/xenbus.h>

#include "xylctl.h"

#define FAKE_BLKFRONT_PAGES 160	 /* pages borrowed: rings + data */
#define FAKE_BLKFRONT_GREF0 1024 /* first gref borrowed (frame 2) */

struct fake_blkfront_opts {
	const char *image;
	bool is_read_only;
	bool use_persistent;
	bool use_coalesce;
	uint32_t ring_order;  /* 0.. */
	uint32_t nr_queues;   /* 0 = no multi-queue keys (one ring) */
	uint32_t sector_size; /* 0: let blkback decide */
};

struct fake_blkfront {
	struct xylctl *ctl;
	struct xs_handle *xs;
	xyl_domid_t domid;
	uint32_t devid;
	struct xylctl_guest_mem mem;
	uint64_t gfn0;	    /* first borrowed guest page */
	uint32_t nr_queues; /* rings in use */
	struct blkif_front_ring front[4];
	uint32_t port[4];
	uint32_t next_page; /* next borrowed page not used by rings */
	char be[128], fe[128];
	xs_transaction_t t; /* writes go in it while set */
};

/* Create the device (toolstack nodes), wait for InitWait, set up the
 * rings and connect (Initialised), wait for Connected.  0 or -errno. */
int fake_blkfront_connect(struct fake_blkfront *fb, const char *rundir,
			  xyl_domid_t domid, uint32_t devid,
			  const struct fake_blkfront_opts *o);
void fake_blkfront_close(struct fake_blkfront *fb);

/* Borrowed page i as a host pointer, and its gref (granted to dom 0,
 * GTF_readonly if ro). */
uint8_t *fake_blkfront_page(struct fake_blkfront *fb, uint32_t i);
uint32_t fake_blkfront_grant(struct fake_blkfront *fb, uint32_t i, bool ro);
/* Write an arbitrary grant entry (hostile cases). */
void fake_blkfront_grant_raw(struct fake_blkfront *fb, uint32_t gref,
			     uint16_t flags, uint16_t domid, uint32_t frame);
uint64_t fake_blkfront_gfn(struct fake_blkfront *fb, uint32_t i);

/* Next request slot of queue q (zeroed); fake_blkfront_push publishes. */
union fake_blkif_req {
	struct blkif_request rw;
	struct blkif_request_discard discard;
	struct blkif_request_indirect indirect;
};
union fake_blkif_req *fake_blkfront_next(struct fake_blkfront *fb, uint32_t q);
void fake_blkfront_push(struct fake_blkfront *fb, uint32_t q);
/* Wait up to timeout_ms for the next response of queue q. */
int fake_blkfront_response(struct fake_blkfront *fb, uint32_t q,
			   struct blkif_response *rsp, int timeout_ms);
/* A one-segment-per-page request over pages [first, first+nr) . */
int fake_blkfront_rw(struct fake_blkfront *fb, uint8_t op, uint64_t sector,
		     uint32_t first_page, uint32_t nr_pages, uint64_t id,
		     int16_t *status);

/* Wait until the backend's state is want; 0 or -ETIMEDOUT. */
int fake_blkfront_wait_backend(struct fake_blkfront *fb, int want,
			       int timeout_ms);

#endif
