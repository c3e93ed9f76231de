/*
 * dom0-tools/xyl/xs_domain.h: a domain's place in xenstore, as the
 * toolstack keeps it: the store connection and standard nodes made at
 * create (xenstore-schema/domain.schema), removed at release, and the
 * control/shutdown requests of `xyl shutdown` / `xyl reboot`.  Talks to
 * this host's xylem-xenstored ($XYLEM_RUNDIR/xenstored/socket) through
 * Debian's libxenstore.
 */
#ifndef XYL_XS_DOMAIN_H
#define XYL_XS_DOMAIN_H

#include "xyl.h"

struct config;
struct xs_handle;

/* Path of this host's xenstored socket ($XYLEM_RUNDIR/xenstored/socket). */
void xsdomain_socket_path(const struct xyl *x, char *buf, size_t cap);

/* Connect to this host's xenstored; NULL with errno set (ENOENT: none
 * runs here). */
struct xs_handle *xsdomain_connect(const struct xyl *x);

/*
 * For a new, still paused domain: allocate its store event channel (remote
 * dom 0), write its standard nodes with Xen's permissions, INTRODUCE it to
 * xenstored and set HVM_PARAM_STORE_EVTCHN.  Returns 0 (also when the host
 * runs no xenstored: nothing is done, the guest sees STORE_EVTCHN 0 and
 * runs without xenstore), or -errno after printing "xyl: create <name>:
 * xenstore: ..."; the domain is then destroyed and its nodes removed.
 */
int xsdomain_introduce(struct xyl *x, struct xylctl *c,
		       const struct config *cfg, xyl_domid_t domid);

/* For a dead domain: RELEASE it and remove /local/domain/<domid> and its
 * /vm/<uuid>.  Idempotent; quiet when there is no xenstored or nothing
 * left. */
void xsdomain_release(struct xyl *x, xyl_domid_t domid);

/* After a rename: the domain's name and its /vm/<uuid>/name. */
void xsdomain_rename(struct xyl *x, xyl_domid_t domid, const char *name);

/*
 * Ask the guest to shut down: write cmd ("poweroff", "reboot") to its
 * control/shutdown.  0 written; -EOPNOTSUPP the guest has no PV control
 * interface (no xenstored, or it never wrote control/feature-<cmd>="1");
 * other -errno (printed as "xyl: <verb>: ...").
 */
int xsdomain_control(struct xyl *x, xyl_domid_t domid, const char *verb,
		     const char *cmd);

/* cmd_shutdown.c: `xyl shutdown` (SHUTDOWN_poweroff) and `xyl reboot`
 * (SHUTDOWN_reboot); returns the exit status. */
int shutdown_run(struct xyl *x, int argc, char **argv, uint32_t reason);

#endif
