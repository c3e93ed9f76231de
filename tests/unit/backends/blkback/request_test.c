/*
 * tests/unit/backends/blkback/request_test.c: blkback_req_parse, the only
 * reader of a frontend's blkif request: every operation, and every
 * hostile field (segment counts, sector ranges, segments out of the
 * page, overflow, read-only devices, 4096-byte sectors, indirect).
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "blkback.h"

static struct blkback_limits lim;
static union blkback_raw_req raw;
static struct blkback_req req;

static void
setup(void)
{
	lim = (struct blkback_limits){.nr_sectors = 2048,
				      .sector_size = 512,
				      .has_discard = true,
				      .has_indirect = true};
	memset(&raw, 0, sizeof(raw));
	raw.rw.operation = BLKIF_OP_READ;
	raw.rw.nr_segments = 1;
	raw.rw.id = 0x1234;
	raw.rw.sector_number = 8;
	raw.rw.seg[0] = (struct blkif_request_segment){
		.gref = 77, .first_sect = 0, .last_sect = 7};
}

static int
parse(void)
{
	return blkback_req_parse(&raw, &lim, &req);
}

START_TEST(test_read_write)
{
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.op, BLKBACK_OP_READ);
	ck_assert_uint_eq(req.id, 0x1234);
	ck_assert_uint_eq(req.rsp_op, BLKIF_OP_READ);
	ck_assert_uint_eq(req.nr_segs, 1);
	ck_assert_uint_eq(req.segs[0].gref, 77);
	ck_assert_uint_eq(req.segs[0].offset, 0);
	ck_assert_uint_eq(req.segs[0].len, 4096);
	ck_assert_uint_eq(req.nr_sectors, 8);
	raw.rw.operation = BLKIF_OP_WRITE;
	raw.rw.nr_segments = 11;
	for (int i = 0; i < 11; i++)
		raw.rw.seg[i] = (struct blkif_request_segment){
			.gref = (uint32_t)i, .first_sect = 1, .last_sect = 2};
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.op, BLKBACK_OP_WRITE);
	ck_assert_uint_eq(req.segs[3].offset, 512);
	ck_assert_uint_eq(req.segs[3].len, 1024);
	ck_assert_uint_eq(req.nr_sectors, 22);
}
END_TEST

START_TEST(test_bad_segments)
{
	raw.rw.nr_segments = 0;
	ck_assert_int_eq(parse(), -EINVAL);
	ck_assert_uint_eq(req.id, 0x1234); /* still answerable */
	raw.rw.nr_segments = BLKIF_MAX_SEGMENTS_PER_REQUEST + 1;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.nr_segments = 255;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.nr_segments = 1;
	raw.rw.seg[0].first_sect = 3;
	raw.rw.seg[0].last_sect = 2; /* backwards */
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.seg[0].first_sect = 0;
	raw.rw.seg[0].last_sect = 8; /* past the page */
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.seg[0].first_sect = 255;
	raw.rw.seg[0].last_sect = 255;
	ck_assert_int_eq(parse(), -EINVAL);
}
END_TEST

START_TEST(test_ranges)
{
	raw.rw.sector_number = 2040; /* 2040 + 8 = 2048: the last page */
	ck_assert_int_eq(parse(), 0);
	raw.rw.sector_number = 2041;
	ck_assert_int_eq(parse(), -ERANGE);
	raw.rw.sector_number = UINT64_MAX - 3; /* wraps */
	ck_assert_int_eq(parse(), -ERANGE);
	raw.rw.operation = BLKIF_OP_DISCARD;
	raw.discard.sector_number = 0;
	raw.discard.nr_sectors = 2049;
	ck_assert_int_eq(parse(), -ERANGE);
	raw.discard.nr_sectors = UINT64_MAX;
	raw.discard.sector_number = 1;
	ck_assert_int_eq(parse(), -ERANGE);
	raw.discard.sector_number = 0;
	raw.discard.nr_sectors = 2048;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.op, BLKBACK_OP_DISCARD);
}
END_TEST

START_TEST(test_read_only)
{
	lim.is_read_only = true;
	lim.has_discard = false;
	ck_assert_int_eq(parse(), 0); /* reads are fine */
	raw.rw.operation = BLKIF_OP_WRITE;
	ck_assert_int_eq(parse(), -EROFS);
	raw.rw.operation = BLKIF_OP_WRITE_BARRIER;
	ck_assert_int_eq(parse(), -EROFS);
	raw.rw.operation = BLKIF_OP_FLUSH_DISKCACHE; /* with data */
	ck_assert_int_eq(parse(), -EROFS);
	raw.rw.nr_segments = 0; /* a bare flush is harmless */
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.op, BLKBACK_OP_FLUSH);
	raw.rw.operation = BLKIF_OP_DISCARD;
	ck_assert_int_eq(parse(), -EOPNOTSUPP);
	raw.indirect.operation = BLKIF_OP_INDIRECT;
	raw.indirect.indirect_op = BLKIF_OP_WRITE;
	raw.indirect.nr_segments = 1;
	ck_assert_int_eq(parse(), -EROFS);
}
END_TEST

START_TEST(test_ops)
{
	raw.rw.operation = BLKIF_OP_FLUSH_DISKCACHE;
	raw.rw.nr_segments = 0;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.nr_segs, 0);
	raw.rw.operation = BLKIF_OP_WRITE_BARRIER;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.op, BLKBACK_OP_BARRIER);
	raw.rw.operation = BLKIF_OP_RESERVED_1;
	ck_assert_int_eq(parse(), -EOPNOTSUPP);
	raw.rw.operation = 200;
	ck_assert_int_eq(parse(), -EOPNOTSUPP);
	ck_assert_uint_eq(req.rsp_op, 200);
	lim.has_discard = false;
	raw.rw.operation = BLKIF_OP_DISCARD;
	ck_assert_int_eq(parse(), -EOPNOTSUPP);
}
END_TEST

START_TEST(test_large_sectors)
{
	lim.sector_size = 4096;
	ck_assert_int_eq(parse(), 0); /* sector 8, 8 sectors */
	raw.rw.sector_number = 4;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.sector_number = 8;
	raw.rw.seg[0].last_sect = 3; /* half a 4 KiB sector */
	ck_assert_int_eq(parse(), -EINVAL);
	raw.rw.nr_segments = 2; /* two halves make one: fine */
	raw.rw.seg[1] = (struct blkif_request_segment){
		.gref = 5, .first_sect = 4, .last_sect = 7};
	ck_assert_int_eq(parse(), 0);
}
END_TEST

START_TEST(test_indirect)
{
	struct blkif_request_segment segs[BLKBACK_MAX_SEGS];

	raw.indirect.operation = BLKIF_OP_INDIRECT;
	raw.indirect.indirect_op = BLKIF_OP_READ;
	raw.indirect.nr_segments = 100;
	raw.indirect.id = 9;
	raw.indirect.sector_number = 0;
	raw.indirect.indirect_grefs[0] = 500;
	ck_assert_int_eq(parse(), 0);
	ck_assert_uint_eq(req.nr_indirect, 1);
	ck_assert_uint_eq(req.indirect_grefs[0], 500);
	ck_assert_uint_eq(req.rsp_op, BLKIF_OP_READ); /* echoed inner op */
	ck_assert_uint_eq(req.id, 9);
	for (int i = 0; i < 100; i++)
		segs[i] = (struct blkif_request_segment){.gref = 1000u +
								 (uint32_t)i,
							 .first_sect = 0,
							 .last_sect = 7};
	ck_assert_int_eq(blkback_req_parse_segs(segs, 100, &lim, &req), 0);
	ck_assert_uint_eq(req.nr_sectors, 800);
	ck_assert_uint_eq(req.nr_indirect, 0);
	/* 300 sectors past the end of a 512-sector disk. */
	lim.nr_sectors = 512;
	ck_assert_int_eq(parse(), 0);
	ck_assert_int_eq(blkback_req_parse_segs(segs, 100, &lim, &req),
			 -ERANGE);
	segs[50].last_sect = 9;
	lim.nr_sectors = 2048;
	ck_assert_int_eq(blkback_req_parse_segs(segs, 100, &lim, &req),
			 -EINVAL);
	ck_assert_int_eq(
		blkback_req_parse_segs(segs, BLKBACK_MAX_SEGS + 1, &lim, &req),
		-EINVAL);
	raw.indirect.nr_segments = 0;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.indirect.nr_segments = BLKBACK_MAX_INDIRECT_SEGS + 1;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.indirect.nr_segments = 0xffff;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.indirect.nr_segments = 4;
	raw.indirect.indirect_op = BLKIF_OP_DISCARD;
	ck_assert_int_eq(parse(), -EINVAL);
	raw.indirect.indirect_op = BLKIF_OP_INDIRECT;
	ck_assert_int_eq(parse(), -EINVAL);
	lim.has_indirect = false;
	raw.indirect.indirect_op = BLKIF_OP_READ;
	ck_assert_int_eq(parse(), -EOPNOTSUPP);
}
END_TEST

static Suite *
request_suite(void)
{
	Suite *s = suite_create("blkback_request");
	TCase *tc = tcase_create("parse");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_read_write);
	tcase_add_test(tc, test_bad_segments);
	tcase_add_test(tc, test_ranges);
	tcase_add_test(tc, test_read_only);
	tcase_add_test(tc, test_ops);
	tcase_add_test(tc, test_large_sectors);
	tcase_add_test(tc, test_indirect);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(request_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
