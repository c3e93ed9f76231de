/*
 * tests/fuzz/svi_fuzz_check.c: runs an svi fuzz target under Check
 * without libFuzzer; linked once with svi_index_fuzz.c (dom0's parser:
 * svi_fuzz_check) and once with svifront_fuzz.c (the guest's extractor:
 * svifront_fuzz_check).  A corpus of real
 * volumes made by svi_create(), then seeded random mutations (bit flips,
 * edge values in header and entry fields, truncation, flag bytes) for
 * SVI_FUZZ_SECONDS (default 3) seconds.  A crash, an abort() of the
 * target or a sanitizer report fails the suite.
 */
#include <check.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "svi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NR_CORPUS 6

struct sample {
	uint8_t *data; /* flags byte + volume */
	size_t size;
};

static struct sample corpus[NR_CORPUS];
static const char *prog = "svi_fuzz_check";
static uint64_t rng = 0x9e3779b97f4a7c15ull;

static uint64_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static void
put(const char *dir, const char *name, size_t len, int pattern)
{
	char path[128];
	FILE *f;
	size_t i;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	for (i = 0; i < len; i++)
		fputc(pattern ? (int)(rnd() & 0xff) : "ab"[i % 2], f);
	fclose(f);
}

/* Volume k of the corpus: k % 3 + 1 files, compressed when k is odd. */
static void
make_sample(const char *dir, int k, struct sample *s)
{
	static const char *const names[] = {"kernel", "cmdline", "data.bin"};
	char paths[3][128], vol[128], detail[SVI_DETAIL_MAX];
	struct svi_input in[3];
	struct stat st;
	FILE *f;
	int i, nr = k % 3 + 1;

	for (i = 0; i < nr; i++) {
		put(dir, names[i], (size_t)(rnd() % 9000), i == 2);
		snprintf(paths[i], sizeof(paths[i]), "%s/%s", dir, names[i]);
		in[i].path = paths[i];
		in[i].name = names[i];
	}
	snprintf(vol, sizeof(vol), "%s/vol%d", dir, k);
	ck_assert_int_eq(svi_create(vol, in, (size_t)nr,
				    k & 1 ? SVI_CREATE_COMPRESS : 0, detail,
				    sizeof(detail)),
			 0);
	ck_assert_int_eq(stat(vol, &st), 0);
	s->size = (size_t)st.st_size + 1;
	s->data = malloc(s->size);
	s->data[0] = 4; /* extract, keep the real CRC */
	f = fopen(vol, "rb");
	ck_assert_uint_eq(fread(s->data + 1, 1, s->size - 1, f), s->size - 1);
	fclose(f);
}

static const uint64_t edges[] = {0,
				 1,
				 511,
				 4095,
				 4096,
				 65535,
				 65536,
				 65537,
				 1u << 31,
				 UINT32_MAX,
				 1ull << 62,
				 UINT64_MAX,
				 UINT64_MAX - 4095};

/* Overwrite a field-sized, field-aligned spot in the index with an edge
 * value (the index's fields are 4 or 8 bytes, naturally aligned). */
static void
mutate_field(uint8_t *vol, size_t len)
{
	size_t span = len < XYL_SVI_HEADER_BYTES + 4 * XYL_SVI_ENTRY_BYTES
			      ? len
			      : XYL_SVI_HEADER_BYTES + 4 * XYL_SVI_ENTRY_BYTES;
	size_t off = (rnd() % (span / 4)) * 4;
	uint64_t v = edges[rnd() % (sizeof(edges) / sizeof(edges[0]))];

	if (rnd() & 1)
		v += (rnd() % 3) - 1;
	if ((off & 7) == 0 && off + 8 <= len && (rnd() & 1)) {
		v = htole64(v);
		memcpy(vol + off, &v, 8);
	} else if (off + 4 <= len) {
		uint32_t w = htole32((uint32_t)v);

		memcpy(vol + off, &w, 4);
	}
}

static void
mutate(uint8_t *buf, size_t *size)
{
	uint8_t *vol = buf + 1;
	size_t len = *size - 1;
	int n = (int)(rnd() % 4) + 1;

	buf[0] = (uint8_t)(rnd() & 15) | 4;
	if (rnd() % 4)
		buf[0] |= 1; /* mostly re-seal: get past the CRC */
	while (n--) {
		switch (rnd() % 5) {
		case 0: /* a bit in the header or the first entries */
			vol[rnd() %
			    (XYL_SVI_HEADER_BYTES + 4 * XYL_SVI_ENTRY_BYTES)] ^=
				(uint8_t)(1u << (rnd() % 8));
			break;
		case 1:
		case 2:
			mutate_field(vol, len);
			break;
		case 3: /* a byte of a file image */
			if (len > XYL_SVI_INDEX_BYTES)
				vol[XYL_SVI_INDEX_BYTES +
				    rnd() % (len - XYL_SVI_INDEX_BYTES)] ^=
					(uint8_t)rnd();
			break;
		case 4: /* truncate */
			if (rnd() % 4 == 0)
				*size = 1 + rnd() % len;
			break;
		}
	}
}

START_TEST(test_fuzz)
{
	char dir[] = "/tmp/svi_fuzz.XXXXXX", cmd[64];
	const char *env = getenv("SVI_FUZZ_SECONDS");
	double seconds = env ? atof(env) : 3.0;
	unsigned long runs = 0;
	struct timespec t0, t;
	int k;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	for (k = 0; k < NR_CORPUS; k++)
		make_sample(dir, k, &corpus[k]);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
	/* The corpus itself: every volume parses and extracts. */
	for (k = 0; k < NR_CORPUS; k++)
		LLVMFuzzerTestOneInput(corpus[k].data, corpus[k].size);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		struct sample *s = &corpus[rnd() % NR_CORPUS];
		uint8_t *buf = malloc(s->size);
		size_t size = s->size;

		memcpy(buf, s->data, size);
		mutate(buf, &size);
		LLVMFuzzerTestOneInput(buf, size);
		free(buf);
		runs++;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while ((double)(t.tv_sec - t0.tv_sec) +
			 (double)(t.tv_nsec - t0.tv_nsec) / 1e9 <
		 seconds);
	printf("%s: %lu mutated volumes in %.1f s\n", prog, runs, seconds);
	ck_assert_uint_gt(runs, 50);
	for (k = 0; k < NR_CORPUS; k++)
		free(corpus[k].data);
}
END_TEST

int
main(int argc, char **argv)
{
	Suite *s;
	TCase *tc = tcase_create("mutations");
	SRunner *sr;
	int failed;

	if (argc > 0 && strrchr(argv[0], '/'))
		prog = strrchr(argv[0], '/') + 1;
	s = suite_create(prog);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_fuzz);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
