/*
 * hypervisor/hypercall.h: the guest-facing boundary.  hypercall_dispatch()
 * runs one hypercall for vCPU v with Xen's 64-bit register ABI (rax = nr;
 * rdi, rsi, rdx, r10, r8 = args) and returns the value for rax.  Only the
 * hc_* entries and the copy helpers here read raw guest arguments.
 *
 * Guest pointers in hypercall arguments are guest-virtual addresses, as in
 * Xen for HVM/PVH guests; the copy helpers translate them page by page
 * through the vCPU's page tables (KVM_TRANSLATE).  Xylem's own kernel maps
 * memory 1:1, so for it virtual equals physical.  A pointer that does not
 * translate, or whose bytes are not all guest RAM or special area, gives
 * -EFAULT.
 */
#ifndef HV_HYPERCALL_H
#define HV_HYPERCALL_H

#include <stddef.h>
#include <stdint.h>

struct vcpu;

struct hypercall_args {
	uint64_t nr;
	uint64_t arg[5];
};

/* Returns the (signed, Xen errno) result for the guest's rax. */
int64_t hypercall_dispatch(struct vcpu *v, const struct hypercall_args *a);

/* Copy len bytes between the guest's virtual address gva and dst/src.
 * 0 or -EFAULT. */
int guest_copy_from(struct vcpu *v, void *dst, uint64_t gva, size_t len);
int guest_copy_to(struct vcpu *v, uint64_t gva, const void *src, size_t len);
/* Translate one guest-virtual address to guest-physical; 0 or -EFAULT. */
int guest_virt_to_phys(struct vcpu *v, uint64_t gva, uint64_t *gpa);

/* The hc_* entries, one per hypercall; each returns a Xen errno value. */
int64_t hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg,
			  uint64_t count);
int64_t hc_xen_version(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t hc_console_io(struct vcpu *v, uint64_t cmd, uint64_t count,
		      uint64_t buf);
int64_t hc_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t hc_hvm_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg);
int64_t hc_sched_op(struct vcpu *v, uint64_t cmd, uint64_t arg);
int64_t hc_set_timer_op(struct vcpu *v, uint64_t timeout_ns);

/* The guest's page-table walk used by the copy helpers: KVM_TRANSLATE, or
 * the software walk of the vCPU's 4-level tables (same result, no ioctl).
 * Exposed so benchmarks and tests can pick one. */
enum hypercall_xlate_mode {
	HYPERCALL_XLATE_AUTO = 0, /* software walk when safe, else KVM */
	HYPERCALL_XLATE_KVM = 1,  /* always KVM_TRANSLATE */
};
int guest_virt_to_phys_mode(struct vcpu *v, uint64_t gva, uint64_t *gpa,
			    enum hypercall_xlate_mode mode);

#endif
