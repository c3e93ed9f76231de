/*
 * tests/unit/backends/netback/tx_parse_test.c: xylem-netback's TX packet
 * parser (backends/netback/tx_parse.c): good single- and multi-slot
 * packets, extra-info slots, and every hostile shape: zero, runt and
 * oversize packets, data past the page, slot chains past the limit, bad
 * extra types; and the checksum fill for NETTXF_csum_blank.
 */
#include <check.h>
#include <errno.h>
#include <string.h>

#include "netback.h"

static int
feed(struct netback_tx_parser *p, const struct netif_tx_request *reqs, int n)
{
	int rc = 0;

	netback_tx_parse_begin(p);
	for (int i = 0; i < n; i++) {
		rc = netback_tx_parse_slot(p, &reqs[i], 1500);
		if (rc != 0)
			return i == n - 1 ? rc : -1000 - i;
	}
	return rc;
}

START_TEST(single_slot)
{
	struct netif_tx_request r = {
		.gref = 9, .offset = 100, .id = 3, .size = 60};
	struct netback_tx_parser p;

	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_eq(p.error, 0);
	ck_assert_uint_eq(p.pkt.len, 60);
	ck_assert_uint_eq(p.pkt.nr_slots, 1);
	ck_assert_uint_eq(p.pkt.segs[0].len, 60);
	ck_assert_uint_eq(p.pkt.ids[0], 3);
}
END_TEST

START_TEST(multi_slot)
{
	struct netif_tx_request r[3] = {
		{.gref = 9, .id = 1, .size = 1400, .flags = NETTXF_more_data},
		{.gref = 10, .id = 2, .size = 600, .flags = NETTXF_more_data},
		{.gref = 11, .id = 3, .size = 300},
	};
	struct netback_tx_parser p;

	ck_assert_int_eq(feed(&p, r, 3), 1);
	ck_assert_int_eq(p.error, 0);
	ck_assert_uint_eq(p.pkt.nr_segs, 3);
	ck_assert_uint_eq(p.pkt.segs[0].len, 500);
	ck_assert_uint_eq(p.pkt.segs[1].len, 600);
}
END_TEST

START_TEST(extra_info_slot)
{
	struct netif_tx_request r[2] = {
		{.gref = 9, .id = 1, .size = 60, .flags = NETTXF_extra_info},
		{0},
	};
	struct netif_extra_info ex = {.type = XEN_NETIF_EXTRA_TYPE_MCAST_ADD};
	struct netback_tx_parser p;

	memcpy(&r[1], &ex, sizeof(ex));
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, 0);
	ck_assert(p.pkt.is_extra[1]);
	/* a bad extra type */
	ex.type = XEN_NETIF_EXTRA_TYPE_NONE;
	memcpy(&r[1], &ex, sizeof(ex));
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, -EINVAL);
	/* GSO we did not offer */
	ex.type = XEN_NETIF_EXTRA_TYPE_GSO;
	memcpy(&r[1], &ex, sizeof(ex));
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, -EOPNOTSUPP);
}
END_TEST

START_TEST(hostile_sizes)
{
	struct netback_tx_parser p;
	struct netif_tx_request r;

	r = (struct netif_tx_request){.gref = 9, .size = 0};
	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_ne(p.error, 0);
	r = (struct netif_tx_request){.gref = 9, .size = 10};
	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_eq(p.error, -EMSGSIZE);
	r = (struct netif_tx_request){.gref = 9, .size = 3000};
	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_eq(p.error, -EMSGSIZE);
	r = (struct netif_tx_request){.gref = 9, .offset = 4000, .size = 200};
	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_eq(p.error, -EINVAL);
	r = (struct netif_tx_request){.gref = 9, .offset = 4096, .size = 60};
	ck_assert_int_eq(feed(&p, &r, 1), 1);
	ck_assert_int_eq(p.error, -EINVAL);
}
END_TEST

START_TEST(hostile_chains)
{
	struct netif_tx_request r[NETBACK_TX_MAX_SLOTS + 1];
	struct netback_tx_parser p;

	/* Later slots larger than the total. */
	r[0] = (struct netif_tx_request){
		.gref = 9, .size = 100, .flags = NETTXF_more_data};
	r[1] = (struct netif_tx_request){.gref = 9, .size = 200};
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, -EINVAL);
	/* A later slot past its page or empty. */
	r[0].size = 1000;
	r[1] = (struct netif_tx_request){
		.gref = 9, .offset = 4000, .size = 200};
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, -EINVAL);
	r[1] = (struct netif_tx_request){.gref = 9, .size = 0};
	ck_assert_int_eq(feed(&p, r, 2), 1);
	ck_assert_int_eq(p.error, -EINVAL);
	/* Too many slots: the ring is unusable. */
	for (int i = 0; i <= NETBACK_TX_MAX_SLOTS; i++)
		r[i] = (struct netif_tx_request){
			.gref = 9, .size = 64, .flags = NETTXF_more_data};
	netback_tx_parse_begin(&p);
	for (int i = 0; i < NETBACK_TX_MAX_SLOTS; i++)
		ck_assert_int_eq(netback_tx_parse_slot(&p, &r[i], 1500), 0);
	ck_assert_int_eq(
		netback_tx_parse_slot(&p, &r[NETBACK_TX_MAX_SLOTS], 1500),
		-EPROTO);
}
END_TEST

START_TEST(csum_fill)
{
	/* Ethernet + IPv4 + UDP "hi" 10.0.0.1:1 -> 10.0.0.2:2 */
	uint8_t f[64] = {0};
	uint8_t *ip = f + 14, *udp = ip + 20;
	uint32_t sum = 0;

	f[12] = 0x08;
	ip[0] = 0x45;
	ip[3] = 30;
	ip[9] = 17;
	ip[12] = 10, ip[15] = 1, ip[16] = 10, ip[19] = 2;
	udp[1] = 1, udp[3] = 2, udp[5] = 10;
	udp[8] = 'h', udp[9] = 'i';
	ck_assert_int_eq(netback_csum_fill(f, 44), 0);
	/* Verify: pseudo header + UDP sums to 0xffff. */
	for (int i = 12; i < 20; i += 2)
		sum += (uint32_t)ip[i] << 8 | ip[i + 1];
	sum += 17 + 10;
	for (int i = 0; i < 10; i += 2)
		sum += (uint32_t)udp[i] << 8 | udp[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	ck_assert_uint_eq(sum, 0xffff);
	/* Not IPv4, truncated, unknown protocol. */
	f[12] = 0x86;
	ck_assert_int_eq(netback_csum_fill(f, 44), -EINVAL);
	f[12] = 0x08;
	ck_assert_int_eq(netback_csum_fill(f, 30), -EINVAL);
	ip[9] = 1;
	ck_assert_int_eq(netback_csum_fill(f, 44), -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netback_tx_parse");
	TCase *tc = tcase_create("parse");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, single_slot);
	tcase_add_test(tc, multi_slot);
	tcase_add_test(tc, extra_info_slot);
	tcase_add_test(tc, hostile_sizes);
	tcase_add_test(tc, hostile_chains);
	tcase_add_test(tc, csum_fill);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
