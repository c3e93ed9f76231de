/*
 * tests/fuzz/svi_index_fuzz.c: libFuzzer target for dom0's svi parser
 * (dom0-tools/libsvi/svi_index.c) and, for indexes it accepts, extraction
 * (svi_read.c: zlib, sizes, CRCs) over the same bytes as a volume.
 * Input: one flags byte, then the volume (zero-padded to the index size).
 *   flags bit 0: re-seal the index CRC (else most inputs stop there)
 *   flags bit 1: the device is exactly the input (else at least the index)
 *   flags bit 2: extract every file of an accepted index
 * Built by `make fuzz` (clang -fsanitize=fuzzer); also run for a few
 * seconds under Check by svi_fuzz_check (tests/fuzz/svi_fuzz_check.c).
 */
#include <endian.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "svi.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check_index(const struct svi_index *ix, uint64_t dev_bytes)
{
	uint64_t prev_end = XYL_SVI_INDEX_BYTES;
	uint32_t i;

	if (ix->nr_files > XYL_SVI_MAX_ENTRIES || ix->volume_bytes > dev_bytes)
		abort();
	for (i = 0; i < ix->nr_files; i++) {
		const struct svi_file *f = &ix->files[i];

		if (f->offset % XYL_SVI_ALIGN || f->offset < prev_end ||
		    f->offset + f->stored_bytes > ix->volume_bytes ||
		    !memchr(f->name, '\0', sizeof(f->name)) ||
		    svi_name_check(f->name) < 0)
			abort();
		prev_end = f->offset + f->stored_bytes;
	}
}

/* Extract every file through a memfd holding the volume. */
static void
extract_all(const uint8_t *vol, uint64_t dev_bytes)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_volume *v;
	char path[64];
	uint32_t i;
	int fd = memfd_create("svi-fuzz", MFD_CLOEXEC), r;

	if (fd < 0)
		return;
	if (write(fd, vol, dev_bytes) != (ssize_t)dev_bytes)
		goto out;
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	r = svi_open(path, &v, detail, sizeof(detail));
	if (r < 0)
		abort(); /* the same bytes parsed a moment ago */
	for (i = 0; i < v->ix.nr_files; i++) {
		r = svi_extract(v, &v->ix.files[i], NULL, NULL, detail,
				sizeof(detail));
		if (r != 0 && r != -EBADMSG && r != -ENOMEM)
			abort();
		if (!memchr(detail, '\0', sizeof(detail)))
			abort();
	}
	svi_close(v);
out:
	close(fd);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char detail[SVI_DETAIL_MAX];
	struct svi_index *ix;
	uint64_t dev_bytes;
	size_t len;
	uint8_t *vol;
	int r;

	if (size == 0 || size > (64u << 20))
		return 0;
	len = size - 1 < XYL_SVI_INDEX_BYTES ? XYL_SVI_INDEX_BYTES : size - 1;
	/* Exact-size heap copies: ASan catches any read past the end. */
	vol = calloc(1, len);
	ix = malloc(sizeof(*ix));
	if (!vol || !ix)
		abort();
	memcpy(vol, data + 1, size - 1);
	if (data[0] & 1)
		((struct xyl_svi_header *)vol)->index_crc32 =
			htole32(svi_index_crc(vol));
	dev_bytes = (data[0] & 2) ? size - 1 : len;
	r = svi_index_parse(vol, dev_bytes < len ? dev_bytes : len, dev_bytes,
			    ix, detail, sizeof(detail));
	if (r != 0 && r != -EINVAL && r != -EBADMSG && r != -EPROTONOSUPPORT)
		abort();
	if (!memchr(detail, '\0', sizeof(detail)))
		abort();
	if (r == 0) {
		check_index(ix, dev_bytes);
		if (data[0] & 4)
			extract_all(vol, dev_bytes);
	}
	free(ix);
	free(vol);
	return 0;
}
