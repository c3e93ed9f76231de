/*
 * dom0-tools/xyl/block_xs.c: a vbd's xenstore nodes as the toolstack
 * writes them (libxl_disk.c's set, xenstore-xl-conventions.md 2.9): the
 * backend directory (n0,r<dom>) and the frontend directory (n<dom>,r0) in
 * one transaction, then the wait for xylem-blkback; detach and release.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <json.h>
#include <xenstore.h>

#include "block.h"
#include "xs_domain.h"

#define BLOCK_WAIT_MS 10000

struct xs_handle *
block_xs_open(struct xyl *x)
{
	char path[4096];
	struct stat st;
	struct xs_handle *h;

	xsdomain_socket_path(x, path, sizeof(path));
	if (stat(path, &st) < 0 || !S_ISSOCK(st.st_mode)) {
		errno = ENOENT;
		return NULL;
	}
	setenv("XENSTORED_PATH", path, 1);
	h = xs_open(0);
	if (!h && errno == 0)
		errno = ECONNREFUSED;
	return h;
}

static bool
block_put(struct xs_handle *h, xs_transaction_t t, const char *dir,
	  const char *key, const char *fmt, ...)
{
	char path[512], val[4096];
	va_list ap;
	int n;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val))
		return false;
	return xs_write(h, t, path, val, (unsigned)n);
}

/* dir = "" owned by owner, readable by reader. */
static bool
block_mkdir(struct xs_handle *h, xs_transaction_t t, const char *dir,
	    unsigned owner, unsigned reader)
{
	struct xs_permissions p[2] = {{.id = owner, .perms = XS_PERM_NONE},
				      {.id = reader, .perms = XS_PERM_READ}};

	return xs_mkdir(h, t, dir) && xs_set_permissions(h, t, dir, p, 2);
}

static bool
block_write_nodes(struct xs_handle *h, xs_transaction_t t, xyl_domid_t domid,
		  const struct block_disk *d, const char *be, const char *fe)
{
	const char *type = d->is_cdrom ? "cdrom" : "disk";

	return block_mkdir(h, t, be, 0, domid) &&
	       block_put(h, t, be, "frontend", "%s", fe) &&
	       block_put(h, t, be, "frontend-id", "%u", domid) &&
	       block_put(h, t, be, "online", "1") &&
	       block_put(h, t, be, "state", "1") &&
	       block_put(h, t, be, "params", "%s", d->target) &&
	       block_put(h, t, be, "type", "phy") &&
	       block_put(h, t, be, "mode", "%s", d->is_read_only ? "r" : "w") &&
	       block_put(h, t, be, "dev", "%s", d->vdev) &&
	       block_put(h, t, be, "device-type", "%s", type) &&
	       block_put(h, t, be, "removable", "0") &&
	       block_put(h, t, be, "bootable", "1") &&
	       (d->discard < 0 ||
		block_put(h, t, be, "discard-enable", "%d", d->discard)) &&
	       block_mkdir(h, t, fe, domid, 0) &&
	       block_put(h, t, fe, "backend", "%s", be) &&
	       block_put(h, t, fe, "backend-id", "0") &&
	       block_put(h, t, fe, "state", "1") &&
	       block_put(h, t, fe, "virtual-device", "%u", d->devid) &&
	       block_put(h, t, fe, "device-type", "%s", type) &&
	       block_put(h, t, fe, "trusted", "1") &&
	       block_put(h, t, fe, "protocol", "x86_64-abi");
}

static char *
block_read(struct xs_handle *h, const char *dir, const char *key)
{
	char path[512];
	unsigned len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_read(h, XBT_NULL, path, &len);
}

static int
block_state(struct xs_handle *h, const char *dir)
{
	char *v = block_read(h, dir, "state");
	int st = v ? atoi(v) : -1;

	free(v);
	return st;
}

static void
block_nap(void)
{
	struct timespec ts = {0, 20 * 1000000};

	nanosleep(&ts, NULL);
}

/* Wait for xylem-blkback: InitWait (or later) is success; a
 * hotplug-status of "error" is its refusal. */
static int
block_wait_backend(struct xs_handle *h, const char *be, const char *verb)
{
	for (int waited = 0; waited < BLOCK_WAIT_MS; waited += 20) {
		char *hs = block_read(h, be, "hotplug-status");
		int st = block_state(h, be);

		if (hs && strcmp(hs, "error") == 0) {
			char *why = block_read(h, be, "hotplug-error");

			fprintf(stderr, "xyl: %s: xylem-blkback: %s\n", verb,
				why ? why : "error");
			free(why);
			free(hs);
			return -EIO;
		}
		free(hs);
		if (st >= 2 && st <= 4)
			return 0;
		block_nap();
	}
	fprintf(stderr,
		"xyl: %s: xylem-blkback did not take the device within %d s "
		"(is it running? xyl host start)\n",
		verb, BLOCK_WAIT_MS / 1000);
	return -ETIMEDOUT;
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

static void
block_rm_nodes(struct xs_handle *h, const char *be, const char *fe)
{
	xs_rm(h, XBT_NULL, be);
	xs_rm(h, XBT_NULL, fe);
}

int
block_attach(struct xyl *x, xyl_domid_t domid, const struct block_disk *d,
	     const char *verb)
{
	char be[256], fe[256], *old;
	struct xs_handle *h = block_xs_open(x);
	xs_transaction_t t;
	int rc = 0;

	if (!h) {
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb,
			strerror(errno));
		return -errno;
	}
	block_paths(domid, d->devid, be, fe, sizeof(be));
	old = block_read(h, be, "state");
	if (old) {
		free(old);
		fprintf(stderr, "xyl: %s: %s: device %u already exists\n", verb,
			d->vdev, d->devid);
		xs_close(h);
		return -EEXIST;
	}
	for (;;) {
		t = xs_transaction_start(h);
		if (!t || !block_write_nodes(h, t, domid, d, be, fe)) {
			rc = -(errno ? errno : EIO);
			if (t)
				xs_transaction_end(h, t, true);
			break;
		}
		if (xs_transaction_end(h, t, false))
			break;
		if (errno != EAGAIN) {
			rc = -errno;
			break;
		}
	}
	if (rc)
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb, strerror(-rc));
	else
		rc = block_wait_backend(h, be, verb);
	if (rc)
		block_rm_nodes(h, be, fe);
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
	struct xs_handle *h = block_xs_open(x);
	int rc = -ETIMEDOUT, st;

	if (!h) {
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb,
			strerror(errno));
		return -errno;
	}
	block_paths(domid, devid, be, fe, sizeof(be));
	st = block_state(h, be);
	if (st < 0) {
		fprintf(stderr, "Error: Device %u not connected.\n", devid);
		xs_close(h);
		return -ENOENT;
	}
	block_put(h, XBT_NULL, be, "online", "0");
	if (st != 6)
		block_put(h, XBT_NULL, be, "state", "5");
	for (int waited = 0; waited < BLOCK_WAIT_MS; waited += 20) {
		if (block_state(h, be) == 6) {
			rc = 0;
			break;
		}
		block_nap();
	}
	if (rc && !force) {
		fprintf(stderr,
			"xyl: %s: device %u: the backend did not close "
			"(use -f to remove it anyway)\n",
			verb, devid);
		xs_close(h);
		return rc;
	}
	vdev = block_read(h, be, "dev");
	target = block_read(h, be, "params");
	block_rm_nodes(h, be, fe);
	xs_close(h);
	block_event(x, "device-remove", domid, devid, vdev, target);
	free(vdev);
	free(target);
	return 0;
}

void
block_release(struct xyl *x, xyl_domid_t domid)
{
	struct xs_handle *h = block_xs_open(x);
	char be[256];

	if (!h)
		return;
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u", domid);
	xs_rm(h, XBT_NULL, be);
	xs_close(h);
}
