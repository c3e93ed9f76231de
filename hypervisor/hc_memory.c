/*
 * hypervisor/hc_memory.c: __HYPERVISOR_memory_op.  add_to_physmap for
 * shared_info (adopted in place) and grant frames (gnttab.c), the memory
 * map, and the reservation queries.  No ballooning: the rest is -ENOSYS.
 * Trust boundary: argument structs are copied in once, then checked.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "xylem/sharedtimer.h"
#include "domain.h"
#include "evtchn.h"
#include "gnttab.h"
#include "hypercall.h"
#include "memory.h"
#include "timer.h"

#define HC_MEMOP_CMD_MASK 0x3f /* Xen's MEMOP_CMD_MASK: low 6 bits */

/* Xen's e820 entry layout as XENMEM_memory_map returns it. */
struct hc_e820_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
} __attribute__((packed));

static bool
hc_is_self(struct domain *d, domid_t domid)
{
	return domid == DOMID_SELF || domid == d->domid;
}

/* Make gfn d's shared_info: a RAM page is adopted in place (its contents
 * replaced by the current shared_info), the special-area home page is used
 * as is.  Any other gfn is -EINVAL. */
static int
hc_map_shared_info(struct vcpu *v, uint64_t gfn)
{
	struct domain *d = v->d;
	uint64_t home = MEMORY_SPECIAL_GFN(MEMORY_SPECIAL_SHINFO_PAGE);
	struct shared_info *old, *new;

	if (gfn >= (1ull << 40))
		return -EINVAL;
	if (gfn != home && (gfn << 12) + 4096 > d->mem.ram_bytes)
		return -EINVAL;
	new = memory_gpa_to_hva(d, gfn << 12, 4096);
	if (!new)
		return -EINVAL;
	pthread_mutex_lock(&d->lock);
	old = d->shared_info;
	if (old && old != new)
		memcpy(new, old, sizeof(*new));
	__atomic_store_n(&d->shared_info, new, __ATOMIC_RELEASE);
	d->shared_info_gfn = gfn;
	for (uint32_t i = 0; i < d->nr_vcpus; i++) {
		struct vcpu *w = &d->vcpus[i];
		if (w->vcpu_info_gpa == 0 && i < XEN_LEGACY_MAX_VCPUS)
			atomic_store(&w->vcpu_info, &new->vcpu_info[i]);
	}
	pthread_mutex_unlock(&d->lock);
	timer_wallclock_update(d);
	for (uint32_t i = 0; i < d->nr_vcpus; i++)
		timer_pvclock_update(&d->vcpus[i]);
	evtchn_resync(d);
	return 0;
}

static int64_t
hc_add_to_physmap(struct vcpu *v, uint64_t arg)
{
	struct xen_add_to_physmap xatp;
	int rc = guest_copy_from(v, &xatp, arg, sizeof(xatp));

	if (rc < 0)
		return rc;
	if (!hc_is_self(v->d, xatp.domid))
		return -EPERM;
	switch (xatp.space) {
	case XENMAPSPACE_shared_info:
		if (xatp.idx != 0)
			return -EINVAL;
		return hc_map_shared_info(v, xatp.gpfn);
	case XENMAPSPACE_grant_table:
		return gnttab_map_frame(v->d, xatp.idx, xatp.gpfn);
	default:
		log_guest(v->d, LOG_DEBUG,
			  "add_to_physmap: space %u "
			  "unsupported",
			  xatp.space);
		return -ENOSYS;
	}
}

static int64_t
hc_memory_map(struct vcpu *v, uint64_t arg)
{
	struct domain *d = v->d;
	struct xen_memory_map map;
	const struct hc_e820_entry e[] = {
		{0, MEMORY_LEGACY_HOLE_START, 1},
		{MEMORY_LEGACY_HOLE_START,
		 MEMORY_LEGACY_HOLE_END - MEMORY_LEGACY_HOLE_START, 2},
		{MEMORY_LEGACY_HOLE_END,
		 d->mem.ram_bytes - MEMORY_LEGACY_HOLE_END, 1},
		{d->mem.special_gpa, d->mem.special_bytes, 2},
		{XYL_STIMER_GPA, XYL_STIMER_BYTES, 2}, /* shared timer */
	};
	unsigned nr = sizeof(e) / sizeof(e[0]);
	int rc = guest_copy_from(v, &map, arg, sizeof(map));

	if (rc < 0)
		return rc;
	if (map.nr_entries < nr)
		nr = map.nr_entries;
	rc = guest_copy_to(v, (uint64_t)(uintptr_t)map.buffer.p, e,
			   nr * sizeof(e[0]));
	if (rc < 0)
		return rc;
	map.nr_entries = nr;
	return guest_copy_to(v, arg, &map, sizeof(map));
}

/* Current: the RAM the domain has; maximum: what xl mem-max set (in
 * pages, as Xen answers both). */
static int64_t
hc_reservation(struct vcpu *v, uint64_t arg, bool is_max)
{
	domid_t domid;
	int rc = guest_copy_from(v, &domid, arg, sizeof(domid));

	if (rc < 0)
		return rc;
	if (!hc_is_self(v->d, domid))
		return -EPERM;
	if (is_max)
		return (int64_t)(atomic_load(&v->d->max_mem_kib) >> 2);
	return (int64_t)(v->d->mem.ram_bytes >> 12);
}

int64_t
hc_memory_op(struct vcpu *v, uint64_t cmd, uint64_t arg)
{
	switch (cmd & HC_MEMOP_CMD_MASK) {
	case XENMEM_add_to_physmap:
		return hc_add_to_physmap(v, arg);
	case XENMEM_memory_map:
		return hc_memory_map(v, arg);
	case XENMEM_current_reservation:
		return hc_reservation(v, arg, false);
	case XENMEM_maximum_reservation:
		return hc_reservation(v, arg, true);
	default:
		return -ENOSYS;
	}
}
