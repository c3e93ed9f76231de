/*
 * hypervisor/vcpu.h: vCPU threads (vcpu.c), their CPUID (cpuid.c) and the
 * hypercall page (hcpage.c).  A vCPU thread owns its KVM vCPU fd; other
 * threads reach it only through vcpu_interrupt() and vcpu_kick().
 */
#ifndef HV_VCPU_H
#define HV_VCPU_H

#include <signal.h>
#include <stdint.h>

struct domain;
struct vcpu;

/* Interrupts KVM_RUN; its handler does nothing (KVM returns -EINTR). */
#define VCPU_KICK_SIGNAL SIGUSR1

/* Create KVM vCPU id of d with its CPUID, wake eventfd and timer. */
int vcpu_init(struct domain *d, struct vcpu *v, uint32_t id);
/* Start the thread; it waits until the domain runs. */
int vcpu_start(struct vcpu *v);
/* Get v out of KVM_RUN or SCHEDOP_block soon (it re-checks its state). */
void vcpu_interrupt(struct vcpu *v);
/* Join the thread (the domain must be DYING). */
void vcpu_join(struct vcpu *v);
/* Close fds and unmap; after vcpu_join. */
void vcpu_fini(struct vcpu *v);
/* Install the no-op handler of the signal used to interrupt KVM_RUN. */
int vcpu_signal_init(void);

/* Wake v from vcpu_block if it sleeps there (no upcall). */
void vcpu_wake(struct vcpu *v);
/* SCHEDOP_block / SCHEDOP_poll: sleep until an event is pending for v, a
 * timer fired, one of ports[] is pending, deadline_ns (Xen system time;
 * 0 = none) passes, or the vCPU is interrupted.  Always returns 0. */
int vcpu_block(struct vcpu *v, uint64_t deadline_ns, const uint32_t *ports,
	       unsigned nr_ports);

/* cpuid.c: the CPUID table of v (host leaves + Xen leaves). */
int cpuid_setup(struct vcpu *v);
/* hcpage.c: fill the hypercall page at gpa (MSR write).  -EINVAL if gpa
 * is not a whole RAM page. */
int hcpage_fill(struct domain *d, uint64_t gpa);

#endif
