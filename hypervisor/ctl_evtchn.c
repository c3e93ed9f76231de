/*
 * hypervisor/ctl_evtchn.c: dom0's event-channel requests: allocate an
 * unbound port in a guest, bind dom0's end (reply: port + notify/kick
 * eventfds) and close it.  Ports a connection bound are owned by that
 * connection (owner = its struct ctl_client) and closed with it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "ctl_priv.h"
#include "domain.h"
#include "evtchn.h"
#include "hv.h"

int
ctl_evtchn_alloc_unbound(struct ctl_client *c, const struct ctl_request *r,
			 const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_evtchn_port *p = out->body;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.alloc.dom, &d, out);
	if (rc)
		return rc;
	rc = evtchn_alloc_unbound(d, r->u.alloc.remote_dom, &p->port);
	domain_put(d);
	if (rc)
		snprintf(out->detail, sizeof(out->detail),
			 "alloc_unbound in dom %u for dom %u: %s",
			 r->u.alloc.dom, r->u.alloc.remote_dom, strerror(-rc));
	return rc;
}

int
ctl_evtchn_bind_interdomain(struct ctl_client *c, const struct ctl_request *r,
			    const int *fds, struct ctl_reply_out *out)
{
	struct xyl_ctl_evtchn_port *p = out->body;
	int notify_fd = -1, kick_fd = -1;
	struct domain *d;
	int rc;

	(void)fds;
	rc = ctl_get_domain(c, r->u.bind.remote_dom, &d, out);
	if (rc)
		return rc;
	rc = evtchn_dom0_bind(c->srv->hv, d, r->u.bind.remote_port, c, &p->port,
			      &notify_fd, &kick_fd);
	domain_put(d);
	if (rc) {
		snprintf(out->detail, sizeof(out->detail),
			 "bind dom %u port %u: %s", r->u.bind.remote_dom,
			 r->u.bind.remote_port, strerror(-rc));
		return rc;
	}
	/* evtchn_dom0_bind hands us the fds to send (fd 0 notify, 1 kick);
	 * the reply closes them once they are on their way. */
	out->fds[out->nr_fds++] = notify_fd;
	out->fds[out->nr_fds++] = kick_fd;
	return 0;
}

int
ctl_evtchn_close(struct ctl_client *c, const struct ctl_request *r,
		 const int *fds, struct ctl_reply_out *out)
{
	int rc;

	(void)fds;
	rc = evtchn_dom0_close(c->srv->hv, r->u.port.port, c);
	if (rc)
		snprintf(out->detail, sizeof(out->detail),
			 "close dom0 port %u: %s", r->u.port.port,
			 strerror(-rc));
	return rc;
}
