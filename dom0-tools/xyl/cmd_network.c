/*
 * dom0-tools/xyl/cmd_network.c: `xyl network-attach|network-detach|
 * network-list`, as xl has them: a vif spec given as key=value arguments
 * (vif.c parses it), a vif named by devid or MAC, xl's list columns.
 * Served by xylem-netback (docs/netback.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vif.h"
#include "xyl.h"

/* Look the domain up; 0 or XYL_EXIT_ERROR after printing. */
static int
network_domain(struct xyl *x, const char *verb, const char *dom,
	       xyl_domid_t *domid)
{
	struct xylctl *c;
	int rc;

	if (xyl_connect(x, verb, &c) < 0)
		return -1;
	rc = xyl_lookup(c, verb, dom, domid);
	xylctl_close(c);
	return rc < 0 ? -1 : 0;
}

int
cmd_network_attach(struct xyl *x, int argc, char **argv)
{
	char spec[2048] = "";
	struct vif_spec v;
	xyl_domid_t domid;
	int rc;

	if (argc < 2) {
		xyl_usage("network-attach");
		return XYL_EXIT_ERROR;
	}
	for (int i = 2; i < argc; i++) {
		if (strlen(spec) + strlen(argv[i]) + 2 > sizeof(spec)) {
			fprintf(stderr, "xyl: network-attach: spec too long\n");
			return XYL_EXIT_ERROR;
		}
		if (spec[0])
			strcat(spec, ",");
		strcat(spec, argv[i]);
	}
	if (vif_parse(spec, stderr, "xyl: network-attach", &v) < 0)
		return XYL_EXIT_ERROR;
	if (network_domain(x, "network-attach", argv[1], &domid) < 0) {
		vif_spec_free(&v);
		return XYL_EXIT_ERROR;
	}
	rc = vif_attach(x, domid, &v, "network-attach");
	vif_spec_free(&v);
	return rc ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_network_detach(struct xyl *x, int argc, char **argv)
{
	xyl_domid_t domid;
	char *end;
	long devid;

	if (argc != 3) {
		xyl_usage("network-detach");
		return XYL_EXIT_ERROR;
	}
	if (network_domain(x, "network-detach", argv[1], &domid) < 0)
		return XYL_EXIT_ERROR;
	if (strchr(argv[2], ':')) {
		devid = vif_find_mac(x, domid, argv[2]);
		if (devid < 0) {
			fprintf(stderr, "Error: Device %s not connected.\n",
				argv[2]);
			return XYL_EXIT_ERROR;
		}
	} else {
		devid = strtol(argv[2], &end, 10);
		if (*end || devid < 0 || devid > 65535) {
			fprintf(stderr, "Error: Device %s not connected.\n",
				argv[2]);
			return XYL_EXIT_ERROR;
		}
	}
	return vif_detach(x, domid, (uint32_t)devid, "network-detach")
		       ? XYL_EXIT_ERROR
		       : XYL_EXIT_OK;
}

int
cmd_network_list(struct xyl *x, int argc, char **argv)
{
	xyl_domid_t domid;
	int i;

	if (argc < 2) {
		xyl_usage("network-list");
		return XYL_EXIT_ERROR;
	}
	printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n", "Idx", "BE",
	       "Mac Addr.", "handle", "state", "evt-ch", "tx-", "rx-ring-ref",
	       "BE-path");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "0") || !strcmp(argv[i], "Domain-0"))
			continue; /* dom0 has no vifs of ours */
		if (network_domain(x, "network-list", argv[i], &domid) < 0)
			return XYL_EXIT_ERROR;
		vif_list(x, domid);
	}
	return XYL_EXIT_OK;
}
