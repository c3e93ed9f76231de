/*
 * hypervisor/gnttab.c: grant tables, v1.  Owns each domain's frame list
 * (where the frames are in guest-physical space and in our mapping) and
 * GNTTABOP_copy.  hc_grant_table_op is the guest boundary; grant entries
 * are guest memory, read once per use and pinned with atomics.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <stdint.h>

#include <xen/grant_table.h>

#include "domain.h"
#include "gnttab.h"
#include "hv.h"
#include "hypercall.h"
#include "memory.h"

#define GNTTAB_PAGE_SIZE  4096u
#define GNTTAB_PAGE_SHIFT 12
#define GNTTAB_ENTRIES_PER_FRAME                                               \
	(GNTTAB_PAGE_SIZE / sizeof(struct grant_entry_v1))
/* Copies per hypercall: Xen preempts long batches, we refuse them. */
#define GNTTAB_COPY_MAX 1024
/* cmpxchg attempts on an entry the guest keeps changing. */
#define GNTTAB_PIN_TRIES 4

/*
 * A domain's grant table.  Owner: the domain (d->gnttab); created by
 * gnttab_domain_init, emptied by gnttab_domain_destroy and freed by
 * gnttab_domain_free (last domain_put).  lock guards every field.  The
 * pages themselves are guest memory in the domain's memfd mapping, so a
 * frame pointer read under the lock stays usable after it (at worst
 * stale) for as long as the caller holds its domain reference.
 */
struct gnttab {
	pthread_mutex_t lock;
	bool is_dead;	     /* destroyed: no frames, no growth */
	uint32_t nr_frames;  /* frames in use; grows, never shrinks */
	uint32_t generation; /* bumped whenever a frame moves */
	uint8_t *home_hva[GNTTAB_MAX_FRAMES];  /* special-area page i */
	uint8_t *frame_hva[GNTTAB_MAX_FRAMES]; /* where frame i lives now */
	uint64_t frame_gfn[GNTTAB_MAX_FRAMES]; /* where the guest sees it */
};

static uint64_t
gnttab_home_gfn(struct domain *d, uint32_t idx)
{
	return (d->mem.special_gpa >> GNTTAB_PAGE_SHIFT) + idx;
}

int
gnttab_domain_init(struct domain *d)
{
	struct gnttab *gt;

	gt = calloc(1, sizeof(*gt));
	if (!gt)
		return -ENOMEM;
	for (uint32_t i = 0; i < GNTTAB_MAX_FRAMES; i++) {
		uint64_t gfn = gnttab_home_gfn(d, i);

		gt->home_hva[i] = memory_gpa_to_hva(d, gfn << GNTTAB_PAGE_SHIFT,
						    GNTTAB_PAGE_SIZE);
		if (!gt->home_hva[i]) {
			free(gt);
			return -EINVAL;
		}
		gt->frame_hva[i] = gt->home_hva[i];
		gt->frame_gfn[i] = gfn;
	}
	gt->nr_frames = GNTTAB_INITIAL_FRAMES;
	pthread_mutex_init(&gt->lock, NULL);
	d->gnttab = gt;
	return 0;
}

void
gnttab_domain_destroy(struct domain *d)
{
	struct gnttab *gt = d->gnttab;

	if (!gt)
		return;
	pthread_mutex_lock(&gt->lock);
	gt->is_dead = true;
	gt->nr_frames = 0;
	pthread_mutex_unlock(&gt->lock);
}

void
gnttab_domain_free(struct domain *d)
{
	struct gnttab *gt = d->gnttab;

	if (!gt)
		return;
	d->gnttab = NULL;
	pthread_mutex_destroy(&gt->lock);
	free(gt);
}

static bool
gnttab_gfn_in_ram(struct domain *d, uint64_t gfn)
{
	return gfn < (d->mem.ram_bytes >> GNTTAB_PAGE_SHIFT);
}

static bool
gnttab_gfn_in_special(struct domain *d, uint64_t gfn)
{
	uint64_t first = d->mem.special_gpa >> GNTTAB_PAGE_SHIFT;

	return gfn >= first &&
	       gfn - first < (d->mem.special_bytes >> GNTTAB_PAGE_SHIFT);
}

/* Move frame idx to RAM page gfn (adopted in place) or, outside RAM, to
 * its home page aliased at gfn; its contents follow it.  Lock held. */
static int
gnttab_move_frame(struct domain *d, struct gnttab *gt, uint32_t idx,
		  uint64_t gfn)
{
	uint8_t *cur = gt->frame_hva[idx], *dst = gt->home_hva[idx];
	int rc;

	/* Mapping a frame where it already is changes nothing (Linux maps
	 * its frames again on resume). */
	if (gt->frame_gfn[idx] == gfn)
		return 0;
	if (gnttab_gfn_in_ram(d, gfn)) {
		dst = memory_gpa_to_hva(d, gfn << GNTTAB_PAGE_SHIFT,
					GNTTAB_PAGE_SIZE);
		if (!dst)
			return -EINVAL;
	} else if (gnttab_gfn_in_special(d, gfn)) {
		/* Only its own home: other special pages are taken. */
		if (gfn != gnttab_home_gfn(d, idx))
			return -EINVAL;
	} else {
		rc = memory_alias_gfn(d, gfn, gt->home_hva[idx]);
		if (rc)
			return rc;
	}
	if (dst != cur)
		memmove(dst, cur, GNTTAB_PAGE_SIZE);
	gt->frame_hva[idx] = dst;
	gt->frame_gfn[idx] = gfn;
	gt->generation++;
	return 0;
}

int
gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn)
{
	struct gnttab *gt = d->gnttab;
	int rc;

	if (!gt || idx >= GNTTAB_MAX_FRAMES ||
	    gfn > (UINT64_MAX >> GNTTAB_PAGE_SHIFT))
		return -EINVAL;
	pthread_mutex_lock(&gt->lock);
	rc = -ESRCH;
	if (!gt->is_dead)
		rc = gnttab_move_frame(d, gt, (uint32_t)idx, gfn);
	/* As Xen, mapping frame idx grows the table to idx + 1 frames. */
	if (rc == 0 && idx >= gt->nr_frames)
		gt->nr_frames = (uint32_t)idx + 1;
	pthread_mutex_unlock(&gt->lock);
	return rc;
}

void
gnttab_frames(struct domain *d, struct xyl_ctl_gnttab_frames_reply *out)
{
	struct gnttab *gt = d->gnttab;

	memset(out, 0, sizeof(*out));
	if (!gt)
		return;
	pthread_mutex_lock(&gt->lock);
	out->nr_frames = gt->nr_frames;
	out->generation = gt->generation;
	for (uint32_t i = 0; i < gt->nr_frames; i++)
		out->gfn[i] = gt->frame_gfn[i];
	pthread_mutex_unlock(&gt->lock);
}

/* The entry for ref in d's table, or NULL if ref is past the table. */
static struct grant_entry_v1 *
gnttab_entry(struct domain *d, uint32_t ref)
{
	struct gnttab *gt = d->gnttab;
	struct grant_entry_v1 *e = NULL;

	pthread_mutex_lock(&gt->lock);
	if (ref < gt->nr_frames * GNTTAB_ENTRIES_PER_FRAME)
		e = (struct grant_entry_v1 *)
			    gt->frame_hva[ref / GNTTAB_ENTRIES_PER_FRAME] +
		    ref % GNTTAB_ENTRIES_PER_FRAME;
	pthread_mutex_unlock(&gt->lock);
	return e;
}

/* ---- GNTTABOP_copy ---- */

/* One side of a copy, once acquired. */
struct gnttab_copy_side {
	struct domain *d;	    /* owner of the page; counted if foreign */
	struct grant_entry_v1 *ent; /* pinned entry, or NULL (local gmfn) */
	uint16_t pinned;	    /* GTF_ bits we set and must clear */
	uint8_t *hva;
};

/* Pin e for domid: flags and domid are one 32-bit word, checked and
 * updated together with cmpxchg, so the guest cannot swap the grantee
 * between our check and our pin.  Bits already set by another user are
 * left for that user to clear. */
static int16_t
gnttab_pin(struct grant_entry_v1 *e, xyl_domid_t domid, bool is_dest,
	   uint16_t *pinned)
{
	uint32_t *word = (uint32_t *)e;
	uint32_t old = __atomic_load_n(word, __ATOMIC_ACQUIRE);
	uint16_t want = GTF_reading | (is_dest ? GTF_writing : 0);

	for (int i = 0; i < GNTTAB_PIN_TRIES; i++) {
		uint16_t flags = (uint16_t)old;
		uint32_t new;

		if ((flags & GTF_type_mask) != GTF_permit_access ||
		    (old >> 16) != domid)
			return GNTST_general_error;
		if (is_dest && (flags & GTF_readonly))
			return GNTST_general_error;
		new = old | want;
		if (__atomic_compare_exchange_n(word, &old, new, false,
						__ATOMIC_ACQ_REL,
						__ATOMIC_ACQUIRE)) {
			*pinned = want & ~flags;
			return GNTST_okay;
		}
	}
	return GNTST_general_error;
}

static void
gnttab_copy_release(struct vcpu *v, struct gnttab_copy_side *s)
{
	if (s->ent && s->pinned)
		__atomic_fetch_and(&s->ent->flags, (uint16_t)~s->pinned,
				   __ATOMIC_RELEASE);
	if (s->d && s->d != v->d)
		domain_put(s->d);
	memset(s, 0, sizeof(*s));
}

static void *
gnttab_ram_hva(struct domain *d, uint64_t gfn, uint16_t offset, uint16_t len)
{
	if (!gnttab_gfn_in_ram(d, gfn))
		return NULL;
	return memory_gpa_to_hva(d, (gfn << GNTTAB_PAGE_SHIFT) + offset,
				 len ? len : 1);
}

static int16_t
gnttab_copy_grant(struct vcpu *v, const struct gnttab_copy_ptr *ptr,
		  bool is_dest, uint16_t len, struct gnttab_copy_side *s)
{
	uint32_t frame;
	int16_t st;

	if (ptr->domid == DOMID_SELF || ptr->domid == v->d->domid)
		s->d = v->d;
	else if (ptr->domid <= XYL_DOMID_MAX && ptr->domid != 0)
		s->d = domain_get(v->d->hv, ptr->domid);
	if (!s->d || !s->d->gnttab)
		return GNTST_bad_domain;
	s->ent = gnttab_entry(s->d, ptr->u.ref);
	if (!s->ent)
		return GNTST_bad_gntref;
	st = gnttab_pin(s->ent, v->d->domid, is_dest, &s->pinned);
	if (st != GNTST_okay) {
		s->ent = NULL;
		return st;
	}
	/* frame is read once, after the pin: the granter may not change a
	 * pinned entry. */
	frame = __atomic_load_n(&s->ent->frame, __ATOMIC_ACQUIRE);
	s->hva = gnttab_ram_hva(s->d, frame, ptr->offset, len);
	return s->hva ? GNTST_okay : GNTST_bad_page;
}

static int16_t
gnttab_copy_side_get(struct vcpu *v, const struct gnttab_copy_ptr *ptr,
		     bool is_gref, bool is_dest, uint16_t len,
		     struct gnttab_copy_side *s)
{
	memset(s, 0, sizeof(*s));
	if (ptr->offset > GNTTAB_PAGE_SIZE ||
	    len > GNTTAB_PAGE_SIZE - ptr->offset)
		return GNTST_bad_copy_arg;
	if (is_gref)
		return gnttab_copy_grant(v, ptr, is_dest, len, s);
	if (ptr->domid != DOMID_SELF && ptr->domid != v->d->domid)
		return GNTST_permission_denied;
	s->d = v->d;
	s->hva = gnttab_ram_hva(v->d, ptr->u.gmfn, ptr->offset, len);
	return s->hva ? GNTST_okay : GNTST_bad_page;
}

static int16_t
gnttab_copy_one(struct vcpu *v, const struct gnttab_copy *op)
{
	struct gnttab_copy_side src, dst;
	int16_t st;

	if (op->flags & ~(GNTCOPY_source_gref | GNTCOPY_dest_gref))
		return GNTST_bad_copy_arg;
	st = gnttab_copy_side_get(v, &op->source,
				  op->flags & GNTCOPY_source_gref, false,
				  op->len, &src);
	if (st == GNTST_okay)
		st = gnttab_copy_side_get(v, &op->dest,
					  op->flags & GNTCOPY_dest_gref, true,
					  op->len, &dst);
	else
		memset(&dst, 0, sizeof(dst));
	if (st == GNTST_okay)
		memmove(dst.hva, src.hva, op->len);
	gnttab_copy_release(v, &dst);
	gnttab_copy_release(v, &src);
	return st;
}

static int64_t
gnttab_hc_copy(struct vcpu *v, uint64_t arg, uint64_t count)
{
	struct gnttab_copy op;
	uint64_t at;
	int rc;

	if (count > GNTTAB_COPY_MAX)
		return -EINVAL;
	for (uint64_t i = 0; i < count; i++) {
		at = arg + i * sizeof(op);
		rc = guest_copy_from(v, &op, at, sizeof(op));
		if (rc)
			return rc;
		op.status = gnttab_copy_one(v, &op);
		rc = guest_copy_to(v, at + offsetof(struct gnttab_copy, status),
				   &op.status, sizeof(op.status));
		if (rc)
			return rc;
	}
	return 0;
}

/* ---- table sub-ops ---- */

/* 0 for DOMID_SELF or d's own id; a guest may not name another domain:
 * -EPERM if it exists, -ESRCH if not. */
static int
gnttab_check_self(struct domain *d, uint32_t dom)
{
	struct domain *o;

	if (dom == DOMID_SELF || dom == d->domid)
		return 0;
	if (dom == 0)
		return -EPERM;
	if (dom > XYL_DOMID_MAX)
		return -ESRCH;
	o = domain_get(d->hv, dom);
	if (!o)
		return -ESRCH;
	domain_put(o);
	return -EPERM;
}

static int16_t
gnttab_status_of(int rc)
{
	if (rc == -ESRCH)
		return GNTST_bad_domain;
	return rc ? GNTST_permission_denied : GNTST_okay;
}

/* Grow to nr frames and copy out where frames 0..nr-1 are. */
static int16_t
gnttab_setup(struct vcpu *v, uint32_t nr, uint64_t frame_list)
{
	struct gnttab *gt = v->d->gnttab;
	uint64_t gfns[GNTTAB_MAX_FRAMES];

	if (nr > GNTTAB_MAX_FRAMES)
		return GNTST_general_error;
	pthread_mutex_lock(&gt->lock);
	if (nr > gt->nr_frames && !gt->is_dead)
		gt->nr_frames = nr;
	memcpy(gfns, gt->frame_gfn, sizeof(gfns));
	pthread_mutex_unlock(&gt->lock);
	for (uint32_t i = 0; i < nr; i++)
		if (guest_copy_to(v, frame_list + i * sizeof(uint64_t),
				  &gfns[i], sizeof(uint64_t)))
			return GNTST_bad_virt_addr;
	return GNTST_okay;
}

/* Errors go to the guest in status; the call itself fails only when
 * the argument cannot be read or written. */
static int64_t
gnttab_hc_setup_table(struct vcpu *v, uint64_t arg)
{
	struct gnttab_setup_table op;
	int rc;

	rc = guest_copy_from(v, &op, arg, sizeof(op));
	if (rc)
		return rc;
	op.status = gnttab_status_of(gnttab_check_self(v->d, op.dom));
	if (op.status == GNTST_okay)
		op.status = gnttab_setup(v, op.nr_frames,
					 (uint64_t)(uintptr_t)op.frame_list.p);
	return guest_copy_to(v,
			     arg + offsetof(struct gnttab_setup_table, status),
			     &op.status, sizeof(op.status));
}

static int64_t
gnttab_hc_query_size(struct vcpu *v, uint64_t arg)
{
	struct gnttab_query_size op;
	int rc;

	rc = guest_copy_from(v, &op, arg, sizeof(op));
	if (rc)
		return rc;
	op.status = gnttab_status_of(gnttab_check_self(v->d, op.dom));
	if (op.status == GNTST_okay) {
		pthread_mutex_lock(&v->d->gnttab->lock);
		op.nr_frames = v->d->gnttab->nr_frames;
		pthread_mutex_unlock(&v->d->gnttab->lock);
		op.max_nr_frames = GNTTAB_MAX_FRAMES;
	}
	return guest_copy_to(v, arg, &op, sizeof(op));
}

/* As Xen with v2 disabled: 1 is accepted, 2 is -ENOSYS, anything else
 * -EINVAL; the current version (1) is written back in every case. */
static int64_t
gnttab_hc_set_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_set_version op;
	int rc, wrc;

	rc = guest_copy_from(v, &op, arg, sizeof(op));
	if (rc)
		return rc;
	if (op.version == 2)
		rc = -ENOSYS;
	else if (op.version != 1)
		rc = -EINVAL;
	op.version = 1;
	wrc = guest_copy_to(v, arg, &op, sizeof(op));
	return wrc ? wrc : rc;
}

static int64_t
gnttab_hc_get_version(struct vcpu *v, uint64_t arg)
{
	struct gnttab_get_version op;
	int rc;

	rc = guest_copy_from(v, &op, arg, sizeof(op));
	if (rc)
		return rc;
	rc = gnttab_check_self(v->d, op.dom);
	if (rc)
		return rc;
	op.version = 1;
	return guest_copy_to(v, arg, &op, sizeof(op));
}

int64_t
hc_grant_table_op(struct vcpu *v, uint64_t cmd, uint64_t arg, uint64_t count)
{
	if (!v->d->gnttab)
		return -ENOSYS;
	switch (cmd) {
	case GNTTABOP_copy:
		return gnttab_hc_copy(v, arg, count);
	case GNTTABOP_setup_table:
	case GNTTABOP_query_size:
	case GNTTABOP_set_version:
	case GNTTABOP_get_version:
		break;
	default:
		return -ENOSYS;
	}
	if (count != 1)
		return -EINVAL;
	switch (cmd) {
	case GNTTABOP_setup_table:
		return gnttab_hc_setup_table(v, arg);
	case GNTTABOP_query_size:
		return gnttab_hc_query_size(v, arg);
	case GNTTABOP_set_version:
		return gnttab_hc_set_version(v, arg);
	default:
		return gnttab_hc_get_version(v, arg);
	}
}
