/*
 * net/net_parse.c: the IPv4 stack's wire formats (gk/net.h): parsers that
 * check every length, version and checksum of a frame that came from the
 * network (private copies made by netfront), and builders for what we
 * send.  Pure memory work, compiled as host code for tests/unit/frontends.
 */
#include <stdint.h>

#include "gk/errno.h"
#include "gk/net.h"
#include "gk/string.h"

static uint16_t
rd16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t
rd32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void
wr16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
wr32(uint8_t *p, uint32_t v)
{
	wr16(p, (uint16_t)(v >> 16));
	wr16(p + 2, (uint16_t)v);
}

uint32_t
net_csum_add(uint32_t sum, const uint8_t *p, uint32_t len)
{
	uint64_t s = sum;

	for (uint32_t i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	while (s >> 32)
		s = (s & 0xffffffffu) + (s >> 32);
	return (uint32_t)s;
}

uint16_t
net_csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint32_t
net_pseudo(uint32_t src, uint32_t dst, uint8_t proto, uint32_t len)
{
	uint8_t ph[12];

	wr32(ph, src);
	wr32(ph + 4, dst);
	ph[8] = 0;
	ph[9] = proto;
	wr16(ph + 10, (uint16_t)len);
	return net_csum_add(0, ph, sizeof(ph));
}

int
net_eth_parse(const uint8_t *f, uint32_t len, struct net_eth *out)
{
	if (!f || len < NET_ETH_HLEN)
		return -EINVAL;
	memcpy(out->dst, f, 6);
	memcpy(out->src, f + 6, 6);
	out->type = rd16(f + 12);
	out->payload = f + NET_ETH_HLEN;
	out->len = len - NET_ETH_HLEN;
	return 0;
}

int
net_arp_parse(const uint8_t *p, uint32_t len, struct net_arp *out)
{
	if (len < NET_ARP_LEN || rd16(p) != 1 || rd16(p + 2) != NET_ETH_P_IP ||
	    p[4] != 6 || p[5] != 4)
		return -EINVAL;
	out->op = rd16(p + 6);
	if (out->op != 1 && out->op != 2)
		return -EINVAL;
	memcpy(out->sha, p + 8, 6);
	out->spa = rd32(p + 14);
	memcpy(out->tha, p + 18, 6);
	out->tpa = rd32(p + 24);
	return 0;
}

int
net_ipv4_parse(const uint8_t *p, uint32_t len, struct net_ip *out)
{
	uint32_t ihl, tot;

	if (len < NET_IP_HLEN || (p[0] >> 4) != 4)
		return -EINVAL;
	ihl = (uint32_t)(p[0] & 0xf) * 4;
	tot = rd16(p + 2);
	if (ihl < NET_IP_HLEN || ihl > len || tot < ihl || tot > len)
		return -EINVAL;
	if (net_csum_fold(net_csum_add(0, p, ihl)) != 0)
		return -EINVAL;
	/* More-fragments or a fragment offset: we do not reassemble. */
	if (rd16(p + 6) & 0x3fff)
		return -EOPNOTSUPP;
	out->ttl = p[8];
	out->proto = p[9];
	out->src = rd32(p + 12);
	out->dst = rd32(p + 16);
	out->payload = p + ihl;
	out->len = tot - ihl;
	return 0;
}

int
net_udp_parse(const struct net_ip *ip, struct net_udp *out)
{
	const uint8_t *p = ip->payload;
	uint32_t ulen;

	if (ip->proto != NET_PROTO_UDP || ip->len < NET_UDP_HLEN)
		return -EINVAL;
	ulen = rd16(p + 4);
	if (ulen < NET_UDP_HLEN || ulen > ip->len)
		return -EINVAL;
	/* Checksum 0: the sender did not compute one (allowed in IPv4). */
	if (rd16(p + 6) != 0 &&
	    net_csum_fold(net_csum_add(
		    net_pseudo(ip->src, ip->dst, NET_PROTO_UDP, ulen), p,
		    ulen)) != 0)
		return -EINVAL;
	out->sport = rd16(p);
	out->dport = rd16(p + 2);
	out->data = p + NET_UDP_HLEN;
	out->len = ulen - NET_UDP_HLEN;
	return 0;
}

int
net_icmp_parse(const struct net_ip *ip, struct net_icmp *out)
{
	const uint8_t *p = ip->payload;

	if (ip->proto != NET_PROTO_ICMP || ip->len < NET_ICMP_HLEN)
		return -EINVAL;
	if (net_csum_fold(net_csum_add(0, p, ip->len)) != 0)
		return -EINVAL;
	out->type = p[0];
	out->code = p[1];
	out->id = rd16(p + 4);
	out->seq = rd16(p + 6);
	out->data = p + NET_ICMP_HLEN;
	out->len = ip->len - NET_ICMP_HLEN;
	return 0;
}

uint32_t
net_eth_build(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
	      uint16_t type)
{
	memcpy(p, dst, 6);
	memcpy(p + 6, src, 6);
	wr16(p + 12, type);
	return NET_ETH_HLEN;
}

uint32_t
net_arp_build(uint8_t *p, uint16_t op, const uint8_t sha[6], uint32_t spa,
	      const uint8_t tha[6], uint32_t tpa)
{
	wr16(p, 1);
	wr16(p + 2, NET_ETH_P_IP);
	p[4] = 6;
	p[5] = 4;
	wr16(p + 6, op);
	memcpy(p + 8, sha, 6);
	wr32(p + 14, spa);
	memcpy(p + 18, tha, 6);
	wr32(p + 24, tpa);
	return NET_ARP_LEN;
}

uint32_t
net_ipv4_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
	       uint32_t payload_len, uint16_t id)
{
	p[0] = 0x45;
	p[1] = 0;
	wr16(p + 2, (uint16_t)(NET_IP_HLEN + payload_len));
	wr16(p + 4, id);
	wr16(p + 6, 0x4000); /* DF */
	p[8] = 64;
	p[9] = proto;
	wr16(p + 10, 0);
	wr32(p + 12, src);
	wr32(p + 16, dst);
	wr16(p + 10, net_csum_fold(net_csum_add(0, p, NET_IP_HLEN)));
	return NET_IP_HLEN;
}

uint32_t
net_udp_build(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport,
	      uint16_t dport, const void *data, uint32_t len)
{
	uint32_t ulen = NET_UDP_HLEN + len;
	uint16_t c;

	wr16(p, sport);
	wr16(p + 2, dport);
	wr16(p + 4, (uint16_t)ulen);
	wr16(p + 6, 0);
	memcpy(p + NET_UDP_HLEN, data, len);
	c = net_csum_fold(net_csum_add(
		net_pseudo(src, dst, NET_PROTO_UDP, ulen), p, ulen));
	wr16(p + 6, c ? c : 0xffff);
	return ulen;
}

uint32_t
net_icmp_build_echo(uint8_t *p, uint8_t type, uint16_t id, uint16_t seq,
		    const void *data, uint32_t len)
{
	p[0] = type;
	p[1] = 0;
	wr16(p + 2, 0);
	wr16(p + 4, id);
	wr16(p + 6, seq);
	memcpy(p + NET_ICMP_HLEN, data, len);
	wr16(p + 2, net_csum_fold(net_csum_add(0, p, NET_ICMP_HLEN + len)));
	return NET_ICMP_HLEN + len;
}

/* One decimal octet followed by sep (or the end if allow_end); *s is
 * left on that character. */
static int
net_octet(const char **s, char sep, int allow_end, uint32_t *v)
{
	uint32_t n = 0, digits = 0;

	while (**s >= '0' && **s <= '9' && digits < 3) {
		n = n * 10 + (uint32_t)(**s - '0');
		(*s)++;
		digits++;
	}
	if (!digits || n > 255)
		return -EINVAL;
	if (!((sep && **s == sep) || (allow_end && **s == '\0')))
		return -EINVAL;
	*v = n;
	return 0;
}

int
net_parse_ip(const char *s, uint32_t *ip)
{
	uint32_t v = 0, o;

	for (int i = 0; i < 4; i++) {
		if (net_octet(&s, i < 3 ? '.' : 0, i == 3, &o) < 0)
			return -EINVAL;
		v = v << 8 | o;
		if (i < 3)
			s++;
	}
	*ip = v;
	return 0;
}

int
net_parse_cidr(const char *s, uint32_t *ip, uint32_t *prefix)
{
	uint32_t v = 0, o, p = 24;

	for (int i = 0; i < 4; i++) {
		if (net_octet(&s, i < 3 ? '.' : '/', i == 3, &o) < 0)
			return -EINVAL;
		v = v << 8 | o;
		if (i < 3)
			s++;
	}
	if (*s == '/') {
		s++;
		if (net_octet(&s, 0, 1, &p) < 0 || p < 1 || p > 30)
			return -EINVAL;
	}
	*ip = v;
	*prefix = p;
	return 0;
}
