/*
 * backends/netback/tx_parse.c: turning TX requests (private copies taken
 * by be_ring) into a validated packet: slot chaining (more_data,
 * extra-info), sizes against the page and the MTU, and the checksum fill
 * for NETTXF_csum_blank.  Trust boundary: every field here came from the
 * frontend; nothing after netback_tx_parse_slot looks at a raw request.
 */
#include <errno.h>
#include <string.h>

#include "netback.h"

void
netback_tx_parse_begin(struct netback_tx_parser *p)
{
	memset(p, 0, sizeof(*p));
}

/* The whole packet is in: check the first slot's share and the size. */
static void
netback_tx_parse_end(struct netback_tx_parser *p, uint32_t mtu)
{
	struct netback_tx_pkt *pkt = &p->pkt;
	uint32_t first;

	if (p->error)
		return;
	if (pkt->nr_segs == 0 || p->seg_bytes > pkt->len) {
		p->error = -EINVAL;
		return;
	}
	first = pkt->len - p->seg_bytes;
	if ((uint32_t)pkt->segs[0].offset + first > BE_PAGE_SIZE) {
		p->error = -EINVAL;
		return;
	}
	pkt->segs[0].len = (uint16_t)first;
	if (pkt->len < NETBACK_ETH_HLEN ||
	    pkt->len > mtu + NETBACK_ETH_HLEN + 4 /* VLAN tag */)
		p->error = -EMSGSIZE;
	else if (pkt->is_gso)
		p->error = -EOPNOTSUPP;
}

static void
netback_tx_parse_extra(struct netback_tx_parser *p,
		       const struct netif_tx_request *req)
{
	struct netif_extra_info ex;

	_Static_assert(sizeof(ex) <= sizeof(*req), "extra fits a slot");
	memcpy(&ex, req, sizeof(ex));
	if (ex.type == XEN_NETIF_EXTRA_TYPE_NONE ||
	    ex.type >= XEN_NETIF_EXTRA_TYPE_MAX)
		p->error = p->error ? p->error : -EINVAL;
	if (ex.type == XEN_NETIF_EXTRA_TYPE_GSO)
		p->pkt.is_gso = true;
	p->want_extra = (ex.flags & XEN_NETIF_EXTRA_FLAG_MORE) != 0;
}

int
netback_tx_parse_slot(struct netback_tx_parser *p,
		      const struct netif_tx_request *req, uint32_t mtu)
{
	struct netback_tx_pkt *pkt = &p->pkt;
	bool is_first = pkt->nr_slots == 0;

	if (pkt->nr_slots >= NETBACK_TX_MAX_SLOTS)
		return -EPROTO;
	pkt->ids[pkt->nr_slots] = req->id;
	if (p->want_extra) {
		/* An extra-info slot: its "id" is not an id (netif.h), and
		 * it gets a NETIF_RSP_NULL response at its place. */
		pkt->is_extra[pkt->nr_slots++] = true;
		netback_tx_parse_extra(p, req);
		goto next;
	}
	pkt->nr_slots++;
	if (!is_first && (uint32_t)req->offset + req->size > BE_PAGE_SIZE)
		p->error = p->error ? p->error : -EINVAL;
	if (!is_first && req->size == 0)
		p->error = p->error ? p->error : -EINVAL;
	if (is_first) {
		pkt->len = req->size;
		pkt->is_csum_blank = (req->flags & NETTXF_csum_blank) != 0;
		p->want_extra = (req->flags & NETTXF_extra_info) != 0;
	} else {
		p->seg_bytes += req->size;
	}
	if (req->offset >= BE_PAGE_SIZE)
		p->error = p->error ? p->error : -EINVAL;
	pkt->segs[pkt->nr_segs++] = (struct netback_tx_seg){
		.gref = req->gref, .offset = req->offset, .len = req->size};
	p->want_more = (req->flags & NETTXF_more_data) != 0;
next:
	if (p->want_extra || p->want_more)
		return 0;
	netback_tx_parse_end(p, mtu);
	return 1;
}

static uint32_t
netback_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	for (uint32_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
netback_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
netback_csum_fill(uint8_t *frame, uint32_t len)
{
	uint8_t *ip = frame + NETBACK_ETH_HLEN, *l4;
	uint32_t ihl, tot, l4len, sum, off;
	uint16_t c;

	if (len < NETBACK_ETH_HLEN + 20 || frame[12] != 0x08 ||
	    frame[13] != 0x00 || (ip[0] >> 4) != 4)
		return -EINVAL;
	ihl = (uint32_t)(ip[0] & 0xf) * 4;
	tot = (uint32_t)ip[2] << 8 | ip[3];
	if (ihl < 20 || tot < ihl || NETBACK_ETH_HLEN + tot > len)
		return -EINVAL;
	if (ip[9] == 17)
		off = 6;
	else if (ip[9] == 6)
		off = 16;
	else
		return -EINVAL;
	l4 = ip + ihl;
	l4len = tot - ihl;
	if (l4len < off + 2)
		return -EINVAL;
	l4[off] = l4[off + 1] = 0;
	sum = netback_csum_add(0, ip + 12, 8);
	sum += ip[9] + l4len;
	sum = netback_csum_add(sum, l4, l4len);
	c = netback_csum_fold(sum);
	if (c == 0 && ip[9] == 17)
		c = 0xffff;
	l4[off] = (uint8_t)(c >> 8);
	l4[off + 1] = (uint8_t)c;
	return 0;
}
