/*
 * hypervisor/vcpu.c: vCPU threads.  Each thread owns its KVM vCPU: runs
 * it, decodes its exits (hypercall PIO, notify doorbell, debug console,
 * hypercall-page MSR, faults) and sleeps in SCHEDOP_block.  Trust boundary:
 * everything in an exit is guest-controlled; a guest fault crashes only that
 * domain.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "xylem/hcall.h"
#include "callback.h"
#include "domain.h"
#include "evtchn.h"
#include "hv.h"
#include "hypercall.h"
#include "kvm.h"
#include "runstate.h"
#include "smp.h"
#include "timer.h"
#include "vcpu.h"

#define MSR_MTRR_DEF_TYPE    0x2ff
#define VCPU_POLL_RECHECK_MS 1
#define VCPU_SLICE_NS	     100000
#define X86_EFER_LMA	     (1ull << 10)

static void
vcpu_signal_handler(int sig)
{
	(void)sig;
}

int
vcpu_signal_init(void)
{
	struct sigaction sa = {.sa_handler = vcpu_signal_handler};

	sigemptyset(&sa.sa_mask);
	if (sigaction(VCPU_KICK_SIGNAL, &sa, NULL) < 0)
		return -errno;
	return 0;
}

int
vcpu_init(struct domain *d, struct vcpu *v, uint32_t id)
{
	int rc;

	v->d = d;
	v->id = id;
	v->fd = v->wake_fd = v->timer_fd = -1;
	pthread_mutex_init(&v->timer_lock, NULL);
	runstate_vcpu_init(v);
	rc = kvm_vcpu_create(d->hv, d->vm_fd, id, &v->fd, &v->run);
	if (rc < 0)
		return rc;
	rc = cpuid_setup(v);
	if (rc < 0)
		return rc;
	/* MTRRs on, default write-back, as pvh.pandoc promises. */
	rc = kvm_set_msr(v->fd, MSR_MTRR_DEF_TYPE, 0xc06);
	if (rc < 0)
		return rc;
	rc = timer_measure_tsc(v);
	if (rc < 0)
		return rc;
	v->wake_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (v->wake_fd < 0)
		return -errno;
	return timer_vcpu_init(v);
}

void
vcpu_fini(struct vcpu *v)
{
	timer_vcpu_fini(v);
	callback_vcpu_fini(v);
	if (v->wake_fd >= 0)
		close(v->wake_fd);
	if (v->run)
		munmap(v->run, v->d->hv->kvm_run_size);
	if (v->fd >= 0)
		close(v->fd);
	v->run = NULL;
	v->fd = v->wake_fd = -1;
	pthread_mutex_destroy(&v->timer_lock);
	runstate_vcpu_fini(v);
}

static void
vcpu_eventfd_write(int fd)
{
	uint64_t one = 1;

	if (write(fd, &one, sizeof(one)) < 0) {
		/* EAGAIN: the counter is already non-zero, a wake is queued */
	}
}

void
vcpu_wake(struct vcpu *v)
{
	/* Pairs with vcpu_block: it sets is_blocked before re-checking the
	 * wake conditions, we publish the condition before reading it. */
	atomic_thread_fence(memory_order_seq_cst);
	if (atomic_load(&v->is_blocked))
		vcpu_eventfd_write(v->wake_fd);
}

void
vcpu_kick(struct vcpu *v)
{
	uint8_t vec = atomic_load(&v->upcall_vector);

	vcpu_wake(v);
	if (vec)
		kvm_signal_msi(v->d->vm_fd, v->id, vec);
	else if (atomic_load(&v->d->callback_vector))
		callback_kick(v);
}

void
vcpu_interrupt(struct vcpu *v)
{
	if (v->run)
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
	vcpu_eventfd_write(v->wake_fd);
	if (v->thread_started && !pthread_equal(v->thread, pthread_self()))
		pthread_kill(v->thread, VCPU_KICK_SIGNAL);
}

static bool
vcpu_should_wake(struct vcpu *v, const uint32_t *ports, unsigned nr_ports)
{
	struct domain *d = v->d;

	if (atomic_exchange(&v->timer_fired, false))
		return true;
	if (evtchn_vcpu_has_pending(v))
		return true;
	if (nr_ports && evtchn_any_pending(d, ports, nr_ports))
		return true;
	return __atomic_load_n(&d->state, __ATOMIC_ACQUIRE) != DOMAIN_RUNNING ||
	       __atomic_load_n(&v->run->immediate_exit, __ATOMIC_ACQUIRE);
}

int
vcpu_block(struct vcpu *v, uint64_t deadline_ns, const uint32_t *ports,
	   unsigned nr_ports)
{
	struct pollfd pfd[2] = {{.fd = v->wake_fd, .events = POLLIN},
				{.fd = v->timer_fd, .events = POLLIN}};
	uint64_t drain;
	bool slept = false;

	if (read(v->wake_fd, &drain, sizeof(drain)) < 0) {
		/* EAGAIN: nothing stale */
	}
	atomic_store(&v->is_blocked, true);
	for (;;) {
		int timeout_ms = -1;
		if (vcpu_should_wake(v, ports, nr_ports))
			break;
		if (deadline_ns) {
			uint64_t now = domain_system_time_ns(v->d);
			if (now >= deadline_ns)
				break;
			uint64_t ms = (deadline_ns - now + 999999) / 1000000;
			timeout_ms = ms > INT32_MAX ? INT32_MAX : (int)ms;
		}
		/* Polled ports may be masked, and a masked port's sender
		 * does not kick us: re-check them often. */
		if (nr_ports &&
		    (timeout_ms < 0 || timeout_ms > VCPU_POLL_RECHECK_MS))
			timeout_ms = VCPU_POLL_RECHECK_MS;
		/* Blocked only once we really sleep; running again when the
		 * thread next enters the guest (vcpu_thread). */
		if (!slept) {
			runstate_set(v, RUNSTATE_blocked);
			slept = true;
		}
		if (poll(pfd, 2, timeout_ms) <= 0)
			continue;
		if ((pfd[0].revents & POLLIN) &&
		    read(v->wake_fd, &drain, sizeof(drain)) < 0) {
			/* raced with another drain: fine */
		}
		/* Our own timer: take it here rather than wait for the main
		 * loop to run and wake us. */
		if (pfd[1].revents & POLLIN)
			timer_expire(v);
	}
	atomic_store(&v->is_blocked, false);
	timer_pvclock_update(v);
	return 0;
}

/* Under d->lock: may v run guest code now? */
static bool
vcpu_runnable(struct vcpu *v)
{
	return v->d->state == DOMAIN_RUNNING && atomic_load(&v->is_up) &&
	       !v->is_offlined && !v->d->is_throttled;
}

/* Under d->lock, v not runnable: its runstate while it waits.  Held
 * back by the cap: runnable; blocked stays blocked (it dominates, as in
 * Xen); else (down, offlined, paused, shut down) offline. */
static int
vcpu_idle_runstate(struct vcpu *v)
{
	struct domain *d = v->d;

	if (d->state == DOMAIN_RUNNING && atomic_load(&v->is_up) &&
	    !v->is_offlined && d->is_throttled)
		return RUNSTATE_runnable;
	if (v->runstate.state == RUNSTATE_blocked)
		return RUNSTATE_blocked;
	return RUNSTATE_offline;
}

/* Wait until v may run; false when the domain is dying. */
static bool
vcpu_wait_runnable(struct vcpu *v)
{
	struct domain *d = v->d;
	bool alive = true;
	int idle;

	pthread_mutex_lock(&d->lock);
	while (!vcpu_runnable(v)) {
		/* Publish the state before a pauser sees us out of the guest;
		 * guest memory is written without d->lock. */
		idle = vcpu_idle_runstate(v);
		if (idle != v->runstate.state) {
			pthread_mutex_unlock(&d->lock);
			runstate_set(v, idle);
			pthread_mutex_lock(&d->lock);
			continue;
		}
		if (v->in_guest) {
			v->in_guest = false;
			pthread_cond_broadcast(&d->cond);
		}
		if (d->state == DOMAIN_DYING) {
			alive = false;
			goto out;
		}
		pthread_cond_wait(&d->cond, &d->lock);
	}
	v->in_guest = true;
out:
	pthread_mutex_unlock(&d->lock);
	return alive;
}

static void
vcpu_hypercall(struct vcpu *v)
{
	struct kvm_regs *r = &v->run->s.regs.regs;
	const struct kvm_sregs *s = &v->run->s.regs.sregs;
	struct hypercall_args a;
	int64_t ret;

	if ((s->efer & X86_EFER_LMA) && s->cs.l) {
		a = (struct hypercall_args){
			r->rax, {r->rdi, r->rsi, r->rdx, r->r10, r->r8}};
	} else {
		/* 32-bit callers use Xen's 32-bit register ABI. */
		a = (struct hypercall_args){(uint32_t)r->rax,
					    {(uint32_t)r->rbx, (uint32_t)r->rcx,
					     (uint32_t)r->rdx, (uint32_t)r->rsi,
					     (uint32_t)r->rdi}};
	}
	ret = hypercall_dispatch(v, &a);
	r->rax = (uint64_t)ret;
	v->run->kvm_dirty_regs |= KVM_SYNC_X86_REGS;
}

static void
vcpu_exit_io(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	size_t bytes = (size_t)run->io.size * run->io.count;

	if (run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.port == XYL_HYPERCALL_IO_PORT && run->io.count == 1) {
		vcpu_hypercall(v);
		return;
	}
	if (run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.port == XYL_DOORBELL_IO_PORT &&
	    run->io.size == XYL_DOORBELL_BYTES) {
		/* No ioeventfd took it: send each value as EVTCHNOP_send. */
		for (uint32_t i = 0; i < run->io.count; i++) {
			uint16_t port;

			memcpy(&port, data + i * sizeof(port), sizeof(port));
			evtchn_doorbell_write(v->d, port);
		}
		return;
	}
	if (run->io.direction == KVM_EXIT_IO_OUT &&
	    run->io.port == XYL_DEBUGCON_IO_PORT && run->io.size == 1) {
		domain_console_write(v->d, (const char *)data, bytes);
		return;
	}
	/* Port 0x80 (POST codes, the guest's benchmarks): silently ignored. */
	if (run->io.direction == KVM_EXIT_IO_OUT && run->io.port == 0x80)
		return;
	/* No devices: reads float high, writes vanish. */
	if (run->io.direction == KVM_EXIT_IO_IN)
		memset(data, 0xff, bytes);
	log_guest(v->d, LOG_DEBUG, "vcpu %u: unclaimed port %s %#x", v->id,
		  run->io.direction == KVM_EXIT_IO_IN ? "in" : "out",
		  run->io.port);
}

static void
vcpu_exit_msr(struct vcpu *v, bool is_write)
{
	struct kvm_run *run = v->run;

	run->msr.error = 0;
	if (run->msr.index != XYL_HYPERCALL_MSR) {
		run->msr.error = 1; /* #GP */
		return;
	}
	if (!is_write) {
		run->msr.data = v->d->hcall_page_gpa;
		return;
	}
	if (hcpage_fill(v->d, run->msr.data) < 0) {
		log_guest(v->d, LOG_WARN,
			  "vcpu %u: hypercall page at %#llx "
			  "is not a RAM page",
			  v->id, (unsigned long long)run->msr.data);
		run->msr.error = 1;
	}
}

/* Crash the domain with the bytes at rip and the registers. */
static void
vcpu_crash_dump(struct vcpu *v, const char *what)
{
	const struct kvm_regs *r = &v->run->s.regs.regs;
	const struct kvm_sregs *s = &v->run->s.regs.sregs;
	uint8_t insn[16];
	char bytes[64] = "unreadable", why[512];

	if (guest_copy_from(v, insn, s->cs.base + r->rip, sizeof(insn)) == 0)
		for (int i = 0; i < 16; i++)
			snprintf(bytes + 3 * i, sizeof(bytes) - 3 * i, "%02x ",
				 insn[i]);
	snprintf(why, sizeof(why),
		 "vcpu %u: %s at rip %#llx (cs %#x cpl %u cr0 %#llx cr3 %#llx "
		 "efer %#llx) insn [%s] rax %#llx rbx %#llx rcx %#llx rdx "
		 "%#llx rsi %#llx rdi %#llx rsp %#llx rflags %#llx",
		 v->id, what, (unsigned long long)r->rip, s->cs.selector,
		 s->cs.dpl, (unsigned long long)s->cr0,
		 (unsigned long long)s->cr3, (unsigned long long)s->efer, bytes,
		 (unsigned long long)r->rax, (unsigned long long)r->rbx,
		 (unsigned long long)r->rcx, (unsigned long long)r->rdx,
		 (unsigned long long)r->rsi, (unsigned long long)r->rdi,
		 (unsigned long long)r->rsp, (unsigned long long)r->rflags);
	domain_crash(v->d, why);
}

static void
vcpu_handle_exit(struct vcpu *v)
{
	struct kvm_run *run = v->run;
	char what[96];

	v->nr_exits++;
	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		vcpu_exit_io(v);
		return;
	case KVM_EXIT_X86_WRMSR:
	case KVM_EXIT_X86_RDMSR:
		vcpu_exit_msr(v, run->exit_reason == KVM_EXIT_X86_WRMSR);
		return;
	case KVM_EXIT_INTR:
		return;
	case KVM_EXIT_HLT:
		vcpu_block(v, 0, NULL, 0);
		return;
	case KVM_EXIT_SHUTDOWN:
		vcpu_crash_dump(v, "triple fault");
		return;
	case KVM_EXIT_INTERNAL_ERROR:
		snprintf(what, sizeof(what), "emulation failure (suberror %u)",
			 run->internal.suberror);
		vcpu_crash_dump(v, what);
		return;
	case KVM_EXIT_MMIO:
		snprintf(what, sizeof(what), "MMIO %s %#llx outside RAM",
			 run->mmio.is_write ? "write" : "read",
			 (unsigned long long)run->mmio.phys_addr);
		vcpu_crash_dump(v, what);
		return;
	case KVM_EXIT_FAIL_ENTRY:
		snprintf(what, sizeof(what), "VM entry failed (reason %#llx)",
			 (unsigned long long)
				 run->fail_entry.hardware_entry_failure_reason);
		vcpu_crash_dump(v, what);
		return;
	default:
		snprintf(what, sizeof(what), "unexpected KVM exit %u",
			 run->exit_reason);
		vcpu_crash_dump(v, what);
		return;
	}
}

static uint64_t
vcpu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* Ask the host scheduler (EEVDF, Linux >= 6.12) for short slices: a vCPU
 * woken by its timer then preempts a busy one within ~0.1 ms instead of a
 * default slice, which is what keeps guest timers on time when vCPUs
 * outnumber host CPUs.  Best effort: older kernels ignore or refuse it. */
static void
vcpu_sched_short_slice(void)
{
	struct {
		uint32_t size, policy;
		uint64_t flags;
		int32_t nice;
		uint32_t priority;
		uint64_t runtime, deadline, period;
		uint32_t util_min, util_max;
	} attr = {.size = sizeof(attr),
		  .policy = SCHED_OTHER,
		  .runtime = VCPU_SLICE_NS};

	if (syscall(SYS_sched_setattr, 0, &attr, 0) < 0) {
		/* EINVAL/E2BIG on kernels without custom slices: fine */
	}
}

static void *
vcpu_thread(void *arg)
{
	struct vcpu *v = arg;
	char why[96];

	vcpu_sched_short_slice();
	pthread_mutex_lock(&v->d->lock);
	v->tid = (pid_t)syscall(SYS_gettid);
	pthread_cond_broadcast(&v->d->cond);
	pthread_mutex_unlock(&v->d->lock);

	for (;;) {
		/* Clear before checking state: a later vcpu_interrupt sets it
		 * again and KVM_RUN returns at once. */
		__atomic_store_n(&v->run->immediate_exit, 0, __ATOMIC_SEQ_CST);
		if (!vcpu_wait_runnable(v))
			break;
		if (smp_before_run(v) < 0) {
			domain_crash(v->d, "vcpu start: cannot load the "
					   "VCPUOP_initialise context");
			continue;
		}
		callback_before_run(v);
		runstate_set(v, RUNSTATE_running);
		uint64_t t0 = vcpu_now_ns();
		atomic_store(&v->run_start_ns, t0);
		int rc = ioctl(v->fd, KVM_RUN, 0);
		atomic_store(&v->run_start_ns, 0);
		v->sregs_synced = true;
		v->cpu_time_ns += vcpu_now_ns() - t0;
		if (rc < 0) {
			v->maybe_halted = errno == EINTR;
			if (errno == EINTR || errno == EAGAIN)
				continue;
			snprintf(why, sizeof(why), "vcpu %u: KVM_RUN: %s",
				 v->id, strerror(errno));
			domain_crash(v->d, why);
			continue;
		}
		vcpu_handle_exit(v);
	}
	return NULL;
}

int
vcpu_start(struct vcpu *v)
{
	sigset_t all, old;
	int rc;

	/* The thread inherits our mask: block everything but the kick. */
	sigfillset(&all);
	sigdelset(&all, VCPU_KICK_SIGNAL);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	rc = -pthread_create(&v->thread, NULL, vcpu_thread, v);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (rc < 0)
		return rc;
	v->thread_started = true;
	/* The scheduler names the thread by its tid (cgroup, affinity). */
	pthread_mutex_lock(&v->d->lock);
	while (v->tid == 0)
		pthread_cond_wait(&v->d->cond, &v->d->lock);
	pthread_mutex_unlock(&v->d->lock);
	return 0;
}

void
vcpu_join(struct vcpu *v)
{
	if (!v->thread_started)
		return;
	vcpu_interrupt(v);
	pthread_join(v->thread, NULL);
	v->thread_started = false;
}
