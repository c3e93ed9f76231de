/*
 * backends/netback/vif.c: one vif's XenbusState handshake, backend side
 * (netif.h, docs/netback.md): make the TAP device and run the hotplug
 * script, publish features (InitWait), connect when the frontend is
 * Initialised or Connected, close when it or the toolstack goes away,
 * take the rings over after a restart.  Trust boundary: frontend state
 * values (be_xenbus_read_state); toolstack keys are bounded and checked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "netback.h"
#include "stats.h"
#include "xylem/coalesce.h"

struct netback_vif *
netback_vif_new(struct netback *nb, xyl_domid_t domid, uint32_t devid)
{
	struct netback_vif *vif = calloc(1, sizeof(*vif));

	if (!vif)
		return NULL;
	vif->buf = malloc(NETBACK_MAX_PKT);
	if (!vif->buf) {
		free(vif);
		return NULL;
	}
	vif->nb = nb;
	vif->domid = domid;
	vif->devid = devid;
	vif->tap_fd = -1;
	vif->rate.fd = -1;
	snprintf(vif->be_dir, sizeof(vif->be_dir), "%s/%u/%u", NETBACK_VIF_DIR,
		 domid, devid);
	/* The standard frontend path, never the toolstack's "frontend"
	 * value: it must not name another domain's directory. */
	snprintf(vif->fe_dir, sizeof(vif->fe_dir),
		 "/local/domain/%u/device/vif/%u", domid, devid);
	xs_watch(nb->be.xs, vif->fe_dir, "fe");
	return vif;
}

static void
netback_vif_set_state(struct netback_vif *vif, enum xenbus_state s)
{
	int rc = be_xenbus_switch_state(vif->nb->be.xs, vif->be_dir, s);

	if (rc == -ENOENT) /* the toolstack removed the device */
		log_dom_info(vif->domid, "vif %u: gone; state %s not written",
			     vif->devid, be_xenbus_state_name(s));
	else if (rc)
		log_dom_warn(vif->domid, "vif %u: state %s: %s", vif->devid,
			     be_xenbus_state_name(s), strerror(-rc));
	else
		log_dom_info(vif->domid, "vif %u: %s", vif->devid,
			     be_xenbus_state_name(s));
}

/* How long a detached vif waits for its frontend's Closed: less than the
 * toolstack's own wait (DEVXS_WAIT_MS, 10 s), so xyl sees Closed. */
#define NETBACK_CLOSE_WAIT_NS (5 * 1000000000ull)

static uint64_t
netback_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
netback_vif_closed(struct netback_vif *vif)
{
	vif->phase = NETBACK_VIF_CLOSED;
	vif->close_deadline_ns = 0;
	netback_vif_set_state(vif, XenbusStateClosed);
}

/*
 * CLOSING: the rings are unmapped already (netback_vif_disconnect runs
 * before Closing is written), so the frontend may revoke its grants.
 * Closed once the frontend is Closed (or gone, or starting over); after
 * the toolstack's online = 0 at most NETBACK_CLOSE_WAIT_NS later, so a
 * dead or hostile frontend cannot hold a detach.
 */
static void
netback_vif_closing(struct netback_vif *vif, enum xenbus_state fe, bool online)
{
	uint64_t now;

	if (fe == XenbusStateClosed || fe == XenbusStateUnknown ||
	    fe == XenbusStateInitialising) {
		netback_vif_closed(vif);
		return;
	}
	if (online)
		return;
	now = netback_now_ns();
	if (!vif->close_deadline_ns) {
		vif->close_deadline_ns = now + NETBACK_CLOSE_WAIT_NS;
		return;
	}
	if (now < vif->close_deadline_ns)
		return;
	log_dom_warn(vif->domid,
		     "vif %u: frontend still %s after %llu s: closed anyway",
		     vif->devid, be_xenbus_state_name(fe),
		     NETBACK_CLOSE_WAIT_NS / 1000000000ull);
	netback_vif_closed(vif);
}

void
netback_vif_tick(struct netback_vif *vif)
{
	if (vif->phase == NETBACK_VIF_CLOSING && vif->close_deadline_ns &&
	    netback_now_ns() >= vif->close_deadline_ns)
		netback_vif_update(vif);
}

void
netback_vif_fail(struct netback_vif *vif, const char *why)
{
	log_dom_limited(&vif->rl, DLOG_ERR, (int)vif->domid,
			"vif %u: %s: closing the device", vif->devid, why);
	netback_vif_disconnect(vif);
	vif->phase = NETBACK_VIF_CLOSING;
	netback_vif_set_state(vif, XenbusStateClosing);
}

static bool
netback_ifname_ok(const char *s)
{
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof(((struct netback_vif *)0)->ifname))
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || *s == '.' || *s == '-' ||
		      *s == '_'))
			return false;
	return true;
}

/* The toolstack's keys: vifname, mtu, script.  0 or -EINVAL. */
static int
netback_vif_read_config(struct netback_vif *vif)
{
	struct xs_handle *xs = vif->nb->be.xs;
	char name[64];
	int rc;

	vif->mtu = 1500;
	rc = be_xs_read_u32(xs, vif->be_dir, "mtu", &vif->mtu);
	if ((rc && rc != -ENOENT) || vif->mtu < NETBACK_MTU_MIN ||
	    vif->mtu > NETBACK_MTU_MAX)
		return -EINVAL;
	if (be_xs_read(xs, vif->be_dir, "vifname", name, sizeof(name)) == 0 &&
	    name[0]) {
		if (!netback_ifname_ok(name))
			return -EINVAL;
		snprintf(vif->ifname, sizeof(vif->ifname), "%s", name);
	} else if (snprintf(vif->ifname, sizeof(vif->ifname), "vif%u.%u",
			    vif->domid,
			    vif->devid) >= (int)sizeof(vif->ifname)) {
		return -EINVAL;
	}
	vif->script[0] = '\0';
	rc = be_xs_read(xs, vif->be_dir, "script", vif->script,
			sizeof(vif->script));
	return rc == 0 || rc == -ENOENT ? 0 : rc;
}

/* Make the TAP device and plug it in (hotplug "online"). */
static int
netback_vif_plug(struct netback_vif *vif, const char **what)
{
	int rc;

	*what = "vif config";
	rc = netback_vif_read_config(vif);
	if (rc)
		return rc;
	*what = "tap device";
	if (vif->tap_fd < 0) {
		rc = netback_tap_open(vif->ifname, vif->mtu, &vif->tap_fd);
		if (rc)
			return rc;
	}
	*what = "hotplug script";
	rc = netback_hotplug(vif, "online");
	if (rc)
		return rc;
	vif->is_hotplugged = true;
	/* No script: we are the hotplug step ourselves. */
	if (!vif->script[0])
		be_xs_printf(vif->nb->be.xs, XBT_NULL, vif->be_dir,
			     "hotplug-status", "connected");
	return 0;
}

static void
netback_vif_publish(struct netback_vif *vif)
{
	struct xs_handle *xs = vif->nb->be.xs;
	const char *d = vif->be_dir;

	be_xs_printf(xs, XBT_NULL, d, "feature-rx-copy", "1");
	be_xs_printf(xs, XBT_NULL, d, "feature-rx-flip", "0");
	be_xs_printf(xs, XBT_NULL, d, "feature-sg", "1");
	be_xs_printf(xs, XBT_NULL, d, "feature-gso-tcpv4", "0");
	be_xs_printf(xs, XBT_NULL, d, "feature-gso-tcpv6", "0");
	be_xs_printf(xs, XBT_NULL, d, "feature-ipv6-csum-offload", "0");
	be_xs_printf(xs, XBT_NULL, d, "feature-split-event-channels", "0");
	be_xs_printf(xs, XBT_NULL, d, "multi-queue-max-queues", "1");
	be_xs_printf(xs, XBT_NULL, d, XYL_COALESCE_FEATURE_KEY, "1");
	if (vif->nb->be.stimer.page)
		be_xs_printf(xs, XBT_NULL, d, XYL_PROFILE_FEATURE_KEY, "1");
}

static void
netback_vif_probe(struct netback_vif *vif)
{
	const char *what;
	int rc = netback_vif_plug(vif, &what);

	if (rc) {
		log_dom_err(vif->domid, "vif %u: %s: %s", vif->devid, what,
			    strerror(-rc));
		char why[BE_XS_VALUE_MAX];

		/* A script that failed says why itself (Xen's fatal()). */
		if (be_xs_read(vif->nb->be.xs, vif->be_dir, "hotplug-error",
			       why, sizeof(why)) != 0 ||
		    !why[0])
			be_xs_printf(vif->nb->be.xs, XBT_NULL, vif->be_dir,
				     "hotplug-error", "%s: %s", what,
				     strerror(-rc));
		be_xs_printf(vif->nb->be.xs, XBT_NULL, vif->be_dir,
			     "hotplug-status", "error");
		vif->phase = NETBACK_VIF_FAILED;
		netback_vif_set_state(vif, XenbusStateClosed);
		return;
	}
	netback_vif_publish(vif);
	vif->phase = NETBACK_VIF_INITWAIT;
	netback_vif_set_state(vif, XenbusStateInitWait);
}

static void
netback_vif_do_connect(struct netback_vif *vif, bool is_resume)
{
	int rc = netback_vif_connect(vif, is_resume);

	if (rc) {
		log_dom_limited(&vif->rl, DLOG_ERR, (int)vif->domid,
				"vif %u: connect: %s", vif->devid,
				strerror(-rc));
		vif->phase = NETBACK_VIF_CLOSING;
		netback_vif_set_state(vif, XenbusStateClosing);
		return;
	}
	if (!is_resume)
		netback_vif_set_state(vif, XenbusStateConnected);
	log_dom_info(vif->domid, "vif %u: %s %s: mtu %u, sg %d, coalesce %d",
		     vif->devid, is_resume ? "reattached" : "connected",
		     vif->ifname, vif->mtu, vif->use_sg, vif->use_coalesce);
}

/* First sight: a fresh vif, or one we served before a restart (both
 * ends still Connected): make the TAP again and take the rings over. */
static void
netback_vif_first(struct netback_vif *vif, enum xenbus_state be,
		  enum xenbus_state fe)
{
	const char *what;

	if (be == XenbusStateConnected && fe == XenbusStateConnected) {
		if (netback_vif_plug(vif, &what) == 0) {
			netback_vif_do_connect(vif, true);
			return;
		}
		log_dom_err(vif->domid, "vif %u: reattach: %s failed",
			    vif->devid, what);
		vif->phase = NETBACK_VIF_CLOSING;
		netback_vif_set_state(vif, XenbusStateClosing);
		return;
	}
	if (be == XenbusStateUnknown)
		return;
	if (be == XenbusStateClosing || be == XenbusStateClosed) {
		vif->phase = be == XenbusStateClosing ? NETBACK_VIF_CLOSING
						      : NETBACK_VIF_CLOSED;
		return;
	}
	netback_vif_probe(vif);
}

static bool
netback_fe_gone(enum xenbus_state fe)
{
	return fe == XenbusStateClosing || fe == XenbusStateClosed ||
	       fe == XenbusStateUnknown;
}

void
netback_vif_update(struct netback_vif *vif)
{
	struct xs_handle *xs = vif->nb->be.xs;
	enum xenbus_state be = be_xenbus_read_state(xs, vif->be_dir);
	enum xenbus_state fe = be_xenbus_read_state(xs, vif->fe_dir);
	bool online = be_xs_read_bool(xs, vif->be_dir, "online", true);

	switch (vif->phase) {
	case NETBACK_VIF_NEW:
		netback_vif_first(vif, be, fe);
		/* The frontend may be waiting already: look again at once. */
		if (vif->phase == NETBACK_VIF_INITWAIT)
			netback_vif_update(vif);
		return;
	case NETBACK_VIF_INITWAIT:
		if (!online || be == XenbusStateClosing) {
			vif->phase = NETBACK_VIF_CLOSED;
			netback_vif_set_state(vif, XenbusStateClosed);
		} else if (fe == XenbusStateInitialised ||
			   fe == XenbusStateConnected) {
			netback_vif_do_connect(vif, false);
		}
		break;
	case NETBACK_VIF_CONNECTED:
		if (netback_fe_gone(fe) || !online ||
		    be == XenbusStateClosing) {
			netback_vif_disconnect(vif);
			vif->phase = NETBACK_VIF_CLOSING;
			netback_vif_set_state(vif, XenbusStateClosing);
		}
		if (vif->phase != NETBACK_VIF_CLOSING)
			break;
		/* fall through */
	case NETBACK_VIF_CLOSING:
		netback_vif_closing(vif, fe, online);
		break;
	case NETBACK_VIF_CLOSED:
		if (online && fe == XenbusStateInitialising) {
			netback_vif_publish(vif);
			vif->phase = NETBACK_VIF_INITWAIT;
			netback_vif_set_state(vif, XenbusStateInitWait);
		}
		break;
	default:
		break;
	}
	netback_vif_write_stats(vif);
}

void
netback_vif_write_stats(struct netback_vif *vif)
{
	const struct netback_vif_stats *s = &vif->stats;
	char path[512];
	const struct be_stat st[] = {
		{"phase", vif->phase},
		{"mtu", vif->mtu},
		{"sg", vif->use_sg},
		{"coalesce", vif->use_coalesce},
		{"tx_packets", s->tx_packets},
		{"tx_bytes", s->tx_bytes},
		{"tx_dropped", s->tx_dropped},
		{"tx_errors", s->tx_errors},
		{"tx_batches", s->tx_batches},
		{"tx_throttled", s->tx_throttled},
		{"rate_bytes", vif->rate.credit_bytes},
		{"rate_interval_us", vif->rate.interval_us},
		{"profile", vif->prof.area != NULL},
		{"profile_stamps", vif->prof.stamps},
		{"rx_packets", s->rx_packets},
		{"rx_bytes", s->rx_bytes},
		{"rx_dropped", s->rx_dropped},
		{"rx_errors", s->rx_errors},
		{"rx_stalls", s->rx_stalls},
		{"kicks_received", vif->tx.stats.kicks},
		{"tx_requests", vif->tx.stats.requests},
		{"tx_notify_sent", vif->tx.stats.notify_sent},
		{"rx_notify_sent", vif->rx.stats.notify_sent},
		{"tx_notify_suppressed", vif->tx.stats.notify_suppressed},
		{"rx_notify_suppressed", vif->rx.stats.notify_suppressed},
	};

	struct be_profile_snap snap;

	snprintf(path, sizeof(path), "%s/%u-%u.stats", vif->nb->be.state_dir,
		 vif->domid, vif->devid);
	be_stats_write(path, st, sizeof(st) / sizeof(st[0]));
	/* The frontend's histograms, checked, for `xyl profile`; the last
	 * good copy stays when the frontend is mid-update. */
	if (be_profile_snapshot(&vif->prof, &snap) == 0) {
		snprintf(path, sizeof(path), "%s/%u-%u.profile",
			 vif->nb->be.state_dir, vif->domid, vif->devid);
		be_profile_write(path, &snap);
	}
}

void
netback_vif_free(struct netback_vif *vif)
{
	char path[512];

	netback_vif_disconnect(vif);
	if (vif->is_hotplugged && netback_hotplug(vif, "offline"))
		log_dom_warn(vif->domid, "vif %u: hotplug offline failed",
			     vif->devid);
	if (vif->tap_fd >= 0)
		close(vif->tap_fd);
	xs_unwatch(vif->nb->be.xs, vif->fe_dir, "fe");
	snprintf(path, sizeof(path), "%s/%u-%u.stats", vif->nb->be.state_dir,
		 vif->domid, vif->devid);
	unlink(path);
	free(vif->buf);
	free(vif);
}
