/*
 * tests/fuzz/xs_wire_fuzz_check.c: runs the xenstored wire fuzz target
 * (xs_wire_fuzz.c) under Check without libFuzzer: a corpus of real
 * request streams, then seeded random mutations (bit flips, header
 * fields set to edge values, truncation, splices) for XS_FUZZ_SECONDS
 * (default 3) seconds.  A crash or a sanitizer report fails the suite.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "wire.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define BUF_MAX 16384

static uint64_t rng = 0x2545f4914f6cdd1dull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static size_t
put(uint8_t *buf, size_t off, uint32_t type, uint32_t tx, const char *body,
    uint32_t len)
{
	store_wire_header(buf + off, type, 0, tx, len);
	memcpy(buf + off + STORE_WIRE_HDR, body, len);
	return off + STORE_WIRE_HDR + len;
}

/* A stream as xenstore-utils and a guest would send it. */
static size_t
corpus(uint8_t *buf)
{
	size_t o = 0;

	o = put(buf, o, XS_WRITE, 0, "a/b\0hello", 9);
	o = put(buf, o, XS_READ, 0, "a/b", 4);
	o = put(buf, o, XS_TRANSACTION_START, 0, "", 1);
	o = put(buf, o, XS_MKDIR, 1, "/local/domain/5/d", 18);
	o = put(buf, o, XS_SET_PERMS, 1, "d\0n5\0r0\0", 8);
	o = put(buf, o, XS_DIRECTORY, 1, "/local/domain/5", 16);
	o = put(buf, o, XS_TRANSACTION_END, 1, "T", 2);
	o = put(buf, o, XS_WATCH, 0, "@releaseDomain\0tok", 19);
	o = put(buf, o, XS_RM, 0, "a", 2);
	o = put(buf, o, XS_INTRODUCE, 0, "5\0001044544\0003", 12);
	return o;
}

static const uint32_t edges[] = {0,    1,    15,   16,	       22,	  23,
				 4095, 4096, 4097, 0x7fffffff, 0xffffffff};

static void
mutate(uint8_t *buf, size_t *size)
{
	int n = (int)(rnd() % 6) + 1, i;
	size_t off;
	uint32_t v;

	for (i = 0; i<n && * size> 0; i++) {
		off = rnd() % *size;
		switch (rnd() % 5) {
		case 0: /* bit flip */
			buf[off] ^= (uint8_t)(1u << (rnd() % 8));
			break;
		case 1: /* a 32-bit field to an edge value */
			v = edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];
			off &= ~(size_t)3;
			if (off + 4 <= *size)
				memcpy(buf + off, &v, 4);
			break;
		case 2: /* truncate */
			*size = off;
			break;
		case 3: /* a NUL or a slash somewhere */
			buf[off] = rnd() & 1 ? '\0' : '/';
			break;
		default: /* duplicate a chunk */
			if (*size * 2 < BUF_MAX) {
				memcpy(buf + *size, buf, *size);
				*size *= 2;
			}
			break;
		}
	}
}

START_TEST(test_fuzz)
{
	static uint8_t seed[BUF_MAX], buf[BUF_MAX];
	const char *env = getenv("XS_FUZZ_SECONDS");
	double seconds = env ? atof(env) : 3.0;
	size_t seed_len = corpus(seed), len;
	time_t end = time(NULL) + (time_t)(seconds < 1 ? 1 : seconds);
	unsigned long runs = 0;

	LLVMFuzzerTestOneInput(seed, seed_len);
	while (time(NULL) < end) {
		memcpy(buf, seed, seed_len);
		len = seed_len;
		mutate(buf, &len);
		LLVMFuzzerTestOneInput(buf, len);
		runs++;
	}
	printf("xs_wire_fuzz_check: %lu mutated streams\n", runs);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xs_wire_fuzz");
	TCase *tc = tcase_create("fuzz");
	SRunner *sr;
	int nf;

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
