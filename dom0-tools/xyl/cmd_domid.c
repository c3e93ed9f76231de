/*
 * dom0-tools/xyl/cmd_domid.c: `xyl domid <name>` and `xyl domname <id>`:
 * translate between a domain's name and its id, with xl's messages.
 * Domain-0 (the host) is id 0.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xyl.h"

int
cmd_domid(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	xyl_domid_t domid;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		xyl_usage("domid");
		return XYL_EXIT_ERROR;
	}
	if (strcmp(argv[1], "Domain-0") == 0) {
		printf("0\n");
		return XYL_EXIT_OK;
	}
	if (xyl_connect(x, "domid", &c) < 0)
		return XYL_EXIT_ERROR;
	/* By name only: a number is not a name (names are never all digits). */
	r = xylctl_domain_lookup(c, argv[1], &domid);
	if (r == 0 && (xylctl_domain_getinfo(c, domid, &info) < 0 ||
		       strcmp(info.name, argv[1]) != 0))
		r = -ESRCH;
	xylctl_close(c);
	if (r < 0) {
		fprintf(stderr,
			"Can't get domid of domain name '%s', maybe this "
			"domain does not exist.\n",
			argv[1]);
		return XYL_EXIT_ERROR;
	}
	printf("%u\n", domid);
	return XYL_EXIT_OK;
}

int
cmd_domname(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	unsigned long id;
	char *end;
	int r;

	if (argc != 2 || argv[1][0] == '-') {
		xyl_usage("domname");
		return XYL_EXIT_ERROR;
	}
	id = strtoul(argv[1], &end, 10);
	if (*end || end == argv[1] || id > XYL_DOMID_MAX) {
		fprintf(stderr, "xyl: domname: '%s' is not a domain id\n",
			argv[1]);
		return XYL_EXIT_ERROR;
	}
	if (id == 0) {
		printf("Domain-0\n");
		return XYL_EXIT_OK;
	}
	if (xyl_connect(x, "domname", &c) < 0)
		return XYL_EXIT_ERROR;
	r = xylctl_domain_getinfo(c, (xyl_domid_t)id, &info);
	xylctl_close(c);
	if (r < 0) {
		fprintf(stderr,
			"Can't get domain name of domain id '%lu', maybe this "
			"domain does not exist.\n",
			id);
		return XYL_EXIT_ERROR;
	}
	printf("%s\n", info.name);
	return XYL_EXIT_OK;
}
