/*
 * gk/profile.h: the shared-timer client and per-device I/O profiling
 * (kernel/profile.c; include/xylem/sharedtimer.h, include/xylem/profile.h,
 * docs/profiling.md).  A frontend gives each device a struct gk_profile,
 * publishes it with its transport keys and calls gk_profile_stamp() at
 * SUBMIT and RESPONSE; everything else (ticks, histograms) happens here.
 */
#ifndef GK_PROFILE_H
#define GK_PROFILE_H

#include <stdint.h>

#include <xen/xen.h>

#include "xylem/profile.h"
#include "xylem/sharedtimer.h"

/* One device's profile area.  Owner: the frontend's device struct. */
struct gk_profile {
	volatile struct xyl_profile_area *area; /* NULL: profiling off */
	uint32_t gref;
	uint16_t nr_slots;
	uint64_t submit_ns[XYL_PROFILE_MAX_SLOTS]; /* pvclock at SUBMIT */
};

/* 1 if dom0's shared timer is running (magic set, state RUNNING). */
int gk_stimer_is_running(void);
/* The current tick (0: no shared timer). */
uint64_t gk_stimer_tick(void);
/* A consistent (tick, host ns) pair through the seqlock: 0, or -ENODEV no
 * timer, -EAGAIN the writer stayed mid-update for XYL_STIMER_MAX_RETRIES. */
int gk_stimer_read(uint64_t *tick, uint64_t *ns);
/* The tick period in ns (0: no shared timer). */
uint32_t gk_stimer_period_ns(void);

/* Allocate and grant (read-write, to backend) a profile area for nr_slots
 * slots.  0; -ENODEV no shared timer; -ERANGE nr_slots >
 * XYL_PROFILE_MAX_SLOTS; -ENOMEM; -ENOSPC no grant entry.  On error p is
 * left off (gk_profile_stamp is then a no-op). */
int gk_profile_setup(struct gk_profile *p, domid_t backend, uint32_t nr_slots);
/* Write feature-xylem-profile=1 and profile-ref under fe_dir in
 * transaction tx.  No-op (0) when p is off. */
int gk_profile_publish(const struct gk_profile *p, uint32_t tx,
		       const char *fe_dir);
/* Stamp slot at stage (XYL_PROFILE_SUBMIT or XYL_PROFILE_RESPONSE; the
 * backend stamps the other two).  At RESPONSE the request's intervals go
 * into the histograms.  No-op when p is off or slot is out of range. */
void gk_profile_stamp(struct gk_profile *p, uint32_t slot, unsigned stage);
/* Revoke the grant and free the page (after the backend disconnected). */
void gk_profile_teardown(struct gk_profile *p);

#endif
