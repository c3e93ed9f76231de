/*
 * backends/blkback/device.h: the program context, per-domain state, vbds
 * and their queues.  Ownership: struct blkback (main.c) owns the list of
 * domains and devices; a device holds a counted reference to its domain;
 * a device owns its queues, image and journal files.  One thread: no
 * locks anywhere.
 */
#ifndef BLKBACK_DEVICE_H
#define BLKBACK_DEVICE_H

#include <stdbool.h>
#include <stdint.h>

#include "backend.h"
#include "blkback.h"
#include "dlog.h"
#include "profile.h"

struct blkback;
struct blkback_dev;
struct blkback_queue;

/* epoll registrations carry one of these. */
enum blkback_src {
	BLKBACK_SRC_ENGINE = 1,
	BLKBACK_SRC_QUEUE,
	BLKBACK_SRC_POLL,
};
struct blkback_evsrc {
	enum blkback_src kind;
	void *obj;
};

/* One in-flight request: indexed by its ring index & (nr_ents - 1), so
 * responses go out in request order (ring.h: restart safety). */
struct blkback_inflight {
	struct blkback_queue *q;
	bool is_busy;
	bool is_done;
	int16_t status;
	struct blkback_req req;
	struct blkback_io io;
	struct iovec iov[BLKBACK_MAX_SEGS];
	struct be_grant grants[BLKBACK_MAX_SEGS];
	uint32_t nr_grants;
	uint8_t *bounce; /* aligned copy when segments are not DIO-aligned */
	struct iovec bounce_iov;
	uint64_t bounce_len;
};

/* Persistent grants of a queue: gref -> acquired grant (kept until the
 * queue disconnects).  Open addressing, never shrinks. */
struct blkback_pgrant {
	bool is_used;
	struct be_grant g;
};

/* One ring.  Owner: its device. */
struct blkback_queue {
	struct blkback_dev *dev;
	uint32_t index;
	struct blkback_evsrc src;
	struct be_ring_map map;
	struct be_ring ring;
	struct be_evtchn evtchn;
	struct blkback_inflight *inflight; /* ring.nr_ents entries */
	struct blkback_pgrant *pgrants;	   /* pgrant_cap entries or NULL */
	uint32_t pgrant_cap;
	uint32_t pgrant_used;
	bool has_unpushed; /* responses written, rsp_prod not yet moved */
	void *journal;	   /* MAP_SHARED journal file mapping */
	size_t journal_bytes;
};

struct blkback_dev_stats {
	uint64_t rd_req, wr_req, flush_req, barrier_req, discard_req;
	uint64_t indirect_req, errors, rd_sect, wr_sect, bounces;
	uint64_t persistent_hits;
};

enum blkback_dev_phase {
	BLKBACK_DEV_NEW = 0,
	BLKBACK_DEV_INITWAIT, /* features published, waiting for frontend */
	BLKBACK_DEV_CONNECTED,
	BLKBACK_DEV_CLOSING,
	BLKBACK_DEV_CLOSED,
	BLKBACK_DEV_FAILED, /* image could not be opened */
};

/* One vbd.  Owner: struct blkback's list; created when backend/vbd/D/N
 * appears, freed when it goes or its domain dies. */
struct blkback_dev {
	struct blkback *bb;
	xyl_domid_t domid;
	uint32_t devid;
	char be_dir[BE_XS_PATH_MAX];
	char fe_dir[BE_XS_PATH_MAX];
	enum blkback_dev_phase phase;
	struct be_dom *dom; /* while connected */
	struct blkback_image img;
	struct blkback_limits lim;
	bool use_persistent;
	bool use_coalesce;
	uint32_t nr_queues;
	uint32_t ring_order;
	struct blkback_queue *queues;
	struct blkback_dev_stats stats;
	struct dlog_ratelimit rl;
	struct be_profile prof; /* while connected, if the frontend gave one */
};

/* The program.  Owner: main.c.  be.devs holds the vbds (obj: struct
 * blkback_dev); be.nr_frees is bumped when queues go. */
struct blkback {
	struct be_backend be;
	struct blkback_engine *engine;
	int poll_fd;	  /* --poll-us: look at every ring periodically */
	uint32_t poll_us; /* 0 = only on notifications */
	struct blkback_evsrc engine_src, poll_src;
};

/* backend.c: daemon_main's hooks (daemon.h), bb a struct blkback whose
 * poll_us the command line set */
int blkback_init(void *bb, const char *rundir);
int blkback_run(void *bb);
void blkback_fini(void *bb);

/* device.c */
struct blkback_dev *blkback_dev_new(struct blkback *bb, xyl_domid_t domid,
				    uint32_t devid);
void blkback_dev_update(struct blkback_dev *dev);
void blkback_dev_free(struct blkback_dev *dev);
void blkback_dev_write_stats(struct blkback_dev *dev);
void blkback_dev_fail(struct blkback_dev *dev, const char *why);

/* connect.c */
int blkback_dev_connect(struct blkback_dev *dev, bool is_resume);
void blkback_dev_disconnect(struct blkback_dev *dev);

/* queue.c */
void blkback_queue_run(struct blkback_queue *q);
void blkback_queue_kick(struct blkback_queue *q);
/* Publish written responses and notify if the frontend wants it. */
void blkback_queue_push(struct blkback_queue *q);
void blkback_queue_release_pgrants(struct blkback_queue *q);

#endif
