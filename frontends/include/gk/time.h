/*
 * gk/time.h: Xen system time from the pvclock in vcpu_info (rdtsc runs
 * natively at CPL3), and sleeping with a singleshot timer plus
 * SCHEDOP_block.  VIRQ_TIMER is bound once at start-up (kernel/time.c).
 */
#ifndef GK_TIME_H
#define GK_TIME_H

#include <stdint.h>

#include <xen/xen.h>

#define GK_NS_PER_MS 1000000ull
#define GK_NS_PER_S  1000000000ull

/* Scale a TSC delta to ns with pvclock's mul/shift (pure). */
uint64_t gk_pvclock_scale(uint64_t tsc_delta, uint32_t mul, int8_t shift);
/* System time from one vcpu_time_info, retried while it is updated. */
uint64_t gk_pvclock_read(const volatile struct vcpu_time_info *t);
/* Xen system time now (ns since the domain started). */
uint64_t gk_time_now_ns(void);
/* Read the TSC (native at CPL3). */
uint64_t gk_rdtsc(void);
/* System time at which the TSC read tsc (tsc in the past). */
uint64_t gk_time_at_tsc_ns(uint64_t tsc);
/* Bind VIRQ_TIMER; 0 or negative errno. */
int gk_time_init(void);
/* Sleep at least ns, running event handlers meanwhile.  0 or -errno. */
int gk_sleep_ns(uint64_t ns);
/* Number of VIRQ_TIMER events seen so far. */
uint64_t gk_timer_ticks(void);

#endif
