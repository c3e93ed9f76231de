/*
 * apps/svicheck.c: list and verify every file of a single-volume image
 * with the guest's extractor (frontends/svi/): one "ok:" or "FAIL:" line
 * per file, "N passed, N failed", and the extraction rate.  The volume is
 * the first vbd (disk=DEVID for another) or the ramdisk (svisrc=ramdisk),
 * apps/svivol.c; its contents are checked by svifront only.
 */
#include <stdint.h>

#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/time.h"
#include "svivol.h"

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
check_file(struct svivol *s, uint32_t i, const char *show_name, uint64_t *bytes,
	   uint64_t *ns)
{
	struct svifront_file f;
	uint64_t nr_out, t0;
	uint8_t *out;
	int r = svifront_file(&s->vol, i, &f);

	if (r < 0)
		return r;
	t0 = gk_time_now_ns();
	r = svivol_extract(s, &f, &out, &nr_out);
	*ns += gk_time_now_ns() - t0;
	if (r < 0) {
		gk_info("FAIL: entry %u '%s': %s (%d)\n", i, f.name, s->vol.why,
			r);
		return r;
	}
	*bytes += f.size_bytes;
	gk_info("ok: %s (%llu bytes%s, crc32 %08x)\n", f.name,
		(unsigned long long)f.size_bytes,
		f.flags & XYL_SVI_F_ZLIB ? ", zlib" : "", f.crc32);
	if (show_name[0] && strcmp(show_name, f.name) == 0)
		show(&f, (const char *)out);
	svivol_pages_free(out, nr_out);
	return 0;
}

int
gk_app_svicheck(const char *cmdline)
{
	static struct svivol s; /* ~4 KiB: not on the kernel stack */
	uint64_t bytes = 0, ns = 0;
	unsigned int passed = 0, failed = 0;
	char show_name[XYL_SVI_NAME_MAX] = "";
	uint32_t i;
	int r;

	gk_cmdline_get(cmdline, "show", show_name, sizeof(show_name));
	r = svivol_open(&s, cmdline, "svicheck");
	if (r < 0)
		return r;
	gk_info("svicheck: volume on %s: %llu bytes, %u files\n", s.src,
		(unsigned long long)s.vol.volume_bytes, s.vol.nr_files);
	s.read_bytes = s.read_ns = 0; /* the index read is not extraction */
	for (i = 0; i < s.vol.nr_files; i++) {
		if (check_file(&s, i, show_name, &bytes, &ns) == 0)
			passed++;
		else
			failed++;
	}
	gk_info("%u passed, %u failed\n", passed, failed);
	gk_info("bench: svi_extract_bytes=%llu svi_extract_ns=%llu "
		"svi_extract_mbps=%llu svi_read_bytes=%llu svi_read_ns=%llu\n",
		(unsigned long long)bytes, (unsigned long long)ns,
		(unsigned long long)(ns ? bytes * 1000 / ns : 0),
		(unsigned long long)s.read_bytes,
		(unsigned long long)s.read_ns);
	svivol_close(&s);
	return failed ? -EBADMSG : 0;
}
