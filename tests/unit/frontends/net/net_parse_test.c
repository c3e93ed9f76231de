/*
 * tests/unit/frontends/net/net_parse_test.c: the guest IPv4 stack's wire
 * formats (frontends/net/net_parse.c) as host code: frames built by the
 * builders parse back; truncated, oversize-length, bad-version, bad-
 * checksum and fragmented input is refused; address parsing.
 */
#include <check.h>

#include "gk/net.h"

static const uint8_t mac_a[6] = {0, 0x16, 0x3e, 1, 2, 3};
static const uint8_t mac_b[6] = {0, 0x16, 0x3e, 4, 5, 6};

/* A whole UDP frame 10.99.0.2:1000 -> 10.99.0.3:7 "hello". */
static uint32_t
udp_frame(uint8_t *f)
{
	uint32_t n = net_eth_build(f, mac_b, mac_a, NET_ETH_P_IP);

	n += net_ipv4_build(f + n, 0x0a630002, 0x0a630003, NET_PROTO_UDP,
			    NET_UDP_HLEN + 5, 1);
	n += net_udp_build(f + n, 0x0a630002, 0x0a630003, 1000, 7, "hello", 5);
	return n;
}

START_TEST(udp_roundtrip)
{
	uint8_t f[128];
	uint32_t n = udp_frame(f);
	struct net_eth e;
	struct net_ip ip;
	struct net_udp u;

	ck_assert_int_eq(net_eth_parse(f, n, &e), 0);
	ck_assert_uint_eq(e.type, NET_ETH_P_IP);
	ck_assert_int_eq(net_ipv4_parse(e.payload, e.len, &ip), 0);
	ck_assert_uint_eq(ip.src, 0x0a630002);
	ck_assert_int_eq(net_udp_parse(&ip, &u), 0);
	ck_assert_uint_eq(u.dport, 7);
	ck_assert_uint_eq(u.len, 5);
	ck_assert_mem_eq(u.data, "hello", 5);
}
END_TEST

START_TEST(ip_hostile)
{
	uint8_t f[128];
	uint32_t n = udp_frame(f);
	struct net_ip ip;
	struct net_udp u;
	uint8_t *p = f + NET_ETH_HLEN;
	uint32_t len = n - NET_ETH_HLEN;
	struct net_eth e;

	ck_assert_int_eq(net_eth_parse(f, 13, &e), -EINVAL);
	ck_assert_int_eq(net_ipv4_parse(p, 19, &ip), -EINVAL);
	p[0] = 0x65; /* version 6 */
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EINVAL);
	p[0] = 0x44; /* ihl 4 */
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EINVAL);
	p[0] = 0x4f; /* ihl 60 > frame */
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EINVAL);
	p[0] = 0x45;
	p[3] += 50; /* total length past the frame */
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EINVAL);
	p[3] -= 50;
	p[8] ^= 1; /* checksum */
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EINVAL);
	p[8] ^= 1;
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), 0);
	/* A fragment (MF set, checksum fixed up). */
	n = udp_frame(f);
	p[6] |= 0x20;
	p[10] = p[11] = 0;
	{
		uint16_t c = net_csum_fold(net_csum_add(0, p, 20));

		p[10] = (uint8_t)(c >> 8);
		p[11] = (uint8_t)c;
	}
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), -EOPNOTSUPP);
	/* UDP: bad checksum, length past the datagram, short header. */
	n = udp_frame(f);
	ck_assert_int_eq(net_ipv4_parse(p, len, &ip), 0);
	p[20 + 8] ^= 0xff;
	ck_assert_int_eq(net_udp_parse(&ip, &u), -EINVAL);
	p[20 + 8] ^= 0xff;
	p[20 + 5] = 200;
	ck_assert_int_eq(net_udp_parse(&ip, &u), -EINVAL);
	p[20 + 5] = 4;
	ck_assert_int_eq(net_udp_parse(&ip, &u), -EINVAL);
	ip.len = 7;
	ck_assert_int_eq(net_udp_parse(&ip, &u), -EINVAL);
}
END_TEST

START_TEST(icmp_and_arp)
{
	uint8_t p[128];
	struct net_ip ip = {.proto = NET_PROTO_ICMP, .payload = p};
	struct net_icmp ic;
	struct net_arp a;
	uint32_t n;

	n = net_icmp_build_echo(p, 8, 0x1234, 7, "abc", 3);
	ip.len = n;
	ck_assert_int_eq(net_icmp_parse(&ip, &ic), 0);
	ck_assert_uint_eq(ic.id, 0x1234);
	ck_assert_uint_eq(ic.seq, 7);
	ck_assert_uint_eq(ic.len, 3);
	p[9] ^= 1;
	ck_assert_int_eq(net_icmp_parse(&ip, &ic), -EINVAL);
	ip.len = 7;
	ck_assert_int_eq(net_icmp_parse(&ip, &ic), -EINVAL);

	n = net_arp_build(p, 1, mac_a, 0x0a630002, mac_b, 0x0a630003);
	ck_assert_uint_eq(n, NET_ARP_LEN);
	ck_assert_int_eq(net_arp_parse(p, n, &a), 0);
	ck_assert_uint_eq(a.tpa, 0x0a630003);
	ck_assert_int_eq(net_arp_parse(p, n - 1, &a), -EINVAL);
	p[7] = 3; /* op */
	ck_assert_int_eq(net_arp_parse(p, n, &a), -EINVAL);
	p[7] = 1;
	p[5] = 16; /* plen */
	ck_assert_int_eq(net_arp_parse(p, n, &a), -EINVAL);
}
END_TEST

START_TEST(addresses)
{
	uint32_t ip, prefix;

	ck_assert_int_eq(net_parse_ip("10.99.0.2", &ip), 0);
	ck_assert_uint_eq(ip, 0x0a630002);
	ck_assert_int_eq(net_parse_cidr("10.99.0.2/24", &ip, &prefix), 0);
	ck_assert_uint_eq(prefix, 24);
	ck_assert_int_eq(net_parse_cidr("10.99.0.9", &ip, &prefix), 0);
	ck_assert_uint_eq(prefix, 24);
	ck_assert_int_eq(net_parse_ip("10.99.0", &ip), -EINVAL);
	ck_assert_int_eq(net_parse_ip("10.99.0.256", &ip), -EINVAL);
	ck_assert_int_eq(net_parse_ip("10.99.0.2x", &ip), -EINVAL);
	ck_assert_int_eq(net_parse_ip("", &ip), -EINVAL);
	ck_assert_int_eq(net_parse_cidr("10.99.0.2/33", &ip, &prefix), -EINVAL);
	ck_assert_int_eq(net_parse_cidr("10.99.0.2/", &ip, &prefix), -EINVAL);
	ck_assert_int_eq(net_parse_cidr("10.99.0.2/24/1", &ip, &prefix),
			 -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("gk_net_parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, udp_roundtrip);
	tcase_add_test(tc, ip_hostile);
	tcase_add_test(tc, icmp_and_arp);
	tcase_add_test(tc, addresses);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
