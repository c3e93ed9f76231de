/*
 * hypervisor/timer.h: Xen time for a vCPU: the pvclock (vcpu_time_info in
 * its vcpu_info), the domain's wallclock in shared_info, and the
 * singleshot/periodic timers, one timerfd per vCPU served by hv->loop.
 * Deadlines are Xen system time: ns since domain creation (monotonic).
 */
#ifndef HV_TIMER_H
#define HV_TIMER_H

#include <stdint.h>

struct domain;
struct vcpu;

#define TIMER_MIN_PERIOD_NS 1000000ull /* as Xen: 1 ms */

int timer_vcpu_init(struct vcpu *v);
void timer_vcpu_fini(struct vcpu *v);
/* Arm the singleshot timer at deadline_ns (past = fire at once). */
void timer_set_singleshot(struct vcpu *v, uint64_t deadline_ns);
void timer_stop_singleshot(struct vcpu *v);
/* -EINVAL if period_ns is below TIMER_MIN_PERIOD_NS or absurd. */
int timer_set_periodic(struct vcpu *v, uint64_t period_ns);
void timer_stop_periodic(struct vcpu *v);
/* Handle an expiry of v's timerfd (readable) now, on this thread. */
void timer_expire(struct vcpu *v);
/* Rewrite v's vcpu_time_info (version odd, fields, version even). */
void timer_pvclock_update(struct vcpu *v);
/* Rewrite the wallclock fields of d's shared_info. */
void timer_wallclock_update(struct domain *d);
/* Measure guest TSC - host TSC for v (before it runs). */
int timer_measure_tsc(struct vcpu *v);
/* The pvclock flags we can honestly set (XEN_PVCLOCK_TSC_STABLE_BIT). */
uint8_t timer_pvclock_flags(void);

#endif
