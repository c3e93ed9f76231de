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

#include "blkback.h"
#include "dlog.h"
#include "profile.h"

struct blkback;
struct blkback_dev;
struct blkback_queue;

/* epoll registrations carry one of these. */
enum blkback_src {
	BLKBACK_SRC_XS = 1,
	BLKBACK_SRC_ENGINE,
	BLKBACK_SRC_QUEUE,
	BLKBACK_SRC_TIMER,
	BLKBACK_SRC_SIGNAL,
	BLKBACK_SRC_POLL,
};
struct blkback_evsrc {
	enum blkback_src kind;
	void *obj;
};

/* One frontend domain.  Owner: struct blkback's list; refs counts devices
 * that have it mapped; freed (memory unmapped) at the last put. */
struct blkback_dom {
	struct blkback_dom *next;
	struct blkback *bb;
	xyl_domid_t domid;
	uint32_t refs;
	struct xylctl_guest_mem mem;
	struct be_gnttab gnttab;
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
	struct blkback_dev *next;
	struct blkback *bb;
	xyl_domid_t domid;
	uint32_t devid;
	char be_dir[BE_XS_PATH_MAX];
	char fe_dir[BE_XS_PATH_MAX];
	enum blkback_dev_phase phase;
	struct blkback_dom *dom; /* while connected */
	struct blkback_image img;
	struct blkback_limits lim;
	bool is_seen; /* still present at the last scan */
	bool use_persistent;
	bool use_coalesce;
	uint32_t nr_queues;
	uint32_t ring_order;
	struct blkback_queue *queues;
	struct blkback_dev_stats stats;
	struct dlog_ratelimit rl;
	struct be_profile prof; /* while connected, if the frontend gave one */
};

/* The program.  Owner: main.c. */
struct blkback {
	const char *rundir;
	char state_dir[256]; /* rundir/blkback: journals and stats */
	struct xylctl *ctl;
	struct xylctl_stimer stimer; /* read-only; page NULL: none */
	struct xs_handle *xs;
	struct blkback_engine *engine;
	int epfd;
	int timer_fd;
	int signal_fd;
	int poll_fd;	  /* --poll-us: look at every ring periodically */
	uint32_t poll_us; /* 0 = only on notifications */
	bool is_stopping;
	int exit_code;	   /* main's, once stopping */
	uint64_t nr_frees; /* bumped when queues go: epoll data may be stale */
	struct blkback_evsrc xs_src, engine_src, timer_src, signal_src,
		poll_src;
	struct blkback_dom *doms;
	struct blkback_dev *devs;
};

/* backend.c */
int blkback_init(struct blkback *bb, const char *rundir, uint32_t poll_us);
int blkback_run(struct blkback *bb);
void blkback_fini(struct blkback *bb);
int blkback_epoll_add(struct blkback *bb, int fd, struct blkback_evsrc *src);
void blkback_epoll_del(struct blkback *bb, int fd);
struct blkback_dom *blkback_dom_get(struct blkback *bb, xyl_domid_t domid,
				    int *err);
void blkback_dom_put(struct blkback_dom *dom);

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
