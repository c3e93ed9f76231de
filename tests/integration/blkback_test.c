/*
 * tests/integration/blkback_test.c: xylem-blkback end to end against a
 * real guest's memory: xylem-hv (harness), xylem-xenstored and
 * xylem-blkback as processes, an idle guest whose RAM and grant table the
 * host-side fake frontend (tests/lib/fake_blkfront.c) borrows.  Checks the
 * handshake, the data path into the image, every hostile request the
 * issue lists, features (multi-page rings, queues, persistent grants,
 * indirect, coalescing counters), read-only and 4 KiB-sector devices, and
 * kill -9 of blkback in the middle of a write workload.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <stdint.h>

#include <xen/grant_table.h>

#include "blk_stack.h"
#include "fake_blkfront.h"
#include "suite.h"

#define IMAGE_BYTES (4u << 20) /* 8192 sectors */
#define GUEST_MIB   32

static struct blk_stack st;
static char image[256];

static void
setup(void)
{
	int fd;

	ck_assert_int_eq(blk_stack_start(&st, GUEST_MIB, "1000"), 0);
	snprintf(image, sizeof(image), "%s/disk.img", st.hv.rundir);
	fd = open(image, O_RDWR | O_CREAT, 0644);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(ftruncate(fd, IMAGE_BYTES), 0);
	close(fd);
}

static void
teardown(void)
{
	blk_stack_stop(&st);
}

static void
pattern(uint8_t *p, uint32_t seed)
{
	for (uint32_t i = 0; i < 4096; i += 4)
		memcpy(p + i, &(uint32_t){seed * 7919u + i}, 4);
}

/* Queue write number n (one 4 KiB page, pattern seed + n, at sector
 * n * 8) on queue 0; its data page is one of 64 from data on. */
static void
queue_write(struct fake_blkfront *fb, uint32_t data, uint32_t n, uint32_t seed)
{
	union fake_blkif_req *r = fake_blkfront_next(fb, 0);
	uint32_t page = data + n % 64;

	pattern(fake_blkfront_page(fb, page), seed + n);
	r->rw.operation = BLKIF_OP_WRITE;
	r->rw.nr_segments = 1;
	r->rw.id = n;
	r->rw.sector_number = (uint64_t)n * 8;
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = fake_blkfront_grant(fb, page, true), .last_sect = 7};
}

static void
image_read(uint64_t off, void *buf, size_t len)
{
	int fd = open(image, O_RDONLY);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(pread(fd, buf, len, (off_t)off), (ssize_t)len);
	close(fd);
}

static int16_t
one(struct fake_blkfront *fb, uint8_t op, uint64_t sector, uint32_t page,
    uint32_t n, uint64_t id)
{
	int16_t status = 99;

	ck_assert_int_eq(fake_blkfront_rw(fb, op, sector, page, n, id, &status),
			 0);
	return status;
}

/* Push a hand-made request and return its status. */
static int16_t
raw_status(struct fake_blkfront *fb, uint64_t id)
{
	struct blkif_response rsp;

	fake_blkfront_push(fb, 0);
	ck_assert_int_eq(fake_blkfront_response(fb, 0, &rsp, 10000), 0);
	ck_assert_uint_eq(rsp.id, id);
	return rsp.status;
}

static uint64_t
stat_of(const char *name)
{
	char path[512], line[128], key[64];
	unsigned long long v;
	FILE *f;

	snprintf(path, sizeof(path), "%s/blkback/%u-51712.stats", st.hv.rundir,
		 st.domid);
	for (int i = 0; i < 300 && access(path, F_OK); i++)
		usleep(10000);
	f = fopen(path, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %llu", key, &v) == 2 &&
		    strcmp(key, name) == 0) {
			fclose(f);
			return v;
		}
	fclose(f);
	ck_abort_msg("no counter %s", name);
	return 0;
}

START_TEST(test_data_path_and_hostile_requests)
{
	struct fake_blkfront_opts o = {.image = image};
	static struct fake_blkfront fb;
	union fake_blkif_req *r;
	uint8_t buf[8192];
	uint32_t data;

	ck_assert_int_eq(
		fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o),
		0);
	data = fb.next_page;
	/* Write two pages at sector 16, read them back elsewhere. */
	pattern(fake_blkfront_page(&fb, data), 1);
	pattern(fake_blkfront_page(&fb, data + 1), 2);
	ck_assert_int_eq(one(&fb, BLKIF_OP_WRITE, 16, data, 2, 1),
			 BLKIF_RSP_OKAY);
	image_read(16 * 512, buf, 8192);
	ck_assert_mem_eq(buf, fake_blkfront_page(&fb, data), 4096);
	ck_assert_mem_eq(buf + 4096, fake_blkfront_page(&fb, data + 1), 4096);
	ck_assert_int_eq(one(&fb, BLKIF_OP_READ, 16, data + 2, 2, 2),
			 BLKIF_RSP_OKAY);
	ck_assert_mem_eq(fake_blkfront_page(&fb, data + 2), buf, 8192);
	/* Flush and discard. */
	r = fake_blkfront_next(&fb, 0);
	r->rw.operation = BLKIF_OP_FLUSH_DISKCACHE;
	r->rw.id = 3;
	ck_assert_int_eq(raw_status(&fb, 3), BLKIF_RSP_OKAY);
	r = fake_blkfront_next(&fb, 0);
	r->discard.operation = BLKIF_OP_DISCARD;
	r->discard.id = 4;
	r->discard.sector_number = 16;
	r->discard.nr_sectors = 8;
	ck_assert_int_eq(raw_status(&fb, 4), BLKIF_RSP_OKAY);
	image_read(16 * 512, buf, 4096);
	for (int i = 0; i < 4096; i++)
		ck_assert_uint_eq(buf[i], 0);

	/* Hostile: a gref past the table. */
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_READ, .nr_segments = 1, .id = 10};
	r->rw.seg[0] =
		(struct blkif_request_segment){.gref = 100000, .last_sect = 7};
	ck_assert_int_eq(raw_status(&fb, 10), BLKIF_RSP_ERROR);
	/* A grant made to another domain. */
	fake_blkfront_grant_raw(&fb, FAKE_BLKFRONT_GREF0 + 150,
				GTF_permit_access, 5,
				(uint32_t)fake_blkfront_gfn(&fb, data));
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_READ, .nr_segments = 1, .id = 11};
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = FAKE_BLKFRONT_GREF0 + 150, .last_sect = 7};
	ck_assert_int_eq(raw_status(&fb, 11), BLKIF_RSP_ERROR);
	/* A read-only grant for a read (we would write the page). */
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_READ, .nr_segments = 1, .id = 12};
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = fake_blkfront_grant(&fb, data, true), .last_sect = 7};
	ck_assert_int_eq(raw_status(&fb, 12), BLKIF_RSP_ERROR);
	/* A grant whose frame is not guest RAM. */
	fake_blkfront_grant_raw(&fb, FAKE_BLKFRONT_GREF0 + 151,
				GTF_permit_access, 0, 0xfe002);
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_WRITE, .nr_segments = 1, .id = 13};
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = FAKE_BLKFRONT_GREF0 + 151, .last_sect = 7};
	ck_assert_int_eq(raw_status(&fb, 13), BLKIF_RSP_ERROR);
	/* A segment out of the page. */
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_READ, .nr_segments = 1, .id = 14};
	r->rw.seg[0] = (struct blkif_request_segment){
		.gref = fake_blkfront_grant(&fb, data, false),
		.first_sect = 4,
		.last_sect = 8};
	ck_assert_int_eq(raw_status(&fb, 14), BLKIF_RSP_ERROR);
	/* Past the end, and wrapping round. */
	ck_assert_int_eq(
		one(&fb, BLKIF_OP_READ, IMAGE_BYTES / 512 - 4, data, 1, 15),
		BLKIF_RSP_ERROR);
	ck_assert_int_eq(one(&fb, BLKIF_OP_READ, UINT64_MAX - 2, data, 1, 16),
			 BLKIF_RSP_ERROR);
	/* Too many segments, and an unknown operation. */
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){
		.operation = BLKIF_OP_READ, .nr_segments = 12, .id = 17};
	ck_assert_int_eq(raw_status(&fb, 17), BLKIF_RSP_ERROR);
	r = fake_blkfront_next(&fb, 0);
	r->rw = (struct blkif_request){.operation = 77, .id = 18};
	ck_assert_int_eq(raw_status(&fb, 18), BLKIF_RSP_EOPNOTSUPP);
	/* The device still works, and the borrowed grants are unpinned. */
	ck_assert_int_eq(one(&fb, BLKIF_OP_READ, 0, data, 1, 19),
			 BLKIF_RSP_OKAY);
	usleep(1200000); /* one stats period */
	ck_assert_uint_ge(stat_of("errors"), 9);
	ck_assert_uint_eq(stat_of("rd_req"), 2);
	ck_assert_uint_eq(stat_of("wr_req"), 1);
	ck_assert_uint_eq(stat_of("o_direct"), 1);
	/* A producer index far ahead: only this device closes. */
	fb.front[0].sring->req_prod += 1000;
	ck_assert_int_eq(
		fake_blkfront_wait_backend(&fb, XenbusStateClosing, 10000), 0);
	ck_assert_int_eq(kill(st.blk_pid, 0), 0); /* still alive */
	fake_blkfront_close(&fb);
}
END_TEST

START_TEST(test_features)
{
	struct fake_blkfront_opts o = {.image = image,
				       .use_persistent = true,
				       .use_coalesce = true,
				       .ring_order = 2,
				       .nr_queues = 2};
	static struct fake_blkfront fb;
	struct blkif_request_segment *segs;
	struct blkif_response rsp;
	union fake_blkif_req *r;
	uint32_t data, ind;
	uint8_t buf[4096];
	char path[256];

	ck_assert_int_eq(
		fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o),
		0);
	ck_assert_uint_eq(RING_SIZE(&fb.front[0]), 128);
	data = fb.next_page;
	ind = data + 64;
	/* An indirect write of 64 pages on queue 1. */
	segs = (struct blkif_request_segment *)fake_blkfront_page(&fb, ind);
	for (uint32_t i = 0; i < 64; i++) {
		pattern(fake_blkfront_page(&fb, data + i), 100 + i);
		segs[i] = (struct blkif_request_segment){
			.gref = fake_blkfront_grant(&fb, data + i, false),
			.last_sect = 7};
	}
	r = fake_blkfront_next(&fb, 1);
	r->indirect.operation = BLKIF_OP_INDIRECT;
	r->indirect.indirect_op = BLKIF_OP_WRITE;
	r->indirect.nr_segments = 64;
	r->indirect.id = 77;
	r->indirect.sector_number = 1024;
	r->indirect.indirect_grefs[0] = fake_blkfront_grant(&fb, ind, true);
	fake_blkfront_push(&fb, 1);
	ck_assert_int_eq(fake_blkfront_response(&fb, 1, &rsp, 10000), 0);
	ck_assert_uint_eq(rsp.id, 77);
	ck_assert_uint_eq(rsp.operation, BLKIF_OP_WRITE);
	ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
	for (uint32_t i = 0; i < 64; i += 21) {
		image_read((1024 + i * 8) * 512ull, buf, 4096);
		ck_assert_mem_eq(buf, fake_blkfront_page(&fb, data + i), 4096);
	}
	/* Queue 0: the same pages again, read back (persistent grants). */
	for (int k = 0; k < 3; k++)
		ck_assert_int_eq(one(&fb, BLKIF_OP_READ, 1024, data, 4,
				     200 + (uint64_t)k),
				 BLKIF_RSP_OKAY);
	usleep(1200000);
	ck_assert_uint_eq(stat_of("queues"), 2);
	ck_assert_uint_eq(stat_of("ring_order"), 2);
	ck_assert_uint_eq(stat_of("persistent"), 1);
	ck_assert_uint_eq(stat_of("coalesce"), 1);
	ck_assert_uint_eq(stat_of("indirect_req"), 1);
	ck_assert_uint_ge(stat_of("persistent_hits"), 8);
	ck_assert_uint_eq(stat_of("notify_sent") + stat_of("notify_suppressed"),
			  4);
	/* The frontend closes: the backend follows. */
	snprintf(path, sizeof(path), "%s/state", fb.fe);
	xs_write(fb.xs, XBT_NULL, path, "5", 1);
	ck_assert_int_eq(
		fake_blkfront_wait_backend(&fb, XenbusStateClosing, 10000), 0);
	xs_write(fb.xs, XBT_NULL, path, "6", 1);
	ck_assert_int_eq(
		fake_blkfront_wait_backend(&fb, XenbusStateClosed, 10000), 0);
	fake_blkfront_close(&fb);
}
END_TEST

START_TEST(test_read_only_and_large_sectors)
{
	struct fake_blkfront_opts o = {
		.image = image, .is_read_only = true, .sector_size = 4096};
	static struct fake_blkfront fb;
	char path[256], *v;
	unsigned len;

	ck_assert_int_eq(
		fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o),
		0);
	snprintf(path, sizeof(path), "%s/sector-size", fb.be);
	v = xs_read(fb.xs, XBT_NULL, path, &len);
	ck_assert_str_eq(v, "4096");
	free(v);
	snprintf(path, sizeof(path), "%s/info", fb.be);
	v = xs_read(fb.xs, XBT_NULL, path, &len);
	ck_assert_str_eq(v, "4"); /* VDISK_READONLY */
	free(v);
	ck_assert_int_eq(one(&fb, BLKIF_OP_READ, 8, fb.next_page, 1, 1),
			 BLKIF_RSP_OKAY);
	ck_assert_int_eq(one(&fb, BLKIF_OP_READ, 4, fb.next_page, 1, 2),
			 BLKIF_RSP_ERROR); /* not 4 KiB aligned */
	ck_assert_int_eq(one(&fb, BLKIF_OP_WRITE, 8, fb.next_page, 1, 3),
			 BLKIF_RSP_ERROR); /* read-only */
	/* One 4 KiB sector from two half pages: bounced through an aligned
	 * buffer for O_DIRECT, and copied back into both halves. */
	{
		union fake_blkif_req *r = fake_blkfront_next(&fb, 0);
		uint8_t want[4096];
		int fd = open(image, O_WRONLY);

		pattern(want, 77);
		ck_assert_int_eq(pwrite(fd, want, 4096, 8 * 512), 4096);
		close(fd);
		memset(fake_blkfront_page(&fb, fb.next_page), 0, 4096);
		memset(fake_blkfront_page(&fb, fb.next_page + 1), 0, 4096);
		r->rw.operation = BLKIF_OP_READ;
		r->rw.nr_segments = 2;
		r->rw.id = 4;
		r->rw.sector_number = 8;
		r->rw.seg[0] = (struct blkif_request_segment){
			.gref = fake_blkfront_grant(&fb, fb.next_page, false),
			.first_sect = 4,
			.last_sect = 7};
		r->rw.seg[1] = (struct blkif_request_segment){
			.gref = fake_blkfront_grant(&fb, fb.next_page + 1,
						    false),
			.first_sect = 0,
			.last_sect = 3};
		ck_assert_int_eq(raw_status(&fb, 4), BLKIF_RSP_OKAY);
		ck_assert_mem_eq(fake_blkfront_page(&fb, fb.next_page) + 2048,
				 want, 2048);
		ck_assert_mem_eq(fake_blkfront_page(&fb, fb.next_page + 1),
				 want + 2048, 2048);
		usleep(1200000);
		if (stat_of("o_direct"))
			ck_assert_uint_ge(stat_of("bounces"), 1);
	}
	fake_blkfront_close(&fb);
}
END_TEST

/* kill -9 blkback with writes in flight, restart it: the ring is taken
 * over in place, every request is answered exactly once, in order, and
 * every acknowledged write is in the image. */
START_TEST(test_kill9_restart)
{
	struct fake_blkfront_opts o = {.image = image};
	static struct fake_blkfront fb;
	const uint32_t total = 300, depth = 16;
	uint32_t sent = 0, done = 0, data;
	struct blkif_response rsp;
	uint8_t buf[4096];

	ck_assert_int_eq(
		fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o),
		0);
	data = fb.next_page;
	while (done < total) {
		while (sent < total && sent - done < depth)
			queue_write(&fb, data, sent++, 1000);
		fake_blkfront_push(&fb, 0);
		if (done == 100) {
			blk_stack_blkback_kill9(&st);
			ck_assert_int_eq(blk_stack_blkback_start(&st), 0);
		}
		ck_assert_int_eq(fake_blkfront_response(&fb, 0, &rsp, 20000),
				 0);
		ck_assert_uint_eq(rsp.id, done); /* once each, in order */
		ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
		done++;
	}
	for (uint32_t i = 0; i < total; i++) {
		uint8_t want[4096];

		pattern(want, 1000 + i);
		image_read((uint64_t)i * 4096, buf, 4096);
		ck_assert_msg(memcmp(buf, want, 4096) == 0, "write %u lost", i);
	}
	ck_assert_int_eq(
		fake_blkfront_wait_backend(&fb, XenbusStateConnected, 1000), 0);
	fake_blkfront_close(&fb);
}
END_TEST

/* The guest dies with writes in flight: every write acknowledged is in
 * the image, blkback survives and lets go of the device when the
 * toolstack removes it. */
START_TEST(test_guest_destroyed_mid_write)
{
	struct fake_blkfront_opts o = {.image = image};
	static struct fake_blkfront fb;
	struct blkif_response rsp;
	uint32_t sent = 0, done = 0, data;
	struct xylctl *c;
	uint8_t buf[4096], want[4096];
	char be[128];

	ck_assert_int_eq(
		fake_blkfront_connect(&fb, st.hv.rundir, st.domid, 51712, &o),
		0);
	data = fb.next_page;
	while (done < 60) {
		while (sent - done < 16)
			queue_write(&fb, data, sent++, 5000);
		fake_blkfront_push(&fb, 0);
		ck_assert_int_eq(fake_blkfront_response(&fb, 0, &rsp, 10000),
				 0);
		ck_assert_int_eq(rsp.status, BLKIF_RSP_OKAY);
		done++;
	}
	ck_assert_int_eq(xylctl_open(st.hv.rundir, &c), 0);
	ck_assert_int_eq(xylctl_domain_destroy(c, st.domid), 0);
	xylctl_close(c);
	for (uint32_t i = 0; i < done; i++) {
		pattern(want, 5000 + i);
		image_read((uint64_t)i * 4096, buf, 4096);
		ck_assert_msg(memcmp(buf, want, 4096) == 0, "write %u lost", i);
	}
	/* The toolstack removes the device (block_release). */
	snprintf(be, sizeof(be), "/local/domain/0/backend/vbd/%u", st.domid);
	ck_assert(xs_rm(fb.xs, XBT_NULL, be));
	usleep(300000);
	ck_assert_int_eq(kill(st.blk_pid, 0), 0);
	fake_blkfront_close(&fb);
}
END_TEST

static Suite *
blkback_suite(void)
{
	Suite *s = suite_create("blkback");
	TCase *tc = tcase_create("blkback");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_data_path_and_hostile_requests);
	tcase_add_test(tc, test_features);
	tcase_add_test(tc, test_read_only_and_large_sectors);
	tcase_add_test(tc, test_kill9_restart);
	tcase_add_test(tc, test_guest_destroyed_mid_write);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	return suite_main("blkback_test", blkback_suite);
}
