/*
 * hypervisor/smp.c: bringing secondary vCPUs up and down.  Owns each
 * vCPU's is_initialised/is_offlined state and the queued boot context.
 * Trust boundary: the vcpu_hvm_context comes from the guest (copied in by
 * hc_vcpu.c) and is checked here before any of it reaches KVM.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <string.h>
#include <sys/ioctl.h>

#include "domain.h"
#include "smp.h"
#include "vcpu.h"

#define X86_CR0_PE   (1ull << 0)
#define X86_CR0_PG   (1ull << 31)
#define X86_CR4_PAE  (1ull << 5)
#define X86_EFER_LME (1ull << 8)
#define X86_EFER_LMA (1ull << 10)
#define X86_RFLAGS_1 (1ull << 1)

static bool
smp_is_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16) == va;
}

/* What Xen requires of a 64-bit start: paging in long mode, a page-
 * aligned cr3 inside RAM, canonical rip/rsp. */
static int
smp_check_ctx64(struct domain *d, const struct vcpu_hvm_x86_64 *r)
{
	if ((r->cr0 & (X86_CR0_PE | X86_CR0_PG)) != (X86_CR0_PE | X86_CR0_PG))
		return -EINVAL;
	if (!(r->cr4 & X86_CR4_PAE) || !(r->efer & X86_EFER_LME))
		return -EINVAL;
	if ((r->cr3 & 0xfff) || r->cr3 >= d->mem.ram_bytes)
		return -EINVAL;
	if (!smp_is_canonical(r->rip) || !smp_is_canonical(r->rsp))
		return -EINVAL;
	return 0;
}

int
smp_vcpu_initialise(struct vcpu *target, const struct vcpu_hvm_context *ctx)
{
	struct domain *d = target->d;
	int rc;

	pthread_mutex_lock(&d->lock);
	/* As Xen: an initialised vCPU is -EEXIST whatever the context. */
	if (target->is_initialised) {
		rc = -EEXIST;
		goto out;
	}
	if (ctx->pad != 0 || (ctx->mode != VCPU_HVM_MODE_32B &&
			      ctx->mode != VCPU_HVM_MODE_64B)) {
		rc = -EINVAL;
		goto out;
	}
	rc = ctx->mode == VCPU_HVM_MODE_32B
		     ? -EOPNOTSUPP /* refused: docs/abi.md, "vCPUs" */
		     : smp_check_ctx64(d, &ctx->cpu_regs.x86_64);
	if (rc < 0)
		goto out;
	target->boot_ctx = ctx->cpu_regs.x86_64;
	target->has_boot_ctx = true;
	target->is_initialised = true;
out:
	pthread_mutex_unlock(&d->lock);
	return rc;
}

int
smp_vcpu_up(struct vcpu *target)
{
	struct domain *d = target->d;
	int rc = 0;

	pthread_mutex_lock(&d->lock);
	if (!target->is_initialised)
		rc = -EINVAL;
	else if (target->is_offlined)
		rc = -EPERM;
	else {
		atomic_store(&target->is_up, true);
		pthread_cond_broadcast(&d->cond);
	}
	pthread_mutex_unlock(&d->lock);
	return rc;
}

int
smp_vcpu_down(struct vcpu *target)
{
	struct domain *d = target->d;

	pthread_mutex_lock(&d->lock);
	atomic_store(&target->is_up, false);
	pthread_mutex_unlock(&d->lock);
	/* Out of KVM_RUN or SCHEDOP_block; it then waits until up again.
	 * Our own thread stops when this hypercall returns. */
	vcpu_interrupt(target);
	return 0;
}

int
smp_vcpu_is_up(struct vcpu *target)
{
	struct domain *d = target->d;
	int up;

	pthread_mutex_lock(&d->lock);
	up = atomic_load(&target->is_up) && !target->is_offlined;
	pthread_mutex_unlock(&d->lock);
	return up;
}

/* Flat 64-bit segments, as Xen sets them for VCPU_HVM_MODE_64B: ring-0
 * code (L=1), ring-0 data, a busy 64-bit TSS; the guest loads its own
 * GDT, IDT and TR. */
static void
smp_flat_segments(struct kvm_sregs *s)
{
	struct kvm_segment code = {.limit = 0xffffffff,
				   .selector = 0x08,
				   .type = 11,
				   .present = 1,
				   .s = 1,
				   .l = 1,
				   .g = 1};
	struct kvm_segment data = {.limit = 0xffffffff,
				   .selector = 0x10,
				   .type = 3,
				   .present = 1,
				   .s = 1,
				   .db = 1,
				   .g = 1};

	s->cs = code;
	s->ds = s->es = s->fs = s->gs = s->ss = data;
	s->tr = (struct kvm_segment){.limit = 0x67, .type = 11, .present = 1};
	s->ldt = (struct kvm_segment){.unusable = 1};
	s->gdt.base = s->idt.base = 0;
	s->gdt.limit = s->idt.limit = 0;
}

static int
smp_load_ctx(struct vcpu *v, const struct vcpu_hvm_x86_64 *c)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rax = c->rax,
		.rcx = c->rcx,
		.rdx = c->rdx,
		.rbx = c->rbx,
		.rsp = c->rsp,
		.rbp = c->rbp,
		.rsi = c->rsi,
		.rdi = c->rdi,
		.rip = c->rip,
		.rflags = c->rflags | X86_RFLAGS_1,
	};
	struct kvm_mp_state mp = {.mp_state = KVM_MP_STATE_RUNNABLE};

	if (ioctl(v->fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	smp_flat_segments(&sregs);
	sregs.cr0 = c->cr0;
	sregs.cr3 = c->cr3;
	sregs.cr4 = c->cr4;
	sregs.efer = c->efer | X86_EFER_LMA;
	if (ioctl(v->fd, KVM_SET_SREGS, &sregs) < 0 ||
	    ioctl(v->fd, KVM_SET_REGS, &regs) < 0 ||
	    ioctl(v->fd, KVM_SET_MP_STATE, &mp) < 0)
		return -errno;
	/* The sync-regs copy in kvm_run is stale now: never write it back,
	 * nor walk page tables with it (runstate.c) until the next exit. */
	v->run->kvm_dirty_regs = 0;
	v->sregs_synced = false;
	return 0;
}

int
smp_before_run(struct vcpu *v)
{
	struct domain *d = v->d;
	struct vcpu_hvm_x86_64 ctx;
	bool load;

	pthread_mutex_lock(&d->lock);
	load = v->has_boot_ctx;
	ctx = v->boot_ctx;
	v->has_boot_ctx = false;
	pthread_mutex_unlock(&d->lock);
	return load ? smp_load_ctx(v, &ctx) : 0;
}

int
smp_set_available(struct domain *d, uint32_t nr)
{
	if (nr < 1 || nr > d->nr_vcpus)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		d->vcpus[i].is_offlined = i >= nr;
	pthread_cond_broadcast(&d->cond);
	pthread_mutex_unlock(&d->lock);
	for (uint32_t i = nr; i < d->nr_vcpus; i++)
		vcpu_interrupt(&d->vcpus[i]);
	return 0;
}
