/*
 * dom0-tools/xyl/vif_xs.c: a vif's xenstore nodes as libxl writes them:
 * the backend directory (n0,r<dom>) and the frontend directory
 * (n<dom>,r0) in one transaction, then the wait for xylem-netback;
 * detach, list and release.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <xenstore.h>

#include "dev_xs.h"
#include "vif.h"
#include "xs_domain.h"

static bool
vif_write_nodes(struct xs_handle *h, xs_transaction_t t, xyl_domid_t domid,
		const void *spec, const char *be, const char *fe)
{
	const struct vif_spec *v = spec;
	char mac[18];

	snprintf(mac, sizeof(mac), "%02x:%02x:%02x:%02x:%02x:%02x", v->mac[0],
		 v->mac[1], v->mac[2], v->mac[3], v->mac[4], v->mac[5]);
	return devxs_mkdir(h, t, be, 0, domid) &&
	       devxs_put(h, t, be, "frontend", "%s", fe) &&
	       devxs_put(h, t, be, "frontend-id", "%u", domid) &&
	       devxs_put(h, t, be, "online", "1") &&
	       devxs_put(h, t, be, "state", "1") &&
	       devxs_put(h, t, be, "script", "%s", v->script) &&
	       devxs_put(h, t, be, "mac", "%s", mac) &&
	       devxs_put(h, t, be, "bridge", "%s", v->bridge) &&
	       devxs_put(h, t, be, "handle", "%d", v->devid) &&
	       devxs_put(h, t, be, "type", "vif") &&
	       devxs_put(h, t, be, "hotplug-status", "%s", "") &&
	       (!v->vifname ||
		devxs_put(h, t, be, "vifname", "%s", v->vifname)) &&
	       (!v->ip || devxs_put(h, t, be, "ip", "%s", v->ip)) &&
	       (!v->rate || devxs_put(h, t, be, "rate", "%s", v->rate)) &&
	       (!v->mtu || devxs_put(h, t, be, "mtu", "%u", v->mtu)) &&
	       devxs_mkdir(h, t, fe, domid, 0) &&
	       devxs_put(h, t, fe, "backend", "%s", be) &&
	       devxs_put(h, t, fe, "backend-id", "0") &&
	       devxs_put(h, t, fe, "state", "1") &&
	       devxs_put(h, t, fe, "handle", "%d", v->devid) &&
	       devxs_put(h, t, fe, "mac", "%s", mac) &&
	       devxs_put(h, t, fe, "trusted", "1") &&
	       devxs_put(h, t, fe, "mtu", "%u", v->mtu ? v->mtu : 1500);
}

static void
vif_paths(xyl_domid_t domid, int devid, char *be, char *fe, size_t cap)
{
	snprintf(be, cap, "/local/domain/0/backend/vif/%u/%d", domid, devid);
	snprintf(fe, cap, "/local/domain/%u/device/vif/%d", domid, devid);
}

/* The lowest devid with no backend node. */
static int
vif_free_devid(struct xs_handle *h, xyl_domid_t domid)
{
	char be[256], fe[256];

	for (int id = 0; id < 4096; id++) {
		vif_paths(domid, id, be, fe, sizeof(be));
		if (devxs_state(h, be) < 0)
			return id;
	}
	return -ENOSPC;
}

int
vif_attach(struct xyl *x, xyl_domid_t domid, struct vif_spec *v,
	   const char *verb)
{
	struct xs_handle *h = devxs_open(x, verb);
	char be[256], fe[256];
	int rc;

	if (!h)
		return -errno;
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
	if (v->devid < 0 || devxs_state(h, be) >= 0) {
		fprintf(stderr, "xyl: %s: vif %d already exists\n", verb,
			v->devid);
		xs_close(h);
		return -EEXIST;
	}
	rc = devxs_add(h, vif_write_nodes, domid, v, be, fe, verb,
		       "xylem-netback", "vif");
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
	struct xs_handle *h = devxs_open(x, verb);
	char be[256], fe[256];
	int rc;

	if (!h)
		return -errno;
	vif_paths(domid, (int)devid, be, fe, sizeof(be));
	rc = devxs_close(h, be, devid);
	if (rc == -ENOENT) {
		xs_close(h);
		return rc;
	}
	/* Gone either way: the backend tears the TAP down when the
	 * directory goes. */
	devxs_rm(h, be, fe);
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
	struct xs_handle *h = xsdomain_connect(x);
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
		m = devxs_read(h, sub, "mac");
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
	struct xs_handle *h = xsdomain_connect(x);
	char dir[256], **ids;
	unsigned n = 0;

	if (!h)
		return -errno;
	snprintf(dir, sizeof(dir), "/local/domain/%u/device/vif", domid);
	ids = xs_directory(h, XBT_NULL, dir, &n);
	for (unsigned i = 0; ids && i < n; i++) {
		char fe[300], *mac, *be, *st, *ev, *tx, *rx;

		snprintf(fe, sizeof(fe), "%s/%s", dir, ids[i]);
		mac = devxs_read(h, fe, "mac");
		be = devxs_read(h, fe, "backend");
		st = devxs_read(h, fe, "state");
		ev = devxs_read(h, fe, "event-channel");
		tx = devxs_read(h, fe, "tx-ring-ref");
		rx = devxs_read(h, fe, "rx-ring-ref");
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
	devxs_release(x, domid, "vif");
}
