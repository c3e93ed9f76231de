/*
 * kernel/time.c: pvclock system time and sleeping.  rdtsc is native at
 * CPL3; sleeping arms a singleshot timer (VCPUOP_set_singleshot_timer) and
 * blocks in SCHEDOP_block until VIRQ_TIMER or another event wakes us.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xen/sched.h>

#include "gk/consfront.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/time.h"

uint64_t
gk_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

uint64_t
gk_pvclock_scale(uint64_t tsc_delta, uint32_t mul, int8_t shift)
{
	if (shift < 0)
		tsc_delta >>= -shift;
	else
		tsc_delta <<= shift;
	return (uint64_t)(((unsigned __int128)tsc_delta * mul) >> 32);
}

uint64_t
gk_pvclock_read(const volatile struct vcpu_time_info *t)
{
	uint32_t version;
	uint64_t ns;

	do {
		version = t->version;
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		uint64_t tsc = gk_rdtsc();
		uint64_t delta =
			tsc > t->tsc_timestamp ? tsc - t->tsc_timestamp : 0;
		ns = t->system_time + gk_pvclock_scale(delta,
						       t->tsc_to_system_mul,
						       t->tsc_shift);
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
	} while ((version & 1) || version != t->version);
	return ns;
}

uint64_t
gk_time_now_ns(void)
{
	if (!gk.vcpu_info)
		return 0;
	return gk_pvclock_read(&gk.vcpu_info->time);
}

uint64_t
gk_time_at_tsc_ns(uint64_t tsc)
{
	const volatile struct vcpu_time_info *t;
	uint64_t now_tsc, now_ns, back;

	if (!gk.vcpu_info)
		return 0;
	t = &gk.vcpu_info->time;
	now_ns = gk_pvclock_read(t);
	now_tsc = gk_rdtsc();
	if (tsc > now_tsc)
		return now_ns;
	back = gk_pvclock_scale(now_tsc - tsc, t->tsc_to_system_mul,
				t->tsc_shift);
	return back < now_ns ? now_ns - back : 0;
}

static void
timer_event(evtchn_port_t port, void *arg)
{
	(void)port;
	(void)arg;
	gk.timer_ticks++;
}

uint64_t
gk_timer_ticks(void)
{
	return gk.timer_ticks;
}

int
gk_time_init(void)
{
	int rc = gk_evtchn_bind_virq(VIRQ_TIMER, 0, &gk.timer_port);

	if (rc < 0)
		return rc;
	rc = gk_evtchn_set_handler(&gk.evtchn, gk.timer_port, timer_event, 0);
	if (rc < 0)
		return rc;
	return gk_evtchn_unmask(gk.timer_port);
}

int
gk_sleep_ns(uint64_t ns)
{
	uint64_t deadline = gk_time_now_ns() + ns;
	struct vcpu_set_singleshot_timer t = {.timeout_abs_ns = deadline,
					      .flags = 0};
	long rc;

	rc = gk_hc_vcpu_op(VCPUOP_set_singleshot_timer, 0, &t);
	if (rc < 0)
		return (int)rc;
	consfront_flush();
	while (gk_time_now_ns() < deadline) {
		if (gk_evtchn_poll() == 0 && gk_time_now_ns() < deadline)
			gk_hc_sched_op(SCHEDOP_block, 0);
	}
	return 0;
}
