/*
 * backends/consoled/loop.c: xylem-consoled's event loop: hypervisor events
 * (domains come and go, console_io output), each guest's notify eventfd
 * and pty, signals, and a tick that retries connections and closes ptys
 * that have been read out.  Domains are freed only between loop rounds,
 * so no epoll entry of a round ever points at freed memory.
 */
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "consoled.h"

#define TICK_MS	   250
#define MAX_EVENTS 64

uint64_t
consoled_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static void
on_hv_event(struct consoled *cd, const struct xyl_ctl_event *e)
{
	struct consoled_dom *d = consoled_dom_find(cd, e->domid);

	switch (e->kind) {
	case XYL_EVENT_DOMAIN_CREATED:
		consoled_dom_add(cd, e->domid);
		break;
	case XYL_EVENT_DOMAIN_UNPAUSED:
		if (d)
			consoled_dom_try_connect(cd, d);
		break;
	case XYL_EVENT_CONSOLE_OUTPUT:
		if (d)
			d->con_dirty = true;
		break;
	case XYL_EVENT_DOMAIN_SHUTDOWN:
		if (d)
			consoled_dom_shutdown(cd, d);
		break;
	case XYL_EVENT_DOMAIN_DESTROYED:
		if (d) {
			d->is_destroyed = true;
			consoled_dom_shutdown(cd, d);
		}
		break;
	default:
		break;
	}
}

static int
events_subscribe(struct consoled *cd)
{
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &cd->w_events};
	int r;

	if (cd->ev)
		xylctl_close(cd->ev);
	cd->ev = NULL;
	r = xylctl_events_open(cd->rundir, &cd->ev);
	if (r < 0)
		return r;
	return epoll_ctl(cd->epfd, EPOLL_CTL_ADD, xylctl_events_fd(cd->ev),
			 &e) < 0
		       ? -errno
		       : 0;
}

/* (Re)subscribe, then make our domain list the hypervisor's: add the
 * domains we do not know, and end the ones that are gone. */
int
consoled_loop_sync(struct consoled *cd)
{
	struct xyl_dominfo *info = NULL;
	struct consoled_dom *d;
	size_t nr = 0, i;
	int r = events_subscribe(cd);

	if (r == 0)
		r = xylctl_domain_list(cd->ctl, &info, &nr);
	if (r < 0)
		return r;
	for (d = cd->doms; d; d = d->next) {
		for (i = 0; i < nr && info[i].domid != d->domid; i++)
			;
		if (i == nr && !d->is_destroyed) {
			d->is_destroyed = true;
			consoled_dom_shutdown(cd, d);
		}
	}
	for (i = 0; i < nr; i++) {
		d = consoled_dom_find(cd, info[i].domid);
		if (!d)
			consoled_dom_add(cd, info[i].domid);
		else
			d->con_dirty = true;
	}
	free(info);
	return 0;
}

/* Read the queued hypervisor events.  -errno if the connection broke and
 * could not be re-established. */
static int
on_events_readable(struct consoled *cd)
{
	struct xyl_ctl_event e;
	struct consoled_dom *d;
	int r;

	for (;;) {
		r = xylctl_event_next(cd->ev, &e, 0);
		if (r == -ETIMEDOUT || r == -EINTR)
			break;
		if (r < 0) {
			log_warn("event stream lost (%s); resynchronising",
				 strerror(-r));
			r = consoled_loop_sync(cd);
			if (r < 0)
				return r;
			break;
		}
		on_hv_event(cd, &e);
	}
	for (d = cd->doms; d; d = d->next)
		if (d->con_dirty && !d->is_destroyed)
			consoled_dom_drain(cd, d);
	return 0;
}

static void
on_signal(struct consoled *cd)
{
	struct signalfd_siginfo si;

	if (read(cd->sigfd, &si, sizeof(si)) == sizeof(si)) {
		log_info("signal %u: stopping", si.ssi_signo);
		cd->stop = true;
	}
}

static int
dispatch(struct consoled *cd, struct epoll_event *e)
{
	struct consoled_watch *w = e->data.ptr;

	switch (w->kind) {
	case CONSOLED_WATCH_EVENTS:
		return on_events_readable(cd);
	case CONSOLED_WATCH_SIGNAL:
		on_signal(cd);
		break;
	case CONSOLED_WATCH_NOTIFY:
		consoled_dom_notified(cd, w->d);
		break;
	case CONSOLED_WATCH_PTY:
		consoled_dom_pty_ready(cd, w->d, e->events);
		break;
	}
	return 0;
}

/* Tick every domain; free the finished ones (only here). */
static void
tick(struct consoled *cd)
{
	struct consoled_dom **pp = &cd->doms, *d;
	uint64_t now = consoled_now_ms();

	while ((d = *pp)) {
		consoled_dom_tick(cd, d, now);
		if (consoled_dom_is_done(d)) {
			*pp = d->next;
			consoled_dom_free(cd, d);
		} else {
			pp = &d->next;
		}
	}
}

int
consoled_loop_run(struct consoled *cd)
{
	struct epoll_event evs[MAX_EVENTS];
	uint64_t next_tick = consoled_now_ms() + TICK_MS, now;
	int n, i, r;

	while (!cd->stop) {
		now = consoled_now_ms();
		n = epoll_wait(cd->epfd, evs, MAX_EVENTS,
			       next_tick > now ? (int)(next_tick - now) : 0);
		if (n < 0 && errno != EINTR)
			return -errno;
		for (i = 0; i < n; i++) {
			r = dispatch(cd, &evs[i]);
			if (r < 0)
				return r;
		}
		if (consoled_now_ms() >= next_tick) {
			tick(cd);
			next_tick = consoled_now_ms() + TICK_MS;
		}
	}
	return 0;
}
