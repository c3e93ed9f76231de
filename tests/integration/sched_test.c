/*
 * tests/integration/sched_test.c: the credit scheduler and SMP guests on a
 * live xylem-hv: weights 256:512 on one pinned host CPU give CPU time 1:2
 * (within 5 %), a cap of 25 holds (within 5 %), an idle guest uses < 1 %,
 * pinning is honoured, a 2-vCPU guest runs work on both vCPUs, xyl's
 * sched-credit / vcpu-* verbs print xl's formats, and bad requests fail.
 * Shares are measured with the vCPU threads' CPU clocks over a few
 * seconds, so other load on the host shifts both guests alike.
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"
#include "proc.h"
#include "xylctl.h"

#define MEASURE_NS (3000000000ull)
#define WARMUP_US  (500 * 1000)

static struct harness_hv hv;
static struct xylctl *ctl;

static uint64_t
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void
setup(void)
{
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	ck_assert_int_eq(xylctl_open(hv.rundir, &ctl), 0);
}

static void
teardown(void)
{
	if (ctl)
		xylctl_close(ctl);
	ctl = NULL;
	harness_hv_stop(&hv);
}

/* A running guest of our kernel with cmdline and vcpus. */
static xyl_domid_t
guest_start(const char *name, const char *cmdline, uint32_t vcpus)
{
	struct xylctl_domain_spec s = {.name = name,
				       .mem_kib = 32 * 1024,
				       .vcpus = vcpus,
				       .cmdline = cmdline,
				       .ramdisk_fd = -1};
	char path[4096];
	xyl_domid_t domid;

	ck_assert_int_eq(proc_guest_path(path, sizeof(path)), 0);
	s.kernel_fd = open(path, O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(s.kernel_fd, 0);
	ck_assert_int_eq(xylctl_domain_create(ctl, &s, &domid), 0);
	close(s.kernel_fd);
	ck_assert_int_eq(xylctl_domain_unpause(ctl, domid), 0);
	return domid;
}

static uint64_t
vcpu_time(xyl_domid_t domid, uint32_t vcpu)
{
	struct xyl_ctl_vcpu_list_reply l;

	ck_assert_int_eq(xylctl_vcpu_list(ctl, domid, &l), 0);
	ck_assert_uint_gt(l.nr_vcpus, vcpu);
	return l.vcpus[vcpu].cpu_time_ns;
}

static uint32_t
last_cpu(void)
{
	struct xyl_ctl_host_info_reply h;

	ck_assert_int_eq(xylctl_host_info(ctl, &h), 0);
	return h.nr_cpus - 1;
}

START_TEST(test_weights_share_one_cpu)
{
	xyl_domid_t a, b;
	uint64_t a0, b0, da, db, cpu;
	double ratio;

	a = guest_start("w256", "app=spin report_ms=100000", 1);
	b = guest_start("w512", "app=spin report_ms=100000", 1);
	cpu = last_cpu();
	ck_assert_int_eq(xylctl_vcpu_pin(ctl, a, XYL_VCPU_ALL, 1ull << cpu), 0);
	ck_assert_int_eq(xylctl_vcpu_pin(ctl, b, XYL_VCPU_ALL, 1ull << cpu), 0);
	ck_assert_int_eq(xylctl_sched_credit_set(ctl, b, 512, XYL_SCHED_KEEP),
			 0);
	usleep(WARMUP_US);
	a0 = vcpu_time(a, 0);
	b0 = vcpu_time(b, 0);
	usleep(MEASURE_NS / 1000);
	da = vcpu_time(a, 0) - a0;
	db = vcpu_time(b, 0) - b0;
	ratio = (double)db / (double)da;
	fprintf(stderr,
		"sched: weights 256:512 on cpu %llu: %.3f s : %.3f s,"
		" ratio %.3f\n",
		(unsigned long long)cpu, da / 1e9, db / 1e9, ratio);
	/* They got the CPU between them (else the host was swamped). */
	ck_assert_uint_gt(da + db, MEASURE_NS / 4);
	ck_assert(ratio > 2.0 * 0.95 && ratio < 2.0 * 1.05);
}
END_TEST

START_TEST(test_cap_holds)
{
	xyl_domid_t d = guest_start("cap25", "app=spin report_ms=100000", 1);
	uint64_t t0, w0, dt, dw;
	double share;

	/* The highest weight, so host load cannot push it below its cap. */
	ck_assert_int_eq(xylctl_sched_credit_set(ctl, d, 65535, 25), 0);
	usleep(WARMUP_US);
	t0 = vcpu_time(d, 0);
	w0 = now_ns();
	usleep(MEASURE_NS / 1000);
	dt = vcpu_time(d, 0) - t0;
	dw = now_ns() - w0;
	share = (double)dt / (double)dw;
	fprintf(stderr, "sched: cap 25: %.2f %% of one CPU\n", share * 100);
	ck_assert(share > 0.25 * 0.95 && share < 0.25 * 1.05);
}
END_TEST

/* Without a cgroup (XYLEM_SCHED_CGROUP=0), xylem-hv's own enforcer
 * (credit_cap.c) holds the cap. */
START_TEST(test_cap_holds_without_cgroup)
{
	xyl_domid_t d;
	uint64_t t0, w0, dt, dw;
	double share;

	xylctl_close(ctl);
	ctl = NULL;
	harness_hv_stop(&hv);
	setenv("XYLEM_SCHED_CGROUP", "0", 1);
	ck_assert_int_eq(harness_hv_start(&hv, NULL, 10000), 0);
	ck_assert_int_eq(xylctl_open(hv.rundir, &ctl), 0);
	d = guest_start("cap25", "app=spin report_ms=100000", 1);
	ck_assert_int_eq(xylctl_sched_credit_set(ctl, d, 65535, 25), 0);
	usleep(WARMUP_US);
	t0 = vcpu_time(d, 0);
	w0 = now_ns();
	usleep(MEASURE_NS / 1000);
	dt = vcpu_time(d, 0) - t0;
	dw = now_ns() - w0;
	share = (double)dt / (double)dw;
	fprintf(stderr, "sched: cap 25 without cgroup: %.2f %% of one CPU\n",
		share * 100);
	ck_assert(share > 0.25 * 0.95 && share < 0.25 * 1.05);
}
END_TEST

START_TEST(test_idle_uses_nothing)
{
	xyl_domid_t d = guest_start("idle", "app=idle", 1);
	uint64_t t0, w0, dt, dw;

	usleep(1000 * 1000); /* boot */
	t0 = vcpu_time(d, 0);
	w0 = now_ns();
	usleep(MEASURE_NS / 1000);
	dt = vcpu_time(d, 0) - t0;
	dw = now_ns() - w0;
	fprintf(stderr, "sched: idle guest: %.3f %% of one CPU\n",
		100.0 * (double)dt / (double)dw);
	ck_assert_uint_lt(dt * 100, dw);
}
END_TEST

START_TEST(test_pinning_honoured)
{
	xyl_domid_t d = guest_start("pin", "app=spin report_ms=100000", 1);
	struct xyl_ctl_vcpu_list_reply l;

	for (uint32_t cpu = 0; cpu <= last_cpu(); cpu++) {
		ck_assert_int_eq(xylctl_vcpu_pin(ctl, d, 0, 1ull << cpu), 0);
		usleep(100 * 1000);
		for (int i = 0; i < 10; i++) {
			ck_assert_int_eq(xylctl_vcpu_list(ctl, d, &l), 0);
			ck_assert_uint_eq(l.vcpus[0].hard_affinity,
					  1ull << cpu);
			ck_assert_int_eq(l.vcpus[0].cpu, (int)cpu);
			usleep(50 * 1000);
		}
	}
}
END_TEST

/* Wait for a guest to shut down, then return its console text. */
static char *
guest_wait_console(xyl_domid_t d, int timeout_ms)
{
	static char buf[65536];
	struct xyl_dominfo info;
	uint64_t pos = 0;
	size_t len, used = 0;

	for (int t = 0; t < timeout_ms; t += 50) {
		ck_assert_int_eq(xylctl_domain_getinfo(ctl, d, &info), 0);
		if (info.state & XYL_DOMSTATE_SHUTDOWN)
			break;
		usleep(50 * 1000);
	}
	ck_assert(info.state & XYL_DOMSTATE_SHUTDOWN);
	do {
		ck_assert_int_eq(xylctl_console_read(ctl, d, &pos, buf + used,
						     sizeof(buf) - 1 - used,
						     &len),
				 0);
		used += len;
	} while (len && used < sizeof(buf) - 1);
	buf[used] = 0;
	return buf;
}

START_TEST(test_smp_guest_uses_both_vcpus)
{
	xyl_domid_t d = guest_start("smp", "app=smptest", 2);
	char *out = guest_wait_console(d, 60000);

	if (!strstr(out, " 0 failed"))
		fprintf(stderr, "%s", out);
	ck_assert_ptr_nonnull(strstr(out, " 0 failed"));
	ck_assert_ptr_nonnull(strstr(out, "smptest: vcpu 1: "));
	/* The AP's thread really ran the work (20M iterations). */
	ck_assert_uint_gt(vcpu_time(d, 1), 5000000);
}
END_TEST

START_TEST(test_bad_requests)
{
	xyl_domid_t d = guest_start("bad", "app=idle", 1);
	uint32_t w, c;

	ck_assert_int_eq(xylctl_sched_credit_set(ctl, d, 65536, 0), -EINVAL);
	ck_assert_int_eq(xylctl_sched_credit_set(ctl, d, 0, 101), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_pin(ctl, d, 0, 0), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_pin(ctl, d, 0, 1ull << 63), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_pin(ctl, d, 1, 1), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_set(ctl, d, 0), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_set(ctl, d, 2), -EINVAL);
	ck_assert_int_eq(xylctl_vcpu_set(ctl, d, 1), 0);
	ck_assert_int_eq(xylctl_sched_credit_get(ctl, 999, &w, &c), -ESRCH);
	ck_assert_int_eq(xylctl_sched_credit_get(ctl, d, &w, &c), 0);
	ck_assert_uint_eq(w, 256);
	ck_assert_uint_eq(c, 0);
}
END_TEST

/* Run xyl against our xylem-hv; its exit code, output in *out. */
static int
xyl_run(char **out, const char *a1, const char *a2, const char *a3,
	const char *a4, const char *a5)
{
	static struct proc p;
	char xyl[4096];
	char *argv[] = {xyl,	    (char *)a1, (char *)a2, (char *)a3,
			(char *)a4, (char *)a5, NULL};
	int rc;

	ck_assert_int_eq(proc_bin_path("xyl", xyl, sizeof(xyl)), 0);
	rc = proc_run(&p, hv.rundir, argv, 20000);
	*out = p.out;
	return rc;
}

START_TEST(test_xyl_verbs)
{
	char *out, want[256];

	guest_start("cli", "app=idle", 1);
	ck_assert_int_eq(xyl_run(&out, "sched-credit", NULL, NULL, NULL, NULL),
			 0);
	ck_assert_ptr_nonnull(strstr(out,
				     "Cpupool Pool-0: tslice=10ms "
				     "ratelimit=100us migration-delay=0us\n"
				     "Name                                "
				     "ID Weight  Cap\n"));
	ck_assert_int_eq(
		xyl_run(&out, "sched-credit", "-d", "cli", "-w", "512"), 0);
	ck_assert_int_eq(xyl_run(&out, "sched-credit", "-d", "cli", "-c", "50"),
			 0);
	ck_assert_int_eq(xyl_run(&out, "sched-credit", "-d", "cli", NULL, NULL),
			 0);
	snprintf(want, sizeof(want), "%-33s %4d %6d %4d\n", "cli", 1, 512, 50);
	ck_assert_ptr_nonnull(strstr(out, want));
	ck_assert_int_ne(
		xyl_run(&out, "sched-credit", "-d", "cli", "-c", "101"), 0);
	ck_assert_ptr_nonnull(strstr(out, "above 100 * 1 vcpus"));

	ck_assert_int_eq(xyl_run(&out, "vcpu-pin", "cli", "0", "0", "-"), 0);
	ck_assert_int_eq(xyl_run(&out, "vcpu-list", "cli", NULL, NULL, NULL),
			 0);
	ck_assert_ptr_nonnull(strstr(out, "Name                             "
					  "   ID  VCPU   CPU State   Time(s) "
					  "Affinity (Hard / Soft)\n"));
	ck_assert_ptr_nonnull(strstr(out, "cli                              "
					  "    1     0"));
	ck_assert_ptr_nonnull(strstr(out, "  0 / all\n"));
	ck_assert_int_eq(xyl_run(&out, "vcpu-pin", "cli", "all", "all", NULL),
			 0);
	ck_assert_int_eq(xyl_run(&out, "vcpu-list", NULL, NULL, NULL, NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "  all / all\n"));
	ck_assert_int_ne(xyl_run(&out, "vcpu-pin", "cli", "0", "7x", NULL), 0);
	ck_assert_ptr_nonnull(strstr(out, "bad cpu list '7x'"));
	ck_assert_int_eq(xyl_run(&out, "vcpu-set", "cli", "1", NULL, NULL), 0);
	ck_assert_int_ne(xyl_run(&out, "vcpu-set", "cli", "2", NULL, NULL), 0);
}
END_TEST

static Suite *
sched_suite(const char *skip)
{
	Suite *s = suite_create("sched");
	TCase *tc = tcase_create("live");

	if (skip)
		return s;
	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, test_weights_share_one_cpu);
	tcase_add_test(tc, test_cap_holds);
	tcase_add_test(tc, test_cap_holds_without_cgroup);
	tcase_add_test(tc, test_idle_uses_nothing);
	tcase_add_test(tc, test_pinning_honoured);
	tcase_add_test(tc, test_smp_guest_uses_both_vcpus);
	tcase_add_test(tc, test_bad_requests);
	tcase_add_test(tc, test_xyl_verbs);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	const char *why = harness_skip_reason();
	SRunner *sr;
	int failed;

	if (why)
		printf("sched_test: skipped: %s\n", why);
	sr = srunner_create(sched_suite(why));
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
