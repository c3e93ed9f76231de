/*
 * dom0-tools/xyl/cmd_destroy.c: `xyl destroy <dom>`: terminate a domain at
 * once (no shutdown handshake) and forget xyl's record of it.  Its monitor
 * sees the domain go and exits.
 */
#include <stdio.h>

#include "xyl.h"

int
cmd_destroy(struct xyl *x, int argc, char **argv)
{
	struct xylctl *c;
	xyl_domid_t domid;
	char what[128];
	int r;

	if (xyl_one_domain(x, "destroy", argc, argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	if (domid == 0) {
		fprintf(stderr, "xyl: destroy: domain 0 cannot be destroyed\n");
		xylctl_close(c);
		return XYL_EXIT_ERROR;
	}
	r = xylctl_domain_destroy(c, domid);
	if (r < 0) {
		snprintf(what, sizeof(what), "destroy %s", argv[1]);
		xyl_report(c, what, r);
	} else {
		xyl_record_remove(x, domid);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
