/*
 * dom0-tools/xyl/cmd_dmesg.c: `xyl dmesg [-c]`: print the hypervisor's log
 * (xylem-hv's ring, by absolute offset); -c clears it after reading.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include "xyl.h"

int
cmd_dmesg(struct xyl *x, int argc, char **argv)
{
	char buf[XYL_LOG_CHUNK];
	struct xylctl *c;
	uint64_t pos = 0;
	size_t len;
	int opt, clear = 0, r;

	optind = 1;
	while ((opt = getopt(argc, argv, "ch")) != -1) {
		if (opt != 'c') {
			xyl_usage("dmesg");
			return XYL_EXIT_ERROR;
		}
		clear = 1;
	}
	if (optind < argc) {
		xyl_usage("dmesg");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "dmesg", &c) < 0)
		return XYL_EXIT_ERROR;
	do {
		r = xylctl_dmesg(c, &pos, 0, buf, sizeof(buf), &len);
		if (r == 0)
			fwrite(buf, 1, len, stdout);
	} while (r == 0 && len > 0);
	/* Clear only what we printed: the last read is at the end. */
	if (r == 0 && clear)
		r = xylctl_dmesg(c, &pos, 1, buf, sizeof(buf), &len);
	if (r == 0 && clear && len > 0)
		fwrite(buf, 1, len, stdout);
	if (r < 0)
		xyl_report(c, "dmesg", r);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
