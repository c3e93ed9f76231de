/*
 * tests/fuzz/svifront_fuzz.c: libFuzzer target for the guest's svi
 * extractor (frontends/svi/: svifront_open's index parser, the inflater,
 * the CRC checks), built as host code over a memory "device".
 * Input: one flags byte, then the volume (zero-padded to the index size).
 *   flags bit 0: re-seal the index CRC (else most inputs stop there)
 *   flags bit 1: the device is exactly the input (else at least the index)
 *   flags bit 2: extract every file of an accepted volume
 *   flags bit 3: 4096-byte blocks (else 512)
 * Built by `make fuzz`; run for a few seconds under Check by
 * svifront_fuzz_check (tests/fuzz/svi_fuzz_check.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "svifront.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct memdev {
	const uint8_t *data;
	uint64_t bytes;
	uint32_t block_bytes;
};

static int
mem_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	struct memdev *m = arg;
	uint64_t off = block * m->block_bytes;
	uint64_t len = (uint64_t)nr * m->block_bytes;

	if (nr == 0 || off > m->bytes || len > m->bytes - off)
		abort(); /* the extractor read outside the device */
	memcpy(buf, m->data + off, len);
	return 0;
}

static void
reseal(uint8_t *vol)
{
	static const uint8_t zero[4];
	uint32_t crc = svifront_crc32(0, vol, XYL_SVI_CRC_FIELD_OFFSET);

	crc = svifront_crc32(crc, zero, 4);
	crc = svifront_crc32(crc, vol + XYL_SVI_CRC_FIELD_OFFSET + 4,
			     XYL_SVI_INDEX_BYTES - XYL_SVI_CRC_FIELD_OFFSET -
				     4);
	vol[XYL_SVI_CRC_FIELD_OFFSET] = (uint8_t)crc;
	vol[XYL_SVI_CRC_FIELD_OFFSET + 1] = (uint8_t)(crc >> 8);
	vol[XYL_SVI_CRC_FIELD_OFFSET + 2] = (uint8_t)(crc >> 16);
	vol[XYL_SVI_CRC_FIELD_OFFSET + 3] = (uint8_t)(crc >> 24);
}

/* Extract every file with exactly-sized heap buffers (ASan watches). */
static void
extract_all(struct svifront_vol *v)
{
	struct svifront_file f;
	uint32_t i;

	for (i = 0; i < v->nr_files; i++) {
		uint64_t sb;
		uint8_t *out, *scratch;
		int r;

		if (svifront_file(v, i, &f) < 0)
			abort();
		if (f.size_bytes > (64u << 20))
			continue; /* a real caller would refuse it too */
		sb = svifront_scratch_bytes(v, &f);
		out = malloc(f.size_bytes ? f.size_bytes : 1);
		scratch = sb ? malloc(sb) : NULL;
		r = svifront_extract(v, &f, out, f.size_bytes, scratch, sb);
		if (r != 0 && r != -EBADMSG)
			abort();
		if (r != 0 && !v->why)
			abort();
		free(out);
		free(scratch);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct svifront_vol v;
	struct svifront_dev dev = {.read_blocks = mem_read};
	struct memdev m;
	uint8_t *vol, *index;
	size_t len;
	int r;

	if (size == 0 || size > (64u << 20))
		return 0;
	len = size - 1 < XYL_SVI_INDEX_BYTES ? XYL_SVI_INDEX_BYTES : size - 1;
	m.block_bytes = (data[0] & 8) ? 4096 : 512;
	len = (len + m.block_bytes - 1) / m.block_bytes * m.block_bytes;
	vol = calloc(1, len);
	index = malloc(XYL_SVI_INDEX_BYTES);
	if (!vol || !index)
		abort();
	memcpy(vol, data + 1, size - 1);
	if (data[0] & 1)
		reseal(vol);
	m.data = vol;
	m.bytes = (data[0] & 2) ? (size - 1) / m.block_bytes * m.block_bytes
				: len;
	dev.arg = &m;
	dev.block_bytes = m.block_bytes;
	dev.nr_blocks = m.bytes / m.block_bytes;
	r = svifront_open(&v, &dev, index);
	if (r != 0 && r != -EINVAL && r != -EBADMSG)
		abort();
	if (r != 0 && (!v.why || v.nr_files))
		abort();
	if (r == 0 && (data[0] & 4))
		extract_all(&v);
	free(index);
	free(vol);
	return 0;
}
