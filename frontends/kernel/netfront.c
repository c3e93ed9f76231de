/*
 * kernel/netfront.c: the netif frontend driver (gk/netfront.h): the
 * xenbus handshake with netback, ring and buffer pages granted once and
 * kept (TX pages read-only), RX buffers reposted as they are consumed,
 * TX packets held for clustering; following a backend that closes (revoke,
 * free, Closed) and a vif attached again.  Trust boundary: the backend's keys
 * (parsed strictly) and its responses (netfront_ring.c checks each copy;
 * a frame is copied out of its buffer once before anyone looks at it).
 */
#include <stdarg.h>
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/kernel.h"
#include "gk/netfront.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"
#include "xylem/coalesce.h"

#define NETFRONT_WAIT_MS 20000
/* How long a close waits for the backend to drop its ring mappings. */
#define NETFRONT_REVOKE_WAIT_MS 5000

/* Our or the backend's state: 0 and *st (XenbusStateUnknown when the
 * node is missing), or the error of a failed read. */
static int
netfront_read_state(const char *dir, uint32_t *st)
{
	int rc = xenbus_read_u32(0, dir, "state", st);

	if (rc == -ENOENT) {
		*st = XenbusStateUnknown;
		return 0;
	}
	return rc;
}

/* Write our state, unless the toolstack removed our directory. */
static int
netfront_set_state(struct netfront *nf, uint32_t st)
{
	uint32_t cur;
	int rc = netfront_read_state(nf->fe_dir, &cur);

	if (rc == 0 && cur == XenbusStateUnknown)
		return -ENOENT;
	return rc < 0 ? rc : xenbus_printf(0, nf->fe_dir, "state", "%u", st);
}

static int
netfront_hex(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* "00:16:3e:01:02:03" -> 6 bytes; -EINVAL otherwise. */
static int
netfront_parse_mac(const char *s, uint8_t mac[6])
{
	for (int i = 0; i < 6; i++) {
		int hi = netfront_hex(s[0]),
		    lo = hi < 0 ? -1 : netfront_hex(s[1]);

		if (lo < 0 || (i < 5 && s[2] != ':') || (i == 5 && s[2]))
			return -EINVAL;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 3;
	}
	return 0;
}

static int
netfront_read_keys(struct netfront *nf)
{
	char path[160], buf[32];
	uint32_t be_id;
	int rc;

	gk_snprintf(path, sizeof(path), "%s/backend", nf->fe_dir);
	rc = xenbus_read(0, path, nf->be_dir, sizeof(nf->be_dir), 0);
	if (rc < 0)
		return rc == -ENOENT ? -ENODEV : rc;
	rc = xenbus_read_u32(0, nf->fe_dir, "backend-id", &be_id);
	if (rc < 0 || be_id >= DOMID_FIRST_RESERVED)
		return rc < 0 ? rc : -EINVAL;
	nf->be_domid = (domid_t)be_id;
	gk_snprintf(path, sizeof(path), "%s/mac", nf->fe_dir);
	rc = xenbus_read(0, path, buf, sizeof(buf), 0);
	if (rc == 0)
		rc = netfront_parse_mac(buf, nf->mac);
	return rc;
}

static void *
netfront_pages(uint32_t nr)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, nr);
	void *p;

	if (!pfn)
		return 0;
	p = (void *)(uintptr_t)(pfn << 12);
	memset(p, 0, (size_t)nr * NETFRONT_PAGE);
	return p;
}

static int
netfront_grant(struct netfront *nf, void *page, int ro, grant_ref_t *ref)
{
	return gk_gnttab_grant_access(nf->be_domid, (uintptr_t)page >> 12, ro,
				      ref);
}

static int
netfront_alloc(struct netfront *nf)
{
	int rc = 0;

	nf->tx_sring = netfront_pages(1);
	nf->rx_sring = netfront_pages(1);
	nf->tx_pages = netfront_pages(NETFRONT_TX_SLOTS);
	nf->rx_pages = netfront_pages(NETFRONT_RX_SLOTS);
	if (!nf->tx_sring || !nf->rx_sring || !nf->tx_pages || !nf->rx_pages)
		return -ENOMEM;
	rc = netfront_grant(nf, nf->tx_sring, 0, &nf->tx_ring_ref);
	if (rc == 0)
		rc = netfront_grant(nf, nf->rx_sring, 0, &nf->rx_ring_ref);
	for (uint32_t i = 0; rc == 0 && i < NETFRONT_TX_SLOTS; i++)
		rc = netfront_grant(nf, nf->tx_pages + i * NETFRONT_PAGE, 1,
				    &nf->tx_grefs[i]);
	for (uint32_t i = 0; rc == 0 && i < NETFRONT_RX_SLOTS; i++)
		rc = netfront_grant(nf, nf->rx_pages + i * NETFRONT_PAGE, 0,
				    &nf->rx_grefs[i]);
	return rc;
}

static void
netfront_post_rx(struct netfront *nf, uint16_t id)
{
	struct netif_rx_request req = {.id = id, .gref = nf->rx_grefs[id]};

	if (netfront_ring_put(&nf->rx, &req, sizeof(req)) == 0)
		nf->rx_posted[id] = 1;
}

static int
netfront_write_keys(uint32_t tx, void *arg)
{
	struct netfront *nf = arg;
	const char *d = nf->fe_dir;
	int rc;

	rc = xenbus_printf(tx, d, "tx-ring-ref", "%u", nf->tx_ring_ref);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "rx-ring-ref", "%u", nf->rx_ring_ref);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "event-channel", "%u", nf->port);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "request-rx-copy", "1");
	if (rc == 0)
		rc = xenbus_printf(tx, d, "feature-rx-notify", "1");
	if (rc == 0)
		rc = xenbus_printf(tx, d, "feature-sg", "0");
	if (rc == 0)
		rc = xenbus_printf(tx, d, "feature-no-csum-offload", "1");
	if (rc == 0)
		rc = xenbus_printf(tx, d, XYL_COALESCE_FEATURE_KEY, "%d",
				   nf->use_coalesce);
	if (rc == 0)
		rc = gk_profile_publish(&nf->prof, tx, d);
	if (rc == 0)
		rc = xenbus_printf(tx, d, "state", "%u", XenbusStateConnected);
	return rc;
}

/* Wait until the backend's state is at least want (and not closing). */
static int
netfront_wait_backend(struct netfront *nf, uint32_t want)
{
	uint64_t end = gk_time_now_ns() + NETFRONT_WAIT_MS * 1000000ull;
	uint32_t st = 0;

	while (gk_time_now_ns() < end) {
		if (xenbus_read_u32(0, nf->be_dir, "state", &st) == 0) {
			if (st >= XenbusStateClosing &&
			    want < XenbusStateClosing)
				return -EIO;
			if (st >= want)
				return 0;
		}
		gk_sleep_ns(5000000);
	}
	return -ETIMEDOUT;
}

static void
netfront_event(evtchn_port_t port, void *arg)
{
	struct netfront *nf = arg;

	(void)port;
	nf->stats.events++;
	netfront_poll(nf);
}

static int
netfront_connect(struct netfront *nf)
{
	uint32_t copy = 0, co = 0;
	int rc;

	rc = netfront_wait_backend(nf, XenbusStateInitWait);
	if (rc < 0)
		return rc;
	if (xenbus_read_u32(0, nf->be_dir, "feature-rx-copy", &copy) < 0 ||
	    copy != 1)
		return -ENODEV; /* we only do copying receivers */
	xenbus_read_u32(0, nf->be_dir, XYL_COALESCE_FEATURE_KEY, &co);
	nf->use_coalesce = nf->use_coalesce && co == 1;
	rc = netfront_ring_init(&nf->tx, nf->tx_sring,
				sizeof(union netif_tx_sring_entry),
				nf->use_coalesce);
	if (rc == 0)
		rc = netfront_ring_init(&nf->rx, nf->rx_sring,
					sizeof(union netif_rx_sring_entry),
					nf->use_coalesce);
	if (rc < 0)
		return rc;
	for (uint16_t i = 0; i < NETFRONT_RX_SLOTS && i < nf->rx.nr_ents; i++)
		netfront_post_rx(nf, i);
	netfront_ring_push(&nf->rx);
	rc = gk_evtchn_alloc_unbound(nf->be_domid, &nf->port);
	if (rc == 0)
		rc = gk_evtchn_set_handler(&gk.evtchn, nf->port, netfront_event,
					   nf);
	if (rc < 0)
		return rc;
	gk_evtchn_unmask(nf->port);
	/* TX profiling (docs/profiling.md): off when dom0 has no shared
	 * timer; the area covers the first 64 TX ring indices. */
	co = 0;
	xenbus_read_u32(0, nf->be_dir, XYL_PROFILE_FEATURE_KEY, &co);
	if (co == 1)
		gk_debug("netfront: vif %u: profiling: %d\n", nf->devid,
			 gk_profile_setup(&nf->prof, nf->be_domid,
					  XYL_PROFILE_MAX_SLOTS));
	rc = xenbus_transaction(netfront_write_keys, nf);
	if (rc == 0)
		rc = netfront_wait_backend(nf, XenbusStateConnected);
	return rc;
}

/* One connection: keys, pages and grants, the handshake.  The vif's
 * configuration (devid, rx_fn, opts) and its counters stay. */
static int
netfront_start(struct netfront *nf)
{
	int rc;

	nf->is_broken = nf->is_closed = 0;
	nf->use_coalesce = !nf->opts.no_coalesce;
	nf->tx_sring = nf->rx_sring = 0;
	nf->tx_pages = nf->rx_pages = 0;
	nf->tx_ring_ref = nf->rx_ring_ref = 0;
	nf->port = 0;
	nf->tx_next = 0;
	nf->cluster.held = 0;
	memset(nf->tx_grefs, 0, sizeof(nf->tx_grefs));
	memset(nf->rx_grefs, 0, sizeof(nf->rx_grefs));
	memset(nf->tx_busy, 0, sizeof(nf->tx_busy));
	memset(nf->rx_posted, 0, sizeof(nf->rx_posted));
	memset(&nf->prof, 0, sizeof(nf->prof));
	rc = netfront_read_keys(nf);
	if (rc == 0)
		rc = netfront_alloc(nf);
	if (rc == 0)
		rc = netfront_connect(nf);
	return rc;
}

static void
netfront_watch_fired(const char *path, const char *token, void *arg)
{
	struct netfront *nf = arg;

	(void)path;
	(void)token;
	nf->is_changed = 1;
}

/* Watch the backend's state and our directory (netfront_service). */
static int
netfront_watch_start(struct netfront *nf)
{
	char tok[16];
	int rc;

	gk_snprintf(nf->be_watch, sizeof(nf->be_watch), "%s/state", nf->be_dir);
	gk_snprintf(tok, sizeof(tok), "nfb%u", nf->devid);
	rc = xenbus_watch(nf->be_watch, tok, netfront_watch_fired, nf);
	if (rc == 0) {
		gk_snprintf(tok, sizeof(tok), "nff%u", nf->devid);
		rc = xenbus_watch(nf->fe_dir, tok, netfront_watch_fired, nf);
		if (rc < 0) {
			gk_snprintf(tok, sizeof(tok), "nfb%u", nf->devid);
			xenbus_unwatch(nf->be_watch, tok);
		}
	}
	nf->is_watching = rc == 0;
	return rc;
}

static void
netfront_watch_stop(struct netfront *nf)
{
	char tok[16];

	if (!nf->is_watching)
		return;
	gk_snprintf(tok, sizeof(tok), "nfb%u", nf->devid);
	xenbus_unwatch(nf->be_watch, tok);
	gk_snprintf(tok, sizeof(tok), "nff%u", nf->devid);
	xenbus_unwatch(nf->fe_dir, tok);
	nf->is_watching = 0;
}

int
netfront_open(struct netfront *nf, uint32_t devid,
	      const struct netfront_opts *o, netfront_rx_fn fn, void *arg)
{
	int rc;

	memset(nf, 0, sizeof(*nf));
	nf->devid = devid;
	nf->rx_fn = fn;
	nf->rx_arg = arg;
	nf->opts = *o;
	nf->cluster.count = o->cluster_count ? o->cluster_count : 1;
	nf->cluster.wait_ns = o->cluster_us * 1000;
	gk_snprintf(nf->fe_dir, sizeof(nf->fe_dir), "device/vif/%u", devid);
	rc = netfront_start(nf);
	if (rc < 0) {
		nf->is_broken = 1;
		return rc;
	}
	if (netfront_watch_start(nf) < 0)
		gk_warn("netfront: vif %u: no xenstore watch: a backend that "
			"closes is not followed\n",
			devid);
	return 0;
}

static void
netfront_break(struct netfront *nf, const char *why)
{
	if (nf->is_broken)
		return;
	nf->is_broken = 1;
	gk_err("netfront: vif %u: %s: closing\n", nf->devid, why);
	xenbus_printf(0, nf->fe_dir, "state", "%u", XenbusStateClosing);
}

static void
netfront_reap_tx(struct netfront *nf)
{
	struct netif_tx_response rsp;
	int rc;

	do {
		netfront_ring_active(&nf->tx);
		while ((rc = netfront_ring_take(&nf->tx, &rsp, sizeof(rsp))) >
		       0) {
			rc = netfront_tx_check(&rsp, nf->tx_busy,
					       NETFRONT_TX_SLOTS);
			if (rc == -EIO) {
				netfront_break(nf, "bad tx response");
				return;
			}
			if (rc < 0)
				nf->stats.tx_errors++;
			gk_profile_stamp(&nf->prof, nf->tx_prof_slot[rsp.id],
					 XYL_PROFILE_RESPONSE);
			nf->tx_busy[rsp.id] = 0;
		}
		if (rc < 0) {
			netfront_break(nf, "tx ring index");
			return;
		}
	} while (netfront_ring_idle(&nf->tx) > 0);
}

static void
netfront_reap_rx(struct netfront *nf)
{
	struct netif_rx_response rsp;
	uint32_t off, len;
	int rc;

	do {
		netfront_ring_active(&nf->rx);
		while ((rc = netfront_ring_take(&nf->rx, &rsp, sizeof(rsp))) >
		       0) {
			rc = netfront_rx_check(&rsp, nf->rx_posted,
					       NETFRONT_RX_SLOTS, &off, &len);
			if (rc == -EIO) {
				nf->stats.rx_bad++;
				netfront_break(nf, "bad rx response");
				return;
			}
			nf->rx_posted[rsp.id] = 0;
			if (rc == 0 && len <= sizeof(nf->frame)) {
				memcpy(nf->frame,
				       nf->rx_pages + rsp.id * NETFRONT_PAGE +
					       off,
				       len);
			} else {
				nf->stats.rx_errors++;
				len = 0;
			}
			netfront_post_rx(nf, rsp.id);
			if (len) {
				nf->stats.rx_packets++;
				nf->stats.rx_bytes += len;
				if (nf->rx_fn)
					nf->rx_fn(nf->rx_arg, nf->frame, len);
			}
		}
		if (rc < 0) {
			netfront_break(nf, "rx ring index");
			return;
		}
		if (netfront_ring_push(&nf->rx))
			gk_evtchn_notify(nf->port);
	} while (netfront_ring_idle(&nf->rx) > 0);
}

void
netfront_flush(struct netfront *nf)
{
	if (nf->is_broken || nf->is_closed || !nf->cluster.held)
		return;
	if (netfront_ring_push(&nf->tx))
		gk_evtchn_notify(nf->port);
	netfront_cluster_pushed(&nf->cluster);
}

void
netfront_poll(struct netfront *nf)
{
	static int depth;

	if (nf->is_broken || nf->is_closed || depth)
		return;
	depth++;
	netfront_reap_tx(nf);
	if (!nf->is_broken)
		netfront_reap_rx(nf);
	if (netfront_cluster_due(&nf->cluster, gk_time_now_ns()))
		netfront_flush(nf);
	depth--;
}

uint64_t
netfront_deadline(const struct netfront *nf)
{
	if (!nf->cluster.held)
		return 0;
	return nf->cluster.first_ns + nf->cluster.wait_ns;
}

static int
netfront_free_slot(struct netfront *nf, uint16_t *id)
{
	for (uint32_t n = 0; n < NETFRONT_TX_SLOTS; n++) {
		uint16_t i = (uint16_t)((nf->tx_next + n) % NETFRONT_TX_SLOTS);

		if (!nf->tx_busy[i]) {
			*id = i;
			nf->tx_next = (uint16_t)((i + 1) % NETFRONT_TX_SLOTS);
			return 0;
		}
	}
	return -EAGAIN;
}

int
netfront_send(struct netfront *nf, const void *frame, uint32_t len)
{
	struct netif_tx_request req;
	uint16_t id;

	if (nf->is_closed)
		return -ENODEV;
	if (nf->is_broken)
		return -EIO;
	if (len < 14 || len > NETFRONT_FRAME_MAX)
		return -EMSGSIZE;
	if (!netfront_ring_free(&nf->tx) || netfront_free_slot(nf, &id) < 0) {
		netfront_reap_tx(nf);
		if (!netfront_ring_free(&nf->tx) ||
		    netfront_free_slot(nf, &id) < 0) {
			netfront_flush(nf);
			nf->stats.tx_full++;
			return -EAGAIN;
		}
	}
	memcpy(nf->tx_pages + id * NETFRONT_PAGE, frame, len);
	/* SUBMIT before the request is put, so long before req_prod. */
	nf->tx_prof_slot[id] =
		(uint16_t)(nf->tx.req_prod_pvt & (nf->tx.nr_ents - 1));
	gk_profile_stamp(&nf->prof, nf->tx_prof_slot[id], XYL_PROFILE_SUBMIT);
	req = (struct netif_tx_request){.gref = nf->tx_grefs[id],
					.offset = 0,
					.flags = 0,
					.id = id,
					.size = (uint16_t)len};
	if (netfront_ring_put(&nf->tx, &req, sizeof(req)) < 0)
		return -EIO;
	nf->tx_busy[id] = 1;
	nf->stats.tx_packets++;
	nf->stats.tx_bytes += len;
	if (netfront_cluster_add(&nf->cluster, gk_time_now_ns()))
		netfront_flush(nf);
	return 0;
}

static const char *
netfront_state_name(uint32_t st)
{
	static const char *const names[] = {
		"Unknown",     "Initialising",	"InitWait",
		"Initialised", "Connected",	"Closing",
		"Closed",      "Reconfiguring", "Reconfigured"};

	return st < sizeof(names) / sizeof(names[0]) ? names[st] : "?";
}

/* Free the pages of a run whose grants are gone (ref 0). */
static void
netfront_free_pages(void *base, const grant_ref_t *refs, uint32_t n)
{
	uint64_t pfn = (uintptr_t)base >> 12;

	for (uint32_t i = 0; base && i < n; i++)
		if (!refs[i])
			gk_pages_free(&gk.pages, pfn + i, 1);
}

/*
 * Stop using the connection and give its memory back: the event handler
 * goes, every grant is revoked once the backend has let go of it (netback
 * unmaps the rings before it writes Closing; the toolstack may write that
 * first, so busy grants are retried up to NETFRONT_REVOKE_WAIT_MS), the
 * port is closed and the pages are freed.  A grant still pinned at the
 * deadline keeps its page for ever (counted), never reused.
 */
static void
netfront_release(struct netfront *nf)
{
	uint64_t end = gk_time_now_ns() + NETFRONT_REVOKE_WAIT_MS * 1000000ull;
	uint32_t left;

	nf->tx.is_broken = nf->rx.is_broken = 1;
	if (nf->port)
		gk_evtchn_clear_handler(&gk.evtchn, nf->port);
	for (;;) {
		left = netfront_revoke(&nf->tx_ring_ref, 1,
				       gk_gnttab_end_access) +
		       netfront_revoke(&nf->rx_ring_ref, 1,
				       gk_gnttab_end_access) +
		       netfront_revoke(nf->tx_grefs, NETFRONT_TX_SLOTS,
				       gk_gnttab_end_access) +
		       netfront_revoke(nf->rx_grefs, NETFRONT_RX_SLOTS,
				       gk_gnttab_end_access);
		if (!left || gk_time_now_ns() >= end)
			break;
		gk_sleep_ns(10000000ull);
	}
	if (nf->port)
		gk_evtchn_close(nf->port);
	nf->port = 0;
	netfront_free_pages(nf->tx_sring, &nf->tx_ring_ref, 1);
	netfront_free_pages(nf->rx_sring, &nf->rx_ring_ref, 1);
	netfront_free_pages(nf->tx_pages, nf->tx_grefs, NETFRONT_TX_SLOTS);
	netfront_free_pages(nf->rx_pages, nf->rx_grefs, NETFRONT_RX_SLOTS);
	nf->tx_sring = nf->rx_sring = 0;
	nf->tx_pages = nf->rx_pages = 0;
	gk_profile_teardown(&nf->prof);
	nf->cluster.held = 0;
	memset(nf->tx_busy, 0, sizeof(nf->tx_busy));
	memset(nf->rx_posted, 0, sizeof(nf->rx_posted));
	nf->stats.grants_kept += left;
}

/* The backend closed (or the toolstack removed the vif): Closing, let go
 * of everything, Closed (as a Xen frontend does). */
static void
netfront_detach(struct netfront *nf, uint32_t be)
{
	int rc;

	gk_info("netfront: vif %u: backend %s: closing the device\n", nf->devid,
		netfront_state_name(be));
	nf->is_closed = 1;
	nf->stats.closes++;
	netfront_set_state(nf, XenbusStateClosing);
	netfront_release(nf);
	rc = netfront_set_state(nf, XenbusStateClosed);
	if (rc == 0)
		gk_info("netfront: vif %u: closed, frontend state Closed, "
			"%lu grants kept by the backend\n",
			nf->devid, (unsigned long)nf->stats.grants_kept);
	else
		gk_info("netfront: vif %u: closed, frontend directory "
			"gone (%d)\n",
			nf->devid, rc);
}

/* Attached again: a fresh connection to whatever `backend` names now. */
static int
netfront_reattach(struct netfront *nf)
{
	int rc;

	gk_info("netfront: vif %u: attached again: connecting\n", nf->devid);
	rc = netfront_start(nf);
	if (rc < 0) {
		gk_err("netfront: vif %u: reconnect failed (%d)\n", nf->devid,
		       rc);
		netfront_release(nf);
		netfront_set_state(nf, XenbusStateClosed);
		nf->is_closed = 1;
		return rc;
	}
	nf->stats.reopens++;
	gk_info("netfront: vif %u: connected again\n", nf->devid);
	return 0;
}

/* A new attach may name another backend: watch its state instead. */
static void
netfront_rewatch(struct netfront *nf)
{
	char old[sizeof(nf->be_dir)];

	memcpy(old, nf->be_dir, sizeof(old));
	if (netfront_read_keys(nf) < 0) {
		memcpy(nf->be_dir, old, sizeof(old));
		return;
	}
	if (strcmp(old, nf->be_dir) == 0)
		return;
	netfront_watch_stop(nf);
	if (netfront_watch_start(nf) < 0)
		gk_warn("netfront: vif %u: no xenstore watch\n", nf->devid);
}

enum netfront_step
netfront_service(struct netfront *nf)
{
	enum netfront_step step;
	uint32_t be, fe;

	if (!nf->is_watching || !nf->is_changed)
		return NETFRONT_STAY;
	nf->is_changed = 0;
	if (nf->is_closed)
		netfront_rewatch(nf);
	if (netfront_read_state(nf->be_dir, &be) < 0 ||
	    netfront_read_state(nf->fe_dir, &fe) < 0)
		return NETFRONT_STAY;
	step = netfront_next_step(!nf->is_closed, be, fe);
	if (step == NETFRONT_CLOSE)
		netfront_detach(nf, be);
	else if (step == NETFRONT_REOPEN && netfront_reattach(nf) < 0)
		step = NETFRONT_STAY;
	return step;
}

void
netfront_close(struct netfront *nf)
{
	netfront_flush(nf);
	netfront_watch_stop(nf);
	if (!nf->is_closed) {
		netfront_set_state(nf, XenbusStateClosing);
		/* netback unmaps, then goes Closing; it waits for our
		 * Closed before it goes Closed itself. */
		netfront_wait_backend(nf, XenbusStateClosing);
		netfront_release(nf);
		netfront_set_state(nf, XenbusStateClosed);
	}
	nf->is_closed = 1;
	nf->is_broken = 1;
}
