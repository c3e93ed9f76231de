/*
 * tests/fuzz/netif_fuzz.c: libFuzzer target for netback's TX boundaries
 * together: a netif TX ring page and producer indices written by the
 * fuzzer (be_ring, backends/lib/ring.c) and every request taken from it
 * fed to the packet parser (backends/netback/tx_parse.c).  Invariants of
 * a packet the parser accepts are checked with abort().  Input: 8 bytes
 * of knobs (coalescing, MTU, index moves), then the ring page.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "netback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A packet the parser calls valid must be safe to copy. */
static void
netif_fuzz_check(const struct netback_tx_parser *p, uint32_t mtu)
{
	const struct netback_tx_pkt *pkt = &p->pkt;
	uint32_t total = 0;

	if (pkt->nr_slots > NETBACK_TX_MAX_SLOTS ||
	    pkt->nr_segs > pkt->nr_slots)
		abort();
	if (p->error)
		return;
	for (uint32_t i = 0; i < pkt->nr_segs; i++) {
		if ((uint32_t)pkt->segs[i].offset + pkt->segs[i].len > 4096)
			abort();
		total += pkt->segs[i].len;
	}
	if (total != pkt->len || pkt->len < NETBACK_ETH_HLEN ||
	    pkt->len > mtu + NETBACK_ETH_HLEN + 4 || pkt->is_gso)
		abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static _Alignas(4096) uint8_t page[4096];
	struct netif_tx_request req;
	struct netback_tx_parser p;
	struct be_ring r;
	uint32_t mtu;
	size_t body;
	int rc;

	if (size < 8)
		return 0;
	memset(page, 0, sizeof(page));
	body = size - 8 < sizeof(page) ? size - 8 : sizeof(page);
	memcpy(page, data + 8, body);
	mtu = NETBACK_MTU_MIN + (uint32_t)(data[1] | data[2] << 8) % 9000;
	if (be_ring_attach(&r, page, sizeof(page),
			   sizeof(struct netif_tx_request),
			   sizeof(struct netif_tx_response), data[0] & 1))
		abort();
	for (int round = 0; round < 4; round++) {
		bool in_pkt = false;
		uint32_t taken = 0;

		be_ring_begin(&r);
		while ((rc = be_ring_take_request(&r, &req)) == 1) {
			struct netif_tx_response rsp = {.id = req.id};

			if (++taken > r.nr_ents)
				abort();
			if (!in_pkt)
				netback_tx_parse_begin(&p);
			in_pkt = true;
			rc = netback_tx_parse_slot(&p, &req, mtu);
			be_ring_put_response(&r, &rsp);
			if (rc < 0) {
				if (p.pkt.nr_slots != NETBACK_TX_MAX_SLOTS)
					abort();
				in_pkt = false;
				continue;
			}
			if (rc == 1) {
				netif_fuzz_check(&p, mtu);
				in_pkt = false;
			}
		}
		if (rc < 0 && !r.is_broken)
			abort();
		be_ring_push_responses(&r);
		be_ring_final_check(&r);
		*(uint32_t *)page += data[4 + round];
	}
	return 0;
}
