/*
 * apps/blktest.c: blkfront end to end.  mode=verify (default): write
 * patterns, flush, read back and compare, across request sizes (one
 * sector .. indirect), buffer offsets, queue depths and negotiated
 * feature sets, plus discard, barrier, range and read-only checks; ends
 * with "N passed, N failed".  mode=durable: rounds of writes + flush over
 * a small region, printing what is durable, for the data-safety tests.
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
#include "gk/xenbus.h"

#define BT_BUF_PAGES	 64 /* 256 KiB of scratch */
#define BT_DURABLE_MAGIC 0x58594c4d44555241ull

struct bt {
	struct blkfront_dev *b;
	struct gk_blk_info info;
	uint8_t *wbuf, *rbuf;
	uint64_t base; /* first sector this run may use */
	unsigned int passed, failed;
	uint64_t seed;
};

static void
bt_check(struct bt *t, int ok, const char *what, int rc)
{
	if (ok) {
		t->passed++;
		gk_info("ok: %s\n", what);
	} else {
		t->failed++;
		gk_err("FAIL: %s (rc %d)\n", what, rc);
	}
}

static uint64_t
bt_next(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

static void
bt_fill(uint8_t *buf, uint32_t len, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (uint32_t i = 0; i + 8 <= len; i += 8) {
		uint64_t v = bt_next(&s);

		memcpy(buf + i, &v, 8);
	}
}

static void *
bt_pages(uint32_t nr)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, nr);

	return pfn ? (void *)(uintptr_t)(pfn << 12) : 0;
}

/* Write len bytes (from wbuf + off) at sector, flush, read back, compare. */
static int
bt_roundtrip(struct bt *t, uint64_t sector, uint32_t len, uint32_t off)
{
	int rc;

	bt_fill(t->wbuf + off, len, ++t->seed * 0x9e3779b97f4a7c15ull);
	rc = gk_blk_write(t->b, sector, t->wbuf + off, len);
	if (rc == 0 && t->info.has_flush)
		rc = gk_blk_flush(t->b);
	memset(t->rbuf + off, 0xee, len);
	if (rc == 0)
		rc = gk_blk_read(t->b, sector, t->rbuf + off, len);
	if (rc == 0 && memcmp(t->wbuf + off, t->rbuf + off, len) != 0)
		rc = -EIO;
	return rc;
}

static void
bt_sizes(struct bt *t, const char *tag)
{
	static const uint32_t sizes[] = {512,	1024,  4096,  8192,
					 45056, 65536, 131072};
	uint32_t ss = t->info.sector_size;
	char what[96];
	int rc;

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint32_t len = sizes[i];

		if (len % ss || len > t->info.max_bytes)
			continue;
		rc = bt_roundtrip(t, t->base + 8 * i * 32, len, 0);
		gk_snprintf(what, sizeof(what), "%s: %u bytes round trip", tag,
			    len);
		bt_check(t, rc == 0, what, rc);
	}
	if (ss == 512) {
		/* A buffer that starts mid-page: segments split at pages. */
		rc = bt_roundtrip(t, t->base + 1000, 16384, 1536);
		gk_snprintf(what, sizeof(what), "%s: unaligned buffer", tag);
		bt_check(t, rc == 0, what, rc);
	}
}

/* depth requests at once, each its own region, then all read back. */
static void
bt_depth(struct bt *t, const char *tag)
{
	struct gk_blk_req reqs[32], *done[32];
	uint32_t n = t->info.depth < 32 ? t->info.depth : 32, got = 0;
	uint32_t chunk = 8192, bad = 0;
	char what[96];
	int rc = 0;

	bt_fill(t->wbuf, n * chunk, ++t->seed);
	for (uint32_t pass = 0; pass < 2 && rc == 0; pass++) {
		for (uint32_t i = 0; i < n; i++)
			reqs[i] = (struct gk_blk_req){
				.op = pass ? GK_BLK_READ : GK_BLK_WRITE,
				.sector = t->base + 2048 + i * (chunk / 512),
				.buf = (pass ? t->rbuf : t->wbuf) + i * chunk,
				.nr_bytes = chunk};
		struct gk_blk_req *ptrs[32];

		for (uint32_t i = 0; i < n; i++)
			ptrs[i] = &reqs[i];
		rc = gk_blk_submit_many(t->b, ptrs, n);
		rc = rc == (int)n ? 0 : (rc < 0 ? rc : -EAGAIN);
		for (got = 0; rc == 0 && got < n;) {
			rc = gk_blk_wait(t->b, 30 * GK_NS_PER_S);
			got += gk_blk_complete(t->b, done + got, n - got);
		}
		for (uint32_t i = 0; i < got; i++)
			bad += done[i]->status != 0;
	}
	if (rc == 0 && (bad || memcmp(t->wbuf, t->rbuf, n * chunk)))
		rc = -EIO;
	gk_snprintf(what, sizeof(what), "%s: %u requests in flight", tag, n);
	bt_check(t, rc == 0, what, rc);
}

static void
bt_ops(struct bt *t, const char *tag)
{
	uint32_t ss = t->info.sector_size;
	char what[96];
	int rc;

	if (t->info.has_discard) {
		rc = bt_roundtrip(t, t->base + 4096, 8192, 0);
		if (rc == 0)
			rc = gk_blk_discard(t->b, t->base + 4096, 8192);
		if (rc == 0)
			rc = gk_blk_read(t->b, t->base + 4096, t->rbuf, 8192);
		for (uint32_t i = 0; rc == 0 && i < 8192; i++)
			if (t->rbuf[i])
				rc = -EIO;
		gk_snprintf(what, sizeof(what), "%s: discard reads zeros", tag);
		bt_check(t, rc == 0, what, rc);
	}
	if (t->info.has_barrier) {
		struct gk_blk_req r = {.op = GK_BLK_BARRIER,
				       .sector = t->base + 4200,
				       .buf = t->wbuf,
				       .nr_bytes = 4096},
				  *got;

		bt_fill(t->wbuf, 4096, ++t->seed);
		rc = gk_blk_submit(t->b, &r);
		if (rc == 0)
			rc = gk_blk_wait(t->b, 30 * GK_NS_PER_S);
		if (rc == 0)
			rc = gk_blk_complete(t->b, &got, 1) == 1 ? got->status
								 : -EIO;
		if (rc == 0)
			rc = gk_blk_read(t->b, t->base + 4200, t->rbuf, 4096);
		if (rc == 0 && memcmp(t->wbuf, t->rbuf, 4096))
			rc = -EIO;
		gk_snprintf(what, sizeof(what), "%s: write barrier", tag);
		bt_check(t, rc == 0, what, rc);
	}
	rc = gk_blk_read(t->b, t->info.sectors - ss / 512, t->rbuf, ss);
	gk_snprintf(what, sizeof(what), "%s: last sector readable", tag);
	bt_check(t, rc == 0, what, rc);
	rc = gk_blk_read(t->b, t->info.sectors, t->rbuf, ss);
	gk_snprintf(what, sizeof(what), "%s: read past the end refused", tag);
	bt_check(t, rc == -EINVAL, what, rc);
	if (ss == 4096) {
		rc = gk_blk_read(t->b, t->base + 1, t->rbuf, 4096);
		gk_snprintf(what, sizeof(what),
			    "%s: unaligned sector on 4K device refused", tag);
		bt_check(t, rc == -EINVAL, what, rc);
	}
}

static void
bt_read_only(struct bt *t)
{
	int rc = gk_blk_read(t->b, 0, t->rbuf, 4096);

	bt_check(t, rc == 0, "read-only: read", rc);
	rc = gk_blk_write(t->b, 0, t->wbuf, 4096);
	bt_check(t, rc == -EROFS, "read-only: write refused", rc);
}

static int
bt_open(struct bt *t, uint32_t devid, const struct gk_blk_opts *o,
	const char *tag)
{
	char what[224];
	int rc;

	memset(&t->info, 0, sizeof(t->info));
	rc = gk_blk_open(devid, o, &t->b);

	if (rc == 0)
		gk_blk_get_info(t->b, &t->info);
	gk_snprintf(what, sizeof(what),
		    "%s: open (sectors %lu, sector-size %u, ro %d, queues %u, "
		    "ring order %u, depth %u, persistent %d, indirect %u, "
		    "coalesce %d)",
		    tag, (unsigned long)t->info.sectors, t->info.sector_size,
		    t->info.is_read_only, t->info.nr_queues, t->info.ring_order,
		    t->info.depth, t->info.use_persistent, t->info.max_indirect,
		    t->info.use_coalesce);
	bt_check(t, rc == 0, what, rc);
	return rc;
}

static void
bt_config(struct bt *t, uint32_t devid, const struct gk_blk_opts *o,
	  const char *tag)
{
	struct gk_blk_stats st;

	if (bt_open(t, devid, o, tag) < 0)
		return;
	if (t->info.is_read_only) {
		bt_read_only(t);
	} else if (t->info.sectors < 16384) {
		bt_check(t, 0, "device too small (need 8 MiB)", -EINVAL);
	} else {
		bt_sizes(t, tag);
		bt_depth(t, tag);
		bt_ops(t, tag);
	}
	gk_blk_get_stats(t->b, &st);
	gk_info("blktest: %s: requests %lu notify_sent %lu suppressed %lu "
		"events %lu rekicks %lu\n",
		tag, (unsigned long)st.requests, (unsigned long)st.notify_sent,
		(unsigned long)st.notify_suppressed, (unsigned long)st.events,
		(unsigned long)st.rekicks);
	gk_blk_close(t->b);
}

static int
bt_verify(struct bt *t, uint32_t devid, uint32_t ro_devid)
{
	static const struct gk_blk_opts plain = {.no_persistent = 1,
						 .no_coalesce = 1};
	static const struct gk_blk_opts wide = {
		.ring_order = 2, .nr_queues = 2, .depth = 64};
	static const struct gk_blk_opts direct = {.no_indirect = 1, .depth = 8};

	bt_config(t, devid, 0, "default");
	if (!t->info.is_read_only) {
		bt_config(t, devid, &plain, "no-persistent,no-coalesce");
		bt_config(t, devid, &wide, "ring-order-2,2-queues");
		bt_config(t, devid, &direct, "direct-only");
	}
	if (ro_devid)
		bt_config(t, ro_devid, 0, "read-only device");
	gk_info("%u passed, %u failed\n", t->passed, t->failed);
	return t->failed ? -EIO : 0;
}

/* ---- mode=durable ---- */

struct bt_block {
	uint64_t magic, block, gen, sum;
};

static void
bt_durable_fill(uint8_t *p, uint64_t block, uint64_t gen)
{
	struct bt_block h = {BT_DURABLE_MAGIC, block, gen, 0};

	bt_fill(p + sizeof(h), 4096 - sizeof(h), block * 131 + gen);
	for (uint32_t i = sizeof(h); i < 4096; i += 8)
		h.sum += *(uint64_t *)(p + i);
	memcpy(p, &h, sizeof(h));
}

/* One round: every block written with gen (depth at a time), then a
 * flush.  0 or the first error. */
static int
bt_durable_round(struct bt *t, uint32_t nr_blocks, uint64_t gen)
{
	struct gk_blk_req reqs[BT_BUF_PAGES], *ptrs[BT_BUF_PAGES], *done[8];
	uint32_t next = 0, left = nr_blocks;
	int rc = 0, n;

	for (uint32_t i = 0; i < nr_blocks; i++) {
		bt_durable_fill(t->wbuf + i * 4096, i, gen);
		reqs[i] = (struct gk_blk_req){.op = GK_BLK_WRITE,
					      .sector = t->base + i * 8,
					      .buf = t->wbuf + i * 4096,
					      .nr_bytes = 4096};
		ptrs[i] = &reqs[i];
	}
	while (left) {
		if (next < nr_blocks) {
			n = gk_blk_submit_many(t->b, ptrs + next,
					       nr_blocks - next);
			if (n > 0)
				next += (uint32_t)n;
			else if (n != -EAGAIN)
				return n;
		}
		rc = gk_blk_wait(t->b, 60 * GK_NS_PER_S);
		if (rc < 0)
			return rc;
		n = (int)gk_blk_complete(t->b, done, 8);
		for (int i = 0; i < n; i++, left--)
			if (done[i]->status)
				return done[i]->status;
	}
	return gk_blk_flush(t->b);
}

static int
bt_durable_check(struct bt *t, uint32_t nr_blocks, uint64_t gen)
{
	unsigned int bad = 0;
	int rc = gk_blk_read(t->b, t->base, t->rbuf, nr_blocks * 4096);

	for (uint32_t i = 0; rc == 0 && i < nr_blocks; i++) {
		bt_durable_fill(t->wbuf, i, gen);
		bad += memcmp(t->wbuf, t->rbuf + i * 4096, 4096) != 0;
	}
	gk_info("blktest: durable verify: %u passed, %u failed\n",
		rc == 0 ? nr_blocks - bad : 0, rc == 0 ? bad : nr_blocks);
	return rc == 0 && bad == 0 ? 0 : -EIO;
}

static int
bt_stop_requested(void)
{
	char v[8];

	return xenbus_read(0, "data/blktest-stop", v, sizeof(v), 0) == 0;
}

static int
bt_durable(struct bt *t, uint32_t devid, const char *cmdline)
{
	uint64_t nr = 16, rounds = 0, gen;
	int rc;

	gk_cmdline_get_u64(cmdline, "blocks", &nr);
	gk_cmdline_get_u64(cmdline, "rounds", &rounds);
	if (nr == 0 || nr > BT_BUF_PAGES)
		return -EINVAL;
	rc = gk_blk_open(devid, 0, &t->b);
	if (rc < 0) {
		gk_err("blktest: open: %d\n", rc);
		return rc;
	}
	gk_blk_get_info(t->b, &t->info);
	gk_info("blktest: durable start domid=%u blocks=%lu\n",
		(unsigned int)xenbus_domid(), (unsigned long)nr);
	for (gen = 1; rounds == 0 || gen <= rounds; gen++) {
		rc = bt_durable_round(t, (uint32_t)nr, gen);
		if (rc < 0) {
			gk_err("blktest: durable round %lu: %d\n",
			       (unsigned long)gen, rc);
			return rc;
		}
		gk_info("blktest: durable gen=%lu blocks=%lu\n",
			(unsigned long)gen, (unsigned long)nr);
		if (rounds == 0 && bt_stop_requested())
			break;
	}
	if (rounds && gen > rounds)
		gen = rounds;
	rc = bt_durable_check(t, (uint32_t)nr, gen);
	gk_blk_close(t->b);
	return rc;
}

int
gk_app_blktest(const char *cmdline)
{
	static struct bt t;
	uint64_t devid = 0, base = 0, ro_devid = 0;
	char mode[16] = "verify";

	gk_cmdline_get_u64(cmdline, "dev", &devid);
	gk_cmdline_get_u64(cmdline, "base", &base);
	gk_cmdline_get_u64(cmdline, "ro_dev", &ro_devid);
	gk_cmdline_get(cmdline, "mode", mode, sizeof(mode));
	t.wbuf = bt_pages(BT_BUF_PAGES);
	t.rbuf = bt_pages(BT_BUF_PAGES);
	t.base = base;
	t.seed = 1;
	if (!t.wbuf || !t.rbuf)
		return -ENOMEM;
	if (strcmp(mode, "durable") == 0)
		return bt_durable(&t, (uint32_t)devid, cmdline);
	return bt_verify(&t, (uint32_t)devid, (uint32_t)ro_devid);
}
