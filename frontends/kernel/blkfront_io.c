/*
 * kernel/blkfront_io.c: the blkif frontend's data path (gk/blk.h): turn a
 * gk_blk_req into a ring request (direct or indirect segments, transient
 * or persistent grants), publish with notification suppression, take and
 * check responses (blkfront_ring.c), hand completions back.  A backend
 * that answers what was not asked closes its device, never the guest.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/io/xenbus.h>

#include "gk/blk.h"
#include "gk/blkfront.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

/* A blocked waiter wakes at least this often to look at its rings: a
 * backstop for a notification lost while the backend restarted. */
#define BLKFRONT_BACKSTOP_NS (100 * GK_NS_PER_MS)
#define BLKFRONT_REKICK_NS   (1000 * GK_NS_PER_MS)

static void
blkfront_done(struct blkfront_dev *b, struct gk_blk_req *r, int status)
{
	r->status = status;
	r->next = 0;
	if (b->done_tail)
		b->done_tail->next = r;
	else
		b->done_head = r;
	b->done_tail = r;
	if (status)
		b->errors++;
}

/* ---- requests ---- */

static int
blkfront_check(struct blkfront_dev *b, const struct gk_blk_req *r)
{
	const struct gk_blk_info *in = &b->info;
	uint64_t per = in->sector_size / 512, nr = r->nr_bytes / 512, end;

	if (b->is_broken)
		return -ENODEV;
	if (r->op == GK_BLK_FLUSH)
		return in->has_flush ? 0 : -EOPNOTSUPP;
	if (r->op > GK_BLK_DISCARD || !r->nr_bytes ||
	    r->nr_bytes % in->sector_size || r->sector % per)
		return -EINVAL;
	if (__builtin_add_overflow(r->sector, nr, &end) || end > in->sectors)
		return -EINVAL;
	if (r->op != GK_BLK_READ && in->is_read_only)
		return -EROFS;
	if (r->op == GK_BLK_DISCARD)
		return in->has_discard ? 0 : -EOPNOTSUPP;
	if (r->op == GK_BLK_BARRIER && !in->has_barrier)
		return -EOPNOTSUPP;
	if (r->nr_bytes > in->max_bytes || ((uintptr_t)r->buf & 511))
		return -EINVAL;
	return 0;
}

static uint8_t
blkfront_wire_op(uint8_t op)
{
	switch (op) {
	case GK_BLK_READ:
		return BLKIF_OP_READ;
	case GK_BLK_WRITE:
		return BLKIF_OP_WRITE;
	case GK_BLK_FLUSH:
		return BLKIF_OP_FLUSH_DISKCACHE;
	case GK_BLK_BARRIER:
		return BLKIF_OP_WRITE_BARRIER;
	default:
		return BLKIF_OP_DISCARD;
	}
}

/* The slot's persistent pages, granted once (read-write: blkif.h lets a
 * backend keep them for either direction). */
static int
blkfront_slot_pool(struct blkfront_dev *b, struct blkfront_slot *s)
{
	uint64_t pfn;
	int rc;

	if (s->pool)
		return 0;
	pfn = gk_pages_alloc(&gk.pages, b->pool_pages);
	if (!pfn)
		return -ENOMEM;
	for (uint32_t i = 0; i < b->pool_pages; i++) {
		rc = gk_gnttab_grant_access(b->be_domid, pfn + i, 0,
					    &s->pool_grefs[i]);
		if (rc < 0) {
			while (i--)
				gk_gnttab_end_access(s->pool_grefs[i]);
			gk_pages_free(&gk.pages, pfn, b->pool_pages);
			return rc;
		}
	}
	s->pool = (uint8_t *)(uintptr_t)(pfn << 12);
	s->nr_pool = b->pool_pages;
	return 0;
}

static int
blkfront_slot_indirect(struct blkfront_dev *b, struct blkfront_slot *s)
{
	uint64_t pfn;
	int rc;

	if (s->indirect)
		return 0;
	pfn = gk_pages_alloc(&gk.pages, 1);
	if (!pfn)
		return -ENOMEM;
	rc = gk_gnttab_grant_access(b->be_domid, pfn, 1, &s->indirect_gref);
	if (rc < 0) {
		gk_pages_free(&gk.pages, pfn, 1);
		return rc;
	}
	s->indirect = (struct blkif_request_segment *)(uintptr_t)(pfn << 12);
	return 0;
}

static void
blkfront_slot_end_grants(struct blkfront_dev *b, struct blkfront_slot *s)
{
	for (uint32_t i = 0; i < s->nr_grefs; i++)
		if (gk_gnttab_end_access(s->grefs[i]) < 0)
			b->leaked_grants++; /* the backend still holds it */
	s->nr_grefs = 0;
}

/* Fill segs[] for r's data: through the persistent pool (copying a
 * write in) or by granting the caller's pages.  Returns the number. */
static int
blkfront_segments(struct blkfront_dev *b, struct blkfront_slot *s,
		  const struct gk_blk_req *r,
		  struct blkif_request_segment *segs)
{
	uintptr_t addr = (uintptr_t)r->buf;
	uint32_t left = r->nr_bytes, n = 0, off, chunk;
	int ro = r->op != GK_BLK_READ, rc;

	if (b->info.use_persistent) {
		rc = blkfront_slot_pool(b, s);
		if (rc < 0)
			return rc;
		if (ro)
			memcpy(s->pool, r->buf, r->nr_bytes);
		b->bounced++;
		for (; left; n++) {
			chunk = left < 4096 ? left : 4096;
			segs[n] = (struct blkif_request_segment){
				.gref = s->pool_grefs[n],
				.first_sect = 0,
				.last_sect = (uint8_t)(chunk / 512 - 1)};
			left -= chunk;
		}
		return (int)n;
	}
	for (; left; n++) {
		off = addr & 4095;
		chunk = 4096 - off < left ? 4096 - off : left;
		if (n >= BLKFRONT_MAX_SEGS)
			return -EINVAL;
		rc = gk_gnttab_grant_access(b->be_domid, addr >> 12, ro,
					    &s->grefs[n]);
		if (rc < 0) {
			blkfront_slot_end_grants(b, s);
			return rc;
		}
		s->nr_grefs = n + 1;
		segs[n] = (struct blkif_request_segment){
			.gref = s->grefs[n],
			.first_sect = (uint8_t)(off / 512),
			.last_sect = (uint8_t)((off + chunk) / 512 - 1)};
		addr += chunk;
		left -= chunk;
	}
	return (int)n;
}

/* Build and put the ring request for r in slot id of q. */
static int
blkfront_put(struct blkfront_queue *q, uint32_t id, struct gk_blk_req *r)
{
	struct blkfront_dev *b = q->dev;
	struct blkfront_slot *s = &q->slots[id];
	union {
		struct blkif_request rw;
		struct blkif_request_discard discard;
		struct blkif_request_indirect ind;
	} w;
	struct blkif_request_segment segs[BLKFRONT_MAX_SEGS];
	uint8_t op = blkfront_wire_op(r->op);
	int n = 0, rc;

	memset(&w, 0, sizeof(w));
	if (r->op == GK_BLK_DISCARD) {
		w.discard = (struct blkif_request_discard){
			.operation = op,
			.handle = (blkif_vdev_t)b->info.devid,
			.id = id,
			.sector_number = r->sector,
			.nr_sectors = r->nr_bytes / 512};
	} else if (r->op != GK_BLK_FLUSH) {
		n = blkfront_segments(b, s, r, segs);
		if (n < 0)
			return n;
	}
	if (n > BLKIF_MAX_SEGMENTS_PER_REQUEST) {
		rc = blkfront_slot_indirect(b, s);
		if (rc < 0) {
			blkfront_slot_end_grants(b, s);
			return rc;
		}
		memcpy(s->indirect, segs, n * sizeof(segs[0]));
		w.ind = (struct blkif_request_indirect){
			.operation = BLKIF_OP_INDIRECT,
			.indirect_op = op,
			.nr_segments = (uint16_t)n,
			.id = id,
			.sector_number = r->sector,
			.handle = (blkif_vdev_t)b->info.devid};
		w.ind.indirect_grefs[0] = s->indirect_gref;
	} else if (r->op != GK_BLK_DISCARD) {
		w.rw = (struct blkif_request){
			.operation = op,
			.nr_segments = (uint8_t)n,
			.handle = (blkif_vdev_t)b->info.devid,
			.id = id,
			.sector_number = r->sector};
		memcpy(w.rw.seg, segs, n * sizeof(segs[0]));
	}
	s->prof_slot = q->index * q->ring.nr_ents +
		       (q->ring.front.req_prod_pvt & (q->ring.nr_ents - 1));
	rc = blkfront_ring_put(&q->ring, &w, sizeof(w));
	if (rc < 0) {
		blkfront_slot_end_grants(b, s);
		return rc;
	}
	gk_profile_stamp(&b->prof, s->prof_slot, XYL_PROFILE_SUBMIT);
	s->req = r;
	q->expect[id] = (struct blkfront_expect){.is_busy = 1, .operation = op};
	q->in_flight++;
	b->in_flight++;
	return 0;
}

static int
blkfront_free_slot(struct blkfront_queue *q, uint32_t *id)
{
	for (uint32_t i = 0; i < q->nr_slots; i++) {
		if (!q->expect[i].is_busy && !q->slots[i].req) {
			*id = i;
			return 0;
		}
	}
	return -EAGAIN;
}

static void
blkfront_notify(struct blkfront_queue *q)
{
	if (blkfront_ring_push(&q->ring))
		gk_evtchn_notify(q->port);
}

int
gk_blk_submit_many(struct blkfront_dev *b, struct gk_blk_req **reqs,
		   unsigned int nr)
{
	uint32_t nq = b->info.nr_queues, id, used = 0;
	unsigned int done = 0;
	int rc = 0;

	while (done < nr) {
		struct blkfront_queue *q = &b->queues[b->next_queue % nq];

		rc = blkfront_check(b, reqs[done]);
		if (rc == 0)
			rc = blkfront_free_slot(q, &id);
		if (rc == 0)
			rc = blkfront_put(q, id, reqs[done]);
		if (rc < 0)
			break;
		used |= 1u << q->index;
		b->next_queue++;
		done++;
	}
	for (uint32_t i = 0; i < nq; i++)
		if (used & (1u << i))
			blkfront_notify(&b->queues[i]);
	return done ? (int)done : rc;
}

int
gk_blk_submit(struct blkfront_dev *b, struct gk_blk_req *r)
{
	int rc = gk_blk_submit_many(b, &r, 1);

	return rc == 1 ? 0 : rc;
}

/* ---- responses ---- */

static int
blkfront_status(int16_t st)
{
	if (st == BLKIF_RSP_OKAY)
		return 0;
	return st == BLKIF_RSP_EOPNOTSUPP ? -EOPNOTSUPP : -EIO;
}

static void
blkfront_finish(struct blkfront_queue *q, uint32_t id, int status)
{
	struct blkfront_dev *b = q->dev;
	struct blkfront_slot *s = &q->slots[id];
	struct gk_blk_req *r = s->req;

	blkfront_slot_end_grants(b, s);
	if (status == 0 && r->op == GK_BLK_READ && b->info.use_persistent)
		memcpy(r->buf, s->pool, r->nr_bytes);
	s->req = 0;
	q->in_flight--;
	blkfront_done(b, r, status);
}

void
blkfront_dev_break(struct blkfront_dev *b, const char *why)
{
	if (b->is_broken)
		return;
	b->is_broken = 1;
	gk_err("blkfront: vbd %u: %s: closing the device\n", b->info.devid,
	       why);
	for (uint32_t i = 0; i < b->info.nr_queues; i++) {
		struct blkfront_queue *q = &b->queues[i];

		q->ring.is_broken = 1;
		/* The backend may still write into these pages: leave the
		 * grants (they are leaked, never reused). */
		for (uint32_t id = 0; id < q->nr_slots; id++) {
			if (!q->slots[id].req)
				continue;
			q->slots[id].nr_grefs = 0;
			q->expect[id].is_busy = 0;
			blkfront_finish(q, id, -ENODEV);
		}
	}
	xenbus_printf(0, b->fe_dir, "state", "%u", XenbusStateClosing);
}

void
blkfront_queue_consume(struct blkfront_queue *q)
{
	struct blkfront_dev *b = q->dev;
	struct blkif_response rsp;
	int rc;

	if (b->is_broken || b->is_raw || !q->sring)
		return;
	blkfront_ring_active(&q->ring);
	while ((rc = blkfront_ring_take(&q->ring, &rsp)) == 1) {
		if (blkfront_rsp_check(&rsp, q->expect, q->nr_slots) < 0) {
			blkfront_dev_break(b, "bad response");
			return;
		}
		gk_profile_stamp(&b->prof, q->slots[rsp.id].prof_slot,
				 XYL_PROFILE_RESPONSE);
		blkfront_finish(q, (uint32_t)rsp.id,
				blkfront_status(rsp.status));
	}
	if (rc < 0)
		blkfront_dev_break(b, "response index past our requests");
}

unsigned int
gk_blk_complete(struct blkfront_dev *b, struct gk_blk_req **done,
		unsigned int max)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < b->info.nr_queues; i++)
		blkfront_queue_consume(&b->queues[i]);
	while (n < max && b->done_head) {
		done[n++] = b->done_head;
		b->done_head = b->done_head->next;
		b->in_flight--;
	}
	if (!b->done_head)
		b->done_tail = 0;
	return n;
}

unsigned int
gk_blk_in_flight(const struct blkfront_dev *b)
{
	return b->in_flight;
}

/* Every queue of b to SLEEPING; 1 if one has responses after all. */
static int
blkfront_dev_idle(struct blkfront_dev *b)
{
	int busy = 0, rc;

	for (uint32_t i = 0;
	     !b->is_broken && !b->is_raw && i < b->info.nr_queues; i++) {
		rc = blkfront_ring_idle(&b->queues[i].ring);
		if (rc < 0)
			blkfront_dev_break(b, "response index past our "
					      "requests");
		else if (rc > 0)
			busy = 1;
	}
	return busy;
}

int
blkfront_idle_all(void)
{
	int busy = 0;

	for (struct blkfront_dev *b = gk.blk_devs; b; b = b->next)
		busy |= blkfront_dev_idle(b);
	return busy;
}

static void
blkfront_block_until(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline};

	gk_hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	gk_wait_for_events();
}

/* Nothing came back for a while with requests out: kick every such
 * queue again (a spurious event costs the backend one empty pass; a lost
 * one would stall us for good). */
static void
blkfront_rekick(struct blkfront_dev *b)
{
	for (uint32_t i = 0; i < b->info.nr_queues; i++) {
		struct blkfront_queue *q = &b->queues[i];

		if (q->in_flight && !q->ring.is_broken) {
			gk_evtchn_notify(q->port);
			b->rekicks++;
		}
	}
}

int
gk_blk_wait(struct blkfront_dev *b, uint64_t timeout_ns)
{
	uint64_t now = gk_time_now_ns(), deadline = now + timeout_ns, wake;
	uint64_t quiet_since = now;

	for (;;) {
		for (uint32_t i = 0; i < b->info.nr_queues; i++)
			blkfront_queue_consume(&b->queues[i]);
		if (b->done_head)
			return 0;
		if (b->is_broken)
			return -ENODEV;
		now = gk_time_now_ns();
		if (now >= deadline)
			return -ETIME;
		if (blkfront_dev_idle(b))
			continue;
		if (now - quiet_since >= BLKFRONT_REKICK_NS) {
			blkfront_rekick(b);
			quiet_since = now;
		}
		wake = now + BLKFRONT_BACKSTOP_NS;
		blkfront_block_until(wake < deadline ? wake : deadline);
	}
}

/* ---- synchronous helpers ---- */

static int
blkfront_sync(struct blkfront_dev *b, struct gk_blk_req *r)
{
	struct gk_blk_req *got;
	int rc;

	r->cookie = r;
	rc = gk_blk_submit(b, r);
	if (rc < 0)
		return rc;
	for (;;) {
		rc = gk_blk_wait(b, ~0ull >> 2);
		if (rc == -ENODEV && !b->done_head)
			return rc;
		while (gk_blk_complete(b, &got, 1) == 1)
			if (got == r)
				return r->status;
	}
}

int
gk_blk_read(struct blkfront_dev *b, uint64_t sector, void *buf,
	    uint32_t nr_bytes)
{
	struct gk_blk_req r = {.op = GK_BLK_READ,
			       .sector = sector,
			       .buf = buf,
			       .nr_bytes = nr_bytes};

	return blkfront_sync(b, &r);
}

int
gk_blk_write(struct blkfront_dev *b, uint64_t sector, const void *buf,
	     uint32_t nr_bytes)
{
	struct gk_blk_req r = {.op = GK_BLK_WRITE,
			       .sector = sector,
			       .buf = (void *)buf,
			       .nr_bytes = nr_bytes};

	return blkfront_sync(b, &r);
}

int
gk_blk_flush(struct blkfront_dev *b)
{
	struct gk_blk_req r = {.op = GK_BLK_FLUSH};

	return blkfront_sync(b, &r);
}

int
gk_blk_discard(struct blkfront_dev *b, uint64_t sector, uint32_t nr_bytes)
{
	struct gk_blk_req r = {
		.op = GK_BLK_DISCARD, .sector = sector, .nr_bytes = nr_bytes};

	return blkfront_sync(b, &r);
}

/* ---- raw access (apps/blkhostile.c) ---- */

int
blkfront_raw_put(struct blkfront_dev *b, const void *req, uint32_t len,
		 int publish)
{
	struct blkfront_queue *q = &b->queues[0];
	int rc;

	b->is_raw = 1;
	q->ring.is_broken = 0;
	rc = blkfront_ring_put(&q->ring, req, len);
	if (rc == 0 && publish)
		blkfront_notify(q);
	return rc;
}

void
blkfront_raw_set_req_prod(struct blkfront_dev *b, uint32_t prod)
{
	struct blkfront_queue *q = &b->queues[0];

	b->is_raw = 1;
	xen_wmb();
	q->ring.front.sring->req_prod = prod;
	xen_mb();
	gk_evtchn_notify(q->port);
}

int
blkfront_raw_take(struct blkfront_dev *b, void *rsp, uint64_t timeout_ns)
{
	struct blkfront_queue *q = &b->queues[0];
	uint64_t deadline = gk_time_now_ns() + timeout_ns;
	int rc;

	b->is_raw = 1;
	for (;;) {
		rc = blkfront_ring_take(&q->ring, rsp);
		if (rc != 0)
			return rc;
		if (gk_time_now_ns() >= deadline)
			return -ETIME;
		blkfront_ring_idle(&q->ring);
		blkfront_block_until(gk_time_now_ns() + 10 * GK_NS_PER_MS);
	}
}
