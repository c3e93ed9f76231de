/*
 * dom0-tools/xyl/top_io.h: what `xyl top` shows of a domain's devices:
 * per-device counters and end-to-end latency histograms read from the
 * backends' files (devstats.h), and the window between two frames
 * (rates per second, percentiles of the requests that completed in it).
 */
#ifndef XYL_TOP_IO_H
#define XYL_TOP_IO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "xylem/profile.h"
#include "xyl.h"

#define TOP_MAX_DEVS 64

enum top_dev_kind { TOP_VBD, TOP_VIF };

/* One device at one frame.  dir[0] is reads (vbd) or the domain's
 * transmit (vif), dir[1] writes or receive. */
struct top_dev {
	enum top_dev_kind kind;
	uint32_t devid;
	uint64_t ops[2];
	uint64_t bytes[2];
	uint64_t notify_sent, notify_suppressed;
	bool has_profile;
	uint32_t period_ns;
	uint64_t counted;	     /* profiled requests since connect */
	struct xyl_profile_hist e2e; /* their end-to-end histogram */
};

/* A domain's devices at one frame. */
struct top_io {
	size_t nr;
	struct top_dev dev[TOP_MAX_DEVS];
};

/* What happened on one device (or a sum of devices) between frames. */
struct top_window {
	double ops_s[2], kib_s[2], notify_s, suppressed_s;
	uint32_t period_ns;
	uint64_t counted; /* profiled requests completed in the window */
	struct xyl_profile_hist e2e;
};

/* Read every vbd and vif the backends serve for domid (none for 0). */
void top_io_collect(const struct xyl *x, xyl_domid_t domid, struct top_io *io);
/* The device of was matching d (same kind and devid), or NULL. */
const struct top_dev *top_io_find(const struct top_io *was,
				  const struct top_dev *d);
/* d's window since was (NULL: no earlier frame: rates 0, latency since
 * connect); a counter that went backwards (reconnect) restarts it. */
void top_window_of(const struct top_dev *d, const struct top_dev *was,
		   uint64_t wall_ns, struct top_window *w);
/* acc += w (rates, counts and histograms). */
void top_window_add(struct top_window *acc, const struct top_window *w);
/* The p-th end-to-end percentile of a window in microseconds, or -1 if
 * no profiled request completed in it. */
double top_window_e2e_us(const struct top_window *w, double p);
/* Number of devices of a kind. */
unsigned top_io_count(const struct top_io *io, enum top_dev_kind kind);

#endif
