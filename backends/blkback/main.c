/*
 * backends/blkback/main.c: xylem-blkback, the block backend serving every
 * vbd of every domain (docs/man/xylem-blkback.8).  Its command line
 * (--poll-us checked here); the pid file (locked: one blkback per rundir)
 * and the start-up order are daemon_main's (dom0-tools/common/daemon.c).
 */
#include <errno.h>
#include <stdio.h>

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

/* --poll-us N */
static int
blkback_on_opt(void *arg, int c, const char *value)
{
	struct blkback *bb = arg;

	(void)c;
	if (be_xenbus_parse_u32(value, &bb->poll_us) ||
	    bb->poll_us > 60000000) {
		log_err("--poll-us: 0..60000000 expected");
		return -EINVAL;
	}
	return 0;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{"poll-us", required_argument, NULL, 'p'},
		{NULL, 0, NULL, 0},
	};
	static struct blkback bb;
	struct daemon_main m = {
		.program = BLKBACK_PROGRAM,
		.cli = {blkback_usage, opts, NULL, blkback_on_opt, &bb},
		.rundir = xylctl_default_rundir(),
		.init = blkback_init,
		.run = blkback_run,
		.fini = blkback_fini,
	};

	log_init(BLKBACK_PROGRAM);
	return daemon_main(&m, argc, argv);
}
