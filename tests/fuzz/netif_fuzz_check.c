/*
 * tests/fuzz/netif_fuzz_check.c: runs the netif fuzz target
 * (netif_fuzz.c) under Check without libFuzzer: well-formed TX rings,
 * then seeded random mutations for NETIF_FUZZ_SECONDS (default 2)
 * seconds.  A crash, an abort() of the target or a sanitizer report fails
 * the suite.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "netback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAMPLE_BYTES (8 + 4096)

static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A ring of n good packets of 1..3 slots. */
static void
good_ring(uint8_t *buf, uint32_t n)
{
	struct netif_tx_request *ring =
		(struct netif_tx_request *)(buf + 8 + 64);
	uint32_t slot = 0;

	memset(buf, 0, SAMPLE_BYTES);
	buf[1] = 0xdc, buf[2] = 0x05; /* mtu ~1500 */
	for (uint32_t i = 0; i < n && slot + 3 <= 256; i++) {
		uint32_t nr = 1 + (uint32_t)(rnd() % 3), len = 60 + nr * 100;

		for (uint32_t s = 0; s < nr; s++) {
			ring[slot] = (struct netif_tx_request){
				.gref = 9 + s,
				.id = (uint16_t)slot,
				.size = (uint16_t)(s == 0 ? len : 100),
				.flags = s + 1 < nr ? NETTXF_more_data : 0};
			slot++;
		}
	}
	*(uint32_t *)(buf + 8) = slot; /* req_prod */
}

START_TEST(good_rings)
{
	uint8_t buf[SAMPLE_BYTES];

	for (uint32_t n = 0; n < 80; n++) {
		good_ring(buf, n);
		LLVMFuzzerTestOneInput(buf, sizeof(buf));
	}
}
END_TEST

START_TEST(mutations)
{
	const char *env = getenv("NETIF_FUZZ_SECONDS");
	time_t end = time(NULL) + (env ? atoi(env) : 2);
	uint8_t buf[SAMPLE_BYTES];
	uint64_t runs = 0;

	while (time(NULL) < end) {
		good_ring(buf, (uint32_t)(rnd() % 80));
		for (int k = (int)(rnd() % 32); k >= 0; k--) {
			size_t at = rnd() % sizeof(buf);

			switch (rnd() % 3) {
			case 0:
				buf[at] ^= (uint8_t)(1u << (rnd() % 8));
				break;
			case 1:
				buf[at] = (uint8_t)rnd();
				break;
			default:
				buf[at] = rnd() & 1 ? 0xff : 0;
				break;
			}
		}
		LLVMFuzzerTestOneInput(buf, sizeof(buf));
		runs++;
	}
	ck_assert_uint_gt(runs, 100);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("netif_fuzz_check");
	TCase *tc = tcase_create("fuzz");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, good_rings);
	tcase_add_test(tc, mutations);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
