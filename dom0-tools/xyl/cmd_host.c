/*
 * dom0-tools/xyl/cmd_host.c: `xyl host start|stop|status`: run the host
 * services for $XYLEM_RUNDIR (host.c does the work).
 */
#include <stdio.h>
#include <string.h>

#include "xyl.h"

int
cmd_host(struct xyl *x, int argc, char **argv)
{
	if (argc != 2) {
		xyl_usage("host");
		return XYL_EXIT_ERROR;
	}
	if (strcmp(argv[1], "start") == 0) {
		if (host_start(x) < 0)
			return XYL_EXIT_ERROR;
		/* A child cannot change its shell's environment; like
		 * ssh-agent, print what `eval "$(xyl host start)"` exports so
		 * Debian's xenstore tools find our xenstored. */
		printf("XYLEM_RUNDIR=%s; export XYLEM_RUNDIR;\n"
		       "XENSTORED_PATH=%s/xenstored/socket; "
		       "export XENSTORED_PATH;\n",
		       x->rundir, x->rundir);
		return XYL_EXIT_OK;
	}
	if (strcmp(argv[1], "stop") == 0)
		return host_stop(x) < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
	if (strcmp(argv[1], "status") == 0)
		return host_status(x);
	fprintf(stderr, "xyl: host: unknown action '%s'\n", argv[1]);
	xyl_usage("host");
	return XYL_EXIT_ERROR;
}
