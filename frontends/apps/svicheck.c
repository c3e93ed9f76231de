/*
 * apps/svicheck.c: list and verify every file of a single-volume image
 * with the guest's extractor (frontends/svi/): one "ok:" or "FAIL:" line
 * per file, "N passed, N failed", and the extraction rate.  The volume is
 * the first PVH module (ramdisk) for now; blkfront (issue 4) comes next.
 */
#include <stdint.h>

#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/time.h"
#include "svifront.h"

#define PAGE 4096ull

/* The module in guest RAM as a block device (512-byte blocks). */
static int
module_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	(void)arg;
	memcpy(buf, (const void *)(uintptr_t)(gk.module_paddr + block * 512),
	       (size_t)nr * 512);
	return 0;
}

static void *
pages_get(uint64_t bytes, uint64_t *nr)
{
	uint64_t pfn;

	*nr = bytes ? (bytes + PAGE - 1) / PAGE : 1;
	pfn = gk_pages_alloc(&gk.pages, *nr);
	return pfn ? (void *)(uintptr_t)(pfn * PAGE) : NULL;
}

/* Print a text file of the volume (show=NAME): the demo's configuration. */
static void
show(const struct svifront_file *f, const char *text)
{
	uint64_t i, start = 0;
	char line[128];

	for (i = 0; i <= f->size_bytes && i < 4096; i++) {
		if (i < f->size_bytes && text[i] != '\n')
			continue;
		if (i > start) {
			uint64_t n = i - start < sizeof(line) - 1
					     ? i - start
					     : sizeof(line) - 1;

			memcpy(line, text + start, n);
			line[n] = '\0';
			gk_info("svicheck: %s: %s\n", f->name, line);
		}
		start = i + 1;
	}
}

/* Extract and check file i; 0 ok, -errno failed (reported). */
static int
check_file(struct svifront_vol *v, uint32_t i, const char *show_name,
	   uint64_t *bytes, uint64_t *ns)
{
	struct svifront_file f;
	uint64_t nr_out, nr_scratch = 0, t0;
	uint8_t *out, *scratch = NULL;
	int r = svifront_file(v, i, &f);

	if (r < 0)
		return r;
	out = pages_get(f.size_bytes, &nr_out);
	if (svifront_scratch_bytes(v, &f))
		scratch = pages_get(svifront_scratch_bytes(v, &f), &nr_scratch);
	if (!out || (nr_scratch && !scratch)) {
		gk_info("FAIL: entry %u '%s': no memory for %llu bytes\n", i,
			f.name, (unsigned long long)f.size_bytes);
		r = -ENOMEM;
		goto out;
	}
	t0 = gk_time_now_ns();
	r = svifront_extract(v, &f, out, nr_out * PAGE, scratch,
			     nr_scratch * PAGE);
	*ns += gk_time_now_ns() - t0;
	if (r < 0) {
		gk_info("FAIL: entry %u '%s': %s (%d)\n", i, f.name, v->why, r);
		goto out;
	}
	*bytes += f.size_bytes;
	gk_info("ok: %s (%llu bytes%s, crc32 %08x)\n", f.name,
		(unsigned long long)f.size_bytes,
		f.flags & XYL_SVI_F_ZLIB ? ", zlib" : "", f.crc32);
	if (show_name[0] && strcmp(show_name, f.name) == 0)
		show(&f, (const char *)out);
out:
	if (out)
		gk_pages_free(&gk.pages, (uintptr_t)out / PAGE, nr_out);
	if (scratch)
		gk_pages_free(&gk.pages, (uintptr_t)scratch / PAGE, nr_scratch);
	return r;
}

int
gk_app_svicheck(const char *cmdline)
{
	struct svifront_dev dev = {.read_blocks = module_read,
				   .block_bytes = 512};
	static struct svifront_vol vol; /* 4 KiB bounce buffer inside */
	uint64_t nr_index, bytes = 0, ns = 0;
	unsigned int passed = 0, failed = 0;
	char show_name[XYL_SVI_NAME_MAX] = "";
	void *index;
	uint32_t i;
	int r;

	if (!gk.module_bytes) {
		gk_err("svicheck: no volume (pass it as the ramdisk)\n");
		return -ENODEV;
	}
	gk_cmdline_get(cmdline, "show", show_name, sizeof(show_name));
	dev.nr_blocks = gk.module_bytes / 512;
	index = pages_get(XYL_SVI_INDEX_BYTES, &nr_index);
	if (!index)
		return -ENOMEM;
	r = svifront_open(&vol, &dev, index);
	if (r < 0) {
		gk_err("svicheck: volume refused: %s (slot %d, %d)\n", vol.why,
		       vol.why_slot, r);
		return r;
	}
	gk_info("svicheck: volume of %llu bytes, %u files\n",
		(unsigned long long)vol.volume_bytes, vol.nr_files);
	for (i = 0; i < vol.nr_files; i++) {
		if (check_file(&vol, i, show_name, &bytes, &ns) == 0)
			passed++;
		else
			failed++;
	}
	gk_info("%u passed, %u failed\n", passed, failed);
	gk_info("bench: svi_extract_bytes=%llu svi_extract_ns=%llu "
		"svi_extract_mbps=%llu\n",
		(unsigned long long)bytes, (unsigned long long)ns,
		(unsigned long long)(ns ? bytes * 1000 / ns : 0));
	gk_pages_free(&gk.pages, (uintptr_t)index / PAGE, nr_index);
	return failed ? -EBADMSG : 0;
}
