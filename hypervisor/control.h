/*
 * hypervisor/control.h: the control server on $XYLEM_RUNDIR/hv.sock
 * (control.c: socket and credentials; ctl_parse.c: decoding; ctl_client.c:
 * connections; ctl_event.c: the event stream; ctl_*.c: one handler per
 * request).  The only code that reads control packets raw.  Protocol:
 * include/xylem/ctl.h and docs/control-protocol.md.
 */
#ifndef HV_CONTROL_H
#define HV_CONTROL_H

#include "xylem/ctl.h"

struct hv;

/*
 * Create hv->opt.rundir (0755) if missing, bind the socket (mode 0660,
 * group hv->opt.ctl_gid unless (gid_t)-1) and serve it from hv->loop; call
 * after loop_init and evtchn_dom0_init.  Errors: -EADDRINUSE another
 * xylem-hv answers on the socket; -EEXIST the path exists and is not a
 * socket; -ENAMETOOLONG rundir too long for a socket path; -EINVAL no
 * rundir; -ENOMEM; or the errno of mkdir/socket/bind/chmod/chown/listen.
 * A stale socket file (nobody listening) is replaced.
 */
int ctl_server_start(struct hv *hv);
/* Close every connection (their dom0 event channels with them), unlink
 * the socket and free the server.  Call on the loop thread or after the
 * loop stopped, once no other thread can still call ctl_emit_event. */
void ctl_server_stop(struct hv *hv);
/* Queue an event for the subscribers whose filter matches ev->domid.
 * Any thread (vCPU threads included); never blocks; a no-op before start
 * and after stop.  A subscriber that falls behind is sent
 * XYL_EVENT_OVERFLOW and then closed; the others are not affected. */
void ctl_emit_event(struct hv *hv, const struct xyl_ctl_event *ev);

#endif
