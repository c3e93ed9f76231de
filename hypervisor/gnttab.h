/*
 * hypervisor/gnttab.h: grant tables, v1 only (set_version 2 is refused).
 * Frames have a home in the domain's special area (memory.h); the guest
 * may show a frame at another gfn with XENMEM_add_to_physmap
 * (XENMAPSPACE_grant_table): outside RAM we alias the home page there; in
 * RAM the frame adopts that page in place (its contents are copied).
 * Backends find the frames with XYL_CTL_GNTTAB_FRAMES and use entries
 * directly (DESIGN.md section 3).  GNTTABOP_copy is done here.
 */
#ifndef HV_GNTTAB_H
#define HV_GNTTAB_H

#include <stdint.h>

#include "xylem/ctl.h"

struct domain;

#define GNTTAB_INITIAL_FRAMES 4
#define GNTTAB_MAX_FRAMES     XYL_GNTTAB_MAX_FRAMES

/* Set up GNTTAB_INITIAL_FRAMES frames at their homes (d->mem must be
 * mapped: -EINVAL if a home page does not translate, -ENOMEM).  Destroy
 * (domain_destroy) empties the table: no entry can be found any more;
 * free (from the last domain_put) releases it and sets d->gnttab NULL. */
int gnttab_domain_init(struct domain *d);
void gnttab_domain_destroy(struct domain *d);
void gnttab_domain_free(struct domain *d);
/* XENMEM_add_to_physmap(XENMAPSPACE_grant_table): frame idx at gfn; grows
 * the table to idx + 1 frames, as Xen does.  -EINVAL idx >= max frames,
 * a special-area gfn other than the frame's home, or a gfn that does not
 * translate; memory_alias_gfn's errors pass through. */
int gnttab_map_frame(struct domain *d, uint64_t idx, uint64_t gfn);
/* For XYL_CTL_GNTTAB_FRAMES. */
void gnttab_frames(struct domain *d, struct xyl_ctl_gnttab_frames_reply *out);

/*
 * hc_grant_table_op (hypercall.h) answers setup_table, query_size,
 * set_version, get_version (count must be 1, else -EINVAL) and copy (count
 * up to 1024, else -EINVAL; per-op GNTST_* status); everything else is
 * -ENOSYS.  Per-op problems go to the guest in status fields; the call
 * fails only with -EFAULT (argument unreadable), -EINVAL/-ENOSYS/-EPERM/
 * -ESRCH (set_version/get_version, as Xen).
 */

#endif
