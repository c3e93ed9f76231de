/*
 * gk/gnttab.h: the grant table, v1.  Frames are placed with
 * XENMEM_add_to_physmap(XENMAPSPACE_grant_table) at guest frames just below
 * the hypervisor's special area (never RAM).  References below
 * GK_GNTTAB_FIRST_REF are left to the toolstack, as in Xen.
 */
#ifndef GK_GNTTAB_H
#define GK_GNTTAB_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/grant_table.h>

#define GK_GNTTAB_MAX_FRAMES 4
#define GK_GNTTAB_FIRST_REF  8
#define GK_GNTTAB_PER_FRAME  (4096 / sizeof(struct grant_entry_v1))

struct gk_gnttab {
	struct grant_entry_v1 *entries; /* nr_frames pages, or NULL */
	uint32_t nr_frames;
	uint32_t max_nr_frames;
	uint64_t base_gfn;
	uint32_t nr_refs;
	uint8_t in_use[GK_GNTTAB_MAX_FRAMES * GK_GNTTAB_PER_FRAME];
};

/* Query the size and map the frames.  0 or -errno. */
int gk_gnttab_init(void);
/* Grant domid access to frame gfn.  0 and *ref, or -ENOSPC/-ENODEV. */
int gk_gnttab_grant_access(domid_t domid, uint64_t gfn, int readonly,
			   grant_ref_t *ref);
/* Revoke a grant.  0; -EBUSY the peer still uses it; -EINVAL bad ref. */
int gk_gnttab_end_access(grant_ref_t ref);
struct grant_entry_v1 *gk_gnttab_entry(grant_ref_t ref);

#endif
