/*
 * tests/unit/dom0-tools/sharedtimer/tick_test.c: the shared-timer seqlock
 * (dom0-tools/sharedtimer/tick.c as writer; libxylemctl's
 * xylctl_stimer_read, the backends' reader, and the guest kernel's
 * gk_stimer_read_page as readers): a writer at full speed never lets a
 * reader see a torn (tick, ns) pair; hostile pages (no magic, a writer
 * that died mid-update) give bounded errors.
 */
#include <check.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "gk/stimer.h"
#include "sharedtimer.h"

#define STRESS_MS 1500

/* The writer keeps ns = tick * 3 + 5, so any torn pair shows. */
#define NS_OF(t) ((t)*3 + 5)

struct stress {
	struct xyl_stimer_page page __attribute__((aligned(4096)));
	volatile int stop;
	uint64_t writes;
};

static void *
writer(void *arg)
{
	struct stress *s = arg;
	uint64_t t = 1;

	while (!s->stop) {
		/* tick and ns change together: high and low halves of both
		 * flip, so a half-written 64-bit field would show too. */
		sharedtimer_page_publish(&s->page, t, NS_OF(t));
		t = t * 6364136223846793005ull + 1442695040888963407ull;
		t >>= 2; /* keep NS_OF from wrapping */
		s->writes++;
	}
	return NULL;
}

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A reader under test: 0, -EAGAIN (gave up: allowed, counted) or an
 * error. */
typedef int stimer_reader_fn(volatile const struct xyl_stimer_page *pg,
			     uint64_t *tick, uint64_t *ns);

static int
dom0_reader(volatile const struct xyl_stimer_page *pg, uint64_t *tick,
	    uint64_t *ns)
{
	struct xylctl_stimer r = {.page = (void *)pg};

	return xylctl_stimer_read(&r, tick, ns);
}

/* Race reader against the real writer at full speed for STRESS_MS. */
static void
stress(const char *who, stimer_reader_fn *reader)
{
	struct stress *s = aligned_alloc(4096, sizeof(*s));
	uint64_t tick, ns, reads = 0, retries_failed = 0, end;
	pthread_t th;

	ck_assert_ptr_nonnull(s);
	memset(s, 0, sizeof(*s));
	sharedtimer_page_publish(&s->page, 1, NS_OF(1));
	sharedtimer_page_init(&s->page, 1000000);
	ck_assert_int_eq(pthread_create(&th, NULL, writer, s), 0);
	end = now_ms() + STRESS_MS;
	while (now_ms() < end) {
		for (int i = 0; i < 10000; i++) {
			int rc = reader(&s->page, &tick, &ns);

			if (rc == -EAGAIN) {
				retries_failed++;
				continue;
			}
			ck_assert_int_eq(rc, 0);
			ck_assert_msg(ns == NS_OF(tick),
				      "%s: torn read: tick %llu ns %llu", who,
				      (unsigned long long)tick,
				      (unsigned long long)ns);
			reads++;
		}
	}
	s->stop = 1;
	pthread_join(th, NULL);
	printf("tick_test: %s: %llu consistent reads against %llu writes, "
	       "%llu reads gave up\n",
	       who, (unsigned long long)reads, (unsigned long long)s->writes,
	       (unsigned long long)retries_failed);
	ck_assert_uint_gt(reads, 1000);
	ck_assert_uint_gt(s->writes, 1000);
	free(s);
}

START_TEST(stress_no_torn_reads)
{
	stress("dom0 reader", dom0_reader);
}
END_TEST

START_TEST(stress_guest_reader_no_torn_reads)
{
	stress("guest reader", gk_stimer_read_page);
}
END_TEST

START_TEST(guest_reader_hostile_pages)
{
	static struct xyl_stimer_page pg;
	uint64_t t, n;

	memset(&pg, 0, sizeof(pg));
	ck_assert_int_eq(gk_stimer_read_page(&pg, &t, &n), -ENODEV);
	sharedtimer_page_init(&pg, 1000);
	sharedtimer_page_publish(&pg, 7, 70);
	ck_assert_int_eq(gk_stimer_read_page(&pg, &t, &n), 0);
	ck_assert_uint_eq(t, 7);
	ck_assert_uint_eq(n, 70);
	pg.seq = 41; /* the writer died between its stores */
	ck_assert_int_eq(gk_stimer_read_page(&pg, &t, &n), -EAGAIN);
}
END_TEST

START_TEST(no_magic_is_enodev)
{
	static struct xyl_stimer_page pg;
	struct xylctl_stimer r = {.page = &pg};
	struct xylctl_stimer none = {0};
	uint64_t t, n;

	memset(&pg, 0, sizeof(pg));
	ck_assert_int_eq(xylctl_stimer_read(&r, &t, &n), -ENODEV);
	ck_assert_int_eq(xylctl_stimer_read(&none, &t, &n), -ENODEV);
	ck_assert_uint_eq(xylctl_stimer_tick(&r), 0);
	sharedtimer_page_publish(&pg, 7, 70);
	sharedtimer_page_init(&pg, 1000);
	ck_assert_int_eq(xylctl_stimer_read(&r, &t, &n), 0);
	ck_assert_uint_eq(t, 7);
	ck_assert_uint_eq(n, 70);
	ck_assert_uint_eq(xylctl_stimer_tick(&r), 7);
	ck_assert_uint_eq(pg.period_ns, 1000);
	ck_assert_uint_eq(pg.state, XYL_STIMER_RUNNING);
	sharedtimer_page_stop(&pg);
	ck_assert_uint_eq(pg.state, XYL_STIMER_STOPPED);
}
END_TEST

START_TEST(dead_writer_mid_update_is_bounded)
{
	static struct xyl_stimer_page pg;
	struct xylctl_stimer r = {.page = &pg};
	uint64_t t, n;

	memset(&pg, 0, sizeof(pg));
	sharedtimer_page_init(&pg, 1000);
	pg.seq = 41; /* odd for ever: the writer died between its stores */
	ck_assert_int_eq(xylctl_stimer_read(&r, &t, &n), -EAGAIN);
	/* The tick alone is still one atomic load. */
	pg.tick = 9;
	ck_assert_uint_eq(xylctl_stimer_tick(&r), 9);
}
END_TEST

START_TEST(publish_keeps_seq_even)
{
	static struct xyl_stimer_page pg;

	memset(&pg, 0, sizeof(pg));
	for (uint64_t i = 1; i <= 5; i++)
		sharedtimer_page_publish(&pg, i, i);
	ck_assert_uint_eq(pg.seq, 10);
	pg.seq = UINT32_MAX - 1; /* wraps through odd to even */
	sharedtimer_page_publish(&pg, 6, 6);
	ck_assert_uint_eq(pg.seq, 0);
}
END_TEST

static Suite *
tick_suite(void)
{
	Suite *s = suite_create("sharedtimer_tick");
	TCase *tc = tcase_create("seqlock");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, stress_no_torn_reads);
	tcase_add_test(tc, stress_guest_reader_no_torn_reads);
	tcase_add_test(tc, guest_reader_hostile_pages);
	tcase_add_test(tc, no_magic_is_enodev);
	tcase_add_test(tc, dead_writer_mid_update_is_bounded);
	tcase_add_test(tc, publish_keeps_seq_even);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(tick_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
