/*
 * apps/hostile.c: thousands of random and malformed hypercalls (seed=N,
 * count=N) and notify-doorbell writes against the hypervisor, then a
 * clean poweroff and a summary.
 * The app attacks the hypervisor, not itself: every pointer that a
 * hypercall may write through stays out of the kernel image except for a
 * scratch region, and the few operations that could kill this kernel are
 * sandboxed (see skip rules at each generator and docs/guest-kernel.md).
 */
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
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/string.h"
#include "gk/time.h"

#define HOSTILE_SCRATCH_BYTES (64 * 1024)
#define HOSTILE_MAX_ARG_BYTES 4096 /* no hypercall writes more per call */
#define HOSTILE_DEFAULT_COUNT 2000
#define HOSTILE_MAX_COUNT     10000000

/* The only part of the image hypercalls may write into. */
static uint8_t hostile_scratch[HOSTILE_SCRATCH_BYTES]
	__attribute__((aligned(4096), section(".bss.page")));
/* vcpu_info is registered here first, so that any later random
 * register_vcpu_info fails ("once only") instead of moving it. */
static uint8_t hostile_vcpu_page[4096]
	__attribute__((aligned(4096), section(".bss.page")));

struct hostile {
	uint64_t rng;
	uint64_t nr_calls;
	uint64_t nr_ok;
	uint64_t nr_efault;
	uint64_t nr_einval;
	uint64_t nr_enosys;
	uint64_t nr_eperm;
	uint64_t nr_other;
	uint64_t nr_skipped;
	uint64_t nr_doorbell; /* writes to the notify doorbell port */
};

/* xorshift64*: small, and the same sequence for the same seed. */
static uint64_t
hostile_rand(struct hostile *h)
{
	h->rng ^= h->rng >> 12;
	h->rng ^= h->rng << 25;
	h->rng ^= h->rng >> 27;
	return h->rng * 0x2545f4914f6cdd1dull;
}

static uint64_t
hostile_below(struct hostile *h, uint64_t n)
{
	return n ? hostile_rand(h) % n : 0;
}

static int
in_image(uint64_t p)
{
	return p >= (uintptr_t)gk_image_start && p < (uintptr_t)gk_image_end;
}

static uint64_t
scratch_ptr(struct hostile *h)
{
	return (uintptr_t)hostile_scratch +
	       hostile_below(h, HOSTILE_SCRATCH_BYTES - HOSTILE_MAX_ARG_BYTES);
}

/* A pointer a hypercall may write through without hurting this kernel:
 * the scratch region, low RAM (unused after boot), free RAM above the
 * image, past RAM, the special area, unmapped, non-canonical, tiny. */
static uint64_t
hostile_ptr(struct hostile *h)
{
	uint64_t end = (uintptr_t)gk_image_end + (1u << 20), p;

	switch (hostile_below(h, 9)) {
	case 0:
	case 1:
		return scratch_ptr(h);
	case 2:
		p = hostile_below(h, 0x9f000 - HOSTILE_MAX_ARG_BYTES);
		break;
	case 3:
		p = gk.ram_end > end + (1u << 20)
			    ? end + hostile_below(h,
						  gk.ram_end - end -
							  HOSTILE_MAX_ARG_BYTES)
			    : 0;
		break;
	case 4:
		p = gk.ram_end + hostile_below(h, 0xfe000000ull - gk.ram_end);
		break;
	case 5:
		p = 0xfe000000ull + hostile_below(h, 128 * 4096);
		break;
	case 6:
		p = (1ull << 32) + hostile_below(h, 1ull << 40);
		break;
	case 7:
		p = hostile_rand(h);
		break;
	default:
		p = hostile_below(h, 64);
		break;
	}
	return in_image(p) ? scratch_ptr(h) : p;
}

/* A pointer only read by the hypervisor: may also hit the kernel's own
 * code, descriptor tables and page tables. */
static uint64_t
hostile_ro_ptr(struct hostile *h)
{
	if (hostile_below(h, 2))
		return (uintptr_t)gk_image_start +
		       hostile_below(h, gk_image_end - gk_image_start - 64);
	return hostile_ptr(h);
}

/* Random bytes at a scratch pointer, returned for use as an argument. */
static uint64_t
hostile_struct(struct hostile *h, size_t len)
{
	uint64_t p = scratch_ptr(h);
	uint8_t *b = (uint8_t *)(uintptr_t)p;

	for (size_t i = 0; i < len; i++)
		b[i] = (uint8_t)hostile_rand(h);
	return p;
}

static uint64_t
hostile_arg(struct hostile *h)
{
	switch (hostile_below(h, 4)) {
	case 0:
		return hostile_below(h, 16);
	case 1:
		return hostile_rand(h);
	case 2:
		return hostile_ptr(h);
	default:
		return (uint64_t) - (int64_t)hostile_below(h, 64);
	}
}

static void
hostile_count(struct hostile *h, long rc)
{
	h->nr_calls++;
	if (rc >= 0)
		h->nr_ok++;
	else if (rc == -EFAULT)
		h->nr_efault++;
	else if (rc == -EINVAL)
		h->nr_einval++;
	else if (rc == -ENOSYS)
		h->nr_enosys++;
	else if (rc == -EPERM)
		h->nr_eperm++;
	else
		h->nr_other++;
}

/* event_channel_op: random sub-op and contents.  Skipped: reset (10, 14).
 * close and bind_vcpu take their port from scratch only, never naming the
 * timer port the kernel needs. */
static long
hostile_evtchn(struct hostile *h)
{
	uint32_t cmd = (uint32_t)hostile_below(h, 16);
	uint64_t arg;

	if (cmd == EVTCHNOP_reset || cmd == 14 /* reset_cont in newer Xen */)
		return 1;
	if (cmd == EVTCHNOP_close || cmd == EVTCHNOP_bind_vcpu) {
		uint32_t *port = (uint32_t *)(uintptr_t)hostile_struct(h, 8);

		if (hostile_below(h, 2))
			*port = (uint32_t)hostile_below(h, 64);
		if (*port == gk.timer_port)
			*port = 0;
		arg = (uintptr_t)port;
	} else if ((cmd == EVTCHNOP_send || cmd == EVTCHNOP_unmask) &&
		   hostile_below(h, 4) == 0) {
		arg = hostile_ro_ptr(h);
	} else if (hostile_below(h, 4) == 0) {
		arg = hostile_ptr(h);
	} else {
		uint32_t *w = (uint32_t *)(uintptr_t)hostile_struct(h, 24);

		/* Small values hit live ports, domids and vCPUs. */
		for (int i = 0; i < 6; i++)
			if (hostile_below(h, 2))
				w[i] = (uint32_t)hostile_below(h, 8);
		arg = (uintptr_t)w;
	}
	return gk_hc_event_channel_op((int)cmd, (void *)(uintptr_t)arg);
}

/* grant_table_op: copies may only write to scratch pages or grefs. */
static long
hostile_gnttab(struct hostile *h)
{
	uint32_t cmd = (uint32_t)hostile_below(h, 14);
	uint32_t count = (uint32_t)hostile_below(h, 4);
	uint64_t arg = hostile_struct(h, 4 * sizeof(struct gnttab_copy));

	if (cmd == GNTTABOP_copy) {
		struct gnttab_copy *op = (struct gnttab_copy *)(uintptr_t)arg;

		for (uint32_t i = 0; i < count; i++) {
			if (op[i].flags & GNTCOPY_dest_gref)
				continue;
			op[i].dest.u.gmfn = (uintptr_t)hostile_scratch >> 12;
			op[i].dest.domid = DOMID_SELF;
		}
	} else if (cmd == GNTTABOP_setup_table) {
		struct gnttab_setup_table *op =
			(struct gnttab_setup_table *)(uintptr_t)arg;

		set_xen_guest_handle(op->frame_list,
				     (xen_pfn_t *)(uintptr_t)hostile_ptr(h));
	} else if (hostile_below(h, 4) == 0) {
		arg = hostile_ptr(h);
	}
	return gk_hc_grant_table_op(cmd, (void *)(uintptr_t)arg, count);
}

/* memory_op: only sub-ops that cannot move shared_info, grant frames or
 * RAM pages under the kernel: add_to_physmap gets a space above
 * XENMAPSPACE_dev_mmio, reservations write only to scratch, and
 * decrease_reservation/populate_physmap are skipped. */
static long
hostile_memory(struct hostile *h)
{
	static const uint32_t cmds[] = {
		XENMEM_increase_reservation, XENMEM_current_reservation,
		XENMEM_maximum_reservation,  XENMEM_memory_map,
		XENMEM_add_to_physmap,	     1000,
	};
	uint32_t cmd = cmds[hostile_below(h, sizeof(cmds) / sizeof(cmds[0]))];
	uint64_t arg = hostile_struct(h, 64);

	if (cmd == XENMEM_add_to_physmap) {
		struct xen_add_to_physmap *x =
			(struct xen_add_to_physmap *)(uintptr_t)arg;

		x->space = XENMAPSPACE_dev_mmio + 1 +
			   (uint32_t)hostile_below(h, 1000);
	} else if (cmd == XENMEM_increase_reservation) {
		struct xen_memory_reservation *r =
			(struct xen_memory_reservation *)(uintptr_t)arg;

		set_xen_guest_handle(r->extent_start,
				     (xen_pfn_t *)(uintptr_t)scratch_ptr(h));
		r->nr_extents %= 64;
	} else if (cmd == XENMEM_memory_map) {
		struct xen_memory_map *m =
			(struct xen_memory_map *)(uintptr_t)arg;

		set_xen_guest_handle(m->buffer,
				     (void *)(uintptr_t)hostile_ptr(h));
	} else if (hostile_below(h, 3) == 0) {
		arg = hostile_ptr(h);
	}
	return gk_hc_memory_op(cmd, (void *)(uintptr_t)arg);
}

/* vcpu_op: no initialise (0), up (1) or down (2) of any vCPU (a random
 * context would start a vCPU at a random rip; down would stop this one);
 * runstate areas only in scratch (the hypervisor keeps writing them). */
static long
hostile_vcpu(struct hostile *h)
{
	uint32_t cmd = (uint32_t)hostile_below(h, 16);
	uint32_t vcpu = hostile_below(h, 4) ? 0 : (uint32_t)hostile_rand(h);
	uint64_t arg =
		hostile_below(h, 3) ? hostile_struct(h, 32) : hostile_ptr(h);

	if (cmd == VCPUOP_down || cmd == VCPUOP_initialise || cmd == VCPUOP_up)
		return 1;
	if (cmd == VCPUOP_register_runstate_memory_area) {
		uint64_t *va = (uint64_t *)(uintptr_t)scratch_ptr(h);

		*va = scratch_ptr(h);
		arg = (uintptr_t)va;
	}
	return gk_hc_vcpu_op((int)cmd, vcpu, (void *)(uintptr_t)arg);
}

/* sched_op: yield, bounded polls and unknown sub-ops only; never block,
 * never shutdown (with any reason), never watchdog. */
static long
hostile_sched(struct hostile *h)
{
	struct sched_poll *sp;
	uint32_t cmd = (uint32_t)hostile_below(h, 12);

	if (cmd == SCHEDOP_yield || cmd >= 7)
		return gk_hc_sched_op((int)cmd,
				      (void *)(uintptr_t)hostile_arg(h));
	if (cmd != SCHEDOP_poll)
		return 1;
	sp = (struct sched_poll *)(uintptr_t)hostile_struct(h, sizeof(*sp));
	sp->timeout = gk_time_now_ns() + hostile_below(h, 200000) + 1;
	if (hostile_below(h, 2))
		set_xen_guest_handle(
			sp->ports,
			(evtchn_port_t *)(uintptr_t)hostile_ro_ptr(h));
	return gk_hc_sched_op(SCHEDOP_poll, sp);
}

/* hvm_op: anything but installing an upcall (set_param CALLBACK_IRQ and
 * set_evtchn_upcall_vector): this kernel takes no interrupts. */
static long
hostile_hvm(struct hostile *h)
{
	uint32_t cmd = (uint32_t)hostile_below(h, 40);
	uint64_t arg = hostile_struct(h, 16);
	struct xen_hvm_param *p = (struct xen_hvm_param *)(uintptr_t)arg;

	if (cmd == HVMOP_set_evtchn_upcall_vector)
		return 1;
	if (cmd == HVMOP_set_param && p->index == HVM_PARAM_CALLBACK_IRQ)
		p->index = HVM_NR_PARAMS + 1;
	if (cmd != HVMOP_set_param && hostile_below(h, 4) == 0)
		arg = hostile_ptr(h);
	return gk_hc_hvm_op(cmd, (void *)(uintptr_t)arg);
}

/* Any other hypercall number, through the page (nr < 64: 13 multicall is
 * skipped, it could nest any call; 23 iret is a ud2 stub) or raw. */
static long
hostile_other(struct hostile *h)
{
	uint64_t nr =
		hostile_below(h, 4) ? hostile_below(h, 64) : hostile_rand(h);
	uint64_t a[5];

	for (int i = 0; i < 5; i++)
		a[i] = hostile_arg(h);
	switch (nr) {
	case __HYPERVISOR_multicall:
	case __HYPERVISOR_iret:
	case __HYPERVISOR_memory_op:
	case __HYPERVISOR_vcpu_op:
	case __HYPERVISOR_sched_op:
	case __HYPERVISOR_event_channel_op:
	case __HYPERVISOR_grant_table_op:
	case __HYPERVISOR_hvm_op:
	case __HYPERVISOR_xen_version:
	case __HYPERVISOR_console_io:
		return 1; /* their own generators keep them safe */
	}
	if (nr < 64)
		return gk_hcall((unsigned int)nr, a[0], a[1], a[2], a[3], a[4]);
	return gk_hcall_raw(nr, a[0], a[1], a[2], a[3], a[4]);
}

/* xen_version and console_io: outputs land in writable places only; the
 * console gets short or invalid buffers, never pages of noise. */
static long
hostile_misc(struct hostile *h)
{
	static const char msg[] = "hostile: console_io probe\n";

	if (hostile_below(h, 2))
		return gk_hc_xen_version((int)hostile_below(h, 16),
					 (void *)(uintptr_t)hostile_ptr(h));
	switch (hostile_below(h, 4)) {
	case 0:
		return gk_hcall(__HYPERVISOR_console_io, CONSOLEIO_write,
				hostile_rand(h), hostile_ptr(h), 0, 0);
	case 1:
		return gk_hcall(__HYPERVISOR_console_io, CONSOLEIO_read,
				hostile_below(h, 4096), scratch_ptr(h), 0, 0);
	case 2:
		return gk_hcall(__HYPERVISOR_console_io, hostile_rand(h),
				hostile_rand(h), hostile_ptr(h), 0, 0);
	default:
		return gk_hc_console_write(msg, sizeof(msg) - 1);
	}
}

/* The notify doorbell (xylem/hcall.h): random 16-bit values, mostly low
 * port numbers (some of them this guest's own dom0-bound ports, which
 * xylem-hv serves with KVM ioeventfds), plus byte writes at the
 * doorbell's port and the one after it (wider ones would reach ports the
 * TSS bitmap denies, and fault this kernel).  No result to count. */
static long
hostile_doorbell(struct hostile *h)
{
	uint16_t v = (uint16_t)(hostile_below(h, 2) ? hostile_below(h, 16)
						    : hostile_rand(h));

	h->nr_doorbell++;
	switch (hostile_below(h, 8)) {
	case 0:
		__asm__ volatile("outb %b0, %w1"
				 :
				 : "a"((uint8_t)v), "Nd"(XYL_DOORBELL_IO_PORT +
							 hostile_below(h, 2))
				 : "memory");
		break;
	default:
		__asm__ volatile("outw %w0, %w1"
				 :
				 : "a"(v), "Nd"(XYL_DOORBELL_IO_PORT)
				 : "memory");
	}
	return 0;
}

static long
hostile_one(struct hostile *h)
{
	if (hostile_below(h, 10) == 0)
		return hostile_doorbell(h);
	switch (hostile_below(h, 9)) {
	case 0:
		return hostile_evtchn(h);
	case 1:
		return hostile_gnttab(h);
	case 2:
		return hostile_memory(h);
	case 3:
		return hostile_vcpu(h);
	case 4:
		return hostile_sched(h);
	case 5:
		return hostile_hvm(h);
	case 6:
		return hostile_misc(h);
	case 7:
		return gk_hc_set_timer_op(
			hostile_below(h, 2)
				? gk_time_now_ns() + hostile_below(h, 1000000)
				: hostile_rand(h));
	default:
		return hostile_other(h);
	}
}

/* Fill low RAM (the loader's start_info, memmap and cmdline, copied out at
 * boot) with noise: hypercalls then read random structs there, and none
 * of them can hold a pointer into the image by accident of the loader. */
static void
hostile_prepare(struct hostile *h)
{
	uint64_t *p = (uint64_t *)(uintptr_t)0x1000;

	for (size_t i = 0; i < (0x9f000 - 0x1000) / 8; i++) {
		uint64_t v = hostile_rand(h);

		p[i] = in_image(v) ? 0 : v;
	}
}

/* Undo what random calls may have left running, and check the basics
 * still work. */
static int
hostile_settle(void)
{
	long rc;

	gk_hc_vcpu_op(VCPUOP_stop_periodic_timer, 0, 0);
	gk_hc_vcpu_op(VCPUOP_stop_singleshot_timer, 0, 0);
	gk_hc_set_timer_op(0);
	gk_evtchn_poll();
	rc = gk_hc_xen_version(XENVER_version, 0);
	if (rc <= 0)
		return -1;
	return gk_sleep_ns(GK_NS_PER_MS);
}

int
gk_app_hostile(const char *cmdline)
{
	struct hostile h = {0};
	struct vcpu_register_vcpu_info r = {
		.mfn = (uintptr_t)hostile_vcpu_page >> 12, .offset = 0};
	uint64_t seed = 1, count = HOSTILE_DEFAULT_COUNT, t0;

	gk_cmdline_get_u64(cmdline, "seed", &seed);
	gk_cmdline_get_u64(cmdline, "count", &count);
	if (count > HOSTILE_MAX_COUNT)
		count = HOSTILE_MAX_COUNT;
	h.rng = seed * 0x9e3779b97f4a7c15ull + 1;
	if (gk_hc_vcpu_op(VCPUOP_register_vcpu_info, 0, &r) == 0)
		gk.vcpu_info = (struct vcpu_info *)hostile_vcpu_page;
	hostile_prepare(&h);
	gk_info("hostile: seed %llu count %llu\n", (unsigned long long)seed,
		(unsigned long long)count);
	t0 = gk_time_now_ns();
	for (uint64_t i = 0; i < count; i++) {
		long rc = hostile_one(&h);

		if (rc == 1)
			h.nr_skipped++;
		else
			hostile_count(&h, rc);
		if ((i & 63) == 0)
			gk_evtchn_poll();
	}
	if (hostile_settle() < 0) {
		gk_err("hostile: hypervisor no longer answers sanely\n");
		return -1;
	}
	gk_info("hostile: seed %llu: %llu calls in %llu ms: ok %llu efault "
		"%llu "
		"einval %llu enosys %llu eperm %llu other %llu, skipped %llu, "
		"doorbell writes %llu, unhandled events %llu\n",
		(unsigned long long)seed, (unsigned long long)h.nr_calls,
		(unsigned long long)((gk_time_now_ns() - t0) / GK_NS_PER_MS),
		(unsigned long long)h.nr_ok, (unsigned long long)h.nr_efault,
		(unsigned long long)h.nr_einval,
		(unsigned long long)h.nr_enosys, (unsigned long long)h.nr_eperm,
		(unsigned long long)h.nr_other,
		(unsigned long long)h.nr_skipped,
		(unsigned long long)h.nr_doorbell,
		(unsigned long long)gk.evtchn.nr_unhandled);
	return 0;
}
