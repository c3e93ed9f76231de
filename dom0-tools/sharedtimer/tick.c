/*
 * dom0-tools/sharedtimer/tick.c: the periodic timer and the seqlock writer
 * of the shared-timer page.  This process is the page's only writer; every
 * guest and backend reads it concurrently, so each update follows the
 * sequence rule of include/xylem/sharedtimer.h.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include "dlog.h"
#include "sharedtimer.h"

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void
sharedtimer_page_init(volatile struct xyl_stimer_page *pg, uint32_t period_ns)
{
	/* Called after the first tick is published; a fresh page gets its
	 * magic last (release), so a reader that sees it sees the rest.  A
	 * page left by a previous run keeps its magic throughout. */
	pg->version = XYL_STIMER_VERSION;
	pg->period_ns = period_ns;
	pg->state = XYL_STIMER_RUNNING;
	__atomic_store_n(&pg->magic, XYL_STIMER_MAGIC, __ATOMIC_RELEASE);
}

void
sharedtimer_page_publish(volatile struct xyl_stimer_page *pg, uint64_t tick,
			 uint64_t ns)
{
	uint32_t s = pg->seq;

	/* Odd: mid-update.  The release fence keeps the odd count ahead of
	 * the data stores (store->store). */
	__atomic_store_n(&pg->seq, s + 1, __ATOMIC_RELAXED);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	pg->tick = tick;
	pg->ns = ns;
	/* Even again, after the data (release store). */
	__atomic_store_n(&pg->seq, s + 2, __ATOMIC_RELEASE);
}

void
sharedtimer_page_stop(volatile struct xyl_stimer_page *pg)
{
	__atomic_store_n(&pg->state, XYL_STIMER_STOPPED, __ATOMIC_RELEASE);
}

static int
sharedtimer_arm(struct sharedtimer *st)
{
	struct itimerspec its = {
		.it_interval = {st->period_ns / 1000000000u,
				st->period_ns % 1000000000u},
		.it_value = {st->period_ns / 1000000000u,
			     st->period_ns % 1000000000u},
	};

	st->timer_fd = timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC);
	if (st->timer_fd < 0)
		return -errno;
	if (timerfd_settime(st->timer_fd, 0, &its, NULL) < 0)
		return -errno;
	return 0;
}

/* One wakeup: count every expiration (a late wakeup still advances the
 * tick by the time that passed), then publish. */
static void
sharedtimer_on_tick(struct sharedtimer *st)
{
	uint64_t n;

	if (read(st->timer_fd, &n, sizeof(n)) != (ssize_t)sizeof(n) || n == 0)
		return;
	st->tick += n;
	st->late_ticks += n - 1;
	sharedtimer_page_publish(st->page.page, st->tick, mono_ns());
}

/* The watch connection stirred: xylem-hv is gone (EOF) unless it was a
 * stray event (drained). */
static bool
sharedtimer_hv_gone(struct sharedtimer *st)
{
	struct xyl_ctl_event ev;
	int rc = xylctl_event_next(st->hv_watch, &ev, 0);

	if (rc == 0 || rc == -ETIMEDOUT)
		return false;
	log_info("xylem-hv went away (%s): stopping", strerror(-rc));
	return true;
}

int
sharedtimer_run(struct sharedtimer *st)
{
	struct epoll_event ev[3], e = {.events = EPOLLIN};
	int hv_fd = xylctl_events_fd(st->hv_watch);
	int ep, rc, n;

	rc = sharedtimer_arm(st);
	if (rc)
		return rc;
	ep = epoll_create1(EPOLL_CLOEXEC);
	if (ep < 0)
		return -errno;
	e.data.fd = st->timer_fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, st->timer_fd, &e);
	e.data.fd = st->signal_fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, st->signal_fd, &e);
	e.data.fd = hv_fd;
	epoll_ctl(ep, EPOLL_CTL_ADD, hv_fd, &e);
	/* A tick at once, so readers never see tick 0 once magic is set.
	 * A restarted service continues the count: stamps taken before the
	 * restart stay ordered before those after it. */
	st->tick = st->page.page->magic == XYL_STIMER_MAGIC
			   ? st->page.page->tick + 1
			   : 1;
	sharedtimer_page_publish(st->page.page, st->tick, mono_ns());
	sharedtimer_page_init(st->page.page, st->period_ns);
	for (;;) {
		n = epoll_wait(ep, ev, 3, -1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			rc = -errno;
			break;
		}
		for (int i = 0; i < n; i++)
			if (ev[i].data.fd == st->timer_fd)
				sharedtimer_on_tick(st);
		for (int i = 0; i < n; i++) {
			if (ev[i].data.fd == st->signal_fd)
				goto out;
			if (ev[i].data.fd == hv_fd && sharedtimer_hv_gone(st))
				goto out;
		}
	}
out:
	sharedtimer_page_stop(st->page.page);
	log_info("stopped at tick %llu (%llu late ticks)",
		 (unsigned long long)st->tick,
		 (unsigned long long)st->late_ticks);
	close(ep);
	return rc;
}
