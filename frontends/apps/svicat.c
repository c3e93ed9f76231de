/*
 * apps/svicat.c: print one file of the svi volume (app=svicat name=NAME):
 * how the demo guest reads its configuration and data from its disk.  The
 * file is extracted and checked (size, CRC) by svifront first; its bytes
 * are printed line by line, anything but printable ASCII as '.'.
 */
#include <stdint.h>

#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "svivol.h"

#define SVICAT_LINE 160 /* longer lines are split */

static void
print_text(const uint8_t *text, uint64_t len)
{
	char line[SVICAT_LINE + 1];
	uint64_t i;
	unsigned int n = 0;

	for (i = 0; i < len; i++) {
		uint8_t c = text[i];

		if (c != '\n')
			line[n++] = c >= 0x20 && c < 0x7f ? (char)c : '.';
		if (c == '\n' || n == SVICAT_LINE || i + 1 == len) {
			line[n] = '\0';
			gk_info("%s\n", line);
			n = 0;
		}
	}
}

int
gk_app_svicat(const char *cmdline)
{
	static struct svivol s; /* ~4 KiB: not on the kernel stack */
	char name[XYL_SVI_NAME_MAX];
	struct svifront_file f;
	uint64_t nr_out;
	uint8_t *out;
	int r;

	if (gk_cmdline_get(cmdline, "name", name, sizeof(name)) < 0 ||
	    !name[0]) {
		gk_err("svicat: name=ENTRY is required\n");
		return -EINVAL;
	}
	r = svivol_open(&s, cmdline, "svicat");
	if (r < 0)
		return r;
	r = svifront_lookup(&s.vol, name, &f);
	if (r < 0) {
		gk_err("svicat: no entry '%s' on %s\n", name, s.src);
		goto out;
	}
	r = svivol_extract(&s, &f, &out, &nr_out);
	if (r < 0) {
		gk_err("svicat: entry %u '%s': %s (%d)\n", f.slot, f.name,
		       s.vol.why, r);
		goto out;
	}
	print_text(out, f.size_bytes);
	svivol_pages_free(out, nr_out);
out:
	svivol_close(&s);
	return r;
}
