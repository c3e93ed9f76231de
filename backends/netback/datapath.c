/*
 * backends/netback/datapath.c: a vif's packets.  TX: requests parsed into
 * a packet (tx_parse.c), data copied out of the granted pages, written to
 * the TAP device, one response per slot.  RX: frames read from the TAP
 * copied into the buffers the frontend posted (grant-copy semantics: the
 * grant is checked and pinned around the copy), one response per slot.
 * Trust boundary: grants go through be_grant_*, indices through be_ring_*.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "netback.h"

/* Packets per processing run before responses are pushed. */
#define NETBACK_BUDGET 64

static void
netback_tx_respond(struct netback_vif *vif, const struct netback_tx_pkt *pkt,
		   int16_t status)
{
	for (uint32_t i = 0; i < pkt->nr_slots; i++) {
		struct netif_tx_response rsp = {
			.id = pkt->ids[i],
			.status = pkt->is_extra[i] ? NETIF_RSP_NULL : status,
		};

		be_ring_put_response(&vif->tx, &rsp);
	}
}

/* Gather the packet's segments into vif->buf: 0 or be_grant's errno. */
static int
netback_tx_gather(struct netback_vif *vif, const struct netback_tx_pkt *pkt)
{
	uint32_t at = 0;

	for (uint32_t i = 0; i < pkt->nr_segs; i++) {
		const struct netback_tx_seg *s = &pkt->segs[i];
		struct be_grant g;
		int rc;

		if (at + s->len > NETBACK_MAX_PKT)
			return -EMSGSIZE;
		rc = be_grant_acquire(&vif->dom->gnttab, s->gref, BE_GRANT_READ,
				      &g);
		if (rc)
			return rc;
		memcpy(vif->buf + at, g.page + s->offset, s->len);
		be_grant_release(&vif->dom->gnttab, &g);
		at += s->len;
	}
	return 0;
}

/* Done with a packet: stamp COMPLETE (profile slot of its first request)
 * before its responses go on the ring, then respond. */
static void
netback_tx_done(struct netback_vif *vif, const struct netback_tx_pkt *pkt,
		uint32_t slot, int16_t status)
{
	be_profile_stamp(&vif->prof, slot, XYL_PROFILE_COMPLETE);
	netback_tx_respond(vif, pkt, status);
}

static void
netback_tx_packet(struct netback_vif *vif, struct netback_tx_parser *p,
		  uint32_t slot)
{
	struct netback_tx_pkt *pkt = &p->pkt;
	int rc = p->error;

	netback_rate_charge(vif, pkt->len);
	if (rc == 0)
		rc = netback_tx_gather(vif, pkt);
	if (rc) {
		vif->stats.tx_errors++;
		log_dom_limited(&vif->rl, DLOG_WARN, (int)vif->domid,
				"vif %u: tx packet of %u bytes dropped: %s",
				vif->devid, pkt->len, strerror(-rc));
		netback_tx_done(vif, pkt, slot, NETIF_RSP_ERROR);
		return;
	}
	if (pkt->is_csum_blank)
		netback_csum_fill(vif->buf, pkt->len);
	if (write(vif->tap_fd, vif->buf, pkt->len) != (ssize_t)pkt->len) {
		vif->stats.tx_dropped++;
		netback_tx_done(vif, pkt, slot, NETIF_RSP_DROPPED);
		return;
	}
	vif->stats.tx_packets++;
	vif->stats.tx_bytes += pkt->len;
	netback_tx_done(vif, pkt, slot, NETIF_RSP_OKAY);
}

/* One processing run over the TX ring.  -EPROTO: the ring is broken. */
static int
netback_tx_run(struct netback_vif *vif, uint32_t *nr_pkts)
{
	struct netback_tx_parser p;
	struct netif_tx_request req;
	bool in_pkt = false;
	uint32_t slot = 0;
	int rc;

	while (*nr_pkts < NETBACK_BUDGET) {
		/* A new packet needs rate credit; without it the requests
		 * stay in the ring until the rate timer replenishes it. */
		if (!in_pkt && be_ring_unconsumed(&vif->tx) &&
		    !netback_rate_allow(vif))
			break;
		/* The profile slot: the ring index of the packet's first
		 * request (include/xylem/profile.h). */
		if (!in_pkt)
			slot = vif->tx.req_cons & (vif->tx.nr_ents - 1);
		rc = be_ring_take_request(&vif->tx, &req);
		if (rc < 0)
			return rc;
		if (rc == 0)
			break;
		if (!in_pkt) {
			netback_tx_parse_begin(&p);
			be_profile_stamp(&vif->prof, slot, XYL_PROFILE_PICKUP);
		}
		in_pkt = true;
		rc = netback_tx_parse_slot(&p, &req, vif->mtu);
		if (rc < 0)
			return rc;
		if (rc == 0)
			continue;
		in_pkt = false;
		netback_tx_packet(vif, &p, slot);
		(*nr_pkts)++;
	}
	/* A packet whose last slot was not published with it: the frontend
	 * must publish whole packets (ours does); drop what we took. */
	if (in_pkt) {
		vif->stats.tx_errors++;
		netback_tx_done(vif, &p.pkt, slot, NETIF_RSP_ERROR);
	}
	return 0;
}

static void
netback_vif_push(struct netback_vif *vif)
{
	bool tx = be_ring_push_responses(&vif->tx);
	bool rx = be_ring_push_responses(&vif->rx);

	if (tx || rx)
		be_evtchn_notify(&vif->evtchn);
}

void
netback_vif_tx(struct netback_vif *vif)
{
	uint32_t n;

	do {
		be_ring_begin(&vif->tx);
		for (;;) {
			n = 0;
			if (netback_tx_run(vif, &n) < 0) {
				netback_vif_fail(vif, "tx ring broken");
				return;
			}
			if (n == 0)
				break;
			vif->stats.tx_batches++;
			netback_vif_push(vif);
			if (n < NETBACK_BUDGET)
				break;
		}
		/* Throttled: the rate timer resumes TX; leave the rest of
		 * the ring for it. */
	} while (!vif->rate.is_throttled && be_ring_final_check(&vif->tx));
	netback_vif_push(vif);
}

/* Copy one frame (vif->buf, len) into the next RX buffers.  Needs
 * ceil(len / page) requests available (checked by the caller). */
static void
netback_rx_deliver(struct netback_vif *vif, uint32_t len)
{
	uint32_t at = 0;
	bool ok = true;

	while (at < len) {
		struct netif_rx_request req;
		struct netif_rx_response rsp = {0};
		uint32_t chunk = len - at;
		struct be_grant g;

		if (chunk > BE_PAGE_SIZE)
			chunk = BE_PAGE_SIZE;
		if (be_ring_take_request(&vif->rx, &req) != 1)
			break;
		rsp.id = req.id;
		if (be_grant_acquire(&vif->dom->gnttab, req.gref,
				     BE_GRANT_WRITE, &g) == 0) {
			memcpy(g.page, vif->buf + at, chunk);
			be_grant_release(&vif->dom->gnttab, &g);
			rsp.status = (int16_t)chunk;
		} else {
			rsp.status = NETIF_RSP_ERROR;
			ok = false;
		}
		at += chunk;
		rsp.flags = at < len ? NETRXF_more_data : 0;
		be_ring_put_response(&vif->rx, &rsp);
	}
	if (ok) {
		vif->stats.rx_packets++;
		vif->stats.rx_bytes += len;
	} else {
		vif->stats.rx_errors++;
	}
}

static uint32_t
netback_rx_slots(uint32_t len)
{
	uint32_t n = (len + BE_PAGE_SIZE - 1) / BE_PAGE_SIZE;

	return n ? n : 1;
}

/* Enough posted buffers for slots?  Declares SLEEPING when not, so the
 * frontend's next post notifies us. */
static bool
netback_rx_has_room(struct netback_vif *vif, uint32_t slots)
{
	if (be_ring_unconsumed(&vif->rx) >= slots)
		return true;
	be_ring_final_check(&vif->rx);
	return be_ring_unconsumed(&vif->rx) >= slots;
}

static void
netback_rx_pause(struct netback_vif *vif, bool pause)
{
	if (vif->is_rx_paused == pause)
		return;
	vif->is_rx_paused = pause;
	if (pause)
		vif->stats.rx_stalls++;
	be_backend_epoll_set(&vif->nb->be, vif->tap_fd, &vif->tap_src, !pause);
}

void
netback_vif_rx(struct netback_vif *vif)
{
	uint32_t done = 0;

	if (vif->phase != NETBACK_VIF_CONNECTED)
		return;
	be_ring_begin(&vif->rx);
	while (done < NETBACK_BUDGET) {
		ssize_t n;
		uint32_t len = vif->held_len;

		if (len == 0) {
			n = read(vif->tap_fd, vif->buf, NETBACK_MAX_PKT);
			if (n <= 0)
				break;
			len = (uint32_t)n;
		}
		vif->held_len = 0;
		if (netback_rx_slots(len) > 1 && !vif->use_sg) {
			vif->stats.rx_dropped++;
			continue;
		}
		if (!netback_rx_has_room(vif, netback_rx_slots(len))) {
			vif->held_len = len;
			netback_rx_pause(vif, true);
			break;
		}
		netback_rx_deliver(vif, len);
		done++;
	}
	if (vif->rx.is_broken) {
		netback_vif_fail(vif, "rx ring broken");
		return;
	}
	if (vif->held_len == 0)
		netback_rx_pause(vif, false);
	netback_vif_push(vif);
}

void
netback_vif_kick(struct netback_vif *vif)
{
	int64_t n = be_evtchn_drain(&vif->evtchn);

	if (n > 0) {
		vif->tx.stats.kicks += (uint64_t)n;
	}
	if (vif->phase != NETBACK_VIF_CONNECTED)
		return;
	netback_vif_tx(vif);
	if (vif->phase == NETBACK_VIF_CONNECTED)
		netback_vif_rx(vif);
}
