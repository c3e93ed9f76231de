/*
 * backends/blkback/connect.c: connecting a vbd's rings (the frontend's
 * transport keys, multi-page rings, multi-queue, persistent grants, the
 * coalescing flag, the crash journal) and disconnecting them.  Trust
 * boundary: the frontend's xenstore keys, read through be_xs_* (strictly
 * parsed) and bounded here.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "device.h"
#include "xylem/coalesce.h"

/* Frontend transport parameters, checked. */
static int
blkback_read_transport(struct blkback_dev *dev)
{
	char proto[32];
	int rc;

	dev->nr_queues = 1;
	dev->ring_order = 0;
	rc = be_xs_read_u32(dev->bb->be.xs, dev->fe_dir,
			    "multi-queue-num-queues", &dev->nr_queues);
	if (rc && rc != -ENOENT)
		return rc;
	rc = be_xs_read_u32(dev->bb->be.xs, dev->fe_dir, "ring-page-order",
			    &dev->ring_order);
	if (rc && rc != -ENOENT)
		return rc;
	if (dev->nr_queues == 0 || dev->nr_queues > BLKBACK_MAX_QUEUES ||
	    dev->ring_order > BLKBACK_MAX_RING_ORDER)
		return -EINVAL;
	rc = be_xs_read(dev->bb->be.xs, dev->fe_dir, "protocol", proto,
			sizeof(proto));
	if (rc == 0 && strcmp(proto, "x86_64-abi") != 0)
		return -EPROTONOSUPPORT;
	dev->use_persistent = be_xs_read_bool(dev->bb->be.xs, dev->fe_dir,
					      "feature-persistent", false);
	dev->use_coalesce = be_xs_read_bool(dev->bb->be.xs, dev->fe_dir,
					    XYL_COALESCE_FEATURE_KEY, false);
	return 0;
}

/* The ring grefs of queue q: ring-ref (order 0) or ring-ref0..N-1. */
static int
blkback_read_grefs(struct blkback_dev *dev, const char *dir, uint32_t *grefs,
		   uint32_t nr)
{
	char key[32];
	int rc;

	if (dev->ring_order == 0) {
		rc = be_xs_read_u32(dev->bb->be.xs, dir, "ring-ref", &grefs[0]);
		if (rc != -ENOENT)
			return rc;
	}
	for (uint32_t i = 0; i < nr; i++) {
		snprintf(key, sizeof(key), "ring-ref%u", i);
		rc = be_xs_read_u32(dev->bb->be.xs, dir, key, &grefs[i]);
		if (rc)
			return rc;
	}
	return 0;
}

/* Map (or create) the queue's journal file under state_dir. */
static int
blkback_journal_open(struct blkback_queue *q, bool keep)
{
	struct blkback_dev *dev = q->dev;
	char path[512];
	int fd, rc = 0;
	void *p;

	q->journal_bytes =
		be_ring_journal_bytes(q->ring.nr_ents, q->ring.req_size);
	snprintf(path, sizeof(path), "%s/%u-%u-q%u.journal",
		 dev->bb->be.state_dir, dev->domid, dev->devid, q->index);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)q->journal_bytes) < 0) {
		rc = -errno;
		goto out;
	}
	p = mmap(NULL, q->journal_bytes, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		 0);
	if (p == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	q->journal = p;
	be_ring_set_journal(&q->ring, p, keep);
out:
	close(fd);
	return rc;
}

static int
blkback_queue_alloc(struct blkback_queue *q)
{
	uint32_t n = q->ring.nr_ents, cap = 1;

	q->inflight = calloc(n, sizeof(*q->inflight));
	if (!q->inflight)
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++)
		q->inflight[i].q = q;
	if (!q->dev->use_persistent)
		return 0;
	while (cap < 2 * n * BLKIF_MAX_SEGMENTS_PER_REQUEST)
		cap *= 2;
	q->pgrants = calloc(cap, sizeof(*q->pgrants));
	if (!q->pgrants)
		return -ENOMEM;
	q->pgrant_cap = cap;
	return 0;
}

static int
blkback_queue_connect(struct blkback_queue *q, bool is_resume)
{
	struct blkback_dev *dev = q->dev;
	uint32_t nr_pages = 1u << dev->ring_order, port;
	uint32_t grefs[BE_RING_MAX_PAGES];
	char dir[BE_XS_PATH_MAX];
	int rc;

	if (dev->nr_queues == 1)
		rc = snprintf(dir, sizeof(dir), "%s", dev->fe_dir);
	else
		rc = snprintf(dir, sizeof(dir), "%s/queue-%u", dev->fe_dir,
			      q->index);
	if (rc < 0 || (size_t)rc >= sizeof(dir))
		return -ENAMETOOLONG;
	rc = blkback_read_grefs(dev, dir, grefs, nr_pages);
	if (rc == 0)
		rc = be_xs_read_u32(dev->bb->be.xs, dir, "event-channel",
				    &port);
	if (rc == 0)
		rc = be_grant_map_ring(&dev->dom->gnttab, grefs, nr_pages,
				       &q->map);
	if (rc == 0)
		rc = be_ring_attach(
			&q->ring, q->map.base, (size_t)nr_pages * BE_PAGE_SIZE,
			sizeof(struct blkif_request),
			sizeof(struct blkif_response), dev->use_coalesce);
	if (rc == 0)
		rc = blkback_journal_open(q, is_resume);
	if (rc == 0)
		rc = blkback_queue_alloc(q);
	if (rc == 0)
		rc = be_evtchn_bind(dev->bb->be.ctl, dev->domid, port,
				    &q->evtchn);
	if (rc == 0) {
		q->src = (struct blkback_evsrc){BLKBACK_SRC_QUEUE, q};
		rc = be_backend_epoll_add(&dev->bb->be,
					  be_evtchn_fd(&q->evtchn), &q->src);
	}
	return rc;
}

static void
blkback_queue_disconnect(struct blkback_queue *q)
{
	struct blkback_dev *dev = q->dev;

	if (be_evtchn_fd(&q->evtchn) >= 0)
		be_backend_epoll_del(&dev->bb->be, be_evtchn_fd(&q->evtchn));
	be_evtchn_close(dev->bb->be.ctl, &q->evtchn);
	if (dev->dom) {
		blkback_queue_release_pgrants(q);
		be_grant_unmap_ring(&dev->dom->gnttab, &q->map);
	}
	free(q->inflight);
	q->inflight = NULL;
	if (q->journal)
		munmap(q->journal, q->journal_bytes);
	q->journal = NULL;
}

/* The frontend's profile area, if both sides offered it
 * (include/xylem/profile.h).  A bad one only turns profiling off. */
static void
blkback_profile_attach(struct blkback_dev *dev)
{
	uint32_t gref;
	int rc;

	if (!dev->bb->be.stimer.page ||
	    !be_xs_read_bool(dev->bb->be.xs, dev->fe_dir,
			     XYL_PROFILE_FEATURE_KEY, false))
		return;
	rc = be_xs_read_u32(dev->bb->be.xs, dev->fe_dir, XYL_PROFILE_REF_KEY,
			    &gref);
	if (rc == 0)
		rc = be_profile_attach(&dev->prof, &dev->dom->gnttab, gref,
				       &dev->bb->be.stimer);
	if (rc)
		log_dom_limited(&dev->rl, DLOG_WARN, (int)dev->domid,
				"vbd %u: profile area: %s; profiling off",
				dev->devid, strerror(-rc));
	else if (dev->prof.nr_slots <
		 dev->nr_queues * dev->queues[0].ring.nr_ents)
		log_dom_limited(&dev->rl, DLOG_INFO, (int)dev->domid,
				"vbd %u: profile area covers %u of %u slots",
				dev->devid, dev->prof.nr_slots,
				dev->nr_queues * dev->queues[0].ring.nr_ents);
}

int
blkback_dev_connect(struct blkback_dev *dev, bool is_resume)
{
	int rc;

	rc = blkback_read_transport(dev);
	if (rc)
		return rc;
	dev->dom = be_backend_dom_get(&dev->bb->be, dev->domid, &rc);
	if (!dev->dom)
		return rc;
	dev->queues = calloc(dev->nr_queues, sizeof(*dev->queues));
	if (!dev->queues) {
		rc = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < dev->nr_queues; i++) {
		dev->queues[i].dev = dev;
		dev->queues[i].index = i;
		dev->queues[i].evtchn.ch.notify_fd = -1;
		dev->queues[i].evtchn.ch.kick_fd = -1;
	}
	for (uint32_t i = 0; i < dev->nr_queues; i++) {
		rc = blkback_queue_connect(&dev->queues[i], is_resume);
		if (rc)
			goto fail;
	}
	blkback_profile_attach(dev);
	dev->phase = BLKBACK_DEV_CONNECTED;
	/* After a restart the frontend may have seen us ACTIVE and stopped
	 * notifying, or missed the event of responses we published: look at
	 * every ring now and tell the frontend once. */
	for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++) {
		blkback_queue_run(&dev->queues[i]);
		/* A broken ring closes the device (and frees its queues). */
		if (is_resume && dev->queues)
			be_evtchn_notify(&dev->queues[i].evtchn);
	}
	return 0;
fail:
	blkback_dev_disconnect(dev);
	return rc;
}

void
blkback_dev_disconnect(struct blkback_dev *dev)
{
	/* No new requests; every request in flight answers first (their
	 * grants are held). */
	if (dev->phase == BLKBACK_DEV_CONNECTED)
		dev->phase = BLKBACK_DEV_CLOSING;
	blkback_engine_drain(dev->bb->engine);
	for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
		if (dev->queues[i].map.base)
			blkback_queue_push(&dev->queues[i]);
	/* The drain reaped every device's I/O, not only ours: publish the
	 * others' responses too, or a frontend waiting for them stalls
	 * until its next kick (found by the guest blkfront, blkf). */
	for (struct be_dev *e = dev->bb->be.devs; e; e = e->next) {
		struct blkback_dev *d = e->obj;

		for (uint32_t i = 0; d != dev && d->queues && i < d->nr_queues;
		     i++)
			if (d->queues[i].map.base)
				blkback_queue_push(&d->queues[i]);
	}
	if (dev->queues)
		dev->bb->be.nr_frees++;
	for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
		blkback_queue_disconnect(&dev->queues[i]);
	free(dev->queues);
	dev->queues = NULL;
	if (dev->dom) {
		blkback_dev_write_stats(dev); /* the last histograms */
		be_profile_detach(&dev->prof, &dev->dom->gnttab);
	}
	if (dev->dom)
		be_backend_dom_put(dev->dom);
	dev->dom = NULL;
}
