/*
 * hypervisor/timer.c: Xen time.  Owns each vCPU's timerfd (served by the
 * main loop) and the pvclock and wallclock words in guest memory, which it
 * writes with Xen's odd/even version protocol.  Guest-chosen deadlines are
 * clamped, never trusted to be sane.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <linux/kvm.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <xen/xen.h>

#include "domain.h"
#include "evtchn.h"
#include "hv.h"
#include "kvm.h"
#include "timer.h"
#include "vcpu.h"

#define MSR_IA32_TSC	    0x10
#define TIMER_MAX_PERIOD_NS (1ull << 50)

static uint64_t
timer_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* mul and shift with ns = ((tsc << shift) * mul) >> 32 (right shift if
 * shift < 0), mul < 2^32: scale 1e9/hz into [2^31, 2^32) by powers of 2. */
static void
timer_scale(uint64_t tsc_khz, uint32_t *mul, int8_t *shift)
{
	unsigned __int128 m;
	int s = 0;

	m = ((unsigned __int128)1000000ull << 32) / tsc_khz;
	while (m >= (1ull << 32)) {
		m >>= 1;
		s++;
	}
	while (m < (1ull << 31)) {
		m <<= 1;
		s--;
	}
	*mul = (uint32_t)m;
	*shift = (int8_t)s;
}

uint8_t
timer_pvclock_flags(void)
{
	char line[4096];
	bool constant = false, nonstop = false;
	FILE *f = fopen("/proc/cpuinfo", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		constant = strstr(line, " constant_tsc") != NULL;
		nonstop = strstr(line, " nonstop_tsc") != NULL;
		break;
	}
	fclose(f);
	return constant && nonstop ? XEN_PVCLOCK_TSC_STABLE_BIT : 0;
}

/* Make the guest TSC the host TSC where KVM lets us (KVM_VCPU_TSC_OFFSET
 * = 0): on PVM, guest ring-3 code reads the host TSC natively while ring-0
 * rdtsc is emulated with KVM's offset, so offset 0 makes both agree. */
static void
timer_zero_tsc_offset(struct vcpu *v)
{
	uint64_t zero = 0;
	struct kvm_device_attr attr = {
		.group = KVM_VCPU_TSC_CTRL,
		.attr = KVM_VCPU_TSC_OFFSET,
		.addr = (uint64_t)(uintptr_t)&zero,
	};

	if (ioctl(v->fd, KVM_SET_DEVICE_ATTR, &attr) < 0)
		log_debug(v->d->hv, "dom %u vcpu %u: KVM_VCPU_TSC_OFFSET: %s",
			  v->d->domid, v->id, strerror(errno));
}

int
timer_measure_tsc(struct vcpu *v)
{
	uint64_t t0, t1, guest;
	int rc;

	timer_zero_tsc_offset(v);
	t0 = kvm_rdtsc();
	rc = kvm_get_msr(v->fd, MSR_IA32_TSC, &guest);
	t1 = kvm_rdtsc();
	if (rc < 0)
		return rc;
	v->tsc_offset = (int64_t)(guest - (t0 + (t1 - t0) / 2));
	return 0;
}

void
timer_pvclock_update(struct vcpu *v)
{
	struct vcpu_info *vi = atomic_load(&v->vcpu_info);
	struct vcpu_time_info *t;
	uint32_t mul, ver;
	int8_t shift;
	uint64_t tsc0, tsc1, mono;

	if (!vi)
		return;
	t = &vi->time;
	timer_scale(v->d->hv->tsc_khz, &mul, &shift);
	pthread_mutex_lock(&v->timer_lock);
	tsc0 = kvm_rdtsc();
	mono = timer_mono_ns();
	tsc1 = kvm_rdtsc();
	ver = __atomic_load_n(&t->version, __ATOMIC_RELAXED);
	__atomic_store_n(&t->version, (ver + 1) | 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	t->tsc_timestamp = tsc0 + (tsc1 - tsc0) / 2 + (uint64_t)v->tsc_offset;
	t->system_time = mono - v->d->boot_mono_ns;
	t->tsc_to_system_mul = mul;
	t->tsc_shift = shift;
	t->flags = v->d->hv->pvclock_flags;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&t->version, ((ver + 1) | 1) + 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&v->timer_lock);
}

void
timer_wallclock_update(struct domain *d)
{
	struct shared_info *s =
		__atomic_load_n(&d->shared_info, __ATOMIC_ACQUIRE);
	uint64_t sec = d->boot_real_ns / 1000000000ull;
	uint32_t ver;

	if (!s)
		return;
	ver = __atomic_load_n(&s->wc_version, __ATOMIC_RELAXED);
	__atomic_store_n(&s->wc_version, (ver + 1) | 1, __ATOMIC_RELEASE);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	s->wc_sec = (uint32_t)sec;
	s->wc_nsec = (uint32_t)(d->boot_real_ns % 1000000000ull);
	s->wc_sec_hi = (uint32_t)(sec >> 32);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	__atomic_store_n(&s->wc_version, ((ver + 1) | 1) + 1, __ATOMIC_RELEASE);
}

/* Program the timerfd for the earlier of the two deadlines.  Caller holds
 * v->timer_lock. */
static void
timer_rearm(struct vcpu *v)
{
	uint64_t next = v->singleshot_deadline_ns;
	struct itimerspec its = {0};

	if (v->periodic_period_ns && (!next || v->periodic_next_ns < next))
		next = v->periodic_next_ns;
	if (next) {
		uint64_t abs = v->d->boot_mono_ns + next;
		if (abs == 0)
			abs = 1; /* 0 would disarm */
		its.it_value.tv_sec = abs / 1000000000ull;
		its.it_value.tv_nsec = abs % 1000000000ull;
	}
	timerfd_settime(v->timer_fd, TFD_TIMER_ABSTIME, &its, NULL);
}

/* Runs on the loop thread (timerfd readable) or on the vCPU's own thread
 * (vcpu_block polls the timerfd too, saving a thread hop on a wake-up);
 * timer_lock and the deadline check make a double call harmless. */
static void
timer_fire(void *arg, uint32_t events)
{
	struct vcpu *v = arg;
	uint64_t ticks, now;
	bool fired = false;

	(void)events;
	if (read(v->timer_fd, &ticks, sizeof(ticks)) < 0) {
		/* EAGAIN: rearmed since it woke the loop */
	}
	pthread_mutex_lock(&v->timer_lock);
	now = domain_system_time_ns(v->d);
	if (v->singleshot_deadline_ns && v->singleshot_deadline_ns <= now) {
		v->singleshot_deadline_ns = 0;
		fired = true;
	}
	if (v->periodic_period_ns && v->periodic_next_ns <= now) {
		v->periodic_next_ns += v->periodic_period_ns;
		if (v->periodic_next_ns <= now)
			v->periodic_next_ns = now + v->periodic_period_ns;
		fired = true;
	}
	timer_rearm(v);
	/* Raise the event before dropping timer_lock: a stop or re-arm on the
	 * vCPU thread then cannot return while a tick it cancelled is still
	 * on its way (the guest would see it after arming its next timer).
	 * Lock order: timer_lock, then the event-channel lock. */
	if (fired) {
		/* The flag only stands in for an event the guest cannot see:
		 * with VIRQ_TIMER bound, the pending bit is the wake-up (and
		 * a stale flag would end a later block or poll early). */
		if (!__atomic_load_n(&v->virq_timer_port, __ATOMIC_ACQUIRE))
			atomic_store(&v->timer_fired, true);
		evtchn_raise_virq(v, VIRQ_TIMER);
	}
	pthread_mutex_unlock(&v->timer_lock);
	if (!fired)
		return;
	/* Re-anchor the pvclock on every tick, so host clock slewing never
	 * accumulates in the guest's extrapolation. */
	timer_pvclock_update(v);
	vcpu_wake(v);
}

void
timer_expire(struct vcpu *v)
{
	timer_fire(v, 0);
}

int
timer_vcpu_init(struct vcpu *v)
{
	int rc;

	v->timer_fd =
		timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK);
	if (v->timer_fd < 0)
		return -errno;
	rc = loop_add(&v->d->hv->loop, v->timer_fd, EPOLLIN, timer_fire, v);
	if (rc < 0) {
		close(v->timer_fd);
		v->timer_fd = -1;
		return rc;
	}
	v->timer_on_loop = true;
	return 0;
}

/* Idempotent: domain teardown stops the timers before the event
 * channels go, and vcpu_fini calls it again. */
void
timer_vcpu_fini(struct vcpu *v)
{
	if (v->timer_on_loop)
		loop_del(&v->d->hv->loop, v->timer_fd);
	v->timer_on_loop = false;
	if (v->timer_fd >= 0)
		close(v->timer_fd);
	v->timer_fd = -1;
}

void
timer_set_singleshot(struct vcpu *v, uint64_t deadline_ns)
{
	pthread_mutex_lock(&v->timer_lock);
	atomic_store(&v->timer_fired, false); /* a new timer: the old one is seen */
	v->singleshot_deadline_ns = deadline_ns ? deadline_ns : 1;
	timer_rearm(v);
	pthread_mutex_unlock(&v->timer_lock);
}

void
timer_stop_singleshot(struct vcpu *v)
{
	pthread_mutex_lock(&v->timer_lock);
	v->singleshot_deadline_ns = 0;
	timer_rearm(v);
	pthread_mutex_unlock(&v->timer_lock);
}

int
timer_set_periodic(struct vcpu *v, uint64_t period_ns)
{
	if (period_ns < TIMER_MIN_PERIOD_NS || period_ns > TIMER_MAX_PERIOD_NS)
		return -EINVAL;
	pthread_mutex_lock(&v->timer_lock);
	v->periodic_period_ns = period_ns;
	v->periodic_next_ns = domain_system_time_ns(v->d) + period_ns;
	timer_rearm(v);
	pthread_mutex_unlock(&v->timer_lock);
	return 0;
}

void
timer_stop_periodic(struct vcpu *v)
{
	pthread_mutex_lock(&v->timer_lock);
	v->periodic_period_ns = 0;
	timer_rearm(v);
	pthread_mutex_unlock(&v->timer_lock);
}
