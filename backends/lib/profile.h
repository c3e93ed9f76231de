/*
 * backends/lib/profile.h: the backend side of per-device I/O profiling
 * (include/xylem/profile.h, docs/profiling.md): map the frontend's profile
 * area, stamp PICKUP and COMPLETE with the shared timer's tick, and copy
 * the frontend's histograms out (checked) for dom0 tools.  Shared by every
 * backend (blkback now, netback later).
 */
#ifndef BE_PROFILE_H
#define BE_PROFILE_H

#include <stdbool.h>
#include <stdint.h>

#include "grant.h"
#include "xylctl.h"
#include "xylem/profile.h"

/* One device's area while connected.  Owner: the backend's device. */
struct be_profile {
	volatile struct xyl_profile_area *area; /* NULL: off */
	struct be_grant g;			/* the pinned page */
	uint16_t nr_slots; /* checked copy of the header's */
	const struct xylctl_stimer *timer;
	uint64_t stamps; /* stamps written */
};

/* A checked copy of the header and histograms. */
struct be_profile_snap {
	uint32_t period_ns;
	uint64_t nr_counted;
	uint64_t nr_unstamped;
	uint64_t own_e2e_ns;
	struct xyl_profile_hist hist[XYL_PROFILE_NR_INTERVALS];
};

/* Pin the area (gref, read-write) and check its header.  0; -EINVAL bad
 * magic/version/nr_slots; -ENODEV no shared timer; grant errors. */
int be_profile_attach(struct be_profile *p, struct be_gnttab *gt, uint32_t gref,
		      const struct xylctl_stimer *timer);
/* Release the page; safe when off. */
void be_profile_detach(struct be_profile *p, struct be_gnttab *gt);
/* Stamp slot with the current tick at stage (PICKUP or COMPLETE); a no-op
 * when off or slot >= nr_slots. */
void be_profile_stamp(struct be_profile *p, uint32_t slot, unsigned stage);
/* Copy out and check (each histogram's buckets add up to nr_counted).
 * 0; -ENODEV off; -EAGAIN still inconsistent after a few tries (a
 * frontend mid-update, or lying). */
int be_profile_snapshot(const struct be_profile *p,
			struct be_profile_snap *out);
/* Write a snapshot as a counter file (stats.h format): period_ns,
 * counted, unstamped, own_e2e_ns, then <interval>_sum, _max, _b0.._b15
 * for queue_wait, service, delivery, e2e.  0 or -errno. */
int be_profile_write(const char *path, const struct be_profile_snap *s);

/* The names used in the counter file, by interval. */
extern const char *const be_profile_interval_names[XYL_PROFILE_NR_INTERVALS];

#endif
