/*
 * tests/unit/dom0-tools/xenstored/wire_test.c: the wire parser
 * (dom0-tools/xenstored/wire.c): framing, each type's payload shape,
 * error names; hostile headers and payloads, plus random and bit-flipped
 * messages that must never crash it.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "wire.h"

static struct store_req req;
static uint8_t msg[STORE_WIRE_MAX + 64];

static size_t
mk(uint32_t type, uint32_t tx, const void *body, uint32_t len)
{
	store_wire_header(msg, type, 7, tx, len);
	memcpy(msg + STORE_WIRE_HDR, body, len);
	return STORE_WIRE_HDR + len;
}

START_TEST(test_frame)
{
	size_t n = mk(XS_READ, 0, "/a", 3);

	ck_assert_int_eq(store_wire_frame(msg, 0), 0);
	ck_assert_int_eq(store_wire_frame(msg, 15), 0);
	ck_assert_int_eq(store_wire_frame(msg, n - 1), 0);
	ck_assert_int_eq(store_wire_frame(msg, n), (int)n);
	ck_assert_int_eq(store_wire_frame(msg, n + 10), (int)n);
	store_wire_header(msg, XS_READ, 0, 0, XENSTORE_PAYLOAD_MAX + 1);
	ck_assert_int_eq(store_wire_frame(msg, 16), -EPROTO);
	store_wire_header(msg, XS_READ, 0, 0, 0xffffffffu);
	ck_assert_int_eq(store_wire_frame(msg, 16), -EPROTO);
}
END_TEST

START_TEST(test_read)
{
	size_t n = mk(XS_READ, 3, "/a/b", 5);

	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(req.type, XS_READ);
	ck_assert_uint_eq(req.req_id, 7);
	ck_assert_uint_eq(req.tx_id, 3);
	ck_assert_uint_eq(req.nr_args, 1);
	ck_assert_str_eq(req.args[0], "/a/b");
	/* missing NUL, two strings, empty */
	n = mk(XS_READ, 0, "/a/b", 4);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
	ck_assert_uint_eq(req.req_id, 7); /* echoed in the error */
	n = mk(XS_READ, 0, "/a\0/b", 6);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
	n = mk(XS_READ, 0, "", 0);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
}
END_TEST

START_TEST(test_write_value)
{
	size_t n = mk(XS_WRITE, 0, "/k\0v\0al", 7);

	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_str_eq(req.args[0], "/k");
	ck_assert_uint_eq(req.value_len, 4);
	ck_assert_mem_eq(req.value, "v\0al", 4);
	n = mk(XS_WRITE, 0, "/k\0", 3);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(req.value_len, 0);
	n = mk(XS_WRITE, 0, "/k", 2); /* no NUL after the path */
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
}
END_TEST

START_TEST(test_shapes)
{
	size_t n;

	n = mk(XS_WATCH, 0, "/p\0tok\0", 7);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(req.nr_args, 2);
	ck_assert_str_eq(req.args[1], "tok");
	n = mk(XS_WATCH, 0, "/p\0", 3);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
	n = mk(XS_INTRODUCE, 0, "5\0001044544\0003\0", 12);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(req.nr_args, 3);
	n = mk(XS_INTRODUCE, 0, "5\0001\0", 4);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
	n = mk(XS_TRANSACTION_START, 0, "", 1);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	n = mk(XS_SET_PERMS, 0, "/p\0n0\0r5\0", 9);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(req.nr_args, 3);
	n = mk(XS_SET_PERMS, 0, "/p\0", 3);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
}
END_TEST

START_TEST(test_types)
{
	size_t n = mk(XS_WATCH_EVENT, 0, "/p\0t\0", 5);

	ck_assert_int_eq(store_wire_parse(msg, n, &req), -ENOSYS);
	n = mk(XS_ERROR, 0, "EINVAL", 7);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -ENOSYS);
	n = mk(20, 0, "", 0); /* the removed XS_RESTRICT */
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -ENOSYS);
	n = mk(XS_TYPE_COUNT, 0, "", 0);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -ENOSYS);
	n = mk(0xffffffffu, 0, "", 0);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -ENOSYS);
	/* size disagreeing with the header */
	n = mk(XS_READ, 0, "/a", 3);
	ck_assert_int_eq(store_wire_parse(msg, n - 1, &req), -EPROTO);
	ck_assert_int_eq(store_wire_parse(msg, 4, &req), -EPROTO);
}
END_TEST

START_TEST(test_max_payload)
{
	static char body[XENSTORE_PAYLOAD_MAX];
	size_t n;

	memset(body, 'a', sizeof(body));
	body[0] = '/';
	body[sizeof(body) - 1] = '\0';
	n = mk(XS_READ, 0, body, sizeof(body));
	ck_assert_int_eq(store_wire_parse(msg, n, &req), 0);
	ck_assert_uint_eq(strlen(req.args[0]), XENSTORE_PAYLOAD_MAX - 1);
	/* SET_PERMS with more strings than the daemon takes */
	memset(body, 0, sizeof(body));
	n = mk(XS_SET_PERMS, 0, body, 200);
	ck_assert_int_eq(store_wire_parse(msg, n, &req), -EINVAL);
}
END_TEST

START_TEST(test_errnames)
{
	ck_assert_str_eq(store_wire_errname(-ENOENT), "ENOENT");
	ck_assert_str_eq(store_wire_errname(-EAGAIN), "EAGAIN");
	ck_assert_str_eq(store_wire_errname(-EACCES), "EACCES");
	ck_assert_str_eq(store_wire_errname(-E2BIG), "E2BIG");
	ck_assert_str_eq(store_wire_errname(-EPERM), "EPERM");
	ck_assert_str_eq(store_wire_errname(-ENOTCONN), "EIO");
}
END_TEST

START_TEST(test_random)
{
	uint32_t seed = 12345;
	int i, size, j;

	for (i = 0; i < 20000; i++) {
		size = (int)((seed = seed * 1103515245u + 12345u) % 80);
		for (j = 0; j < size; j++)
			msg[j] = (uint8_t)((seed = seed * 1103515245u +
						   12345u) >>
					   16);
		if (size >= 16) {
			/* keep the header plausible half of the time */
			if (i & 1)
				store_wire_header(msg, (uint32_t)(msg[0] % 26),
						  0, 0, (uint32_t)size - 16);
		}
		if (store_wire_frame(msg, (size_t)size) > 0)
			store_wire_parse(msg, (size_t)size, &req);
		store_wire_parse(msg, (size_t)size, &req);
	}
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("xenstored_wire");
	TCase *tc = tcase_create("wire");
	SRunner *sr;
	int nf;

	tcase_add_test(tc, test_frame);
	tcase_add_test(tc, test_read);
	tcase_add_test(tc, test_write_value);
	tcase_add_test(tc, test_shapes);
	tcase_add_test(tc, test_types);
	tcase_add_test(tc, test_max_payload);
	tcase_add_test(tc, test_errnames);
	tcase_add_test(tc, test_random);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	nf = srunner_ntests_failed(sr);
	srunner_free(sr);
	return nf ? EXIT_FAILURE : EXIT_SUCCESS;
}
