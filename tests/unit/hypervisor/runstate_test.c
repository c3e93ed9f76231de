/*
 * tests/unit/hypervisor/runstate_test.c: runstate accounting and its
 * guest area (runstate.c) through the hypercall boundary: state times,
 * VCPUOP_get_runstate_info, vm_assist, the XEN_RUNSTATE_UPDATE protocol
 * seen by a concurrent reader, and areas that stop being guest memory.
 * The rest of xylem-hv is faked (tests/lib/fake_core.c); gva == gpa.
 */
#include <check.h>
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/vcpu.h>

#include "domain.h"
#include "fake_core.h"
#include "hypercall.h"
#include "runstate.h"

#define ARG_GPA	 0x10000ull
#define AREA_GPA 0x20000ull
#define NOW_NS	 1000000000ull /* fake_core's domain_system_time_ns */

static struct domain *d;
static struct vcpu *v;

static void
setup(void)
{
	d = fake_core_domain_new(2);
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		runstate_vcpu_init(&d->vcpus[i]);
		d->vcpus[i].sregs_synced = true; /* as after a KVM exit */
	}
	v = &d->vcpus[0];
}

static void
teardown(void)
{
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		runstate_vcpu_fini(&d->vcpus[i]);
	fake_core_domain_free(d);
}

static int64_t
hc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2)
{
	struct hypercall_args a = {nr, {a0, a1, a2, 0, 0}};
	return hypercall_dispatch(v, &a);
}

static void *
gpa(uint64_t addr)
{
	return d->mem.hva + addr;
}

/* Register the area at area_gva for vCPU id (argument struct at ARG_GPA). */
static int64_t
register_area(uint32_t id, uint64_t area_gva)
{
	struct vcpu_register_runstate_memory_area r = {.addr.p = area_gva};

	memcpy(gpa(ARG_GPA), &r, sizeof(r));
	return hc(__HYPERVISOR_vcpu_op, VCPUOP_register_runstate_memory_area,
		  id, ARG_GPA);
}

static struct vcpu_runstate_info
area_at(uint64_t addr)
{
	struct vcpu_runstate_info rs;

	memcpy(&rs, gpa(addr), sizeof(rs));
	return rs;
}

START_TEST(test_accounting)
{
	struct vcpu_runstate_info rs = {.state = RUNSTATE_offline}, snap;

	runstate_account(&rs, RUNSTATE_running, 100, 0);
	runstate_account(&rs, RUNSTATE_blocked, 150, 0);
	runstate_account(&rs, RUNSTATE_running, 400, 0);
	runstate_account(&rs, RUNSTATE_runnable, 390, 7); /* earlier: adds 0 */
	ck_assert_int_eq(rs.state, RUNSTATE_runnable);
	ck_assert_uint_eq(rs.state_entry_time, 400);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], 100);
	ck_assert_uint_eq(rs.time[RUNSTATE_running], 50);
	ck_assert_uint_eq(rs.time[RUNSTATE_blocked], 250);
	ck_assert_uint_eq(rs.time[RUNSTATE_runnable], 0);
	runstate_snapshot(&rs, 450, 0, &snap);
	ck_assert_uint_eq(snap.time[RUNSTATE_runnable], 50);
	/* Host waits inside an interval are runnable, never more than it. */
	runstate_account(&rs, RUNSTATE_running, 500, 30);
	ck_assert_uint_eq(rs.time[RUNSTATE_runnable], 100);
	runstate_account(&rs, RUNSTATE_blocked, 600, 40);
	ck_assert_uint_eq(rs.time[RUNSTATE_running], 50 + 60);
	ck_assert_uint_eq(rs.time[RUNSTATE_runnable], 140);
	runstate_account(&rs, RUNSTATE_running, 650, 1000);
	ck_assert_uint_eq(rs.time[RUNSTATE_blocked], 250);
	ck_assert_uint_eq(rs.time[RUNSTATE_runnable], 190);
	ck_assert_uint_eq(rs.time[0] + rs.time[1] + rs.time[2] + rs.time[3],
			  650);
	ck_assert_uint_eq(snap.state_entry_time, 400);
	/* The sum never drifts from system time. */
	ck_assert_uint_eq(
		snap.time[0] + snap.time[1] + snap.time[2] + snap.time[3], 450);
}
END_TEST

START_TEST(test_area_follows_transitions)
{
	struct vcpu_runstate_info rs;

	ck_assert_int_eq(register_area(0, AREA_GPA), 0);
	rs = area_at(AREA_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_offline);
	runstate_set_at(v, RUNSTATE_running, 1000);
	runstate_set_at(v, RUNSTATE_blocked, 21000);
	rs = area_at(AREA_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_blocked);
	ck_assert_uint_eq(rs.state_entry_time, 21000);
	ck_assert_uint_eq(rs.time[RUNSTATE_running], 20000);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], 1000);
	runstate_set_at(v, RUNSTATE_running, 41000);
	rs = area_at(AREA_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_running);
	ck_assert_uint_eq(rs.time[RUNSTATE_blocked], 20000);
	/* Offline (down, pause) and back. */
	runstate_set_at(v, RUNSTATE_offline, 50000);
	runstate_set_at(v, RUNSTATE_running, 80000);
	rs = area_at(AREA_GPA);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], 31000);
	ck_assert_uint_eq(rs.time[RUNSTATE_running], 29000);
	ck_assert(!(rs.state_entry_time & XEN_RUNSTATE_UPDATE));
	/* Unregister: later changes leave the old area alone. */
	ck_assert_int_eq(register_area(0, 0), 0);
	runstate_set_at(v, RUNSTATE_blocked, 90000);
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, 80000);
}
END_TEST

START_TEST(test_area_straddles_pages)
{
	const uint64_t at = AREA_GPA + 4096 - 20;
	struct vcpu_runstate_info rs;

	ck_assert_int_eq(register_area(0, at), 0);
	runstate_set_at(v, RUNSTATE_running, 7);
	runstate_set_at(v, RUNSTATE_blocked, 0x0102030405060708ull);
	rs = area_at(at);
	ck_assert_int_eq(rs.state, RUNSTATE_blocked);
	ck_assert_uint_eq(rs.state_entry_time, 0x0102030405060708ull);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], 7);
}
END_TEST

START_TEST(test_get_runstate_info)
{
	struct vcpu_runstate_info rs;

	runstate_set_at(v, RUNSTATE_running, NOW_NS - 5000);
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0, ARG_GPA),
		0);
	rs = area_at(ARG_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_running);
	ck_assert_uint_eq(rs.state_entry_time, NOW_NS - 5000);
	/* Current values: the running time up to "now" is in. */
	ck_assert_uint_eq(rs.time[RUNSTATE_running], 5000);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], NOW_NS - 5000);
	/* Another vCPU: offline since 0. */
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 1, ARG_GPA),
		0);
	rs = area_at(ARG_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_offline);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], NOW_NS);
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 2, ARG_GPA),
		-ENOENT);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_get_runstate_info, 0,
			    FAKE_CORE_RAM_BYTES + 0x100000ull),
			 -EFAULT);
}
END_TEST

START_TEST(test_register_other_vcpu)
{
	struct vcpu_runstate_info rs;

	/* vCPU 0 registers vCPU 1's area: written through vCPU 0, with
	 * vCPU 1's offline time up to now. */
	ck_assert_int_eq(register_area(1, AREA_GPA), 0);
	rs = area_at(AREA_GPA);
	ck_assert_int_eq(rs.state, RUNSTATE_offline);
	ck_assert_uint_eq(rs.time[RUNSTATE_offline], NOW_NS);
	ck_assert_uint_eq(d->vcpus[1].runstate_gva, AREA_GPA);
	ck_assert_uint_eq(d->vcpus[0].runstate_gva, 0);
}
END_TEST

START_TEST(test_vm_assist)
{
	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_runstate_update_flag, 0),
			 0);
	ck_assert_uint_eq(d->vm_assist, 1u << VMASST_TYPE_runstate_update_flag);
	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, VMASST_CMD_disable,
			    VMASST_TYPE_runstate_update_flag, 0),
			 0);
	ck_assert_uint_eq(d->vm_assist, 0);
	/* PV-only assists do not exist for a PVH guest. */
	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_writable_pagetables, 0),
			 -EINVAL);
	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable, 64, 0),
			 -EINVAL);
	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, 7,
			    VMASST_TYPE_runstate_update_flag, 0),
			 -ENOSYS);
	ck_assert_uint_eq(d->vm_assist, 0);
}
END_TEST

/* Hostile: areas outside guest memory, or that leave it, are skipped. */
START_TEST(test_area_not_guest_memory)
{
	const uint64_t end = FAKE_CORE_RAM_BYTES;
	uint8_t before[64];

	ck_assert_int_eq(register_area(0, end + 0x100000ull), 0);
	runstate_set_at(v, RUNSTATE_running, 10);
	ck_assert(v->runstate_bad);
	/* Straddling the end of RAM: nothing written, not even the head. */
	memset(gpa(end - 16), 0xa5, 16);
	memcpy(before, gpa(end - 16), 16);
	ck_assert_int_eq(register_area(0, end - 16), 0);
	runstate_set_at(v, RUNSTATE_blocked, 20);
	ck_assert_mem_eq(gpa(end - 16), before, 16);
	ck_assert_int_eq(register_area(0, ~0ull - 8), 0);
	runstate_set_at(v, RUNSTATE_running, 30);
	/* Valid, then the guest's page tables stop mapping it: paging on
	 * with an empty top-level table. */
	ck_assert_int_eq(register_area(0, AREA_GPA), 0);
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, 30);
	v->run->s.regs.sregs.cr0 = 0x80000011;
	v->run->s.regs.sregs.cr4 = 0x20;
	v->run->s.regs.sregs.efer = 0x500;
	v->run->s.regs.sregs.cr3 = 0x30000;
	runstate_set_at(v, RUNSTATE_blocked, 40);
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, 30);
	ck_assert_uint_eq(v->runstate.state_entry_time, 40);
	/* Stale sync registers (a context was just loaded): the fake vCPU
	 * has no KVM fd, so KVM_TRANSLATE fails and nothing is written. */
	v->run->s.regs.sregs.cr0 = 0x11;
	v->sregs_synced = false;
	runstate_set_at(v, RUNSTATE_running, 50);
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, 30);
	v->sregs_synced = true;
	runstate_set_at(v, RUNSTATE_blocked, 60);
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, 60);
}
END_TEST

/* XEN_RUNSTATE_UPDATE: a reader that retries while the flag is set or
 * state_entry_time moved never sees a half-written record.  Every record
 * the writer makes has sum(time) == state_entry_time. */
struct reader {
	_Atomic bool stop;
	uint64_t reads, torn, flagged;
};

static void *
reader_main(void *arg)
{
	struct reader *r = arg;
	volatile struct vcpu_runstate_info *a = gpa(AREA_GPA);

	while (!atomic_load(&r->stop)) {
		uint64_t t0 =
			__atomic_load_n(&a->state_entry_time, __ATOMIC_ACQUIRE);
		struct vcpu_runstate_info copy;
		if (t0 & XEN_RUNSTATE_UPDATE) {
			r->flagged++;
			continue;
		}
		memcpy(&copy, (const void *)a, sizeof(copy));
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		if (__atomic_load_n(&a->state_entry_time, __ATOMIC_RELAXED) !=
		    t0)
			continue;
		__atomic_fetch_add(&r->reads, 1, __ATOMIC_RELAXED);
		if (copy.time[0] + copy.time[1] + copy.time[2] + copy.time[3] !=
		    copy.state_entry_time)
			r->torn++;
	}
	return NULL;
}

START_TEST(test_update_flag_protocol)
{
	struct reader r = {0};
	pthread_t th;
	uint64_t t = 0;

	ck_assert_int_eq(hc(__HYPERVISOR_vm_assist, VMASST_CMD_enable,
			    VMASST_TYPE_runstate_update_flag, 0),
			 0);
	ck_assert_int_eq(register_area(0, AREA_GPA), 0);
	ck_assert_int_eq(pthread_create(&th, NULL, reader_main, &r), 0);
	/* At least 200000 updates, and on until the reader got 1000 good
	 * reads (it may start late on a busy host), within 10^7 updates. */
	for (int i = 0; i < 10000000; i++) {
		if (i >= 200000 &&
		    __atomic_load_n(&r.reads, __ATOMIC_RELAXED) >= 1000)
			break;
		t += 1 + (uint64_t)(i % 7) * 1000003;
		runstate_set_at(v, i % 2 ? RUNSTATE_running : RUNSTATE_blocked,
				t);
	}
	atomic_store(&r.stop, true);
	pthread_join(th, NULL);
	ck_assert_uint_ge(r.reads, 1000);
	ck_assert_uint_eq(r.torn, 0);
	ck_assert(!(area_at(AREA_GPA).state_entry_time & XEN_RUNSTATE_UPDATE));
	ck_assert_uint_eq(area_at(AREA_GPA).state_entry_time, t);
}
END_TEST

static Suite *
runstate_suite(void)
{
	Suite *s = suite_create("runstate");
	TCase *tc = tcase_create("core");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, test_accounting);
	tcase_add_test(tc, test_area_follows_transitions);
	tcase_add_test(tc, test_area_straddles_pages);
	tcase_add_test(tc, test_get_runstate_info);
	tcase_add_test(tc, test_register_other_vcpu);
	tcase_add_test(tc, test_vm_assist);
	tcase_add_test(tc, test_area_not_guest_memory);
	tcase_add_test(tc, test_update_flag_protocol);
	suite_add_tcase(s, tc);
	return s;
}

int
main(void)
{
	SRunner *sr = srunner_create(runstate_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
