/*
 * hypervisor/runstate.h: Xen's vCPU runstate accounting (struct
 * vcpu_runstate_info) and its copy in guest memory registered with
 * VCPUOP_register_runstate_memory_area, plus __HYPERVISOR_vm_assist.
 *
 * States follow Xen: running (in or about to enter KVM_RUN), runnable
 * (wants to run but the cap enforcer holds it back, or the host scheduler
 * had its thread waiting for a CPU: schedstat's run_delay, sampled at
 * each change while an area is registered), blocked (sleeping in
 * SCHEDOP_block/poll or HLT; dominates offline while paused), offline
 * (down, offlined by the toolstack, domain paused or shut down).  Times are
 * Xen system time, the clock of the guest's pvclock.
 *
 * Threads: only the vCPU's own thread changes its state (it sees every
 * transition) and writes the guest area, except registration, which the
 * calling vCPU does with its own translation, as Xen.  v->runstate_lock
 * guards v->runstate and v->runstate_gva; never held while taking d->lock.
 */
#ifndef HV_RUNSTATE_H
#define HV_RUNSTATE_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/vcpu.h>

struct vcpu;

/* Offline since system time 0, no area.  At vcpu_init. */
void runstate_vcpu_init(struct vcpu *v);
void runstate_vcpu_fini(struct vcpu *v);

/* The accounting alone: close the current state at now (ns of system
 * time; an earlier now adds nothing), of which waited ns (at most all of
 * it) were spent waiting for a host CPU (runnable), and enter new_state. */
void runstate_account(struct vcpu_runstate_info *rs, int new_state,
		      uint64_t now, uint64_t waited);
/* rs as of now: the current state's time so far added in, waited ns of
 * it as runnable. */
void runstate_snapshot(const struct vcpu_runstate_info *rs, uint64_t now,
		       uint64_t waited, struct vcpu_runstate_info *out);

/* vCPU thread: v enters new_state now; a change is published to the
 * guest area.  Same state: nothing. */
void runstate_set(struct vcpu *v, int new_state);
/* The same, at an explicit system time and without host waits (tests). */
void runstate_set_at(struct vcpu *v, int new_state, uint64_t now);
/* Current values of target (VCPUOP_get_runstate_info from caller). */
void runstate_get(struct vcpu *caller, struct vcpu *target,
		  struct vcpu_runstate_info *out);
/* VCPUOP_register_runstate_memory_area: caller registers gva (0 = none)
 * for target and writes it once through its own page tables.  An area
 * that cannot be written (now or later) is not an error, as in Xen: the
 * writes are skipped. */
void runstate_register(struct vcpu *caller, struct vcpu *target, uint64_t gva);

/* __HYPERVISOR_vm_assist for a PVH guest: only
 * VMASST_TYPE_runstate_update_flag exists (-EINVAL for other types,
 * -ENOSYS for other commands). */
int64_t hc_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type);

#endif
