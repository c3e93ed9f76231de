/*
 * dom0-tools/libxylemctl/xylctl_events.c: the event stream, on its own
 * connection (subscribed once at open).  Each XYL_CTL_EVENT packet is
 * checked (header, exact length, no fds, data length) before use.
 */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>

#include "xylctl_priv.h"

int
xylctl_events_open_domain(const char *rundir, xyl_domid_t domid,
			  struct xylctl **out)
{
	struct xyl_ctl_events_subscribe req = {.domid = domid};
	struct xylctl *x;
	int rc;

	*out = NULL;
	rc = xylctl_connect(rundir, &x);
	if (rc)
		return rc;
	rc = xylctl_call(x, XYL_CTL_EVENTS_SUBSCRIBE, &req, sizeof(req), NULL,
			 0, NULL, 0, NULL, 0);
	if (rc) {
		xylctl_close(x);
		return rc;
	}
	x->is_events = true;
	*out = x;
	return 0;
}

int
xylctl_events_open(const char *rundir, struct xylctl **out)
{
	return xylctl_events_open_domain(rundir, XYL_DOMID_ANY, out);
}

int
xylctl_events_fd(const struct xylctl *x)
{
	return x->fd;
}

static int
check_event(struct xylctl *x, int n, int msg_flags, unsigned nr_fds,
	    struct xyl_ctl_event *ev)
{
	struct xyl_ctl_hdr h;

	if (nr_fds || (msg_flags & (MSG_TRUNC | MSG_CTRUNC)))
		return xylctl_fail(x, -EPROTO, "event with fds or truncated");
	if ((size_t)n != sizeof(h) + sizeof(*ev))
		return xylctl_fail(x, -EPROTO, "event packet of %d bytes", n);
	memcpy(&h, x->buf, sizeof(h));
	if (h.magic != XYL_CTL_MAGIC || h.version != XYL_CTL_VERSION ||
	    h.type != XYL_CTL_EVENT || h.len != sizeof(*ev) || h.seq != 0)
		return xylctl_fail(x, -EPROTO, "bad event header (type %u)",
				   h.type);
	memcpy(ev, x->buf + sizeof(h), sizeof(*ev));
	if (ev->len > sizeof(ev->data))
		return xylctl_fail(x, -EPROTO, "event data len %u", ev->len);
	if (ev->kind == XYL_EVENT_OVERFLOW)
		return xylctl_fail(x, -ENOBUFS,
				   "events were lost: reopen and resync");
	return 0;
}

int
xylctl_event_next(struct xylctl *x, struct xyl_ctl_event *ev, int timeout_ms)
{
	struct pollfd p = {.fd = x->fd, .events = POLLIN};
	int fds[XYL_CTL_MAX_FDS];
	unsigned nr_fds = 0;
	int n, msg_flags = 0, rc;

	x->detail[0] = '\0';
	if (!x->is_events)
		return xylctl_fail(x, -EINVAL, "not an event connection");
	n = poll(&p, 1, timeout_ms);
	if (n < 0)
		return -errno;
	if (n == 0)
		return -ETIMEDOUT;
	n = xylctl_recv(x, MSG_DONTWAIT, fds, &nr_fds, &msg_flags);
	if (n == -EAGAIN)
		return -ETIMEDOUT;
	if (n < 0)
		return n;
	rc = check_event(x, n, msg_flags, nr_fds, ev);
	xylctl_close_fds(fds, nr_fds);
	return rc;
}
