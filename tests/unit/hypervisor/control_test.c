/*
 * tests/unit/hypervisor/control_test.c: ctl_parse_request against good and
 * hostile packets (short, bad magic/version, unknown type, len mismatch,
 * missing NUL, non-zero pad, wrong fd count, out-of-range values, noise).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include <xen/xen.h>
#include <xen/hvm/params.h>

#include "ctl_parse.h"

struct pkt {
	struct xyl_ctl_hdr h;
	union {
		struct xyl_ctl_domain_create create;
		struct xyl_ctl_domid domid;
		struct xyl_ctl_domain_list list;
		struct xyl_ctl_domain_shutdown shutdown;
		struct xyl_ctl_hvm_param param;
		struct xyl_ctl_evtchn_port port;
		struct xyl_ctl_log_read log;
		struct xyl_ctl_events_subscribe sub;
		struct xyl_ctl_domain_rename rename;
		struct xyl_ctl_sched_credit sched;
		struct xyl_ctl_vcpu_pin pin;
		struct xyl_ctl_vcpu_set vcpu_set;
		struct xyl_ctl_domain_set_max_mem max_mem;
		uint8_t raw[8192];
	} b;
};

static struct pkt pk;
static struct ctl_request req;
static char detail[XYL_DETAIL_MAX];

static size_t
mk(uint16_t type, size_t body)
{
	memset(&pk, 0, sizeof(pk));
	pk.h.magic = XYL_CTL_MAGIC;
	pk.h.version = XYL_CTL_VERSION;
	pk.h.type = type;
	pk.h.len = (uint32_t)body;
	pk.h.seq = 77;
	return sizeof(pk.h) + body;
}

static size_t
mk_create(void)
{
	size_t n = mk(XYL_CTL_DOMAIN_CREATE, sizeof(pk.b.create));

	strcpy(pk.b.create.name, "web1");
	strcpy(pk.b.create.cmdline, "console=hvc0");
	pk.b.create.mem_kib = 65536;
	pk.b.create.vcpus = 2;
	return n;
}

static int
parse(size_t len, unsigned nr_fds)
{
	memset(detail, 'x', sizeof(detail));
	return ctl_parse_request(&pk, len, 0, nr_fds, &req, detail,
				 sizeof(detail));
}

/* A failure: the errno, a terminated non-empty detail containing want. */
static void
expect_fail(int rc, int err, const char *want)
{
	ck_assert_int_eq(rc, err);
	ck_assert_ptr_nonnull(memchr(detail, '\0', sizeof(detail)));
	ck_assert_msg(detail[0] != '\0', "empty detail");
	ck_assert_msg(strstr(detail, want), "detail '%s' lacks '%s'", detail,
		      want);
}

START_TEST(test_good_host_info)
{
	ck_assert_int_eq(parse(mk(XYL_CTL_HOST_INFO, 0), 0), 0);
	ck_assert_int_eq(req.type, XYL_CTL_HOST_INFO);
	ck_assert_uint_eq(req.seq, 77);
	ck_assert_str_eq(detail, "");
}
END_TEST

START_TEST(test_good_create)
{
	size_t n = mk_create();

	ck_assert_int_eq(parse(n, 1), 0);
	ck_assert_str_eq(req.u.create.name, "web1");
	ck_assert_uint_eq(req.u.create.mem_kib, 65536);
	ck_assert_uint_eq(req.nr_fds, 1);
	pk.b.create.has_ramdisk = 1;
	ck_assert_int_eq(parse(n, 2), 0);
}
END_TEST

START_TEST(test_good_every_fixed_request)
{
	static const uint16_t types[] = {
		XYL_CTL_DOMAIN_DESTROY, XYL_CTL_DOMAIN_PAUSE,
		XYL_CTL_DOMAIN_UNPAUSE, XYL_CTL_DOMAIN_GETINFO,
		XYL_CTL_MEMORY_MAP,	XYL_CTL_GNTTAB_FRAMES,
	};
	size_t i;

	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		size_t n = mk(types[i], sizeof(pk.b.domid));

		pk.b.domid.domid = 3;
		ck_assert_int_eq(parse(n, 0), 0);
		ck_assert_uint_eq(req.u.domid.domid, 3);
	}
	ck_assert_int_eq(parse(mk(XYL_CTL_EVENTS_SUBSCRIBE, 0), 0), -EINVAL);
	ck_assert_int_eq(parse(mk(XYL_CTL_DOMAIN_LIST, sizeof(pk.b.list)), 0),
			 0);
}
END_TEST

START_TEST(test_short_packets)
{
	size_t n;

	mk(XYL_CTL_HOST_INFO, 0);
	for (n = 0; n < sizeof(struct xyl_ctl_hdr); n++) {
		expect_fail(parse(n, 0), -EINVAL, "shorter than");
		ck_assert_uint_eq(req.seq, 0);
	}
}
END_TEST

START_TEST(test_bad_magic_version)
{
	size_t n = mk(XYL_CTL_HOST_INFO, 0);

	pk.h.magic = 0x12345678;
	expect_fail(parse(n, 0), -EPROTO, "magic");
	n = mk(XYL_CTL_HOST_INFO, 0);
	pk.h.version = 2;
	expect_fail(parse(n, 0), -EPROTO, "version");
	ck_assert_uint_eq(req.seq, 77);
}
END_TEST

START_TEST(test_bad_types)
{
	expect_fail(parse(mk(999, 0), 0), -EINVAL, "not a request");
	expect_fail(parse(mk(XYL_CTL_TYPE_COUNT, 0), 0), -EINVAL,
		    "not a request");
	expect_fail(parse(mk(XYL_CTL_ERROR_REPLY, 0), 0), -EINVAL,
		    "ERROR_REPLY");
	expect_fail(parse(mk(XYL_CTL_EVENT, 0), 0), -EINVAL, "EVENT");
	ck_assert_uint_eq(req.seq, 77);
}
END_TEST

START_TEST(test_len_mismatch)
{
	size_t n = mk(XYL_CTL_DOMAIN_GETINFO, sizeof(pk.b.domid));

	/* header says 8, only 4 follow */
	expect_fail(parse(n - 4, 0), -EINVAL, "header len");
	/* header len huge */
	pk.h.len = 0xffffffffu;
	expect_fail(parse(n, 0), -EINVAL, "header len");
	/* consistent, but not the type's size */
	n = mk(XYL_CTL_DOMAIN_GETINFO, 4);
	expect_fail(parse(n, 0), -EINVAL, "must be 8");
	n = mk(XYL_CTL_HOST_INFO, 16);
	expect_fail(parse(n, 0), -EINVAL, "must be 0");
	n = mk(XYL_CTL_DOMAIN_CREATE, sizeof(pk.b.create) - 1);
	expect_fail(parse(n, 1), -EINVAL, "DOMAIN_CREATE");
}
END_TEST

START_TEST(test_truncated)
{
	size_t n = mk(XYL_CTL_HOST_INFO, 0);
	int rc;

	rc = ctl_parse_request(&pk, n, MSG_TRUNC, 0, &req, detail,
			       sizeof(detail));
	expect_fail(rc, -EINVAL, "truncated");
	rc = ctl_parse_request(&pk, n, MSG_CTRUNC, 0, &req, detail,
			       sizeof(detail));
	expect_fail(rc, -EINVAL, "truncated");
}
END_TEST

START_TEST(test_missing_nul)
{
	size_t n = mk_create();

	memset(pk.b.create.name, 'a', sizeof(pk.b.create.name));
	expect_fail(parse(n, 1), -EINVAL, "name is not NUL");
	n = mk_create();
	memset(pk.b.create.cmdline, 'a', sizeof(pk.b.create.cmdline));
	expect_fail(parse(n, 1), -EINVAL, "cmdline");
}
END_TEST

START_TEST(test_bad_names)
{
	size_t n = mk_create();

	pk.b.create.name[0] = '\0';
	expect_fail(parse(n, 1), -EINVAL, "empty");
	strcpy(pk.b.create.name, "a/b");
	expect_fail(parse(n, 1), -EINVAL, "bad character");
	strcpy(pk.b.create.name, "a b");
	expect_fail(parse(n, 1), -EINVAL, "bad character");
	strcpy(pk.b.create.name, "a\x7f");
	expect_fail(parse(n, 1), -EINVAL, "bad character");
	strcpy(pk.b.create.name, "42");
	expect_fail(parse(n, 1), -EINVAL, "digits");
}
END_TEST

START_TEST(test_create_ranges)
{
	size_t n = mk_create();

	pk.b.create.mem_kib = 4095;
	expect_fail(parse(n, 1), -EINVAL, "mem_kib");
	pk.b.create.mem_kib = 4098;
	expect_fail(parse(n, 1), -EINVAL, "mem_kib");
	pk.b.create.mem_kib = UINT64_MAX - 3;
	expect_fail(parse(n, 1), -EINVAL, "mem_kib");
	pk.b.create.mem_kib = 65536;
	pk.b.create.vcpus = 0;
	expect_fail(parse(n, 1), -EINVAL, "vcpus");
	pk.b.create.vcpus = XYL_MAX_VCPUS + 1;
	expect_fail(parse(n, 1), -EINVAL, "vcpus");
	pk.b.create.vcpus = 1;
	pk.b.create.has_ramdisk = 2;
	expect_fail(parse(n, 1), -EINVAL, "has_ramdisk");
}
END_TEST

START_TEST(test_fd_counts)
{
	size_t n = mk_create();

	expect_fail(parse(n, 0), -EINVAL, "needs 1 fds");
	expect_fail(parse(n, 2), -EINVAL, "needs 1 fds");
	pk.b.create.has_ramdisk = 1;
	expect_fail(parse(n, 1), -EINVAL, "needs 2 fds");
	expect_fail(parse(mk(XYL_CTL_HOST_INFO, 0), 1), -EINVAL,
		    "takes no fds");
	n = mk(XYL_CTL_DOMAIN_DESTROY, sizeof(pk.b.domid));
	pk.b.domid.domid = 1;
	expect_fail(parse(n, 3), -EINVAL, "takes no fds");
}
END_TEST

START_TEST(test_nonzero_pad)
{
	size_t n = mk(XYL_CTL_DOMAIN_PAUSE, sizeof(pk.b.domid));

	pk.b.domid.domid = 1;
	pk.b.domid.pad = 1;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
	n = mk(XYL_CTL_DOMAIN_LIST, sizeof(pk.b.list));
	pk.b.list.pad = 0x80000000u;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
	n = mk(XYL_CTL_EVTCHN_CLOSE, sizeof(pk.b.port));
	pk.b.port.pad = 2;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
}
END_TEST

START_TEST(test_value_ranges)
{
	size_t n = mk(XYL_CTL_DOMAIN_GETINFO, sizeof(pk.b.domid));

	pk.b.domid.domid = XYL_DOMID_MAX + 1;
	expect_fail(parse(n, 0), -EINVAL, "domid");
	n = mk(XYL_CTL_DOMAIN_SHUTDOWN, sizeof(pk.b.shutdown));
	pk.b.shutdown.domid = 1;
	pk.b.shutdown.reason = 6;
	expect_fail(parse(n, 0), -EINVAL, "reason");
	n = mk(XYL_CTL_HVM_PARAM_SET, sizeof(pk.b.param));
	pk.b.param.domid = 1;
	pk.b.param.index = HVM_NR_PARAMS;
	expect_fail(parse(n, 0), -EINVAL, "index");
	pk.b.param.index = HVM_PARAM_STORE_PFN;
	pk.b.param.value = 0xfeffc;
	ck_assert_int_eq(parse(n, 0), 0);
	n = mk(XYL_CTL_HVM_PARAM_GET, sizeof(pk.b.param));
	pk.b.param.domid = 1;
	pk.b.param.value = 5;
	expect_fail(parse(n, 0), -EINVAL, "value must be zero");
}
END_TEST

START_TEST(test_subscribe)
{
	size_t n = mk(XYL_CTL_EVENTS_SUBSCRIBE, sizeof(pk.b.sub));

	pk.b.sub.domid = XYL_DOMID_ANY;
	ck_assert_int_eq(parse(n, 0), 0);
	ck_assert_uint_eq(req.u.sub.domid, XYL_DOMID_ANY);
	pk.b.sub.domid = 7;
	ck_assert_int_eq(parse(n, 0), 0);
	pk.b.sub.domid = XYL_DOMID_MAX + 1;
	expect_fail(parse(n, 0), -EINVAL, "domid");
	pk.b.sub.domid = 7;
	pk.b.sub.pad = 1;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
}
END_TEST

START_TEST(test_log_requests)
{
	size_t n = mk(XYL_CTL_DMESG, sizeof(pk.b.log));

	pk.b.log.clear = 1;
	ck_assert_int_eq(parse(n, 0), 0);
	pk.b.log.clear = 2;
	expect_fail(parse(n, 0), -EINVAL, "clear");
	pk.b.log.clear = 0;
	pk.b.log.domid = 1;
	expect_fail(parse(n, 0), -EINVAL, "domid must be 0");
	n = mk(XYL_CTL_CONSOLE_READ, sizeof(pk.b.log));
	pk.b.log.domid = 1;
	pk.b.log.from = UINT64_MAX;
	ck_assert_int_eq(parse(n, 0), 0);
	pk.b.log.clear = 1;
	expect_fail(parse(n, 0), -EINVAL, "clear must be 0");
}
END_TEST

/* Random noise and random mutations of a good packet: never a crash,
 * always a terminated detail, and success only for well-formed input. */
START_TEST(test_noise)
{
	unsigned i, seed = 12345;
	size_t n, good = mk_create();
	struct pkt saved;
	int rc;

	memcpy(&saved, &pk, sizeof(pk));
	for (i = 0; i < 20000; i++) {
		memcpy(&pk, &saved, sizeof(pk));
		n = (size_t)rand_r(&seed) % (good + 16);
		if (i & 1) {
			memset(&pk, 0, sizeof(pk));
			for (size_t k = 0; k < n; k++)
				((uint8_t *)&pk)[k] = (uint8_t)rand_r(&seed);
		} else {
			((uint8_t *)&pk)[(size_t)rand_r(&seed) % good] ^=
				(uint8_t)(1u << (rand_r(&seed) % 8));
			n = good;
		}
		rc = parse(n, (unsigned)rand_r(&seed) % 3);
		ck_assert(rc == 0 || rc == -EINVAL || rc == -EPROTO);
		ck_assert_ptr_nonnull(memchr(detail, '\0', sizeof(detail)));
	}
}
END_TEST

START_TEST(test_rename)
{
	size_t n = mk(XYL_CTL_DOMAIN_RENAME, sizeof(pk.b.rename));

	pk.b.rename.domid = 2;
	strcpy(pk.b.rename.name, "web2");
	ck_assert_int_eq(parse(n, 0), 0);
	ck_assert_str_eq(req.u.rename.name, "web2");
	strcpy(pk.b.rename.name, "99");
	expect_fail(parse(n, 0), -EINVAL, "digits");
	strcpy(pk.b.rename.name, "a/b");
	expect_fail(parse(n, 0), -EINVAL, "bad character");
	memset(pk.b.rename.name, 'a', sizeof(pk.b.rename.name));
	ck_assert_int_eq(parse(n, 0), -EINVAL);
	strcpy(pk.b.rename.name, "ok");
	pk.b.rename.pad = 1;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
	pk.b.rename.pad = 0;
	pk.b.rename.domid = XYL_DOMID_MAX + 1;
	expect_fail(parse(n, 0), -EINVAL, "domid");
	ck_assert_int_eq(parse(mk(XYL_CTL_DOMAIN_RENAME, 4), 0), -EINVAL);
}
END_TEST

/* Issue 8: scheduler and vCPU requests; ranges that need the domain are
 * the handler's (tests/unit/hypervisor/ctl_server_test.c). */
START_TEST(test_sched_requests)
{
	size_t n = mk(XYL_CTL_SCHED_CREDIT_SET, sizeof(pk.b.sched));

	pk.b.sched = (struct xyl_ctl_sched_credit){
		.domid = 2, .weight = 512, .cap = XYL_SCHED_KEEP};
	ck_assert_int_eq(parse(n, 0), 0);
	ck_assert_uint_eq(req.u.sched.weight, 512);
	pk.b.sched.weight = 65536;
	expect_fail(parse(n, 0), -EINVAL, "weight");
	pk.b.sched.weight = 0;
	pk.b.sched.cap = 100 * XYL_MAX_VCPUS + 1;
	expect_fail(parse(n, 0), -EINVAL, "cap");
	pk.b.sched.cap = 0;
	pk.b.sched.pad = 1;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
	pk.b.sched.pad = 0;
	pk.b.sched.domid = XYL_DOMID_MAX + 1;
	expect_fail(parse(n, 0), -EINVAL, "domid");
	n = mk(XYL_CTL_SCHED_CREDIT_GET, sizeof(pk.b.domid));
	pk.b.domid.domid = 2;
	ck_assert_int_eq(parse(n, 0), 0);
	ck_assert_uint_eq(ctl_reply_body_size(XYL_CTL_SCHED_CREDIT_GET),
			  sizeof(struct xyl_ctl_sched_credit));
	n = mk(XYL_CTL_VCPU_LIST, sizeof(pk.b.domid));
	pk.b.domid.domid = 2;
	ck_assert_int_eq(parse(n, 0), 0);
	n = mk(XYL_CTL_VCPU_PIN, sizeof(pk.b.pin));
	pk.b.pin = (struct xyl_ctl_vcpu_pin){.domid = 2, .vcpu = 1, .cpus = 3};
	ck_assert_int_eq(parse(n, 0), 0);
	pk.b.pin.vcpu = XYL_VCPU_ALL;
	ck_assert_int_eq(parse(n, 0), 0);
	pk.b.pin.vcpu = XYL_MAX_VCPUS;
	expect_fail(parse(n, 0), -EINVAL, "vcpu");
	pk.b.pin.vcpu = 0;
	pk.b.pin.cpus = 0;
	expect_fail(parse(n, 0), -EINVAL, "empty");
	n = mk(XYL_CTL_VCPU_SET, sizeof(pk.b.vcpu_set));
	pk.b.vcpu_set = (struct xyl_ctl_vcpu_set){.domid = 2, .nr_online = 0};
	expect_fail(parse(n, 0), -EINVAL, "nr_online");
	pk.b.vcpu_set.nr_online = XYL_MAX_VCPUS + 1;
	expect_fail(parse(n, 0), -EINVAL, "nr_online");
	pk.b.vcpu_set.nr_online = 1;
	ck_assert_int_eq(parse(n, 0), 0);
}
END_TEST

/* Issue 8: mem-max.  ">= current memory" needs the domain: the handler's
 * (tests/integration/xyl_test.c). */
START_TEST(test_set_max_mem)
{
	size_t n = mk(XYL_CTL_DOMAIN_SET_MAX_MEM, sizeof(pk.b.max_mem));

	pk.b.max_mem = (struct xyl_ctl_domain_set_max_mem){.domid = 2,
							   .max_kib = 65536};
	ck_assert_int_eq(parse(n, 0), 0);
	ck_assert_uint_eq(req.u.max_mem.max_kib, 65536);
	ck_assert_uint_eq(ctl_reply_body_size(XYL_CTL_DOMAIN_SET_MAX_MEM), 0);
	pk.b.max_mem.max_kib = 65537;
	expect_fail(parse(n, 0), -EINVAL, "multiple of 4");
	pk.b.max_mem.max_kib = UINT64_MAX & ~3ull;
	expect_fail(parse(n, 0), -EINVAL, "max_kib");
	pk.b.max_mem.max_kib = 65536;
	pk.b.max_mem.pad = 1;
	expect_fail(parse(n, 0), -EINVAL, "reserved");
	pk.b.max_mem.pad = 0;
	pk.b.max_mem.domid = XYL_DOMID_MAX + 1;
	expect_fail(parse(n, 0), -EINVAL, "domid");
	pk.b.max_mem.domid = 2;
	expect_fail(parse(n, 1), -EINVAL, "takes no fds");
	expect_fail(parse(mk(XYL_CTL_DOMAIN_SET_MAX_MEM, 8), 0), -EINVAL,
		    "must be 16");
	expect_fail(parse(mk(XYL_CTL_DOMAIN_SET_MAX_MEM, 24), 0), -EINVAL,
		    "must be 16");
	ck_assert_str_eq(ctl_type_name(XYL_CTL_DOMAIN_SET_MAX_MEM),
			 "DOMAIN_SET_MAX_MEM");
}
END_TEST

START_TEST(test_type_names_and_sizes)
{
	ck_assert_str_eq(ctl_type_name(XYL_CTL_DOMAIN_CREATE), "DOMAIN_CREATE");
	ck_assert_str_eq(ctl_type_name(4000), "unknown");
	ck_assert_uint_eq(ctl_reply_body_size(XYL_CTL_MEMORY_MAP),
			  sizeof(struct xyl_ctl_memory_map_reply));
	ck_assert_uint_eq(ctl_reply_nr_fds(XYL_CTL_MEMORY_MAP), 1);
	ck_assert_uint_eq(ctl_reply_nr_fds(XYL_CTL_EVTCHN_BIND_INTERDOMAIN), 2);
	ck_assert_uint_eq(ctl_reply_body_size(60000), 0);
}
END_TEST

static Suite *
control_suite(void)
{
	Suite *s = suite_create("control");
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_good_host_info);
	tcase_add_test(tc, test_good_create);
	tcase_add_test(tc, test_good_every_fixed_request);
	tcase_add_test(tc, test_short_packets);
	tcase_add_test(tc, test_bad_magic_version);
	tcase_add_test(tc, test_bad_types);
	tcase_add_test(tc, test_len_mismatch);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_missing_nul);
	tcase_add_test(tc, test_bad_names);
	tcase_add_test(tc, test_create_ranges);
	tcase_add_test(tc, test_fd_counts);
	tcase_add_test(tc, test_nonzero_pad);
	tcase_add_test(tc, test_value_ranges);
	tcase_add_test(tc, test_subscribe);
	tcase_add_test(tc, test_log_requests);
	tcase_add_test(tc, test_noise);
	tcase_add_test(tc, test_rename);
	tcase_add_test(tc, test_sched_requests);
	tcase_add_test(tc, test_set_max_mem);
	tcase_add_test(tc, test_type_names_and_sizes);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(control_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
