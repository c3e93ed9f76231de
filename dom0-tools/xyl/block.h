/*
 * dom0-tools/xyl/block.h: the toolstack's block devices: xl disk specs
 * (parsed by libxlutil's xlu_disk_parse), virtual-device numbers, and the
 * backend/frontend xenstore nodes of a vbd served by xylem-blkback
 * (docs/blkback.md, xenstore-xl-conventions.md 2.9-2.10).
 */
#ifndef XYL_BLOCK_H
#define XYL_BLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "xyl.h"

/* One disk, parsed and checked.  Strings are malloc'd. */
struct block_disk {
	char *target;	/* image path (file or block device) */
	char *vdev;	/* as written: "xvda" */
	uint32_t devid; /* virtual-device number */
	bool is_read_only;
	bool is_cdrom;
	int discard; /* 1 / 0, or -1 for the backend's default */
};

/* "xvda", "sdb2", "hdc", "d3p1", "51712" -> virtual-device number;
 * -EINVAL if not a vdev xl accepts. */
int block_vdev_number(const char *vdev, uint32_t *devid);

/* Parse one disk from nspecs spec strings (xl-disk-configuration(5));
 * errors are printed to report as "<where>: ...".  0, -EINVAL (bad spec,
 * a format other than raw, a backend other than dom0 or an empty
 * target), -ENOMEM. */
int block_disk_parse(int nspecs, const char *const *specs, FILE *report,
		     const char *where, struct block_disk *out);
void block_disk_free(struct block_disk *d);

/* Write the vbd's nodes for domid (one transaction) and wait for
 * xylem-blkback to take it (InitWait, or its hotplug-error).  Errors are
 * printed as "xyl: <verb>: ...". */
int block_attach(struct xyl *x, xyl_domid_t domid, const struct block_disk *d,
		 const char *verb);
/* Parse and attach every `disk = [...]` entry of a new domain. */
int block_attach_specs(struct xyl *x, xyl_domid_t domid, char *const *specs,
		       int nr, const char *verb);
/* Toolstack-initiated close (libxl's generic remove): online=0, state=5,
 * wait for Closed, then remove both directories.  force: remove them even
 * if the backend does not answer.  -ENOENT no such device (printed as xl
 * does), -ETIMEDOUT. */
int block_detach(struct xyl *x, xyl_domid_t domid, uint32_t devid, bool force,
		 const char *verb);
/* A dead domain: remove its backend/vbd/<domid> (idempotent, quiet). */
void block_release(struct xyl *x, xyl_domid_t domid);

#endif
