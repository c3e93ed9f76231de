/*
 * hypervisor/memory.c: a domain's guest memory.  Owns the memfd and its
 * one mapping (RAM then special area), the two KVM memslots over it, the
 * read-only slot of the shared-timer page (stimer.c) and any 4 KiB alias
 * slots.  Translation here is bounds-checked; callers on
 * the guest boundary (hypercall.c) rely on it never overrunning.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xylem/sharedtimer.h"
#include "domain.h"
#include "hv.h"
#include "kvm.h"
#include "memory.h"

#define MEMORY_SLOT_RAM		0
#define MEMORY_SLOT_SPECIAL	1
#define MEMORY_SLOT_STIMER	2
#define MEMORY_SLOT_FIRST_ALIAS 3
#define MEMORY_PAGE		4096ull

int
memory_init(struct domain *d, uint64_t ram_bytes)
{
	struct guest_memory *m = &d->mem;
	char name[32];
	int rc;

	if (ram_bytes < MEMORY_MIN_RAM || ram_bytes > MEMORY_MAX_RAM ||
	    (ram_bytes & (MEMORY_PAGE - 1)))
		return -EINVAL;
	m->ram_bytes = ram_bytes;
	m->special_gpa = MEMORY_SPECIAL_GPA;
	m->special_bytes = MEMORY_SPECIAL_PAGES * MEMORY_PAGE;
	m->hva = NULL;
	snprintf(name, sizeof(name), "xylem-dom%u", d->domid);
	m->memfd = memfd_create(name, MFD_CLOEXEC);
	if (m->memfd < 0)
		return -errno;
	if (ftruncate(m->memfd, (off_t)(ram_bytes + m->special_bytes)) < 0) {
		rc = -errno;
		goto fail;
	}
	m->hva = mmap(NULL, ram_bytes + m->special_bytes,
		      PROT_READ | PROT_WRITE, MAP_SHARED, m->memfd, 0);
	if (m->hva == MAP_FAILED) {
		m->hva = NULL;
		rc = -errno;
		goto fail;
	}
	rc = kvm_set_memslot(d->vm_fd, MEMORY_SLOT_RAM, 0, ram_bytes, m->hva);
	if (rc < 0)
		goto fail;
	rc = kvm_set_memslot(d->vm_fd, MEMORY_SLOT_SPECIAL, m->special_gpa,
			     m->special_bytes, m->hva + ram_bytes);
	if (rc < 0)
		goto fail;
	/* The host-wide shared-timer page, read-only to the guest. */
	if (d->hv && d->hv->stimer_hva)
		rc = kvm_set_memslot_ro(d->vm_fd, MEMORY_SLOT_STIMER,
					XYL_STIMER_GPA, XYL_STIMER_BYTES,
					d->hv->stimer_hva);
	if (rc < 0)
		goto fail;
	m->next_slot = MEMORY_SLOT_FIRST_ALIAS;
	return 0;
fail:
	memory_fini(d);
	return rc;
}

void
memory_fini(struct domain *d)
{
	struct guest_memory *m = &d->mem;

	if (m->hva)
		munmap(m->hva, m->ram_bytes + m->special_bytes);
	m->hva = NULL;
	if (m->memfd >= 0)
		close(m->memfd);
	m->memfd = -1;
}

void *
memory_special_page(struct domain *d, unsigned page)
{
	if (!d->mem.hva || page >= MEMORY_SPECIAL_PAGES)
		return NULL;
	return d->mem.hva + d->mem.ram_bytes + (uint64_t)page * MEMORY_PAGE;
}

void *
memory_gpa_to_hva(struct domain *d, uint64_t gpa, size_t len)
{
	struct guest_memory *m = &d->mem;
	uint64_t end;

	if (!m->hva || __builtin_add_overflow(gpa, (uint64_t)len, &end))
		return NULL;
	if (end <= m->ram_bytes)
		return m->hva + gpa;
	if (gpa >= m->special_gpa && end <= m->special_gpa + m->special_bytes)
		return m->hva + m->ram_bytes + (gpa - m->special_gpa);
	uint32_t nr = __atomic_load_n(&m->nr_aliases, __ATOMIC_ACQUIRE);
	for (uint32_t i = 0; i < nr; i++) {
		uint64_t base = m->alias[i].gfn << 12;
		if (gpa >= base && end <= base + MEMORY_PAGE)
			return m->alias[i].hva + (gpa - base);
	}
	return NULL;
}

int
memory_alias_gfn(struct domain *d, uint64_t gfn, void *hva)
{
	struct guest_memory *m = &d->mem;
	uint64_t gpa = gfn << 12;
	int rc;

	if (gfn >= (1ull << 40) || ((uintptr_t)hva & (MEMORY_PAGE - 1)))
		return -EINVAL;
	/* Only the hole: aliasing over RAM, the special area or the timer
	 * page would make two memslots overlap. */
	if (gpa < m->ram_bytes ||
	    (gpa >= m->special_gpa &&
	     gpa < m->special_gpa + m->special_bytes) ||
	    gpa == XYL_STIMER_GPA)
		return -EINVAL;
	for (uint32_t i = 0; i < m->nr_aliases; i++) {
		if (m->alias[i].gfn != gfn)
			continue;
		/* KVM cannot move a slot's backing: delete, then re-add. */
		kvm_set_memslot(d->vm_fd, m->alias[i].slot, gpa, 0, NULL);
		rc = kvm_set_memslot(d->vm_fd, m->alias[i].slot, gpa,
				     MEMORY_PAGE, hva);
		if (rc == 0)
			m->alias[i].hva = hva;
		return rc;
	}
	if (m->nr_aliases >= MEMORY_MAX_ALIASES)
		return -ENOSPC;
	rc = kvm_set_memslot(d->vm_fd, m->next_slot, gpa, MEMORY_PAGE, hva);
	if (rc < 0)
		return rc;
	m->alias[m->nr_aliases].gfn = gfn;
	m->alias[m->nr_aliases].hva = hva;
	m->alias[m->nr_aliases].slot = m->next_slot;
	/* Readers on other threads see the entry before the count. */
	__atomic_store_n(&m->nr_aliases, m->nr_aliases + 1, __ATOMIC_RELEASE);
	m->next_slot++;
	return 0;
}
