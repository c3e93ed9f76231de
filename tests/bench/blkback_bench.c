/*
 * tests/bench/blkback_bench.c: xylem-blkback's data path, driven by the
 * host-side fake frontend (tests/lib/fake_blkfront.c) inside an idle
 * guest: 4 KiB random reads at queue depth 256 on a 512-slot ring (order
 * 4), image in tmpfs, against a host pread() loop on the same file; and
 * the notifications the coalescing flag saves while the frontend is
 * ACTIVE.  The fake frontend cannot send events, so blkback runs with
 * --poll-us 50: the numbers are the backend's request cost, not the
 * notification latency.  Appends rows to the table named by argv[1].
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "blk_stack.h"
#include "fake_blkfront.h"
#include "xylem/coalesce.h"

#define IMAGE_BYTES (64u << 20)
#define NR_READS    40000u
#define DEPTH	    256u

static void
row(const char *what, const char *measured, const char *peer, double ratio)
{
	char r[32];

	snprintf(r, sizeof(r), "%.2f", ratio);
	bench_row(what, measured, peer, r);
}

static uint64_t
next_rand(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* The host alone: pread of the same offsets. */
static double
host_reads_per_s(const char *image)
{
	static char buf[4096];
	uint64_t rng = 7, t0;
	int fd = open(image, O_RDONLY);

	if (fd < 0)
		return 0;
	t0 = bench_now_ns();
	for (uint32_t i = 0; i < NR_READS; i++)
		if (pread(fd, buf, 4096,
			  (off_t)(next_rand(&rng) % (IMAGE_BYTES / 4096)) *
				  4096) != 4096)
			break;
	close(fd);
	return NR_READS / ((bench_now_ns() - t0) / 1e9);
}

static void
push_read(struct fake_blkfront *fb, uint32_t data, uint32_t n, uint64_t *rng)
{
	union fake_blkif_req *r = fake_blkfront_next(fb, 0);

	r->rw.operation = BLKIF_OP_READ;
	r->rw.nr_segments = 1;
	r->rw.id = n;
	r->rw.sector_number = (next_rand(rng) % (IMAGE_BYTES / 4096)) * 8;
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = FAKE_BLKFRONT_GREF0 + data + n % 64, .last_sect = 7};
}

/* NR_READS reads at DEPTH; the frontend keeps its coalescing word ACTIVE
 * (it polls).  Returns reads per second, or 0 on a failure. */
static double
blkback_reads_per_s(struct fake_blkfront *fb)
{
	uint32_t sent = 0, done = 0, data = fb->next_page;
	uint32_t *rsp_state = (uint32_t *)((uint8_t *)fb->front[0].sring +
					   XYL_COALESCE_RSP_STATE_OFFSET);
	struct blkif_response rsp;
	uint64_t rng = 7, t0;

	for (uint32_t i = 0; i < 64; i++)
		fake_blkfront_grant(fb, data + i, false);
	__atomic_store_n(rsp_state, XYL_COALESCE_ACTIVE, __ATOMIC_SEQ_CST);
	t0 = bench_now_ns();
	while (done < NR_READS) {
		while (sent < NR_READS && sent - done < DEPTH)
			push_read(fb, data, sent++, &rng);
		fake_blkfront_push(fb, 0);
		if (fake_blkfront_response(fb, 0, &rsp, 10000) ||
		    rsp.status != BLKIF_RSP_OKAY)
			return 0;
		done++;
	}
	return NR_READS / ((bench_now_ns() - t0) / 1e9);
}

static uint64_t
counter(const struct blk_stack *st, const char *name)
{
	char path[512], line[128], key[64];
	unsigned long long v;
	uint64_t out = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/blkback/%u-51712.stats", st->hv.rundir,
		 st->domid);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", key, &v) == 2 &&
		    strcmp(key, name) == 0)
			out = v;
	if (f)
		fclose(f);
	return out;
}

int
main(int argc, char **argv)
{
	struct fake_blkfront_opts o = {.use_coalesce = true, .ring_order = 4};
	static struct fake_blkfront fb;
	static struct blk_stack st;
	char image[128], m[128], p[128];
	double ours, host;
	int fd, rc = 1;

	bench_table_open(argc, argv);
	if (harness_skip_reason()) {
		printf("blkback_bench: skipped: %s\n", harness_skip_reason());
		return 0;
	}
	snprintf(image, sizeof(image), "/dev/shm/xylem-blkbench.%d",
		 (int)getpid());
	fd = open(image, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, IMAGE_BYTES) < 0)
		goto out;
	close(fd);
	o.image = image;
	if (blk_stack_start(&st, 64, "50") ||
	    fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o)) {
		fprintf(stderr, "blkback_bench: setup failed\n");
		goto out;
	}
	ours = blkback_reads_per_s(&fb);
	host = host_reads_per_s(image);
	snprintf(m, sizeof(m), "%.0f k req/s", ours / 1000);
	snprintf(p, sizeof(p), "host pread loop %.0f k req/s", host / 1000);
	row("blkback 4 KiB random reads, QD 256, order-4 ring, tmpfs image "
	    "(fake frontend, --poll-us 50)",
	    m, p, host > 0 ? ours / host : 0);
	usleep(1200000); /* one stats period */
	snprintf(m, sizeof(m),
		 "%.4f per response (%llu sent, %llu "
		 "suppressed)",
		 (double)counter(&st, "notify_sent") /
			 (double)(counter(&st, "responses") + 1),
		 (unsigned long long)counter(&st, "notify_sent"),
		 (unsigned long long)counter(&st, "notify_suppressed"));
	row("blkback response notifications, coalescing flag, frontend ACTIVE",
	    m, "1 per response without suppression", 0);
	rc = ours > 0 ? 0 : 1;
	fake_blkfront_close(&fb);
out:
	blk_stack_stop(&st);
	unlink(image);
	bench_table_close();
	return rc;
}
