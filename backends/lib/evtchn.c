/*
 * backends/lib/evtchn.c: a backend's interdomain event channel over
 * libxylemctl.  Owns the two eventfds of the binding; the port number
 * comes from the frontend's xenstore keys and is checked by xylem-hv.
 */
#include <errno.h>
#include <string.h>

#include "evtchn.h"

int
be_evtchn_bind(struct xylctl *x, xyl_domid_t domid, uint32_t remote_port,
	       struct be_evtchn *out)
{
	int rc;

	memset(out, 0, sizeof(*out));
	out->ch.notify_fd = out->ch.kick_fd = -1;
	rc = xylctl_evtchn_bind_interdomain(x, domid, remote_port, &out->ch);
	if (rc)
		return rc;
	out->domid = domid;
	out->remote_port = remote_port;
	out->is_bound = 1;
	return 0;
}

int
be_evtchn_fd(const struct be_evtchn *e)
{
	return e->is_bound ? e->ch.notify_fd : -1;
}

int
be_evtchn_notify(const struct be_evtchn *e)
{
	if (!e->is_bound)
		return -ENOTCONN;
	return xylctl_evtchn_notify(&e->ch);
}

int64_t
be_evtchn_drain(const struct be_evtchn *e)
{
	if (!e->is_bound)
		return 0;
	return xylctl_evtchn_drain(&e->ch);
}

void
be_evtchn_close(struct xylctl *x, struct be_evtchn *e)
{
	if (!e->is_bound)
		return;
	/* The fds are closed even when the hypervisor call fails (the guest
	 * may be gone already). */
	(void)xylctl_evtchn_close(x, &e->ch);
	e->is_bound = 0;
}
