/*
 * backends/lib/grant.c: dom0's grant library.  Owns the cached frame list
 * of each frontend's grant table and the pin counts of its grants.  Trust
 * boundary: grant entries are frontend memory, read with atomics, checked
 * and pinned in one cmpxchg; frames must fall inside the frontend's RAM.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include <stddef.h>
#include <stdint.h>

#include <xen/grant_table.h>

#include "grant.h"

#define BE_GNTTAB_ENTRIES_PER_FRAME                                            \
	(BE_PAGE_SIZE / sizeof(struct grant_entry_v1))
/* cmpxchg attempts on an entry the frontend keeps changing. */
#define BE_GNTTAB_PIN_TRIES 4
#define BE_GNTTAB_PINS_MIN  64

_Static_assert(sizeof(struct grant_entry_v1) == 8, "v1 grant entry");
_Static_assert(offsetof(struct grant_entry_v1, domid) == 2,
	       "flags and domid form one 32-bit word");

int
be_gnttab_init(struct be_gnttab *gt, xyl_domid_t domid,
	       const struct xylctl_guest_mem *mem, be_gnttab_frames_fn fn,
	       void *arg)
{
	memset(gt, 0, sizeof(*gt));
	gt->pins = calloc(BE_GNTTAB_PINS_MIN, sizeof(*gt->pins));
	if (!gt->pins)
		return -ENOMEM;
	gt->pins_cap = BE_GNTTAB_PINS_MIN;
	gt->domid = domid;
	gt->mem = mem;
	gt->frames_fn = fn;
	gt->frames_arg = arg;
	return 0;
}

static int
be_gnttab_refresh(struct be_gnttab *gt, bool *changed)
{
	struct xyl_ctl_gnttab_frames_reply f;
	int rc;

	rc = gt->frames_fn(gt->frames_arg, gt->domid, &f);
	if (rc)
		return rc;
	if (f.nr_frames > XYL_GNTTAB_MAX_FRAMES)
		return -EPROTO;
	gt->stats.refreshes++;
	*changed = !gt->has_frames || f.generation != gt->frames.generation ||
		   f.nr_frames != gt->frames.nr_frames;
	gt->frames = f;
	gt->has_frames = true;
	return 0;
}

/* The entry for gref in the cached frame list, or NULL. */
static struct grant_entry_v1 *
be_gnttab_entry(struct be_gnttab *gt, uint32_t gref)
{
	uint32_t idx = gref / BE_GNTTAB_ENTRIES_PER_FRAME;
	uint8_t *frame;

	uint64_t gfn;

	if (!gt->has_frames || idx >= gt->frames.nr_frames)
		return NULL;
	gfn = gt->frames.gfn[idx];
	/* Shown outside RAM, a frame is an alias of its home page, frame
	 * idx of the special area (docs/abi.md); in RAM it lives there. */
	if (gfn >= (gt->mem->layout.ram_bytes >> BE_PAGE_SHIFT))
		gfn = (gt->mem->layout.special_gpa >> BE_PAGE_SHIFT) + idx;
	frame = xylctl_gpa(gt->mem, gfn << BE_PAGE_SHIFT, BE_PAGE_SIZE);
	if (!frame)
		return NULL;
	return (struct grant_entry_v1 *)frame +
	       gref % BE_GNTTAB_ENTRIES_PER_FRAME;
}

/* ---- pin counts: open addressing, linear probing, backward shift ---- */

static uint32_t
be_pin_hash(uint32_t gref, uint32_t cap)
{
	return (gref * 2654435761u) & (cap - 1);
}

static struct be_gnttab_pin *
be_pin_find(struct be_gnttab *gt, uint32_t gref)
{
	uint32_t i = be_pin_hash(gref, gt->pins_cap);

	while (gt->pins[i].is_used) {
		if (gt->pins[i].gref == gref)
			return &gt->pins[i];
		i = (i + 1) & (gt->pins_cap - 1);
	}
	return NULL;
}

static struct be_gnttab_pin *
be_pin_insert_raw(struct be_gnttab_pin *tab, uint32_t cap, uint32_t gref)
{
	uint32_t i = be_pin_hash(gref, cap);

	while (tab[i].is_used)
		i = (i + 1) & (cap - 1);
	tab[i] = (struct be_gnttab_pin){.gref = gref, .is_used = true};
	return &tab[i];
}

static int
be_pin_grow(struct be_gnttab *gt)
{
	uint32_t cap = gt->pins_cap * 2;
	struct be_gnttab_pin *tab = calloc(cap, sizeof(*tab));

	if (!tab)
		return -ENOMEM;
	for (uint32_t i = 0; i < gt->pins_cap; i++) {
		struct be_gnttab_pin *p;

		if (!gt->pins[i].is_used)
			continue;
		p = be_pin_insert_raw(tab, cap, gt->pins[i].gref);
		*p = gt->pins[i];
	}
	free(gt->pins);
	gt->pins = tab;
	gt->pins_cap = cap;
	return 0;
}

static struct be_gnttab_pin *
be_pin_get(struct be_gnttab *gt, uint32_t gref)
{
	struct be_gnttab_pin *p = be_pin_find(gt, gref);

	if (p)
		return p;
	if ((gt->pins_used + 1) * 2 > gt->pins_cap && be_pin_grow(gt))
		return NULL;
	gt->pins_used++;
	return be_pin_insert_raw(gt->pins, gt->pins_cap, gref);
}

static void
be_pin_remove(struct be_gnttab *gt, struct be_gnttab_pin *p)
{
	uint32_t mask = gt->pins_cap - 1;
	uint32_t i = (uint32_t)(p - gt->pins), j = i;

	gt->pins[i].is_used = false;
	gt->pins_used--;
	for (;;) {
		uint32_t home;

		j = (j + 1) & mask;
		if (!gt->pins[j].is_used)
			return;
		home = be_pin_hash(gt->pins[j].gref, gt->pins_cap);
		/* Move j back into the hole at i unless its home lies in
		 * (i, j] cyclically. */
		if (((j - home) & mask) >= ((j - i) & mask)) {
			gt->pins[i] = gt->pins[j];
			gt->pins[j].is_used = false;
			i = j;
		}
	}
}

/* ---- the entry itself ---- */

/* Check e for dom 0 and set want in one cmpxchg on the flags+domid word,
 * so the frontend cannot swap the grantee between check and pin. */
static int
be_entry_pin(struct grant_entry_v1 *e, uint16_t want, bool is_write)
{
	uint32_t *word = (uint32_t *)e;
	uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);

	for (int i = 0; i < BE_GNTTAB_PIN_TRIES; i++) {
		uint16_t flags = (uint16_t)old;

		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    (old >> 16) != 0)
			return -EACCES;
		if (is_write && (flags & GTF_readonly))
			return -EROFS;
		if ((flags & want) == want)
			return 0;
		if (__atomic_compare_exchange_n(word, &old, old | want, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE))
			return 0;
	}
	return -EBUSY;
}

static void
be_entry_unpin(struct be_gnttab *gt, uint32_t gref, uint16_t clear)
{
	struct grant_entry_v1 *e = be_gnttab_entry(gt, gref);

	/* A frame moved while pinned: the bits moved with it (the
	 * hypervisor copies a frame's contents), so look it up again. */
	if (e)
		__atomic_fetch_and(&e->flags, (uint16_t)~clear,
				   __ATOMIC_RELEASE);
}

/* Find and pin gref's entry, re-reading the frame list once if the cached
 * one does not reach it or the check fails (a frame may have moved). */
static int
be_grant_pin_entry(struct be_gnttab *gt, uint32_t gref, uint16_t want,
		   bool is_write, struct grant_entry_v1 **out)
{
	bool changed = false;
	int rc = -ENOENT;

	for (int pass = 0; pass < 2; pass++) {
		struct grant_entry_v1 *e = be_gnttab_entry(gt, gref);

		if (e) {
			rc = be_entry_pin(e, want, is_write);
			if (rc == 0) {
				*out = e;
				return 0;
			}
		}
		if (pass == 1)
			break;
		int rrc = be_gnttab_refresh(gt, &changed);
		if (rrc)
			return rrc;
		if (!changed && e)
			break;
	}
	return rc;
}

static void
be_grant_count_error(struct be_gnttab *gt, int rc)
{
	if (rc == -ENOENT)
		gt->stats.bad_ref++;
	else if (rc == -EACCES || rc == -EBUSY)
		gt->stats.not_granted++;
	else if (rc == -EROFS)
		gt->stats.read_only++;
	else if (rc == -EFAULT)
		gt->stats.bad_frame++;
}

static void
be_pin_drop(struct be_gnttab *gt, struct be_gnttab_pin *p, unsigned access)
{
	uint16_t clear = 0;

	if (access == BE_GRANT_WRITE && --p->writers == 0)
		clear |= GTF_writing;
	if (access == BE_GRANT_READ)
		p->readers--;
	if (p->readers == 0 && p->writers == 0) {
		clear |= GTF_reading | GTF_writing;
		be_entry_unpin(gt, p->gref, clear);
		be_pin_remove(gt, p);
	} else if (clear) {
		be_entry_unpin(gt, p->gref, clear);
	}
}

int
be_grant_acquire(struct be_gnttab *gt, uint32_t gref, unsigned access,
		 struct be_grant *out)
{
	bool is_write = access == BE_GRANT_WRITE;
	uint16_t want = GTF_reading | (is_write ? GTF_writing : 0);
	struct grant_entry_v1 *e;
	struct be_gnttab_pin *p;
	uint64_t gfn;
	int rc;

	memset(out, 0, sizeof(*out));
	if (access != BE_GRANT_READ && access != BE_GRANT_WRITE)
		return -EINVAL;
	p = be_pin_get(gt, gref);
	if (!p)
		return -ENOMEM;
	rc = be_grant_pin_entry(gt, gref, want, is_write, &e);
	if (rc)
		goto fail;
	if (is_write)
		p->writers++;
	else
		p->readers++;
	/* The frame is read once, after the pin: a granter may not change a
	 * pinned entry, and whatever it does we use this one value. */
	gfn = __atomic_load_n(&e->frame, __ATOMIC_ACQUIRE);
	if ((gfn << BE_PAGE_SHIFT) + BE_PAGE_SIZE > gt->mem->layout.ram_bytes) {
		be_pin_drop(gt, p, access);
		rc = -EFAULT;
		be_grant_count_error(gt, rc);
		return rc;
	}
	out->page = xylctl_gpa(gt->mem, gfn << BE_PAGE_SHIFT, BE_PAGE_SIZE);
	out->gref = gref;
	out->gfn = gfn;
	out->access = (uint8_t)access;
	gt->stats.acquired++;
	return 0;
fail:
	if (p->readers == 0 && p->writers == 0)
		be_pin_remove(gt, p);
	be_grant_count_error(gt, rc);
	return rc;
}

void
be_grant_release(struct be_gnttab *gt, struct be_grant *g)
{
	struct be_gnttab_pin *p;

	if (!g->page)
		return;
	p = be_pin_find(gt, g->gref);
	if (p)
		be_pin_drop(gt, p, g->access);
	memset(g, 0, sizeof(*g));
}

void
be_gnttab_fini(struct be_gnttab *gt)
{
	if (!gt->pins)
		return;
	for (uint32_t i = 0; i < gt->pins_cap; i++)
		if (gt->pins[i].is_used)
			be_entry_unpin(gt, gt->pins[i].gref,
				       GTF_reading | GTF_writing);
	free(gt->pins);
	gt->pins = NULL;
	gt->pins_cap = gt->pins_used = 0;
}

int
be_grant_copy_from(struct be_gnttab *gt, uint32_t gref, size_t offset,
		   void *buf, size_t len)
{
	struct be_grant g;
	int rc;

	if (offset > BE_PAGE_SIZE || len > BE_PAGE_SIZE - offset)
		return -EINVAL;
	rc = be_grant_acquire(gt, gref, BE_GRANT_READ, &g);
	if (rc)
		return rc;
	memcpy(buf, g.page + offset, len);
	be_grant_release(gt, &g);
	return 0;
}

int
be_grant_map_ring(struct be_gnttab *gt, const uint32_t *grefs,
		  uint32_t nr_pages, struct be_ring_map *out)
{
	size_t bytes = (size_t)nr_pages * BE_PAGE_SIZE;
	uint32_t i;
	void *p;
	int rc;

	memset(out, 0, sizeof(*out));
	if (nr_pages == 0 || nr_pages > BE_RING_MAX_PAGES)
		return -EINVAL;
	p = mmap(NULL, bytes, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	out->base = p;
	out->nr_pages = nr_pages;
	for (i = 0; i < nr_pages; i++) {
		rc = be_grant_acquire(gt, grefs[i], BE_GRANT_WRITE,
				      &out->grants[i]);
		if (rc)
			goto fail;
		/* RAM gfn g is at memfd offset g * page (xylctl.h). */
		p = mmap(out->base + (size_t)i * BE_PAGE_SIZE, BE_PAGE_SIZE,
			 PROT_READ | PROT_WRITE, MAP_SHARED | MAP_FIXED,
			 gt->mem->memfd,
			 (off_t)(out->grants[i].gfn << BE_PAGE_SHIFT));
		if (p == MAP_FAILED) {
			rc = -errno;
			be_grant_release(gt, &out->grants[i]);
			goto fail;
		}
	}
	return 0;
fail:
	while (i-- > 0)
		be_grant_release(gt, &out->grants[i]);
	munmap(out->base, bytes);
	memset(out, 0, sizeof(*out));
	return rc;
}

void
be_grant_unmap_ring(struct be_gnttab *gt, struct be_ring_map *m)
{
	if (!m->base)
		return;
	for (uint32_t i = 0; i < m->nr_pages; i++)
		be_grant_release(gt, &m->grants[i]);
	munmap(m->base, (size_t)m->nr_pages * BE_PAGE_SIZE);
	memset(m, 0, sizeof(*m));
}
