/*
 * tests/lib/fake_core.c: fakes for the hypercall unit tests (fake_core.h):
 * KVM, timers, vCPU blocking, domain life cycle, event channels and grant
 * tables, reduced to counters.  Guest memory is the real memory.c over a
 * malloc'd buffer.
 */
#include <errno.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "evtchn.h"
#include "fake_core.h"
#include "gnttab.h"
#include "hv.h"
#include "hypercall.h"
#include "kvm.h"
#include "memory.h"
#include "timer.h"
#include "vcpu.h"

static struct fake_core_calls fake_core_state;

struct fake_core_calls *
fake_core_calls(void)
{
	return &fake_core_state;
}

struct domain *
fake_core_domain_new(uint32_t nr_vcpus)
{
	struct hv *hv = calloc(1, sizeof(*hv));
	struct domain *d = calloc(1, sizeof(*d));

	memset(&fake_core_state, 0, sizeof(fake_core_state));
	hv->kvm_fd = -1;
	hv->shutdown_efd = -1;
	hv->tsc_khz = 2000000;
	d->hv = hv;
	d->domid = 7;
	pthread_mutex_init(&d->lock, NULL);
	pthread_cond_init(&d->cond, NULL);
	d->mem.memfd = -1;
	d->mem.ram_bytes = FAKE_CORE_RAM_BYTES;
	d->mem.special_gpa = MEMORY_SPECIAL_GPA;
	d->mem.special_bytes = MEMORY_SPECIAL_PAGES * 4096ull;
	d->mem.hva =
		aligned_alloc(4096, d->mem.ram_bytes + d->mem.special_bytes);
	memset(d->mem.hva, 0, d->mem.ram_bytes + d->mem.special_bytes);
	d->state = DOMAIN_RUNNING;
	d->nr_vcpus = nr_vcpus;
	d->vcpus = calloc(nr_vcpus, sizeof(*d->vcpus));
	for (uint32_t i = 0; i < nr_vcpus; i++) {
		d->vcpus[i].d = d;
		d->vcpus[i].id = i;
		d->vcpus[i].fd = -1;
		d->vcpus[i].run = calloc(1, sizeof(struct kvm_run));
		d->vcpus[i].run->s.regs.sregs.cr0 = 0x11; /* paging off */
	}
	d->hvm_params[HVM_PARAM_STORE_PFN] = 0xfe040;
	return d;
}

void
fake_core_domain_free(struct domain *d)
{
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		free(d->vcpus[i].run);
	free(d->vcpus);
	free(d->mem.hva);
	free(d->hv);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->cond);
	free(d);
}

/* --- what the hc_* units call --- */

int
kvm_set_memslot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		void *hva)
{
	(void)vm_fd, (void)slot, (void)gpa, (void)bytes, (void)hva;
	return 0;
}

int
kvm_set_memslot_ro(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		   void *hva)
{
	(void)vm_fd, (void)slot, (void)gpa, (void)bytes, (void)hva;
	return 0;
}

uint64_t
domain_system_time_ns(const struct domain *d)
{
	(void)d;
	return 1000000000ull; /* "now" is 1 s after boot */
}

void
domain_shutdown(struct domain *d, uint32_t reason)
{
	(void)d;
	fake_core_state.shutdowns++;
	fake_core_state.last_shutdown_reason = reason;
}

void
domain_console_write(struct domain *d, const char *buf, size_t len)
{
	struct fake_core_calls *c = &fake_core_state;

	(void)d;
	if (c->console_bytes + len <= sizeof(c->console))
		memcpy(c->console + c->console_bytes, buf, len);
	c->console_bytes += len;
}

int
vcpu_block(struct vcpu *v, uint64_t deadline_ns, const uint32_t *ports,
	   unsigned nr_ports)
{
	(void)v, (void)deadline_ns, (void)ports, (void)nr_ports;
	fake_core_state.blocks++;
	return 0;
}

void
timer_set_singleshot(struct vcpu *v, uint64_t deadline_ns)
{
	(void)v;
	fake_core_state.singleshot_ns = deadline_ns;
}

void
timer_stop_singleshot(struct vcpu *v)
{
	(void)v;
	fake_core_state.singleshot_ns = 0;
}

int
timer_set_periodic(struct vcpu *v, uint64_t period_ns)
{
	(void)v;
	return period_ns < TIMER_MIN_PERIOD_NS ? -EINVAL : 0;
}

void
timer_stop_periodic(struct vcpu *v)
{
	(void)v;
}

void
timer_pvclock_update(struct vcpu *v)
{
	(void)v;
}

void
timer_wallclock_update(struct domain *d)
{
	(void)d;
}

void
evtchn_resync(struct domain *d)
{
	(void)d;
}

void
vcpu_interrupt(struct vcpu *v)
{
	(void)v;
	fake_core_state.interrupts++;
}

int
gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	(void)d, (void)gfn;
	fake_core_state.gnttab_maps++;
	return idx < GNTTAB_MAX_FRAMES ? 0 : -EINVAL;
}

int64_t
hc_event_channel_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	(void)v, (void)cmd, (void)arg;
	return -ENOSYS;
}

int64_t
hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count)
{
	(void)v, (void)cmd, (void)arg, (void)count;
	return -ENOSYS;
}
