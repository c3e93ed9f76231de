/*
 * dom0-tools/sharedtimer/main.c: xylem-sharedtimer's command line, pid
 * file and set-up: map the host's shared-timer page read-write through
 * libxylemctl, advertise it in xenstore, run the timer (tick.c).
 */
#include <errno.h>
#include <getopt.h>
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

static int
parse_args(int argc, char **argv, struct sharedtimer *st)
{
	static const struct option longopts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"period-us", required_argument, NULL, 'p'},
		{"realtime", no_argument, NULL, 'R'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	unsigned long us;
	char *end;
	int c;

	while ((c = getopt_long(argc, argv, "r:p:vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			st->rundir = optarg;
			break;
		case 'p':
			errno = 0;
			us = strtoul(optarg, &end, 10);
			if (errno || *end || optarg[0] == '-' ||
			    us * 1000 < XYL_STIMER_MIN_PERIOD_NS ||
			    us * 1000 > XYL_STIMER_MAX_PERIOD_NS) {
				log_err("--period-us %s: not in 10..1000000",
					optarg);
				return -EINVAL;
			}
			st->period_ns = (uint32_t)(us * 1000);
			break;
		case 'R':
			st->is_realtime = true;
			break;
		case 'v':
			log_raise_level();
			break;
		case 'h':
			usage(stdout);
			return 1;
		default:
			usage(stderr);
			return -EINVAL;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return -EINVAL;
	}
	return 0;
}

static int
setup(struct sharedtimer *st)
{
	struct sched_param sp = {.sched_priority = 1};
	int r;

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
	return 0;
}

int
main(int argc, char **argv)
{
	struct sharedtimer st = {.timer_fd = -1, .signal_fd = -1};
	char pidpath[4096];
	int r, pid_fd;

	log_init(SHAREDTIMER_PROGRAM);
	log_set_level(DLOG_INFO);
	st.period_ns = XYL_STIMER_DEFAULT_PERIOD_NS;
	r = parse_args(argc, argv, &st);
	if (r != 0)
		return r < 0 ? 2 : 0;
	if (!st.rundir)
		st.rundir = xylctl_default_rundir();
	/* One service per rundir; the pid is written once we serve. */
	daemon_pidfile_path(pidpath, sizeof(pidpath), st.rundir,
			    SHAREDTIMER_PROGRAM);
	pid_fd = daemon_pidfile_claim(pidpath);
	if (pid_fd < 0) {
		log_err("pid file %s: %s", pidpath,
			pid_fd == -EEXIST ? "another " SHAREDTIMER_PROGRAM
					    " runs on this rundir"
					  : strerror(-pid_fd));
		return 1;
	}
	r = setup(&st);
	if (r == 0) {
		sharedtimer_xs_publish(&st, "running");
		r = daemon_pidfile_ready(pid_fd);
	}
	if (r == 0) {
		log_info("ticking every %u ns, page at gpa 0x%llx%s",
			 st.period_ns, (unsigned long long)XYL_STIMER_GPA,
			 st.is_realtime ? ", realtime" : "");
		r = sharedtimer_run(&st);
		sharedtimer_xs_publish(&st, "stopped");
	}
	sharedtimer_xs_close(&st);
	xylctl_stimer_unmap(&st.page);
	if (st.hv_watch)
		xylctl_close(st.hv_watch);
	if (st.ctl)
		xylctl_close(st.ctl);
	if (st.timer_fd >= 0)
		close(st.timer_fd);
	if (st.signal_fd >= 0)
		close(st.signal_fd);
	unlink(pidpath);
	close(pid_fd);
	return r < 0 ? 1 : 0;
}
