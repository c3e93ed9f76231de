/*
 * backends/lib/backend.c: the event loop and registries every backend
 * daemon shares: the xenstore watches (backend/<kind>, @releaseDomain),
 * the device registry, the per-domain memory mappings, the shared-timer
 * page, the stats timer and signals.  xenstored is trusted for paths only:
 * directory names are parsed as numbers and checked before they name a device.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <xenstore.h>

#include "backend.h"
#include "daemon.h"
#include "dlog.h"
#include "xenbus.h"

int
be_backend_epoll_add(struct be_backend *be, int fd, void *src)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = src};

	return epoll_ctl(be->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int
be_backend_epoll_set(struct be_backend *be, int fd, void *src, bool is_on)
{
	struct epoll_event ev = {.events = is_on ? EPOLLIN : 0,
				 .data.ptr = src};

	return epoll_ctl(be->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void
be_backend_epoll_del(struct be_backend *be, int fd)
{
	epoll_ctl(be->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int
be_backend_frames(void *arg, xyl_domid_t domid,
		  struct xyl_ctl_gnttab_frames_reply *out)
{
	return xylctl_gnttab_frames(arg, domid, out);
}

struct be_dom *
be_backend_dom_get(struct be_backend *be, xyl_domid_t domid, int *err)
{
	struct be_dom *d;
	int rc;

	for (d = be->doms; d; d = d->next)
		if (d->domid == domid) {
			d->refs++;
			return d;
		}
	d = calloc(1, sizeof(*d));
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	rc = xylctl_map_guest(be->ctl, domid, &d->mem);
	if (rc == 0)
		rc = be_gnttab_init(&d->gnttab, domid, &d->mem,
				    be_backend_frames, be->ctl);
	if (rc) {
		xylctl_unmap_guest(&d->mem);
		free(d);
		*err = rc;
		return NULL;
	}
	d->be = be;
	d->domid = domid;
	d->refs = 1;
	d->next = be->doms;
	be->doms = d;
	return d;
}

void
be_backend_dom_put(struct be_dom *dom)
{
	struct be_dom **pp;

	if (--dom->refs > 0)
		return;
	for (pp = &dom->be->doms; *pp != dom; pp = &(*pp)->next)
		;
	*pp = dom->next;
	be_gnttab_fini(&dom->gnttab);
	xylctl_unmap_guest(&dom->mem);
	free(dom);
}

static struct be_dev *
be_backend_find(struct be_backend *be, uint32_t domid, uint32_t devid)
{
	for (struct be_dev *e = be->devs; e; e = e->next)
		if (e->domid == domid && e->devid == devid)
			return e;
	return NULL;
}

static struct be_dev *
be_backend_dev_new(struct be_backend *be, uint32_t domid, uint32_t devid)
{
	struct be_dev *e = calloc(1, sizeof(*e));

	if (!e)
		return NULL;
	e->obj = be->ops->dev_new(be, domid, devid);
	if (!e->obj) {
		free(e);
		return NULL;
	}
	e->domid = domid;
	e->devid = devid;
	e->next = be->devs;
	be->devs = e;
	return e;
}

static void
be_backend_scan_dom(struct be_backend *be, const char *dom_name)
{
	char path[BE_XS_PATH_MAX];
	uint32_t domid, devid;
	unsigned int n = 0;
	char **devs;

	if (be_xenbus_parse_u32(dom_name, &domid) || domid == 0 ||
	    domid > XYL_DOMID_MAX)
		return;
	snprintf(path, sizeof(path), "%s/%u", be->dir, domid);
	devs = xs_directory(be->xs, XBT_NULL, path, &n);
	for (unsigned int i = 0; devs && i < n; i++) {
		struct be_dev *e;

		if (be_xenbus_parse_u32(devs[i], &devid))
			continue;
		e = be_backend_find(be, domid, devid);
		if (!e)
			e = be_backend_dev_new(be, domid, devid);
		if (e)
			e->is_seen = true;
	}
	free(devs);
}

/* Bring the registry in line with backend/<kind>, then run every
 * device's state machine. */
static void
be_backend_scan(struct be_backend *be)
{
	struct be_dev **pp, *e;
	unsigned int n = 0;
	char **doms;

	for (e = be->devs; e; e = e->next)
		e->is_seen = false;
	doms = xs_directory(be->xs, XBT_NULL, be->dir, &n);
	for (unsigned int i = 0; doms && i < n; i++)
		be_backend_scan_dom(be, doms[i]);
	free(doms);
	for (pp = &be->devs; (e = *pp);) {
		if (!e->is_seen) {
			log_dom_info(e->domid, "%s %u: removed", be->ops->kind,
				     e->devid);
			*pp = e->next;
			be->ops->dev_free(e->obj);
			free(e);
			continue;
		}
		be->ops->dev_update(e->obj);
		pp = &e->next;
	}
}

/* @releaseDomain: stop touching the memory of domains that died. */
static void
be_backend_reap_dead(struct be_backend *be)
{
	for (struct be_dev *e = be->devs; e; e = e->next) {
		struct xyl_dominfo info;
		int rc;

		if (!be->ops->dev_is_mapped(e->obj))
			continue;
		rc = xylctl_domain_getinfo(be->ctl, e->domid, &info);
		if (rc == -ESRCH ||
		    (rc == 0 && (info.state & XYL_DOMSTATE_DYING))) {
			log_dom_info(e->domid, "%s %u: domain gone",
				     be->ops->kind, e->devid);
			be->ops->dev_domain_gone(e->obj);
		}
	}
}

static void
be_backend_on_xs(struct be_backend *be)
{
	bool rescan = false, release = false;
	char **w;

	errno = 0;
	while ((w = xs_check_watch(be->xs))) {
		if (strcmp(w[XS_WATCH_TOKEN], "release") == 0)
			release = true;
		else
			rescan = true;
		free(w);
		errno = 0;
	}
	if (errno != EAGAIN && errno != 0) {
		/* xenstored went away: devices stay Connected for the next
		 * instance, which `xyl host start` runs with the new one. */
		log_err("xenstore connection lost: %s", strerror(errno));
		be->is_stopping = true;
		be->exit_code = 1;
		return;
	}
	if (release)
		be_backend_reap_dead(be);
	if (rescan || release)
		be_backend_scan(be);
}

static void
be_backend_on_timer(struct be_backend *be)
{
	uint64_t n;

	if (read(be->timer_fd, &n, sizeof(n)) < 0)
		return;
	for (struct be_dev *e = be->devs; e; e = e->next)
		be->ops->dev_write_stats(e->obj);
}

/* The common sources are registered with a pointer to their own fd
 * field; anything else belongs to the backend. */
static void
be_backend_dispatch(struct be_backend *be, void *src)
{
	struct signalfd_siginfo si;

	if (src == &be->xs)
		be_backend_on_xs(be);
	else if (src == &be->timer_fd)
		be_backend_on_timer(be);
	else if (src == &be->signal_fd) {
		if (read(be->signal_fd, &si, sizeof(si)) == sizeof(si))
			be->is_stopping = true;
	} else
		be->ops->dispatch(be, src);
}

static int
be_backend_loop(struct be_backend *be)
{
	struct epoll_event evs[32];

	be_backend_scan(be);
	while (!be->is_stopping) {
		int n = epoll_wait(be->epfd, evs, 32, -1);
		uint64_t frees = be->nr_frees;

		if (n < 0 && errno != EINTR)
			return -errno;
		/* Once a handler freed what epoll data points at, the rest
		 * of this batch may be stale: poll again (level-triggered,
		 * nothing lost). */
		for (int i = 0;
		     i < n && !be->is_stopping && frees == be->nr_frees; i++)
			be_backend_dispatch(be, evs[i].data.ptr);
	}
	return be->exit_code ? -EPIPE : 0;
}

int
be_backend_run(struct be_backend *be)
{
	int rc;

	log_info("serving %s", be->rundir);
	rc = be_backend_loop(be);
	if (rc)
		log_err("loop: %s", strerror(-rc));
	return rc;
}

static int
be_backend_open_fds(struct be_backend *be)
{
	struct itimerspec its = {{1, 0}, {1, 0}};

	be->signal_fd = daemon_signalfd(false);
	be->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	be->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (be->signal_fd < 0 || be->timer_fd < 0 || be->epfd < 0)
		return -errno;
	timerfd_settime(be->timer_fd, 0, &its, NULL);
	if (be_backend_epoll_add(be, xs_fileno(be->xs), &be->xs) ||
	    be_backend_epoll_add(be, be->timer_fd, &be->timer_fd) ||
	    be_backend_epoll_add(be, be->signal_fd, &be->signal_fd))
		return -errno;
	return 0;
}

int
be_backend_init(struct be_backend *be, const struct be_backend_ops *ops,
		const char *rundir)
{
	char sock[4096];
	int rc;

	memset(be, 0, sizeof(*be));
	be->epfd = be->timer_fd = be->signal_fd = -1;
	be->ops = ops;
	be->rundir = rundir;
	snprintf(be->state_dir, sizeof(be->state_dir), "%s/%s", rundir,
		 ops->name);
	snprintf(be->dir, sizeof(be->dir), "/local/domain/0/backend/%s",
		 ops->kind);
	if (mkdir(be->state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	/* This host's xenstored unless the caller chose another. */
	snprintf(sock, sizeof(sock), "%s/xenstored/socket", rundir);
	setenv("XENSTORED_PATH", sock, 0);
	rc = xylctl_open(rundir, &be->ctl);
	if (rc) {
		log_err("cannot reach xylem-hv in %s: %s", rundir,
			strerror(-rc));
		return rc;
	}
	rc = xylctl_stimer_map(be->ctl, false, &be->stimer);
	if (rc)
		log_warn("no shared-timer page (%s): profiling off",
			 strerror(-rc));
	be->xs = xs_open(0);
	if (!be->xs) {
		rc = -errno;
		log_err("cannot reach xenstored (%s): %s",
			getenv("XENSTORED_PATH"), strerror(errno));
		return rc ? rc : -ECONNREFUSED;
	}
	rc = be_backend_open_fds(be);
	if (rc)
		return rc;
	if (!xs_watch(be->xs, be->dir, ops->kind) ||
	    !xs_watch(be->xs, "@releaseDomain", "release")) {
		log_err("xenstore watch: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void
be_backend_fini(struct be_backend *be)
{
	while (be->devs) {
		struct be_dev *e = be->devs;

		be->devs = e->next;
		be->ops->dev_stop(e->obj);
		free(e);
	}
	if (be->xs)
		xs_close(be->xs);
	xylctl_stimer_unmap(&be->stimer);
	if (be->ctl)
		xylctl_close(be->ctl);
	if (be->epfd >= 0)
		close(be->epfd);
	if (be->timer_fd >= 0)
		close(be->timer_fd);
	if (be->signal_fd >= 0)
		close(be->signal_fd);
}
