/*
 * dom0-tools/xyl/cmd_block.c: `xyl block-attach <Domain> <disk-spec>...`,
 * `xyl block-detach [-f] <Domain> <vdev|DevId>` and `xyl block-list [-l]
 * <Domain(s)>` (xl's verbs; -l adds xylem-blkback's counters).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <xenstore.h>

#include "block.h"
#include "xs_domain.h"

int
cmd_block_attach(struct xyl *x, int argc, char **argv)
{
	struct block_disk d;
	struct xylctl *c;
	xyl_domid_t domid;
	int rc;

	if (argc < 3) {
		xyl_usage("block-attach");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "block-attach", &c) < 0)
		return XYL_EXIT_ERROR;
	rc = xyl_lookup(c, "block-attach", argv[1], &domid);
	xylctl_close(c);
	if (rc < 0)
		return XYL_EXIT_ERROR;
	rc = block_disk_parse(argc - 2, (const char *const *)argv + 2, stderr,
			      "xyl: block-attach", &d);
	if (rc == 0)
		rc = block_attach(x, domid, &d, "block-attach");
	block_disk_free(&d);
	return rc ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_block_detach(struct xyl *x, int argc, char **argv)
{
	bool force = false;
	struct xylctl *c;
	xyl_domid_t domid;
	uint32_t devid;
	int opt, rc;

	optind = 1;
	while ((opt = getopt(argc, argv, "+f")) != -1) {
		if (opt != 'f') {
			xyl_usage("block-detach");
			return XYL_EXIT_ERROR;
		}
		force = true;
	}
	if (argc - optind != 2) {
		xyl_usage("block-detach");
		return XYL_EXIT_ERROR;
	}
	if (block_vdev_number(argv[optind + 1], &devid)) {
		fprintf(stderr, "xyl: block-detach: %s: not a vdev or DevId\n",
			argv[optind + 1]);
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "block-detach", &c) < 0)
		return XYL_EXIT_ERROR;
	rc = xyl_lookup(c, "block-detach", argv[optind], &domid);
	xylctl_close(c);
	if (rc < 0)
		return XYL_EXIT_ERROR;
	rc = block_detach(x, domid, devid, force, "block-detach");
	return rc ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

static long
block_num(struct xs_handle *h, const char *dir, const char *key)
{
	char path[512], *v;
	unsigned len;
	long n = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	v = xs_read(h, XBT_NULL, path, &len);
	if (v)
		n = strtol(v, NULL, 10);
	free(v);
	return n;
}

/* xylem-blkback's counters for one device (rundir/blkback/D-N.stats). */
static void
block_print_stats(struct xyl *x, xyl_domid_t domid, uint32_t devid)
{
	char path[4096], line[128];
	FILE *f;
	int col = 0;

	snprintf(path, sizeof(path), "%s/blkback/%u-%u.stats", x->rundir, domid,
		 devid);
	f = fopen(path, "re");
	if (!f) {
		printf("      (no counters: xylem-blkback has not served "
		       "it)\n");
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = '\0';
		printf("%s%-28s", col == 0 ? "      " : " ", line);
		if (++col == 3) {
			printf("\n");
			col = 0;
		}
	}
	if (col)
		printf("\n");
	fclose(f);
}

static void
block_list_one(struct xyl *x, struct xs_handle *h, xyl_domid_t domid,
	       bool is_long)
{
	char dir[128], be[512], fe[512];
	unsigned n = 0;
	char **devs;

	snprintf(dir, sizeof(dir), "/local/domain/0/backend/vbd/%u", domid);
	devs = xs_directory(h, XBT_NULL, dir, &n);
	for (unsigned i = 0; devs && i < n; i++) {
		uint32_t devid = (uint32_t)strtoul(devs[i], NULL, 10);

		snprintf(be, sizeof(be), "%s/%s", dir, devs[i]);
		snprintf(fe, sizeof(fe), "/local/domain/%u/device/vbd/%s",
			 domid, devs[i]);
		printf("%-5u %-3d %-6u %-5ld %-6ld %-8ld %-30s\n", devid, 0,
		       domid, block_num(h, fe, "state"),
		       block_num(h, fe, "event-channel"),
		       block_num(h, fe, "ring-ref"), be);
		if (is_long)
			block_print_stats(x, domid, devid);
	}
	free(devs);
}

int
cmd_block_list(struct xyl *x, int argc, char **argv)
{
	struct xs_handle *h;
	bool is_long = false;
	struct xylctl *c;
	xyl_domid_t domid;
	int opt, rc = XYL_EXIT_OK;

	optind = 1;
	while ((opt = getopt(argc, argv, "+l")) != -1) {
		if (opt != 'l') {
			xyl_usage("block-list");
			return XYL_EXIT_ERROR;
		}
		is_long = true;
	}
	if (optind >= argc) {
		xyl_usage("block-list");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "block-list", &c) < 0)
		return XYL_EXIT_ERROR;
	h = xsdomain_connect(x);
	printf("%-5s %-3s %-6s %-5s %-6s %-8s %-30s\n", "Vdev", "BE", "handle",
	       "state", "evt-ch", "ring-ref", "BE-path");
	for (int i = optind; i < argc; i++) {
		if (xyl_lookup(c, "block-list", argv[i], &domid) < 0) {
			rc = XYL_EXIT_ERROR;
			continue;
		}
		if (h)
			block_list_one(x, h, domid, is_long);
	}
	if (h)
		xs_close(h);
	xylctl_close(c);
	return rc;
}
