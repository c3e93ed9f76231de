/*
 * hypervisor/callback.c: the global callback vector.  Xen injects it at
 * VM entry, outside the LAPIC, while the vCPU's evtchn_upcall_pending is
 * set and the guest has IF=1; the guest never EOIs it.  We do the same
 * through KVM's event injection (KVM_SET_VCPU_EVENTS interrupt.injected),
 * which KVM re-delivers at the next VM entry without touching the LAPIC.
 * Only the vCPU thread injects; other threads kick it out of KVM_RUN.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <pthread.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "callback.h"
#include "domain.h"
#include "evtchn.h"
#include "vcpu.h"

/* While the guest cannot take the vector (IF=0), re-check after this
 * long, doubling up to the maximum while it stays masked: delivery is
 * never lost, and a guest that runs with IF=0 for long pays little. */
#define CALLBACK_REKICK_MIN_NS 100000ull
#define CALLBACK_REKICK_MAX_NS 10000000ull

int
callback_set_vector(struct domain *d, uint8_t vector)
{
	if (vector != 0 && vector < 0x10)
		return -EINVAL;
	atomic_store(&d->callback_vector, vector);
	return 0;
}

static int
callback_timer_create(struct vcpu *v)
{
	struct sigevent sev;

	memset(&sev, 0, sizeof(sev));
	sev.sigev_notify = SIGEV_THREAD_ID;
	sev.sigev_signo = VCPU_KICK_SIGNAL;
	sev._sigev_un._tid = (pid_t)syscall(SYS_gettid);
	if (timer_create(CLOCK_MONOTONIC, &sev, &v->rekick_timer) < 0)
		return -errno;
	v->has_rekick_timer = true;
	return 0;
}

/* Signal ourselves after delay_ns so KVM_RUN returns and we re-check. */
static void
callback_arm_rekick(struct vcpu *v)
{
	struct itimerspec its = {0};
	uint64_t ns = v->rekick_ns ? v->rekick_ns * 2 : CALLBACK_REKICK_MIN_NS;

	if (ns > CALLBACK_REKICK_MAX_NS)
		ns = CALLBACK_REKICK_MAX_NS;
	v->rekick_ns = ns;
	if (!v->has_rekick_timer && callback_timer_create(v) < 0)
		return;
	its.it_value.tv_sec = (time_t)(ns / 1000000000ull);
	its.it_value.tv_nsec = (long)(ns % 1000000000ull);
	timer_settime(v->rekick_timer, 0, &its, NULL);
}

/* Can KVM take a new injected interrupt now?  Not with an exception,
 * NMI or interrupt already being injected, nor in an STI/MOV SS shadow. */
static bool
callback_events_allow(const struct kvm_vcpu_events *ev)
{
	return !ev->exception.injected && !ev->exception.pending &&
	       !ev->nmi.injected && !ev->interrupt.injected &&
	       !ev->interrupt.shadow;
}

/* A halted vCPU (hlt in the in-kernel LAPIC, left by a signal) does not
 * count an injected interrupt as a wake-up event: wake it ourselves, as
 * the interrupt would on hardware. */
static void
callback_unhalt(struct vcpu *v)
{
	struct kvm_mp_state mp;

	if (!v->maybe_halted)
		return;
	v->maybe_halted = false;
	if (ioctl(v->fd, KVM_GET_MP_STATE, &mp) == 0 &&
	    mp.mp_state == KVM_MP_STATE_HALTED) {
		mp.mp_state = KVM_MP_STATE_RUNNABLE;
		ioctl(v->fd, KVM_SET_MP_STATE, &mp);
	}
}

void
callback_before_run(struct vcpu *v)
{
	uint8_t vec = atomic_load(&v->d->callback_vector);
	struct vcpu_info *vi;
	struct kvm_vcpu_events ev;

	if (!vec)
		return;
	vi = atomic_load(&v->vcpu_info);
	if (!vi ||
	    !__atomic_load_n(&vi->evtchn_upcall_pending, __ATOMIC_ACQUIRE)) {
		v->rekick_ns = 0;
		return;
	}
	if (!v->run->if_flag) {
		callback_arm_rekick(v);
		return;
	}
	if (ioctl(v->fd, KVM_GET_VCPU_EVENTS, &ev) < 0)
		return;
	if (!callback_events_allow(&ev)) {
		callback_arm_rekick(v);
		return;
	}
	ev.interrupt.injected = 1;
	ev.interrupt.nr = vec;
	ev.interrupt.soft = 0;
	if (ioctl(v->fd, KVM_SET_VCPU_EVENTS, &ev) < 0)
		return;
	v->rekick_ns = 0;
	v->nr_callbacks++;
	callback_unhalt(v);
}

void
callback_kick(struct vcpu *v)
{
	if (!v->thread_started || pthread_equal(v->thread, pthread_self()))
		return; /* our own thread re-checks before its next entry */
	/* immediate_exit covers a kick that lands between the thread's
	 * check and its KVM_RUN; the signal covers one inside KVM_RUN. */
	__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

void
callback_vcpu_fini(struct vcpu *v)
{
	if (v->has_rekick_timer)
		timer_delete(v->rekick_timer);
	v->has_rekick_timer = false;
}
