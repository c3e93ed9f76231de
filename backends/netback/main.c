/*
 * backends/netback/main.c: xylem-netback, the network backend serving every
 * vif of every domain (docs/man/xylem-netback.8).  Parses arguments, takes
 * the pid file (locked: one netback per rundir), runs the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "netback.h"

static void
netback_usage(FILE *f)
{
	fprintf(f,
		"usage: " NETBACK_PROGRAM " [--rundir DIR] [-v]...\n"
		"  serves every backend/vif device of this host's xenstore;\n"
		"  DIR defaults to $XYLEM_RUNDIR or /run/xylem\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = NULL;
	char pidpath[4096];
	struct netback nb;
	int c, rc, pidfd;

	log_init(NETBACK_PROGRAM);
	while ((c = getopt_long(argc, argv, "r:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rundir = optarg;
			break;
		case 'v':
			log_raise_level();
			break;
		case 'h':
			netback_usage(stdout);
			return 0;
		default:
			netback_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		netback_usage(stderr);
		return 2;
	}
	if (!rundir)
		rundir = xylctl_default_rundir();
	rc = netback_init(&nb, rundir);
	if (rc) {
		netback_fini(&nb);
		return 1;
	}
	/* The lock is held until exit, so a kill -9 frees it. */
	daemon_pidfile_path(pidpath, sizeof(pidpath), rundir, NETBACK_PROGRAM);
	pidfd = daemon_pidfile_take(pidpath);
	if (pidfd < 0) {
		log_err("pid file %s: %s", pidpath,
			pidfd == -EEXIST ? "another netback runs"
					 : strerror(-pidfd));
		netback_fini(&nb);
		return 1;
	}
	log_info("serving %s", rundir);
	rc = netback_run(&nb);
	if (rc == 0 && nb.exit_code)
		rc = -EPIPE;
	netback_fini(&nb);
	unlink(pidpath);
	close(pidfd);
	if (rc)
		log_err("loop: %s", strerror(-rc));
	return rc ? 1 : 0;
}
