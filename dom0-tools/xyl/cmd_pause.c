/*
 * dom0-tools/xyl/cmd_pause.c: `xyl pause <dom>` and `xyl unpause <dom>`:
 * stop or resume all of a domain's vCPUs (the toolstack's pause count,
 * as xl's).
 */
#include <stdio.h>

#include "xyl.h"

static int
pause_verb(struct xyl *x, const char *verb, int argc, char **argv,
	   int (*op)(struct xylctl *, xyl_domid_t))
{
	struct xylctl *c;
	xyl_domid_t domid;
	char what[128];
	int r;

	if (xyl_one_domain(x, verb, argc, argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	if (domid == 0) {
		fprintf(stderr, "xyl: %s: domain 0 cannot be paused\n", verb);
		xylctl_close(c);
		return XYL_EXIT_ERROR;
	}
	r = op(c, domid);
	if (r < 0) {
		snprintf(what, sizeof(what), "%s %s", verb, argv[1]);
		xyl_report(c, what, r);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_pause(struct xyl *x, int argc, char **argv)
{
	return pause_verb(x, "pause", argc, argv, xylctl_domain_pause);
}

int
cmd_unpause(struct xyl *x, int argc, char **argv)
{
	return pause_verb(x, "unpause", argc, argv, xylctl_domain_unpause);
}
