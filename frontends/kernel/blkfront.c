/*
 * kernel/blkfront.c: the blkif frontend's setup and teardown: finding the
 * vbd, the XenbusState handshake with the backend (docs/blkback.md),
 * feature negotiation (multi-page rings, multi-queue, persistent grants,
 * indirect descriptors, the coalescing flag), ring pages, grants and event
 * channels.  Trust boundary: the backend's xenstore keys, parsed strictly
 * and bounded here.  The data path is kernel/blkfront_io.c.
 */
#include <stdbool.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/io/protocols.h>
#include <xen/io/xenbus.h>

#include "gk/blk.h"
#include "gk/blkfront.h"
#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"
#include "xylem/coalesce.h"

#define BLKFRONT_STATE_TIMEOUT_NS (20 * GK_NS_PER_S)
#define BLKFRONT_DEFAULT_DEPTH	  32
#define BLKFRONT_MAX_DEPTH	  256
#define BLKFRONT_PGRANT_BUDGET	  1024 /* of the table's 2040 grefs */

static uint32_t
blkfront_read_u32_or(const char *dir, const char *key, uint32_t dflt)
{
	uint32_t v;

	return xenbus_read_u32(0, dir, key, &v) == 0 ? v : dflt;
}

int
blkfront_backend_state(struct blkfront_dev *b)
{
	uint32_t s;

	if (xenbus_read_u32(0, b->be_dir, "state", &s) < 0)
		return XenbusStateUnknown;
	return (int)s;
}

/* Wait until the backend's state is in [lo, hi]: 0, -ETIMEDOUT, or
 * -ENODEV if it went to Closing/Closed instead (unless is_reopen: a
 * backend still Closed from our last close comes back to InitWait). */
static int
blkfront_wait_state(struct blkfront_dev *b, int lo, int hi, int is_reopen)
{
	uint64_t deadline = gk_time_now_ns() + BLKFRONT_STATE_TIMEOUT_NS;
	int s;

	for (;;) {
		s = blkfront_backend_state(b);
		if (s >= lo && s <= hi)
			return 0;
		if (s >= XenbusStateClosing && lo < XenbusStateClosing &&
		    !is_reopen)
			return -ENODEV;
		if (gk_time_now_ns() > deadline)
			return -ETIMEDOUT;
		gk_sleep_ns(2 * GK_NS_PER_MS);
	}
}

static int
blkfront_wait_backend(struct blkfront_dev *b, int lo, int hi)
{
	return blkfront_wait_state(b, lo, hi, 0);
}

/* A vbd we closed before: back to Initialising, so the backend goes to
 * InitWait again (docs/blkback.md: reconnect).  1 if it was closed. */
static int
blkfront_reopen(struct blkfront_dev *b)
{
	uint32_t s;

	if (xenbus_read_u32(0, b->fe_dir, "state", &s) < 0 ||
	    s < XenbusStateClosing)
		return 0;
	xenbus_printf(0, b->fe_dir, "state", "%u", XenbusStateInitialising);
	return 1;
}

/* devid 0: the lowest numbered vbd under device/vbd. */
static int
blkfront_find(struct blkfront_dev *b, uint32_t devid)
{
	char names[512], path[64];
	const char *name;
	uint32_t len, off = 0, id, be_id;
	unsigned int nr;
	int rc;

	if (devid == 0) {
		rc = xenbus_directory(0, "device/vbd", names, sizeof(names),
				      &len, &nr);
		if (rc < 0)
			return rc == -ENOENT ? -ENODEV : rc;
		devid = UINT32_MAX;
		while (xenbus_strings_next(names, len, &off, &name) == 1)
			if (xenbus_u32_parse(name, &id) == 0 && id < devid)
				devid = id;
		if (devid == UINT32_MAX)
			return -ENODEV;
	}
	gk_snprintf(b->fe_dir, sizeof(b->fe_dir), "device/vbd/%u", devid);
	gk_snprintf(path, sizeof(path), "%s/backend", b->fe_dir);
	rc = xenbus_read(0, path, b->be_dir, sizeof(b->be_dir), 0);
	if (rc < 0)
		return rc == -ENOENT ? -ENODEV : rc;
	rc = xenbus_read_u32(0, b->fe_dir, "backend-id", &be_id);
	if (rc < 0 || be_id >= DOMID_FIRST_RESERVED)
		return rc < 0 ? rc : -EINVAL;
	b->be_domid = (domid_t)be_id;
	b->info.devid = devid;
	return 0;
}

/* The backend's features, bounded by what we support and were asked. */
static void
blkfront_features(struct blkfront_dev *b, const struct gk_blk_opts *o)
{
	struct gk_blk_info *in = &b->info;
	const char *d = b->be_dir;
	uint32_t v;

	in->has_flush = blkfront_read_u32_or(d, "feature-flush-cache", 0) == 1;
	in->has_barrier = blkfront_read_u32_or(d, "feature-barrier", 0) == 1;
	in->has_discard = blkfront_read_u32_or(d, "feature-discard", 0) == 1;
	in->use_persistent =
		!o->no_persistent &&
		blkfront_read_u32_or(d, "feature-persistent", 0) == 1;
	in->use_coalesce =
		!o->no_coalesce &&
		blkfront_read_u32_or(d, XYL_COALESCE_FEATURE_KEY, 0) == 1;
	v = o->no_indirect ? 0
			   : blkfront_read_u32_or(
				     d, "feature-max-indirect-segments", 0);
	in->max_indirect = v > BLKFRONT_MAX_SEGS ? BLKFRONT_MAX_SEGS : v;
	if (in->max_indirect <= BLKIF_MAX_SEGMENTS_PER_REQUEST)
		in->max_indirect = 0;
	v = blkfront_read_u32_or(d, "max-ring-page-order", 0);
	in->ring_order = o->ring_order < v ? o->ring_order : v;
	if (in->ring_order > BLKFRONT_MAX_RING_ORDER)
		in->ring_order = BLKFRONT_MAX_RING_ORDER;
	v = blkfront_read_u32_or(d, "multi-queue-max-queues", 1);
	in->nr_queues = o->nr_queues ? o->nr_queues : 1;
	if (in->nr_queues > v)
		in->nr_queues = v ? v : 1;
	if (in->nr_queues > BLKFRONT_MAX_QUEUES)
		in->nr_queues = BLKFRONT_MAX_QUEUES;
	in->max_bytes =
		4096u * (in->max_indirect ? in->max_indirect
					  : BLKIF_MAX_SEGMENTS_PER_REQUEST);
}

/* Persistent grants keep depth x (pages per request) pages granted: keep
 * that inside BLKFRONT_PGRANT_BUDGET by making requests smaller, or do
 * without persistent grants. */
static void
blkfront_pgrant_budget(struct gk_blk_info *in, uint32_t depth)
{
	uint32_t segs = in->max_bytes / 4096;

	if (!in->use_persistent)
		return;
	while (depth * segs > BLKFRONT_PGRANT_BUDGET &&
	       segs > BLKIF_MAX_SEGMENTS_PER_REQUEST)
		segs--;
	if (depth * segs > BLKFRONT_PGRANT_BUDGET) {
		in->use_persistent = 0;
		return;
	}
	in->max_indirect = segs > BLKIF_MAX_SEGMENTS_PER_REQUEST ? segs : 0;
	in->max_bytes = segs * 4096;
}

static void *
blkfront_pages(uint32_t nr)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, nr);
	void *p;

	if (!pfn)
		return 0;
	p = (void *)(uintptr_t)(pfn << 12);
	memset(p, 0, (size_t)nr * 4096);
	return p;
}

static void
blkfront_pages_free(void *p, uint32_t nr)
{
	if (p)
		gk_pages_free(&gk.pages, (uintptr_t)p >> 12, nr);
}

/* Ring pages (granted), slots, and an event channel for queue q. */
static int
blkfront_queue_setup(struct blkfront_dev *b, struct blkfront_queue *q,
		     uint32_t nr_slots)
{
	uint32_t bytes;
	int rc;

	q->dev = b;
	q->nr_pages = 1u << b->info.ring_order;
	bytes = q->nr_pages * 4096;
	q->sring = blkfront_pages(q->nr_pages);
	q->expect = gk_zalloc(nr_slots * sizeof(*q->expect));
	q->slots = gk_zalloc(nr_slots * sizeof(*q->slots));
	if (!q->sring || !q->expect || !q->slots)
		return -ENOMEM;
	rc = blkfront_ring_init(&q->ring, q->sring, bytes,
				b->info.use_coalesce);
	if (rc < 0)
		return rc;
	q->nr_slots = nr_slots < q->ring.nr_ents ? nr_slots : q->ring.nr_ents;
	for (uint32_t i = 0; i < q->nr_pages; i++) {
		rc = gk_gnttab_grant_access(b->be_domid,
					    ((uintptr_t)q->sring >> 12) + i, 0,
					    &q->ring_grefs[i]);
		if (rc < 0)
			return rc;
	}
	rc = gk_evtchn_alloc_unbound(b->be_domid, &q->port);
	if (rc < 0)
		return rc;
	return 0;
}

/* Transport keys of one queue into dir. */
static int
blkfront_write_queue(uint32_t tx, struct blkfront_dev *b,
		     struct blkfront_queue *q, const char *dir)
{
	char key[16];
	int rc = 0;

	if (b->info.ring_order == 0) {
		rc = xenbus_printf(tx, dir, "ring-ref", "%u", q->ring_grefs[0]);
	} else {
		for (uint32_t i = 0; rc == 0 && i < q->nr_pages; i++) {
			gk_snprintf(key, sizeof(key), "ring-ref%u", i);
			rc = xenbus_printf(tx, dir, key, "%u",
					   q->ring_grefs[i]);
		}
	}
	if (rc == 0)
		rc = xenbus_printf(tx, dir, "event-channel", "%u", q->port);
	return rc;
}

static int
blkfront_write_keys(uint32_t tx, void *arg)
{
	struct blkfront_dev *b = arg;
	const char *d = b->fe_dir;
	char dir[80];
	int rc = 0;

	/* Both always written: a reopened vbd may hold our last values. */
	rc = xenbus_printf(tx, d, "ring-page-order", "%u", b->info.ring_order);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "multi-queue-num-queues", "%u",
				   b->info.nr_queues);
	for (uint32_t i = 0; rc == 0 && i < b->info.nr_queues; i++) {
		if (b->info.nr_queues == 1) {
			rc = blkfront_write_queue(tx, b, &b->queues[0], d);
		} else {
			gk_snprintf(dir, sizeof(dir), "%s/queue-%u", d, i);
			rc = blkfront_write_queue(tx, b, &b->queues[i], dir);
		}
	}
	if (rc == 0)
		rc = xenbus_printf(tx, d, "protocol", "%s",
				   XEN_IO_PROTO_ABI_X86_64);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "feature-persistent", "%u",
				   (uint32_t)b->info.use_persistent);
	if (rc == 0)
		rc = xenbus_printf(tx, d, XYL_COALESCE_FEATURE_KEY, "%u",
				   (uint32_t)b->info.use_coalesce);
	if (rc == 0)
		rc = gk_profile_publish(&b->prof, tx, d);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "state", "%u",
				   XenbusStateInitialised);
	return rc;
}

/* After the backend is Connected: the disk's geometry, checked. */
static int
blkfront_read_disk(struct blkfront_dev *b)
{
	struct gk_blk_info *in = &b->info;
	uint64_t sectors;
	char path[192], buf[32];
	int rc;

	gk_snprintf(path, sizeof(path), "%s/sectors", b->be_dir);
	rc = xenbus_read(0, path, buf, sizeof(buf), 0);
	if (rc == 0)
		rc = gk_parse_u64(buf, &sectors);
	if (rc < 0)
		return -EINVAL;
	in->sectors = sectors;
	in->sector_size = blkfront_read_u32_or(b->be_dir, "sector-size", 512);
	if (in->sector_size != 512 && in->sector_size != 4096)
		return -EINVAL;
	in->is_read_only = (blkfront_read_u32_or(b->be_dir, "info", 0) &
			    VDISK_READONLY) != 0;
	return 0;
}

static void
blkfront_event(evtchn_port_t port, void *arg)
{
	struct blkfront_queue *q = arg;

	(void)port;
	q->ring.stats.events++;
	blkfront_queue_consume(q);
}

static int
blkfront_connect(struct blkfront_dev *b, const struct gk_blk_opts *o)
{
	uint32_t depth = o->depth ? o->depth : BLKFRONT_DEFAULT_DEPTH, per;
	int rc;

	rc = blkfront_wait_state(b, XenbusStateInitWait, XenbusStateInitWait,
				 blkfront_reopen(b));
	if (rc < 0)
		return rc;
	blkfront_features(b, o);
	if (depth > BLKFRONT_MAX_DEPTH)
		depth = BLKFRONT_MAX_DEPTH;
	blkfront_pgrant_budget(&b->info, depth);
	b->pool_pages = b->info.max_bytes / 4096;
	per = (depth + b->info.nr_queues - 1) / b->info.nr_queues;
	for (uint32_t i = 0; i < b->info.nr_queues; i++) {
		b->queues[i].index = i;
		rc = blkfront_queue_setup(b, &b->queues[i], per);
		if (rc < 0)
			return rc;
		b->info.depth += b->queues[i].nr_slots;
	}
	/* I/O profiling (docs/profiling.md): off when dom0 has no shared
	 * timer or the rings have more slots than a profile area. */
	if (blkfront_read_u32_or(b->be_dir, "feature-xylem-profile", 0) == 1)
		gk_debug("blkfront: vbd %u: profiling: %d\n", b->info.devid,
			 gk_profile_setup(&b->prof, b->be_domid,
					  b->info.nr_queues *
						  b->queues[0].ring.nr_ents));
	rc = xenbus_transaction(blkfront_write_keys, b);
	if (rc < 0)
		return rc;
	for (uint32_t i = 0; i < b->info.nr_queues; i++) {
		struct blkfront_queue *q = &b->queues[i];

		rc = gk_evtchn_set_handler(&gk.evtchn, q->port, blkfront_event,
					   q);
		if (rc < 0)
			return rc;
		gk_evtchn_unmask(q->port);
	}
	rc = blkfront_wait_backend(b, XenbusStateConnected,
				   XenbusStateConnected);
	if (rc == 0)
		rc = blkfront_read_disk(b);
	if (rc == 0)
		rc = xenbus_printf(0, b->fe_dir, "state", "%u",
				   XenbusStateConnected);
	return rc;
}

/* End access to refs[0..n) (0: none).  False if the backend still
 * holds one: its pages must then never be reused (Xen's rule; a page
 * freed while mapped would hand our later data to the backend). */
static bool
blkfront_end_all(const grant_ref_t *refs, uint32_t n)
{
	bool all = true;

	for (uint32_t i = 0; i < n; i++)
		if (refs[i] && gk_gnttab_end_access(refs[i]) == -EBUSY)
			all = false;
	return all;
}

/* Free pages whose grants ended, or leak them (counted) if not. */
static void
blkfront_pages_release(struct blkfront_dev *b, void *p, uint32_t nr,
		       const grant_ref_t *refs, uint32_t nr_refs)
{
	if (!p)
		return;
	if (blkfront_end_all(refs, nr_refs)) {
		blkfront_pages_free(p, nr);
		return;
	}
	b->leaked_pages += nr;
	gk_err("blkfront: vbd %u: backend still maps %u page(s): kept\n",
	       b->info.devid, nr);
}

void
blkfront_slot_release(struct blkfront_dev *b, struct blkfront_slot *s)
{
	blkfront_pages_release(b, s->pool, s->nr_pool, s->pool_grefs,
			       s->nr_pool);
	s->pool = 0;
	if (s->indirect)
		blkfront_pages_release(b, s->indirect, 1, &s->indirect_gref, 1);
	s->indirect = 0;
}

static void
blkfront_queue_free(struct blkfront_dev *b, struct blkfront_queue *q)
{
	if (q->port) {
		gk_evtchn_clear_handler(&gk.evtchn, q->port);
		gk_evtchn_close(q->port);
	}
	for (uint32_t i = 0; q->slots && i < q->nr_slots; i++)
		blkfront_slot_release(b, &q->slots[i]);
	blkfront_pages_release(b, q->sring, q->nr_pages, q->ring_grefs,
			       q->nr_pages);
	gk_free(q->expect);
	gk_free(q->slots);
	memset(q, 0, sizeof(*q));
}

static void
blkfront_free(struct blkfront_dev *b)
{
	for (struct blkfront_dev **p = &gk.blk_devs; *p; p = &(*p)->next) {
		if (*p == b) {
			*p = b->next;
			break;
		}
	}
	for (uint32_t i = 0; i < BLKFRONT_MAX_QUEUES; i++)
		blkfront_queue_free(b, &b->queues[i]);
	gk_profile_teardown(&b->prof);
	gk_free(b);
}

int
gk_blk_open(uint32_t devid, const struct gk_blk_opts *opts,
	    struct blkfront_dev **out)
{
	static const struct gk_blk_opts none;
	struct blkfront_dev *b;
	int rc;

	if (!xenbus_is_connected())
		return -ENODEV;
	b = gk_zalloc(sizeof(*b));
	if (!b)
		return -ENOMEM;
	b->next = gk.blk_devs;
	gk.blk_devs = b;
	rc = blkfront_find(b, devid);
	if (rc == 0)
		rc = blkfront_connect(b, opts ? opts : &none);
	if (rc < 0) {
		if (b->fe_dir[0])
			xenbus_printf(0, b->fe_dir, "state", "%u",
				      XenbusStateClosed);
		blkfront_free(b);
		return rc;
	}
	*out = b;
	return 0;
}

void
gk_blk_close(struct blkfront_dev *b)
{
	struct gk_blk_req *done[16];
	uint64_t deadline = gk_time_now_ns() + 5 * GK_NS_PER_S;

	while (b->in_flight && !b->is_broken && gk_time_now_ns() < deadline) {
		gk_blk_wait(b, 100 * GK_NS_PER_MS);
		gk_blk_complete(b, done, 16);
	}
	xenbus_printf(0, b->fe_dir, "state", "%u", XenbusStateClosing);
	if (blkfront_wait_backend(b, XenbusStateClosing, XenbusStateClosed) ==
	    0)
		xenbus_printf(0, b->fe_dir, "state", "%u", XenbusStateClosed);
	blkfront_wait_backend(b, XenbusStateClosed, XenbusStateClosed);
	blkfront_free(b);
}

void
gk_blk_get_info(const struct blkfront_dev *b, struct gk_blk_info *out)
{
	*out = b->info;
}

void
gk_blk_get_stats(const struct blkfront_dev *b, struct gk_blk_stats *out)
{
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < b->info.nr_queues; i++) {
		const struct blkfront_ring_stats *s = &b->queues[i].ring.stats;

		out->requests += s->requests;
		out->responses += s->responses;
		out->notify_sent += s->notify_sent;
		out->notify_suppressed += s->notify_suppressed;
		out->events += s->events;
	}
	out->errors = b->errors;
	out->bounced = b->bounced;
	out->rekicks = b->rekicks;
}

int
blkfront_raw_grant(struct blkfront_dev *b, uint64_t gfn, uint16_t domid,
		   int readonly, uint32_t *gref)
{
	grant_ref_t r;
	int rc;

	(void)b;
	rc = gk_gnttab_grant_access(domid, gfn, readonly, &r);
	if (rc == 0)
		*gref = r;
	return rc;
}

void *
blkfront_raw_sring(struct blkfront_dev *b)
{
	return b->queues[0].sring;
}
