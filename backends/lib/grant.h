/*
 * backends/lib/grant.h: the dom0 grant library (DESIGN.md section 3): a
 * frontend's v1 grant entries read straight from its memory (mapped once
 * through libxylemctl), checked (GTF_permit_access, granted to dom 0,
 * read-only), pinned with GTF_reading/GTF_writing as Xen does while a
 * backend uses the page, and unpinned after.  The only code that reads
 * grant references (STYLE.md 3.6).
 */
#ifndef BE_GRANT_H
#define BE_GRANT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xylctl.h"

#define BE_PAGE_SIZE  4096u
#define BE_PAGE_SHIFT 12

/* Where the grant frames are now; the real one is xylctl_gnttab_frames on
 * the backend's control connection, tests pass a fake.  0 or -errno. */
typedef int (*be_gnttab_frames_fn)(void *arg, xyl_domid_t domid,
				   struct xyl_ctl_gnttab_frames_reply *out);

/* Counters of one domain's grant use (read by the backend's stats). */
struct be_gnttab_stats {
	uint64_t acquired;
	uint64_t refreshes;   /* frame list re-read */
	uint64_t bad_ref;     /* past the table */
	uint64_t not_granted; /* wrong type or not to dom 0 */
	uint64_t read_only;   /* write access to a read-only grant */
	uint64_t bad_frame;   /* frame outside guest RAM */
};

/* One pin record: gref -> how many users hold it for reading/writing. */
struct be_gnttab_pin {
	uint32_t gref;
	uint32_t readers;
	uint32_t writers;
	bool is_used;
};

/*
 * One frontend domain's grant table as dom0 sees it.  Owner: the backend's
 * per-domain object (one per guest, shared by all that guest's devices);
 * be_gnttab_init / be_gnttab_fini.  Single-threaded: every call on one
 * be_gnttab comes from the backend's loop thread.  mem must outlive it.
 */
struct be_gnttab {
	xyl_domid_t domid;
	const struct xylctl_guest_mem *mem;
	be_gnttab_frames_fn frames_fn;
	void *frames_arg;
	struct xyl_ctl_gnttab_frames_reply frames; /* cached frame list */
	bool has_frames;
	struct be_gnttab_pin *pins; /* open addressing, power-of-2 cap */
	uint32_t pins_cap;
	uint32_t pins_used;
	struct be_gnttab_stats stats;
};

/* What the backend will do with the page. */
enum be_grant_access {
	BE_GRANT_READ = 1,  /* backend reads the page (guest -> disk) */
	BE_GRANT_WRITE = 2, /* backend writes the page (disk -> guest) */
};

/* One acquired grant: valid between be_grant_acquire and
 * be_grant_release; page points at the granted 4 KiB in guest memory. */
struct be_grant {
	uint32_t gref;
	uint8_t access; /* enum be_grant_access */
	uint64_t gfn;
	uint8_t *page;
};

/* 0, -ENOMEM. */
int be_gnttab_init(struct be_gnttab *gt, xyl_domid_t domid,
		   const struct xylctl_guest_mem *mem, be_gnttab_frames_fn fn,
		   void *arg);
/* Clear every pin still held (flags in guest memory) and free. */
void be_gnttab_fini(struct be_gnttab *gt);

/*
 * Check and pin gref for access.  Errors (the grant is then untouched):
 *   -ENOENT  gref is past the frontend's grant table
 *   -EACCES  the entry is not GTF_permit_access for domain 0
 *   -EROFS   BE_GRANT_WRITE on a GTF_readonly grant
 *   -EFAULT  the granted frame is not in the frontend's RAM
 *   -EBUSY   the entry kept changing under the atomic update
 *   -ENOMEM  the pin table could not grow
 *   -EINVAL  access is not a single known value
 *   frames_fn's errors when the frame list had to be re-read.
 */
int be_grant_acquire(struct be_gnttab *gt, uint32_t gref, unsigned access,
		     struct be_grant *out);
/* Drop one use; the last user clears GTF_reading/GTF_writing. */
void be_grant_release(struct be_gnttab *gt, struct be_grant *g);

/* Copy len bytes at offset of gref's page out (access READ, released at
 * once): for indirect segment pages.  Errors of be_grant_acquire, -EINVAL
 * when offset + len passes the page. */
int be_grant_copy_from(struct be_gnttab *gt, uint32_t gref, size_t offset,
		       void *buf, size_t len);

/*
 * A ring of nr_pages granted pages seen contiguously: each page is mapped
 * again from the frontend's memfd at consecutive addresses, so Xen's ring
 * macros work on a multi-page ring.  The grants stay pinned (read and
 * write) until be_grant_unmap_ring.  Owner: the ring's device.
 */
#define BE_RING_MAX_PAGES 16
struct be_ring_map {
	uint8_t *base; /* nr_pages * BE_PAGE_SIZE bytes */
	uint32_t nr_pages;
	struct be_grant grants[BE_RING_MAX_PAGES];
};
/* -EINVAL nr_pages 0 or > BE_RING_MAX_PAGES; be_grant_acquire's errors;
 * mmap's errno. */
int be_grant_map_ring(struct be_gnttab *gt, const uint32_t *grefs,
		      uint32_t nr_pages, struct be_ring_map *out);
void be_grant_unmap_ring(struct be_gnttab *gt, struct be_ring_map *m);

#endif
