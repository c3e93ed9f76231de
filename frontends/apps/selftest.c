/*
 * apps/selftest.c: exercises every hypercall of the minimum guest ABI
 * (DESIGN.md 2), good and bad paths, and prints one "ok: ..." or
 * "FAIL: ..." line per check, then "N passed, N failed".  The kernel powers
 * off when everything passed and crashes the domain otherwise.
 */
#include <stdarg.h>
#include <stdint.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/memory.h>
#include <xen/vcpu.h>
#include <xen/sched.h>
#include <xen/event_channel.h>
#include <xen/grant_table.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>

#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"

#include "selftest.h"

/* The page vcpu_info moves to. */
static char st_vcpu_page[4096]
	__attribute__((aligned(4096), section(".bss.page")));

void
st_check(struct st *t, int ok, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	gk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gk_info("%s: %s\n", ok ? "ok" : "FAIL", msg);
	if (ok)
		t->passed++;
	else
		t->failed++;
}

void
st_rc(struct st *t, const char *what, long rc, long want)
{
	st_check(t, rc == want, "%s: rc %ld (want %ld)", what, rc, want);
}

/* A bad vCPU id: Xen says -ENOENT for a vCPU that does not exist, some
 * paths -EINVAL; both are "bad id". */
void
st_rc_badid(struct st *t, const char *what, long rc)
{
	st_check(t, rc == -ENOENT || rc == -EINVAL,
		 "%s: rc %ld (want -ENOENT or -EINVAL)", what, rc);
}

/* A timer that should take want_ns: never early, late by at most the
 * slack. */
int
st_on_time(const struct st *t, uint64_t dt, uint64_t want_ns)
{
	return dt >= want_ns && dt <= want_ns + t->slack_ns;
}

/* How long to wait for a timer before giving up on it. */
uint64_t
st_guard(const struct st *t, uint64_t want_ns)
{
	return want_ns + t->slack_ns + 100 * GK_NS_PER_MS;
}

/* A guest address past the end of RAM but inside the identity map. */
uint64_t
st_past_ram(void)
{
	return gk.ram_end + 0x10000;
}

static void
test_xen_version(struct st *t)
{
	xen_extraversion_t extra;
	xen_feature_info_t fi = {.submap_idx = 0};
	long rc;

	rc = gk_hc_xen_version(XENVER_version, 0);
	st_check(t, rc > 0, "xen_version version: %ld.%ld", rc >> 16,
		 rc & 0xffff);
	memset(extra, 0xff, sizeof(extra));
	rc = gk_hc_xen_version(XENVER_extraversion, extra);
	st_check(t, rc == 0 && strnlen(extra, sizeof(extra)) < sizeof(extra),
		 "xen_version extraversion: rc %ld \"%.16s\"", rc, extra);
	rc = gk_hc_xen_version(XENVER_get_features, &fi);
	st_check(t,
		 rc == 0 &&
			 (fi.submap & (1u << XENFEAT_auto_translated_physmap)),
		 "xen_version get_features[0]: rc %ld submap %#x", rc,
		 fi.submap);
	fi.submap_idx = 1000;
	rc = gk_hc_xen_version(XENVER_get_features, &fi);
	st_check(t, rc == 0 || rc == -EINVAL,
		 "xen_version get_features[1000]: rc %ld submap %#x", rc,
		 fi.submap);
	rc = gk_hc_xen_version(XENVER_extraversion, (void *)st_past_ram());
	st_rc(t, "xen_version extraversion past RAM", rc, -EFAULT);
	rc = gk_hc_xen_version(XENVER_get_features, (void *)ST_UNMAPPED_VA);
	st_rc(t, "xen_version get_features unmapped VA", rc, -EFAULT);
	rc = gk_hc_xen_version(XENVER_get_features, (void *)ST_NONCANON_VA);
	st_rc(t, "xen_version get_features non-canonical VA", rc, -EFAULT);
}

static void
test_console(struct st *t)
{
	static const char msg[] = "selftest: console_io write\n";
	long rc;

	rc = gk_hc_console_write(msg, sizeof(msg) - 1);
	st_check(t, rc >= 0, "console_io write: rc %ld", rc);
	rc = gk_hc_console_write((const char *)st_past_ram(), 16);
	st_rc(t, "console_io write past RAM", rc, -EFAULT);
	rc = gk_hc_console_write((const char *)ST_UNMAPPED_VA, 16);
	st_rc(t, "console_io write unmapped VA", rc, -EFAULT);
	rc = gk_hcall(__HYPERVISOR_console_io, 77, 1, (uintptr_t)msg, 0, 0);
	st_check(t, rc == -ENOSYS || rc == -EINVAL,
		 "console_io unknown sub-op: rc %ld", rc);
}

static void
test_memory_map(struct st *t)
{
	uint8_t buf[20 * 16];
	struct xen_memory_map map = {.nr_entries = 16};
	int has_ram = 0;
	long rc;

	set_xen_guest_handle(map.buffer, buf);
	rc = gk_hc_memory_op(XENMEM_memory_map, &map);
	for (unsigned int i = 0; rc == 0 && i < map.nr_entries && i < 16; i++) {
		uint64_t addr, size;
		uint32_t type;

		memcpy(&addr, buf + i * 20, 8);
		memcpy(&size, buf + i * 20 + 8, 8);
		memcpy(&type, buf + i * 20 + 16, 4);
		gk_debug("  e820 %#llx+%#llx type %u\n",
			 (unsigned long long)addr, (unsigned long long)size,
			 type);
		if (type == 1 && size >= (1u << 20))
			has_ram = 1;
	}
	st_check(t, rc == 0 && map.nr_entries > 0 && has_ram,
		 "memory_op memory_map: rc %ld, %u entries, RAM present", rc,
		 map.nr_entries);
	set_xen_guest_handle(map.buffer, (void *)st_past_ram());
	map.nr_entries = 16;
	rc = gk_hc_memory_op(XENMEM_memory_map, &map);
	st_rc(t, "memory_op memory_map buffer past RAM", rc, -EFAULT);
	rc = gk_hc_memory_op(XENMEM_memory_map, (void *)ST_UNMAPPED_VA);
	st_rc(t, "memory_op memory_map unmapped VA", rc, -EFAULT);
}

static void
test_memory(struct st *t)
{
	domid_t self = DOMID_SELF;
	struct xen_add_to_physmap xatp = {.domid = DOMID_SELF, .space = 99};
	long cur, max, rc;

	st_check(t, gk.shared_info && gk.shared_info->vcpu_info[0].time.version,
		 "memory_op add_to_physmap shared_info: pvclock version %u",
		 gk.shared_info ? gk.shared_info->vcpu_info[0].time.version
				: 0);
	st_check(t, gk.gnttab.entries != 0,
		 "memory_op add_to_physmap grant_table: %u frame(s) at gfn "
		 "%#llx",
		 gk.gnttab.nr_frames, (unsigned long long)gk.gnttab.base_gfn);
	rc = gk_hc_memory_op(XENMEM_add_to_physmap, &xatp);
	st_check(t, rc == -ENOSYS || rc == -EINVAL,
		 "memory_op add_to_physmap unknown space: rc %ld", rc);
	xatp = (struct xen_add_to_physmap){.domid = DOMID_SELF,
					   .space = XENMAPSPACE_shared_info,
					   .idx = 5};
	rc = gk_hc_memory_op(XENMEM_add_to_physmap, &xatp);
	st_rc(t, "memory_op add_to_physmap shared_info idx 5", rc, -EINVAL);
	rc = gk_hc_memory_op(XENMEM_add_to_physmap, (void *)st_past_ram());
	st_rc(t, "memory_op add_to_physmap past RAM", rc, -EFAULT);
	test_memory_map(t);
	cur = gk_hc_memory_op(XENMEM_current_reservation, &self);
	max = gk_hc_memory_op(XENMEM_maximum_reservation, &self);
	st_check(t, cur > 0, "memory_op current_reservation: %ld pages", cur);
	st_check(t, max >= cur, "memory_op maximum_reservation: %ld pages",
		 max);
	rc = gk_hc_memory_op(XENMEM_current_reservation,
			     (void *)ST_UNMAPPED_VA);
	st_rc(t, "memory_op current_reservation unmapped VA", rc, -EFAULT);
	rc = gk_hc_memory_op(1000, &self);
	st_rc(t, "memory_op unknown sub-op", rc, -ENOSYS);
}

static long
st_get_param(uint32_t index, uint64_t *value)
{
	struct xen_hvm_param p = {.domid = DOMID_SELF, .index = index};
	long rc = gk_hc_hvm_op(HVMOP_get_param, &p);

	*value = p.value;
	return rc;
}

static void
test_hvm(struct st *t)
{
	static const struct {
		uint32_t index;
		const char *name;
	} params[] = {
		{HVM_PARAM_STORE_PFN, "STORE_PFN"},
		{HVM_PARAM_STORE_EVTCHN, "STORE_EVTCHN"},
		{HVM_PARAM_CONSOLE_PFN, "CONSOLE_PFN"},
		{HVM_PARAM_CONSOLE_EVTCHN, "CONSOLE_EVTCHN"},
	};
	struct xen_hvm_param p;
	uint64_t v;
	long rc;

	for (unsigned int i = 0; i < sizeof(params) / sizeof(params[0]); i++) {
		rc = st_get_param(params[i].index, &v);
		st_check(t, rc == 0, "hvm_op get_param %s: rc %ld value %#llx",
			 params[i].name, rc, (unsigned long long)v);
	}
	p = (struct xen_hvm_param){.domid = DOMID_SELF,
				   .index = HVM_PARAM_STORE_PFN,
				   .value = 0x1234};
	rc = gk_hc_hvm_op(HVMOP_set_param, &p);
	st_rc(t, "hvm_op set_param STORE_PFN (not the guest's)", rc, -EPERM);
	p = (struct xen_hvm_param){.domid = DOMID_SELF,
				   .index = HVM_PARAM_CALLBACK_IRQ,
				   .value = 0};
	rc = gk_hc_hvm_op(HVMOP_set_param, &p);
	st_rc(t, "hvm_op set_param CALLBACK_IRQ none", rc, 0);
	rc = st_get_param(HVM_NR_PARAMS + 7, &v);
	st_check(t, rc == -EINVAL || rc == -EPERM,
		 "hvm_op get_param index out of range: rc %ld", rc);
	rc = gk_hc_hvm_op(HVMOP_get_param, (void *)st_past_ram());
	st_rc(t, "hvm_op get_param past RAM", rc, -EFAULT);
	rc = gk_hc_hvm_op(HVMOP_get_param, (void *)ST_UNMAPPED_VA);
	st_rc(t, "hvm_op get_param unmapped VA", rc, -EFAULT);
	rc = gk_hc_hvm_op(1000, &p);
	st_rc(t, "hvm_op unknown sub-op", rc, -ENOSYS);
}

static void
test_vcpu_info(struct st *t)
{
	struct vcpu_register_vcpu_info r = {
		.mfn = (uintptr_t)st_vcpu_page >> 12, .offset = 64};
	struct vcpu_info *vi = (struct vcpu_info *)(st_vcpu_page + 64);
	uint64_t t0, t1;
	long rc;

	rc = gk_hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
	if (rc == 0)
		gk.vcpu_info = vi;
	t0 = gk_time_now_ns();
	gk_hc_sched_op(SCHEDOP_yield, 0);
	t1 = gk_time_now_ns();
	st_check(t, rc == 0 && vi->time.version && t1 > t0,
		 "vcpu_op register_vcpu_info: rc %ld, pvclock there %llu -> "
		 "%llu",
		 rc, (unsigned long long)t0, (unsigned long long)t1);
	rc = gk_hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r);
	st_rc(t, "vcpu_op register_vcpu_info twice", rc, -EINVAL);
	rc = gk_hc_vcpu_op(VCPUOP_register_vcpu_info, ST_BAD_VCPU, &r);
	st_rc_badid(t, "vcpu_op register_vcpu_info bad vcpu", rc);
	rc = gk_hc_vcpu_op(VCPUOP_register_vcpu_info, 0,
			   (void *)ST_UNMAPPED_VA);
	st_check(t, rc == -EFAULT || rc == -EINVAL,
		 "vcpu_op register_vcpu_info unmapped VA: rc %ld", rc);
}

/* Wait until the timer tick count reaches target, at most until the
 * absolute deadline, using SCHEDOP_poll on the timer port (its own timeout
 * is independent of the singleshot timer under test). */
static void
st_wait_ticks(uint64_t target, uint64_t deadline)
{
	evtchn_port_t port = gk.timer_port;
	struct sched_poll sp = {.nr_ports = 1};

	set_xen_guest_handle(sp.ports, &port);
	while (gk_timer_ticks() < target && gk_time_now_ns() < deadline) {
		if (gk_evtchn_poll())
			continue;
		sp.timeout = deadline;
		gk_hc_sched_op(SCHEDOP_poll, &sp);
	}
	gk_evtchn_poll();
}

static void
test_timers(struct st *t)
{
	struct vcpu_set_singleshot_timer ss;
	struct vcpu_set_periodic_timer per = {.period_ns = 5 * GK_NS_PER_MS};
	uint64_t t0, dt, ticks;
	long rc;

	t0 = gk_time_now_ns();
	rc = gk_sleep_ns(10 * GK_NS_PER_MS);
	dt = gk_time_now_ns() - t0;
	st_check(t, rc == 0 && st_on_time(t, dt, 10 * GK_NS_PER_MS),
		 "vcpu_op singleshot: 10 ms sleep took %llu us (never early, "
		 "late by <= %llu us)",
		 (unsigned long long)(dt / 1000),
		 (unsigned long long)(t->slack_ns / 1000));
	ss = (struct vcpu_set_singleshot_timer){
		.timeout_abs_ns = gk_time_now_ns() - GK_NS_PER_MS,
		.flags = VCPU_SSHOTTMR_future};
	rc = gk_hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &ss);
	st_rc(t, "vcpu_op singleshot in the past with future flag", rc, -ETIME);
	rc = gk_hc_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0);
	st_rc(t, "vcpu_op stop_singleshot_timer", rc, 0);

	/* Xen fires the first tick at once or after one period: the third
	 * comes 2 to 3 periods after the timer is set. */
	ticks = gk_timer_ticks();
	t0 = gk_time_now_ns();
	rc = gk_hc_vcpu_op(VCPUOP_set_periodic_timer, 0, &per);
	st_wait_ticks(ticks + 3, t0 + st_guard(t, 15 * GK_NS_PER_MS));
	dt = gk_time_now_ns() - t0;
	gk_hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0);
	st_check(t,
		 rc == 0 && gk_timer_ticks() >= ticks + 3 &&
			 dt >= 10 * GK_NS_PER_MS &&
			 dt <= 15 * GK_NS_PER_MS + t->slack_ns,
		 "vcpu_op periodic 5 ms: 3 ticks after %llu us (10..15 ms, "
		 "late by <= %llu us)",
		 (unsigned long long)(dt / 1000),
		 (unsigned long long)(t->slack_ns / 1000));
	rc = gk_hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0);
	st_rc(t, "vcpu_op stop_periodic_timer", rc, 0);
	rc = gk_hc_vcpu_op(VCPUOP_set_periodic_timer, 0, (void *)st_past_ram());
	st_rc(t, "vcpu_op set_periodic_timer past RAM", rc, -EFAULT);

	/* A tick of the periodic timer may still be pending from before its
	 * stop returned; take it now so it is not mistaken for this timer. */
	gk_evtchn_poll();
	ticks = gk_timer_ticks();
	t0 = gk_time_now_ns();
	rc = gk_hc_set_timer_op(t0 + 3 * GK_NS_PER_MS);
	st_wait_ticks(ticks + 1, t0 + st_guard(t, 3 * GK_NS_PER_MS));
	dt = gk_time_now_ns() - t0;
	st_check(t,
		 rc == 0 && gk_timer_ticks() > ticks &&
			 st_on_time(t, dt, 3 * GK_NS_PER_MS),
		 "set_timer_op 3 ms: fired after %llu us (late by <= %llu us)",
		 (unsigned long long)(dt / 1000),
		 (unsigned long long)(t->slack_ns / 1000));
}

static void
test_vcpu(struct st *t)
{
	long rc;

	test_vcpu_info(t);
	rc = gk_hc_vcpu_op(VCPUOP_is_up, 0, 0);
	st_rc(t, "vcpu_op is_up vcpu 0", rc, 1);
	rc = gk_hc_vcpu_op(VCPUOP_is_up, ST_BAD_VCPU, 0);
	st_rc_badid(t, "vcpu_op is_up bad vcpu", rc);
	rc = gk_hc_vcpu_op(1000, 0, 0);
	st_rc(t, "vcpu_op unknown sub-op", rc, -ENOSYS);
	test_timers(t);
}

/* The kernel's own allocators, on real memory from the start_info map. */
static void
test_kernel_memory(struct st *t)
{
	static const size_t sizes[] = {1, 16, 17, 100, 2000, 2033, 5000, 70000};
	void *p[sizeof(sizes) / sizeof(sizes[0])];
	uint64_t before = gk.pages.nr_free;
	int ok = 1;

	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		p[i] = gk_zalloc(sizes[i]);
		if (!p[i] || ((uintptr_t)p[i] & 15))
			ok = 0;
		else
			memset(p[i], (int)i + 1, sizes[i]);
	}
	for (unsigned int i = 0; ok && i < sizeof(sizes) / sizeof(sizes[0]);
	     i++)
		ok = ((uint8_t *)p[i])[sizes[i] - 1] == i + 1;
	for (unsigned int i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++)
		gk_free(p[i]);
	st_check(t, ok && gk.pages.nr_free + 8 >= before,
		 "kernel heap: %u blocks of 1 B .. 70000 B, %llu pages free",
		 (unsigned int)(sizeof(sizes) / sizeof(sizes[0])),
		 (unsigned long long)gk.pages.nr_free);
}

static void
test_unknown(struct st *t)
{
	long rc;

	if (gk_hcall_has_stub(ST_NR_UNUSED)) {
		rc = gk_hcall(ST_NR_UNUSED, 0, 0, 0, 0, 0);
		st_rc(t, "unknown hypercall 63 via the page", rc, -ENOSYS);
	}
	rc = gk_hcall_raw(0x12345678, 1, 2, 3, 4, 5);
	st_rc(t, "unknown hypercall 0x12345678", rc, -ENOSYS);
	rc = gk_hcall_raw(~0ull, 0, 0, 0, 0, 0);
	st_rc(t, "unknown hypercall ~0", rc, -ENOSYS);
}

int
gk_app_selftest(const char *cmdline)
{
	struct st t = {0};
	evtchn_port_t idle_port = 0;

	uint64_t slack_us = ST_DEFAULT_SLACK_US;

	gk_cmdline_get_u64(cmdline, "timer_slack_us", &slack_us);
	gk_cmdline_get_u64(cmdline, "runstate_pause_probe", &t.pause_probe);
	if (slack_us > 3600ull * 1000000)
		slack_us = 3600ull * 1000000;
	t.slack_ns = slack_us * 1000;
	gk_info("selftest: start at %llu us\n",
		(unsigned long long)(gk_time_now_ns() / 1000));
	test_xen_version(&t);
	test_console(&t);
	test_memory(&t);
	test_hvm(&t);
	test_vcpu(&t);
	st_test_runstate(&t);
	st_test_evtchn(&t, &idle_port);
	st_test_sched(&t, idle_port);
	st_test_gnttab(&t);
	st_test_xenstore(&t);
	test_unknown(&t);
	test_kernel_memory(&t);
	gk_info("%u passed, %u failed\n", t.passed, t.failed);
	return t.failed ? 1 : 0;
}
