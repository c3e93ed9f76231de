/*
 * dom0-tools/sharedtimer/main.c: xylem-sharedtimer's command line and
 * set-up (the pid file and their order are daemon_main's, daemon.h): map
 * the host's shared-timer page read-write through libxylemctl, advertise
 * it in xenstore, run the timer (tick.c).
 */
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "dlog.h"
#include "sharedtimer.h"

static void
usage(FILE *f)
{
	fprintf(f, "usage: " SHAREDTIMER_PROGRAM
		   " [--rundir DIR] [--period-us N] [--realtime] [-v]...\n"
		   "  --period-us N  tick period in microseconds (10..1000000, "
		   "default 1000)\n"
		   "  --realtime     SCHED_FIFO priority 1 (less jitter)\n");
}

/* --period-us N, --realtime */
static int
on_opt(void *arg, int c, const char *value)
{
	struct sharedtimer *st = arg;
	unsigned long us;
	char *end;

	if (c == 'R') {
		st->is_realtime = true;
		return 0;
	}
	errno = 0;
	us = strtoul(value, &end, 10);
	if (errno || *end || value[0] == '-' ||
	    us * 1000 < XYL_STIMER_MIN_PERIOD_NS ||
	    us * 1000 > XYL_STIMER_MAX_PERIOD_NS) {
		log_err("--period-us %s: not in 10..1000000", value);
		return -EINVAL;
	}
	st->period_ns = (uint32_t)(us * 1000);
	return 0;
}

/* Map the page and advertise it ("running" in xenstore). */
static int
setup(void *arg, const char *rundir)
{
	struct sharedtimer *st = arg;
	struct sched_param sp = {.sched_priority = 1};
	int r;

	st->rundir = rundir;
	r = daemon_signalfd(false);
	if (r < 0)
		return r;
	st->signal_fd = r;
	r = xylctl_open(st->rundir, &st->ctl);
	if (r < 0) {
		log_err("cannot reach xylem-hv at %s: %s", st->rundir,
			strerror(-r));
		return r;
	}
	r = xylctl_events_open_domain(st->rundir, XYL_DOMID_MAX, &st->hv_watch);
	if (r < 0) {
		log_err("cannot watch xylem-hv at %s: %s", st->rundir,
			strerror(-r));
		return r;
	}
	r = xylctl_stimer_map(st->ctl, true, &st->page);
	if (r < 0) {
		log_err("shared-timer page: %s (%s)", strerror(-r),
			xylctl_last_detail(st->ctl));
		return r;
	}
	if (st->is_realtime && sched_setscheduler(0, SCHED_FIFO, &sp) < 0)
		log_warn("--realtime: %s; going on without", strerror(errno));
	sharedtimer_xs_publish(st, "running");
	return 0;
}

static int
run(void *arg)
{
	struct sharedtimer *st = arg;
	int r;

	log_info("ticking every %u ns, page at gpa 0x%llx%s", st->period_ns,
		 (unsigned long long)XYL_STIMER_GPA,
		 st->is_realtime ? ", realtime" : "");
	r = sharedtimer_run(st);
	sharedtimer_xs_publish(st, "stopped");
	return r;
}

static void
teardown(void *arg)
{
	struct sharedtimer *st = arg;

	sharedtimer_xs_close(st);
	xylctl_stimer_unmap(&st->page);
	if (st->hv_watch)
		xylctl_close(st->hv_watch);
	if (st->ctl)
		xylctl_close(st->ctl);
	if (st->timer_fd >= 0)
		close(st->timer_fd);
	if (st->signal_fd >= 0)
		close(st->signal_fd);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"period-us", required_argument, NULL, 'p'},
		{"realtime", no_argument, NULL, 'R'},
		{NULL, 0, NULL, 0},
	};
	/* Only main.c's: the one context of the process (STYLE 3.4). */
	static struct sharedtimer st = {
		.period_ns = XYL_STIMER_DEFAULT_PERIOD_NS,
		.timer_fd = -1,
		.signal_fd = -1,
	};
	struct daemon_main m = {
		.program = SHAREDTIMER_PROGRAM,
		.cli = {usage, opts, "p:", on_opt, &st},
		.rundir = xylctl_default_rundir(),
		.init = setup,
		.run = run,
		.fini = teardown,
	};

	log_init(SHAREDTIMER_PROGRAM);
	log_set_level(DLOG_INFO);
	return daemon_main(&m, argc, argv);
}
