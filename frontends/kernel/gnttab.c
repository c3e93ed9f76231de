/*
 * kernel/gnttab.c: the v1 grant table.  Its frames are mapped with
 * XENMEM_add_to_physmap into a hole just below the first reserved range
 * above RAM (never RAM, never an existing range).  Entries are shared with
 * peers: flags are written last on grant and cleared with cmpxchg on end.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>
#include <xen/grant_table.h>

#include "gk/errno.h"
#include "gk/gnttab.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/string.h"

#define HOLE_DEFAULT_END 0xfe000000ull
#define HOLE_GAP	 0x100000ull /* leave 1 MiB below the reserved range */

static int
overlaps_memmap(uint64_t addr, uint64_t len)
{
	for (uint32_t i = 0; i < gk.nr_memmap; i++) {
		const struct hvm_memmap_table_entry *m = &gk.memmap[i];

		if (addr < m->addr + m->size && m->addr < addr + len)
			return 1;
	}
	return 0;
}

/* Pick guest frames for the table: below the lowest non-RAM range that
 * starts above RAM, or below 0xfe000000. */
static int
pick_base(uint32_t nr_frames, uint64_t *base)
{
	uint64_t end = HOLE_DEFAULT_END, addr;

	for (uint32_t i = 0; i < gk.nr_memmap; i++) {
		const struct hvm_memmap_table_entry *m = &gk.memmap[i];

		if (m->addr >= gk.ram_end && m->addr < end)
			end = m->addr;
	}
	addr = (end - HOLE_GAP - (uint64_t)nr_frames * 4096) & ~0xfffull;
	if (addr < gk.ram_end || overlaps_memmap(addr, nr_frames * 4096ull))
		return -ENOSPC;
	*base = addr;
	return 0;
}

static int
map_frames(struct gk_gnttab *g)
{
	for (uint32_t i = 0; i < g->nr_frames; i++) {
		struct xen_add_to_physmap xatp = {
			.domid = DOMID_SELF,
			.space = XENMAPSPACE_grant_table,
			.idx = i,
			.gpfn = g->base_gfn + i,
		};
		long rc = gk_hc_memory_op(XENMEM_add_to_physmap, &xatp);

		if (rc < 0)
			return (int)rc;
	}
	return 0;
}

int
gk_gnttab_init(void)
{
	struct gk_gnttab *g = &gk.gnttab;
	struct gnttab_query_size q = {.dom = DOMID_SELF};
	uint64_t base;
	long rc;

	rc = gk_hc_grant_table_op(GNTTABOP_query_size, &q, 1);
	if (rc < 0)
		return (int)rc;
	if (q.status != GNTST_okay)
		return -EINVAL;
	g->max_nr_frames = q.max_nr_frames;
	g->nr_frames = q.nr_frames ? q.nr_frames : 1;
	if (g->nr_frames > GK_GNTTAB_MAX_FRAMES)
		g->nr_frames = GK_GNTTAB_MAX_FRAMES;
	if (g->max_nr_frames && g->nr_frames > g->max_nr_frames)
		g->nr_frames = g->max_nr_frames;
	rc = pick_base(g->nr_frames, &base);
	if (rc < 0)
		return (int)rc;
	g->base_gfn = base >> 12;
	rc = map_frames(g);
	if (rc < 0)
		return (int)rc;
	g->entries = (struct grant_entry_v1 *)(uintptr_t)base;
	g->nr_refs = g->nr_frames * GK_GNTTAB_PER_FRAME;
	return 0;
}

struct grant_entry_v1 *
gk_gnttab_entry(grant_ref_t ref)
{
	struct gk_gnttab *g = &gk.gnttab;

	if (!g->entries || ref >= g->nr_refs)
		return 0;
	return &g->entries[ref];
}

int
gk_gnttab_grant_access(domid_t domid, uint64_t gfn, int readonly,
		       grant_ref_t *ref)
{
	struct gk_gnttab *g = &gk.gnttab;
	struct grant_entry_v1 *e;

	if (!g->entries)
		return -ENODEV;
	for (grant_ref_t r = GK_GNTTAB_FIRST_REF; r < g->nr_refs; r++) {
		if (g->in_use[r])
			continue;
		e = &g->entries[r];
		e->domid = domid;
		e->frame = (uint32_t)gfn;
		/* The peer may look at flags at any time: they go last. */
		__atomic_store_n(&e->flags,
				 GTF_permit_access |
					 (readonly ? GTF_readonly : 0),
				 __ATOMIC_RELEASE);
		g->in_use[r] = 1;
		*ref = r;
		return 0;
	}
	return -ENOSPC;
}

int
gk_gnttab_end_access(grant_ref_t ref)
{
	struct gk_gnttab *g = &gk.gnttab;
	struct grant_entry_v1 *e = gk_gnttab_entry(ref);
	uint16_t flags;

	if (!e || ref < GK_GNTTAB_FIRST_REF || !g->in_use[ref])
		return -EINVAL;
	flags = __atomic_load_n(&e->flags, __ATOMIC_ACQUIRE);
	do {
		if (flags & (GTF_reading | GTF_writing))
			return -EBUSY;
	} while (!__atomic_compare_exchange_n(
		&e->flags, &flags, 0, 0, __ATOMIC_SEQ_CST, __ATOMIC_ACQUIRE));
	g->in_use[ref] = 0;
	return 0;
}
