/*
 * tests/lib/fake_events_world.c: fakes of domain.c, memory.c,
 * hypercall.c, log.c and kvm.c's ioeventfds for the evtchn and gnttab
 * suites.  Guest memory is one heap
 * buffer per domain (RAM, then the special area), as the memfd is.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fake_events_world.h"
#include "hypercall.h"
#include "kvm.h"
#include "log.h"
#include "memory.h"

#define FAKE_PAGE	4096u
#define FAKE_MAX_KICKED 64

static struct {
	struct vcpu *v;
	unsigned n;
} fake_kicked[FAKE_MAX_KICKED];

static struct {
	unsigned count;
	uint64_t gfn;
	void *hva;
	int fail_rc;
} fake_alias;

struct hv *
fake_hv_new(void)
{
	struct hv *hv = calloc(1, sizeof(*hv));

	pthread_mutex_init(&hv->domains_lock, NULL);
	return hv;
}

void
fake_hv_free(struct hv *hv)
{
	pthread_mutex_destroy(&hv->domains_lock);
	free(hv);
}

struct domain *
fake_domain_new(struct hv *hv, xyl_domid_t domid, uint32_t nr_vcpus)
{
	struct domain *d = calloc(1, sizeof(*d));

	d->hv = hv;
	d->domid = domid;
	atomic_init(&d->refcnt, 1);
	pthread_mutex_init(&d->lock, NULL);
	d->mem.memfd = -1;
	d->mem.ram_bytes = FAKE_RAM_BYTES;
	d->mem.special_gpa = MEMORY_SPECIAL_GPA;
	d->mem.special_bytes = MEMORY_SPECIAL_PAGES * FAKE_PAGE;
	d->mem.hva = aligned_alloc(FAKE_PAGE,
				   d->mem.ram_bytes + d->mem.special_bytes);
	memset(d->mem.hva, 0, d->mem.ram_bytes + d->mem.special_bytes);
	d->nr_vcpus = nr_vcpus;
	d->vcpus = calloc(nr_vcpus, sizeof(*d->vcpus));
	for (uint32_t i = 0; i < nr_vcpus; i++) {
		d->vcpus[i].d = d;
		d->vcpus[i].id = i;
		d->vcpus[i].wake_fd = -1;
		d->vcpus[i].timer_fd = -1;
	}
	d->vm_fd = FAKE_VM_FD_BASE + domid;
	hv->domains[domid] = d;
	return d;
}

void
fake_domain_free(struct domain *d)
{
	d->hv->domains[d->domid] = NULL;
	free(d->vcpus);
	free(d->mem.hva);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

void
fake_domain_map_shared_info(struct domain *d)
{
	struct shared_info *si;

	si = (struct shared_info *)(d->mem.hva + FAKE_SHARED_INFO_GPA);
	for (uint32_t i = 0; i < d->nr_vcpus && i < XEN_LEGACY_MAX_VCPUS; i++)
		atomic_store(&d->vcpus[i].vcpu_info, &si->vcpu_info[i]);
	__atomic_store_n(&d->shared_info, si, __ATOMIC_RELEASE);
	d->shared_info_gfn = FAKE_SHARED_INFO_GPA / FAKE_PAGE;
}

struct domain *
domain_get(struct hv *hv, xyl_domid_t domid)
{
	struct domain *d = NULL;

	if (domid > XYL_DOMID_MAX)
		return NULL;
	pthread_mutex_lock(&hv->domains_lock);
	d = hv->domains[domid];
	if (d)
		atomic_fetch_add(&d->refcnt, 1);
	pthread_mutex_unlock(&hv->domains_lock);
	return d;
}

void
domain_put(struct domain *d)
{
	atomic_fetch_sub(&d->refcnt, 1);
}

void
vcpu_kick(struct vcpu *v)
{
	for (int i = 0; i < FAKE_MAX_KICKED; i++) {
		if (fake_kicked[i].v == v || !fake_kicked[i].v) {
			fake_kicked[i].v = v;
			fake_kicked[i].n++;
			return;
		}
	}
}

unsigned
fake_kicks(struct vcpu *v)
{
	for (int i = 0; i < FAKE_MAX_KICKED; i++)
		if (fake_kicked[i].v == v)
			return fake_kicked[i].n;
	return 0;
}

void
fake_kicks_reset(void)
{
	memset(fake_kicked, 0, sizeof(fake_kicked));
}

void *
memory_gpa_to_hva(struct domain *d, uint64_t gpa, size_t len)
{
	struct guest_memory *m = &d->mem;

	if (len == 0 || gpa + len < gpa)
		return NULL;
	if (gpa + len <= m->ram_bytes)
		return m->hva + gpa;
	if (gpa >= m->special_gpa &&
	    gpa + len <= m->special_gpa + m->special_bytes)
		return m->hva + m->ram_bytes + (gpa - m->special_gpa);
	return NULL;
}

int
memory_alias_gfn(struct domain *d, uint64_t gfn, void *hva)
{
	int rc = fake_alias.fail_rc;

	(void)d;
	fake_alias.fail_rc = 0;
	if (rc)
		return rc;
	fake_alias.count++;
	fake_alias.gfn = gfn;
	fake_alias.hva = hva;
	return 0;
}

unsigned
fake_alias_count(void)
{
	return fake_alias.count;
}

uint64_t
fake_alias_last_gfn(void)
{
	return fake_alias.gfn;
}

void *
fake_alias_last_hva(void)
{
	return fake_alias.hva;
}

void
fake_alias_fail_next(int rc)
{
	fake_alias.fail_rc = rc;
}

int
guest_copy_from(struct vcpu *v, void *dst, uint64_t gva, size_t len)
{
	void *src = memory_gpa_to_hva(v->d, gva, len);

	if (!src)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

int
guest_copy_to(struct vcpu *v, uint64_t gva, const void *src, size_t len)
{
	void *dst = memory_gpa_to_hva(v->d, gva, len);

	if (!dst)
		return -EFAULT;
	memcpy(dst, src, len);
	return 0;
}

/* ---- kvm.c: PIO ioeventfds, kept as KVM keeps them ---- */

#define FAKE_MAX_IOEVENTFDS 1024

static struct fake_ioeventfd {
	bool used;
	int vm_fd;
	uint16_t port;
	uint8_t bytes;
	uint64_t datamatch;
	int efd;
} fake_ioev[FAKE_MAX_IOEVENTFDS];
static int fake_ioev_fail_rc;
static pthread_mutex_t fake_ioev_lock = PTHREAD_MUTEX_INITIALIZER;

static struct fake_ioeventfd *
fake_ioev_find(int vm_fd, uint16_t port, uint8_t bytes, uint64_t datamatch)
{
	for (int i = 0; i < FAKE_MAX_IOEVENTFDS; i++) {
		struct fake_ioeventfd *e = &fake_ioev[i];

		if (e->used && e->vm_fd == vm_fd && e->port == port &&
		    e->bytes == bytes && e->datamatch == datamatch)
			return e;
	}
	return NULL;
}

static int
fake_ioev_assign(int vm_fd, uint16_t port, uint8_t bytes, uint64_t datamatch,
		 int efd)
{
	if (fake_ioev_fail_rc) {
		int rc = fake_ioev_fail_rc;

		fake_ioev_fail_rc = 0;
		return rc;
	}
	if (fake_ioev_find(vm_fd, port, bytes, datamatch))
		return -EEXIST;
	for (int i = 0; i < FAKE_MAX_IOEVENTFDS; i++) {
		if (!fake_ioev[i].used) {
			fake_ioev[i] = (struct fake_ioeventfd){
				true, vm_fd, port, bytes, datamatch, efd};
			return 0;
		}
	}
	return -ENOSPC;
}

int
kvm_pio_ioeventfd(int vm_fd, uint16_t port, uint8_t bytes, uint64_t datamatch,
		  int efd, bool assign)
{
	struct fake_ioeventfd *e;
	int rc = 0;

	pthread_mutex_lock(&fake_ioev_lock);
	if (assign) {
		rc = fake_ioev_assign(vm_fd, port, bytes, datamatch, efd);
	} else {
		/* KVM matches the eventfd too on deassign. */
		e = fake_ioev_find(vm_fd, port, bytes, datamatch);
		if (e && e->efd == efd)
			e->used = false;
		else
			rc = -ENOENT;
	}
	pthread_mutex_unlock(&fake_ioev_lock);
	return rc;
}

unsigned
fake_ioeventfd_count(int vm_fd)
{
	unsigned n = 0;

	pthread_mutex_lock(&fake_ioev_lock);
	for (int i = 0; i < FAKE_MAX_IOEVENTFDS; i++)
		n += fake_ioev[i].used && fake_ioev[i].vm_fd == vm_fd;
	pthread_mutex_unlock(&fake_ioev_lock);
	return n;
}

bool
fake_ioeventfd_ring(int vm_fd, uint16_t port, uint8_t bytes, uint64_t value)
{
	struct fake_ioeventfd *e;
	uint64_t one = 1;
	int efd = -1;

	pthread_mutex_lock(&fake_ioev_lock);
	e = fake_ioev_find(vm_fd, port, bytes, value);
	if (e)
		efd = e->efd;
	pthread_mutex_unlock(&fake_ioev_lock);
	if (efd < 0)
		return false;
	if (write(efd, &one, sizeof(one)) != sizeof(one))
		return false;
	return true;
}

void
fake_ioeventfd_fail_next(int rc)
{
	fake_ioev_fail_rc = rc;
}

/* ---- log.c ---- */

static unsigned fake_logs;

void
log_msg(struct hv *hv, enum log_level level, int domid, const char *fmt, ...)
{
	(void)hv, (void)level, (void)domid, (void)fmt;
	__atomic_fetch_add(&fake_logs, 1, __ATOMIC_RELAXED);
}

void
log_guest(struct domain *d, enum log_level level, const char *fmt, ...)
{
	(void)d, (void)level, (void)fmt;
	__atomic_fetch_add(&fake_logs, 1, __ATOMIC_RELAXED);
}

unsigned
fake_log_count(void)
{
	return __atomic_load_n(&fake_logs, __ATOMIC_RELAXED);
}
