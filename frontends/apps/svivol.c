/*
 * apps/svivol.c: where the guest's svi volume comes from: a vbd through
 * gk/blk.h (reads split into requests of the device's largest size, a
 * full queue of them in flight) or the PVH ramdisk (a copy out of RAM),
 * both behind frontends/svi/'s read-blocks callback.  The device's data
 * is checked by svifront, never here.
 */
#include <stdint.h>

#include "gk/blk.h"
#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "gk/page_alloc.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "svivol.h"

#define PAGE	     4096ull
#define SVIVOL_DEPTH 32 /* requests in flight */

void *
svivol_pages(uint64_t bytes, uint64_t *nr)
{
	uint64_t pfn;

	*nr = bytes ? (bytes + PAGE - 1) / PAGE : 1;
	pfn = gk_pages_alloc(&gk.pages, *nr);
	return pfn ? (void *)(uintptr_t)(pfn * PAGE) : NULL;
}

void
svivol_pages_free(void *p, uint64_t nr)
{
	if (p)
		gk_pages_free(&gk.pages, (uintptr_t)p / PAGE, nr);
}

/* The module in guest RAM as a device of 512-byte blocks. */
static int
ramdisk_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	struct svivol *s = arg;
	uint64_t t0 = gk_time_now_ns();

	memcpy(buf, (const void *)(uintptr_t)(gk.module_paddr + block * 512),
	       (size_t)nr * 512);
	s->read_bytes += (uint64_t)nr * 512;
	s->read_ns += gk_time_now_ns() - t0;
	return 0;
}

/* The requests of one disk_read (single vCPU, one caller at a time;
 * static so that a request the driver still holds never points into a
 * dead stack frame). */
static struct gk_blk_req svivol_reqs[SVIVOL_DEPTH];

/* Queue requests for [*next, total) of the read while slots are free. */
static int
disk_fill(struct svivol *s, uint64_t sector, uint8_t *buf, uint64_t total,
	  uint64_t *next, struct gk_blk_req **free_reqs, unsigned int *nr_free)
{
	struct gk_blk_req *batch[SVIVOL_DEPTH];
	unsigned int n = 0;
	int rc;

	while (*next < total && n < *nr_free) {
		struct gk_blk_req *r = free_reqs[*nr_free - 1 - n];
		uint64_t len = total - *next;

		if (len > s->info.max_bytes)
			len = s->info.max_bytes;
		r->op = GK_BLK_READ;
		r->sector = sector + *next / 512;
		r->buf = buf + *next;
		r->nr_bytes = (uint32_t)len;
		r->status = 0;
		batch[n++] = r;
		*next += len;
	}
	if (!n)
		return 0;
	rc = gk_blk_submit_many(s->blk, batch, n);
	if (rc <= 0)
		return rc ? rc : -EAGAIN;
	/* Not queued: give their ranges back (they are the last ones). */
	for (unsigned int i = (unsigned int)rc; i < n; i++)
		*next -= batch[i]->nr_bytes;
	*nr_free -= (unsigned int)rc;
	return 0;
}

/* nr blocks from block into buf: every request of the device's largest
 * size, SVIVOL_DEPTH in flight, refilled as completions come back. */
static int
disk_read(void *arg, uint64_t block, uint32_t nr, void *buf)
{
	struct svivol *s = arg;
	struct gk_blk_req *free_reqs[SVIVOL_DEPTH], *done[SVIVOL_DEPTH];
	uint64_t bs = s->info.sector_size, total = (uint64_t)nr * bs, next = 0;
	uint64_t sector = block * (bs / 512), t0 = gk_time_now_ns();
	unsigned int nr_free = SVIVOL_DEPTH, in_flight, i, n;
	int rc, err = 0;

	for (i = 0; i < SVIVOL_DEPTH; i++)
		free_reqs[i] = &svivol_reqs[i];
	for (;;) {
		if (!err) {
			rc = disk_fill(s, sector, buf, total, &next, free_reqs,
				       &nr_free);
			if (rc < 0 && rc != -EAGAIN)
				err = rc;
		}
		in_flight = SVIVOL_DEPTH - nr_free;
		if (!in_flight)
			break;
		rc = gk_blk_wait(s->blk, 10ull * 1000000000ull);
		n = gk_blk_complete(s->blk, done, SVIVOL_DEPTH);
		for (i = 0; i < n; i++) {
			if (done[i]->status < 0 && !err)
				err = done[i]->status;
			free_reqs[nr_free++] = done[i];
		}
		if (rc == -ENODEV && !n && !err)
			err = -ENODEV;
		if (err == -ENODEV && !n)
			break; /* a closed device returns nothing more */
	}
	s->read_bytes += next;
	s->read_ns += gk_time_now_ns() - t0;
	return err;
}

static int
open_ramdisk(struct svivol *s, const char *app)
{
	if (!gk.module_bytes) {
		gk_err("%s: svisrc=ramdisk but no ramdisk was given\n", app);
		return -ENODEV;
	}
	s->dev.read_blocks = ramdisk_read;
	s->dev.block_bytes = 512;
	s->dev.nr_blocks = gk.module_bytes / 512;
	gk_snprintf(s->src, sizeof(s->src), "ramdisk");
	return 0;
}

static int
open_disk(struct svivol *s, const char *cmdline, const char *app)
{
	struct gk_blk_opts opts = {.depth = SVIVOL_DEPTH};
	uint64_t devid = 0, persistent = 1;
	int rc;

	rc = gk_cmdline_get_u64(cmdline, "disk", &devid);
	if ((rc < 0 && rc != -ENOENT) || devid > UINT32_MAX) {
		gk_err("%s: disk= wants a vbd number (51712 is xvda)\n", app);
		return -EINVAL;
	}
	rc = gk_cmdline_get_u64(cmdline, "persistent", &persistent);
	if (rc < 0 && rc != -ENOENT) {
		gk_err("%s: persistent= is 0 or 1\n", app);
		return -EINVAL;
	}
	opts.no_persistent = !persistent;
	rc = gk_blk_open((uint32_t)devid, &opts, &s->blk);
	if (rc < 0) {
		gk_err("%s: cannot open vbd %llu: %d (no disk? svisrc=ramdisk "
		       "reads the ramdisk)\n",
		       app, (unsigned long long)devid, rc);
		s->blk = NULL;
		return rc;
	}
	gk_blk_get_info(s->blk, &s->info);
	s->dev.read_blocks = disk_read;
	s->dev.block_bytes = s->info.sector_size;
	s->dev.nr_blocks = s->info.sectors / (s->info.sector_size / 512);
	gk_snprintf(s->src, sizeof(s->src), "disk %u", s->info.devid);
	return 0;
}

int
svivol_open(struct svivol *s, const char *cmdline, const char *app)
{
	char src[16] = "disk";
	int rc;

	memset(s, 0, sizeof(*s));
	s->dev.arg = s;
	if (gk_cmdline_get(cmdline, "svisrc", src, sizeof(src)) ==
		    -ENAMETOOLONG ||
	    (strcmp(src, "disk") != 0 && strcmp(src, "ramdisk") != 0)) {
		gk_err("%s: svisrc= is disk or ramdisk\n", app);
		return -EINVAL;
	}
	rc = strcmp(src, "ramdisk") == 0 ? open_ramdisk(s, app)
					 : open_disk(s, cmdline, app);
	if (rc < 0)
		return rc;
	s->index = svivol_pages(XYL_SVI_INDEX_BYTES, &s->nr_index);
	if (!s->index) {
		svivol_close(s);
		return -ENOMEM;
	}
	rc = svifront_open(&s->vol, &s->dev, s->index);
	if (rc < 0) {
		gk_err("%s: volume on %s refused: %s (slot %d, %d)\n", app,
		       s->src, s->vol.why, s->vol.why_slot, rc);
		svivol_close(s);
	}
	return rc;
}

void
svivol_close(struct svivol *s)
{
	if (s->blk)
		gk_blk_close(s->blk);
	s->blk = NULL;
	svivol_pages_free(s->index, s->nr_index);
	s->index = NULL;
}

int
svivol_extract(struct svivol *s, const struct svifront_file *f, uint8_t **out,
	       uint64_t *nr_out)
{
	uint64_t nr_scratch = 0,
		 scratch_bytes = svifront_scratch_bytes(&s->vol, f);
	uint8_t *scratch = NULL;
	int rc;

	*out = svivol_pages(f->size_bytes, nr_out);
	if (scratch_bytes)
		scratch = svivol_pages(scratch_bytes, &nr_scratch);
	if (!*out || (scratch_bytes && !scratch)) {
		s->vol.why = "no memory for the file";
		rc = -ENOMEM;
	} else {
		rc = svifront_extract(&s->vol, f, *out, *nr_out * PAGE, scratch,
				      nr_scratch * PAGE);
	}
	svivol_pages_free(scratch, nr_scratch);
	if (rc < 0) {
		svivol_pages_free(*out, *nr_out);
		*out = NULL;
	}
	return rc;
}
