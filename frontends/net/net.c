/*
 * net/net.c: the guest's IPv4 stack over one netfront vif (gk/net.h):
 * input dispatch (Ethernet -> ARP / IPv4 -> ICMP echo / UDP ports), ARP
 * cache and resolution, output, ping, and waiting with the clustering
 * deadline honoured and the vif's backend followed (down: the ARP cache
 * goes; up again: announced).  Trust boundary: frames arrive as private copies
 * and are parsed by net_parse.c before anything acts on them.
 */
#include <stdint.h>

#include <xen/vcpu.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/net.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#define NET_ARP_TIMEOUT_NS 3000000000ull
#define NET_ARP_RETRY_NS   500000000ull

static const uint8_t net_bcast[6] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

void
net_ip_str(uint32_t ip, char *buf, size_t cap)
{
	gk_snprintf(buf, cap, "%u.%u.%u.%u", ip >> 24, (ip >> 16) & 0xff,
		    (ip >> 8) & 0xff, ip & 0xff);
}

static int
net_on_link(const struct net_stack *s, uint32_t ip)
{
	return (ip & s->mask) == (s->ip & s->mask);
}

static void
net_arp_learn(struct net_stack *s, uint32_t ip, const uint8_t mac[6])
{
	uint32_t i;

	if (!net_on_link(s, ip) || ip == s->ip || (mac[0] & 1))
		return;
	for (i = 0; i < NET_ARP_SLOTS; i++)
		if (s->arp[i].is_valid && s->arp[i].ip == ip)
			break;
	if (i == NET_ARP_SLOTS)
		i = s->arp_next++ % NET_ARP_SLOTS;
	s->arp[i].ip = ip;
	memcpy(s->arp[i].mac, mac, 6);
	s->arp[i].is_valid = 1;
}

static const uint8_t *
net_arp_lookup(const struct net_stack *s, uint32_t ip)
{
	for (uint32_t i = 0; i < NET_ARP_SLOTS; i++)
		if (s->arp[i].is_valid && s->arp[i].ip == ip)
			return s->arp[i].mac;
	return 0;
}

static int
net_xmit(struct net_stack *s, uint32_t len)
{
	int rc = netfront_send(&s->nf, s->frame, len);

	if (rc == -EAGAIN)
		s->stats.tx_full++;
	else if (rc == 0)
		s->stats.tx_frames++;
	return rc;
}

static int
net_arp_send(struct net_stack *s, uint16_t op, const uint8_t dst[6],
	     uint32_t tpa)
{
	static const uint8_t zero[6];
	uint32_t n = net_eth_build(s->frame, dst, s->nf.mac, NET_ETH_P_ARP);

	n += net_arp_build(s->frame + n, op, s->nf.mac, s->ip,
			   op == 1 ? zero : dst, tpa);
	while (n < 60)
		s->frame[n++] = 0;
	s->stats.tx_arp++;
	return net_xmit(s, n);
}

static void
net_in_arp(struct net_stack *s, const struct net_eth *e)
{
	struct net_arp a;

	if (net_arp_parse(e->payload, e->len, &a) < 0) {
		s->stats.rx_bad++;
		return;
	}
	s->stats.rx_arp++;
	if (a.tpa != s->ip)
		return;
	net_arp_learn(s, a.spa, a.sha);
	if (a.op == 1) {
		net_arp_send(s, 2, a.sha, a.spa);
		netfront_flush(&s->nf);
	}
}

static void
net_in_icmp(struct net_stack *s, const struct net_eth *e,
	    const struct net_ip *ip)
{
	struct net_icmp ic;
	uint32_t n;

	if (net_icmp_parse(ip, &ic) < 0) {
		s->stats.rx_bad++;
		return;
	}
	s->stats.rx_icmp++;
	if (ic.type == 0 && ic.id == s->ping_id && ic.seq == s->ping_seq) {
		s->ping_done = 1;
		return;
	}
	if (ic.type != 8 || ic.code != 0 || ic.len > NET_MTU - 28)
		return;
	/* Echo reply straight to the sender's MAC: no ARP needed. */
	n = net_eth_build(s->frame, e->src, s->nf.mac, NET_ETH_P_IP);
	n += net_ipv4_build(s->frame + n, s->ip, ip->src, NET_PROTO_ICMP,
			    NET_ICMP_HLEN + ic.len, s->ip_id++);
	n += net_icmp_build_echo(s->frame + n, 0, ic.id, ic.seq, ic.data,
				 ic.len);
	s->stats.tx_icmp++;
	net_xmit(s, n);
	netfront_flush(&s->nf);
}

static void
net_in_udp(struct net_stack *s, const struct net_ip *ip)
{
	struct net_udp u;

	if (net_udp_parse(ip, &u) < 0) {
		s->stats.rx_bad++;
		return;
	}
	s->stats.rx_udp++;
	for (uint32_t i = 0; i < NET_UDP_BINDS; i++)
		if (s->udp[i].fn && s->udp[i].port == u.dport) {
			s->udp[i].fn(s->udp[i].arg, ip->src, u.sport, u.dport,
				     u.data, u.len);
			return;
		}
	s->stats.rx_dropped++;
}

static void
net_in_ip(struct net_stack *s, const struct net_eth *e)
{
	struct net_ip ip;

	if (net_ipv4_parse(e->payload, e->len, &ip) < 0) {
		s->stats.rx_bad++;
		return;
	}
	if (ip.dst != s->ip) {
		s->stats.rx_dropped++;
		return;
	}
	net_arp_learn(s, ip.src, e->src);
	if (ip.proto == NET_PROTO_ICMP)
		net_in_icmp(s, e, &ip);
	else if (ip.proto == NET_PROTO_UDP)
		net_in_udp(s, &ip);
	else
		s->stats.rx_dropped++;
}

static void
net_input(void *arg, const uint8_t *frame, uint32_t len)
{
	struct net_stack *s = arg;
	struct net_eth e;

	s->stats.rx_frames++;
	if (net_eth_parse(frame, len, &e) < 0) {
		s->stats.rx_bad++;
		return;
	}
	if (memcmp(e.dst, s->nf.mac, 6) && memcmp(e.dst, net_bcast, 6)) {
		s->stats.rx_dropped++;
		return;
	}
	if (e.type == NET_ETH_P_ARP)
		net_in_arp(s, &e);
	else if (e.type == NET_ETH_P_IP)
		net_in_ip(s, &e);
	else
		s->stats.rx_dropped++;
}

/* The vif went down or came back (netfront_service). */
static void
net_follow(struct net_stack *s)
{
	switch (netfront_service(&s->nf)) {
	case NETFRONT_CLOSE:
		memset(s->arp, 0, sizeof(s->arp));
		gk_info("net: vif %u down\n", s->nf.devid);
		break;
	case NETFRONT_REOPEN:
		gk_info("net: vif %u up again\n", s->nf.devid);
		net_arp_send(s, 1, net_bcast, s->ip);
		netfront_flush(&s->nf);
		break;
	default:
		break;
	}
}

void
net_wait_until(struct net_stack *s, uint64_t deadline_ns)
{
	uint64_t now, dl;
	struct vcpu_set_singleshot_timer t = {.flags = 0};

	net_follow(s);
	now = gk_time_now_ns();
	dl = netfront_deadline(&s->nf);
	netfront_poll(&s->nf);
	if (dl && dl <= now) {
		netfront_flush(&s->nf);
		dl = 0;
	}
	if (now >= deadline_ns)
		return;
	t.timeout_abs_ns = dl && dl < deadline_ns ? dl : deadline_ns;
	gk_hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	gk_wait_for_events();
	netfront_poll(&s->nf);
}

void
net_flush(struct net_stack *s)
{
	netfront_flush(&s->nf);
}

/* The MAC for dst, asking and waiting up to 3 s; NULL on timeout. */
static const uint8_t *
net_resolve(struct net_stack *s, uint32_t dst)
{
	uint64_t start = gk_time_now_ns(), next = start;
	const uint8_t *mac;

	while (!(mac = net_arp_lookup(s, dst))) {
		uint64_t now = gk_time_now_ns();

		if (now - start > NET_ARP_TIMEOUT_NS || s->nf.is_broken ||
		    s->nf.is_closed)
			return 0;
		if (now >= next) {
			net_arp_send(s, 1, net_bcast, dst);
			netfront_flush(&s->nf);
			next = now + NET_ARP_RETRY_NS;
		}
		net_wait_until(s, next);
	}
	return mac;
}

int
net_udp_send(struct net_stack *s, uint32_t dst, uint16_t sport, uint16_t dport,
	     const void *data, uint32_t len)
{
	const uint8_t *mac;
	uint32_t n;

	if (len > NET_UDP_MAX_DATA || !net_on_link(s, dst))
		return -EINVAL;
	mac = net_resolve(s, dst);
	if (!mac)
		return -ETIMEDOUT;
	n = net_eth_build(s->frame, mac, s->nf.mac, NET_ETH_P_IP);
	n += net_ipv4_build(s->frame + n, s->ip, dst, NET_PROTO_UDP,
			    NET_UDP_HLEN + len, s->ip_id++);
	n += net_udp_build(s->frame + n, s->ip, dst, sport, dport, data, len);
	s->stats.tx_udp++;
	return net_xmit(s, n);
}

int
net_ping(struct net_stack *s, uint32_t dst, uint16_t seq, uint64_t timeout_ns,
	 uint64_t *rtt_ns)
{
	static const char payload[] = "xylem-netbench-ping-0123456789abcdef";
	const uint8_t *mac;
	uint64_t start, end;
	uint32_t n;
	int rc;

	if (!net_on_link(s, dst))
		return -EINVAL;
	mac = net_resolve(s, dst);
	if (!mac)
		return -ETIMEDOUT;
	s->ping_id = 0x7859;
	s->ping_seq = seq;
	s->ping_done = 0;
	n = net_eth_build(s->frame, mac, s->nf.mac, NET_ETH_P_IP);
	n += net_ipv4_build(s->frame + n, s->ip, dst, NET_PROTO_ICMP,
			    NET_ICMP_HLEN + sizeof(payload), s->ip_id++);
	n += net_icmp_build_echo(s->frame + n, 8, s->ping_id, seq, payload,
				 sizeof(payload));
	start = gk_time_now_ns();
	s->stats.tx_icmp++;
	rc = net_xmit(s, n);
	if (rc < 0)
		return rc;
	netfront_flush(&s->nf);
	end = start + timeout_ns;
	while (!s->ping_done && gk_time_now_ns() < end && !s->nf.is_broken &&
	       !s->nf.is_closed)
		net_wait_until(s, end);
	if (!s->ping_done)
		return -ETIMEDOUT;
	*rtt_ns = gk_time_now_ns() - start;
	return 0;
}

int
net_udp_bind(struct net_stack *s, uint16_t port, net_udp_fn fn, void *arg)
{
	for (uint32_t i = 0; i < NET_UDP_BINDS; i++)
		if (!s->udp[i].fn) {
			s->udp[i].port = port;
			s->udp[i].fn = fn;
			s->udp[i].arg = arg;
			return 0;
		}
	return -ENOSPC;
}

int
net_init(struct net_stack *s, const char *cmdline)
{
	struct netfront_opts o = {0};
	char buf[32];
	uint64_t v, vif = 0;
	uint32_t prefix;
	int rc;

	memset(s, 0, sizeof(*s));
	rc = gk_cmdline_get(cmdline, "ip", buf, sizeof(buf));
	if (rc == 0)
		rc = net_parse_cidr(buf, &s->ip, &prefix);
	if (rc < 0)
		return rc == -ENOENT ? -EINVAL : rc;
	s->mask = ~0u << (32 - prefix);
	gk_cmdline_get_u64(cmdline, "vif", &vif);
	if (gk_cmdline_get_u64(cmdline, "cluster", &v) == 0)
		o.cluster_count = (uint32_t)(v > 256 ? 256 : v);
	if (gk_cmdline_get_u64(cmdline, "cluster_us", &v) == 0)
		o.cluster_us = v > 1000000 ? 1000000 : v;
	if (gk_cmdline_get_u64(cmdline, "coalesce", &v) == 0)
		o.no_coalesce = v == 0;
	/* wait_vif=N: the vif may come later (xyl network-attach). */
	if (gk_cmdline_get_u64(cmdline, "wait_vif", &v) < 0)
		v = 0;
	for (uint64_t end = gk_time_now_ns() + v * 1000000000ull;;) {
		rc = netfront_open(&s->nf, (uint32_t)vif, &o, net_input, s);
		if (rc != -ENODEV || gk_time_now_ns() >= end)
			break;
		gk_sleep_ns(100000000ull);
	}
	if (rc < 0)
		return rc;
	/* Announce ourselves (gratuitous ARP): peers learn our MAC. */
	net_arp_send(s, 1, net_bcast, s->ip);
	netfront_flush(&s->nf);
	return 0;
}
