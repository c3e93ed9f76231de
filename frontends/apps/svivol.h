/*
 * apps/svivol.h: the svi volume for the guest apps svicheck and svicat:
 * opened from the first (or a named) vbd through gk/blk.h, or from the
 * PVH ramdisk (svisrc=ramdisk), and handed to the one parser,
 * frontends/svi/ (svifront_*), through its read-blocks callback.
 */
#ifndef GK_APPS_SVIVOL_H
#define GK_APPS_SVIVOL_H

#include <stdint.h>

#include "gk/blk.h"
#include "svifront.h"

struct svivol {
	struct svifront_vol vol;
	struct svifront_dev dev;
	struct blkfront_dev *blk; /* NULL: the ramdisk */
	struct gk_blk_info info;
	void *index;
	uint64_t nr_index;
	uint64_t read_bytes, read_ns; /* device time, for the benchmark */
	char src[32];		      /* "disk 51712", "ramdisk" */
};

/*
 * Open the volume named by cmdline: svisrc=disk (default: the vbd
 * disk=DEVID, 0 or absent meaning the first) or svisrc=ramdisk (the first
 * PVH module).  app prefixes the error messages.  0, or -errno (printed).
 */
int svivol_open(struct svivol *s, const char *cmdline, const char *app);
void svivol_close(struct svivol *s);

/* Whole pages from the kernel's allocator for bytes (at least one page);
 * NULL when there is no room.  Give them back with svivol_pages_free. */
void *svivol_pages(uint64_t bytes, uint64_t *nr);
void svivol_pages_free(void *p, uint64_t nr);

/*
 * Extract f into pages of its own (*out, *nr_out; free them with
 * svivol_pages_free) and check it.  0, or -errno with s->vol.why.
 */
int svivol_extract(struct svivol *s, const struct svifront_file *f,
		   uint8_t **out, uint64_t *nr_out);

#endif
