/*
 * frontends/apps/demo.c: the `make run` demo.  One guest that shows the
 * split-driver path end to end: it writes, flushes and reads back its
 * disk through blkfront and xylem-blkback, pings the host across the
 * bridge through netfront and xylem-netback, and says so on its console
 * (the ring that xylem-consoled serves).  cmdline: ip=A.B.C.D/N (needed
 * for the network part), gw=A.B.C.D (whom to ping), dev=N (vbd, default
 * the first disk xvda = 51712).
 */
#include "gk/blk.h"
#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/heap.h"
#include "gk/kernel.h"
#include "gk/net.h"
#include "gk/page_alloc.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#define DEMO_BYTES (64 * 1024)
#define DEMO_PINGS 3

static uint8_t *
demo_pages(uint64_t nr)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, nr);

	return pfn ? (uint8_t *)(uintptr_t)(pfn << 12) : NULL;
}

/* Move DEMO_BYTES from sector 0 in requests the device accepts. */
static int
demo_io(struct blkfront_dev *b, const struct gk_blk_info *info, int write,
	uint8_t *buf)
{
	uint32_t chunk = info->max_bytes < 4096 ? 4096 : info->max_bytes;

	for (uint32_t off = 0; off < DEMO_BYTES; off += chunk) {
		uint32_t len = DEMO_BYTES - off < chunk ? DEMO_BYTES - off : chunk;
		int rc = write ? gk_blk_write(b, off / 512, buf + off, len)
			       : gk_blk_read(b, off / 512, buf + off, len);
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Write a recognisable pattern, flush it, read it back and compare. */
static int
demo_disk(const char *cmdline)
{
	struct blkfront_dev *b;
	struct gk_blk_info info;
	uint64_t devid = 51712;
	uint8_t *w, *r;
	int rc;

	gk_cmdline_get_u64(cmdline, "dev", &devid);
	rc = gk_blk_open((uint32_t)devid, NULL, &b);
	if (rc < 0) {
		gk_err("demo: disk %lu: cannot open (%d)\n",
		       (unsigned long)devid, rc);
		return rc;
	}
	gk_blk_get_info(b, &info);
	/* Whole pages: blkfront wants sector-aligned buffers. */
	w = demo_pages(DEMO_BYTES / 4096);
	r = demo_pages(DEMO_BYTES / 4096);
	rc = (w && r) ? 0 : -ENOMEM;
	for (uint32_t i = 0; rc == 0 && i < DEMO_BYTES; i++)
		w[i] = (uint8_t)(i * 7 + (i >> 9));
	if (rc == 0)
		rc = demo_io(b, &info, 1, w);
	if (rc == 0)
		rc = gk_blk_flush(b);
	if (rc == 0)
		rc = demo_io(b, &info, 0, r);
	if (rc == 0 && memcmp(w, r, DEMO_BYTES) != 0)
		rc = -EIO;
	if (rc < 0)
		gk_err("demo: disk %lu: error %d\n", (unsigned long)devid, rc);
	gk_info("demo: disk %lu (%lu MiB, %u-byte sectors): wrote %u KiB, "
		"flushed, read back: %s\n",
		(unsigned long)devid, (unsigned long)(info.sectors >> 11),
		info.sector_size, DEMO_BYTES / 1024,
		rc == 0 ? "identical" : "FAILED");
	if (w)
		gk_pages_free(&gk.pages, (uintptr_t)w >> 12, DEMO_BYTES / 4096);
	if (r)
		gk_pages_free(&gk.pages, (uintptr_t)r >> 12, DEMO_BYTES / 4096);
	gk_blk_close(b);
	return rc;
}

/* Bring the vif up and ping the host's bridge address. */
static int
demo_net(const char *cmdline)
{
	struct net_stack *s = gk_zalloc(sizeof(*s));
	char gw[20];
	uint32_t dst;
	int ok = 0, rc;

	if (!s)
		return -ENOMEM;
	if (gk_cmdline_get(cmdline, "gw", gw, sizeof(gw)) < 0 ||
	    net_parse_ip(gw, &dst) < 0) {
		gk_err("demo: gw=A.B.C.D needed for the network part\n");
		return -EINVAL;
	}
	rc = net_init(s, cmdline);
	if (rc < 0) {
		gk_err("demo: no network (%d)\n", rc);
		return rc;
	}
	for (int i = 0; i < DEMO_PINGS; i++) {
		uint64_t rtt;

		if (net_ping(s, dst, (uint16_t)i, 2000000000ull, &rtt) == 0) {
			ok++;
			gk_info("demo: ping %s seq %d: %lu us\n", gw, i,
				(unsigned long)(rtt / 1000));
		} else {
			gk_info("demo: ping %s seq %d: lost\n", gw, i);
		}
	}
	return ok == DEMO_PINGS ? 0 : -ETIMEDOUT;
}

int
gk_app_demo(const char *cmdline)
{
	int passed = 0, failed = 0;

	gk_info("demo: Xylem guest: console through xylem-consoled, disk "
		"through xylem-blkback, network through xylem-netback\n");
	if (demo_disk(cmdline) == 0)
		passed++;
	else
		failed++;
	if (demo_net(cmdline) == 0)
		passed++;
	else
		failed++;
	gk_info("%d passed, %d failed\n", passed, failed);
	return failed ? -EIO : 0;
}
