/*
 * backends/netback/backend.c: xylem-netback's part of the shared backend
 * loop (backends/lib/backend.c): the vif hooks and the dispatch of a vif's
 * own event sources (event channel, TAP device, TX rate timer).  One
 * thread; every handler runs to completion.
 */
#include <stdlib.h>
#include <unistd.h>

#include "netback.h"

static void
netback_dispatch(struct be_backend *be, void *arg)
{
	struct netback_evsrc *src = arg;

	(void)be;
	switch (src->kind) {
	case NETBACK_SRC_EVTCHN:
		netback_vif_kick(src->obj);
		break;
	case NETBACK_SRC_TAP:
		netback_vif_rx(src->obj);
		break;
	case NETBACK_SRC_RATE:
		netback_rate_on_timer(src->obj);
		break;
	}
}

static void *
netback_op_dev_new(struct be_backend *be, xyl_domid_t domid, uint32_t devid)
{
	return netback_vif_new(BE_BACKEND_OWNER(be, struct netback, be), domid,
			       devid);
}

static void
netback_op_dev_update(void *vif)
{
	netback_vif_update(vif);
}

static void
netback_op_dev_free(void *vif)
{
	netback_vif_free(vif);
}

static void
netback_op_dev_write_stats(void *vif)
{
	netback_vif_tick(vif); /* the same 1 s timer bounds a close wait */
	netback_vif_write_stats(vif);
}

static bool
netback_op_dev_is_mapped(void *arg)
{
	struct netback_vif *vif = arg;

	return vif->dom != NULL;
}

static void
netback_op_dev_domain_gone(void *arg)
{
	struct netback_vif *vif = arg;

	netback_vif_disconnect(vif);
	vif->phase = NETBACK_VIF_CLOSED;
}

/* vifs stay Connected in xenstore: a restarted netback takes their rings
 * over and makes their TAP devices again. */
static void
netback_op_dev_stop(void *arg)
{
	struct netback_vif *vif = arg;

	netback_vif_write_stats(vif);
	netback_vif_disconnect(vif);
	if (vif->tap_fd >= 0)
		close(vif->tap_fd);
	free(vif->buf);
	free(vif);
}

static const struct be_backend_ops netback_ops = {
	.name = "netback",
	.kind = "vif",
	.dev_new = netback_op_dev_new,
	.dev_update = netback_op_dev_update,
	.dev_free = netback_op_dev_free,
	.dev_write_stats = netback_op_dev_write_stats,
	.dev_is_mapped = netback_op_dev_is_mapped,
	.dev_domain_gone = netback_op_dev_domain_gone,
	.dev_stop = netback_op_dev_stop,
	.dispatch = netback_dispatch,
};

int
netback_init(void *nb, const char *rundir)
{
	return be_backend_init(&((struct netback *)nb)->be, &netback_ops,
			       rundir);
}

int
netback_run(void *nb)
{
	return be_backend_run(&((struct netback *)nb)->be);
}

void
netback_fini(void *nb)
{
	be_backend_fini(&((struct netback *)nb)->be);
}
