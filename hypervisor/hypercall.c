/*
 * hypervisor/hypercall.c: the hypercall dispatch table and the only code
 * that reads or writes guest memory through guest pointers.  Trust
 * boundary: every gva/length from a guest is translated page by page and
 * bounds-checked here; a bad one is -EFAULT, never a crash.
 */
#include <errno.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include <xen/xen.h>

#include "domain.h"
#include "hypercall.h"
#include "memory.h"
#include "runstate.h"

#define HC_PAGE	     4096ull
#define X86_CR0_PG   (1ull << 31)
#define X86_CR4_PAE  (1ull << 5)
#define X86_CR4_LA57 (1ull << 12)
#define X86_EFER_LMA (1ull << 10)
#define PTE_P	     1ull
#define PTE_PS	     (1ull << 7)
#define PTE_ADDR     0x000ffffffffff000ull

typedef int64_t (*hc_fn)(struct vcpu *v, const uint64_t *arg);

static int64_t
hc_xen_version_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_xen_version(v, a[0], a[1]);
}

static int64_t
hc_console_io_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_console_io(v, a[0], a[1], a[2]);
}

static int64_t
hc_memory_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_memory_op(v, a[0], a[1]);
}

static int64_t
hc_hvm_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_hvm_op(v, a[0], a[1]);
}

static int64_t
hc_vcpu_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_vcpu_op(v, a[0], a[1], a[2]);
}

static int64_t
hc_sched_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_sched_op(v, a[0], a[1]);
}

static int64_t
hc_set_timer_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_set_timer_op(v, a[0]);
}

static int64_t
hc_event_channel_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_event_channel_op(v, a[0], a[1]);
}

static int64_t
hc_grant_table_op_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_grant_table_op(v, a[0], a[1], a[2]);
}

static int64_t
hc_vm_assist_fn(struct vcpu *v, const uint64_t *a)
{
	return hc_vm_assist(v, a[0], a[1]);
}

static const hc_fn hc_table[] = {
	[__HYPERVISOR_set_timer_op] = hc_set_timer_op_fn,
	[__HYPERVISOR_memory_op] = hc_memory_op_fn,
	[__HYPERVISOR_xen_version] = hc_xen_version_fn,
	[__HYPERVISOR_console_io] = hc_console_io_fn,
	[__HYPERVISOR_grant_table_op] = hc_grant_table_op_fn,
	[__HYPERVISOR_vm_assist] = hc_vm_assist_fn,
	[__HYPERVISOR_vcpu_op] = hc_vcpu_op_fn,
	[__HYPERVISOR_sched_op] = hc_sched_op_fn,
	[__HYPERVISOR_event_channel_op] = hc_event_channel_op_fn,
	[__HYPERVISOR_hvm_op] = hc_hvm_op_fn,
};

int64_t
hypercall_dispatch(struct vcpu *v, const struct hypercall_args *a)
{
	hc_fn fn = NULL;

	v->nr_hypercalls++;
	if (a->nr < sizeof(hc_table) / sizeof(hc_table[0]))
		fn = hc_table[a->nr];
	if (!fn) {
		log_guest(v->d, LOG_DEBUG, "vcpu %u: unknown hypercall %llu",
			  v->id, (unsigned long long)a->nr);
		return -ENOSYS;
	}
	int64_t ret = fn(v, a->arg);
	if (ret == -EFAULT)
		log_guest(v->d, LOG_DEBUG,
			  "vcpu %u: hypercall %llu(%#llx, "
			  "%#llx): bad guest pointer",
			  v->id, (unsigned long long)a->nr,
			  (unsigned long long)a->arg[0],
			  (unsigned long long)a->arg[1]);
	return ret;
}

/* Read one 8-byte page-table entry at gpa; false if not guest memory. */
static bool
hc_read_pte(struct vcpu *v, uint64_t gpa, uint64_t *pte)
{
	void *p = memory_gpa_to_hva(v->d, gpa, sizeof(*pte));

	if (!p)
		return false;
	*pte = __atomic_load_n((uint64_t *)p, __ATOMIC_RELAXED);
	return true;
}

/* The walk the CPU does in 4-level long mode, ignoring permissions as
 * KVM_TRANSLATE does.  Returns 0, -EFAULT (not present) or -EAGAIN (a
 * mode this walker does not handle; use KVM). */
static int
hc_walk_long_mode(struct vcpu *v, const struct kvm_sregs *s, uint64_t gva,
		  uint64_t *gpa)
{
	uint64_t table = s->cr3 & PTE_ADDR;

	if (s->cr4 & X86_CR4_LA57)
		return -EAGAIN;
	/* Non-canonical addresses fault on real hardware. */
	if ((uint64_t)(((int64_t)(gva << 16)) >> 16) != gva)
		return -EFAULT;
	for (int level = 3; level >= 0; level--) {
		unsigned idx = (gva >> (12 + 9 * level)) & 511;
		uint64_t pte;
		if (!hc_read_pte(v, table + idx * 8, &pte) || !(pte & PTE_P))
			return -EFAULT;
		if (level > 0 && level < 3 && (pte & PTE_PS)) {
			uint64_t size = 1ull << (12 + 9 * level);
			*gpa = (pte & PTE_ADDR & ~(size - 1)) |
			       (gva & (size - 1));
			return 0;
		}
		table = pte & PTE_ADDR;
	}
	*gpa = table | (gva & (HC_PAGE - 1));
	return 0;
}

static int
hc_translate_kvm(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	struct kvm_translation t = {.linear_address = gva};

	if (ioctl(v->fd, KVM_TRANSLATE, &t) < 0 || !t.valid)
		return -EFAULT;
	*gpa = t.physical_address;
	return 0;
}

int
guest_virt_to_phys_mode(struct vcpu *v, uint64_t gva, uint64_t *gpa,
			enum hypercall_xlate_mode mode)
{
	const struct kvm_sregs *s = &v->run->s.regs.sregs;
	int rc;

	/* Sync sregs are filled on every exit (kvm_valid_regs), so this is
	 * the vCPU's state at the hypercall. */
	if (mode == HYPERCALL_XLATE_AUTO) {
		if (!(s->cr0 & X86_CR0_PG)) {
			/* No paging: linear = physical (32-bit wrap). */
			*gpa = (s->efer & X86_EFER_LMA) ? gva
							: (gva & 0xffffffffull);
			return 0;
		}
		if ((s->efer & X86_EFER_LMA) && (s->cr4 & X86_CR4_PAE)) {
			rc = hc_walk_long_mode(v, s, gva, gpa);
			if (rc != -EAGAIN)
				return rc;
		}
	}
	return hc_translate_kvm(v, gva, gpa);
}

int
guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa)
{
	return guest_virt_to_phys_mode(v, gva, gpa, HYPERCALL_XLATE_AUTO);
}

/* Host pointer for [gva, gva+len) when it lies in one guest page. */
static void *
hc_map_chunk(struct vcpu *v, uint64_t gva, size_t len)
{
	uint64_t gpa;

	if (guest_virt_to_phys(v, gva, &gpa) < 0)
		return NULL;
	return memory_gpa_to_hva(v->d, gpa, len);
}

int
guest_copy_from(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	uint8_t *out = dst;
	uint64_t end;

	if (__builtin_add_overflow(gva, (uint64_t)len, &end))
		return -EFAULT;
	while (len) {
		size_t chunk = HC_PAGE - (gva & (HC_PAGE - 1));
		if (chunk > len)
			chunk = len;
		void *p = hc_map_chunk(v, gva, chunk);
		if (!p)
			return -EFAULT;
		memcpy(out, p, chunk);
		out += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}

int
guest_copy_to(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	const uint8_t *in = src;
	uint64_t end;

	if (__builtin_add_overflow(gva, (uint64_t)len, &end))
		return -EFAULT;
	while (len) {
		size_t chunk = HC_PAGE - (gva & (HC_PAGE - 1));
		if (chunk > len)
			chunk = len;
		void *p = hc_map_chunk(v, gva, chunk);
		if (!p)
			return -EFAULT;
		memcpy(p, in, chunk);
		in += chunk;
		gva += chunk;
		len -= chunk;
	}
	return 0;
}
