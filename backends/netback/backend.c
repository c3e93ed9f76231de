/*
 * backends/netback/backend.c: xylem-netback's event loop and registries:
 * the xenstore watches (backend/vif, frontends' state, @releaseDomain),
 * the vif list (one struct netback_vif per backend/vif/D/N), the
 * per-domain memory mappings, the stats timer.  One thread; every handler
 * runs to completion.
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

#include "netback.h"

int
netback_epoll_add(struct netback *nb, int fd, struct netback_evsrc *src)
{
	struct epoll_event ev = {.events = EPOLLIN, .data.ptr = src};

	return epoll_ctl(nb->epfd, EPOLL_CTL_ADD, fd, &ev) < 0 ? -errno : 0;
}

int
netback_epoll_set(struct netback *nb, int fd, struct netback_evsrc *src,
		  bool on)
{
	struct epoll_event ev = {.events = on ? EPOLLIN : 0, .data.ptr = src};

	return epoll_ctl(nb->epfd, EPOLL_CTL_MOD, fd, &ev) < 0 ? -errno : 0;
}

void
netback_epoll_del(struct netback *nb, int fd)
{
	epoll_ctl(nb->epfd, EPOLL_CTL_DEL, fd, NULL);
}

static int
netback_frames(void *arg, xyl_domid_t domid,
	       struct xyl_ctl_gnttab_frames_reply *out)
{
	return xylctl_gnttab_frames(arg, domid, out);
}

struct netback_dom *
netback_dom_get(struct netback *nb, xyl_domid_t domid, int *err)
{
	struct netback_dom *d;
	int rc;

	for (d = nb->doms; d; d = d->next)
		if (d->domid == domid) {
			d->refs++;
			return d;
		}
	d = calloc(1, sizeof(*d));
	if (!d) {
		*err = -ENOMEM;
		return NULL;
	}
	rc = xylctl_map_guest(nb->ctl, domid, &d->mem);
	if (rc == 0)
		rc = be_gnttab_init(&d->gnttab, domid, &d->mem, netback_frames,
				    nb->ctl);
	if (rc) {
		xylctl_unmap_guest(&d->mem);
		free(d);
		*err = rc;
		return NULL;
	}
	d->nb = nb;
	d->domid = domid;
	d->refs = 1;
	d->next = nb->doms;
	nb->doms = d;
	return d;
}

void
netback_dom_put(struct netback_dom *dom)
{
	struct netback_dom **pp;

	if (--dom->refs > 0)
		return;
	for (pp = &dom->nb->doms; *pp != dom; pp = &(*pp)->next)
		;
	*pp = dom->next;
	be_gnttab_fini(&dom->gnttab);
	xylctl_unmap_guest(&dom->mem);
	free(dom);
}

static struct netback_vif *
netback_find(struct netback *nb, uint32_t domid, uint32_t devid)
{
	for (struct netback_vif *v = nb->vifs; v; v = v->next)
		if (v->domid == domid && v->devid == devid)
			return v;
	return NULL;
}

static void
netback_scan_dom(struct netback *nb, const char *dom_name)
{
	char path[BE_XS_PATH_MAX];
	uint32_t domid, devid;
	unsigned int n = 0;
	char **devs;

	if (be_xenbus_parse_u32(dom_name, &domid) || domid == 0 ||
	    domid > XYL_DOMID_MAX)
		return;
	snprintf(path, sizeof(path), "%s/%u", NETBACK_VIF_DIR, domid);
	devs = xs_directory(nb->xs, XBT_NULL, path, &n);
	for (unsigned int i = 0; devs && i < n; i++) {
		struct netback_vif *vif;

		if (be_xenbus_parse_u32(devs[i], &devid))
			continue;
		vif = netback_find(nb, domid, devid);
		if (!vif) {
			vif = netback_vif_new(nb, domid, devid);
			if (!vif)
				continue;
			vif->next = nb->vifs;
			nb->vifs = vif;
		}
		vif->is_seen = true;
	}
	free(devs);
}

/* Bring the vif list in line with backend/vif, then run every vif's
 * state machine. */
static void
netback_scan(struct netback *nb)
{
	struct netback_vif **pp, *vif;
	unsigned int n = 0;
	char **doms;

	for (vif = nb->vifs; vif; vif = vif->next)
		vif->is_seen = false;
	doms = xs_directory(nb->xs, XBT_NULL, NETBACK_VIF_DIR, &n);
	for (unsigned int i = 0; doms && i < n; i++)
		netback_scan_dom(nb, doms[i]);
	free(doms);
	for (pp = &nb->vifs; (vif = *pp);) {
		if (!vif->is_seen) {
			log_dom_info(vif->domid, "vif %u: removed", vif->devid);
			*pp = vif->next;
			netback_vif_free(vif);
			continue;
		}
		netback_vif_update(vif);
		pp = &vif->next;
	}
}

/* @releaseDomain: stop touching the memory of domains that died. */
static void
netback_reap_dead(struct netback *nb)
{
	for (struct netback_vif *vif = nb->vifs; vif; vif = vif->next) {
		struct xyl_dominfo info;
		int rc;

		if (!vif->dom)
			continue;
		rc = xylctl_domain_getinfo(nb->ctl, vif->domid, &info);
		if (rc == -ESRCH ||
		    (rc == 0 && (info.state & XYL_DOMSTATE_DYING))) {
			log_dom_info(vif->domid, "vif %u: domain gone",
				     vif->devid);
			netback_vif_disconnect(vif);
			vif->phase = NETBACK_VIF_CLOSED;
		}
	}
}

static void
netback_on_xs(struct netback *nb)
{
	bool rescan = false, release = false;
	char **w;

	errno = 0;
	while ((w = xs_check_watch(nb->xs))) {
		if (strcmp(w[XS_WATCH_TOKEN], "release") == 0)
			release = true;
		else
			rescan = true;
		free(w);
		errno = 0;
	}
	if (errno != EAGAIN && errno != 0) {
		log_err("xenstore connection lost: %s", strerror(errno));
		nb->is_stopping = true;
		nb->exit_code = 1;
		return;
	}
	if (release)
		netback_reap_dead(nb);
	if (rescan || release)
		netback_scan(nb);
}

static void
netback_on_timer(struct netback *nb)
{
	uint64_t n;

	if (read(nb->timer_fd, &n, sizeof(n)) < 0)
		return;
	for (struct netback_vif *vif = nb->vifs; vif; vif = vif->next)
		netback_vif_write_stats(vif);
}

static void
netback_dispatch(struct netback *nb, struct netback_evsrc *src)
{
	struct signalfd_siginfo si;

	switch (src->kind) {
	case NETBACK_SRC_XS:
		netback_on_xs(nb);
		break;
	case NETBACK_SRC_EVTCHN:
		netback_vif_kick(src->obj);
		break;
	case NETBACK_SRC_TAP:
		netback_vif_rx(src->obj);
		break;
	case NETBACK_SRC_TIMER:
		netback_on_timer(nb);
		break;
	case NETBACK_SRC_RATE:
		netback_rate_on_timer(src->obj);
		break;
	case NETBACK_SRC_SIGNAL:
		if (read(nb->signal_fd, &si, sizeof(si)) == sizeof(si))
			nb->is_stopping = true;
		break;
	}
}

int
netback_run(struct netback *nb)
{
	struct epoll_event evs[32];

	netback_scan(nb);
	while (!nb->is_stopping) {
		int n = epoll_wait(nb->epfd, evs, 32, -1);
		uint64_t frees = nb->nr_frees;

		if (n < 0 && errno != EINTR)
			return -errno;
		/* Once a handler disconnected a vif, the rest of this batch
		 * may point at it: poll again (level-triggered). */
		for (int i = 0;
		     i < n && !nb->is_stopping && frees == nb->nr_frees; i++)
			netback_dispatch(nb, evs[i].data.ptr);
	}
	return 0;
}

static int
netback_open_fds(struct netback *nb)
{
	struct itimerspec its = {{1, 0}, {1, 0}};
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);
	nb->signal_fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	nb->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	nb->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (nb->signal_fd < 0 || nb->timer_fd < 0 || nb->epfd < 0)
		return -errno;
	timerfd_settime(nb->timer_fd, 0, &its, NULL);
	nb->xs_src = (struct netback_evsrc){NETBACK_SRC_XS, nb};
	nb->timer_src = (struct netback_evsrc){NETBACK_SRC_TIMER, nb};
	nb->signal_src = (struct netback_evsrc){NETBACK_SRC_SIGNAL, nb};
	if (netback_epoll_add(nb, xs_fileno(nb->xs), &nb->xs_src) ||
	    netback_epoll_add(nb, nb->timer_fd, &nb->timer_src) ||
	    netback_epoll_add(nb, nb->signal_fd, &nb->signal_src))
		return -errno;
	return 0;
}

int
netback_init(struct netback *nb, const char *rundir)
{
	char sock[4096];
	int rc;

	memset(nb, 0, sizeof(*nb));
	nb->epfd = nb->timer_fd = nb->signal_fd = -1;
	nb->rundir = rundir;
	snprintf(nb->state_dir, sizeof(nb->state_dir), "%s/netback", rundir);
	if (mkdir(nb->state_dir, 0700) < 0 && errno != EEXIST)
		return -errno;
	snprintf(sock, sizeof(sock), "%s/xenstored/socket", rundir);
	setenv("XENSTORED_PATH", sock, 0);
	rc = xylctl_open(rundir, &nb->ctl);
	if (rc) {
		log_err("cannot reach xylem-hv in %s: %s", rundir,
			strerror(-rc));
		return rc;
	}
	/* The shared timer for I/O profiling (docs/profiling.md); without
	 * it vifs just do not offer feature-xylem-profile. */
	rc = xylctl_stimer_map(nb->ctl, false, &nb->stimer);
	if (rc)
		log_warn("no shared-timer page (%s): profiling off",
			 strerror(-rc));
	nb->xs = xs_open(0);
	if (!nb->xs) {
		rc = -errno;
		log_err("cannot reach xenstored (%s): %s",
			getenv("XENSTORED_PATH"), strerror(errno));
		return rc ? rc : -ECONNREFUSED;
	}
	rc = netback_open_fds(nb);
	if (rc)
		return rc;
	if (!xs_watch(nb->xs, NETBACK_VIF_DIR, "vif") ||
	    !xs_watch(nb->xs, "@releaseDomain", "release")) {
		log_err("xenstore watch: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

void
netback_fini(struct netback *nb)
{
	/* vifs stay Connected in xenstore: a restarted netback takes their
	 * rings over and makes their TAP devices again. */
	while (nb->vifs) {
		struct netback_vif *vif = nb->vifs;

		nb->vifs = vif->next;
		netback_vif_write_stats(vif);
		netback_vif_disconnect(vif);
		if (vif->tap_fd >= 0)
			close(vif->tap_fd);
		free(vif->buf);
		free(vif);
	}
	if (nb->xs)
		xs_close(nb->xs);
	xylctl_stimer_unmap(&nb->stimer);
	if (nb->ctl)
		xylctl_close(nb->ctl);
	if (nb->epfd >= 0)
		close(nb->epfd);
	if (nb->timer_fd >= 0)
		close(nb->timer_fd);
	if (nb->signal_fd >= 0)
		close(nb->signal_fd);
}
