/*
 * apps/selftest_runstate.c: the selftest's runstate checks: vm_assist's
 * update flag, an area registered with VCPUOP_register_runstate_memory_area
 * that the hypervisor keeps current (blocked time grows across a timed
 * sleep, running time while spinning), VCPUOP_get_runstate_info, and area
 * addresses that are not guest memory.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xen/sched.h>

#include "gk/console.h"
#include "gk/consfront.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/time.h"

#include "selftest.h"

#define ST_RS_SLEEP_NS (20 * GK_NS_PER_MS)
#define ST_RS_SPIN_NS  (10 * GK_NS_PER_MS)
/* pvclock against the hypervisor's clock, and rounding. */
#define ST_RS_CLOCK_NS (1 * GK_NS_PER_MS)
#define ST_RS_PAUSE_NS (100 * GK_NS_PER_MS)
#define ST_RS_PROBE_NS (60000 * GK_NS_PER_MS)

static struct vcpu_runstate_info st_rs_area __attribute__((aligned(64)));

#define st_barrier() __asm__ volatile("" ::: "memory")

/* A consistent copy of the area: retry while XEN_RUNSTATE_UPDATE is set
 * or state_entry_time moved under us. */
static void
st_rs_read(struct vcpu_runstate_info *out)
{
	volatile struct vcpu_runstate_info *a = &st_rs_area;
	uint64_t t0;

	do {
		t0 = a->state_entry_time;
		st_barrier();
		out->state = a->state;
		out->state_entry_time = t0;
		for (int i = 0; i < 4; i++)
			out->time[i] = a->time[i];
		st_barrier();
	} while ((t0 & XEN_RUNSTATE_UPDATE) || a->state_entry_time != t0);
}

static uint64_t
st_rs_sum(const struct vcpu_runstate_info *r)
{
	return r->time[0] + r->time[1] + r->time[2] + r->time[3];
}

/* Sleep on the singleshot timer until deadline, blocking (no console
 * flush in between, unlike gk_sleep_ns). */
static void
st_rs_block_until(uint64_t deadline)
{
	struct vcpu_set_singleshot_timer ss = {.timeout_abs_ns = deadline};

	gk_hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
	while (gk_time_now_ns() < deadline) {
		if (gk_evtchn_poll() == 0 && gk_time_now_ns() < deadline)
			gk_hc_sched_op(SCHEDOP_block, 0);
	}
}

/* Block briefly until the area records a new state change (a busy host
 * may preempt us past a short deadline before we block). */
static void
st_rs_block_once(struct vcpu_runstate_info *out)
{
	struct vcpu_runstate_info before;

	st_rs_read(&before);
	for (int i = 0; i < 1000; i++) {
		st_rs_block_until(gk_time_now_ns() + GK_NS_PER_MS);
		st_rs_read(out);
		if (out->state_entry_time != before.state_entry_time)
			return;
	}
}

static long
st_rs_register(uint64_t addr)
{
	struct vcpu_register_runstate_memory_area r = {.addr.p = addr};

	return gk_hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0, &r);
}

static void
st_rs_assist(struct st *t)
{
	long rc;

	rc = gk_hcall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
		      VMASST_TYPE_writable_pagetables, 0, 0, 0);
	st_rc(t, "vm_assist writable_pagetables (PV only)", rc, -EINVAL);
	rc = gk_hcall(__HYPERVISOR_vm_assist, 9, 0, 0, 0, 0);
	st_rc(t, "vm_assist bad type", rc, -EINVAL);
	rc = gk_hcall(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
		      VMASST_TYPE_runstate_update_flag, 0, 0, 0);
	st_rc(t, "vm_assist enable runstate_update_flag", rc, 0);
}

/* Blocked time grows by the sleep; the record stays self-consistent. */
static void
st_rs_sleep(struct st *t)
{
	struct vcpu_runstate_info r0, r1;
	uint64_t t0, dt, blocked, waited, lo;

	gk_evtchn_poll();
	st_rs_read(&r0);
	t0 = gk_time_now_ns();
	st_rs_block_until(t0 + ST_RS_SLEEP_NS);
	dt = gk_time_now_ns() - t0;
	st_rs_read(&r1);
	blocked = r1.time[RUNSTATE_blocked] - r0.time[RUNSTATE_blocked];
	waited = r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable];
	/* Blocked lies inside the sleep.  With the host's CPU waits
	 * (runnable: before blocking, or for a CPU after the wake) it covers
	 * the sleep but for what we ran before blocking.  A loaded host
	 * (large slack) asserts only "it grew, never past the sleep". */
	lo = t->slack_ns < ST_RS_SLEEP_NS ? ST_RS_SLEEP_NS - t->slack_ns : 1;
	st_check(t,
		 blocked > 0 && blocked <= dt + ST_RS_CLOCK_NS &&
			 blocked + waited >= lo,
		 "runstate: blocked grew %llu us (runnable %llu us) over a "
		 "%llu us sleep (>= %llu us)",
		 (unsigned long long)(blocked / 1000),
		 (unsigned long long)(waited / 1000),
		 (unsigned long long)(dt / 1000),
		 (unsigned long long)(lo / 1000));
	st_check(t,
		 r1.state == RUNSTATE_running &&
			 r1.state_entry_time > r0.state_entry_time &&
			 r1.state_entry_time <=
				 gk_time_now_ns() + ST_RS_CLOCK_NS &&
			 st_rs_sum(&r1) == r1.state_entry_time,
		 "runstate: running again, entry time %llu -> %llu us, times "
		 "sum to it",
		 (unsigned long long)(r0.state_entry_time / 1000),
		 (unsigned long long)(r1.state_entry_time / 1000));
}

/* Running time grows while the vCPU spins: at once through
 * get_runstate_info, in the area after the next block.  Host CPU waits
 * during the spin are runnable (steal), so running + runnable covers it. */
static void
st_rs_spin(struct st *t)
{
	struct vcpu_runstate_info g0, g1, r0, r1;
	uint64_t t0, ran, stolen, area_ran, area_stolen;
	long rc;

	st_rs_read(&r0);
	rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, &g0);
	t0 = gk_time_now_ns();
	while (gk_time_now_ns() - t0 < ST_RS_SPIN_NS)
		;
	rc |= gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, &g1);
	ran = g1.time[RUNSTATE_running] - g0.time[RUNSTATE_running];
	stolen = g1.time[RUNSTATE_runnable] - g0.time[RUNSTATE_runnable];
	st_check(t,
		 rc == 0 && g1.state == RUNSTATE_running && ran > 0 &&
			 g1.time[RUNSTATE_blocked] ==
				 g0.time[RUNSTATE_blocked] &&
			 ran + stolen + ST_RS_CLOCK_NS >= ST_RS_SPIN_NS,
		 "get_runstate_info: running grew %llu us (runnable %llu us) "
		 "over a %llu us spin",
		 (unsigned long long)(ran / 1000),
		 (unsigned long long)(stolen / 1000),
		 (unsigned long long)(ST_RS_SPIN_NS / 1000));
	st_rs_block_once(&r1);
	area_ran = r1.time[RUNSTATE_running] - r0.time[RUNSTATE_running];
	area_stolen = r1.time[RUNSTATE_runnable] - r0.time[RUNSTATE_runnable];
	st_check(t,
		 area_ran >= ran && area_ran + area_stolen + ST_RS_CLOCK_NS >=
					    ST_RS_SPIN_NS,
		 "runstate area: running grew %llu us (runnable %llu us) "
		 "after the spin",
		 (unsigned long long)(area_ran / 1000),
		 (unsigned long long)(area_stolen / 1000));
}

/* runstate_pause_probe=1: say so, then spin (a paused running vCPU is
 * offline; a blocked one would stay blocked) until a toolstack pause of
 * at least ST_RS_PAUSE_NS shows as offline time, in get_runstate_info
 * and in the area. */
static void
st_rs_pause_probe(struct st *t)
{
	struct vcpu_runstate_info g0, g, r0, r1;
	uint64_t t0, grew = 0;
	long rc;

	st_rs_read(&r0);
	rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, &g0);
	gk_info("runstate: pause me now\n");
	consfront_flush();
	t0 = gk_time_now_ns();
	while (rc == 0 && gk_time_now_ns() - t0 < ST_RS_PROBE_NS) {
		rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, &g);
		grew = g.time[RUNSTATE_offline] - g0.time[RUNSTATE_offline];
		if (grew >= ST_RS_PAUSE_NS)
			break;
	}
	st_rs_block_once(&r1);
	st_check(t,
		 rc == 0 && grew >= ST_RS_PAUSE_NS &&
			 r1.time[RUNSTATE_offline] -
					 r0.time[RUNSTATE_offline] >=
				 grew,
		 "runstate: paused by the toolstack: offline grew %llu us",
		 (unsigned long long)(grew / 1000));
}

/* Areas that are not guest memory are accepted (as Xen) and skipped. */
static void
st_rs_hostile(struct st *t)
{
	struct vcpu_runstate_info g;
	long rc;

	rc = st_rs_register(st_past_ram());
	st_rs_block_until(gk_time_now_ns() + GK_NS_PER_MS);
	st_rc(t, "runstate area past RAM: accepted, then slept", rc, 0);
	rc = st_rs_register(ST_UNMAPPED_VA);
	st_rs_block_until(gk_time_now_ns() + GK_NS_PER_MS);
	st_rc(t, "runstate area at an unmapped VA", rc, 0);
	rc = st_rs_register(ST_NONCANON_VA);
	st_rc(t, "runstate area at a non-canonical VA", rc, 0);
	rc = gk_hc_vcpu_op(VCPUOP_register_runstate_memory_area, 0,
			   (void *)st_past_ram());
	st_rc(t, "register_runstate_memory_area arg past RAM", rc, -EFAULT);
	rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, ST_BAD_VCPU, &g);
	st_rc_badid(t, "get_runstate_info bad vcpu", rc);
	rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, (void *)st_past_ram());
	st_rc(t, "get_runstate_info past RAM", rc, -EFAULT);
}

void
st_test_runstate(struct st *t)
{
	struct vcpu_runstate_info r, g;
	long rc;

	st_rs_assist(t);
	st_rs_area.state = -1;
	rc = st_rs_register((uintptr_t)&st_rs_area);
	st_rs_read(&r);
	st_check(t,
		 rc == 0 && r.state == RUNSTATE_running &&
			 r.state_entry_time <=
				 gk_time_now_ns() + ST_RS_CLOCK_NS &&
			 st_rs_sum(&r) == r.state_entry_time,
		 "register_runstate_memory_area: rc %ld, state %d, entered "
		 "at %llu us",
		 rc, r.state, (unsigned long long)(r.state_entry_time / 1000));
	rc = gk_hc_vcpu_op(VCPUOP_get_runstate_info, 0, &g);
	st_check(t,
		 rc == 0 && g.state == RUNSTATE_running &&
			 g.state_entry_time == r.state_entry_time &&
			 g.time[RUNSTATE_running] >= r.time[RUNSTATE_running],
		 "get_runstate_info: rc %ld, running %llu us", rc,
		 (unsigned long long)(g.time[RUNSTATE_running] / 1000));
	st_rs_sleep(t);
	st_rs_spin(t);
	if (t->pause_probe)
		st_rs_pause_probe(t);
	st_rs_hostile(t);
	/* A good area again after the bad ones; then none. */
	rc = st_rs_register((uintptr_t)&st_rs_area);
	st_rs_read(&r);
	st_check(t, rc == 0 && r.state == RUNSTATE_running,
		 "runstate area registered again after bad ones");
	st_rs_register(0);
}
