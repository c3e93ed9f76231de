/*
 * tests/unit/frontends/kernel/xenbus_wire_test.c: the guest's xenstore wire
 * unit (frontends/kernel/xenbus_wire.c) on an in-memory ring page: request
 * encoding, ring wrap in both directions, reply reassembly, error names,
 * watch events, and a hostile daemon (broken indices, oversized lengths,
 * unterminated strings).
 */
#include <check.h>
#include <stdlib.h>

#include "gk/xenbus.h"

static struct xenstore_domain_interface ring;

static void
setup(void)
{
	memset(&ring, 0, sizeof(ring));
}

/* The daemon's side: append bytes to rsp[]. */
static void
daemon_put(const void *buf, uint32_t len)
{
	const char *p = buf;

	for (uint32_t i = 0; i < len; i++)
		ring.rsp[MASK_XENSTORE_IDX(ring.rsp_prod + i)] = p[i];
	ring.rsp_prod += len;
}

static void
daemon_reply(uint32_t type, uint32_t req_id, const void *body, uint32_t len)
{
	struct xsd_sockmsg h = {
		.type = type, .req_id = req_id, .tx_id = 0, .len = len};

	daemon_put(&h, sizeof(h));
	daemon_put(body, len);
}

START_TEST(test_build)
{
	static struct xenbus_msg m;
	const char *strs[] = {"data/a", "tok"};
	char big[XENSTORE_PAYLOAD_MAX + 10];

	ck_assert_int_eq(xenbus_msg_build(&m, XS_WATCH, 7, 3, strs, 2, NULL, 0),
			 0);
	ck_assert_uint_eq(m.hdr.type, XS_WATCH);
	ck_assert_uint_eq(m.hdr.req_id, 7);
	ck_assert_uint_eq(m.hdr.tx_id, 3);
	ck_assert_uint_eq(m.hdr.len, 11);
	ck_assert_mem_eq(m.body, "data/a\0tok\0", 11);
	ck_assert_uint_eq(xenbus_msg_size(&m), 16 + 11);
	/* WRITE: path with NUL, value without. */
	ck_assert_int_eq(xenbus_msg_build(&m, XS_WRITE, 1, 0, strs, 1, "v1", 2),
			 0);
	ck_assert_uint_eq(m.hdr.len, 9);
	ck_assert_mem_eq(m.body, "data/a\0v1", 9);
	/* Too long: refused, never cut. */
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	strs[0] = big;
	ck_assert_int_eq(xenbus_msg_build(&m, XS_READ, 1, 0, strs, 1, NULL, 0),
			 -E2BIG);
	big[XENSTORE_PAYLOAD_MAX - 1] = '\0'; /* 4095 + NUL = 4096: fits */
	ck_assert_int_eq(xenbus_msg_build(&m, XS_READ, 1, 0, strs, 1, NULL, 0),
			 0);
	ck_assert_int_eq(xenbus_msg_build(&m, XS_WRITE, 1, 0, strs, 1, "v", 1),
			 -E2BIG);
	strs[0] = NULL;
	ck_assert_int_eq(xenbus_msg_build(&m, XS_READ, 1, 0, strs, 1, NULL, 0),
			 -EINVAL);
}
END_TEST

START_TEST(test_ring_put_wraps)
{
	char buf[700], out[1400];

	memset(buf, 'a', sizeof(buf));
	ring.req_prod = ring.req_cons = 0xfffffe00u; /* indices wrap too */
	ck_assert_int_eq(xenbus_ring_put(&ring, buf, sizeof(buf)), 700);
	memset(buf, 'b', sizeof(buf));
	/* Only 324 bytes of room left. */
	ck_assert_int_eq(xenbus_ring_put(&ring, buf, sizeof(buf)), 324);
	ck_assert_int_eq(xenbus_ring_put(&ring, buf, sizeof(buf)), 0);
	ck_assert_uint_eq(ring.req_prod - ring.req_cons, XENSTORE_RING_SIZE);
	/* The daemon consumes 600; 376 more fit, across the ring's end. */
	ring.req_cons += 600;
	ck_assert_int_eq(xenbus_ring_put(&ring, buf, sizeof(buf)), 600);
	for (uint32_t i = 0; i < 1024; i++)
		out[i] = ring.req[MASK_XENSTORE_IDX(ring.req_cons + i)];
	ck_assert_int_eq(out[0], 'a');
	ck_assert_int_eq(out[99], 'a');
	ck_assert_int_eq(out[100], 'b');
	ck_assert_int_eq(out[1023], 'b');
}
END_TEST

START_TEST(test_ring_put_hostile_cons)
{
	ring.req_prod = 10;
	ring.req_cons = 2000; /* "consumed" more than we produced */
	ck_assert_int_eq(xenbus_ring_put(&ring, "x", 1), -EIO);
	ring.req_cons = 10 - 1025; /* more than a ring behind */
	ck_assert_int_eq(xenbus_ring_put(&ring, "x", 1), -EIO);
}
END_TEST

START_TEST(test_rx_whole_and_split)
{
	static struct xenbus_rx rx;

	xenbus_rx_reset(&rx);
	ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 0);
	daemon_reply(XS_READ, 5, "value", 5);
	ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 1);
	ck_assert_uint_eq(rx.msg.hdr.req_id, 5);
	ck_assert_uint_eq(rx.msg.hdr.len, 5);
	ck_assert_str_eq(rx.msg.body, "value");
	ck_assert_uint_eq(ring.rsp_cons, ring.rsp_prod);
	ck_assert_int_eq(xenbus_reply_status(&rx.msg, XS_READ), 0);
	ck_assert_int_eq(xenbus_reply_status(&rx.msg, XS_WRITE), -EIO);

	/* A reply trickling in: header in two parts, body in two. */
	xenbus_rx_reset(&rx);
	{
		struct xsd_sockmsg h = {
			.type = XS_DIRECTORY, .req_id = 6, .len = 4};
		daemon_put(&h, 10);
		ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 0);
		daemon_put((char *)&h + 10, 6);
		ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 0);
		daemon_put("a\0", 2);
		ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 0);
		daemon_put("b\0", 2);
		ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), 1);
		ck_assert_mem_eq(rx.msg.body, "a\0b\0", 4);
	}
}
END_TEST

START_TEST(test_rx_big_reply_wraps)
{
	static struct xenbus_rx rx;
	static char body[3000];
	int r;

	ring.rsp_prod = ring.rsp_cons = 0xffffff00u;
	for (unsigned int i = 0; i < sizeof(body); i++)
		body[i] = (char)('A' + i % 26);
	xenbus_rx_reset(&rx);
	/* The daemon writes as space allows; we pull as it comes. */
	{
		struct xsd_sockmsg h = {
			.type = XS_READ, .req_id = 1, .len = sizeof(body)};
		daemon_put(&h, sizeof(h));
	}
	for (unsigned int off = 0; off < sizeof(body);) {
		uint32_t room =
			XENSTORE_RING_SIZE - (ring.rsp_prod - ring.rsp_cons);
		uint32_t n =
			sizeof(body) - off < room ? sizeof(body) - off : room;

		daemon_put(body + off, n);
		off += n;
		r = xenbus_rx_pull(&rx, &ring);
		ck_assert_int_eq(r, off == sizeof(body) ? 1 : 0);
	}
	ck_assert_mem_eq(rx.msg.body, body, sizeof(body));
	ck_assert_int_eq(rx.msg.body[sizeof(body)], '\0');
}
END_TEST

START_TEST(test_rx_hostile)
{
	static struct xenbus_rx rx;
	struct xsd_sockmsg h = {
		.type = XS_READ, .req_id = 1, .len = XENSTORE_PAYLOAD_MAX + 1};

	xenbus_rx_reset(&rx);
	daemon_put(&h, sizeof(h));
	ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), -E2BIG);

	setup();
	xenbus_rx_reset(&rx);
	ring.rsp_prod = 5000; /* more than a ring ahead of rsp_cons */
	ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), -EIO);
	ring.rsp_cons = 6000; /* producer behind the consumer */
	ck_assert_int_eq(xenbus_rx_pull(&rx, &ring), -EIO);
	ck_assert_uint_eq(ring.rsp_cons, 6000); /* nothing consumed */
}
END_TEST

START_TEST(test_errors)
{
	static struct xenbus_msg m;

	ck_assert_int_eq(xenbus_error_parse("ENOENT", 7), -ENOENT);
	ck_assert_int_eq(xenbus_error_parse("EACCES", 6), -EACCES);
	ck_assert_int_eq(xenbus_error_parse("EAGAIN", 7), -EAGAIN);
	ck_assert_int_eq(xenbus_error_parse("EPERM", 6), -EPERM);
	ck_assert_int_eq(xenbus_error_parse("EWHAT", 6), -EINVAL);
	ck_assert_int_eq(xenbus_error_parse("ENOENTX", 7), -EINVAL);
	ck_assert_int_eq(xenbus_error_parse("ENOENT", 3), -EINVAL);
	ck_assert_int_eq(xenbus_error_parse("", 0), -EINVAL);
	m.hdr = (struct xsd_sockmsg){.type = XS_ERROR, .len = 7};
	memcpy(m.body, "EEXIST", 7);
	ck_assert_int_eq(xenbus_reply_status(&m, XS_WATCH), -EEXIST);
}
END_TEST

START_TEST(test_strings_and_events)
{
	static struct xenbus_msg m;
	const char *s, *path, *token;
	uint32_t off = 0;

	ck_assert_int_eq(xenbus_strings_next("ab\0c\0", 5, &off, &s), 1);
	ck_assert_str_eq(s, "ab");
	ck_assert_int_eq(xenbus_strings_next("ab\0c\0", 5, &off, &s), 1);
	ck_assert_str_eq(s, "c");
	ck_assert_int_eq(xenbus_strings_next("ab\0c\0", 5, &off, &s), 0);
	off = 0;
	ck_assert_int_eq(xenbus_strings_next("ab\0cd", 5, &off, &s), 1);
	ck_assert_int_eq(xenbus_strings_next("ab\0cd", 5, &off, &s), -EIO);

	m.hdr = (struct xsd_sockmsg){.type = XS_WATCH_EVENT, .len = 9};
	memcpy(m.body, "a/b\0tok\0", 9);
	m.hdr.len = 8;
	ck_assert_int_eq(xenbus_watch_event_parse(&m, &path, &token), 0);
	ck_assert_str_eq(path, "a/b");
	ck_assert_str_eq(token, "tok");
	m.hdr.len = 7; /* token unterminated within len */
	ck_assert_int_eq(xenbus_watch_event_parse(&m, &path, &token), -EIO);
	m.hdr.len = 4; /* no token */
	ck_assert_int_eq(xenbus_watch_event_parse(&m, &path, &token), -EIO);
	m.hdr.type = XS_READ;
	m.hdr.len = 8;
	ck_assert_int_eq(xenbus_watch_event_parse(&m, &path, &token), -EIO);
}
END_TEST

START_TEST(test_u32)
{
	uint32_t v = 0;

	ck_assert_int_eq(xenbus_u32_parse("0", &v), 0);
	ck_assert_uint_eq(v, 0);
	ck_assert_int_eq(xenbus_u32_parse("4294967295", &v), 0);
	ck_assert_uint_eq(v, 4294967295u);
	ck_assert_int_eq(xenbus_u32_parse("4294967296", &v), -EINVAL);
	ck_assert_int_eq(xenbus_u32_parse("99999999999999999999999", &v),
			 -EINVAL);
	ck_assert_int_eq(xenbus_u32_parse("", &v), -EINVAL);
	ck_assert_int_eq(xenbus_u32_parse("12a", &v), -EINVAL);
	ck_assert_int_eq(xenbus_u32_parse("-1", &v), -EINVAL);
}
END_TEST

static Suite *
xenbus_wire_suite(void)
{
	Suite *s = suite_create("gk_xenbus_wire");
	TCase *tc = tcase_create("wire");

	tcase_add_checked_fixture(tc, setup, NULL);
	tcase_add_test(tc, test_build);
	tcase_add_test(tc, test_ring_put_wraps);
	tcase_add_test(tc, test_ring_put_hostile_cons);
	tcase_add_test(tc, test_rx_whole_and_split);
	tcase_add_test(tc, test_rx_big_reply_wraps);
	tcase_add_test(tc, test_rx_hostile);
	tcase_add_test(tc, test_errors);
	tcase_add_test(tc, test_strings_and_events);
	tcase_add_test(tc, test_u32);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(xenbus_wire_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
