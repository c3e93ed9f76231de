/*
 * backends/blkback/queue.c: the data path of one ring: take requests
 * (be_ring), parse them (request.c), pin their grants (be_grant, or the
 * queue's persistent grants), hand them to the engine, and answer in
 * request order with notification suppression.  A request that fails any
 * check gets BLKIF_RSP_ERROR; a broken ring closes only this device.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "device.h"

static uint32_t
blkback_queue_mask(const struct blkback_queue *q)
{
	return q->ring.nr_ents - 1;
}

/* ---- persistent grants ---- */

static struct blkback_pgrant *
blkback_pgrant_slot(struct blkback_queue *q, uint32_t gref)
{
	uint32_t mask = q->pgrant_cap - 1, i = (gref * 2654435761u) & mask;

	while (q->pgrants[i].is_used && q->pgrants[i].g.gref != gref)
		i = (i + 1) & mask;
	return &q->pgrants[i];
}

void
blkback_queue_release_pgrants(struct blkback_queue *q)
{
	for (uint32_t i = 0; q->pgrants && i < q->pgrant_cap; i++)
		if (q->pgrants[i].is_used)
			be_grant_release(&q->dev->dom->gnttab,
					 &q->pgrants[i].g);
	free(q->pgrants);
	q->pgrants = NULL;
	q->pgrant_cap = q->pgrant_used = 0;
}

/* A persistent grant for gref (pinned for writing, as blkif.h note 8
 * lets us), or NULL when it cannot be kept: use a transient one. */
static const struct be_grant *
blkback_pgrant_get(struct blkback_queue *q, uint32_t gref)
{
	struct blkback_pgrant *p;

	if (!q->pgrants)
		return NULL;
	p = blkback_pgrant_slot(q, gref);
	if (p->is_used) {
		q->dev->stats.persistent_hits++;
		return &p->g;
	}
	if ((q->pgrant_used + 1) * 2 > q->pgrant_cap)
		return NULL;
	if (be_grant_acquire(&q->dev->dom->gnttab, gref, BE_GRANT_WRITE, &p->g))
		return NULL;
	p->is_used = true;
	q->pgrant_used++;
	return &p->g;
}

/* ---- responses ---- */

static void
blkback_inflight_release(struct blkback_inflight *f)
{
	struct be_gnttab *gt = &f->q->dev->dom->gnttab;

	for (uint32_t i = 0; i < f->nr_grants; i++)
		be_grant_release(gt, &f->grants[i]);
	f->nr_grants = 0;
	free(f->bounce);
	f->bounce = NULL;
	f->is_busy = f->is_done = false;
}

/* Write every finished response at the head, in request order; they are
 * published once per batch (blkback_queue_push). */
static void
blkback_queue_respond(struct blkback_queue *q)
{
	struct be_ring *r = &q->ring;

	while (r->rsp_prod_pvt != r->req_cons) {
		struct blkback_inflight *f =
			&q->inflight[r->rsp_prod_pvt & blkback_queue_mask(q)];
		struct blkif_response rsp = {0};

		if (!f->is_done)
			break;
		rsp.id = f->req.id;
		rsp.operation = f->req.rsp_op;
		rsp.status = f->status;
		be_ring_put_response(r, &rsp);
		blkback_inflight_release(f);
		q->has_unpushed = true;
	}
}

void
blkback_queue_push(struct blkback_queue *q)
{
	if (!q->has_unpushed)
		return;
	q->has_unpushed = false;
	if (be_ring_push_responses(&q->ring))
		be_evtchn_notify(&q->evtchn);
}

/* The profile slot of an in-flight entry: queue, then ring index
 * (include/xylem/profile.h). */
static uint32_t
blkback_profile_slot(const struct blkback_queue *q,
		     const struct blkback_inflight *f)
{
	return q->index * q->ring.nr_ents + (uint32_t)(f - q->inflight);
}

static void
blkback_inflight_finish(struct blkback_inflight *f, int16_t status)
{
	struct blkback_queue *q = f->q;

	be_profile_stamp(&q->dev->prof, blkback_profile_slot(q, f),
			 XYL_PROFILE_COMPLETE);
	f->status = status;
	f->is_done = true;
	if (status != BLKIF_RSP_OKAY)
		q->dev->stats.errors++;
	blkback_queue_respond(q);
}

static void
blkback_bounce_out(struct blkback_inflight *f)
{
	uint64_t at = 0;

	for (uint32_t i = 0; i < f->req.nr_segs; i++) {
		memcpy(f->iov[i].iov_base, f->bounce + at, f->iov[i].iov_len);
		at += f->iov[i].iov_len;
	}
}

static void
blkback_io_done(struct blkback_io *io, int res)
{
	struct blkback_inflight *f =
		(struct blkback_inflight *)((char *)io -
					    offsetof(struct blkback_inflight,
						     io));
	struct blkback_queue *q = f->q;

	if (res == 0 && f->bounce && f->req.op == BLKBACK_OP_READ)
		blkback_bounce_out(f);
	if (res)
		log_dom_limited(&q->dev->rl, DLOG_WARN, (int)q->dev->domid,
				"vbd %u: req %llu: I/O error (%d)",
				q->dev->devid, (unsigned long long)f->req.id,
				res);
	blkback_inflight_finish(f, res ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
	/* Room freed: take what waited for it.  Otherwise the responses go
	 * out after the whole reap (blkback_push_all). */
	if (be_ring_unconsumed(&q->ring))
		blkback_queue_run(q);
}

/* ---- requests ---- */

static int
blkback_seg_map(struct blkback_queue *q, struct blkback_inflight *f, uint32_t i,
		unsigned access)
{
	const struct blkback_seg *s = &f->req.segs[i];
	const struct be_grant *pg = blkback_pgrant_get(q, s->gref);
	int rc;

	if (!pg) {
		rc = be_grant_acquire(&q->dev->dom->gnttab, s->gref, access,
				      &f->grants[f->nr_grants]);
		if (rc)
			return rc;
		pg = &f->grants[f->nr_grants++];
	}
	f->iov[i].iov_base = pg->page + s->offset;
	f->iov[i].iov_len = s->len;
	return 0;
}

static int
blkback_load_indirect(struct blkback_queue *q, struct blkback_inflight *f)
{
	static const size_t seg_bytes = sizeof(struct blkif_request_segment);
	struct blkif_request_segment segs[BLKBACK_MAX_SEGS];
	uint32_t nr = f->req.nr_segs;
	int rc;

	for (uint32_t p = 0; p < f->req.nr_indirect; p++) {
		uint32_t first = p * BLKBACK_SEGS_PER_PAGE;
		uint32_t n = nr - first < BLKBACK_SEGS_PER_PAGE
				     ? nr - first
				     : BLKBACK_SEGS_PER_PAGE;

		rc = be_grant_copy_from(&q->dev->dom->gnttab,
					f->req.indirect_grefs[p], 0,
					&segs[first], n * seg_bytes);
		if (rc)
			return rc;
	}
	q->dev->stats.indirect_req++;
	return blkback_req_parse_segs(segs, nr, &q->dev->lim, &f->req);
}

/* Bounce when O_DIRECT cannot take the guest's buffers as they are. */
static int
blkback_maybe_bounce(struct blkback_dev *dev, struct blkback_inflight *f)
{
	uint32_t a = dev->img.dio_align;
	uint64_t at = 0;
	bool ok = true;
	uint64_t range = (f->req.sector | f->req.nr_sectors)
			 << BLKBACK_SECTOR_SHIFT;

	/* Buffered ranges (blkback_build_io) take any buffer. */
	if (!dev->img.is_direct || a <= 1 || range % a)
		return 0;
	for (uint32_t i = 0; i < f->req.nr_segs && ok; i++)
		ok = ((uintptr_t)f->iov[i].iov_base % a) == 0 &&
		     f->iov[i].iov_len % a == 0;
	if (ok)
		return 0;
	f->bounce_len = f->req.nr_sectors << BLKBACK_SECTOR_SHIFT;
	if (posix_memalign((void **)&f->bounce, a < 4096 ? 4096 : a,
			   f->bounce_len))
		return -ENOMEM;
	dev->stats.bounces++;
	if (f->req.op != BLKBACK_OP_READ)
		for (uint32_t i = 0; i < f->req.nr_segs; i++) {
			memcpy(f->bounce + at, f->iov[i].iov_base,
			       f->iov[i].iov_len);
			at += f->iov[i].iov_len;
		}
	return 0;
}

static void
blkback_io_add(struct blkback_io *io, uint8_t kind, bool drain, uint64_t off,
	       uint64_t len)
{
	io->steps[io->nr_steps++] = (struct blkback_io_step){
		.kind = kind, .is_drain = drain, .offset = off, .len = len};
}

/* Turn the request into engine steps. */
static void
blkback_build_io(struct blkback_dev *dev, struct blkback_inflight *f)
{
	struct blkback_io *io = &f->io;
	struct blkback_req *rq = &f->req;
	uint64_t off = rq->sector << BLKBACK_SECTOR_SHIFT;
	uint64_t len = rq->nr_sectors << BLKBACK_SECTOR_SHIFT;
	bool has_data = rq->nr_segs > 0;

	memset(io, 0, sizeof(*io));
	io->fd = dev->img.fd;
	/* O_DIRECT takes only aligned file ranges: others go buffered (the
	 * kernel keeps the two coherent; fdatasync covers both). */
	if (dev->img.is_direct &&
	    (off % dev->img.dio_align || len % dev->img.dio_align))
		io->fd = dev->img.fd_buffered;
	io->done = blkback_io_done;
	if (f->bounce) {
		f->bounce_iov = (struct iovec){f->bounce, len};
		io->iov = &f->bounce_iov;
		io->nr_iov = 1;
	} else {
		io->iov = f->iov;
		io->nr_iov = rq->nr_segs;
	}
	switch (rq->op) {
	case BLKBACK_OP_READ:
		blkback_io_add(io, BLKBACK_IO_READV, false, off, len);
		break;
	case BLKBACK_OP_WRITE:
		blkback_io_add(io, BLKBACK_IO_WRITEV, false, off, len);
		break;
	case BLKBACK_OP_BARRIER:
		/* Everything before it done, then its data, then stable. */
		blkback_io_add(io, BLKBACK_IO_FSYNC, true, 0, 0);
		/* fall through */
	case BLKBACK_OP_FLUSH:
		if (has_data)
			blkback_io_add(io, BLKBACK_IO_WRITEV, false, off, len);
		blkback_io_add(io, BLKBACK_IO_FSYNC, rq->op == BLKBACK_OP_FLUSH,
			       0, 0);
		break;
	default:
		blkback_io_add(io, BLKBACK_IO_PUNCH, false, off, len);
		break;
	}
}

static void
blkback_count(struct blkback_dev *dev, const struct blkback_req *rq)
{
	switch (rq->op) {
	case BLKBACK_OP_READ:
		dev->stats.rd_req++;
		dev->stats.rd_sect += rq->nr_sectors;
		break;
	case BLKBACK_OP_WRITE:
		dev->stats.wr_req++;
		dev->stats.wr_sect += rq->nr_sectors;
		break;
	case BLKBACK_OP_FLUSH:
		dev->stats.flush_req++;
		dev->stats.wr_sect += rq->nr_sectors;
		break;
	case BLKBACK_OP_BARRIER:
		dev->stats.barrier_req++;
		dev->stats.wr_sect += rq->nr_sectors;
		break;
	default:
		dev->stats.discard_req++;
		break;
	}
}

static int
blkback_prepare(struct blkback_queue *q, struct blkback_inflight *f)
{
	struct blkback_dev *dev = q->dev;
	unsigned access =
		f->req.op == BLKBACK_OP_READ ? BE_GRANT_WRITE : BE_GRANT_READ;
	int rc = 0;

	if (f->req.nr_indirect)
		rc = blkback_load_indirect(q, f);
	for (uint32_t i = 0; rc == 0 && i < f->req.nr_segs; i++)
		rc = blkback_seg_map(q, f, i, access);
	if (rc == 0)
		rc = blkback_maybe_bounce(dev, f);
	return rc;
}

static void
blkback_handle(struct blkback_queue *q, struct blkback_inflight *f,
	       const union blkback_raw_req *raw)
{
	struct blkback_dev *dev = q->dev;
	int rc;

	f->q = q;
	f->is_busy = true;
	f->is_done = false;
	be_profile_stamp(&dev->prof, blkback_profile_slot(q, f),
			 XYL_PROFILE_PICKUP);
	rc = blkback_req_parse(raw, &dev->lim, &f->req);
	if (rc == 0)
		rc = blkback_prepare(q, f);
	if (rc) {
		log_dom_limited(&dev->rl, DLOG_WARN, (int)dev->domid,
				"vbd %u: req %llu op %u: rejected (%s)",
				dev->devid, (unsigned long long)f->req.id,
				f->req.rsp_op, strerror(-rc));
		blkback_inflight_finish(f, rc == -EOPNOTSUPP
						   ? BLKIF_RSP_EOPNOTSUPP
						   : BLKIF_RSP_ERROR);
		return;
	}
	blkback_count(dev, &f->req);
	if (f->req.op == BLKBACK_OP_DISCARD && dev->img.is_block_dev) {
		rc = blkback_image_discard_sync(
			&dev->img, f->req.sector << BLKBACK_SECTOR_SHIFT,
			f->req.nr_sectors << BLKBACK_SECTOR_SHIFT);
		blkback_inflight_finish(f,
					rc ? BLKIF_RSP_ERROR : BLKIF_RSP_OKAY);
		return;
	}
	blkback_build_io(dev, f);
	if (blkback_engine_queue(dev->bb->engine, &f->io) == -EBUSY) {
		blkback_engine_submit(dev->bb->engine);
		if (blkback_engine_queue(dev->bb->engine, &f->io))
			blkback_inflight_finish(f, BLKIF_RSP_ERROR);
	}
}

void
blkback_queue_run(struct blkback_queue *q)
{
	union blkback_raw_req raw;
	int rc;

	if (q->dev->phase != BLKBACK_DEV_CONNECTED)
		return;
	be_ring_begin(&q->ring);
	do {
		while ((rc = be_ring_take_request(&q->ring, &raw)) == 1) {
			uint32_t idx = q->ring.req_cons - 1;

			blkback_handle(
				q, &q->inflight[idx & blkback_queue_mask(q)],
				&raw);
		}
		if (rc < 0) {
			blkback_engine_submit(q->dev->bb->engine);
			blkback_dev_fail(q->dev, "frontend broke the ring "
						 "(producer index)");
			return;
		}
	} while (be_ring_final_check(&q->ring));
	blkback_engine_submit(q->dev->bb->engine);
	blkback_queue_push(q);
}

void
blkback_queue_kick(struct blkback_queue *q)
{
	int64_t n = be_evtchn_drain(&q->evtchn);

	if (n > 0)
		q->ring.stats.kicks += (uint64_t)n;
	blkback_queue_run(q);
}
