/*
 * dom0-tools/xyl/block_xs.c: a vbd's xenstore nodes as the toolstack
 * writes them (libxl_disk.c's set, xenstore-xl-conventions.md 2.9): the
 * backend directory (n0,r<dom>) and the frontend directory (n<dom>,r0) in
 * one transaction, then the wait for xylem-blkback; detach and release.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json.h>
#include <xenstore.h>

#include "block.h"
#include "dev_xs.h"

static bool
block_write_nodes(struct xs_handle *h, xs_transaction_t t, xyl_domid_t domid,
		  const void *spec, const char *be, const char *fe)
{
	const struct block_disk *d = spec;
	const char *type = d->is_cdrom ? "cdrom" : "disk";

	return devxs_mkdir(h, t, be, 0, domid) &&
	       devxs_put(h, t, be, "frontend", "%s", fe) &&
	       devxs_put(h, t, be, "frontend-id", "%u", domid) &&
	       devxs_put(h, t, be, "online", "1") &&
	       devxs_put(h, t, be, "state", "1") &&
	       devxs_put(h, t, be, "params", "%s", d->target) &&
	       devxs_put(h, t, be, "type", "phy") &&
	       devxs_put(h, t, be, "mode", "%s", d->is_read_only ? "r" : "w") &&
	       devxs_put(h, t, be, "dev", "%s", d->vdev) &&
	       devxs_put(h, t, be, "device-type", "%s", type) &&
	       devxs_put(h, t, be, "removable", "0") &&
	       devxs_put(h, t, be, "bootable", "1") &&
	       (d->discard < 0 ||
		devxs_put(h, t, be, "discard-enable", "%d", d->discard)) &&
	       devxs_mkdir(h, t, fe, domid, 0) &&
	       devxs_put(h, t, fe, "backend", "%s", be) &&
	       devxs_put(h, t, fe, "backend-id", "0") &&
	       devxs_put(h, t, fe, "state", "1") &&
	       devxs_put(h, t, fe, "virtual-device", "%u", d->devid) &&
	       devxs_put(h, t, fe, "device-type", "%s", type) &&
	       devxs_put(h, t, fe, "trusted", "1") &&
	       devxs_put(h, t, fe, "protocol", "x86_64-abi");
}

/* "device-add" / "device-remove" for hooks and `xyl events`. */
static void
block_event(struct xyl *x, const char *event, xyl_domid_t domid, uint32_t devid,
	    const char *vdev, const char *target)
{
	struct json_object *d = json_object_new_object();

	if (!d)
		return;
	json_object_object_add(d, "type", json_object_new_string("vbd"));
	json_object_object_add(d, "devid", json_object_new_int64(devid));
	if (vdev)
		json_object_object_add(d, "vdev", json_object_new_string(vdev));
	if (target)
		json_object_object_add(d, "target",
				       json_object_new_string(target));
	xyl_event(x, event, domid, NULL, NULL, d, NULL, 0);
}

static void
block_paths(xyl_domid_t domid, uint32_t devid, char *be, char *fe, size_t cap)
{
	snprintf(be, cap, "/local/domain/0/backend/vbd/%u/%u", domid, devid);
	snprintf(fe, cap, "/local/domain/%u/device/vbd/%u", domid, devid);
}

int
block_attach(struct xyl *x, xyl_domid_t domid, const struct block_disk *d,
	     const char *verb)
{
	char be[256], fe[256], *old;
	struct xs_handle *h = devxs_open(x, verb);
	int rc;

	if (!h)
		return -errno;
	block_paths(domid, d->devid, be, fe, sizeof(be));
	old = devxs_read(h, be, "state");
	if (old) {
		free(old);
		fprintf(stderr, "xyl: %s: %s: device %u already exists\n", verb,
			d->vdev, d->devid);
		xs_close(h);
		return -EEXIST;
	}
	rc = devxs_add(h, block_write_nodes, domid, d, be, fe, verb,
		       "xylem-blkback", "device");
	xs_close(h);
	if (rc == 0)
		block_event(x, "device-add", domid, d->devid, d->vdev,
			    d->target);
	return rc;
}

int
block_attach_specs(struct xyl *x, xyl_domid_t domid, char *const *specs, int nr,
		   const char *verb)
{
	for (int i = 0; i < nr; i++) {
		struct block_disk d;
		const char *one[1] = {specs[i]};
		int rc;

		rc = block_disk_parse(1, one, stderr, verb, &d);
		if (rc == 0)
			rc = block_attach(x, domid, &d, verb);
		block_disk_free(&d);
		if (rc)
			return rc;
	}
	return 0;
}

int
block_detach(struct xyl *x, xyl_domid_t domid, uint32_t devid, bool force,
	     const char *verb)
{
	char be[256], fe[256], *vdev, *target;
	struct xs_handle *h = devxs_open(x, verb);
	int rc;

	if (!h)
		return -errno;
	block_paths(domid, devid, be, fe, sizeof(be));
	rc = devxs_close(h, be, devid);
	if (rc == -ENOENT) {
		xs_close(h);
		return rc;
	}
	if (rc && !force) {
		fprintf(stderr,
			"xyl: %s: device %u: the backend did not close "
			"(use -f to remove it anyway)\n",
			verb, devid);
		xs_close(h);
		return rc;
	}
	vdev = devxs_read(h, be, "dev");
	target = devxs_read(h, be, "params");
	devxs_rm(h, be, fe);
	xs_close(h);
	block_event(x, "device-remove", domid, devid, vdev, target);
	free(vdev);
	free(target);
	return 0;
}

void
block_release(struct xyl *x, xyl_domid_t domid)
{
	devxs_release(x, domid, "vbd");
}
