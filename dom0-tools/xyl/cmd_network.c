/*
 * dom0-tools/xyl/cmd_network.c: `xyl network-attach|network-detach|
 * network-list`.  Network devices come with issue 5: attach and detach
 * are refused with a clear message; list shows xl's header and, since no
 * domain can have a vif yet, no rows.
 */
#include <stdio.h>
#include <string.h>

#include "xyl.h"

static int
network_refuse(const char *verb, int argc)
{
	if (argc < 3) {
		xyl_usage(verb);
		return XYL_EXIT_ERROR;
	}
	fprintf(stderr,
		"xyl: %s: network devices are not supported yet (issue 5)\n",
		verb);
	return XYL_EXIT_ERROR;
}

int
cmd_network_attach(struct xyl *x, int argc, char **argv)
{
	(void)x;
	(void)argv;
	return network_refuse("network-attach", argc);
}

int
cmd_network_detach(struct xyl *x, int argc, char **argv)
{
	(void)x;
	(void)argv;
	return network_refuse("network-detach", argc);
}

int
cmd_network_list(struct xyl *x, int argc, char **argv)
{
	struct xylctl *c;
	xyl_domid_t domid;
	int i;

	if (argc < 2) {
		xyl_usage("network-list");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "network-list", &c) < 0)
		return XYL_EXIT_ERROR;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "0") != 0 &&
		    strcmp(argv[i], "Domain-0") != 0 &&
		    xyl_lookup(c, "network-list", argv[i], &domid) < 0) {
			xylctl_close(c);
			return XYL_EXIT_ERROR;
		}
	}
	xylctl_close(c);
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
	       "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
	       "BE-path");
	return XYL_EXIT_OK;
}
