/*
 * tests/unit/frontends/svi/svifront_test.c: the guest's svi extractor
 * (frontends/svi/) as host code, against volumes made by dom0's writer
 * (dom0-tools/libsvi): every file of stored and compressed volumes over
 * 512- and 4096-byte blocks, the inflater against zlib's deflate in each
 * strategy, hostile indexes and streams, and a device that never gets a
 * read outside itself.
 */
#include <check.h>
#include <endian.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "svi.h"
#include "svifront.h"
#include "test_dir.h"

/* A device over a memory copy of a volume; reads outside it fail the
 * test (the extractor must never ask). */
struct memdev {
	uint8_t *data;
	uint64_t bytes;
	unsigned long reads;
};

/* For geometry checks that must fail before any read. */
static int
never_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	(void)arg;
	(void)block;
	(void)nr;
	(void)buf;
	ck_abort_msg("read on a device with bad geometry");
	return -1;
}

static uint32_t cur_bb;

static int
mem_read_bb(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	struct memdev *m = arg;
	uint64_t off = block * cur_bb, len = (uint64_t)nr * cur_bb;

	ck_assert_uint_gt(nr, 0);
	ck_assert_uint_le(off + len, m->bytes);
	memcpy(buf, m->data + off, len);
	m->reads++;
	return 0;
}

static void
setup(void)
{
	test_dir_setup("svifront_test");
}

static void
teardown(void)
{
	test_dir_teardown();
}

/* kind 0: text, 1: random, 2: long runs, 3: mixed. */
static uint8_t *
make_data(size_t len, int kind, uint32_t seed)
{
	uint8_t *b = malloc(len + 1);
	uint32_t x = seed * 2654435761u + 1;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		switch (kind) {
		case 0:
			b[i] = (uint8_t)("the quick brown svi "[(x >> 16) %
								20]);
			break;
		case 1:
			b[i] = (uint8_t)(x >> 16);
			break;
		case 2:
			b[i] = (uint8_t)(i / 1000);
			break;
		default:
			b[i] = (x >> 28) < 4 ? (uint8_t)(x >> 16)
					     : (uint8_t)(i % 251);
		}
	}
	return b;
}

#define NR_FILES 6
static const size_t file_sizes[NR_FILES] = {0, 1, 4097, 70000, 300000, 13};
static const char *const file_names[NR_FILES] = {
	"empty", "one", "block-plus", "kernel", "data.bin", "cmdline"};

/* Make a volume of NR_FILES files; return it in memory. */
static uint8_t *
make_volume(unsigned int flags, size_t *len, uint8_t **files)
{
	struct svi_input in[NR_FILES];
	char detail[SVI_DETAIL_MAX];
	int i;

	for (i = 0; i < NR_FILES; i++) {
		files[i] = make_data(file_sizes[i], i % 4, (uint32_t)i);
		in[i].path = test_dir_path(file_names[i]);
		in[i].name = file_names[i];
		test_file_write(in[i].path, files[i], file_sizes[i]);
	}
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, NR_FILES, flags,
				    detail, sizeof(detail)),
			 0);
	return test_file_read(test_dir_path("vol"), len);
}

static void
dev_init(struct svifront_dev *d, struct memdev *m, uint32_t bb)
{
	cur_bb = bb;
	d->read_blocks = mem_read_bb;
	d->arg = m;
	d->block_bytes = bb;
	d->nr_blocks = m->bytes / bb;
}

/* Extract f with exactly-sized heap buffers (ASan sees any overrun). */
static int
extract(struct svifront_vol *v, const struct svifront_file *f, uint8_t **out)
{
	uint64_t sb = svifront_scratch_bytes(v, f);
	uint8_t *scratch = sb ? malloc(sb) : NULL;
	int r;

	*out = malloc(f->size_bytes ? f->size_bytes : 1);
	r = svifront_extract(v, f, *out, f->size_bytes, scratch, sb);
	free(scratch);
	return r;
}

START_TEST(test_round_trip)
{
	uint32_t bb = (_i & 1) ? 4096 : 512;
	unsigned int flags = (_i & 2) ? SVI_CREATE_COMPRESS : 0;
	static struct svifront_vol v;
	struct svifront_file f;
	struct svifront_dev d;
	struct memdev m = {0};
	uint8_t *files[NR_FILES], *out, *index = malloc(XYL_SVI_INDEX_BYTES);
	size_t len;
	int i, nr_zlib = 0;

	m.data = make_volume(flags, &len, files);
	m.bytes = len;
	dev_init(&d, &m, bb);
	ck_assert_int_eq(svifront_open(&v, &d, index), 0);
	ck_assert_uint_eq(v.nr_files, NR_FILES);
	for (i = 0; i < NR_FILES; i++) {
		ck_assert_int_eq(svifront_lookup(&v, file_names[i], &f), 0);
		ck_assert_str_eq(f.name, file_names[i]);
		ck_assert_uint_eq(f.size_bytes, file_sizes[i]);
		nr_zlib += (f.flags & XYL_SVI_F_ZLIB) != 0;
		ck_assert_int_eq(extract(&v, &f, &out), 0);
		ck_assert(memcmp(out, files[i], file_sizes[i]) == 0);
		free(out);
		free(files[i]);
	}
	ck_assert_int_eq(nr_zlib, flags ? 3 : 0); /* random data stays */
	ck_assert_int_eq(svifront_lookup(&v, "nope", &f), -ENOENT);
	ck_assert_int_eq(svifront_lookup(&v, "kerne", &f), -ENOENT);
	ck_assert_int_eq(svifront_file(&v, NR_FILES, &f), -ENOENT);
	free(index);
	free(m.data);
}
END_TEST

/* ---- the inflater against zlib's deflate ---- */

static void
inflate_vs_zlib(const uint8_t *data, size_t len, int level, int strategy)
{
	z_stream zs = {0};
	size_t cap = len * 2 + 1024; /* fixed codes expand random data */
	uint8_t *z = malloc(cap), *out = malloc(len ? len : 1);
	const char *why = NULL;
	int r;

	ck_assert_int_eq(deflateInit2(&zs, level, Z_DEFLATED, 15, 9, strategy),
			 Z_OK);
	zs.next_in = (uint8_t *)data;
	zs.avail_in = (uInt)len;
	zs.next_out = z;
	zs.avail_out = (uInt)cap;
	ck_assert_int_eq(deflate(&zs, Z_FINISH), Z_STREAM_END);
	r = svifront_inflate(z, zs.total_out, out, len, &why);
	if (r != 0)
		ck_abort_msg("level %d strategy %d len %zu: %s", level,
			     strategy, len, why);
	ck_assert(memcmp(out, data, len) == 0);
	/* One byte too few or too many of output room: refused. */
	if (len) {
		ck_assert_int_eq(
			svifront_inflate(z, zs.total_out, out, len - 1, &why),
			-EBADMSG);
		ck_assert_str_eq(why,
				 "inflates past its size (decompression bomb)");
	}
	free(out);
	out = malloc(len + 1);
	ck_assert_int_eq(svifront_inflate(z, zs.total_out, out, len + 1, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "inflates to fewer bytes than its size");
	deflateEnd(&zs);
	free(out);
	free(z);
}

START_TEST(test_inflate_strategies)
{
	static const int strategies[] = {Z_DEFAULT_STRATEGY, Z_FILTERED,
					 Z_HUFFMAN_ONLY, Z_RLE, Z_FIXED};
	static const size_t sizes[] = {0, 1, 2, 100, 4096, 65537, 140000};
	int kind = _i;
	size_t s, st, lv;

	for (s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		uint8_t *d = make_data(sizes[s], kind, (uint32_t)s);

		for (lv = 0; lv <= 9; lv += 3)
			for (st = 0; st < 5; st++)
				inflate_vs_zlib(d, sizes[s], (int)lv,
						strategies[st]);
		free(d);
	}
}
END_TEST

START_TEST(test_crc)
{
	uint8_t *d = make_data(100000, 3, 7);

	ck_assert_uint_eq(svifront_crc32(0, "", 0), 0);
	ck_assert_uint_eq(svifront_crc32(0, "123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(svifront_crc32(0, d, 100000),
			  (uint32_t)crc32(0, d, 100000));
	ck_assert_uint_eq(svifront_crc32(svifront_crc32(0, d, 333), d + 333,
					 100000 - 333),
			  (uint32_t)crc32(0, d, 100000));
	free(d);
}
END_TEST

/* Random damage to real streams: 0 or -EBADMSG, never a bad access. */
START_TEST(test_inflate_hostile)
{
	uint8_t *d = make_data(20000, 3, 3), *z, *bz, *out = malloc(20000);
	uLongf zlen = compressBound(20000);
	uint32_t x = 99;
	const char *why;
	int i, j, ok = 0;

	z = malloc(zlen);
	bz = malloc(zlen);
	ck_assert_int_eq(compress2(z, &zlen, d, 20000, 6), Z_OK);
	for (i = 0; i < 8000; i++) {
		size_t n = zlen;

		memcpy(bz, z, zlen);
		for (j = 0; j < 1 + i % 4; j++) {
			x = x * 1103515245 + 12345;
			bz[2 + (x >> 8) % (zlen - 2)] ^=
				(uint8_t)(1u << (x % 8));
		}
		if (i % 7 == 0)
			n = 2 + (x >> 4) % (zlen - 2);
		why = NULL;
		if (svifront_inflate(bz, n, out, 20000, &why) == 0)
			ok++;
		else
			ck_assert_ptr_nonnull(why);
	}
	/* Adler-32 catches what the structure does not. */
	ck_assert_int_lt(ok, 10);
	bz[0] = 0x78;
	bz[1] = 0x9d; /* 0x789d % 31 != 0 */
	ck_assert_int_eq(svifront_inflate(bz, zlen, out, 20000, &why),
			 -EBADMSG);
	ck_assert_str_eq(why, "bad zlib header");
	free(d);
	free(z);
	free(bz);
	free(out);
}
END_TEST

/* ---- hostile indexes ---- */

static struct xyl_svi_entry *
ent(uint8_t *vol, int i)
{
	return (struct xyl_svi_entry *)(vol + XYL_SVI_HEADER_BYTES) + i;
}

static void
reseal(uint8_t *vol)
{
	((struct xyl_svi_header *)vol)->index_crc32 =
		htole32(svi_index_crc(vol));
}

/* Apply edit to a fresh compressed volume and open it with the guest. */
static int
open_edited(void (*edit)(uint8_t *vol, size_t *len), bool seal,
	    struct svifront_vol *v, struct memdev *m, struct svifront_dev *d,
	    uint8_t *index)
{
	uint8_t *files[NR_FILES];
	size_t len;
	int i;

	m->data = make_volume(SVI_CREATE_COMPRESS, &len, files);
	for (i = 0; i < NR_FILES; i++)
		free(files[i]);
	edit(m->data, &len);
	if (seal)
		reseal(m->data);
	m->bytes = len;
	dev_init(d, m, 512);
	return svifront_open(v, d, index);
}

static void
e_magic(uint8_t *b, size_t *l)
{
	(void)l;
	b[1] ^= 1;
}
static void
e_version(uint8_t *b, size_t *l)
{
	(void)l;
	b[8] = 2;
}
static void
e_crc(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 0)->name[0] ^= 1;
}
static void
e_truncate(uint8_t *b, size_t *l)
{
	(void)b;
	*l -= 4096;
}
static void
e_tiny(uint8_t *b, size_t *l)
{
	(void)b;
	*l = 4096;
}
static void
e_name_nul(uint8_t *b, size_t *l)
{
	(void)l;
	memset(ent(b, 3)->name, 'k', XYL_SVI_NAME_MAX);
}
static void
e_name_tail(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->name[63] = 1;
}
static void
e_name_char(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->name[1] = '/';
}
static void
e_dup(uint8_t *b, size_t *l)
{
	(void)l;
	memcpy(ent(b, 4)->name, "kernel\0\0\0", 9);
}
static void
e_flags(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->flags |= htole32(0x80);
}
static void
e_align(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->offset = htole64(le64toh(ent(b, 3)->offset) + 512);
}
static void
e_past(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 5)->stored_bytes = htole64(1ull << 40);
	ent(b, 5)->size_bytes = ent(b, 5)->stored_bytes;
}
static void
e_wrap(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 5)->stored_bytes = htole64(UINT64_MAX - 4095);
	ent(b, 5)->size_bytes = ent(b, 5)->stored_bytes;
}
static void
e_overlap(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 4)->offset = ent(b, 3)->offset;
}
static void
e_bomb(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->size_bytes =
		htole64(le64toh(ent(b, 3)->stored_bytes) * 1100);
}
static void
e_unused(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 510)->reserved[31] = 1;
}

START_TEST(test_hostile_index)
{
	static const struct {
		void (*edit)(uint8_t *, size_t *);
		bool seal;
		int err, slot;
		const char *why;
	} cases[] = {
		{e_magic, true, -EINVAL, -1, "not an svi volume (bad magic)"},
		{e_version, true, -EINVAL, -1, "svi version not supported"},
		{e_crc, false, -EBADMSG, -1, "index checksum mismatch"},
		{e_truncate, false, -EINVAL, -1,
		 "truncated: volume larger than the device"},
		{e_tiny, false, -EINVAL, -1,
		 "truncated: device smaller than the index"},
		{e_name_nul, true, -EINVAL, 3, "name is not NUL-terminated"},
		{e_name_tail, true, -EINVAL, 3,
		 "bytes after the name's NUL not zero"},
		{e_name_char, true, -EINVAL, 3, "invalid name"},
		{e_dup, true, -EINVAL, 4, "duplicate name"},
		{e_flags, true, -EINVAL, 3,
		 "unknown flags or reserved not zero"},
		{e_align, true, -EINVAL, 3, "misaligned offset"},
		{e_past, true, -EINVAL, 5, "runs past the volume's end"},
		{e_wrap, true, -EINVAL, 5, "runs past the volume's end"},
		{e_overlap, true, -EINVAL, 4, "overlaps the previous file"},
		{e_bomb, true, -EINVAL, 3, "decompression bomb"},
		{e_unused, true, -EINVAL, 510, "unused slot not zero"},
	};
	uint8_t *index = malloc(XYL_SVI_INDEX_BYTES);
	static struct svifront_vol v;
	struct svifront_file f;
	struct svifront_dev d;
	struct memdev m;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		ck_assert_int_eq(open_edited(cases[i].edit, cases[i].seal, &v,
					     &m, &d, index),
				 cases[i].err);
		ck_assert_str_eq(v.why, cases[i].why);
		ck_assert_int_eq(v.why_slot, cases[i].slot);
		ck_assert_uint_eq(v.nr_files, 0);
		ck_assert_int_eq(svifront_lookup(&v, "kernel", &f), -ENOENT);
		free(m.data);
	}
	free(index);
}
END_TEST

START_TEST(test_bad_geometry)
{
	uint8_t *index = malloc(XYL_SVI_INDEX_BYTES);
	static struct svifront_vol v;
	struct svifront_dev d = {.read_blocks = never_read,
				 .block_bytes = 1000,
				 .nr_blocks = 1000};

	ck_assert_int_eq(svifront_open(&v, &d, index), -EINVAL);
	d.block_bytes = 8192;
	ck_assert_int_eq(svifront_open(&v, &d, index), -EINVAL);
	d.block_bytes = 4096;
	d.nr_blocks = UINT64_MAX / 1000;
	ck_assert_int_eq(svifront_open(&v, &d, index), -EINVAL);
	ck_assert_str_eq(v.why, "unusable device geometry");
	free(index);
}
END_TEST

/* ---- damage found on extraction ---- */

static void
x_none(uint8_t *b, size_t *l)
{
	(void)b;
	(void)l;
}

START_TEST(test_hostile_data)
{
	uint8_t *index = malloc(XYL_SVI_INDEX_BYTES), *out, small[8];
	static struct svifront_vol v;
	struct svifront_file f;
	struct svifront_dev d;
	struct memdev m;

	ck_assert_int_eq(open_edited(x_none, false, &v, &m, &d, index), 0);
	/* A flipped byte in a compressed image. */
	ck_assert_int_eq(svifront_lookup(&v, "kernel", &f), 0);
	ck_assert_uint_eq(f.flags, XYL_SVI_F_ZLIB);
	m.data[f.offset + f.stored_bytes - 3] ^= 0x10;
	ck_assert_int_eq(extract(&v, &f, &out), -EBADMSG);
	ck_assert_str_eq(v.why, "zlib Adler-32 mismatch");
	ck_assert_int_eq(v.why_slot, 3);
	free(out);
	m.data[f.offset + f.stored_bytes - 3] ^= 0x10;
	ck_assert_int_eq(extract(&v, &f, &out), 0);
	free(out);
	/* The index's CRC of a file disagrees (index re-read: a fresh open). */
	ent(m.data, 3)->crc32 ^= htole32(1);
	reseal(m.data);
	ck_assert_int_eq(svifront_open(&v, &d, index), 0);
	ck_assert_int_eq(svifront_lookup(&v, "kernel", &f), 0);
	ck_assert_int_eq(extract(&v, &f, &out), -EBADMSG);
	ck_assert_str_eq(v.why, "checksum mismatch");
	free(out);
	/* A stored image with a flipped byte. */
	ck_assert_int_eq(svifront_lookup(&v, "cmdline", &f), 0);
	ck_assert_uint_eq(f.flags, 0);
	m.data[f.offset + 5] ^= 1;
	ck_assert_int_eq(extract(&v, &f, &out), -EBADMSG);
	ck_assert_str_eq(v.why, "checksum mismatch");
	ck_assert_int_eq(v.why_slot, 5);
	free(out);
	/* Buffers too small. */
	ck_assert_int_eq(
		svifront_extract(&v, &f, small, sizeof(small), NULL, 0),
		-ENOSPC);
	ck_assert_int_eq(svifront_lookup(&v, "data.bin", &f), 0);
	ck_assert_int_eq(svifront_extract(&v, &f, NULL, f.size_bytes, small,
					  sizeof(small)),
			 -ENOSPC);
	free(m.data);
	free(index);
}
END_TEST

/* A device that fails its n-th read: the error comes back unchanged. */
static int fail_at, nr_reads;

static int
failing_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	if (++nr_reads == fail_at)
		return -EIO;
	return mem_read_bb(arg, block, nr, buf);
}

START_TEST(test_device_errors)
{
	uint8_t *files[NR_FILES], *out, *index = malloc(XYL_SVI_INDEX_BYTES);
	static struct svifront_vol v;
	struct svifront_file f;
	struct svifront_dev d;
	struct memdev m = {0};
	size_t len;
	int i;

	m.data = make_volume(SVI_CREATE_COMPRESS, &len, files);
	m.bytes = len;
	for (i = 0; i < NR_FILES; i++)
		free(files[i]);
	dev_init(&d, &m, 512);
	d.read_blocks = failing_read;
	nr_reads = 0;
	fail_at = 1; /* the index */
	ck_assert_int_eq(svifront_open(&v, &d, index), -EIO);
	ck_assert_str_eq(v.why, "device read failed");
	nr_reads = 0;
	fail_at = 2; /* the first file */
	ck_assert_int_eq(svifront_open(&v, &d, index), 0);
	ck_assert_int_eq(svifront_lookup(&v, "kernel", &f), 0);
	ck_assert_int_eq(extract(&v, &f, &out), -EIO);
	ck_assert_str_eq(v.why, "device read failed");
	ck_assert_int_eq(v.why_slot, 3);
	free(out);
	ck_assert_int_eq(extract(&v, &f, &out), 0);
	free(out);
	free(m.data);
	free(index);
}
END_TEST

static Suite *
svifront_suite(void)
{
	Suite *s = suite_create("svifront");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_loop_test(tc, test_round_trip, 0, 4);
	tcase_add_loop_test(tc, test_inflate_strategies, 0, 4);
	tcase_add_test(tc, test_crc);
	tcase_add_test(tc, test_inflate_hostile);
	tcase_add_test(tc, test_hostile_index);
	tcase_add_test(tc, test_bad_geometry);
	tcase_add_test(tc, test_hostile_data);
	tcase_add_test(tc, test_device_errors);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(svifront_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
