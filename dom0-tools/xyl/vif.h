/*
 * dom0-tools/xyl/vif.h: the toolstack's network devices: xl vif specs
 * (xl-network-configuration(5) keys: mac, bridge, ip, script, vifname,
 * rate, mtu, type, model, backend, devid), and the backend/frontend
 * xenstore nodes of a vif served by xylem-netback (docs/netback.md,
 * xenstore-xl-conventions.md 2.10).
 */
#ifndef XYL_VIF_H
#define XYL_VIF_H

#include <stdint.h>
#include <stdio.h>

#include "xyl.h"

#define VIF_DEFAULT_BRIDGE "xenbr0"
#define VIF_DEFAULT_SCRIPT "vif-bridge"

/* One vif, parsed and checked.  Strings are malloc'd or NULL. */
struct vif_spec {
	uint8_t mac[6];
	int has_mac;
	int devid; /* -1: the next free one */
	char *bridge, *ip, *script, *vifname, *rate;
	uint32_t mtu; /* 0: backend default */
};

/* Parse one spec ("mac=..,bridge=.."); problems are printed to report
 * as "<where>: ...".  0, -EINVAL, -ENOMEM. */
int vif_parse(const char *spec, FILE *report, const char *where,
	      struct vif_spec *out);
void vif_spec_free(struct vif_spec *v);
/* Write the vif's nodes (one transaction) and wait for xylem-netback
 * (InitWait, or its hotplug-error).  Errors printed as "xyl: <verb>:". */
int vif_attach(struct xyl *x, xyl_domid_t domid, struct vif_spec *v,
	       const char *verb);
/* Attach every `vif = [...]` entry of a new domain (devid = index). */
int vif_attach_specs(struct xyl *x, xyl_domid_t domid, char *const *specs,
		     int nr, const char *verb);
/* online=0, state=5, wait for Closed, remove both directories.
 * -ENOENT no such vif. */
int vif_detach(struct xyl *x, xyl_domid_t domid, uint32_t devid,
	       const char *verb);
/* devid of the vif with this MAC ("00:16:3e:.."), or -ENOENT. */
int vif_find_mac(struct xyl *x, xyl_domid_t domid, const char *mac);
/* Print xl's network-list rows for domid. */
int vif_list(struct xyl *x, xyl_domid_t domid);
/* A dead domain: remove backend/vif/<domid> (idempotent, quiet). */
void vif_release(struct xyl *x, xyl_domid_t domid);

#endif
