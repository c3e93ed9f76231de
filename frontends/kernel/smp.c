/*
 * kernel/smp.c: secondary vCPUs.  Owns the per-AP state (gk.smp): stacks,
 * registered vcpu_info pages, IPI ports and the work hand-off.  The boot
 * vCPU starts an AP with VCPUOP_initialise (64-bit, our page tables,
 * entry boot/smp_entry.S) and VCPUOP_up; the AP binds an IPI port, masks
 * it (so the boot vCPU's event loop, which scans every unmasked port,
 * never takes it) and sleeps in SCHEDOP_poll on it.  Nothing here trusts
 * more than the hypervisor's return codes.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_vcpu.h>

#include "gk/boot.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/evtchn.h"
#include "gk/heap.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/smp.h"
#include "gk/string.h"
#include "gk/time.h"

#define GK_AP_STACK_PAGES 4
#define GK_AP_START_NS	  5000000000ull
/* SCHEDOP_poll's own time-out while the boot vCPU waits for an AP: its
 * events wake it earlier; this only bounds a missed one. */
#define GK_SMP_POLL_NS 10000000ull

#define CR0_PE	 0x1ull
#define CR0_ET	 0x10ull
#define CR0_PG	 0x80000000ull
#define CR4_PAE	 0x20ull
#define EFER_LME 0x100ull

enum gk_ap_state { GK_AP_DOWN = 0, GK_AP_STARTING, GK_AP_READY, GK_AP_FAILED };

struct gk_ap {
	uint32_t state; /* enum gk_ap_state; atomics */
	evtchn_port_t port;
	gk_smp_work_fn fn;
	void *arg;
	struct vcpu_info *vcpu_info; /* its registered area */
	uint32_t work_seq; /* boot vCPU increments, AP copies to done_seq */
	uint32_t done_seq;
};

/* The SMP context, hung off gk.smp by the first gk_smp_start. */
struct gk_smp {
	uint32_t nr_vcpus;
	evtchn_port_t bsp_port; /* IPI to the boot vCPU: "state changed" */
	uint64_t kicks;
	struct gk_ap aps[GK_SMP_MAX_VCPUS];
};

extern char gk_entry64_ap[];
extern uint64_t gk_pml4[];
__attribute__((noreturn)) void gk_ap_main(uint64_t id);

uint32_t
gk_smp_nr_vcpus(void)
{
	uint32_t n = 1;

	while (n < GK_SMP_MAX_VCPUS &&
	       gk_hc_vcpu_op(VCPUOP_is_up, n, 0) != -ENOENT)
		n++;
	return n;
}

static void
gk_smp_bsp_kick(evtchn_port_t port, void *arg)
{
	struct gk_smp *s = arg;

	(void)port;
	s->kicks++;
}

static int
gk_smp_init(void)
{
	struct gk_smp *s;
	int rc;

	if (gk.smp)
		return 0;
	s = gk_zalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->nr_vcpus = gk_smp_nr_vcpus();
	rc = gk_evtchn_bind_ipi(0, &s->bsp_port);
	if (rc == 0)
		rc = gk_evtchn_set_handler(&gk.evtchn, s->bsp_port,
					   gk_smp_bsp_kick, s);
	if (rc < 0) {
		gk_free(s);
		return rc;
	}
	gk.smp = s;
	return 0;
}

/* Wait until cond(ap) or the deadline, handling the boot vCPU's events. */
static int
gk_smp_wait_for(struct gk_ap *ap, int (*cond)(struct gk_ap *),
		uint64_t timeout_ns)
{
	uint64_t deadline = gk_time_now_ns() + timeout_ns;
	evtchn_port_t port = gk.smp->bsp_port;

	for (;;) {
		gk_evtchn_poll();
		if (cond(ap))
			return 0;
		uint64_t now = gk_time_now_ns();
		if (now >= deadline)
			return -XEN_ETIMEDOUT;
		struct sched_poll p = {.nr_ports = 1,
				       .timeout = now + GK_SMP_POLL_NS};
		set_xen_guest_handle(p.ports, &port);
		gk_hc_sched_op(SCHEDOP_poll, &p);
	}
}

static int
gk_ap_started(struct gk_ap *ap)
{
	return __atomic_load_n(&ap->state, __ATOMIC_ACQUIRE) != GK_AP_STARTING;
}

static int
gk_ap_done(struct gk_ap *ap)
{
	return __atomic_load_n(&ap->done_seq, __ATOMIC_ACQUIRE) ==
	       __atomic_load_n(&ap->work_seq, __ATOMIC_RELAXED);
}

/* A page of its own for the AP's vcpu_info (Xen's per-vCPU area). */
static int
gk_smp_register_vcpu_info(uint32_t id)
{
	uint64_t pfn = gk_pages_alloc(&gk.pages, 1);
	struct vcpu_register_vcpu_info r = {.mfn = pfn, .offset = 0};
	void *page = (void *)(uintptr_t)(pfn << GK_PAGE_SHIFT);
	int rc;

	if (!pfn)
		return -ENOMEM;
	memset(page, 0, GK_PAGE_SIZE);
	rc = (int)gk_hc_vcpu_op(VCPUOP_register_vcpu_info, id, &r);
	if (rc == 0)
		gk.smp->aps[id].vcpu_info = page;
	return rc;
}

static int
gk_smp_initialise(uint32_t id)
{
	uint64_t stack = gk_pages_alloc(&gk.pages, GK_AP_STACK_PAGES);
	struct vcpu_hvm_context ctx;

	if (!stack)
		return -ENOMEM;
	memset(&ctx, 0, sizeof(ctx));
	ctx.mode = VCPU_HVM_MODE_64B;
	ctx.cpu_regs.x86_64.cr0 = CR0_PG | CR0_ET | CR0_PE;
	ctx.cpu_regs.x86_64.cr3 = (uint64_t)(uintptr_t)gk_pml4;
	ctx.cpu_regs.x86_64.cr4 = CR4_PAE;
	ctx.cpu_regs.x86_64.efer = EFER_LME;
	ctx.cpu_regs.x86_64.rflags = 0x2;
	ctx.cpu_regs.x86_64.rip = (uint64_t)(uintptr_t)gk_entry64_ap;
	/* As if called: the ABI's alignment at a function's first insn. */
	ctx.cpu_regs.x86_64.rsp =
		((stack + GK_AP_STACK_PAGES) << GK_PAGE_SHIFT) - 8;
	ctx.cpu_regs.x86_64.rdi = id;
	return (int)gk_hc_vcpu_op(VCPUOP_initialise, id, &ctx);
}

int
gk_smp_start(uint32_t id)
{
	struct gk_ap *ap;
	int rc = gk_smp_init();

	if (rc < 0)
		return rc;
	if (id == 0 || id >= gk.smp->nr_vcpus)
		return -EINVAL;
	ap = &gk.smp->aps[id];
	if (ap->state != GK_AP_DOWN)
		return -EBUSY;
	rc = gk_smp_register_vcpu_info(id);
	if (rc == 0)
		rc = gk_smp_initialise(id);
	if (rc < 0)
		return rc;
	__atomic_store_n(&ap->state, GK_AP_STARTING, __ATOMIC_RELEASE);
	rc = (int)gk_hc_vcpu_op(VCPUOP_up, id, 0);
	if (rc < 0)
		return rc;
	rc = gk_smp_wait_for(ap, gk_ap_started, GK_AP_START_NS);
	if (rc == 0 && ap->state != GK_AP_READY)
		rc = -XEN_EIO;
	return rc;
}

int
gk_smp_is_ready(uint32_t id)
{
	return gk.smp && id < GK_SMP_MAX_VCPUS &&
	       __atomic_load_n(&gk.smp->aps[id].state, __ATOMIC_ACQUIRE) ==
		       GK_AP_READY;
}

evtchn_port_t
gk_smp_ap_port(uint32_t id)
{
	return gk_smp_is_ready(id) ? gk.smp->aps[id].port : 0;
}

evtchn_port_t
gk_smp_bsp_port(void)
{
	return gk.smp ? gk.smp->bsp_port : 0;
}

struct vcpu_info *
gk_smp_vcpu_info(uint32_t id)
{
	if (id == 0)
		return gk.vcpu_info;
	return gk_smp_is_ready(id) ? gk.smp->aps[id].vcpu_info : 0;
}

int
gk_smp_run(uint32_t id, gk_smp_work_fn fn, void *arg)
{
	struct gk_ap *ap;

	if (!gk_smp_is_ready(id))
		return -EINVAL;
	ap = &gk.smp->aps[id];
	if (!gk_ap_done(ap))
		return -EBUSY;
	ap->fn = fn;
	ap->arg = arg;
	__atomic_add_fetch(&ap->work_seq, 1, __ATOMIC_RELEASE);
	return gk_evtchn_send(ap->port);
}

int
gk_smp_wait(uint32_t id, uint64_t timeout_ns)
{
	if (!gk_smp_is_ready(id))
		return -EINVAL;
	return gk_smp_wait_for(&gk.smp->aps[id], gk_ap_done, timeout_ns);
}

/* The AP's loop: sleep on its masked port, run what it was given. */
static __attribute__((noreturn)) void
gk_ap_loop(uint32_t id, struct gk_ap *ap)
{
	struct shared_info *s = gk.shared_info;
	evtchn_port_t port = ap->port;

	for (;;) {
		struct sched_poll p = {.nr_ports = 1, .timeout = 0};
		set_xen_guest_handle(p.ports, &port);
		gk_hc_sched_op(SCHEDOP_poll, &p);
		if (!gk_evtchn_is_pending(s, port))
			continue;
		gk_evtchn_clear_pending(s, port);
		uint32_t seq = __atomic_load_n(&ap->work_seq, __ATOMIC_ACQUIRE);
		if (seq == ap->done_seq)
			continue;
		ap->fn(id, ap->arg);
		__atomic_store_n(&ap->done_seq, seq, __ATOMIC_RELEASE);
		gk_evtchn_send(gk.smp->bsp_port);
	}
}

void
gk_ap_main(uint64_t id64)
{
	uint32_t id = (uint32_t)id64;
	struct gk_ap *ap = &gk.smp->aps[id];
	evtchn_port_t port;
	uint32_t state = GK_AP_READY;

	if (gk_evtchn_bind_ipi(id, &port) < 0) {
		state = GK_AP_FAILED;
	} else {
		gk_evtchn_set_mask(gk.shared_info, port);
		ap->port = port;
	}
	__atomic_store_n(&ap->state, state, __ATOMIC_RELEASE);
	gk_evtchn_send(gk.smp->bsp_port);
	if (state == GK_AP_READY)
		gk_ap_loop(id, ap);
	for (;;)
		gk_hc_vcpu_op(VCPUOP_down, id, 0);
}
