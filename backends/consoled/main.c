/*
 * backends/consoled/main.c: xylem-consoled's command line, pid file and
 * start-up: connect to xylem-hv, subscribe to its events, pick up the
 * guests already running, then run the loop until SIGTERM/SIGINT.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <unistd.h>

#include "consoled.h"
#include "daemon.h"

#define PROGRAM "xylem-consoled"

static void
usage(FILE *f)
{
	fprintf(f,
		"usage: " PROGRAM " [--rundir DIR] [--pidfile PATH] [-v]...\n"
		"Serve every guest's console ring to "
		"DIR/console/<domid>.pty and DIR/console/<name>.log.\n");
}

struct opts {
	const char *rundir;
	const char *pidfile;
};

static int
parse_args(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"pidfile", required_argument, NULL, 'p'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'r':
			o->rundir = optarg;
			break;
		case 'p':
			o->pidfile = optarg;
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
setup_signals(struct consoled *cd)
{
	struct epoll_event e = {.events = EPOLLIN, .data.ptr = &cd->w_signal};
	int fd = daemon_signalfd(true);

	signal(SIGPIPE, SIG_IGN);
	if (fd < 0)
		return fd;
	cd->sigfd = fd;
	return epoll_ctl(cd->epfd, EPOLL_CTL_ADD, cd->sigfd, &e) < 0 ? -errno
								     : 0;
}

static int
setup(struct consoled *cd)
{
	int r;

	snprintf(cd->condir, sizeof(cd->condir), "%s/console", cd->rundir);
	if (mkdir(cd->condir, 0755) < 0 && errno != EEXIST) {
		log_err("%s: %s", cd->condir, strerror(errno));
		return -errno;
	}
	cd->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (cd->epfd < 0)
		return -errno;
	r = setup_signals(cd);
	if (r < 0)
		return r;
	r = xylctl_open(cd->rundir, &cd->ctl);
	if (r < 0) {
		log_err("cannot reach xylem-hv at %s: %s", cd->rundir,
			strerror(-r));
		return r;
	}
	r = consoled_loop_sync(cd);
	if (r < 0)
		log_err("cannot subscribe to xylem-hv's events: %s",
			strerror(-r));
	return r;
}

static void
teardown(struct consoled *cd)
{
	struct consoled_dom *d;

	while ((d = cd->doms)) {
		cd->doms = d->next;
		consoled_dom_free(cd, d);
	}
	consoled_xs_close(cd);
	if (cd->ev)
		xylctl_close(cd->ev);
	if (cd->ctl)
		xylctl_close(cd->ctl);
	if (cd->sigfd >= 0)
		close(cd->sigfd);
	if (cd->epfd >= 0)
		close(cd->epfd);
}

int
main(int argc, char **argv)
{
	struct consoled cd = {.epfd = -1, .sigfd = -1};
	struct opts o = {0};
	char pidpath[4096];
	int r, pid_fd = -1;

	log_init(PROGRAM);
	log_set_level(DLOG_INFO);
	r = parse_args(argc, argv, &o);
	if (r != 0)
		return r < 0 ? 2 : 0;
	cd.rundir = o.rundir ? o.rundir : xylctl_default_rundir();
	cd.w_events = (struct consoled_watch){CONSOLED_WATCH_EVENTS, NULL};
	cd.w_signal = (struct consoled_watch){CONSOLED_WATCH_SIGNAL, NULL};
	daemon_pidfile_path(pidpath, sizeof(pidpath), cd.rundir, PROGRAM);
	if (o.pidfile)
		snprintf(pidpath, sizeof(pidpath), "%s", o.pidfile);
	pid_fd = daemon_pidfile_claim(pidpath);
	if (pid_fd < 0) {
		log_err("pid file %s: %s", pidpath,
			pid_fd == -EEXIST ? "another " PROGRAM
					    " runs on this rundir"
					  : strerror(-pid_fd));
		return 1;
	}
	r = setup(&cd);
	if (r == 0)
		r = daemon_pidfile_ready(pid_fd);
	if (r == 0) {
		log_info("serving consoles in %s", cd.condir);
		r = consoled_loop_run(&cd);
		if (r < 0)
			log_err("lost xylem-hv: %s", strerror(-r));
	}
	teardown(&cd);
	if (pid_fd >= 0) {
		unlink(pidpath);
		close(pid_fd);
	}
	return r < 0 ? 1 : 0;
}
