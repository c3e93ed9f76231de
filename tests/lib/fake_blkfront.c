/*
 * tests/lib/fake_blkfront.c: a host-side blkif frontend inside a real
 * guest's memory (fake_blkfront.h).  Owns the borrowed pages and grefs at
 * the top of the guest's RAM and grant table; writes xenstore as the
 * toolstack and the frontend would.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <stdint.h>

#include <xen/grant_table.h>

#include "fake_blkfront.h"

#define xen_mb()  __atomic_thread_fence(__ATOMIC_SEQ_CST)
#define xen_rmb() __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define xen_wmb() __atomic_thread_fence(__ATOMIC_RELEASE)

static uint64_t
fb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
fb_nap(void)
{
	struct timespec ts = {0, 200000};

	nanosleep(&ts, NULL);
}

static int
fb_write(struct fake_blkfront *fb, const char *dir, const char *key,
	 const char *fmt, ...)
{
	char path[256], val[256];
	va_list ap;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	return xs_write(fb->xs, fb->t, path, val, (unsigned)n) ? 0 : -EIO;
}

static struct grant_entry_v1 *
fb_entry(struct fake_blkfront *fb, uint32_t gref)
{
	uint64_t gpa = fb->mem.layout.special_gpa + (gref / 512) * 4096ull;

	/* Our grefs are in frame 2, whose home is special page 2. */
	return (struct grant_entry_v1 *)xylctl_gpa(&fb->mem, gpa, 4096) +
	       gref % 512;
}

void
fake_blkfront_grant_raw(struct fake_blkfront *fb, uint32_t gref, uint16_t flags,
			uint16_t domid, uint32_t frame)
{
	struct grant_entry_v1 *e = fb_entry(fb, gref);

	e->frame = frame;
	e->domid = domid;
	__atomic_store_n(&e->flags, flags, __ATOMIC_RELEASE);
}

uint64_t
fake_blkfront_gfn(struct fake_blkfront *fb, uint32_t i)
{
	return fb->gfn0 + i;
}

uint8_t *
fake_blkfront_page(struct fake_blkfront *fb, uint32_t i)
{
	return xylctl_gpa(&fb->mem, fake_blkfront_gfn(fb, i) << 12, 4096);
}

uint32_t
fake_blkfront_grant(struct fake_blkfront *fb, uint32_t i, bool ro)
{
	uint32_t gref = FAKE_BLKFRONT_GREF0 + i;

	fake_blkfront_grant_raw(fb, gref,
				GTF_permit_access | (ro ? GTF_readonly : 0), 0,
				(uint32_t)fake_blkfront_gfn(fb, i));
	return gref;
}

int
fake_blkfront_wait_backend(struct fake_blkfront *fb, int want, int timeout_ms)
{
	uint64_t end = fb_now_ms() + (uint64_t)timeout_ms;
	char path[256];

	snprintf(path, sizeof(path), "%s/state", fb->be);
	while (fb_now_ms() < end) {
		unsigned int len;
		char *v = xs_read(fb->xs, XBT_NULL, path, &len);
		int st = v ? atoi(v) : -1;

		free(v);
		if (st == want)
			return 0;
		fb_nap();
	}
	return -ETIMEDOUT;
}

static int
fb_toolstack_write(struct fake_blkfront *fb, const struct fake_blkfront_opts *o)
{
	int rc = 0;

	rc |= fb_write(fb, fb->be, "frontend", "%s", fb->fe);
	rc |= fb_write(fb, fb->be, "frontend-id", "%u", fb->domid);
	rc |= fb_write(fb, fb->be, "online", "1");
	rc |= fb_write(fb, fb->be, "params", "%s", o->image);
	rc |= fb_write(fb, fb->be, "mode", "%s", o->is_read_only ? "r" : "w");
	rc |= fb_write(fb, fb->be, "type", "phy");
	if (o->sector_size)
		rc |= fb_write(fb, fb->be, "xylem-sector-size", "%u",
			       o->sector_size);
	rc |= fb_write(fb, fb->fe, "backend", "%s", fb->be);
	rc |= fb_write(fb, fb->fe, "backend-id", "0");
	rc |= fb_write(fb, fb->fe, "virtual-device", "%u", fb->devid);
	rc |= fb_write(fb, fb->fe, "state", "1");
	rc |= fb_write(fb, fb->be, "state", "1");
	return rc;
}

/* The toolstack's nodes in one transaction, as libxl writes them. */
static int
fb_toolstack_nodes(struct fake_blkfront *fb, const struct fake_blkfront_opts *o)
{
	for (;;) {
		int rc;

		fb->t = xs_transaction_start(fb->xs);
		if (!fb->t)
			return -EIO;
		rc = fb_toolstack_write(fb, o);
		errno = 0;
		if (xs_transaction_end(fb->xs, fb->t, rc != 0)) {
			fb->t = XBT_NULL;
			return rc;
		}
		fb->t = XBT_NULL;
		if (rc || errno != EAGAIN)
			return rc ? rc : -EIO;
	}
}

/* Ring q: pages [q * npages, (q + 1) * npages), port, keys. */
static int
fb_ring(struct fake_blkfront *fb, uint32_t q, uint32_t order, const char *dir)
{
	uint32_t npages = 1u << order, first = q * npages;
	struct blkif_sring *s =
		(struct blkif_sring *)fake_blkfront_page(fb, first);
	char key[32];
	int rc;

	/* The ring pages must be contiguous for our host view. */
	for (uint32_t i = 0; i < npages; i++)
		memset(fake_blkfront_page(fb, first + i), 0, 4096);
	SHARED_RING_INIT(s);
	FRONT_RING_INIT(&fb->front[q], s, 4096 * npages);
	for (uint32_t i = 0; i < npages; i++) {
		uint32_t gref = fake_blkfront_grant(fb, first + i, false);

		if (order == 0)
			snprintf(key, sizeof(key), "ring-ref");
		else
			snprintf(key, sizeof(key), "ring-ref%u", i);
		if (fb_write(fb, dir, key, "%u", gref))
			return -EIO;
	}
	rc = xylctl_evtchn_alloc_unbound(fb->ctl, fb->domid, 0, &fb->port[q]);
	if (rc)
		return rc;
	return fb_write(fb, dir, "event-channel", "%u", fb->port[q]);
}

static int
fb_transport(struct fake_blkfront *fb, const struct fake_blkfront_opts *o)
{
	char dir[256];
	int rc;

	fb->nr_queues = o->nr_queues ? o->nr_queues : 1;
	if (o->ring_order)
		fb_write(fb, fb->fe, "ring-page-order", "%u", o->ring_order);
	if (o->nr_queues)
		fb_write(fb, fb->fe, "multi-queue-num-queues", "%u",
			 o->nr_queues);
	for (uint32_t q = 0; q < fb->nr_queues; q++) {
		if (fb->nr_queues > 1)
			snprintf(dir, sizeof(dir), "%s/queue-%u", fb->fe, q);
		else
			snprintf(dir, sizeof(dir), "%s", fb->fe);
		rc = fb_ring(fb, q, o->ring_order, dir);
		if (rc)
			return rc;
	}
	fb->next_page = fb->nr_queues << o->ring_order;
	fb_write(fb, fb->fe, "protocol", "x86_64-abi");
	fb_write(fb, fb->fe, "feature-persistent", "%d", o->use_persistent);
	fb_write(fb, fb->fe, "feature-xylem-coalesce", "%d", o->use_coalesce);
	return fb_write(fb, fb->fe, "state", "3");
}

int
fake_blkfront_connect(struct fake_blkfront *fb, const char *rundir,
		      xyl_domid_t domid, uint32_t devid,
		      const struct fake_blkfront_opts *o)
{
	char sock[512];
	int rc;

	memset(fb, 0, sizeof(*fb));
	fb->domid = domid;
	fb->devid = devid;
	snprintf(fb->be, sizeof(fb->be), "/local/domain/0/backend/vbd/%u/%u",
		 domid, devid);
	snprintf(fb->fe, sizeof(fb->fe), "/local/domain/%u/device/vbd/%u",
		 domid, devid);
	snprintf(sock, sizeof(sock), "%s/xenstored/socket", rundir);
	setenv("XENSTORED_PATH", sock, 1);
	fb->xs = xs_open(0);
	if (!fb->xs)
		return -errno;
	rc = xylctl_open(rundir, &fb->ctl);
	if (rc == 0)
		rc = xylctl_map_guest(fb->ctl, domid, &fb->mem);
	if (rc)
		return rc;
	/* Borrow the top of RAM, below the last 16 pages. */
	fb->gfn0 = (fb->mem.layout.ram_bytes >> 12) - 16 - FAKE_BLKFRONT_PAGES;
	rc = fb_toolstack_nodes(fb, o);
	if (rc == 0)
		rc = fake_blkfront_wait_backend(fb, XenbusStateInitWait, 10000);
	if (rc == 0)
		rc = fb_transport(fb, o);
	if (rc == 0)
		rc = fake_blkfront_wait_backend(fb, XenbusStateConnected,
						10000);
	if (rc == 0)
		rc = fb_write(fb, fb->fe, "state", "4");
	return rc;
}

void
fake_blkfront_close(struct fake_blkfront *fb)
{
	xylctl_unmap_guest(&fb->mem);
	if (fb->ctl)
		xylctl_close(fb->ctl);
	if (fb->xs)
		xs_close(fb->xs);
	memset(fb, 0, sizeof(*fb));
}

union fake_blkif_req *
fake_blkfront_next(struct fake_blkfront *fb, uint32_t q)
{
	struct blkif_front_ring *f = &fb->front[q];
	union fake_blkif_req *r =
		(union fake_blkif_req *)RING_GET_REQUEST(f, f->req_prod_pvt);

	memset(r, 0, sizeof(*r));
	f->req_prod_pvt++;
	return r;
}

void
fake_blkfront_push(struct fake_blkfront *fb, uint32_t q)
{
	int notify;

	/* No event: the guest would send one; blkback polls for us. */
	RING_PUSH_REQUESTS_AND_CHECK_NOTIFY(&fb->front[q], notify);
	(void)notify;
}

int
fake_blkfront_response(struct fake_blkfront *fb, uint32_t q,
		       struct blkif_response *rsp, int timeout_ms)
{
	struct blkif_front_ring *f = &fb->front[q];
	uint64_t end = fb_now_ms() + (uint64_t)timeout_ms;

	for (;;) {
		RING_IDX prod =
			__atomic_load_n(&f->sring->rsp_prod, __ATOMIC_ACQUIRE);

		if (prod != f->rsp_cons) {
			*rsp = *RING_GET_RESPONSE(f, f->rsp_cons);
			f->rsp_cons++;
			f->sring->rsp_event = f->rsp_cons + 1;
			return 0;
		}
		if (fb_now_ms() >= end)
			return -ETIMEDOUT;
		fb_nap();
	}
}

int
fake_blkfront_rw(struct fake_blkfront *fb, uint8_t op, uint64_t sector,
		 uint32_t first_page, uint32_t nr_pages, uint64_t id,
		 int16_t *status)
{
	union fake_blkif_req *r = fake_blkfront_next(fb, 0);
	struct blkif_response rsp;
	int rc;

	r->rw.operation = op;
	r->rw.nr_segments = (uint8_t)nr_pages;
	r->rw.id = id;
	r->rw.sector_number = sector;
	for (uint32_t i = 0; i < nr_pages; i++)
		r->rw.seg[i] = (struct blkif_request_segment){
			.gref = fake_blkfront_grant(fb, first_page + i, false),
			.first_sect = 0,
			.last_sect = 7};
	fake_blkfront_push(fb, 0);
	rc = fake_blkfront_response(fb, 0, &rsp, 10000);
	if (rc)
		return rc;
	if (rsp.id != id)
		return -EPROTO;
	*status = rsp.status;
	return 0;
}
