/*
 * apps/blkbench.c: block benchmark over gk/blk.h.  Runs sequential and
 * 4 KiB random reads and writes at the queue depths asked for and prints
 * one line per run: "bench: blk <name> bs=.. qd=.. iops=.. mbps=..
 * tx_per_req=.. rx_per_req=.." (our notifications to the backend and its
 * to us, per request).  cmdline: tests=seqread,seqwrite,randread,randwrite
 * qd=1,32 seq_bs=131072 ms=400 coalesce=1 dev=N.
 */
#include <stdint.h>

#include "gk/blk.h"
#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/kernel.h"
#include "gk/page_alloc.h"
#include "gk/string.h"
#include "gk/time.h"

#define BB_MAX_QD 32

struct bb_run {
	const char *name;
	uint8_t op;
	int is_random;
	uint32_t bs, qd;
	uint64_t ms;
};

struct bb {
	struct blkfront_dev *b;
	struct gk_blk_info info;
	uint8_t *buf; /* BB_MAX_QD x max request */
	uint64_t rng;
};

static uint64_t
bb_rand(struct bb *t)
{
	uint64_t x = t->rng;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	t->rng = x;
	return x;
}

static uint64_t
bb_sector(struct bb *t, const struct bb_run *r, uint64_t *pos)
{
	uint64_t per = r->bs / 512, nr = t->info.sectors / per, s;

	if (r->is_random)
		return (bb_rand(t) % nr) * per;
	s = *pos;
	*pos = (s + per) % (nr * per);
	return s;
}

static void
bb_run(struct bb *t, const struct bb_run *r)
{
	struct gk_blk_req reqs[BB_MAX_QD], *free_list[BB_MAX_QD],
		*done[BB_MAX_QD];
	struct gk_blk_stats s0, s1;
	uint64_t pos = 0, nr_done = 0, t0, t1, deadline, ns;
	uint32_t nr_free = r->qd, errors = 0;
	unsigned int n;

	for (uint32_t i = 0; i < r->qd; i++) {
		reqs[i] = (struct gk_blk_req){.op = r->op,
					      .buf = t->buf + i * r->bs,
					      .nr_bytes = r->bs};
		free_list[i] = &reqs[i];
	}
	gk_blk_get_stats(t->b, &s0);
	t0 = gk_time_now_ns();
	deadline = t0 + r->ms * GK_NS_PER_MS;
	for (;;) {
		int more = gk_time_now_ns() < deadline;

		/* Refill every free slot with one publish (one notification
		 * decision per batch, as a real I/O scheduler would). */
		if (more && nr_free) {
			int got;

			for (uint32_t i = 0; i < nr_free; i++)
				free_list[i]->sector = bb_sector(t, r, &pos);
			got = gk_blk_submit_many(t->b, free_list, nr_free);
			if (got > 0) {
				nr_free -= (uint32_t)got;
				for (uint32_t i = 0; i < nr_free; i++)
					free_list[i] = free_list[i + got];
			}
		}
		if (!more && nr_free == r->qd)
			break;
		if (gk_blk_wait(t->b, 10 * GK_NS_PER_S) < 0)
			break;
		n = gk_blk_complete(t->b, done, BB_MAX_QD);
		for (unsigned int i = 0; i < n; i++) {
			errors += done[i]->status != 0;
			free_list[nr_free++] = done[i];
		}
		nr_done += n;
	}
	t1 = gk_time_now_ns();
	gk_blk_get_stats(t->b, &s1);
	ns = t1 > t0 ? t1 - t0 : 1;
	if (!nr_done)
		nr_done = 1;
	gk_info("bench: blk %s bs=%u qd=%u coalesce=%d requests=%lu "
		"errors=%u iops=%lu mbps=%lu.%02lu tx_per_req=%lu.%03lu "
		"rx_per_req=%lu.%03lu\n",
		r->name, r->bs, r->qd, t->info.use_coalesce,
		(unsigned long)nr_done, errors,
		(unsigned long)(nr_done * GK_NS_PER_S / ns),
		(unsigned long)(nr_done * r->bs * 1000 / ns),
		(unsigned long)(nr_done * r->bs * 100000 / ns % 100),
		(unsigned long)((s1.notify_sent - s0.notify_sent) / nr_done),
		(unsigned long)((s1.notify_sent - s0.notify_sent) * 1000 /
				nr_done % 1000),
		(unsigned long)((s1.events - s0.events) / nr_done),
		(unsigned long)((s1.events - s0.events) * 1000 / nr_done %
				1000));
}

/* Is name in the comma list? */
static int
bb_listed(const char *list, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = list; *p;) {
		if (strncmp(p, name, n) == 0 && (p[n] == ',' || !p[n]))
			return 1;
		while (*p && *p != ',')
			p++;
		if (*p)
			p++;
	}
	return 0;
}

int
gk_app_blkbench(const char *cmdline)
{
	static const struct {
		const char *name;
		uint8_t op;
		int is_random;
	} kinds[] = {{"seqread", GK_BLK_READ, 0},
		     {"seqwrite", GK_BLK_WRITE, 0},
		     {"randread", GK_BLK_READ, 1},
		     {"randwrite", GK_BLK_WRITE, 1}};
	char tests[96] = "seqread,seqwrite,randread,randwrite";
	char qds[64] = "1,32";
	uint64_t seq_bs = 131072, ms = 400, coalesce = 1, devid = 0, pfn, qd;
	struct gk_blk_opts o = {.depth = BB_MAX_QD};
	static struct bb t;
	int rc;

	gk_cmdline_get(cmdline, "tests", tests, sizeof(tests));
	gk_cmdline_get(cmdline, "qd", qds, sizeof(qds));
	gk_cmdline_get_u64(cmdline, "seq_bs", &seq_bs);
	gk_cmdline_get_u64(cmdline, "ms", &ms);
	gk_cmdline_get_u64(cmdline, "coalesce", &coalesce);
	gk_cmdline_get_u64(cmdline, "dev", &devid);
	o.no_coalesce = !coalesce;
	rc = gk_blk_open((uint32_t)devid, &o, &t.b);
	if (rc < 0) {
		gk_err("blkbench: open: %d\n", rc);
		return rc;
	}
	gk_blk_get_info(t.b, &t.info);
	if (seq_bs > t.info.max_bytes || seq_bs % t.info.sector_size || !seq_bs)
		seq_bs = t.info.max_bytes;
	pfn = gk_pages_alloc(&gk.pages, BB_MAX_QD * (seq_bs / 4096 + 1));
	if (!pfn)
		return -ENOMEM;
	t.buf = (uint8_t *)(uintptr_t)(pfn << 12);
	memset(t.buf, 0x5a, BB_MAX_QD * seq_bs);
	t.rng = 0x2545f4914f6cdd1dull;
	for (unsigned int k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		if (!bb_listed(tests, kinds[k].name))
			continue;
		for (const char *p = qds; *p;) {
			char num[8];
			size_t n = 0;

			while (*p && *p != ',' && n < sizeof(num) - 1)
				num[n++] = *p++;
			num[n] = '\0';
			if (*p == ',')
				p++;
			if (gk_parse_u64(num, &qd) < 0 || !qd || qd > BB_MAX_QD)
				continue;
			struct bb_run r = {
				kinds[k].name,
				kinds[k].op,
				kinds[k].is_random,
				kinds[k].is_random ? 4096 : (uint32_t)seq_bs,
				(uint32_t)qd,
				ms};
			bb_run(&t, &r);
		}
	}
	gk_blk_close(t.b);
	gk_info("blkbench: done\n");
	return 0;
}
