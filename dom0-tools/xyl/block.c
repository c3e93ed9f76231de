/*
 * dom0-tools/xyl/block.c: disk specs for the toolstack, through libxlutil
 * (the only parser of them; config.c and the block verbs call it here),
 * and vdev numbers (xen-vbd-interface(7)).  Pure: no xenstore, no
 * hypervisor (block_xs.c has those), so the config unit tests link it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libxlutil.h>

#include "block.h"

/* "a" -> 0, "z" -> 25, "aa" -> 26 ...; the rest (digits) in *end. */
static int
block_letters(const char *s, const char **end, uint32_t *disk)
{
	uint64_t v = 0;

	if (!islower((unsigned char)*s))
		return -EINVAL;
	for (; islower((unsigned char)*s); s++) {
		v = v * 26 + (uint64_t)(*s - 'a' + 1);
		if (v > 1u << 20)
			return -EINVAL;
	}
	*disk = (uint32_t)v - 1;
	*end = s;
	return 0;
}

/* Optional decimal partition number at s (the whole rest). */
static int
block_part(const char *s, uint32_t *part)
{
	char *end;
	unsigned long v;

	*part = 0;
	if (*s == '\0')
		return 0;
	if (!isdigit((unsigned char)*s) || (s[0] == '0' && s[1]))
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v > 255)
		return -EINVAL;
	*part = (uint32_t)v;
	return 0;
}

static int
block_xvd(uint32_t disk, uint32_t part, uint32_t *devid)
{
	if (disk < 16 && part < 16)
		*devid = 202u << 8 | disk << 4 | part;
	else if (disk < (1u << 20))
		*devid = 1u << 28 | disk << 8 | part;
	else
		return -EINVAL;
	return 0;
}

int
block_vdev_number(const char *vdev, uint32_t *devid)
{
	uint32_t disk, part;
	const char *rest;
	char *end;

	if (isdigit((unsigned char)vdev[0])) {
		unsigned long v = strtoul(vdev, &end, 10);

		if (*end || v == 0 || v > UINT32_MAX)
			return -EINVAL;
		*devid = (uint32_t)v;
		return 0;
	}
	if (vdev[0] == 'd' && isdigit((unsigned char)vdev[1])) {
		disk = (uint32_t)strtoul(vdev + 1, &end, 10);
		if (*end == 'p') {
			if (end[1] == '\0' || block_part(end + 1, &part))
				return -EINVAL;
			return block_xvd(disk, part, devid);
		}
		return *end ? -EINVAL : block_xvd(disk, 0, devid);
	}
	if (strncmp(vdev, "xvd", 3) == 0) {
		if (block_letters(vdev + 3, &rest, &disk) ||
		    block_part(rest, &part))
			return -EINVAL;
		return block_xvd(disk, part, devid);
	}
	if (strncmp(vdev, "sd", 2) == 0) {
		if (block_letters(vdev + 2, &rest, &disk) ||
		    block_part(rest, &part) || disk >= 16 || part >= 16)
			return -EINVAL;
		*devid = 8u << 8 | disk << 4 | part;
		return 0;
	}
	if (strncmp(vdev, "hd", 2) == 0) {
		if (block_letters(vdev + 2, &rest, &disk) ||
		    block_part(rest, &part) || disk >= 4 || part >= 64)
			return -EINVAL;
		*devid = (disk < 2 ? 3u << 8 | disk << 6
				   : 22u << 8 | (disk - 2) << 6) |
			 part;
		return 0;
	}
	return -EINVAL;
}

static void
block_xl_disk_free(libxl_device_disk *d)
{
	free(d->backend_domname);
	free(d->pdev_path);
	free(d->vdev);
	free(d->script);
	free(d->colo_host);
	free(d->colo_export);
	free(d->active_disk);
	free(d->hidden_disk);
}

/* What we serve: raw images in dom0, no scripts. */
static int
block_check(const libxl_device_disk *xd, FILE *report, const char *where)
{
	const char *why = NULL;

	if (xd->format != LIBXL_DISK_FORMAT_RAW &&
	    xd->format != LIBXL_DISK_FORMAT_UNKNOWN)
		why = "only format=raw is supported";
	else if (!xd->pdev_path || !xd->pdev_path[0])
		why = "a target is required (empty cdroms are not supported)";
	else if (xd->backend_domid != 0 ||
		 (xd->backend_domname && strcmp(xd->backend_domname, "0") &&
		  strcmp(xd->backend_domname, "Domain-0")))
		why = "only dom0 backends are supported";
	else if (xd->script)
		why = "hotplug scripts are not supported (xylem-blkback opens "
		      "the target itself)";
	else if (!xd->vdev)
		why = "vdev is required";
	if (!why)
		return 0;
	fprintf(report, "%s: %s\n", where, why);
	return -EINVAL;
}

int
block_disk_parse(int nspecs, const char *const *specs, FILE *report,
		 const char *where, struct block_disk *out)
{
	libxl_device_disk xd;
	XLU_Config *cfg;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&xd, 0, sizeof(xd)); /* libxl_device_disk_init's effect */
	cfg = xlu_cfg_init(report, where);
	if (!cfg)
		return -ENOMEM;
	rc = xlu_disk_parse(cfg, nspecs, specs, &xd);
	xlu_cfg_destroy(cfg);
	if (rc) {
		block_xl_disk_free(&xd);
		return rc == ENOMEM ? -ENOMEM : -EINVAL;
	}
	rc = block_check(&xd, report, where);
	if (rc == 0 && block_vdev_number(xd.vdev, &out->devid)) {
		fprintf(report, "%s: vdev %s: not a virtual device name\n",
			where, xd.vdev);
		rc = -EINVAL;
	}
	if (rc == 0) {
		out->target = xd.pdev_path;
		out->vdev = xd.vdev;
		xd.pdev_path = xd.vdev = NULL;
		out->is_read_only = !xd.readwrite;
		out->is_cdrom = xd.is_cdrom;
		out->discard = xd.discard_enable.val == 0
				       ? -1
				       : xd.discard_enable.val > 0;
	}
	block_xl_disk_free(&xd);
	return rc;
}

void
block_disk_free(struct block_disk *d)
{
	free(d->target);
	free(d->vdev);
	memset(d, 0, sizeof(*d));
}
