/*
 * hypervisor/domain.h: domains and vCPUs.  domain_create() builds a domain
 * and everything it owns (KVM VM, memfd, vCPUs, event channels, grant
 * table, timers); domain_destroy() is the only path that frees them.
 *
 * Lock order (take left before right, never the reverse):
 *   hv->domains_lock  ->  d->lock  ->  d->evtchn lock (evtchn.c)
 * When two domains are involved (interdomain event channels), the lower
 * domid's lock is taken first.  Guest memory bits (shared_info pending and
 * mask words, vcpu_info) are updated with atomics, never under a lock the
 * guest could stall.
 *
 * Ownership: hv->domains[] holds one reference.  domain_get() adds one for
 * a caller who names a domain by id; domain_put() drops it; the struct is
 * freed when the last reference goes after domain_destroy().
 */
#ifndef HV_DOMAIN_H
#define HV_DOMAIN_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include <xen/xen.h>
#include <xen/vcpu.h>
#include <xen/hvm/hvm_vcpu.h>
#include <xen/hvm/params.h>

#include "xylem/ctl.h"
#include "log.h"
#include "memory.h"

struct hv;
struct evtchn_table;
struct gnttab;
struct kvm_run;

/* A vCPU.  Owned by its domain; its thread owns the KVM vCPU fd and is the
 * only one that calls KVM_RUN or vCPU ioctls.  Other threads reach it
 * through vcpu_kick(). */
struct vcpu {
	struct domain *d;
	uint32_t id;
	int fd;		     /* KVM vCPU fd */
	struct kvm_run *run; /* mmap of fd */
	pthread_t thread;
	bool thread_started;

	/* vcpu_info: shared_info->vcpu_info[id] until the guest registers its
	 * own with VCPUOP_register_vcpu_info.  hva, or NULL before shared_info
	 * is mapped.  Written by the vCPU thread; read by event senders with
	 * acquire loads. */
	_Atomic(struct vcpu_info *) vcpu_info;
	uint64_t vcpu_info_gpa;

	/* Upcall vector from HVMOP_set_evtchn_upcall_vector (0 = none). */
	_Atomic uint8_t upcall_vector;
	/* Global callback vector (callback.c): a POSIX timer that signals
	 * this thread to re-check delivery while the guest has IF=0; owned
	 * by the vCPU thread, deleted by vcpu_fini. */
	timer_t rekick_timer;
	bool has_rekick_timer;
	uint64_t rekick_ns; /* current re-kick delay, 0 = none armed */
	bool maybe_halted;  /* last KVM_RUN ended by a signal */
	uint64_t nr_callbacks;

	/* Blocking (SCHEDOP_block / poll): the vCPU thread sleeps on wake_fd.
	 */
	int wake_fd; /* eventfd */
	atomic_bool is_blocked;

	/* Timers (timer.c): singleshot and periodic, on one timerfd. */
	int timer_fd;
	uint64_t singleshot_deadline_ns; /* Xen system time; 0 = off */
	uint64_t periodic_period_ns;	 /* 0 = off */
	uint64_t periodic_next_ns;
	uint32_t virq_timer_port; /* kept by evtchn.c; 0 = unbound */

	atomic_bool is_up;
	/* SMP (smp.c), under d->lock: VCPUOP_initialise was done (vCPU 0:
	 * at build); a context waits for the vCPU's thread to load it;
	 * `xyl vcpu-set` took the vCPU offline. */
	bool is_initialised;
	bool has_boot_ctx;
	struct vcpu_hvm_x86_64 boot_ctx;
	bool is_offlined;
	uint64_t cpu_time_ns; /* time spent in KVM_RUN */
	/* CLOCK_MONOTONIC at KVM_RUN entry, 0 = not in KVM_RUN. */
	_Atomic uint64_t run_start_ns;
	uint64_t pause_count;

	/* Set by the timer callback when a singleshot/periodic timer fired;
	 * SCHEDOP_block/poll consume it so a timer wakes the vCPU even if
	 * VIRQ_TIMER is not bound. */
	atomic_bool timer_fired;
	/* timer_lock guards the timer fields above and the pvclock writes
	 * (timer.c); never held while taking d->lock.  timer_fire raises
	 * VIRQ_TIMER under it, so it nests outside the event-channel lock. */
	pthread_mutex_t timer_lock;
	bool timer_on_loop;    /* timer_fd added to hv->loop */
	int64_t tsc_offset;    /* guest TSC - host TSC (measured) */
	uint64_t runstate_gva; /* VCPUOP_register_runstate_memory_area */
	/* Runstate (runstate.c): runstate_lock guards runstate and
	 * runstate_gva; only the vCPU thread changes the state.  sregs_synced:
	 * run->s.regs are this vCPU's (a KVM_RUN returned since the last
	 * context load), so the software page walk may use them. */
	pthread_mutex_t runstate_lock;
	struct vcpu_runstate_info runstate;
	bool runstate_bad; /* the area could not be written (logged once) */
	bool sregs_synced;
	/* The vCPU thread's /proc/thread-self/schedstat (opened by the thread
	 * itself, once) and its last run_delay: time spent waiting for a
	 * host CPU becomes RUNSTATE_runnable while an area is registered. */
	bool runstate_stat_open;
	int runstate_stat_fd;
	bool runstate_wait_ok;
	uint64_t runstate_waited_ns;
	/* Under d->lock: the vCPU thread is (about to be) inside KVM_RUN. */
	bool in_guest;
	/* Scheduling (credit.c): the thread's id, published by the thread
	 * before vcpu_start returns; hard affinity as a host CPU mask. */
	pid_t tid;
	uint64_t hard_affinity;
	uint64_t nr_exits;
	uint64_t nr_hypercalls;
};

enum domain_run_state {
	DOMAIN_PAUSED = 0, /* created, or paused by the toolstack */
	DOMAIN_RUNNING,
	DOMAIN_SHUTDOWN, /* shut down: vCPUs stopped, memory kept */
	DOMAIN_DYING,
};

struct domain_config {
	char name[XYL_NAME_MAX];
	uint64_t mem_kib;
	uint32_t vcpus;
	uint8_t uuid[16];
	char cmdline[XYL_CMDLINE_MAX];
	int kernel_fd;	/* borrowed: the caller closes it */
	int ramdisk_fd; /* -1 = none; borrowed */
};

struct domain {
	struct hv *hv;
	xyl_domid_t domid;
	char name[XYL_NAME_MAX];
	uint8_t uuid[16];
	atomic_int refcnt;
	pthread_mutex_t lock; /* guards state, params, vcpus[] up/down */

	int vm_fd;		 /* KVM VM fd */
	struct guest_memory mem; /* memory.h */
	uint32_t nr_vcpus;
	struct vcpu *vcpus; /* nr_vcpus entries */

	struct shared_info *shared_info; /* hva, NULL until mapped */
	uint64_t shared_info_gfn;
	/* Maximum memory (xl mem-max), >= mem.ram_bytes >> 10: reported by
	 * getinfo and XENMEM_maximum_reservation.  No balloon: RAM never
	 * grows towards it. */
	_Atomic uint64_t max_mem_kib;
	/* __HYPERVISOR_vm_assist: bit VMASST_TYPE_* set = enabled. */
	_Atomic uint32_t vm_assist;

	struct evtchn_table *evtchn; /* evtchn.c */
	struct gnttab *gnttab;	     /* gnttab.c */

	uint64_t hvm_params[HVM_NR_PARAMS];
	/* HVM_PARAM_CALLBACK_IRQ of type vector: the vector (0 = none),
	 * injected by each vCPU thread before KVM_RUN (callback.c). */
	_Atomic uint8_t callback_vector;

	enum domain_run_state state;
	bool is_paused_by_ctl;
	uint32_t shutdown_reason; /* SHUTDOWN_*, valid in SHUTDOWN */
	uint64_t create_time_ns;  /* CLOCK_REALTIME */
	uint64_t
		boot_mono_ns; /* CLOCK_MONOTONIC at create: Xen system time 0 */

	pthread_cond_t cond;	 /* with lock: state changes, in_guest */
	uint32_t shutdown_code;	 /* SCHEDOP_shutdown_code, ~0 = none */
	uint64_t hcall_page_gpa; /* last hypercall-page MSR write */
	uint64_t boot_real_ns;	 /* CLOCK_REALTIME at system time 0 */

	/* Credit scheduler (credit.c), under lock: weight 1..65535, cap in %
	 * of one CPU (0 = none); the domain's cpu cgroup exists. */
	uint32_t sched_weight;
	uint32_t sched_cap;
	bool has_sched_cgroup;
	/* Caps without a cgroup (credit_cap.c): is_throttled (under lock)
	 * keeps the vCPUs out of the guest; the rest is the enforcer's. */
	bool is_throttled;
	int64_t cap_budget_ns;
	uint64_t cap_last_ns;

	struct logring console; /* console_io output */
	struct log_ratelimit ratelimit;
};

/* Build a paused domain from cfg.  On failure returns -errno and writes a
 * one-line reason into err (e.g. "kernel: no XEN_ELFNOTE_PHYS32_ENTRY note").
 * -EINVAL bad config, -ENOEXEC bad kernel image, -ENOMEM, -EEXIST name in use,
 * -ENOSPC no domid left. */
int domain_create(struct hv *hv, const struct domain_config *cfg,
		  struct domain **out, char *err, size_t errlen);
/* Stop every vCPU, release everything, drop the table's reference. */
int domain_destroy(struct domain *d);
int domain_pause(struct domain *d);
/* Give d a new name: -EEXIST another domain has it (err says so). */
int domain_rename(struct hv *hv, struct domain *d, const char *name, char *err,
		  size_t errlen);
int domain_unpause(struct domain *d);
/* Shut the domain down with a SHUTDOWN_* reason: stop its vCPUs, keep its
 * memory, tell event subscribers.  From a vCPU thread or the control path. */
void domain_shutdown(struct domain *d, uint32_t reason);
/* Crash the domain (reason SHUTDOWN_crash) after logging why. */
void domain_crash(struct domain *d, const char *why);
void domain_getinfo(struct domain *d, struct xyl_dominfo *out);

/* Counted lookups; NULL if there is no such live domain. */
struct domain *domain_get(struct hv *hv, xyl_domid_t domid);
/* The live domain with the lowest domid >= first, counted; NULL if none. */
struct domain *domain_get_next(struct hv *hv, xyl_domid_t first);
void domain_put(struct domain *d);

/* Xen system time of d: ns since the domain was created (pvclock's clock). */
uint64_t domain_system_time_ns(const struct domain *d);

/* Wake v if it is blocked (SCHEDOP_block/poll) and, if it registered an
 * upcall vector, inject it.  Called after an event became pending for v.
 * Any thread. */
void vcpu_kick(struct vcpu *v);

/* The domain's console_io output: logring, events, --boot stdout. */
void domain_console_write(struct domain *d, const char *buf, size_t len);

#endif
