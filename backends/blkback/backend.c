/*
 * backends/blkback/backend.c: xylem-blkback's part of the shared backend
 * loop (backends/lib/backend.c): the vbd hooks, the I/O engine and the
 * --poll-us timer.  One thread; every handler runs to completion.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "device.h"

#define BLKBACK_ENGINE_ENTRIES 1024

static struct blkback *
blkback_of(struct be_backend *be)
{
	return BE_BACKEND_OWNER(be, struct blkback, be);
}

/* After a reap: one publish (and at most one event) per ring. */
static void
blkback_push_all(struct blkback *bb)
{
	for (struct be_dev *e = bb->be.devs; e; e = e->next) {
		struct blkback_dev *dev = e->obj;

		for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
			blkback_queue_push(&dev->queues[i]);
	}
}

/* --poll-us: run every connected ring as if notified (a backstop for
 * frontends that cannot notify, such as the host-side test frontend). */
static void
blkback_on_poll(struct blkback *bb)
{
	uint64_t n;

	if (read(bb->poll_fd, &n, sizeof(n)) < 0)
		return;
	for (struct be_dev *e = bb->be.devs; e; e = e->next) {
		struct blkback_dev *dev = e->obj;

		for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
			blkback_queue_run(&dev->queues[i]);
	}
}

static void
blkback_dispatch(struct be_backend *be, void *arg)
{
	struct blkback *bb = blkback_of(be);
	struct blkback_evsrc *src = arg;

	switch (src->kind) {
	case BLKBACK_SRC_ENGINE:
		blkback_engine_reap(bb->engine);
		blkback_push_all(bb);
		break;
	case BLKBACK_SRC_QUEUE:
		blkback_queue_kick(src->obj);
		break;
	case BLKBACK_SRC_POLL:
		blkback_on_poll(bb);
		break;
	}
}

static void *
blkback_op_dev_new(struct be_backend *be, xyl_domid_t domid, uint32_t devid)
{
	return blkback_dev_new(blkback_of(be), domid, devid);
}

static void
blkback_op_dev_update(void *dev)
{
	blkback_dev_update(dev);
}

static void
blkback_op_dev_free(void *dev)
{
	blkback_dev_free(dev);
}

static void
blkback_op_dev_write_stats(void *dev)
{
	blkback_dev_write_stats(dev);
}

static bool
blkback_op_dev_is_mapped(void *arg)
{
	struct blkback_dev *dev = arg;

	return dev->dom != NULL;
}

static void
blkback_op_dev_domain_gone(void *arg)
{
	struct blkback_dev *dev = arg;

	blkback_dev_disconnect(dev);
	dev->phase = BLKBACK_DEV_CLOSED;
}

/* Devices stay Connected in xenstore: a restarted blkback takes their
 * rings over (docs/blkback.md). */
static void
blkback_op_dev_stop(void *arg)
{
	struct blkback_dev *dev = arg;

	blkback_dev_write_stats(dev);
	blkback_dev_disconnect(dev);
	blkback_image_close(&dev->img);
	free(dev);
}

static const struct be_backend_ops blkback_ops = {
	.name = "blkback",
	.kind = "vbd",
	.dev_new = blkback_op_dev_new,
	.dev_update = blkback_op_dev_update,
	.dev_free = blkback_op_dev_free,
	.dev_write_stats = blkback_op_dev_write_stats,
	.dev_is_mapped = blkback_op_dev_is_mapped,
	.dev_domain_gone = blkback_op_dev_domain_gone,
	.dev_stop = blkback_op_dev_stop,
	.dispatch = blkback_dispatch,
};

int
blkback_run(void *bb)
{
	return be_backend_run(&((struct blkback *)bb)->be);
}

static int
blkback_open_poll(struct blkback *bb)
{
	long ns = (long)(bb->poll_us % 1000000) * 1000;
	struct itimerspec p = {{bb->poll_us / 1000000, ns},
			       {bb->poll_us / 1000000, ns}};

	bb->poll_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (bb->poll_fd < 0)
		return -errno;
	timerfd_settime(bb->poll_fd, 0, &p, NULL);
	bb->poll_src = (struct blkback_evsrc){BLKBACK_SRC_POLL, bb};
	return be_backend_epoll_add(&bb->be, bb->poll_fd, &bb->poll_src);
}

int
blkback_init(void *arg, const char *rundir)
{
	struct blkback *bb = arg;
	uint32_t poll_us = bb->poll_us; /* the command line's */
	int rc;

	memset(bb, 0, sizeof(*bb));
	bb->poll_fd = -1;
	bb->poll_us = poll_us;
	rc = be_backend_init(&bb->be, &blkback_ops, rundir);
	if (rc)
		return rc;
	rc = blkback_engine_open(BLKBACK_ENGINE_ENTRIES, &bb->engine);
	if (rc) {
		log_err("io_uring: %s", strerror(-rc));
		return rc;
	}
	bb->engine_src = (struct blkback_evsrc){BLKBACK_SRC_ENGINE, bb};
	rc = be_backend_epoll_add(&bb->be, blkback_engine_fd(bb->engine),
				  &bb->engine_src);
	if (rc == 0 && bb->poll_us)
		rc = blkback_open_poll(bb);
	return rc;
}

void
blkback_fini(void *arg)
{
	struct blkback *bb = arg;

	/* In-flight I/O answers before the devices let go of their rings. */
	if (bb->engine)
		blkback_engine_drain(bb->engine);
	be_backend_fini(&bb->be);
	blkback_engine_close(bb->engine);
	if (bb->poll_fd >= 0)
		close(bb->poll_fd);
}
