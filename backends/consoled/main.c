/*
 * backends/consoled/main.c: xylem-consoled's command line and start-up
 * (the pid file and their order are daemon_main's, daemon.h): connect to
 * xylem-hv, subscribe to its events, pick up the guests already running,
 * then run the loop until SIGTERM/SIGINT.
 */
#include <errno.h>
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

/* Only main.c's: the one context of the process (STYLE 3.4). */
static struct consoled the_cd = {.epfd = -1, .sigfd = -1};
static struct daemon_main the_main;

/* --pidfile PATH */
static int
on_opt(void *ctx, int c, const char *value)
{
	(void)ctx;
	(void)c;
	the_main.pidfile = value;
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
setup(void *arg, const char *rundir)
{
	struct consoled *cd = arg;
	int r;

	cd->rundir = rundir;
	cd->w_events = (struct consoled_watch){CONSOLED_WATCH_EVENTS, NULL};
	cd->w_signal = (struct consoled_watch){CONSOLED_WATCH_SIGNAL, NULL};
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

static int
run(void *arg)
{
	struct consoled *cd = arg;
	int r;

	log_info("serving consoles in %s", cd->condir);
	r = consoled_loop_run(cd);
	if (r < 0)
		log_err("lost xylem-hv: %s", strerror(-r));
	return r;
}

static void
teardown(void *arg)
{
	struct consoled *cd = arg;
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
	static const struct option opts[] = {
		{"pidfile", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};

	log_init(PROGRAM);
	log_set_level(DLOG_INFO);
	the_main = (struct daemon_main){
		.program = PROGRAM,
		.cli = {usage, opts, NULL, on_opt, &the_cd},
		.rundir = xylctl_default_rundir(),
		.init = setup,
		.run = run,
		.fini = teardown,
	};
	return daemon_main(&the_main, argc, argv);
}
