/*
 * gk/net.h: the guest's minimal IPv4 stack over netfront: Ethernet, ARP,
 * IPv4 (no fragments, no options needed), ICMP echo, UDP.  net/net_parse.c
 * holds the parsers and builders (pure memory work, host-testable: every
 * frame comes from the network, so every length and checksum is checked);
 * net/net.c the stack itself (ARP cache, UDP ports, ping, waiting).
 * Addresses are host-order uint32_t; ports host order.
 */
#ifndef GK_NET_H
#define GK_NET_H

#include <stddef.h>
#include <stdint.h>

#include "gk/errno.h"
#ifndef EOPNOTSUPP
#define EOPNOTSUPP XEN_EOPNOTSUPP
#endif

#define NET_ETH_HLEN	 14u
#define NET_ETH_P_IP	 0x0800u
#define NET_ETH_P_ARP	 0x0806u
#define NET_IP_HLEN	 20u
#define NET_UDP_HLEN	 8u
#define NET_ICMP_HLEN	 8u
#define NET_ARP_LEN	 28u
#define NET_PROTO_ICMP	 1u
#define NET_PROTO_UDP	 17u
#define NET_MTU		 1500u
#define NET_UDP_MAX_DATA (NET_MTU - NET_IP_HLEN - NET_UDP_HLEN)

/* ---- net_parse.c ---- */

struct net_eth {
	uint8_t dst[6], src[6];
	uint16_t type;
	const uint8_t *payload;
	uint32_t len;
};
struct net_arp {
	uint16_t op; /* 1 request, 2 reply */
	uint8_t sha[6], tha[6];
	uint32_t spa, tpa;
};
struct net_ip {
	uint32_t src, dst;
	uint8_t proto, ttl;
	const uint8_t *payload;
	uint32_t len; /* payload bytes (total length - header) */
};
struct net_udp {
	uint16_t sport, dport;
	const uint8_t *data;
	uint32_t len;
};
struct net_icmp {
	uint8_t type, code;
	uint16_t id, seq;
	const uint8_t *data; /* after the 8-byte echo header */
	uint32_t len;
};

/* Parsers: 0 or -EINVAL (malformed, bad checksum); net_ipv4_parse also
 * -EOPNOTSUPP for fragments. */
int net_eth_parse(const uint8_t *f, uint32_t len, struct net_eth *out);
int net_arp_parse(const uint8_t *p, uint32_t len, struct net_arp *out);
int net_ipv4_parse(const uint8_t *p, uint32_t len, struct net_ip *out);
int net_udp_parse(const struct net_ip *ip, struct net_udp *out);
int net_icmp_parse(const struct net_ip *ip, struct net_icmp *out);

/* Internet checksum of len bytes added to sum (not yet folded). */
uint32_t net_csum_add(uint32_t sum, const uint8_t *p, uint32_t len);
uint16_t net_csum_fold(uint32_t sum);

/* Builders write at p and return the bytes written. */
uint32_t net_eth_build(uint8_t *p, const uint8_t dst[6], const uint8_t src[6],
		       uint16_t type);
uint32_t net_arp_build(uint8_t *p, uint16_t op, const uint8_t sha[6],
		       uint32_t spa, const uint8_t tha[6], uint32_t tpa);
/* Header for payload_len bytes (checksum filled). */
uint32_t net_ipv4_build(uint8_t *p, uint32_t src, uint32_t dst, uint8_t proto,
			uint32_t payload_len, uint16_t id);
/* UDP header + data (copied), checksum with the pseudo header. */
uint32_t net_udp_build(uint8_t *p, uint32_t src, uint32_t dst, uint16_t sport,
		       uint16_t dport, const void *data, uint32_t len);
uint32_t net_icmp_build_echo(uint8_t *p, uint8_t type, uint16_t id,
			     uint16_t seq, const void *data, uint32_t len);

/* "10.99.0.2" / "10.99.0.2/24": 0 or -EINVAL. */
int net_parse_ip(const char *s, uint32_t *ip);
int net_parse_cidr(const char *s, uint32_t *ip, uint32_t *prefix);

#ifndef GK_HOST_TEST
#include "gk/netfront.h"

#define NET_ARP_SLOTS 16
#define NET_UDP_BINDS 8

typedef void (*net_udp_fn)(void *arg, uint32_t src, uint16_t sport,
			   uint16_t dport, const uint8_t *data, uint32_t len);

struct net_stats {
	uint64_t rx_frames, rx_arp, rx_icmp, rx_udp, rx_dropped, rx_bad;
	uint64_t tx_frames, tx_arp, tx_icmp, tx_udp, tx_full;
};

/* The stack of one vif.  Owner: the app that made it (net_init). */
struct net_stack {
	struct netfront nf;
	uint32_t ip, mask;
	struct {
		uint32_t ip;
		uint8_t mac[6];
		uint8_t is_valid;
	} arp[NET_ARP_SLOTS];
	uint32_t arp_next;
	struct {
		uint16_t port;
		net_udp_fn fn;
		void *arg;
	} udp[NET_UDP_BINDS];
	uint16_t ip_id;
	/* the outstanding ping */
	uint16_t ping_id, ping_seq;
	int ping_done;
	struct net_stats stats;
	uint8_t frame[NETFRONT_FRAME_MAX]; /* TX build buffer */
};

/* Cmdline: ip=A.B.C.D/N (required), vif=N (default 0), cluster=N
 * packets, cluster_us=N, coalesce=0.  0 or -errno. */
int net_init(struct net_stack *s, const char *cmdline);
int net_udp_bind(struct net_stack *s, uint16_t port, net_udp_fn fn, void *arg);
/* Send a datagram (ARP resolution waits up to 3 s): 0, -EAGAIN ring
 * full, -ETIMEDOUT no ARP answer, -EINVAL off-link or too big. */
int net_udp_send(struct net_stack *s, uint32_t dst, uint16_t sport,
		 uint16_t dport, const void *data, uint32_t len);
/* ICMP echo to dst; 0 and *rtt_ns, -ETIMEDOUT. */
int net_ping(struct net_stack *s, uint32_t dst, uint16_t seq,
	     uint64_t timeout_ns, uint64_t *rtt_ns);
/* Handle events until deadline (absolute ns), returning early once
 * something arrived; held TX packets go out by their clustering wait. */
void net_wait_until(struct net_stack *s, uint64_t deadline_ns);
/* Push held TX packets now. */
void net_flush(struct net_stack *s);
/* "a.b.c.d" into buf. */
void net_ip_str(uint32_t ip, char *buf, size_t cap);
#endif

#endif
