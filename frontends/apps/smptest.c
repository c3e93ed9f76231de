/*
 * apps/smptest.c: SMP bring-up and work on every vCPU.  Starts each AP
 * (VCPUOP_initialise/up, kernel/smp.c), checks the vCPU ops' error
 * paths, runs a CPU-bound job on all vCPUs at once, checks each result
 * against the boot vCPU's own computation, takes an AP down and up
 * again (idle, then while it runs: its runstate goes offline), and ends
 * with "N passed, N failed".  iters=N sets the job size;
 * pingpong=N then bounces an IPI N times between vCPUs 0 and 1 and prints
 * "bench: smp_ipi_rtt_ns=" (the scheduler benchmark pins them).
 */
#include <stdarg.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_vcpu.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/errno.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/smp.h"
#include "gk/string.h"
#include "gk/time.h"

#define SMPTEST_DEFAULT_ITERS 20000000ull
#define SMPTEST_TIMEOUT_NS    60000000000ull

struct smptest_job {
	uint64_t iters;
	uint64_t result;
	uint64_t tsc_cycles;
	uint32_t ran_on; /* the vCPU id the job was handed in */
};

struct smptest {
	unsigned passed, failed;
	struct smptest_job jobs[GK_SMP_MAX_VCPUS];
};

static void smptest_check(struct smptest *t, int ok, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void
smptest_check(struct smptest *t, int ok, const char *fmt, ...)
{
	char buf[160];
	va_list ap;

	va_start(ap, fmt);
	gk_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	gk_info("%s: %s\n", ok ? "ok" : "FAIL", buf);
	if (ok)
		t->passed++;
	else
		t->failed++;
}

/* xorshift64 from a per-vCPU seed: CPU-bound, and checkable. */
static uint64_t
smptest_compute(uint32_t seed, uint64_t iters)
{
	uint64_t x = 0x9e3779b97f4a7c15ull ^ ((uint64_t)seed << 32 | seed);

	for (uint64_t i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

static void
smptest_work(uint32_t vcpu, void *arg)
{
	struct smptest_job *j = arg;
	uint64_t t0 = gk_rdtsc();

	j->ran_on = vcpu;
	j->result = smptest_compute(vcpu, j->iters);
	j->tsc_cycles = gk_rdtsc() - t0;
}

static void
smptest_errors(struct smptest *t, uint32_t nr)
{
	struct vcpu_hvm_context bad;
	long rc;

	memset(&bad, 0, sizeof(bad));
	bad.mode = VCPU_HVM_MODE_64B; /* no paging: not a 64-bit start */
	rc = gk_hc_vcpu_op(VCPUOP_initialise, nr - 1, &bad);
	smptest_check(t, rc == -EINVAL, "initialise with cr0=0: %ld", rc);
	bad.mode = 7;
	rc = gk_hc_vcpu_op(VCPUOP_initialise, nr - 1, &bad);
	smptest_check(t, rc == -EINVAL, "initialise mode 7: %ld", rc);
	rc = gk_hc_vcpu_op(VCPUOP_up, nr, 0);
	smptest_check(t, rc == -ENOENT, "up of vcpu %u (none): %ld", nr, rc);
	rc = gk_hc_vcpu_op(VCPUOP_is_up, nr - 1, 0);
	smptest_check(t, rc == 0, "vcpu %u down before up: %ld", nr - 1, rc);
	rc = gk_hc_vcpu_op(VCPUOP_up, nr - 1, 0);
	smptest_check(t, rc == -EINVAL, "up before initialise: %ld", rc);
}

static void
smptest_start_all(struct smptest *t, uint32_t nr)
{
	for (uint32_t i = 1; i < nr; i++) {
		int rc = gk_smp_start(i);
		smptest_check(t, rc == 0, "vcpu %u started: %d", i, rc);
		long up = gk_hc_vcpu_op(VCPUOP_is_up, i, 0);
		smptest_check(t, up == 1, "vcpu %u is_up: %ld", i, up);
	}
	long rc = gk_hc_vcpu_op(
		VCPUOP_initialise, 1,
		&(struct vcpu_hvm_context){.mode = VCPU_HVM_MODE_64B});
	smptest_check(t, nr < 2 || rc == -EEXIST,
		      "second initialise: %ld (want -EEXIST)", rc);
}

/* The same job on every vCPU at once; vCPU 0 does its own share. */
static void
smptest_run_all(struct smptest *t, uint32_t nr, uint64_t iters)
{
	uint64_t t0 = gk_time_now_ns();

	for (uint32_t i = 0; i < nr; i++) {
		t->jobs[i] =
			(struct smptest_job){.iters = iters, .ran_on = ~0u};
		if (i && gk_smp_is_ready(i))
			gk_smp_run(i, smptest_work, &t->jobs[i]);
	}
	smptest_work(0, &t->jobs[0]);
	for (uint32_t i = 1; i < nr; i++) {
		int rc = gk_smp_is_ready(i) ? gk_smp_wait(i, SMPTEST_TIMEOUT_NS)
					    : -EINVAL;
		smptest_check(t, rc == 0, "vcpu %u finished: %d", i, rc);
	}
	uint64_t wall = gk_time_now_ns() - t0;
	for (uint32_t i = 0; i < nr; i++) {
		struct smptest_job *j = &t->jobs[i];
		int ok = j->ran_on == i &&
			 j->result == smptest_compute(i, iters);
		gk_info("smptest: vcpu %u: %llu iterations, %llu Mcycles, "
			"result %#llx\n",
			i, (unsigned long long)iters,
			(unsigned long long)(j->tsc_cycles / 1000000),
			(unsigned long long)j->result);
		smptest_check(t, ok, "vcpu %u result checked", i);
	}
	gk_info("smptest: %u vcpus, wall %llu ms\n", nr,
		(unsigned long long)(wall / 1000000));
}

/* Down and up again: the AP resumes where it slept and still works. */
static void
smptest_down_up(struct smptest *t, uint64_t iters)
{
	long rc = gk_hc_vcpu_op(VCPUOP_down, 1, 0);

	smptest_check(t, rc == 0, "vcpu 1 down: %ld", rc);
	rc = gk_hc_vcpu_op(VCPUOP_is_up, 1, 0);
	smptest_check(t, rc == 0, "vcpu 1 is_up after down: %ld", rc);
	rc = gk_hc_vcpu_op(VCPUOP_up, 1, 0);
	smptest_check(t, rc == 0, "vcpu 1 up again: %ld", rc);
	t->jobs[1] = (struct smptest_job){.iters = iters / 4, .ran_on = ~0u};
	rc = gk_smp_run(1, smptest_work, &t->jobs[1]);
	if (rc == 0)
		rc = gk_smp_wait(1, SMPTEST_TIMEOUT_NS);
	smptest_check(t,
		      rc == 0 && t->jobs[1].ran_on == 1 &&
			      t->jobs[1].result ==
				      smptest_compute(1, iters / 4),
		      "vcpu 1 works after down/up: %ld", rc);
}

struct smptest_spin {
	uint32_t started, stop;
};

static void
smptest_spin(uint32_t vcpu, void *arg)
{
	struct smptest_spin *s = arg;

	(void)vcpu;
	__atomic_store_n(&s->started, 1, __ATOMIC_SEQ_CST);
	while (!__atomic_load_n(&s->stop, __ATOMIC_SEQ_CST))
		;
}

/* Runstate of an AP taken down while it runs: offline (its thread notes
 * it on leaving the guest), offline time growing while down; after up it
 * finishes its job. */
static void
smptest_runstate_offline(struct smptest *t)
{
	struct smptest_spin s = {0};
	struct vcpu_runstate_info r0 = {0}, r1 = {0};
	uint64_t t0 = gk_time_now_ns(), grew;
	long rc;

	if (gk_smp_run(1, smptest_spin, &s) < 0) {
		smptest_check(t, 0, "runstate: vcpu 1 not ready");
		return;
	}
	while (!__atomic_load_n(&s.started, __ATOMIC_SEQ_CST) &&
	       gk_time_now_ns() - t0 < SMPTEST_TIMEOUT_NS)
		;
	rc = gk_hc_vcpu_op(VCPUOP_down, 1, 0);
	do
		rc |= gk_hc_vcpu_op(VCPUOP_get_runstate_info, 1, &r0);
	while (rc == 0 && r0.state != RUNSTATE_offline &&
	       gk_time_now_ns() - t0 < SMPTEST_TIMEOUT_NS);
	gk_sleep_ns(20 * GK_NS_PER_MS);
	rc |= gk_hc_vcpu_op(VCPUOP_get_runstate_info, 1, &r1);
	grew = r1.time[RUNSTATE_offline] - r0.time[RUNSTATE_offline];
	smptest_check(t,
		      rc == 0 && r0.state == RUNSTATE_offline &&
			      r1.state == RUNSTATE_offline &&
			      grew >= 19 * GK_NS_PER_MS,
		      "runstate: vcpu 1 down while running: offline, %llu us "
		      "more over a 20 ms sleep",
		      (unsigned long long)(grew / 1000));
	rc = gk_hc_vcpu_op(VCPUOP_up, 1, 0);
	__atomic_store_n(&s.stop, 1, __ATOMIC_SEQ_CST);
	smptest_check(t, rc == 0 && gk_smp_wait(1, SMPTEST_TIMEOUT_NS) == 0,
		      "runstate: vcpu 1 up again finishes its job: %ld", rc);
}

struct smptest_pp {
	uint64_t count;
	evtchn_port_t ap_port, bsp_port;
};

/* Wait for port on this vCPU: take the upcall flag and selector (only
 * this vCPU's events land there), block until the port is pending. */
static void
smptest_pp_wait(struct vcpu_info *vi, evtchn_port_t port)
{
	struct shared_info *s = gk.shared_info;

	for (;;) {
		__atomic_store_n(&vi->evtchn_upcall_pending, 0,
				 __ATOMIC_SEQ_CST);
		__atomic_exchange_n(&vi->evtchn_pending_sel, 0,
				    __ATOMIC_SEQ_CST);
		if (gk_evtchn_is_pending(s, port))
			break;
		gk_hc_sched_op(SCHEDOP_block, 0);
	}
	gk_evtchn_clear_pending(s, port);
}

/* AP side: unmasked for the duration, so a send wakes it at once. */
static void
smptest_pp_ap(uint32_t vcpu, void *arg)
{
	struct smptest_pp *p = arg;
	struct vcpu_info *vi = gk_smp_vcpu_info(vcpu);

	gk_evtchn_unmask(p->ap_port);
	for (uint64_t i = 0; i < p->count; i++) {
		smptest_pp_wait(vi, p->ap_port);
		gk_evtchn_send(p->bsp_port);
	}
	gk_evtchn_set_mask(gk.shared_info, p->ap_port);
}

static void
smptest_pingpong(struct smptest *t, uint64_t count)
{
	struct smptest_pp p = {.count = count,
			       .ap_port = gk_smp_ap_port(1),
			       .bsp_port = gk_smp_bsp_port()};
	struct vcpu_info *vi = gk.vcpu_info;
	uint64_t t0;

	if (gk_smp_run(1, smptest_pp_ap, &p) < 0) {
		smptest_check(t, 0, "pingpong: vcpu 1 not ready");
		return;
	}
	/* Let the AP unmask its port before the first send. */
	gk_sleep_ns(10000000);
	t0 = gk_time_now_ns();
	for (uint64_t i = 0; i < count; i++) {
		gk_evtchn_send(p.ap_port);
		smptest_pp_wait(vi, p.bsp_port);
	}
	uint64_t rtt = (gk_time_now_ns() - t0) / count;
	/* We took the selector from the event loop: make it rescan. */
	__atomic_store_n(&vi->evtchn_pending_sel, ~(xen_ulong_t)0,
			 __ATOMIC_SEQ_CST);
	__atomic_store_n(&vi->evtchn_upcall_pending, 1, __ATOMIC_SEQ_CST);
	smptest_check(t, gk_smp_wait(1, SMPTEST_TIMEOUT_NS) == 0,
		      "pingpong: %llu round trips", (unsigned long long)count);
	gk_info("bench: smp_ipi_rtt_ns=%llu\n", (unsigned long long)rtt);
}

int
gk_app_smptest(const char *cmdline)
{
	struct smptest *t = gk_zalloc(sizeof(*t));
	uint64_t iters = SMPTEST_DEFAULT_ITERS, pingpong = 0;
	uint32_t nr = gk_smp_nr_vcpus();

	if (!t)
		return -ENOMEM;
	gk_cmdline_get_u64(cmdline, "iters", &iters);
	gk_cmdline_get_u64(cmdline, "pingpong", &pingpong);
	gk_info("smptest: %u vcpus\n", nr);
	if (nr > 1)
		smptest_errors(t, nr);
	smptest_start_all(t, nr);
	smptest_run_all(t, nr, iters);
	if (nr > 1 && gk_smp_is_ready(1))
		smptest_down_up(t, iters);
	if (nr > 1 && gk_smp_is_ready(1))
		smptest_runstate_offline(t);
	if (pingpong && nr > 1 && gk_smp_is_ready(1))
		smptest_pingpong(t, pingpong);
	gk_info("%u passed, %u failed\n", t->passed, t->failed);
	return t->failed ? 1 : 0;
}
