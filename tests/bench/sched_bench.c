/*
 * tests/bench/sched_bench.c: the credit scheduler's cost (issue 8), with
 * the cpu cgroup scheduler and with plain threads (XYLEM_SCHED_CGROUP=0:
 * the raw cost without our scheduler):
 *   - switch cost: an IPI bounced between the two vCPUs of one guest
 *     (app=smptest pingpong=N), both pinned to one host CPU (every
 *     delivery is a context switch) and to two CPUs (none);
 *   - steady-state overhead: two CPU-bound guests (app=spin) sharing one
 *     pinned CPU with weights 256:512 vs one alone.
 * Appends markdown rows to argv[1].
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"
#include "xylctl.h"

#define SPIN_SECONDS 2
#define PIN_CPU	     1

static struct harness_hv hv;
static struct xylctl *ctl;

static int
guest_start(const char *name, uint32_t weight, xyl_domid_t *domid)
{
	char path[4096], cmdline[64];
	struct xylctl_domain_spec s = {.name = name,
				       .mem_kib = 32 * 1024,
				       .vcpus = 1,
				       .cmdline = cmdline,
				       .ramdisk_fd = -1};
	int rc;

	snprintf(cmdline, sizeof(cmdline),
		 "app=spin seconds=%d report_ms=60000", SPIN_SECONDS);
	if (proc_guest_path(path, sizeof(path)) < 0)
		return -ENOENT;
	s.kernel_fd = open(path, O_RDONLY | O_CLOEXEC);
	if (s.kernel_fd < 0)
		return -errno;
	rc = xylctl_domain_create(ctl, &s, domid);
	close(s.kernel_fd);
	if (rc == 0)
		rc = xylctl_vcpu_pin(ctl, *domid, XYL_VCPU_ALL,
				     1ull << PIN_CPU);
	if (rc == 0 && weight != 256)
		rc = xylctl_sched_credit_set(ctl, *domid, weight,
					     XYL_SCHED_KEEP);
	return rc;
}

/* Mloops the guest reported at its poweroff, or -1. */
static long long
guest_result(xyl_domid_t d)
{
	static char buf[16384];
	struct xyl_dominfo info;
	uint64_t pos = 0;
	size_t len, used = 0;
	char *s;

	for (int i = 0; i < 600; i++) {
		if (xylctl_domain_getinfo(ctl, d, &info) < 0)
			return -1;
		if (info.state & XYL_DOMSTATE_SHUTDOWN)
			break;
		usleep(50 * 1000);
	}
	while (xylctl_console_read(ctl, d, &pos, buf + used,
				   sizeof(buf) - 1 - used, &len) == 0 &&
	       len)
		used += len;
	buf[used] = 0;
	xylctl_domain_destroy(ctl, d);
	s = strstr(buf, "spin: done ");
	return s ? strtoll(s + 11, NULL, 10) : -1;
}

/* Context switches of all of xylem-hv's threads so far. */
static unsigned long long
hv_switches(void)
{
	char path[300], line[128];
	unsigned long long n = 0, v;
	struct dirent *e;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)hv.pid);
	dir = opendir(path);
	while (dir && (e = readdir(dir))) {
		FILE *f;
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/status",
			 (int)hv.pid, e->d_name);
		f = fopen(path, "re");
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "nonvoluntary_ctxt_switches: %llu",
				   &v) == 1 ||
			    sscanf(line, "voluntary_ctxt_switches: %llu", &v) ==
				    1)
				n += v;
		if (f)
			fclose(f);
	}
	if (dir)
		closedir(dir);
	return n;
}

/* One or two guests at once; total Mloops, switches made. */
static long long
run(int nr, unsigned long long *switches)
{
	static const uint32_t weights[2] = {256, 512};
	static const char *const names[2] = {"spin-a", "spin-b"};
	xyl_domid_t d[2];
	unsigned long long s0 = hv_switches();
	long long total = 0;

	for (int i = 0; i < nr; i++)
		if (guest_start(names[i], weights[i], &d[i]) < 0)
			return -1;
	for (int i = 0; i < nr; i++)
		xylctl_domain_unpause(ctl, d[i]);
	for (int i = 0; i < nr; i++) {
		long long r = guest_result(d[i]);
		if (r < 0)
			return -1;
		total += r;
	}
	*switches = hv_switches() - s0;
	return total;
}

/* smptest's ping-pong with vCPU 0 on cpu0 and vCPU 1 on cpu1: ns. */
static long long
pingpong_rtt(int cpu0, int cpu1)
{
	char path[4096];
	struct xylctl_domain_spec s = {.name = "pingpong",
				       .mem_kib = 32 * 1024,
				       .vcpus = 2,
				       .cmdline = "app=smptest iters=100000 "
						  "pingpong=3000",
				       .ramdisk_fd = -1};
	static char buf[16384];
	struct xyl_dominfo info;
	xyl_domid_t d;
	uint64_t pos = 0;
	size_t len, used = 0;
	char *hit;
	int rc;

	if (proc_guest_path(path, sizeof(path)) < 0)
		return -1;
	s.kernel_fd = open(path, O_RDONLY | O_CLOEXEC);
	rc = xylctl_domain_create(ctl, &s, &d);
	close(s.kernel_fd);
	if (rc < 0 || xylctl_vcpu_pin(ctl, d, 0, 1ull << cpu0) < 0 ||
	    xylctl_vcpu_pin(ctl, d, 1, 1ull << cpu1) < 0 ||
	    xylctl_domain_unpause(ctl, d) < 0)
		return -1;
	for (int i = 0; i < 1200; i++) {
		if (xylctl_domain_getinfo(ctl, d, &info) < 0 ||
		    (info.state & XYL_DOMSTATE_SHUTDOWN))
			break;
		usleep(50 * 1000);
	}
	while (xylctl_console_read(ctl, d, &pos, buf + used,
				   sizeof(buf) - 1 - used, &len) == 0 &&
	       len)
		used += len;
	buf[used] = 0;
	xylctl_domain_destroy(ctl, d);
	hit = strstr(buf, "bench: smp_ipi_rtt_ns=");
	return hit ? strtoll(hit + 22, NULL, 10) : -1;
}

struct mode_result {
	long long rtt_one_cpu, rtt_two_cpus;
};

static void
bench_mode(const char *mode, struct mode_result *res)
{
	unsigned long long sw1a, sw1b, sw2;
	long long alone_a, alone_b, shared;
	char v[96], c[96], r[96], what[128];

	setenv("XYLEM_SCHED_CGROUP", strcmp(mode, "cgroup") == 0 ? "1" : "0",
	       1);
	if (harness_hv_start(&hv, NULL, 10000) < 0 ||
	    xylctl_open(hv.rundir, &ctl) < 0) {
		fprintf(stderr, "sched_bench: cannot start xylem-hv\n");
		return;
	}
	res->rtt_one_cpu = pingpong_rtt(PIN_CPU, PIN_CPU);
	res->rtt_two_cpus = pingpong_rtt(0, PIN_CPU);
	alone_a = run(1, &sw1a);
	shared = run(2, &sw2);
	alone_b = run(1, &sw1b);
	xylctl_close(ctl);
	harness_hv_stop(&hv);
	if (alone_a <= 0 || alone_b <= 0 || shared <= 0) {
		bench_row(mode, "failed", "-", "-");
		return;
	}
	double raw = (alone_a + alone_b) / 2.0;
	/* Run-to-run noise from the two solo runs; the loss per switch is
	 * only bounded by it when switches are this rare. */
	double noise = (double)llabs(alone_a - alone_b) / raw;
	double loss = 1.0 - shared / raw;
	double per_switch_us = ((loss > 0 ? loss : 0) + noise) * SPIN_SECONDS *
			       1e6 / (sw2 ? (double)sw2 : 1.0);
	snprintf(what, sizeof(what),
		 "2 spinning vCPUs on one CPU, %s (weights 256:512)", mode);
	snprintf(v, sizeof(v), "%.0f M iter/s, %.0f switches/s",
		 (double)shared / SPIN_SECONDS, (double)sw2 / SPIN_SECONDS);
	snprintf(c, sizeof(c), "%.0f M iter/s alone (noise %.1f %%)",
		 raw / SPIN_SECONDS, noise * 100);
	snprintf(r, sizeof(r), "%.3f× (≤ %.0f µs per switch)", shared / raw,
		 per_switch_us);
	bench_row(what, v, c, r);
}

int
main(int argc, char **argv)
{
	const char *skip = harness_skip_reason();

	signal(SIGPIPE, SIG_IGN);
	if (skip) {
		printf("sched_bench: skipped: %s\n", skip);
		return 0;
	}
	bench_table_open(argc, argv);
	struct mode_result cg = {0}, plain = {0};
	char v[64], c[64], r[64];

	bench_mode("cgroup", &cg);
	bench_mode("plain threads", &plain);
	if (cg.rtt_one_cpu > 0 && plain.rtt_one_cpu > 0) {
		snprintf(v, sizeof(v), "%.1f µs", cg.rtt_one_cpu / 1e3);
		snprintf(c, sizeof(c), "%.1f µs plain threads",
			 plain.rtt_one_cpu / 1e3);
		snprintf(r, sizeof(r), "%.2f×",
			 (double)cg.rtt_one_cpu / (double)plain.rtt_one_cpu);
		bench_row(
			"vCPU↔vCPU IPI round trip, one host CPU (2 switches), "
			"cgroup scheduler",
			v, c, r);
	}
	if (cg.rtt_two_cpus > 0 && plain.rtt_two_cpus > 0) {
		snprintf(v, sizeof(v), "%.1f µs", cg.rtt_two_cpus / 1e3);
		snprintf(c, sizeof(c), "%.1f µs plain threads",
			 plain.rtt_two_cpus / 1e3);
		snprintf(r, sizeof(r), "%.2f×",
			 (double)cg.rtt_two_cpus / (double)plain.rtt_two_cpus);
		bench_row(
			"vCPU↔vCPU IPI round trip, two host CPUs (no switch), "
			"cgroup scheduler",
			v, c, r);
	}
	bench_table_close();
	return 0;
}
