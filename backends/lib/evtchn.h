/*
 * backends/lib/evtchn.h: a backend's end of one interdomain event
 * channel, a thin wrapper over libxylemctl's dom0 event channels
 * (eventfds): bind to the frontend's unbound port, notify, drain, close.
 */
#ifndef BE_EVTCHN_H
#define BE_EVTCHN_H

#include <stdint.h>

#include "xylctl.h"

/* Owner: the ring (queue) it signals; the binding belongs to the xylctl
 * connection that made it and dies with it (a restarted backend binds
 * the frontend's port again). */
struct be_evtchn {
	struct xylctl_evtchn ch;
	xyl_domid_t domid;
	uint32_t remote_port;
	int is_bound;
};

/* Bind to the frontend's port.  Errors of xylctl_evtchn_bind_interdomain. */
int be_evtchn_bind(struct xylctl *x, xyl_domid_t domid, uint32_t remote_port,
		   struct be_evtchn *out);
/* The fd that becomes readable when the frontend notifies; -1 unbound. */
int be_evtchn_fd(const struct be_evtchn *e);
/* Send an event to the frontend.  0 or -errno. */
int be_evtchn_notify(const struct be_evtchn *e);
/* Consume pending notifications; count >= 0 or -errno. */
int64_t be_evtchn_drain(const struct be_evtchn *e);
/* Close our end (safe on an unbound one). */
void be_evtchn_close(struct xylctl *x, struct be_evtchn *e);

#endif
