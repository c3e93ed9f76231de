/*
 * dom0-tools/xyl/devstats.h: reading what xylem-blkback publishes per
 * device under $XYLEM_RUNDIR/blkback/: the counter file D-N.stats and the
 * profile file D-N.profile (histograms, include/xylem/profile.h;
 * docs/profiling.md).  Both are "name value" lines written atomically.
 */
#ifndef XYL_DEVSTATS_H
#define XYL_DEVSTATS_H

#include <stddef.h>
#include <stdint.h>

#include "xylem/profile.h"
#include "xyl.h"

#define DEVSTATS_MAX 96

/* One file's counters, in file order. */
struct devstats {
	size_t nr;
	struct {
		char name[32];
		uint64_t value;
	} ent[DEVSTATS_MAX];
};

/* One device's profile, parsed. */
struct devprof {
	uint32_t period_ns;
	uint64_t counted, unstamped, own_e2e_ns;
	struct xyl_profile_hist hist[XYL_PROFILE_NR_INTERVALS];
};

/* Load D-N.<kind> ("stats" or "profile").  0, -ENOENT (blkback has not
 * served it / no profile), -EINVAL malformed. */
int devstats_load(const struct xyl *x, xyl_domid_t domid, uint32_t devid,
		  const char *kind, struct devstats *ds);
/* A counter by name, or 0. */
uint64_t devstats_get(const struct devstats *ds, const char *name);
/* The devids blkback has counters for, for domid (sorted).  *nr <= cap. */
int devstats_devices(const struct xyl *x, xyl_domid_t domid, uint32_t *devids,
		     size_t cap, size_t *nr);
/* D-N.profile as histograms: 0, -ENOENT, -EINVAL. */
int devprof_load(const struct xyl *x, xyl_domid_t domid, uint32_t devid,
		 struct devprof *p);
/* The same for another backend's directory under $XYLEM_RUNDIR
 * ("blkback", "netback": both write D-N.stats and D-N.profile). */
int devstats_load_in(const struct xyl *x, const char *backend,
		     xyl_domid_t domid, uint32_t devid, const char *kind,
		     struct devstats *ds);
int devstats_devices_in(const struct xyl *x, const char *backend,
			xyl_domid_t domid, uint32_t *devids, size_t cap,
			size_t *nr);
int devprof_load_in(const struct xyl *x, const char *backend, xyl_domid_t domid,
		    uint32_t devid, struct devprof *p);
/* The p-th percentile (0 < p <= 100) of a histogram of count values, in
 * ticks: the upper bound of the bucket it falls in (an over-estimate of
 * at most 2x: the buckets are powers of two).  0 if count is 0. */
uint64_t devprof_percentile(const struct xyl_profile_hist *h, uint64_t count,
			    double p);
/* Interval names as the files and `xyl profile --json` spell them. */
extern const char *const devprof_interval_names[XYL_PROFILE_NR_INTERVALS];

#endif
