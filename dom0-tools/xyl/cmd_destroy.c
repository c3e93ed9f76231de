/*
 * dom0-tools/xyl/cmd_destroy.c: `xyl destroy [-f] <dom>`: terminate a
 * domain at once (no shutdown handshake) and release what the toolstack
 * made for it (lifecycle_release; its monitor, seeing the domain go,
 * finds that done and exits).
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "xyl.h"

int
cmd_destroy(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	xyl_domid_t domid;
	char what[128], path[4096];
	int r;

	/* -f (xl: allow domain 0) is accepted; dom0 is the host here. */
	if (argc == 3 && strcmp(argv[1], "-f") == 0) {
		argv[1] = argv[0];
		argv++;
		argc--;
	}
	if (xyl_one_domain(x, "destroy", argc, argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	if (domid == 0) {
		fprintf(stderr, "xyl: destroy: domain 0 cannot be destroyed\n");
		xylctl_close(c);
		return XYL_EXIT_ERROR;
	}
	if (xylctl_domain_getinfo(c, domid, &info) < 0)
		snprintf(info.name, sizeof(info.name), "%s", argv[1]);
	r = xylctl_domain_destroy(c, domid);
	if (r < 0) {
		snprintf(what, sizeof(what), "destroy %s", argv[1]);
		xyl_report(c, what, r);
	} else {
		/* A domain xyl did not create has no record; give it one so
		 * it is cleaned up (xenstore, backends) and released too. */
		if (xyl_record_path(x, domid, path, sizeof(path)) == 0 &&
		    access(path, F_OK) < 0)
			xyl_record_save_minimal(x, domid, info.name);
		lifecycle_release(x, c, domid, info.name, NULL);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
