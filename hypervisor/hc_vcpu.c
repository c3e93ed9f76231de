/*
 * hypervisor/hc_vcpu.c: __HYPERVISOR_vcpu_op and __HYPERVISOR_set_timer_op.
 * vcpu_info registration, Xen timers, the runstate area, and vCPU
 * bring-up (initialise with a vcpu_hvm_context, up, down, is_up: smp.c).
 * Trust boundary: argument structs copied in once, then checked.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/vcpu.h>

#include "domain.h"
#include "evtchn.h"
#include "hypercall.h"
#include "memory.h"
#include "runstate.h"
#include "smp.h"
#include "timer.h"

/* Longest timeout Xen accepts as sane: beyond 2^50 ns Linux has a bug
 * that Xen works around by clamping to 100 ms from now. */
#define HC_TIMEOUT_SANE	    (1ull << 50)
#define HC_TIMEOUT_CLAMP_NS 100000000ull

static int64_t
hc_register_vcpu_info(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
	struct domain *d = v->d;
	struct vcpu_register_vcpu_info r;
	struct vcpu_info *old, *new;
	uint64_t gpa;
	int rc = guest_copy_from(v, &r, arg, sizeof(r));

	if (rc < 0)
		return rc;
	if (r.rsvd != 0 || r.offset > 4096 - sizeof(struct vcpu_info) ||
	    r.mfn >= (1ull << 40))
		return -EINVAL;
	gpa = (r.mfn << 12) + r.offset;
	new = memory_gpa_to_hva(d, gpa, sizeof(*new));
	if (!new || gpa + sizeof(*new) > d->mem.ram_bytes)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	if (target->vcpu_info_gpa != 0) {
		pthread_mutex_unlock(&d->lock);
		return -EINVAL; /* as Xen: once only */
	}
	old = atomic_load(&target->vcpu_info);
	if (old)
		memcpy(new, old, sizeof(*new));
	else
		memset(new, 0, sizeof(*new));
	target->vcpu_info_gpa = gpa;
	atomic_store(&target->vcpu_info, new);
	pthread_mutex_unlock(&d->lock);
	timer_pvclock_update(target);
	evtchn_resync(d);
	return 0;
}

static int64_t
hc_singleshot(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_singleshot_timer t;
	int rc = guest_copy_from(v, &t, arg, sizeof(t));

	if (rc < 0)
		return rc;
	if ((t.flags & VCPU_SSHOTTMR_future) &&
	    t.timeout_abs_ns < domain_system_time_ns(v->d))
		return -ETIME;
	timer_set_singleshot(v, t.timeout_abs_ns);
	return 0;
}

static int64_t
hc_periodic(struct vcpu *v, uint64_t arg)
{
	struct vcpu_set_periodic_timer t;
	int rc = guest_copy_from(v, &t, arg, sizeof(t));

	if (rc < 0)
		return rc;
	return timer_set_periodic(v, t.period_ns);
}

/* The area is written now through the caller's page tables and then by
 * the target's thread at each state change (runstate.c).  As in Xen an
 * address that does not translate is accepted: its writes are skipped. */
static int64_t
hc_register_runstate(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
	struct vcpu_register_runstate_memory_area r;
	int rc = guest_copy_from(v, &r, arg, sizeof(r));

	if (rc < 0)
		return rc;
	runstate_register(v, target, r.addr.p);
	return 0;
}

static int64_t
hc_get_runstate(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
	struct vcpu_runstate_info info;

	runstate_get(v, target, &info);
	return guest_copy_to(v, arg, &info, sizeof(info));
}

static int64_t
hc_initialise(struct vcpu *v, struct vcpu *target, uint64_t arg)
{
	struct vcpu_hvm_context ctx;
	int rc = guest_copy_from(v, &ctx, arg, sizeof(ctx));

	if (rc < 0)
		return rc;
	return smp_vcpu_initialise(target, &ctx);
}

int64_t
hc_vcpu_op(struct vcpu *v, uint64_t cmd, uint64_t vcpuid, uint64_t arg)
{
	struct vcpu *target;

	if (vcpuid >= v->d->nr_vcpus)
		return -ENOENT;
	target = &v->d->vcpus[vcpuid];
	switch (cmd) {
	case VCPUOP_is_up:
		return smp_vcpu_is_up(target);
	case VCPUOP_initialise:
		return hc_initialise(v, target, arg);
	case VCPUOP_up:
		return smp_vcpu_up(target);
	case VCPUOP_down:
		return smp_vcpu_down(target);
	case VCPUOP_register_vcpu_info:
		return hc_register_vcpu_info(v, target, arg);
	case VCPUOP_register_runstate_memory_area:
		return hc_register_runstate(v, target, arg);
	case VCPUOP_get_runstate_info:
		return hc_get_runstate(v, target, arg);
	default:
		break;
	}
	switch (cmd) {
	case VCPUOP_set_singleshot_timer:
	case VCPUOP_stop_singleshot_timer:
	case VCPUOP_set_periodic_timer:
	case VCPUOP_stop_periodic_timer:
		/* Timer ops act on the calling vCPU only, as in Xen. */
		if (target != v)
			return -EINVAL;
		break;
	default:
		return -ENOSYS;
	}
	switch (cmd) {
	case VCPUOP_set_singleshot_timer:
		return hc_singleshot(v, arg);
	case VCPUOP_stop_singleshot_timer:
		timer_stop_singleshot(v);
		return 0;
	case VCPUOP_set_periodic_timer:
		return hc_periodic(v, arg);
	case VCPUOP_stop_periodic_timer:
		timer_stop_periodic(v);
		return 0;
	default:
		return -ENOSYS;
	}
}

int64_t
hc_set_timer_op(struct vcpu *v, uint64_t timeout_ns)
{
	uint64_t now = domain_system_time_ns(v->d);

	if (timeout_ns == 0) {
		timer_stop_singleshot(v);
		return 0;
	}
	if ((int64_t)timeout_ns < 0 || timeout_ns >= now + HC_TIMEOUT_SANE)
		timeout_ns = now + HC_TIMEOUT_CLAMP_NS;
	timer_set_singleshot(v, timeout_ns);
	return 0;
}
