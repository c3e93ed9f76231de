/*
 * dom0-tools/libxylemctl/xylctl_evtchn.c: dom0's event channels: unbound
 * ports in guests, interdomain binding to a pair of eventfds (notify from
 * the guest, kick to the guest), close, and the eventfd helpers.
 */
#include <errno.h>
#include <stdint.h>
#include <unistd.h>

#include "xylctl_priv.h"

int
xylctl_evtchn_alloc_unbound(struct xylctl *x, xyl_domid_t dom,
			    xyl_domid_t remote_dom, uint32_t *port)
{
	struct xyl_ctl_evtchn_alloc_unbound req = {.dom = dom,
						   .remote_dom = remote_dom};
	struct xyl_ctl_evtchn_port rep;
	int rc;

	rc = xylctl_call(x, XYL_CTL_EVTCHN_ALLOC_UNBOUND, &req, sizeof(req),
			 NULL, 0, &rep, sizeof(rep), NULL, 0);
	if (rc == 0)
		*port = rep.port;
	return rc;
}

int
xylctl_evtchn_bind_interdomain(struct xylctl *x, xyl_domid_t remote_dom,
			       uint32_t remote_port, struct xylctl_evtchn *out)
{
	struct xyl_ctl_evtchn_bind_interdomain req = {
		.remote_dom = remote_dom, .remote_port = remote_port};
	struct xyl_ctl_evtchn_port rep;
	int fds[2] = {-1, -1};
	int rc;

	out->port = 0;
	out->notify_fd = out->kick_fd = -1;
	rc = xylctl_call(x, XYL_CTL_EVTCHN_BIND_INTERDOMAIN, &req, sizeof(req),
			 NULL, 0, &rep, sizeof(rep), fds, 2);
	if (rc)
		return rc;
	out->port = rep.port;
	out->notify_fd = fds[0];
	out->kick_fd = fds[1];
	return 0;
}

int
xylctl_evtchn_close(struct xylctl *x, struct xylctl_evtchn *e)
{
	struct xyl_ctl_evtchn_port req = {.port = e->port};
	int rc;

	rc = xylctl_call(x, XYL_CTL_EVTCHN_CLOSE, &req, sizeof(req), NULL, 0,
			 NULL, 0, NULL, 0);
	if (e->notify_fd >= 0)
		close(e->notify_fd);
	if (e->kick_fd >= 0)
		close(e->kick_fd);
	e->notify_fd = e->kick_fd = -1;
	return rc;
}

int
xylctl_evtchn_notify(const struct xylctl_evtchn *e)
{
	uint64_t one = 1;

	if (write(e->kick_fd, &one, sizeof(one)) == sizeof(one))
		return 0;
	/* EAGAIN: the counter is saturated, so an event is pending anyway. */
	return errno == EAGAIN ? 0 : -errno;
}

int64_t
xylctl_evtchn_drain(const struct xylctl_evtchn *e)
{
	uint64_t n;

	if (read(e->notify_fd, &n, sizeof(n)) == sizeof(n))
		return n > INT64_MAX ? INT64_MAX : (int64_t)n;
	return errno == EAGAIN ? 0 : -errno;
}
