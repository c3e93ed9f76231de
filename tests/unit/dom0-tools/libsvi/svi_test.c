/*
 * tests/unit/dom0-tools/libsvi/svi_test.c: dom0's svi reader and writer
 * (dom0-tools/libsvi): round trips (stored and zlib, sizes around the
 * alignment), and every corruption of the index and of the file images,
 * each with the error and the detail naming the entry.
 */
#include <check.h>
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <zlib.h>

#include "svi.h"
#include "test_dir.h"

static void
setup(void)
{
	test_dir_setup("svi_test");
}

static void
teardown(void)
{
	test_dir_teardown();
}

/* Deterministic test data: pattern 0 compresses well, 1 does not. */
static uint8_t *
make_data(size_t len, int pattern)
{
	uint8_t *b = malloc(len + 1);
	uint32_t x = 12345;
	size_t i;

	for (i = 0; i < len; i++) {
		x = x * 1103515245 + 12345;
		b[i] = pattern ? (uint8_t)(x >> 16) : (uint8_t)("svi!"[i % 4]);
	}
	return b;
}

/* A standard volume: kernel (compressible), rnd (not), cmdline, empty. */
static void
make_volume(const char *vol, unsigned int flags)
{
	uint8_t *k = make_data(70000, 0), *r = make_data(5000, 1);
	struct svi_input in[] = {
		{test_dir_path("k"), "kernel"},
		{test_dir_path("r"), "rnd"},
		{test_dir_path("c"), "cmdline"},
		{test_dir_path("e"), "empty"},
	};
	char detail[SVI_DETAIL_MAX];

	test_file_write(in[0].path, k, 70000);
	test_file_write(in[1].path, r, 5000);
	test_file_write(in[2].path, "app=selftest\n", 13);
	test_file_write(in[3].path, "", 0);
	ck_assert_int_eq(svi_create(vol, in, 4, flags, detail, sizeof(detail)),
			 0);
	free(k);
	free(r);
}

static void
check_file(struct svi_volume *v, const char *name, const uint8_t *want,
	   size_t len)
{
	const struct svi_file *f = svi_index_find(&v->ix, name);
	char detail[SVI_DETAIL_MAX];
	void *buf = NULL;

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(f->size_bytes, len);
	ck_assert_int_eq(
		svi_extract_mem(v, f, 1 << 24, &buf, detail, sizeof(detail)),
		0);
	ck_assert(memcmp(buf, want, len) == 0);
	ck_assert_int_eq(((uint8_t *)buf)[len], 0);
	free(buf);
}

START_TEST(test_round_trip)
{
	unsigned int flags = _i ? SVI_CREATE_COMPRESS : 0;
	char detail[SVI_DETAIL_MAX];
	uint8_t *k = make_data(70000, 0), *r = make_data(5000, 1);
	struct svi_volume *v;
	uint32_t i;

	make_volume(test_dir_path("vol"), flags);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	ck_assert_uint_eq(v->ix.nr_files, 4);
	ck_assert_uint_eq(v->ix.volume_bytes % XYL_SVI_ALIGN, 0);
	ck_assert_uint_eq(v->ix.volume_bytes, v->dev_bytes);
	for (i = 0; i < v->ix.nr_files; i++)
		ck_assert_uint_eq(v->ix.files[i].offset % XYL_SVI_ALIGN, 0);
	/* Compressible data is compressed with -z; random data stays. */
	ck_assert_uint_eq(svi_index_find(&v->ix, "kernel")->flags,
			  _i ? XYL_SVI_F_ZLIB : 0);
	ck_assert_uint_eq(svi_index_find(&v->ix, "rnd")->flags, 0);
	check_file(v, "kernel", k, 70000);
	check_file(v, "rnd", r, 5000);
	check_file(v, "cmdline", (const uint8_t *)"app=selftest\n", 13);
	check_file(v, "empty", (const uint8_t *)"", 0);
	ck_assert_ptr_null(svi_index_find(&v->ix, "nope"));
	svi_close(v);
	free(k);
	free(r);
}
END_TEST

/* Sizes around the block and chunk boundaries, both ways. */
START_TEST(test_sizes)
{
	static const size_t sizes[] = {1,    511,  512,	    4095,
				       4096, 4097, 1 << 20, (1 << 20) + 1};
	struct svi_input in[8];
	char detail[SVI_DETAIL_MAX], names[8][16];
	uint8_t *data[8];
	struct svi_volume *v;
	size_t i;

	for (i = 0; i < 8; i++) {
		data[i] = make_data(sizes[i], (int)(i & 1));
		snprintf(names[i], sizeof(names[i]), "f%zu", i);
		in[i].path = strdup(test_dir_path(names[i]));
		in[i].name = names[i];
		test_file_write(in[i].path, data[i], sizes[i]);
	}
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 8,
				    SVI_CREATE_COMPRESS, detail,
				    sizeof(detail)),
			 0);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	for (i = 0; i < 8; i++) {
		check_file(v, names[i], data[i], sizes[i]);
		free(data[i]);
		free((char *)in[i].path);
	}
	svi_close(v);
}
END_TEST

START_TEST(test_create_errors)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_input in[2] = {{test_dir_path("a"), "a"},
				  {test_dir_path("b"), "a"}};
	static const char *const bad[] = {"",	    ".hidden", "a/b",
					  "sp ace", "x=y",     "\xc3\xa9"};
	char longname[XYL_SVI_NAME_MAX + 1];
	size_t i;

	test_file_write(test_dir_path("a"), "1", 1);
	test_file_write(test_dir_path("b"), "2", 1);
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 2, 0, detail,
				    sizeof(detail)),
			 -EINVAL);
	ck_assert_ptr_nonnull(strstr(detail, "duplicate entry name 'a'"));
	ck_assert_int_ne(access(test_dir_path("vol"), F_OK), 0);
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		in[0].name = bad[i];
		ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 1, 0,
					    detail, sizeof(detail)),
				 -EINVAL);
	}
	memset(longname, 'n', sizeof(longname) - 1);
	longname[XYL_SVI_NAME_MAX] = '\0';
	in[0].name = longname;
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 1, 0, detail,
				    sizeof(detail)),
			 -EINVAL);
	longname[XYL_SVI_NAME_MAX - 1] = '\0'; /* 63 bytes: fits */
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 1, 0, detail,
				    sizeof(detail)),
			 0);
	in[0].name = "a";
	in[0].path = test_dir_path("missing");
	ck_assert_int_eq(svi_create(test_dir_path("vol2"), in, 1, 0, detail,
				    sizeof(detail)),
			 -ENOENT);
	ck_assert_ptr_nonnull(strstr(detail, "missing"));
	ck_assert_int_ne(access(test_dir_path("vol2"), F_OK), 0);
}
END_TEST

START_TEST(test_full_index)
{
	struct svi_input in[XYL_SVI_MAX_ENTRIES + 1];
	char detail[SVI_DETAIL_MAX];
	static char names[XYL_SVI_MAX_ENTRIES + 1][8];
	struct svi_volume *v;
	char *x = strdup(test_dir_path("x"));
	size_t i;

	test_file_write(x, "x", 1);
	for (i = 0; i <= XYL_SVI_MAX_ENTRIES; i++) {
		snprintf(names[i], sizeof(names[i]), "n%zu", i);
		in[i].path = x;
		in[i].name = names[i];
	}
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in,
				    XYL_SVI_MAX_ENTRIES + 1, 0, detail,
				    sizeof(detail)),
			 -EINVAL);
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in,
				    XYL_SVI_MAX_ENTRIES, 0, detail,
				    sizeof(detail)),
			 0);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	ck_assert_uint_eq(v->ix.nr_files, XYL_SVI_MAX_ENTRIES);
	svi_close(v);
	/* The old volume as an input of the new one: it is read while the
	 * new one is written beside it, then replaced. */
	in[1].path = test_dir_path("vol");
	ck_assert_int_eq(svi_create(test_dir_path("vol"), in, 2, 0, detail,
				    sizeof(detail)),
			 0);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	ck_assert_uint_eq(v->ix.nr_files, 2);
	ck_assert_uint_eq(v->ix.files[1].size_bytes,
			  (uint64_t)XYL_SVI_INDEX_BYTES +
				  (uint64_t)XYL_SVI_MAX_ENTRIES *
					  XYL_SVI_ALIGN);
	svi_close(v);
	free(x);
}
END_TEST

/* Re-creating a volume replaces the file: a reader that has the old one
 * open keeps reading the old, complete volume. */
START_TEST(test_replace_while_open)
{
	uint8_t *k = make_data(70000, 0);
	char detail[SVI_DETAIL_MAX];
	struct svi_input in = {test_dir_path("other"), "kernel"};
	struct svi_volume *old, *cur;

	make_volume(test_dir_path("vol"), SVI_CREATE_COMPRESS);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &old, detail, sizeof(detail)),
		0);
	test_file_write(in.path, "new kernel", 10);
	ck_assert_int_eq(svi_create(test_dir_path("vol"), &in, 1, 0, detail,
				    sizeof(detail)),
			 0);
	check_file(old, "kernel", k, 70000);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &cur, detail, sizeof(detail)),
		0);
	check_file(cur, "kernel", (const uint8_t *)"new kernel", 10);
	svi_close(cur);
	svi_close(old);
	free(k);
}
END_TEST

/* ---- corruption: edit a good volume, fix the CRC, reopen ---- */

typedef void (*mutator)(uint8_t *vol, size_t *len);

static struct xyl_svi_header *
hdr(uint8_t *vol)
{
	return (struct xyl_svi_header *)vol;
}

static struct xyl_svi_entry *
ent(uint8_t *vol, int i)
{
	return (struct xyl_svi_entry *)(vol + XYL_SVI_HEADER_BYTES) + i;
}

/* Mutate a copy of a standard volume, optionally re-seal the CRC, and
 * check svi_open fails with err and a detail containing want. */
static void
expect_open_error(mutator m, bool reseal, int err, const char *want)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v = NULL;
	size_t len;
	uint8_t *b;

	make_volume(test_dir_path("good"), SVI_CREATE_COMPRESS);
	b = test_file_read(test_dir_path("good"), &len);
	m(b, &len);
	if (reseal)
		hdr(b)->index_crc32 = htole32(svi_index_crc(b));
	test_file_write(test_dir_path("bad"), b, len);
	free(b);
	ck_assert_int_eq(
		svi_open(test_dir_path("bad"), &v, detail, sizeof(detail)),
		err);
	ck_assert_ptr_null(v);
	if (!strstr(detail, want))
		ck_abort_msg("detail \"%s\" lacks \"%s\"", detail, want);
}

static void
m_magic(uint8_t *b, size_t *l)
{
	(void)l;
	b[0] = 'x';
}
static void
m_version(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->version = htole32(2);
}
static void
m_index_bytes(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->index_bytes = htole32(4096);
}
static void
m_crc(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->name[0] ^= 1;
}
static void
m_hflags(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->flags = htole32(1);
}
static void
m_hreserved(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->reserved[91] = 1;
}
static void
m_nr_max(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->nr_entries = htole32(XYL_SVI_MAX_ENTRIES + 1);
}
static void
m_nr_more(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->nr_entries = htole32(5);
}
static void
m_vol_align(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->volume_bytes = htole64(le64toh(hdr(b)->volume_bytes) - 1);
}
static void
m_vol_small(uint8_t *b, size_t *l)
{
	(void)l;
	hdr(b)->volume_bytes = htole64(4096);
}
static void
m_truncate(uint8_t *b, size_t *l)
{
	(void)b;
	*l -= XYL_SVI_ALIGN;
}
static void
m_short(uint8_t *b, size_t *l)
{
	(void)b;
	*l = 100;
}
static void
m_name_nul(uint8_t *b, size_t *l)
{
	(void)l;
	memset(ent(b, 2)->name, 'a', XYL_SVI_NAME_MAX);
}
static void
m_name_tail(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 2)->name[60] = 'z';
}
static void
m_name_char(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 2)->name[0] = '/';
}
static void
m_name_dot(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 2)->name[0] = '.';
}
static void
m_name_empty(uint8_t *b, size_t *l)
{
	(void)l;
	memset(ent(b, 2)->name, 0, XYL_SVI_NAME_MAX);
}
static void
m_name_dup(uint8_t *b, size_t *l)
{
	(void)l;
	memcpy(ent(b, 3)->name, "rnd\0\0", 5);
}
static void
m_eflags(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->flags |= htole32(4);
}
static void
m_ereserved(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->reserved[0] = 1;
}
static void
m_off_align(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->offset = htole64(le64toh(ent(b, 1)->offset) + 512);
}
static void
m_off_index(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 0)->offset = htole64(4096);
}
static void
m_off_past(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->offset = htole64(le64toh(hdr(b)->volume_bytes) + 4096);
}
static void
m_overflow(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->stored_bytes = htole64(UINT64_MAX - 100);
	ent(b, 1)->size_bytes = ent(b, 1)->stored_bytes;
}
static void
m_overlap(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->offset = ent(b, 0)->offset;
}
static void
m_size_stored(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 1)->size_bytes = htole64(le64toh(ent(b, 1)->size_bytes) + 1);
}
static void
m_bomb(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 0)->size_bytes =
		htole64(le64toh(ent(b, 0)->stored_bytes) * 2000);
}
static void
m_zlib_empty(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 3)->flags = htole32(XYL_SVI_F_ZLIB);
	ent(b, 3)->size_bytes = htole64(10);
}
static void
m_unused(uint8_t *b, size_t *l)
{
	(void)l;
	ent(b, 300)->crc32 = 1;
}

START_TEST(test_corrupt_index)
{
	expect_open_error(m_magic, true, -EINVAL, "bad magic");
	expect_open_error(m_version, true, -EPROTONOSUPPORT, "version 2");
	expect_open_error(m_index_bytes, true, -EINVAL, "index size 4096");
	expect_open_error(m_crc, false, -EBADMSG, "index checksum mismatch");
	expect_open_error(m_hflags, true, -EINVAL, "header flags");
	expect_open_error(m_hreserved, true, -EINVAL, "reserved");
	expect_open_error(m_nr_max, true, -EINVAL, "512 entries");
	expect_open_error(m_nr_more, true, -EINVAL, "entry 4: invalid name");
	expect_open_error(m_vol_align, true, -EINVAL, "volume size");
	expect_open_error(m_vol_small, true, -EINVAL, "volume size");
	expect_open_error(m_truncate, false, -EINVAL, "truncated");
	expect_open_error(m_short, false, -EINVAL, "truncated");
}
END_TEST

START_TEST(test_corrupt_entries)
{
	expect_open_error(m_name_nul, true, -EINVAL,
			  "entry 2: name is not NUL-terminated");
	expect_open_error(m_name_tail, true, -EINVAL,
			  "entry 2: bytes after the name");
	expect_open_error(m_name_char, true, -EINVAL, "entry 2: invalid name");
	expect_open_error(m_name_dot, true, -EINVAL, "entry 2: invalid name");
	expect_open_error(m_name_empty, true, -EINVAL, "entry 2: invalid name");
	expect_open_error(m_name_dup, true, -EINVAL,
			  "entry 3 'rnd': duplicate name (also entry 1)");
	expect_open_error(m_eflags, true, -EINVAL,
			  "entry 1 'rnd': unknown flags");
	expect_open_error(m_ereserved, true, -EINVAL,
			  "entry 1 'rnd': reserved");
	expect_open_error(m_off_align, true, -EINVAL, "entry 1 'rnd': offset");
	expect_open_error(m_off_index, true, -EINVAL,
			  "entry 0 'kernel': offset 4096");
	expect_open_error(m_off_past, true, -EINVAL,
			  "entry 3 'empty': 0 bytes at offset");
	expect_open_error(m_overflow, true, -EINVAL,
			  "entry 1 'rnd': 18446744073709551515 bytes");
	expect_open_error(m_overlap, true, -EINVAL,
			  "entry 1 'rnd': offset 65536 overlaps");
	expect_open_error(m_size_stored, true, -EINVAL,
			  "entry 1 'rnd': stored uncompressed");
	expect_open_error(m_bomb, true, -EINVAL,
			  "entry 0 'kernel': compressed size");
	expect_open_error(m_zlib_empty, true, -EINVAL,
			  "entry 3 'empty': compressed size 0");
	expect_open_error(m_unused, true, -EINVAL, "entry 300: unused slot");
}
END_TEST

/* ---- corruption found on extraction ---- */

static void
expect_extract_error(void (*m)(uint8_t *, size_t *, const struct svi_file *),
		     const char *name, const char *want)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;
	const struct svi_file *f;
	void *buf = NULL;
	size_t len;
	uint8_t *b;

	make_volume(test_dir_path("good"), SVI_CREATE_COMPRESS);
	ck_assert_int_eq(
		svi_open(test_dir_path("good"), &v, detail, sizeof(detail)), 0);
	f = svi_index_find(&v->ix, name);
	b = test_file_read(test_dir_path("good"), &len);
	m(b, &len, f);
	hdr(b)->index_crc32 = htole32(svi_index_crc(b));
	svi_close(v);
	test_file_write(test_dir_path("bad"), b, len);
	free(b);
	ck_assert_int_eq(
		svi_open(test_dir_path("bad"), &v, detail, sizeof(detail)), 0);
	f = svi_index_find(&v->ix, name);
	ck_assert_int_eq(svi_extract(v, f, NULL, NULL, detail, sizeof(detail)),
			 -EBADMSG);
	if (!strstr(detail, want))
		ck_abort_msg("detail \"%s\" lacks \"%s\"", detail, want);
	ck_assert_int_eq(
		svi_extract_mem(v, f, 1 << 24, &buf, detail, sizeof(detail)),
		-EBADMSG);
	ck_assert_ptr_null(buf);
	svi_close(v);
}

static void
x_flip_stored(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	b[f->offset + 100] ^= 0x40;
}

static void
x_flip_zlib(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	b[f->offset + f->stored_bytes / 2] ^= 0xff;
}

static void
x_crc(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	ent(b, (int)f->slot)->crc32 ^= htole32(1);
}

static void
x_size_small(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	ent(b, (int)f->slot)->size_bytes = htole64(f->size_bytes - 1);
}

static void
x_size_big(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	ent(b, (int)f->slot)->size_bytes = htole64(f->size_bytes + 1);
}

static void
x_trailing(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	ent(b, (int)f->slot)->stored_bytes = htole64(f->stored_bytes + 1);
	b[f->offset + f->stored_bytes] = 0x55;
}

static void
x_cut(uint8_t *b, size_t *l, const struct svi_file *f)
{
	(void)l;
	(void)b;
	ent(b, (int)f->slot)->stored_bytes = htole64(f->stored_bytes - 10);
}

START_TEST(test_corrupt_data)
{
	expect_extract_error(x_flip_stored, "rnd",
			     "entry 1 'rnd': checksum mismatch");
	expect_extract_error(x_flip_zlib, "kernel", "entry 0 'kernel': ");
	expect_extract_error(x_crc, "kernel",
			     "entry 0 'kernel': checksum mismatch");
	expect_extract_error(x_crc, "empty",
			     "entry 3 'empty': checksum mismatch");
	expect_extract_error(x_size_small, "kernel",
			     "entry 0 'kernel': inflates past its size");
	expect_extract_error(x_size_big, "kernel",
			     "entry 0 'kernel': extracted 70000 bytes, the "
			     "index says 70001");
	expect_extract_error(x_trailing, "kernel",
			     "entry 0 'kernel': data after the end");
	expect_extract_error(x_cut, "kernel",
			     "entry 0 'kernel': zlib stream is cut short");
}
END_TEST

/* The volume shrinks after it was opened: -EIO, never a read past it. */
START_TEST(test_shrunk_after_open)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;

	make_volume(test_dir_path("vol"), 0);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	ck_assert_int_eq(
		truncate(test_dir_path("vol"), XYL_SVI_INDEX_BYTES + 100), 0);
	ck_assert_int_eq(svi_extract(v, svi_index_find(&v->ix, "kernel"), NULL,
				     NULL, detail, sizeof(detail)),
			 -EIO);
	ck_assert_ptr_nonnull(strstr(detail, "entry 0 'kernel'"));
	ck_assert_ptr_nonnull(strstr(detail, "truncated"));
	svi_close(v);
}
END_TEST

START_TEST(test_extract_limit)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;
	void *buf = NULL;

	make_volume(test_dir_path("vol"), 0);
	ck_assert_int_eq(
		svi_open(test_dir_path("vol"), &v, detail, sizeof(detail)), 0);
	ck_assert_int_eq(svi_extract_mem(v, svi_index_find(&v->ix, "kernel"),
					 1000, &buf, detail, sizeof(detail)),
			 -EFBIG);
	ck_assert_ptr_null(buf);
	svi_close(v);
}
END_TEST

static Suite *
svi_suite(void)
{
	Suite *s = suite_create("libsvi");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_loop_test(tc, test_round_trip, 0, 2);
	tcase_add_test(tc, test_sizes);
	tcase_add_test(tc, test_create_errors);
	tcase_add_test(tc, test_full_index);
	tcase_add_test(tc, test_replace_while_open);
	tcase_add_test(tc, test_corrupt_index);
	tcase_add_test(tc, test_corrupt_entries);
	tcase_add_test(tc, test_corrupt_data);
	tcase_add_test(tc, test_shrunk_after_open);
	tcase_add_test(tc, test_extract_limit);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(svi_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
