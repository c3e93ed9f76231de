/*
 * apps/nethostile.c: a hostile netfront.  It connects like any frontend,
 * then puts malformed TX requests on its ring — a grant reference past the
 * table, one not granted, data past the page, zero-length, oversize and
 * runt packets, a bad extra-info slot — each of which netback must answer
 * with an error (and count), and finally breaks the ring (a packet of
 * more slots than netif allows, then a producer index far ahead), which
 * must close only this vif.  Cmdline: ip=... as for the other net apps,
 * break=slots (default) or break=index (a producer index far ahead).
 * Prints "nethostile: N errors of M", "nethostile: vif closed" and powers
 * off.
 */
#include <stdint.h>

#include <xen/io/xenbus.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/net.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

/* Put one raw request with a fresh id; returns the id or -1. */
static int
nethostile_put(struct netfront *nf, struct netif_tx_request req)
{
	for (uint16_t id = 0; id < NETFRONT_TX_SLOTS; id++) {
		if (nf->tx_busy[id])
			continue;
		req.id = id;
		if (netfront_ring_put(&nf->tx, &req, sizeof(req)) < 0)
			return -1;
		nf->tx_busy[id] = 1;
		return id;
	}
	return -1;
}

static void
nethostile_kick(struct netfront *nf)
{
	netfront_ring_push(&nf->tx);
	gk_evtchn_send(nf->port);
	gk_sleep_ns(50000000ull);
	netfront_poll(nf);
}

static uint32_t
nethostile_backend_state(struct netfront *nf)
{
	uint32_t st = 0;

	xenbus_read_u32(0, nf->be_dir, "state", &st);
	return st;
}

int
gk_app_nethostile(const char *cmdline)
{
	struct net_stack *s = gk_zalloc(sizeof(*s));
	struct netfront *nf;
	grant_ref_t good;
	uint64_t before, end;
	char how[16];
	int rc, cases = 0;

	if (!s)
		return -ENOMEM;
	rc = net_init(s, cmdline);
	if (rc < 0) {
		gk_err("nethostile: no network (%d)\n", rc);
		return rc;
	}
	nf = &s->nf;
	good = nf->tx_grefs[0];
	before = nf->stats.tx_errors;
	struct netif_tx_request bad[] = {
		{.gref = 0xfffff, .size = 60},		     /* past table */
		{.gref = 3, .size = 60},		     /* not granted */
		{.gref = good, .offset = 4000, .size = 200}, /* past page */
		{.gref = good, .offset = 4096, .size = 60},  /* offset */
		{.gref = good, .size = 0},		     /* zero */
		{.gref = good, .size = 10},		     /* runt */
		{.gref = good, .size = 4096},		     /* > MTU */
		{.gref = good, .size = 60000, .flags = NETTXF_more_data},
	};
	for (uint32_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		nethostile_put(nf, bad[i]);
		cases++;
		if (bad[i].flags & NETTXF_more_data) {
			/* the chained slot: too small for the total */
			nethostile_put(nf, (struct netif_tx_request){
						   .gref = good, .size = 100});
		}
		nethostile_kick(nf);
	}
	/* A bad extra-info slot (type 0). */
	nethostile_put(nf,
		       (struct netif_tx_request){.gref = good,
						 .size = 60,
						 .flags = NETTXF_extra_info});
	nethostile_put(nf, (struct netif_tx_request){.gref = 0, .size = 0});
	cases++;
	nethostile_kick(nf);
	gk_info("nethostile: %lu errors of %d\n",
		(unsigned long)(nf->stats.tx_errors - before), cases);
	if (gk_cmdline_get(cmdline, "break", how, sizeof(how)) < 0)
		gk_snprintf(how, sizeof(how), "slots");
	if (strcmp(how, "index") == 0) {
		/* A producer index far more than a ring ahead. */
		volatile uint32_t *req_prod = (volatile uint32_t *)nf->tx.sring;

		*req_prod = nf->tx.rsp_cons + 5000;
		gk_evtchn_send(nf->port);
	} else {
		/* More slots in one packet than netif allows. */
		for (int i = 0; i < XEN_NETIF_NR_SLOTS_MIN + 4; i++)
			nethostile_put(nf, (struct netif_tx_request){
						   .gref = good,
						   .size = 64,
						   .flags = NETTXF_more_data});
		nethostile_kick(nf);
	}
	end = gk_time_now_ns() + 5000000000ull;
	while (nethostile_backend_state(nf) != XenbusStateClosing &&
	       nethostile_backend_state(nf) != XenbusStateClosed &&
	       gk_time_now_ns() < end)
		gk_sleep_ns(50000000ull);
	rc = nethostile_backend_state(nf);
	gk_info("nethostile: vif %s (backend state %d)\n",
		rc >= XenbusStateClosing ? "closed" : "still open", rc);
	return rc >= XenbusStateClosing ? 0 : -EIO;
}
