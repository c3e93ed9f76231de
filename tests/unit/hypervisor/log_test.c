/*
 * tests/unit/hypervisor/log_test.c: the byte rings behind dmesg and the
 * console (log.c), the per-domain limiter of guest-triggered lines, and
 * the main loop's add/del/dispatch rules (loop.c).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "domain.h"
#include "hv.h"
#include "log.h"
#include "loop.h"

START_TEST(test_logring_wrap)
{
	struct logring r;
	char out[64];
	uint64_t start, next;

	ck_assert_int_eq(logring_init(&r, 100), -EINVAL); /* not 2^n */
	ck_assert_int_eq(logring_init(&r, 16), 0);
	logring_write(&r, "0123456789", 10);
	ck_assert_uint_eq(logring_read(&r, 0, out, sizeof(out), &start, &next),
			  10);
	ck_assert_uint_eq(next, 10);
	logring_write(&r, "abcdefghij", 10); /* 20 bytes: 4 dropped */
	size_t n = logring_read(&r, 0, out, sizeof(out), &start, &next);
	ck_assert_uint_eq(start, 4);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(memcmp(out, "456789abcdefghij", 16), 0);
	/* Reading past the head gives nothing; small caps are honoured. */
	ck_assert_uint_eq(logring_read(&r, 99, out, 8, &start, &next), 0);
	ck_assert_uint_eq(logring_read(&r, 10, out, 3, &start, &next), 3);
	ck_assert_int_eq(memcmp(out, "abc", 3), 0);
	ck_assert_uint_eq(next, 13);
	/* A write larger than the ring keeps its tail. */
	logring_write(&r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 26);
	n = logring_read(&r, 0, out, sizeof(out), &start, &next);
	ck_assert_uint_eq(n, 16);
	ck_assert_int_eq(memcmp(out, "KLMNOPQRSTUVWXYZ", 16), 0);
	logring_clear(&r);
	ck_assert_uint_eq(logring_read(&r, next, out, 8, &start, &next), 0);
	logring_fini(&r);
}
END_TEST

START_TEST(test_guest_lines_are_limited)
{
	struct hv *hv = calloc(1, sizeof(*hv));
	struct domain *d = calloc(1, sizeof(*d));
	char out[8192];
	uint64_t start, next;

	ck_assert_int_eq(logring_init(&hv->dmesg, 8192), 0);
	d->hv = hv;
	d->domid = 3;
	log_set_level(-1); /* keep stderr quiet */
	for (int i = 0; i < 100; i++)
		log_guest(d, LOG_WARN, "bad call %d", i);
	size_t n = logring_read(&hv->dmesg, 0, out, sizeof(out) - 1, &start,
				&next);
	out[n] = 0;
	ck_assert_ptr_nonnull(strstr(out, "dom 3: bad call 0"));
	ck_assert_ptr_null(strstr(out, "bad call 99"));
	ck_assert_int_eq(d->ratelimit.suppressed, 95);
	logring_fini(&hv->dmesg);
	free(d);
	free(hv);
}
END_TEST

struct loop_probe {
	struct loop *l;
	int fd;
	int calls;
	bool del_self;
};

static void
loop_probe_cb(void *arg, uint32_t events)
{
	struct loop_probe *p = arg;
	uint64_t v;

	(void)events;
	ck_assert_int_eq(read(p->fd, &v, sizeof(v)), sizeof(v));
	p->calls++;
	if (p->del_self)
		ck_assert_int_eq(loop_del(p->l, p->fd), 0);
	loop_stop(p->l);
}

START_TEST(test_loop_dispatch_and_del)
{
	struct loop l;
	struct loop_probe a = {&l, eventfd(1, EFD_NONBLOCK), 0, true};
	struct loop_probe b = {&l, eventfd(0, EFD_NONBLOCK), 0, false};
	uint64_t one = 1;

	ck_assert_int_eq(loop_init(&l), 0);
	ck_assert_int_eq(loop_add(&l, a.fd, EPOLLIN, loop_probe_cb, &a), 0);
	ck_assert_int_eq(loop_add(&l, b.fd, EPOLLIN, loop_probe_cb, &b), 0);
	ck_assert_int_eq(loop_add(&l, -1, EPOLLIN, loop_probe_cb, &b), -EBADF);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(a.calls, 1);
	/* a removed itself; b was deleted before its event: no callback. */
	ck_assert_int_eq(loop_del(&l, a.fd), -ENOENT);
	ck_assert_int_eq(loop_del(&l, b.fd), 0);
	ck_assert_int_eq(write(b.fd, &one, sizeof(one)), sizeof(one));
	l.stop = false;
	loop_stop(&l);
	ck_assert_int_eq(loop_run(&l), 0);
	ck_assert_int_eq(b.calls, 0);
	loop_fini(&l);
	close(a.fd);
	close(b.fd);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("log");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_logring_wrap);
	tcase_add_test(tc, test_guest_lines_are_limited);
	tcase_add_test(tc, test_loop_dispatch_and_del);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
