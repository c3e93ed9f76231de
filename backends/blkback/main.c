/*
 * backends/blkback/main.c: xylem-blkback, the block backend serving every
 * vbd of every domain (docs/man/xylem-blkback.8).  Parses arguments, takes
 * the pid file (locked: one blkback per rundir), runs the loop.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "daemon.h"
#include "device.h"

static void
blkback_usage(FILE *f)
{
	fprintf(f,
		"usage: " BLKBACK_PROGRAM
		" [--rundir DIR] [--poll-us N] [-v]...\n"
		"  serves every backend/vbd device of this host's xenstore;\n"
		"  DIR defaults to $XYLEM_RUNDIR or /run/xylem\n");
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"rundir", required_argument, NULL, 'r'},
		{"verbose", no_argument, NULL, 'v'},
		{"poll-us", required_argument, NULL, 'p'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	const char *rundir = NULL;
	char pidpath[4096];
	struct blkback bb;
	uint32_t poll_us = 0;
	int c, rc, pidfd;

	log_init(BLKBACK_PROGRAM);
	while ((c = getopt_long(argc, argv, "r:vh", opts, NULL)) != -1) {
		switch (c) {
		case 'r':
			rundir = optarg;
			break;
		case 'v':
			log_raise_level();
			break;
		case 'p':
			if (be_xenbus_parse_u32(optarg, &poll_us) ||
			    poll_us > 60000000) {
				log_err("--poll-us: 0..60000000 expected");
				return 2;
			}
			break;
		case 'h':
			blkback_usage(stdout);
			return 0;
		default:
			blkback_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		blkback_usage(stderr);
		return 2;
	}
	if (!rundir)
		rundir = xylctl_default_rundir();
	rc = blkback_init(&bb, rundir, poll_us);
	if (rc) {
		blkback_fini(&bb);
		return 1;
	}
	/* The lock is held until exit, so a kill -9 frees it. */
	daemon_pidfile_path(pidpath, sizeof(pidpath), rundir, BLKBACK_PROGRAM);
	pidfd = daemon_pidfile_take(pidpath);
	if (pidfd < 0) {
		log_err("pid file %s: %s", pidpath,
			pidfd == -EEXIST ? "another blkback runs"
					 : strerror(-pidfd));
		blkback_fini(&bb);
		return 1;
	}
	log_info("serving %s", rundir);
	rc = blkback_run(&bb);
	if (rc == 0 && bb.be.exit_code)
		rc = -EPIPE;
	blkback_fini(&bb);
	unlink(pidpath);
	close(pidfd);
	if (rc)
		log_err("loop: %s", strerror(-rc));
	return rc ? 1 : 0;
}
