/*
 * tests/fuzz/blkif_fuzz_check.c: runs the blkif fuzz target
 * (blkif_fuzz.c) under Check without libFuzzer: well-formed rings of
 * reads, writes, flushes, discards and indirect requests, then seeded
 * random mutations (bit flips, edge values in indices and fields) for
 * BLKIF_FUZZ_SECONDS (default 2) seconds.  A crash, an abort() of the
 * target or a sanitizer report fails the suite.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "blkback.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SAMPLE_BYTES (8 + 4096 + 2048)

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* A plausible ring: n requests of mixed kinds, req_prod = n. */
static void
make_sample(uint8_t *s, uint32_t n)
{
	struct blkif_request *ring = (struct blkif_request *)(s + 8 + 64);
	struct blkif_request_segment *segs =
		(struct blkif_request_segment *)(s + 8 + 4096);

	memset(s, 0, SAMPLE_BYTES);
	s[0] = (uint8_t)(rnd() & 0x1f); /* knobs; single page */
	s[1] = 0x00;
	s[2] = 0x20; /* 8192 sectors */
	for (int i = 4; i < 8; i++)
		s[i] = (uint8_t)rnd();
	*(uint32_t *)(s + 8) = n;
	for (uint32_t i = 0; i < n && i < 32; i++) {
		struct blkif_request *rq = &ring[i];
		uint8_t kind = (uint8_t)(rnd() % 6);

		rq->operation = kind == 5 ? BLKIF_OP_INDIRECT : kind;
		rq->nr_segments = (uint8_t)(1 + rnd() % 11);
		rq->id = i;
		rq->sector_number = rnd() % 8192;
		for (int k = 0; k < 11; k++)
			rq->seg[k] = (struct blkif_request_segment){
				.gref = (uint32_t)rnd(),
				.first_sect = (uint8_t)(rnd() % 8),
				.last_sect = 7};
		if (kind == 5) {
			struct blkif_request_indirect *ind = (void *)rq;

			ind->indirect_op = (uint8_t)(rnd() % 2);
			ind->nr_segments = (uint16_t)(1 + rnd() % 256);
		}
	}
	for (int k = 0; k < 256; k++)
		segs[k] = (struct blkif_request_segment){
			.gref = (uint32_t)k, .first_sect = 0, .last_sect = 7};
}

static void
mutate(uint8_t *s)
{
	static const uint32_t edges[] = {
		0, 1, 31, 32, 33, 0x7fffffff, 0xffffffff, 0x80000000};
	int n = 1 + (int)(rnd() % 8);

	for (int i = 0; i < n; i++) {
		size_t at = rnd() % (SAMPLE_BYTES - 4);

		if (rnd() % 3 == 0)
			memcpy(s + at, &edges[rnd() % 8], 4);
		else
			s[at] ^= (uint8_t)(1u << (rnd() % 8));
	}
}

START_TEST(test_fuzz_blkif)
{
	static uint8_t sample[SAMPLE_BYTES];
	const char *env = getenv("BLKIF_FUZZ_SECONDS");
	time_t end = time(NULL) + (env ? atoi(env) : 2);
	uint64_t runs = 0;

	for (uint32_t n = 0; n <= 40; n++) {
		make_sample(sample, n);
		LLVMFuzzerTestOneInput(sample, sizeof(sample));
	}
	LLVMFuzzerTestOneInput(sample, 7);
	LLVMFuzzerTestOneInput(sample, 9);
	while (time(NULL) < end) {
		make_sample(sample, (uint32_t)(rnd() % 40));
		for (int k = 0; k < 64; k++) {
			mutate(sample);
			LLVMFuzzerTestOneInput(sample,
					       8 + rnd() % (SAMPLE_BYTES - 8));
			runs++;
		}
	}
	ck_assert_uint_gt(runs, 0);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("blkif_fuzz");
	TCase *tc = tcase_create("fuzz");
	SRunner *sr;
	int failed;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuzz_blkif);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
