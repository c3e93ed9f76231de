/*
 * backends/blkback/backend.c: xylem-blkback's event loop and registries:
 * the xenstore watches (backend/vbd, frontends' state, @releaseDomain),
 * the device list (one struct blkback_dev per backend/vbd/D/N), the
 * per-domain memory mappings, the I/O engine, the stats timer.  One
 * thread; every handler runs to completion.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include "device.h"

#define BLKBACK_VBD_DIR	       "/local/domain/0/backend/vbd"
#define BLKBACK_ENGINE_ENTRIES 1024

int
blkback_epoll_add(struct blkback *bb, int fd, struct blkback_evsrc *src)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = src};

	return epoll_ctl(bb->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

void
blkback_epoll_del(struct blkback *bb, int fd)
{
	epoll_ctl(bb->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int
blkback_frames(void *arg, xyl_domid_t domid,
	       struct xyl_ctl_gnttab_frames_reply *out)
{
	return xylctl_gnttab_frames(arg, domid, out);
}

struct blkback_dom *
blkback_dom_get(struct blkback *bb, xyl_domid_t domid, int *err)
{
	struct blkback_dom *d;
	int rc;

	for (d = bb->doms; d; d = d->next)
		if (d->domid == domid) {
			d->refs++;
			return d;
		}
	d = calloc(1, sizeof(*d));
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	rc = xylctl_map_guest(bb->ctl, domid, &d->mem);
	if (rc == 0)
		rc = be_gnttab_init(&d->gnttab, domid, &d->mem, blkback_frames,
				    bb->ctl);
	if (rc) {
		xylctl_unmap_guest(&d->mem);
		free(d);
		*err = rc;
		return NULL;
	}
	d->bb = bb;
	d->domid = domid;
	d->refs = 1;
	d->next = bb->doms;
	bb->doms = d;
	return d;
}

void
blkback_dom_put(struct blkback_dom *dom)
{
	struct blkback_dom **pp;

	if (--dom->refs > 0)
		return;
	for (pp = &dom->bb->doms; *pp != dom; pp = &(*pp)->next)
		;
	*pp = dom->next;
	be_gnttab_fini(&dom->gnttab);
	xylctl_unmap_guest(&dom->mem);
	free(dom);
}

static struct blkback_dev *
blkback_find(struct blkback *bb, uint32_t domid, uint32_t devid)
{
	for (struct blkback_dev *d = bb->devs; d; d = d->next)
		if (d->domid == domid && d->devid == devid)
			return d;
	return NULL;
}

static void
blkback_scan_dom(struct blkback *bb, const char *dom_name)
{
	char path[BE_XS_PATH_MAX];
	uint32_t domid, devid;
	unsigned int n = 0;
	char **devs;

	if (be_xenbus_parse_u32(dom_name, &domid) || domid == 0 ||
	    domid > XYL_DOMID_MAX)
		return;
	snprintf(path, sizeof(path), "%s/%u", BLKBACK_VBD_DIR, domid);
	devs = xs_directory(bb->xs, XBT_NULL, path, &n);
	for (unsigned int i = 0; devs && i < n; i++) {
		struct blkback_dev *dev;

		if (be_xenbus_parse_u32(devs[i], &devid))
			continue;
		dev = blkback_find(bb, domid, devid);
		if (!dev) {
			dev = blkback_dev_new(bb, domid, devid);
			if (!dev)
				continue;
			dev->next = bb->devs;
			bb->devs = dev;
		}
		dev->is_seen = true;
	}
	free(devs);
}

/* Bring the device list in line with backend/vbd, then run every
 * device's state machine. */
static void
blkback_scan(struct blkback *bb)
{
	struct blkback_dev **pp, *dev;
	unsigned int n = 0;
	char **doms;

	for (dev = bb->devs; dev; dev = dev->next)
		dev->is_seen = false;
	doms = xs_directory(bb->xs, XBT_NULL, BLKBACK_VBD_DIR, &n);
	for (unsigned int i = 0; doms && i < n; i++)
		blkback_scan_dom(bb, doms[i]);
	free(doms);
	for (pp = &bb->devs; (dev = *pp);) {
		if (!dev->is_seen) {
			log_dom_info(dev->domid, "vbd %u: removed", dev->devid);
			*pp = dev->next;
			blkback_dev_free(dev);
			continue;
		}
		blkback_dev_update(dev);
		pp = &dev->next;
	}
}

/* @releaseDomain: stop touching the memory of domains that died. */
static void
blkback_reap_dead(struct blkback *bb)
{
	for (struct blkback_dev *dev = bb->devs; dev; dev = dev->next) {
		struct xyl_dominfo info;
		int rc;

		if (!dev->dom)
			continue;
		rc = xylctl_domain_getinfo(bb->ctl, dev->domid, &info);
		if (rc == -ESRCH ||
		    (rc == 0 && (info.state & XYL_DOMSTATE_DYING))) {
			log_dom_info(dev->domid, "vbd %u: domain gone",
				     dev->devid);
			blkback_dev_disconnect(dev);
			dev->phase = BLKBACK_DEV_CLOSED;
		}
	}
}

static void
blkback_on_xs(struct blkback *bb)
{
	bool rescan = false, release = false;
	char **w;

	errno = 0;
	while ((w = xs_check_watch(bb->xs))) {
		if (strcmp(w[XS_WATCH_TOKEN], "release") == 0)
			release = true;
		else
			rescan = true;
		free(w);
		errno = 0;
	}
	if (errno != EAGAIN && errno != 0) {
		/* xenstored went away: devices stay Connected for the next
		 * blkback, which `xyl host start` runs with the new one. */
		log_err("xenstore connection lost: %s", strerror(errno));
		bb->is_stopping = true;
		bb->exit_code = 1;
		return;
	}
	if (release)
		blkback_reap_dead(bb);
	if (rescan || release)
		blkback_scan(bb);
}

static void
blkback_on_timer(struct blkback *bb)
{
	uint64_t n;

	if (read(bb->timer_fd, &n, sizeof(n)) < 0)
		return;
	for (struct blkback_dev *dev = bb->devs; dev; dev = dev->next)
		blkback_dev_write_stats(dev);
}

/* After a reap: one publish (and at most one event) per ring. */
static void
blkback_push_all(struct blkback *bb)
{
	for (struct blkback_dev *dev = bb->devs; dev; dev = dev->next)
		for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
			blkback_queue_push(&dev->queues[i]);
}

/* --poll-us: run every connected ring as if notified (a backstop for
 * frontends that cannot notify, such as the host-side test frontend). */
static void
blkback_on_poll(struct blkback *bb)
{
	uint64_t n;

	if (read(bb->poll_fd, &n, sizeof(n)) < 0)
		return;
	for (struct blkback_dev *dev = bb->devs; dev; dev = dev->next)
		for (uint32_t i = 0; dev->queues && i < dev->nr_queues; i++)
			blkback_queue_run(&dev->queues[i]);
}

static void
blkback_dispatch(struct blkback *bb, struct blkback_evsrc *src)
{
	struct signalfd_siginfo si;

	switch (src->kind) {
	case BLKBACK_SRC_XS:
		blkback_on_xs(bb);
		break;
	case BLKBACK_SRC_ENGINE:
		blkback_engine_reap(bb->engine);
		blkback_push_all(bb);
		break;
	case BLKBACK_SRC_QUEUE:
		blkback_queue_kick(src->obj);
		break;
	case BLKBACK_SRC_TIMER:
		blkback_on_timer(bb);
		break;
	case BLKBACK_SRC_POLL:
		blkback_on_poll(bb);
		break;
	case BLKBACK_SRC_SIGNAL:
		if (read(bb->signal_fd, &si, sizeof(si)) == sizeof(si))
			bb->is_stopping = true;
		break;
	}
}

int
blkback_run(struct blkback *bb)
{
	struct epoll_event evs[32];

	blkback_scan(bb);
	while (!bb->is_stopping) {
		int n = epoll_wait(bb->epfd, evs, 32, -1);

		if (n < 0 && errno != EINTR)
			return -errno;
		uint64_t frees = bb->nr_frees;

		/* Once a handler freed queues, the rest of this batch may
		 * point at them: poll again (level-triggered, nothing lost). */
		for (int i = 0;
		     i < n && !bb->is_stopping && frees == bb->nr_frees; i++)
			blkback_dispatch(bb, evs[i].data.ptr);
	}
	return 0;
}

static int
blkback_open_fds(struct blkback *bb)
{
	struct itimerspec its = {{1, 0}, {1, 0}};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	bb->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	bb->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	bb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (bb->signal_fd < 0 || bb->timer_fd < 0 || bb->epfd < 0)
		return -errno;
	timerfd_settime(bb->timer_fd, 0, &its, NULL);
	bb->xs_src = (struct blkback_evsrc){BLKBACK_SRC_XS, bb};
	bb->engine_src = (struct blkback_evsrc){BLKBACK_SRC_ENGINE, bb};
	bb->timer_src = (struct blkback_evsrc){BLKBACK_SRC_TIMER, bb};
	bb->signal_src = (struct blkback_evsrc){BLKBACK_SRC_SIGNAL, bb};
	if (bb->poll_us) {
		long ns = (long)(bb->poll_us % 1000000) * 1000;
		struct itimerspec p = {{bb->poll_us / 1000000, ns},
				       {bb->poll_us / 1000000, ns}};

		bb->poll_fd = timerfd_create(CLOCK_MONOTONIC,
					     TFD_CLOEXEC | TFD_NONBLOCK);
		if (bb->poll_fd < 0)
			return -errno;
		timerfd_settime(bb->poll_fd, 0, &p, NULL);
		bb->poll_src = (struct blkback_evsrc){BLKBACK_SRC_POLL, bb};
		if (blkback_epoll_add(bb, bb->poll_fd, &bb->poll_src))
			return -errno;
	}
	if (blkback_epoll_add(bb, xs_fileno(bb->xs), &bb->xs_src) ||
	    blkback_epoll_add(bb, blkback_engine_fd(bb->engine),
			      &bb->engine_src) ||
	    blkback_epoll_add(bb, bb->timer_fd, &bb->timer_src) ||
	    blkback_epoll_add(bb, bb->signal_fd, &bb->signal_src))
		return -errno;
	return 0;
}

int
blkback_init(struct blkback *bb, const char *rundir, uint32_t poll_us)
{
	char sock[4096];
	int rc;

	memset(bb, 0, sizeof(*bb));
	bb->epfd = bb->timer_fd = bb->signal_fd = bb->poll_fd = -1;
	bb->poll_us = poll_us;
	bb->rundir = rundir;
	snprintf(bb->state_dir, sizeof(bb->state_dir), "%s/blkback", rundir);
	if (mkdir(bb->state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* This host's xenstored unless the caller chose another. */
	snprintf(sock, sizeof(sock), "%s/xenstored/socket", rundir);
	setenv("XENSTORED_PATH", sock, 0);
	rc = xylctl_open(rundir, &bb->ctl);
	if (rc) {
		log_err("cannot reach xylem-hv in %s: %s", rundir,
			strerror(-rc));
		return rc;
	}
	/* The shared timer for I/O profiling (docs/profiling.md); without
	 * it devices just do not offer feature-xylem-profile. */
	rc = xylctl_stimer_map(bb->ctl, false, &bb->stimer);
	if (rc)
		log_warn("no shared-timer page (%s): profiling off",
			 strerror(-rc));
	bb->xs = xs_open(0);
	if (!bb->xs) {
		rc = -errno;
		log_err("cannot reach xenstored (%s): %s",
			getenv("XENSTORED_PATH"), strerror(errno));
		return rc ? rc : -ECONNREFUSED;
	}
	rc = blkback_engine_open(BLKBACK_ENGINE_ENTRIES, &bb->engine);
	if (rc) {
		log_err("io_uring: %s", strerror(-rc));
		return rc;
	}
	rc = blkback_open_fds(bb);
	if (rc)
		return rc;
	if (!xs_watch(bb->xs, BLKBACK_VBD_DIR, "vbd") ||
	    !xs_watch(bb->xs, "@releaseDomain", "release")) {
		log_err("xenstore watch: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void
blkback_fini(struct blkback *bb)
{
	/* Devices stay Connected in xenstore: a restarted blkback takes
	 * their rings over (docs/blkback.md).  In-flight I/O answers
	 * first. */
	if (bb->engine)
		blkback_engine_drain(bb->engine);
	while (bb->devs) {
		struct blkback_dev *dev = bb->devs;

		bb->devs = dev->next;
		blkback_dev_write_stats(dev);
		blkback_dev_disconnect(dev);
		blkback_image_close(&dev->img);
		free(dev);
	}
	blkback_engine_close(bb->engine);
	xylctl_stimer_unmap(&bb->stimer);
	if (bb->xs)
		xs_close(bb->xs);
	if (bb->ctl)
		xylctl_close(bb->ctl);
	if (bb->epfd >= 0)
		close(bb->epfd);
	if (bb->timer_fd >= 0)
		close(bb->timer_fd);
	if (bb->signal_fd >= 0)
		close(bb->signal_fd);
	if (bb->poll_fd >= 0)
		close(bb->poll_fd);
}
