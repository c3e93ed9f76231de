/*
 * tests/unit/hypervisor/hypercall_test.c: the guest-facing boundary
 * (hypercall.c and the hc_* units) with hostile arguments: unknown
 * numbers, bad pointers and lengths, foreign domids, forbidden params.
 * The rest of xylem-hv is faked (tests/lib/fake_core.c); gva == gpa.
 */
#include <check.h>
#include <linux/kvm.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/hvm/hvm_op.h>
#include <xen/hvm/params.h>
#include <xen/memory.h>
#include <xen/sched.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/version.h>

#include "xylem/hcall.h"
#include "domain.h"
#include "fake_core.h"
#include "hypercall.h"
#include "vcpu.h"

#define BUF_GPA 0x10000ull

static struct domain *d;
static struct vcpu *v;

static void
setup(void)
{
	d = fake_core_domain_new(2);
	v = &d->vcpus[0];
}

static void
teardown(void)
{
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

START_TEST(test_unknown_hypercalls)
{
	ck_assert_int_eq(hc(__HYPERVISOR_mmu_update, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(63, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(1000, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(~0ull, 0, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(__HYPERVISOR_xen_version, 99, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(__HYPERVISOR_memory_op, 99, 0, 0), -ENOSYS);
	ck_assert_int_eq(hc(__HYPERVISOR_hvm_op, HVMOP_pagetable_dying, 0, 0),
			 -ENOSYS);
	ck_assert_int_eq(hc(__HYPERVISOR_sched_op, 99, 0, 0), -ENOSYS);
}
END_TEST

START_TEST(test_copy_bounds)
{
	uint8_t b[64];
	uint64_t ram = d->mem.ram_bytes;

	ck_assert_int_eq(guest_copy_from(v, b, 0, sizeof(b)), 0);
	ck_assert_int_eq(guest_copy_from(v, b, ram - 32, 64), -EFAULT);
	ck_assert_int_eq(guest_copy_from(v, b, ram, 1), -EFAULT);
	ck_assert_int_eq(guest_copy_from(v, b, ~0ull - 8, 64), -EFAULT);
	ck_assert_int_eq(guest_copy_to(v, 0xfffff000ull, b, 8), -EFAULT);
	/* Across a page boundary inside RAM. */
	memset(gpa(0x1ff8), 0x5a, 16);
	ck_assert_int_eq(guest_copy_from(v, b, 0x1ff8, 16), 0);
	ck_assert_uint_eq(b[15], 0x5a);
	/* The special area is guest memory too. */
	ck_assert_int_eq(guest_copy_from(v, b, MEMORY_SPECIAL_GPA, 8), 0);
	ck_assert_int_eq(guest_copy_from(v, b, MEMORY_SPECIAL_GPA - 4, 8),
			 -EFAULT);
}
END_TEST

/* 4-level tables at 0x100000: 0x400000.. maps 4 KiB pages to
 * 0x200000.., 0x40000000 maps a 2 MiB page at 0x200000, the rest
 * is absent. */
static void
setup_long_mode(void)
{
	uint64_t *pml4 = gpa(0x100000), *pdpt = gpa(0x101000);
	uint64_t *pd = gpa(0x102000), *pt = gpa(0x103000);
	uint64_t *pd1 = gpa(0x104000);
	struct kvm_sregs *sr = &v->run->s.regs.sregs;

	pml4[0] = 0x101000 | 3;
	pdpt[0] = 0x102000 | 3;
	pdpt[1] = 0x104000 | 3;	      /* 1 GiB.. */
	pd[2] = 0x103000 | 3;	      /* 4 MiB.. */
	pt[0] = 0x200000 | 3;	      /* 0x400000 -> 0x200000 */
	pt[1] = 0x201000 | 3;	      /* 0x401000 -> 0x201000 */
	pd1[0] = 0x200000 | 0x80 | 3; /* 2 MiB page */
	sr->cr0 = 0x80000011;
	sr->cr3 = 0x100000;
	sr->cr4 = 0x20;
	sr->efer = 0x500;
}

START_TEST(test_software_walk)
{
	uint64_t pa;

	setup_long_mode();
	ck_assert_int_eq(guest_virt_to_phys(v, 0x400123, &pa), 0);
	ck_assert_uint_eq(pa, 0x200123);
	ck_assert_int_eq(guest_virt_to_phys(v, 0x401ff8, &pa), 0);
	ck_assert_uint_eq(pa, 0x201ff8);
	ck_assert_int_eq(guest_virt_to_phys(v, 0x40012345, &pa), 0);
	ck_assert_uint_eq(pa, 0x212345);
	ck_assert_int_eq(guest_virt_to_phys(v, 0x402000, &pa), -EFAULT);
	ck_assert_int_eq(guest_virt_to_phys(v, 0x80000000, &pa), -EFAULT);
	ck_assert_int_eq(guest_virt_to_phys(v, 0x0000800000000000ull, &pa),
			 -EFAULT); /* non-canonical */
	/* A copy that crosses from a mapped into an absent page faults. */
	uint8_t b[16];
	ck_assert_int_eq(guest_copy_from(v, b, 0x401ff8, 16), -EFAULT);
	memset(gpa(0x200ff8), 0x77, 16);
	ck_assert_int_eq(guest_copy_from(v, b, 0x400ff8, 16), 0);
	ck_assert_uint_eq(b[0], 0x77);
	/* A leaf pointing outside guest memory translates (as KVM_TRANSLATE
	 * would) but cannot be copied; a table there faults the walk. */
	((uint64_t *)gpa(0x103000))[2] = (1ull << 45) | 3;
	ck_assert_int_eq(guest_virt_to_phys(v, 0x402000, &pa), 0);
	ck_assert_int_eq(guest_copy_from(v, b, 0x402000, 4), -EFAULT);
	((uint64_t *)gpa(0x101000))[3] = (1ull << 45) | 3;
	ck_assert_int_eq(guest_virt_to_phys(v, 0xc0000000, &pa), -EFAULT);
}
END_TEST

START_TEST(test_console_io)
{
	memcpy(gpa(BUF_GPA), "hello", 5);
	ck_assert_int_eq(
		hc(__HYPERVISOR_console_io, CONSOLEIO_write, 5, BUF_GPA), 0);
	ck_assert_uint_eq(fake_core_calls()->console_bytes, 5);
	ck_assert_int_eq(memcmp(fake_core_calls()->console, "hello", 5), 0);
	ck_assert_int_eq(hc(__HYPERVISOR_console_io, CONSOLEIO_write, 16,
			    d->mem.ram_bytes - 8),
			 -EFAULT);
	ck_assert_int_eq(hc(__HYPERVISOR_console_io, CONSOLEIO_write,
			    1ull << 40, BUF_GPA),
			 -EINVAL);
	ck_assert_int_eq(
		hc(__HYPERVISOR_console_io, CONSOLEIO_read, 5, BUF_GPA), 0);
	ck_assert_int_eq(hc(__HYPERVISOR_console_io, 7, 5, BUF_GPA), -ENOSYS);
}
END_TEST

START_TEST(test_xen_version)
{
	xen_feature_info_t fi = {.submap_idx = 0};

	ck_assert_int_eq(hc(__HYPERVISOR_xen_version, XENVER_version, 0, 0),
			 (4 << 16) | 17);
	memcpy(gpa(BUF_GPA), &fi, sizeof(fi));
	ck_assert_int_eq(
		hc(__HYPERVISOR_xen_version, XENVER_get_features, BUF_GPA, 0),
		0);
	memcpy(&fi, gpa(BUF_GPA), sizeof(fi));
	ck_assert_uint_eq(fi.submap & (1u << 9), 1u << 9); /* safe pvclock */
	ck_assert_uint_eq(fi.submap & (1u << 10), 0);	   /* no pirqs */
	fi.submap_idx = 1;
	memcpy(gpa(BUF_GPA), &fi, sizeof(fi));
	ck_assert_int_eq(
		hc(__HYPERVISOR_xen_version, XENVER_get_features, BUF_GPA, 0),
		-EINVAL);
	ck_assert_int_eq(hc(__HYPERVISOR_xen_version, XENVER_get_features,
			    d->mem.ram_bytes, 0),
			 -EFAULT);
	ck_assert_int_eq(
		hc(__HYPERVISOR_xen_version, XENVER_extraversion, BUF_GPA, 0),
		0);
	ck_assert_str_eq((char *)gpa(BUF_GPA), ".0-xylem");
}
END_TEST

START_TEST(test_add_to_physmap)
{
	struct xen_add_to_physmap x = {.domid = DOMID_SELF,
				       .space = XENMAPSPACE_shared_info,
				       .gpfn = 0x20};

	memcpy(gpa(BUF_GPA), &x, sizeof(x));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BUF_GPA, 0),
		0);
	ck_assert_ptr_eq(d->shared_info, gpa(0x20000));
	ck_assert_ptr_eq(atomic_load(&d->vcpus[1].vcpu_info),
			 &((struct shared_info *)gpa(0x20000))->vcpu_info[1]);
	x.gpfn = d->mem.ram_bytes >> 12; /* just past RAM */
	memcpy(gpa(BUF_GPA), &x, sizeof(x));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BUF_GPA, 0),
		-EINVAL);
	x.gpfn = 0x20;
	x.domid = 3; /* someone else */
	memcpy(gpa(BUF_GPA), &x, sizeof(x));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BUF_GPA, 0),
		-EPERM);
	x.domid = DOMID_SELF;
	x.space = XENMAPSPACE_grant_table;
	x.idx = 0;
	x.gpfn = 0xf0000;
	memcpy(gpa(BUF_GPA), &x, sizeof(x));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap, BUF_GPA, 0),
		0);
	ck_assert_int_eq(fake_core_calls()->gnttab_maps, 1);
	ck_assert_int_eq(hc(__HYPERVISOR_memory_op, XENMEM_add_to_physmap,
			    0xfffffff0ull, 0),
			 -EFAULT);
}
END_TEST

START_TEST(test_memory_map_and_reservation)
{
	struct xen_memory_map m = {.nr_entries = 2};
	domid_t self = DOMID_SELF, other = 9;

	set_xen_guest_handle(m.buffer, (void *)(uintptr_t)(BUF_GPA + 0x100));
	memcpy(gpa(BUF_GPA), &m, sizeof(m));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_memory_map, BUF_GPA, 0), 0);
	memcpy(&m, gpa(BUF_GPA), sizeof(m));
	ck_assert_uint_eq(m.nr_entries, 2);
	set_xen_guest_handle(m.buffer, (void *)(uintptr_t)0xfffff000u);
	m.nr_entries = 4;
	memcpy(gpa(BUF_GPA), &m, sizeof(m));
	ck_assert_int_eq(
		hc(__HYPERVISOR_memory_op, XENMEM_memory_map, BUF_GPA, 0),
		-EFAULT);
	memcpy(gpa(BUF_GPA), &self, sizeof(self));
	ck_assert_int_eq(hc(__HYPERVISOR_memory_op, XENMEM_current_reservation,
			    BUF_GPA, 0),
			 FAKE_CORE_RAM_BYTES >> 12);
	memcpy(gpa(BUF_GPA), &other, sizeof(other));
	ck_assert_int_eq(hc(__HYPERVISOR_memory_op, XENMEM_maximum_reservation,
			    BUF_GPA, 0),
			 -EPERM);
}
END_TEST

static int64_t
hvm_param(int op, domid_t domid, uint32_t index, uint64_t value)
{
	struct xen_hvm_param p = {
		.domid = domid, .index = index, .value = value};

	memcpy(gpa(BUF_GPA), &p, sizeof(p));
	return hc(__HYPERVISOR_hvm_op, op, BUF_GPA, 0);
}

START_TEST(test_hvm_params)
{
	struct xen_hvm_param p;

	ck_assert_int_eq(
		hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_STORE_PFN, 0),
		0);
	memcpy(&p, gpa(BUF_GPA), sizeof(p));
	ck_assert_uint_eq(p.value, 0xfe040);
	ck_assert_int_eq(
		hvm_param(HVMOP_set_param, DOMID_SELF, HVM_PARAM_STORE_PFN, 5),
		-EPERM);
	ck_assert_int_eq(
		hvm_param(HVMOP_get_param, DOMID_SELF, HVM_PARAM_IDENT_PT, 0),
		-EPERM);
	ck_assert_int_eq(
		hvm_param(HVMOP_get_param, DOMID_SELF, HVM_NR_PARAMS, 0),
		-EINVAL);
	ck_assert_int_eq(hvm_param(HVMOP_get_param, 3, HVM_PARAM_STORE_PFN, 0),
			 -EPERM);
	/* Linux's "look enlightened" GSI 1 is accepted; the vector type
	 * arms callback.c's delivery; PCI INTx, low vectors and stray bits
	 * are refused. */
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ, 1),
			 0);
	ck_assert_uint_eq(atomic_load(&d->callback_vector), 0);
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | 0xf3),
			 0);
	ck_assert_uint_eq(atomic_load(&d->callback_vector), 0xf3);
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ, (2ull << 56) | 0x05),
			 -EINVAL);
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ,
				   (2ull << 56) | 0x1f3),
			 -EINVAL);
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ, (1ull << 56) | 3),
			 -EINVAL);
	ck_assert_uint_eq(atomic_load(&d->callback_vector), 0xf3);
	ck_assert_int_eq(hvm_param(HVMOP_set_param, DOMID_SELF,
				   HVM_PARAM_CALLBACK_IRQ, 0),
			 0);
	ck_assert_uint_eq(atomic_load(&d->callback_vector), 0);
	ck_assert_int_eq(
		hc(__HYPERVISOR_hvm_op, HVMOP_get_param, 0xfffff000u, 0),
		-EFAULT);
}
END_TEST

START_TEST(test_upcall_vector)
{
	struct xen_hvm_evtchn_upcall_vector uv = {.vcpu = 1, .vector = 0xf3};

	memcpy(gpa(BUF_GPA), &uv, sizeof(uv));
	ck_assert_int_eq(hc(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
			    BUF_GPA, 0),
			 0);
	ck_assert_uint_eq(atomic_load(&d->vcpus[1].upcall_vector), 0xf3);
	uv.vcpu = 2;
	memcpy(gpa(BUF_GPA), &uv, sizeof(uv));
	ck_assert_int_eq(hc(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
			    BUF_GPA, 0),
			 -ENOENT);
	uv.vcpu = 0;
	uv.vector = 3;
	memcpy(gpa(BUF_GPA), &uv, sizeof(uv));
	ck_assert_int_eq(hc(__HYPERVISOR_hvm_op, HVMOP_set_evtchn_upcall_vector,
			    BUF_GPA, 0),
			 -EINVAL);
}
END_TEST

static int64_t
vcpu_initialise(uint32_t id, const struct vcpu_hvm_context *ctx)
{
	memcpy(gpa(BUF_GPA), ctx, sizeof(*ctx));
	return hc(__HYPERVISOR_vcpu_op, VCPUOP_initialise, id, BUF_GPA);
}

/* VCPUOP_initialise/up/down (smp.c): the context is checked, then queued
 * for the target's thread; up needs initialise; down interrupts it. */
START_TEST(test_vcpu_bringup)
{
	struct vcpu_hvm_context c = {.mode = VCPU_HVM_MODE_64B};
	struct vcpu_hvm_x86_64 *r = &c.cpu_regs.x86_64;

	atomic_store(&d->vcpus[1].is_up, false);
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL); /* cr0 = 0 */
	r->cr0 = 0x80000011;
	r->cr4 = 0x20;
	r->efer = 0x100;
	r->cr3 = 0x10000;
	r->rip = 0x100000;
	r->rsp = 0x200000;
	c.mode = VCPU_HVM_MODE_32B;
	ck_assert_int_eq(vcpu_initialise(1, &c), -EOPNOTSUPP);
	c.mode = 7;
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL);
	c.mode = VCPU_HVM_MODE_64B;
	c.pad = 1;
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL);
	c.pad = 0;
	r->cr3 = FAKE_CORE_RAM_BYTES; /* outside RAM */
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL);
	r->cr3 = 0x10800; /* not page-aligned */
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL);
	r->cr3 = 0x10000;
	r->rip = 0x0000800000000000ull; /* non-canonical */
	ck_assert_int_eq(vcpu_initialise(1, &c), -EINVAL);
	r->rip = 0x100000;
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), -EINVAL);
	ck_assert_int_eq(vcpu_initialise(1, &c), 0);
	ck_assert(d->vcpus[1].has_boot_ctx);
	ck_assert_uint_eq(d->vcpus[1].boot_ctx.rip, 0x100000);
	ck_assert_int_eq(vcpu_initialise(1, &c), -EEXIST);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), 0);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 1);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_down, 1, 0), 0);
	ck_assert_int_eq(fake_core_calls()->interrupts, 1);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 0);
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_initialise, 1, 0xfffff000u),
		-EFAULT);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), 0);
}
END_TEST

START_TEST(test_vcpu_op)
{
	struct vcpu_register_vcpu_info r = {.mfn = 0x30, .offset = 0x40};
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = 10,
					      .flags = VCPU_SSHOTTMR_future};
	struct vcpu_set_periodic_timer p = {.period_ns = 1000};

	atomic_store(&d->vcpus[1].is_up, false);
	atomic_store(&d->vcpus[0].is_up, true);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 0, 0), 1);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 1, 0), 0);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_is_up, 2, 0), -ENOENT);
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_up, 1, 0), -EINVAL);
	memcpy(gpa(BUF_GPA), &r, sizeof(r));
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, BUF_GPA),
		0);
	ck_assert_ptr_eq(atomic_load(&v->vcpu_info), gpa(0x30040));
	/* Once only, and the 64 bytes must fit in the page. */
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 0, BUF_GPA),
		-EINVAL);
	r.offset = 4090;
	memcpy(gpa(BUF_GPA), &r, sizeof(r));
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, BUF_GPA),
		-EINVAL);
	r.offset = 0;
	r.mfn = 1ull << 39;
	memcpy(gpa(BUF_GPA), &r, sizeof(r));
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_register_vcpu_info, 1, BUF_GPA),
		-EINVAL);
	/* A deadline in the past with VCPU_SSHOTTMR_future: -ETIME. */
	memcpy(gpa(BUF_GPA), &t, sizeof(t));
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer,
			    0, BUF_GPA),
			 -ETIME);
	t.timeout_abs_ns = 2000000000ull;
	memcpy(gpa(BUF_GPA), &t, sizeof(t));
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer,
			    0, BUF_GPA),
			 0);
	ck_assert_uint_eq(fake_core_calls()->singleshot_ns, 2000000000ull);
	/* Timers only for the calling vCPU. */
	ck_assert_int_eq(hc(__HYPERVISOR_vcpu_op, VCPUOP_set_singleshot_timer,
			    1, BUF_GPA),
			 -EINVAL);
	memcpy(gpa(BUF_GPA), &p, sizeof(p));
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_set_periodic_timer, 0, BUF_GPA),
		-EINVAL);
	ck_assert_int_eq(
		hc(__HYPERVISOR_vcpu_op, VCPUOP_stop_periodic_timer, 0, 0), 0);
}
END_TEST

START_TEST(test_sched_op)
{
	struct sched_shutdown s = {.reason = 99};
	struct sched_poll p = {.nr_ports = 1000};

	memcpy(gpa(BUF_GPA), &s, sizeof(s));
	ck_assert_int_eq(
		hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, BUF_GPA, 0),
		-EINVAL);
	ck_assert_int_eq(fake_core_calls()->shutdowns, 0);
	s.reason = SHUTDOWN_reboot;
	memcpy(gpa(BUF_GPA), &s, sizeof(s));
	ck_assert_int_eq(
		hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, BUF_GPA, 0), 0);
	ck_assert_int_eq(fake_core_calls()->shutdowns, 1);
	ck_assert_uint_eq(fake_core_calls()->last_shutdown_reason,
			  SHUTDOWN_reboot);
	ck_assert_int_eq(
		hc(__HYPERVISOR_sched_op, SCHEDOP_shutdown, 0xfffffffcull, 0),
		-EFAULT);
	memcpy(gpa(BUF_GPA), &p, sizeof(p));
	ck_assert_int_eq(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, BUF_GPA, 0),
			 -EINVAL);
	p.nr_ports = 4;
	set_xen_guest_handle(p.ports, (evtchn_port_t *)(uintptr_t)0xfffffff0u);
	memcpy(gpa(BUF_GPA), &p, sizeof(p));
	ck_assert_int_eq(hc(__HYPERVISOR_sched_op, SCHEDOP_poll, BUF_GPA, 0),
			 -EFAULT);
	ck_assert_int_eq(hc(__HYPERVISOR_sched_op, SCHEDOP_block, 0, 0), 0);
	ck_assert_int_eq(fake_core_calls()->blocks, 1);
	ck_assert_int_eq(
		hc(__HYPERVISOR_sched_op, SCHEDOP_remote_shutdown, BUF_GPA, 0),
		-EPERM);
}
END_TEST

START_TEST(test_hcpage)
{
	uint8_t *page = gpa(0x5000);

	ck_assert_int_eq(hcpage_fill(d, 0x5000), 0);
	/* Stub 18: mov $18,%eax; out %eax,$port; ret. */
	ck_assert_uint_eq(page[18 * 32], 0xb8);
	ck_assert_uint_eq(page[18 * 32 + 1], 18);
	ck_assert_uint_eq(page[18 * 32 + 5], 0xe7);
	ck_assert_uint_eq(page[18 * 32 + 6], XYL_HYPERCALL_IO_PORT);
	ck_assert_uint_eq(page[18 * 32 + 7], 0xc3);
	ck_assert_uint_eq(page[23 * 32], 0x0f); /* iret: ud2 */
	ck_assert_uint_eq(page[23 * 32 + 1], 0x0b);
	ck_assert_int_eq(hcpage_fill(d, 0x5008), -EINVAL);
	ck_assert_int_eq(hcpage_fill(d, d->mem.ram_bytes), -EINVAL);
	ck_assert_int_eq(hcpage_fill(d, MEMORY_SPECIAL_GPA), -EINVAL);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("hypercall");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_unknown_hypercalls);
	tcase_add_test(tc, test_copy_bounds);
	tcase_add_test(tc, test_software_walk);
	tcase_add_test(tc, test_console_io);
	tcase_add_test(tc, test_xen_version);
	tcase_add_test(tc, test_add_to_physmap);
	tcase_add_test(tc, test_memory_map_and_reservation);
	tcase_add_test(tc, test_hvm_params);
	tcase_add_test(tc, test_upcall_vector);
	tcase_add_test(tc, test_vcpu_op);
	tcase_add_test(tc, test_vcpu_bringup);
	tcase_add_test(tc, test_sched_op);
	tcase_add_test(tc, test_hcpage);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
