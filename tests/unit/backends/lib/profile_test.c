/*
 * tests/unit/backends/lib/profile_test.c: backends/lib/profile.c: the
 * backend's stamps stay inside the slots it checked, a frontend's
 * histograms are only taken when consistent, and the counter file reads
 * back; plus the shared bucket rule of include/xylem/profile.h.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "profile.h"
#include "stats.h"

static struct xyl_profile_area area __attribute__((aligned(4096)));
static struct xyl_stimer_page timer_page;

static void
attach_fake(struct be_profile *p, struct xylctl_stimer *t, uint16_t nr)
{
	memset(&area, 0, sizeof(area));
	memset(&timer_page, 0, sizeof(timer_page));
	timer_page.magic = XYL_STIMER_MAGIC;
	timer_page.tick = 1234;
	t->page = &timer_page;
	memset(p, 0, sizeof(*p));
	/* What be_profile_attach leaves after its checks (the grant part
	 * is be_grant's and tested there). */
	p->area = &area;
	p->nr_slots = nr;
	p->timer = t;
}

START_TEST(bucket_rule)
{
	ck_assert_uint_eq(xyl_profile_bucket(0), 0);
	ck_assert_uint_eq(xyl_profile_bucket(1), 1);
	ck_assert_uint_eq(xyl_profile_bucket(2), 2);
	ck_assert_uint_eq(xyl_profile_bucket(3), 2);
	ck_assert_uint_eq(xyl_profile_bucket(4), 3);
	ck_assert_uint_eq(xyl_profile_bucket((1u << 13)), 14);
	ck_assert_uint_eq(xyl_profile_bucket((1u << 14) - 1), 14);
	ck_assert_uint_eq(xyl_profile_bucket(1u << 14), 15);
	ck_assert_uint_eq(xyl_profile_bucket(UINT64_MAX), 15);
}
END_TEST

START_TEST(stamps_stay_in_bounds)
{
	struct xylctl_stimer t;
	struct be_profile p;

	attach_fake(&p, &t, 8);
	be_profile_stamp(&p, 3, XYL_PROFILE_PICKUP);
	be_profile_stamp(&p, 3, XYL_PROFILE_COMPLETE);
	ck_assert_uint_eq(area.slot[3].stamp[XYL_PROFILE_PICKUP], 1234);
	ck_assert_uint_eq(area.slot[3].stamp[XYL_PROFILE_COMPLETE], 1234);
	/* Frontend stages are not ours; slots past nr_slots are ignored
	 * even if the frontend later rewrites its header. */
	be_profile_stamp(&p, 3, XYL_PROFILE_SUBMIT);
	be_profile_stamp(&p, 3, XYL_PROFILE_RESPONSE);
	area.nr_slots = XYL_PROFILE_MAX_SLOTS;
	be_profile_stamp(&p, 8, XYL_PROFILE_PICKUP);
	be_profile_stamp(&p, UINT32_MAX, XYL_PROFILE_PICKUP);
	be_profile_stamp(&p, 1, 99);
	ck_assert_uint_eq(area.slot[3].stamp[XYL_PROFILE_SUBMIT], 0);
	ck_assert_uint_eq(area.slot[3].stamp[XYL_PROFILE_RESPONSE], 0);
	ck_assert_uint_eq(area.slot[8].stamp[XYL_PROFILE_PICKUP], 0);
	ck_assert_uint_eq(area.slot[1].stamp[XYL_PROFILE_PICKUP], 0);
	ck_assert_uint_eq(p.stamps, 2);
}
END_TEST

START_TEST(off_is_a_noop)
{
	struct be_profile p = {0};
	struct be_profile_snap s;

	be_profile_stamp(&p, 0, XYL_PROFILE_PICKUP);
	ck_assert_int_eq(be_profile_snapshot(&p, &s), -ENODEV);
	ck_assert_int_eq(be_profile_attach(&p, NULL, 1, NULL), -ENODEV);
}
END_TEST

START_TEST(snapshot_checks_consistency)
{
	struct xylctl_stimer t;
	struct be_profile p;
	struct be_profile_snap s;

	attach_fake(&p, &t, 8);
	area.period_ns = 1000000;
	area.nr_counted = 3;
	area.own_e2e_ns = 4500000;
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		area.hist[i].bucket[1] = 2;
		area.hist[i].bucket[2] = 1;
		area.hist[i].sum_ticks = 4;
		area.hist[i].max_ticks = 2;
	}
	ck_assert_int_eq(be_profile_snapshot(&p, &s), 0);
	ck_assert_uint_eq(s.nr_counted, 3);
	ck_assert_uint_eq(s.hist[XYL_PROFILE_END_TO_END].sum_ticks, 4);
	/* A lying (or mid-update) frontend: buckets do not add up. */
	area.hist[XYL_PROFILE_SERVICE].bucket[9] = 5;
	ck_assert_int_eq(be_profile_snapshot(&p, &s), -EAGAIN);
}
END_TEST

START_TEST(counter_file_round_trip)
{
	struct xylctl_stimer t;
	struct be_profile p;
	struct be_profile_snap s;
	char path[] = "/tmp/be_profile_testXXXXXX";
	uint64_t v;
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	close(fd);
	attach_fake(&p, &t, 8);
	area.period_ns = 250000;
	area.nr_counted = 1;
	area.hist[XYL_PROFILE_END_TO_END].bucket[3] = 1;
	area.hist[XYL_PROFILE_END_TO_END].sum_ticks = 5;
	for (unsigned i = 0; i < XYL_PROFILE_END_TO_END; i++)
		area.hist[i].bucket[0] = 1;
	ck_assert_int_eq(be_profile_snapshot(&p, &s), 0);
	ck_assert_int_eq(be_profile_write(path, &s), 0);
	ck_assert_int_eq(be_stats_read(path, "period_ns", &v), 0);
	ck_assert_uint_eq(v, 250000);
	ck_assert_int_eq(be_stats_read(path, "e2e_sum", &v), 0);
	ck_assert_uint_eq(v, 5);
	ck_assert_int_eq(be_stats_read(path, "e2e_b3", &v), 0);
	ck_assert_uint_eq(v, 1);
	ck_assert_int_eq(be_stats_read(path, "queue_wait_b0", &v), 0);
	ck_assert_uint_eq(v, 1);
	unlink(path);
}
END_TEST

static Suite *
profile_suite(void)
{
	Suite *s = suite_create("be_profile");
	TCase *tc = tcase_create("profile");

	tcase_add_test(tc, bucket_rule);
	tcase_add_test(tc, stamps_stay_in_bounds);
	tcase_add_test(tc, off_is_a_noop);
	tcase_add_test(tc, snapshot_checks_consistency);
	tcase_add_test(tc, counter_file_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(profile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
