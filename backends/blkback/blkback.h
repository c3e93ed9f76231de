/*
 * backends/blkback/blkback.h: xylem-blkback's objects: the program context
 * (struct blkback), one struct be_dom (backend.h) per frontend domain (its
 * memory and grant table), one struct blkback_dev per vbd, one struct
 * blkback_queue per ring, and the validated request (struct blkback_req).
 * Everything runs on one thread (the epoll loop in backend.c): no locks.
 */
#ifndef BLKBACK_H
#define BLKBACK_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include <xen/io/blkif.h>

#include "evtchn.h"
#include "grant.h"
#include "ring.h"
#include "xenbus.h"
#include "xylctl.h"

#define BLKBACK_PROGRAM		  "xylem-blkback"
#define BLKBACK_SECTOR_SHIFT	  9   /* blkif sector units are 512 bytes */
#define BLKBACK_MAX_RING_ORDER	  4   /* max-ring-page-order: 16 pages */
#define BLKBACK_MAX_QUEUES	  4   /* multi-queue-max-queues */
#define BLKBACK_MAX_INDIRECT_SEGS 256 /* feature-max-indirect-segments */
#define BLKBACK_SEGS_PER_PAGE                                                  \
	(BE_PAGE_SIZE / sizeof(struct blkif_request_segment))
#define BLKBACK_MAX_SEGS BLKBACK_MAX_INDIRECT_SEGS

/* The raw request as copied out of the ring (one copy, then parsed). */
union blkback_raw_req {
	struct blkif_request rw;
	struct blkif_request_discard discard;
	struct blkif_request_indirect indirect;
};

/* ---- request.c: parsing (the only reader of a raw request) ---- */

struct blkback_limits {
	uint64_t nr_sectors;  /* disk size in 512-byte sectors */
	uint32_t sector_size; /* logical: 512 or 4096 */
	bool is_read_only;
	bool has_discard;
	bool has_indirect;
};

enum blkback_op {
	BLKBACK_OP_READ = 1,
	BLKBACK_OP_WRITE,
	BLKBACK_OP_FLUSH,   /* write segments (if any), then fdatasync */
	BLKBACK_OP_BARRIER, /* drain, write segments (if any), fdatasync */
	BLKBACK_OP_DISCARD,
};

struct blkback_seg {
	uint32_t gref;
	uint16_t offset; /* bytes into the page */
	uint16_t len;	 /* bytes, multiple of 512 */
};

/* A validated request: nothing after blkback_req_parse looks at the ring.
 * For BLKIF_OP_INDIRECT the segments arrive in a second step
 * (blkback_req_parse_segs) after the indirect pages were copied out. */
struct blkback_req {
	uint64_t id;
	uint8_t rsp_op;	     /* operation echoed in the response */
	uint8_t op;	     /* enum blkback_op */
	uint64_t sector;     /* 512-byte units */
	uint64_t nr_sectors; /* discard length; r/w: total */
	uint32_t nr_segs;
	uint32_t nr_indirect; /* indirect pages still to read */
	uint32_t indirect_grefs[BLKIF_MAX_INDIRECT_PAGES_PER_REQUEST];
	struct blkback_seg segs[BLKBACK_MAX_SEGS];
};

/* Parse and check a raw request.  0 = valid (out filled; nr_indirect > 0
 * means segments must be loaded and checked with blkback_req_parse_segs);
 * -EOPNOTSUPP unknown or unoffered operation; -EROFS a write to a
 * read-only device; -EINVAL anything malformed; -ERANGE sectors past the
 * end.  out->id and out->rsp_op are set even on failure (for the error
 * response). */
int blkback_req_parse(const union blkback_raw_req *raw,
		      const struct blkback_limits *lim,
		      struct blkback_req *out);
/* Check nr segments (copied from the indirect pages) into out. */
int blkback_req_parse_segs(const struct blkif_request_segment *segs,
			   uint32_t nr, const struct blkback_limits *lim,
			   struct blkback_req *out);

/* ---- image.c ---- */

struct blkback_image {
	int fd;
	int fd_buffered; /* same image without O_DIRECT (is_direct only): for
			  * ranges not aligned to dio_align */
	bool is_block_dev;
	bool is_direct; /* opened O_DIRECT */
	bool is_read_only;
	bool has_discard;
	uint32_t
		dio_align; /* bytes: memory and offset alignment for O_DIRECT */
	uint32_t sector_size;
	uint64_t size_bytes;
};
/* Open path for the device: -errno of open/stat; -EINVAL size not a
 * multiple of the sector size. */
int blkback_image_open(struct blkback_image *img, const char *path,
		       bool read_only, uint32_t sector_size_hint);
void blkback_image_close(struct blkback_image *img);
/* Synchronous discard for block devices (BLKDISCARD). */
int blkback_image_discard_sync(struct blkback_image *img, uint64_t off,
			       uint64_t len);

/* ---- io_uring.c: the I/O engine ---- */

struct blkback_engine;
struct blkback_io;
/* Completion: called once per io when all its operations finished;
 * res is 0 or -errno. */
typedef void (*blkback_io_done_fn)(struct blkback_io *io, int res);

enum blkback_io_kind {
	BLKBACK_IO_READV = 1,
	BLKBACK_IO_WRITEV,
	BLKBACK_IO_FSYNC, /* fdatasync */
	BLKBACK_IO_PUNCH, /* fallocate PUNCH_HOLE|KEEP_SIZE */
};

/* One engine operation chain (up to 3 linked steps). */
struct blkback_io_step {
	uint8_t kind; /* enum blkback_io_kind */
	bool is_drain;
	uint64_t offset;
	uint64_t len; /* PUNCH, and expected bytes of READV/WRITEV */
};
struct blkback_io {
	int fd;
	struct iovec *iov;
	uint32_t nr_iov;
	uint32_t nr_steps;
	struct blkback_io_step steps[3];
	uint32_t pending;
	int res;
	blkback_io_done_fn done;
};

/* -errno of io_uring_queue_init / eventfd. */
int blkback_engine_open(unsigned entries, struct blkback_engine **out);
void blkback_engine_close(struct blkback_engine *e);
/* Readable when completions are ready. */
int blkback_engine_fd(const struct blkback_engine *e);
/* Queue io (not yet submitted); -EBUSY no room (submit, reap, retry). */
int blkback_engine_queue(struct blkback_engine *e, struct blkback_io *io);
/* Submit everything queued: one syscall per batch. */
int blkback_engine_submit(struct blkback_engine *e);
/* Reap completions, calling each io's done when its chain finished. */
void blkback_engine_reap(struct blkback_engine *e);
/* Operations queued or in flight. */
uint32_t blkback_engine_inflight(const struct blkback_engine *e);
/* Wait for everything in flight (shutdown). */
void blkback_engine_drain(struct blkback_engine *e);

#endif
