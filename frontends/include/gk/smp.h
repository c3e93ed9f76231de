/*
 * gk/smp.h: secondary vCPUs (kernel/smp.c).  The boot vCPU starts each
 * AP with VCPUOP_initialise + VCPUOP_up; an AP runs one function in
 * ring 3 and waits for work on its own IPI port (bind_ipi), which it
 * keeps masked so the boot vCPU's event loop never takes its events.
 */
#ifndef GK_SMP_H
#define GK_SMP_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/event_channel.h>

#define GK_SMP_MAX_VCPUS 16

/* Work an AP runs when kicked: fn(vcpu id, arg). */
typedef void (*gk_smp_work_fn)(uint32_t vcpu, void *arg);

/* vCPUs the domain has (VCPUOP_is_up until -ENOENT), at most
 * GK_SMP_MAX_VCPUS. */
uint32_t gk_smp_nr_vcpus(void);
/* Start vCPU id (1..nr-1): stack, vcpu_info, initialise, up; returns once
 * it has bound its IPI port.  -errno. */
int gk_smp_start(uint32_t id);
/* Ask AP id to run fn(id, arg); gk_smp_wait() waits for it.  -EBUSY if it
 * still runs earlier work, -EINVAL not started. */
int gk_smp_run(uint32_t id, gk_smp_work_fn fn, void *arg);
/* Wait (handling events) until AP id finished its work; -ETIMEDOUT after
 * timeout_ns. */
int gk_smp_wait(uint32_t id, uint64_t timeout_ns);
/* Whether AP id is started and ready. */
int gk_smp_is_ready(uint32_t id);
/* AP id's own IPI port (masked; 0 if not ready) and the boot vCPU's. */
evtchn_port_t gk_smp_ap_port(uint32_t id);
evtchn_port_t gk_smp_bsp_port(void);
/* The vcpu_info of vCPU id (0: the boot vCPU's), NULL if not ready. */
struct vcpu_info *gk_smp_vcpu_info(uint32_t id);

#endif
