/*
 * dom0-tools/xyl/vif_xs.c: a vif's xenstore nodes as libxl writes them:
 * the backend directory (n0,r<dom>) and the frontend directory
 * (n<dom>,r0) in one transaction, then the wait for xylem-netback;
 * detach, list and release.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "block.h"
#include "vif.h"

#define VIF_WAIT_MS 10000

static bool
vif_put(struct xs_handle *h, xs_transaction_t t, const char *dir,
	const char *key, const char *fmt, ...)
{
	char path[512], val[1024];
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

static bool
vif_mkdir(struct xs_handle *h, xs_transaction_t t, const char *dir,
	  unsigned owner, unsigned reader)
{
	struct xs_permissions p[2] = {{.id = owner, .perms = XS_PERM_NONE},
				      {.id = reader, .perms = XS_PERM_READ}};

	return xs_mkdir(h, t, dir) && xs_set_permissions(h, t, dir, p, 2);
}

static bool
vif_write_nodes(struct xs_handle *h, xs_transaction_t t, xyl_domid_t domid,
		const struct vif_spec *v, const char *be, const char *fe)
{
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
		 v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
	return vif_mkdir(h, t, be, 0, domid) &&
	       vif_put(h, t, be, "frontend", "%s", fe) &&
	       vif_put(h, t, be, "frontend-id", "%u", domid) &&
	       vif_put(h, t, be, "online", "1") &&
	       vif_put(h, t, be, "state", "1") &&
	       vif_put(h, t, be, "script", "%s", v->script) &&
	       vif_put(h, t, be, "mac", "%s", mac) &&
	       vif_put(h, t, be, "bridge", "%s", v->bridge) &&
	       vif_put(h, t, be, "handle", "%d", v->devid) &&
	       vif_put(h, t, be, "type", "vif") &&
	       vif_put(h, t, be, "hotplug-status", "%s", "") &&
	       (!v->vifname ||
		vif_put(h, t, be, "vifname", "%s", v->vifname)) &&
	       (!v->ip || vif_put(h, t, be, "ip", "%s", v->ip)) &&
	       (!v->rate || vif_put(h, t, be, "rate", "%s", v->rate)) &&
	       (!v->mtu || vif_put(h, t, be, "mtu", "%u", v->mtu)) &&
	       vif_mkdir(h, t, fe, domid, 0) &&
	       vif_put(h, t, fe, "backend", "%s", be) &&
	       vif_put(h, t, fe, "backend-id", "0") &&
	       vif_put(h, t, fe, "state", "1") &&
	       vif_put(h, t, fe, "handle", "%d", v->devid) &&
	       vif_put(h, t, fe, "mac", "%s", mac) &&
	       vif_put(h, t, fe, "trusted", "1") &&
	       vif_put(h, t, fe, "mtu", "%u", v->mtu ? v->mtu : 1500);
}

static char *
vif_read(struct xs_handle *h, const char *dir, const char *key)
{
	char path[512];
	unsigned len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_read(h, XBT_NULL, path, &len);
}

static int
vif_state(struct xs_handle *h, const char *dir)
{
	char *v = vif_read(h, dir, "state");
	int st = v ? atoi(v) : -1;

	free(v);
	return st;
}

static void
vif_nap(void)
{
	struct timespec ts = {0, 20 * 1000000};

	nanosleep(&ts, NULL);
}

static void
vif_paths(xyl_domid_t domid, int devid, char *be, char *fe, size_t cap)
{
	snprintf(be, cap, "/local/domain/0/backend/vif/%u/%d", domid, devid);
	snprintf(fe, cap, "/local/domain/%u/device/vif/%d", domid, devid);
}

static int
vif_wait_backend(struct xs_handle *h, const char *be, const char *verb)
{
	for (int waited = 0; waited < VIF_WAIT_MS; waited += 20) {
		char *hs = vif_read(h, be, "hotplug-status");
		int st = vif_state(h, be);

		if (hs && strcmp(hs, "error") == 0) {
			char *why = vif_read(h, be, "hotplug-error");

			fprintf(stderr, "xyl: %s: xylem-netback: %s\n", verb,
				why ? why : "error");
			free(why);
			free(hs);
			return -EIO;
		}
		free(hs);
		if (st >= 2 && st <= 4)
			return 0;
		vif_nap();
	}
	fprintf(stderr,
		"xyl: %s: xylem-netback did not take the vif within %d s "
		"(is it running? xyl host start)\n",
		verb, VIF_WAIT_MS / 1000);
	return -ETIMEDOUT;
}

/* The lowest devid with no backend node. */
static int
vif_free_devid(struct xs_handle *h, xyl_domid_t domid)
{
	char be[256], fe[256];

	for (int id = 0; id < 4096; id++) {
		vif_paths(domid, id, be, fe, sizeof(be));
		if (vif_state(h, be) < 0)
			return id;
	}
	return -ENOSPC;
}

static int
vif_commit(struct xs_handle *h, xyl_domid_t domid, const struct vif_spec *v,
	   const char *be, const char *fe)
{
	for (;;) {
		xs_transaction_t t = xs_transaction_start(h);

		if (!t || !vif_write_nodes(h, t, domid, v, be, fe)) {
			int rc = -(errno ? errno : EIO);

			if (t)
				xs_transaction_end(h, t, true);
			return rc;
		}
		if (xs_transaction_end(h, t, false))
			return 0;
		if (errno != EAGAIN)
			return -errno;
	}
}

int
vif_attach(struct xyl *x, xyl_domid_t domid, struct vif_spec *v,
	   const char *verb)
{
	struct xs_handle *h = block_xs_open(x);
	char be[256], fe[256];
	int rc;

	if (!h) {
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb,
			strerror(errno));
		return -errno;
	}
	if (v->devid < 0)
		v->devid = vif_free_devid(h, domid);
	if (!v->has_mac) {
		v->mac[0] = 0x00, v->mac[1] = 0x16, v->mac[2] = 0x3e;
		for (int i = 3; i < 6; i++)
			v->mac[i] = (uint8_t)random();
		v->mac[3] &= 0x7f;
		v->has_mac = 1;
	}
	vif_paths(domid, v->devid, be, fe, sizeof(be));
	if (v->devid < 0 || vif_state(h, be) >= 0) {
		fprintf(stderr, "xyl: %s: vif %d already exists\n", verb,
			v->devid);
		xs_close(h);
		return -EEXIST;
	}
	rc = vif_commit(h, domid, v, be, fe);
	if (rc)
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb, strerror(-rc));
	else
		rc = vif_wait_backend(h, be, verb);
	if (rc) {
		xs_rm(h, XBT_NULL, be);
		xs_rm(h, XBT_NULL, fe);
	}
	xs_close(h);
	return rc;
}

int
vif_attach_specs(struct xyl *x, xyl_domid_t domid, char *const *specs, int nr,
		 const char *verb)
{
	srandom((unsigned)time(NULL) ^ (unsigned)getpid() ^ domid);
	for (int i = 0; i < nr; i++) {
		struct vif_spec v;
		int rc = vif_parse(specs[i], stderr, verb, &v);

		if (rc == 0 && v.devid < 0)
			v.devid = i;
		if (rc == 0)
			rc = vif_attach(x, domid, &v, verb);
		vif_spec_free(&v);
		if (rc)
			return rc;
	}
	return 0;
}

int
vif_detach(struct xyl *x, xyl_domid_t domid, uint32_t devid, const char *verb)
{
	struct xs_handle *h = block_xs_open(x);
	char be[256], fe[256];
	int st, rc = -ETIMEDOUT;

	if (!h) {
		fprintf(stderr, "xyl: %s: xenstore: %s\n", verb,
			strerror(errno));
		return -errno;
	}
	vif_paths(domid, (int)devid, be, fe, sizeof(be));
	st = vif_state(h, be);
	if (st < 0) {
		fprintf(stderr, "Error: Device %u not connected.\n", devid);
		xs_close(h);
		return -ENOENT;
	}
	vif_put(h, XBT_NULL, be, "online", "0");
	if (st != 6)
		vif_put(h, XBT_NULL, be, "state", "5");
	for (int waited = 0; waited < VIF_WAIT_MS; waited += 20) {
		if (vif_state(h, be) == 6) {
			rc = 0;
			break;
		}
		vif_nap();
	}
	/* Gone either way: the backend tears the TAP down when the
	 * directory goes. */
	xs_rm(h, XBT_NULL, be);
	xs_rm(h, XBT_NULL, fe);
	xs_close(h);
	if (rc)
		fprintf(stderr,
			"xyl: %s: vif %u: the backend did not close; "
			"removed anyway\n",
			verb, devid);
	return 0;
}

int
vif_find_mac(struct xyl *x, xyl_domid_t domid, const char *mac)
{
	struct xs_handle *h = block_xs_open(x);
	char dir[256], **ids;
	unsigned n = 0;
	int found = -ENOENT;

	if (!h)
		return -errno;
	snprintf(dir, sizeof(dir), "/local/domain/0/backend/vif/%u", domid);
	ids = xs_directory(h, XBT_NULL, dir, &n);
	for (unsigned i = 0; ids && i < n && found < 0; i++) {
		char sub[300], *m;

		snprintf(sub, sizeof(sub), "%s/%s", dir, ids[i]);
		m = vif_read(h, sub, "mac");
		if (m && strcasecmp(m, mac) == 0)
			found = atoi(ids[i]);
		free(m);
	}
	free(ids);
	xs_close(h);
	return found;
}

int
vif_list(struct xyl *x, xyl_domid_t domid)
{
	struct xs_handle *h = block_xs_open(x);
	char dir[256], **ids;
	unsigned n = 0;

	if (!h)
		return -errno;
	snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
	ids = xs_directory(h, XBT_NULL, dir, &n);
	for (unsigned i = 0; ids && i < n; i++) {
		char fe[300], *mac, *be, *st, *ev, *tx, *rx;

		snprintf(fe, sizeof(fe), "%s/%s", dir, ids[i]);
		mac = vif_read(h, fe, "mac");
		be = vif_read(h, fe, "backend");
		st = vif_read(h, fe, "state");
		ev = vif_read(h, fe, "event-channel");
		tx = vif_read(h, fe, "tx-ring-ref");
		rx = vif_read(h, fe, "rx-ring-ref");
		printf("%-3s %-2s %-17s %-6s %-5s %-6s %5s/%-5s %-30s\n",
		       ids[i], "0", mac ? mac : "-", ids[i], st ? st : "-",
		       ev ? ev : "-1", tx ? tx : "-1", rx ? rx : "-1",
		       be ? be : "-");
		free(mac), free(be), free(st), free(ev), free(tx), free(rx);
	}
	free(ids);
	xs_close(h);
	return 0;
}

void
vif_release(struct xyl *x, xyl_domid_t domid)
{
	struct xs_handle *h = block_xs_open(x);
	char be[256];

	if (!h)
		return;
	snprintf(be, sizeof(be), "/local/domain/0/backend/vif/%u", domid);
	xs_rm(h, XBT_NULL, be);
	xs_close(h);
}
