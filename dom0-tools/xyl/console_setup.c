/*
 * dom0-tools/xyl/console_setup.c: the toolstack's part of a guest's
 * primary console, done at create while the domain is still paused (as
 * Xen's toolstack does): an event channel in the guest's table for dom0,
 * published as HVM_PARAM_CONSOLE_EVTCHN.  xylem-consoled binds it.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "dlog.h"
#include "xyl.h"

int
console_setup(struct xylctl *c, xyl_domid_t domid)
{
	uint32_t port;
	int r = xylctl_evtchn_alloc_unbound(c, domid, 0, &port);

	if (r == 0)
		r = xylctl_hvm_param_set(c, domid, HVM_PARAM_CONSOLE_EVTCHN,
					 port);
	if (r < 0)
		log_dom_warn(domid,
			     "console event channel: %s (%s); the guest "
			     "will use console_io only",
			     strerror(-r), xylctl_last_detail(c));
	return r;
}
