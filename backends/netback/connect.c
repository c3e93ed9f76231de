/*
 * backends/netback/connect.c: connecting a vif's rings (the frontend's
 * transport keys: tx-ring-ref, rx-ring-ref, event-channel,
 * request-rx-copy, feature-sg, the coalescing flag) and disconnecting
 * them.  Trust boundary: the frontend's xenstore keys, read through be_xs_*
 * (strictly parsed) and checked here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "netback.h"
#include "xylem/coalesce.h"

struct netback_transport {
	uint32_t tx_ref, rx_ref, port;
};

static int
netback_read_transport(struct netback_vif *vif, struct netback_transport *t)
{
	struct xs_handle *xs = vif->nb->be.xs;
	uint32_t nq = 1;
	int rc;

	rc = be_xs_read_u32(xs, vif->fe_dir, "multi-queue-num-queues", &nq);
	if ((rc && rc != -ENOENT) || nq != 1)
		return -EINVAL;
	/* We only copy (feature-rx-flip = 0): a frontend that does not ask
	 * for copy wants page flipping, which nobody has offered since Xen
	 * 4.x. */
	if (!be_xs_read_bool(xs, vif->fe_dir, "request-rx-copy", false))
		return -EOPNOTSUPP;
	rc = be_xs_read_u32(xs, vif->fe_dir, "tx-ring-ref", &t->tx_ref);
	if (rc == 0)
		rc = be_xs_read_u32(xs, vif->fe_dir, "rx-ring-ref", &t->rx_ref);
	if (rc == 0)
		rc = be_xs_read_u32(xs, vif->fe_dir, "event-channel", &t->port);
	if (rc)
		return rc;
	vif->use_sg = be_xs_read_bool(xs, vif->fe_dir, "feature-sg", false);
	vif->use_coalesce = be_xs_read_bool(xs, vif->fe_dir,
					    XYL_COALESCE_FEATURE_KEY, false);
	return 0;
}

static int
netback_map_rings(struct netback_vif *vif, const struct netback_transport *t)
{
	int rc;

	rc = be_grant_map_ring(&vif->dom->gnttab, &t->tx_ref, 1, &vif->tx_map);
	if (rc)
		return rc;
	rc = be_grant_map_ring(&vif->dom->gnttab, &t->rx_ref, 1, &vif->rx_map);
	if (rc)
		return rc;
	rc = be_ring_attach(&vif->tx, vif->tx_map.base, BE_PAGE_SIZE,
			    sizeof(struct netif_tx_request),
			    sizeof(struct netif_tx_response),
			    vif->use_coalesce);
	if (rc == 0)
		rc = be_ring_attach(&vif->rx, vif->rx_map.base, BE_PAGE_SIZE,
				    sizeof(struct netif_rx_request),
				    sizeof(struct netif_rx_response),
				    vif->use_coalesce);
	return rc;
}

/* The frontend's profile area, if both sides offered it
 * (include/xylem/profile.h).  A bad one only turns profiling off. */
static void
netback_profile_attach(struct netback_vif *vif)
{
	struct xs_handle *xs = vif->nb->be.xs;
	uint32_t gref;
	int rc;

	if (!vif->nb->be.stimer.page ||
	    !be_xs_read_bool(xs, vif->fe_dir, XYL_PROFILE_FEATURE_KEY, false))
		return;
	rc = be_xs_read_u32(xs, vif->fe_dir, XYL_PROFILE_REF_KEY, &gref);
	if (rc == 0)
		rc = be_profile_attach(&vif->prof, &vif->dom->gnttab, gref,
				       &vif->nb->be.stimer);
	if (rc)
		log_dom_limited(&vif->rl, DLOG_WARN, (int)vif->domid,
				"vif %u: profile area: %s; profiling off",
				vif->devid, strerror(-rc));
}

int
netback_vif_connect(struct netback_vif *vif, bool is_resume)
{
	struct netback_transport t;
	int rc;

	rc = netback_read_transport(vif, &t);
	if (rc)
		return rc;
	vif->dom = be_backend_dom_get(&vif->nb->be, vif->domid, &rc);
	if (!vif->dom)
		return rc;
	rc = netback_map_rings(vif, &t);
	if (rc == 0)
		netback_profile_attach(vif);
	if (rc == 0)
		rc = netback_rate_setup(vif);
	if (rc == 0)
		rc = be_evtchn_bind(vif->nb->be.ctl, vif->domid, t.port,
				    &vif->evtchn);
	if (rc == 0) {
		vif->ev_src = (struct netback_evsrc){NETBACK_SRC_EVTCHN, vif};
		rc = be_backend_epoll_add(
			&vif->nb->be, be_evtchn_fd(&vif->evtchn), &vif->ev_src);
	}
	if (rc == 0) {
		vif->tap_src = (struct netback_evsrc){NETBACK_SRC_TAP, vif};
		vif->is_rx_paused = false;
		vif->held_len = 0;
		rc = be_backend_epoll_add(&vif->nb->be, vif->tap_fd,
					  &vif->tap_src);
	}
	if (rc) {
		netback_vif_disconnect(vif);
		return rc;
	}
	vif->phase = NETBACK_VIF_CONNECTED;
	/* After a restart the frontend may have seen us ACTIVE and stopped
	 * notifying: look at both rings now and tell it once. */
	netback_vif_tx(vif);
	if (vif->phase == NETBACK_VIF_CONNECTED)
		netback_vif_rx(vif);
	if (is_resume && vif->phase == NETBACK_VIF_CONNECTED)
		be_evtchn_notify(&vif->evtchn);
	return 0;
}

void
netback_vif_disconnect(struct netback_vif *vif)
{
	struct be_backend *be = &vif->nb->be;

	if (vif->phase == NETBACK_VIF_CONNECTED)
		vif->phase = NETBACK_VIF_CLOSING;
	if (be_evtchn_fd(&vif->evtchn) >= 0) {
		be_backend_epoll_del(be, be_evtchn_fd(&vif->evtchn));
		be->nr_frees++;
	}
	be_evtchn_close(be->ctl, &vif->evtchn);
	if (vif->tap_src.kind && vif->tap_fd >= 0) {
		be_backend_epoll_del(be, vif->tap_fd);
		be->nr_frees++;
	}
	vif->tap_src.kind = 0;
	netback_rate_teardown(vif);
	if (vif->dom) {
		be_profile_detach(&vif->prof, &vif->dom->gnttab);
		if (vif->tx_map.base)
			be_grant_unmap_ring(&vif->dom->gnttab, &vif->tx_map);
		if (vif->rx_map.base)
			be_grant_unmap_ring(&vif->dom->gnttab, &vif->rx_map);
		be_backend_dom_put(vif->dom);
	}
	memset(&vif->tx_map, 0, sizeof(vif->tx_map));
	memset(&vif->rx_map, 0, sizeof(vif->rx_map));
	memset(&vif->tx, 0, sizeof(vif->tx));
	memset(&vif->rx, 0, sizeof(vif->rx));
	vif->dom = NULL;
}
