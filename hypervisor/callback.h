/*
 * hypervisor/callback.h: the global callback vector
 * (HVM_PARAM_CALLBACK_IRQ, vector type), delivered the way Xen does:
 * injected at VM entry while evtchn_upcall_pending is set and IF=1,
 * bypassing the LAPIC, so the guest never EOIs it.
 */
#ifndef HV_CALLBACK_H
#define HV_CALLBACK_H

#include <stdint.h>

struct domain;
struct vcpu;

/* Set (vector >= 0x10) or clear (0) the domain's callback vector. */
int callback_set_vector(struct domain *d, uint8_t vector);
/* vCPU thread, right before KVM_RUN: inject the vector if it is due;
 * if it is due but the guest cannot take it now (IF=0, interrupt
 * shadow, an event already in flight), arm a short re-kick. */
void callback_before_run(struct vcpu *v);
/* Any thread: get v out of KVM_RUN so it re-checks delivery. */
void callback_kick(struct vcpu *v);
/* Delete the re-kick timer (vcpu_fini). */
void callback_vcpu_fini(struct vcpu *v);

#endif
