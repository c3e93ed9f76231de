/*
 * backends/netback/main.c: xylem-netback, the network backend serving every
 * vif of every domain (docs/man/xylem-netback.8).  Its command line; the
 * pid file (locked: one netback per rundir) and the start-up order are
 * daemon_main's (dom0-tools/common/daemon.c).
 */
#include <stdio.h>

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
	static struct netback nb;
	struct daemon_main m = {
		.program = NETBACK_PROGRAM,
		.cli = {.usage = netback_usage, .ctx = &nb},
		.rundir = xylctl_default_rundir(),
		.init = netback_init,
		.run = netback_run,
		.fini = netback_fini,
	};

	log_init(NETBACK_PROGRAM);
	return daemon_main(&m, argc, argv);
}
