/*
 * hypervisor/runstate.c: vCPU runstate accounting, its guest-memory copy
 * (VCPUOP_register_runstate_memory_area) and __HYPERVISOR_vm_assist.
 * Trust boundary: the area is a guest virtual address, translated again
 * at every write; one that no longer translates to guest memory is
 * skipped (logged once), never dereferenced.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "domain.h"
#include "hypercall.h"
#include "log.h"
#include "memory.h"
#include "runstate.h"

#define RUNSTATE_PAGE 4096ull
/* The byte of state_entry_time that holds XEN_RUNSTATE_UPDATE (bit 63,
 * little endian): flipping it alone is one store the guest sees whole. */
#define RUNSTATE_FLAG_BYTE                                                     \
	(offsetof(struct vcpu_runstate_info, state_entry_time) + 7)

/* The guest area as host pointers: two when it straddles a page. */
struct runstate_area {
	uint8_t *p[2];
	size_t len0; /* bytes in p[0] */
};

void
runstate_vcpu_init(struct vcpu *v)
{
	pthread_mutex_init(&v->runstate_lock, NULL);
	memset(&v->runstate, 0, sizeof(v->runstate));
	v->runstate.state = RUNSTATE_offline;
	v->runstate_gva = 0;
	v->runstate_bad = false;
	v->runstate_stat_open = false;
	v->runstate_stat_fd = -1;
	v->runstate_wait_ok = false;
}

void
runstate_vcpu_fini(struct vcpu *v)
{
	if (v->runstate_stat_open && v->runstate_stat_fd >= 0)
		close(v->runstate_stat_fd);
	v->runstate_stat_open = false;
	pthread_mutex_destroy(&v->runstate_lock);
}

void
runstate_account(struct vcpu_runstate_info *rs, int new_state, uint64_t now,
		 uint64_t waited)
{
	if (now > rs->state_entry_time) {
		uint64_t d = now - rs->state_entry_time;
		uint64_t w = waited < d ? waited : d;
		rs->time[RUNSTATE_runnable] += w;
		rs->time[rs->state] += d - w;
		rs->state_entry_time = now;
	}
	rs->state = new_state;
}

/* vCPU thread: ns its thread waited for a host CPU since the last call
 * (run_delay, the second field of schedstat), made the new baseline if
 * consume.  Only while an area is registered (it costs a read); 0 when
 * unknown or on the first sample. */
static uint64_t
runstate_host_waited(struct vcpu *v, bool consume)
{
	unsigned long long exec, delay;
	uint64_t d = 0;
	char buf[96];
	ssize_t n;

	if (!__atomic_load_n(&v->runstate_gva, __ATOMIC_RELAXED)) {
		v->runstate_wait_ok = false;
		return 0;
	}
	if (!v->runstate_stat_open) {
		v->runstate_stat_fd = open("/proc/thread-self/schedstat",
					   O_RDONLY | O_CLOEXEC);
		v->runstate_stat_open = true;
	}
	if (v->runstate_stat_fd < 0)
		return 0;
	n = pread(v->runstate_stat_fd, buf, sizeof(buf) - 1, 0);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	if (sscanf(buf, "%llu %llu", &exec, &delay) != 2)
		return 0;
	if (v->runstate_wait_ok && delay > v->runstate_waited_ns)
		d = delay - v->runstate_waited_ns;
	if (consume) {
		v->runstate_waited_ns = delay;
		v->runstate_wait_ok = true;
	}
	return d;
}

void
runstate_snapshot(const struct vcpu_runstate_info *rs, uint64_t now,
		  uint64_t waited, struct vcpu_runstate_info *out)
{
	/* Zeroed first: the padding after `state` reaches the guest. */
	memset(out, 0, sizeof(*out));
	out->state = rs->state;
	out->state_entry_time = rs->state_entry_time;
	memcpy(out->time, rs->time, sizeof(out->time));
	if (now > rs->state_entry_time) {
		uint64_t d = now - rs->state_entry_time;
		uint64_t w = waited < d ? waited : d;
		out->time[RUNSTATE_runnable] += w;
		out->time[rs->state] += d - w;
	}
}

/* Translate the area through x's page tables.  x is the vCPU whose
 * thread we are on: its sync registers are used when they are current,
 * else KVM_TRANSLATE asks the kernel. */
static int
runstate_map(struct vcpu *x, uint64_t gva, struct runstate_area *a)
{
	const size_t len = sizeof(struct vcpu_runstate_info);
	enum hypercall_xlate_mode mode =
		x->sregs_synced ? HYPERCALL_XLATE_AUTO : HYPERCALL_XLATE_KVM;
	size_t first = RUNSTATE_PAGE - (gva & (RUNSTATE_PAGE - 1));
	uint64_t gpa, end;

	if (__builtin_add_overflow(gva, (uint64_t)len, &end))
		return -EFAULT;
	a->len0 = first < len ? first : len;
	a->p[1] = NULL;
	if (guest_virt_to_phys_mode(x, gva, &gpa, mode) < 0)
		return -EFAULT;
	a->p[0] = memory_gpa_to_hva(x->d, gpa, a->len0);
	if (!a->p[0])
		return -EFAULT;
	if (a->len0 == len)
		return 0;
	if (guest_virt_to_phys_mode(x, gva + a->len0, &gpa, mode) < 0)
		return -EFAULT;
	a->p[1] = memory_gpa_to_hva(x->d, gpa, len - a->len0);
	return a->p[1] ? 0 : -EFAULT;
}

/* Copy len bytes to offset off of the area. */
static void
runstate_poke(const struct runstate_area *a, size_t off, const void *src,
	      size_t len)
{
	const uint8_t *in = src;

	if (off < a->len0) {
		size_t n = a->len0 - off < len ? a->len0 - off : len;
		memcpy(a->p[0] + off, in, n);
		in += n;
		off += n;
		len -= n;
	}
	if (len)
		memcpy(a->p[1] + (off - a->len0), in, len);
}

static void
runstate_poke_flag(const struct runstate_area *a, uint64_t entry_time)
{
	uint8_t b = (uint8_t)(entry_time >> 56);
	uint8_t *dst = RUNSTATE_FLAG_BYTE < a->len0
			       ? a->p[0] + RUNSTATE_FLAG_BYTE
			       : a->p[1] + (RUNSTATE_FLAG_BYTE - a->len0);

	__atomic_store_n(dst, b, __ATOMIC_RELAXED);
}

/* Write rs to the area at gva through x's translation.  With the
 * runstate_update_flag assist the guest sees XEN_RUNSTATE_UPDATE in
 * state_entry_time from before the first byte changes until after the
 * last one did. */
static int
runstate_write(struct vcpu *x, uint64_t gva,
	       const struct vcpu_runstate_info *rs)
{
	bool flag = atomic_load(&x->d->vm_assist) &
		    (1u << VMASST_TYPE_runstate_update_flag);
	struct vcpu_runstate_info out;
	struct runstate_area a;

	if (runstate_map(x, gva, &a) < 0)
		return -EFAULT;
	runstate_snapshot(rs, 0, 0, &out);
	if (flag) {
		out.state_entry_time |= XEN_RUNSTATE_UPDATE;
		runstate_poke_flag(&a, out.state_entry_time);
		/* The flag is visible before any other byte changes. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
	}
	runstate_poke(&a, 0, &out, sizeof(out));
	if (flag) {
		/* Every byte is written before the flag clears. */
		__atomic_thread_fence(__ATOMIC_RELEASE);
		runstate_poke_flag(&a, rs->state_entry_time);
	}
	return 0;
}

/* Under target->runstate_lock. */
static void
runstate_publish(struct vcpu *x, struct vcpu *target,
		 const struct vcpu_runstate_info *rs)
{
	if (!target->runstate_gva)
		return;
	if (runstate_write(x, target->runstate_gva, rs) == 0 ||
	    target->runstate_bad)
		return;
	target->runstate_bad = true;
	log_guest(target->d, LOG_INFO,
		  "vcpu %u: runstate area %#llx is not guest memory now; "
		  "skipping its updates",
		  target->id, (unsigned long long)target->runstate_gva);
}

static void
runstate_change(struct vcpu *v, int new_state, uint64_t now, uint64_t waited)
{
	pthread_mutex_lock(&v->runstate_lock);
	runstate_account(&v->runstate, new_state, now, waited);
	runstate_publish(v, v, &v->runstate);
	pthread_mutex_unlock(&v->runstate_lock);
}

void
runstate_set_at(struct vcpu *v, int new_state, uint64_t now)
{
	/* Only this thread changes the state: no lock to read it. */
	if (v->runstate.state != new_state)
		runstate_change(v, new_state, now, 0);
}

void
runstate_set(struct vcpu *v, int new_state)
{
	uint64_t now, waited;

	if (v->runstate.state == new_state)
		return;
	now = domain_system_time_ns(v->d);
	waited = runstate_host_waited(v, true);
	runstate_change(v, new_state, now, waited);
}

void
runstate_get(struct vcpu *caller, struct vcpu *target,
	     struct vcpu_runstate_info *out)
{
	uint64_t now = domain_system_time_ns(target->d), waited = 0;

	pthread_mutex_lock(&target->runstate_lock);
	/* On its own thread a vCPU's host waits so far are known. */
	if (caller == target)
		waited = runstate_host_waited(target, false);
	runstate_snapshot(&target->runstate, now, waited, out);
	pthread_mutex_unlock(&target->runstate_lock);
}

void
runstate_register(struct vcpu *caller, struct vcpu *target, uint64_t gva)
{
	struct vcpu_runstate_info rs;
	uint64_t now = domain_system_time_ns(target->d);

	pthread_mutex_lock(&target->runstate_lock);
	__atomic_store_n(&target->runstate_gva, gva, __ATOMIC_RELAXED);
	target->runstate_bad = false;
	/* As Xen: the caller's own record as it stands (it is running since
	 * state_entry_time); another vCPU's with its current state's time
	 * added in. */
	if (caller == target)
		rs = target->runstate;
	else
		runstate_snapshot(&target->runstate, now, 0, &rs);
	runstate_publish(caller, target, &rs);
	if (caller == target) /* the host-wait baseline, on its thread */
		runstate_host_waited(target, true);
	pthread_mutex_unlock(&target->runstate_lock);
}

int64_t
hc_vm_assist(struct vcpu *v, uint64_t cmd, uint64_t type)
{
	const uint32_t valid = 1u << VMASST_TYPE_runstate_update_flag;

	if (type >= 32 || !(valid & (1u << type)))
		return -EINVAL;
	switch (cmd) {
	case VMASST_CMD_enable:
		atomic_fetch_or(&v->d->vm_assist, 1u << type);
		return 0;
	case VMASST_CMD_disable:
		atomic_fetch_and(&v->d->vm_assist, ~(1u << type));
		return 0;
	default:
		return -ENOSYS;
	}
}
