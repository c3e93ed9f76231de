/*
 * hypervisor/smp.h: secondary vCPUs (smp.c): VCPUOP_initialise with a
 * vcpu_hvm_context, VCPUOP_up/down, and the toolstack's vcpu-set.  The
 * context is checked by the caller's hypercall, then loaded by the target
 * vCPU's own thread (only it may do vCPU ioctls).
 */
#ifndef HV_SMP_H
#define HV_SMP_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/hvm/hvm_vcpu.h>

struct domain;
struct vcpu;

/* Check ctx and queue it for target.  -EINVAL bad context, -EOPNOTSUPP
 * 32-bit mode, -EEXIST target already initialised. */
int smp_vcpu_initialise(struct vcpu *target,
			const struct vcpu_hvm_context *ctx);
/* -EINVAL never initialised, -EPERM taken offline by vcpu-set. */
int smp_vcpu_up(struct vcpu *target);
int smp_vcpu_down(struct vcpu *target);
/* VCPUOP_is_up: up and not taken offline. */
int smp_vcpu_is_up(struct vcpu *target);
/* vCPU thread, before KVM_RUN: load a queued context.  -errno. */
int smp_before_run(struct vcpu *v);
/* Keep vCPUs 0..nr-1, take the others offline.  -EINVAL nr out of range. */
int smp_set_available(struct domain *d, uint32_t nr);

#endif
