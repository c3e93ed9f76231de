/*
 * dom0-tools/xyl/top_io.c: `xyl top`'s device data (top_io.h): the
 * backends' per-device counter and profile files turned into rates and
 * windowed latency percentiles.  The files are dom0's own; a missing or
 * malformed one just leaves that device out of the frame.
 */
#include <string.h>

#include "devstats.h"
#include "top_io.h"

struct top_keys {
	const char *backend;
	const char *ops[2], *bytes[2], *sent[2], *suppressed[2];
	uint64_t bytes_unit; /* blkback counts 512-byte sectors */
};

static const struct top_keys top_keys[] = {
	[TOP_VBD] = {"blkback",
		     {"rd_req", "wr_req"},
		     {"rd_sect", "wr_sect"},
		     {"notify_sent", NULL},
		     {"notify_suppressed", NULL},
		     512},
	[TOP_VIF] = {"netback",
		     {"tx_packets", "rx_packets"},
		     {"tx_bytes", "rx_bytes"},
		     {"tx_notify_sent", "rx_notify_sent"},
		     {"tx_notify_suppressed", "rx_notify_suppressed"},
		     1},
};

static uint64_t
top_sum(const struct devstats *ds, const char *const names[2])
{
	uint64_t v = 0;

	for (int i = 0; i < 2; i++)
		if (names[i])
			v += devstats_get(ds, names[i]);
	return v;
}

static void
top_dev_load(const struct xyl *x, xyl_domid_t domid, struct top_dev *d)
{
	const struct top_keys *k = &top_keys[d->kind];
	struct devstats ds;
	struct devprof p;

	if (devstats_load_in(x, k->backend, domid, d->devid, "stats", &ds) < 0)
		return;
	for (int i = 0; i < 2; i++) {
		d->ops[i] = devstats_get(&ds, k->ops[i]);
		d->bytes[i] = devstats_get(&ds, k->bytes[i]) * k->bytes_unit;
	}
	d->notify_sent = top_sum(&ds, k->sent);
	d->notify_suppressed = top_sum(&ds, k->suppressed);
	if (devprof_load_in(x, k->backend, domid, d->devid, &p) < 0)
		return;
	d->has_profile = true;
	d->period_ns = p.period_ns;
	d->counted = p.counted;
	d->e2e = p.hist[XYL_PROFILE_END_TO_END];
}

static void
top_io_add_kind(const struct xyl *x, xyl_domid_t domid, enum top_dev_kind kind,
		struct top_io *io)
{
	uint32_t devids[TOP_MAX_DEVS];
	size_t nr = 0;

	devstats_devices_in(x, top_keys[kind].backend, domid, devids,
			    TOP_MAX_DEVS - io->nr, &nr);
	for (size_t i = 0; i < nr && io->nr < TOP_MAX_DEVS; i++) {
		struct top_dev *d = &io->dev[io->nr++];

		memset(d, 0, sizeof(*d));
		d->kind = kind;
		d->devid = devids[i];
		top_dev_load(x, domid, d);
	}
}

void
top_io_collect(const struct xyl *x, xyl_domid_t domid, struct top_io *io)
{
	io->nr = 0;
	if (domid == 0)
		return;
	top_io_add_kind(x, domid, TOP_VBD, io);
	top_io_add_kind(x, domid, TOP_VIF, io);
}

const struct top_dev *
top_io_find(const struct top_io *was, const struct top_dev *d)
{
	for (size_t i = 0; was && i < was->nr; i++)
		if (was->dev[i].kind == d->kind &&
		    was->dev[i].devid == d->devid)
			return &was->dev[i];
	return NULL;
}

unsigned
top_io_count(const struct top_io *io, enum top_dev_kind kind)
{
	unsigned n = 0;

	for (size_t i = 0; i < io->nr; i++)
		n += io->dev[i].kind == kind;
	return n;
}

static double
top_rate(uint64_t now, uint64_t then, uint64_t wall_ns)
{
	if (!wall_ns || now < then)
		return 0.0;
	return (double)(now - then) * 1e9 / (double)wall_ns;
}

/* The histogram of the requests profiled since was: false when a bucket
 * went backwards (the device reconnected and its profile restarted). */
static bool
top_hist_since(const struct top_dev *d, const struct top_dev *was,
	       struct top_window *w)
{
	if (d->counted < was->counted)
		return false;
	for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++) {
		if (d->e2e.bucket[b] < was->e2e.bucket[b])
			return false;
		w->e2e.bucket[b] = d->e2e.bucket[b] - was->e2e.bucket[b];
	}
	w->e2e.sum_ticks = d->e2e.sum_ticks - was->e2e.sum_ticks;
	/* The maximum of the window is not known; the all-time one bounds
	 * the top bucket. */
	w->e2e.max_ticks = d->e2e.max_ticks;
	w->counted = d->counted - was->counted;
	return true;
}

void
top_window_of(const struct top_dev *d, const struct top_dev *was,
	      uint64_t wall_ns, struct top_window *w)
{
	memset(w, 0, sizeof(*w));
	if (was) {
		for (int i = 0; i < 2; i++) {
			w->ops_s[i] = top_rate(d->ops[i], was->ops[i], wall_ns);
			w->kib_s[i] =
				top_rate(d->bytes[i], was->bytes[i], wall_ns) /
				1024.0;
		}
		w->notify_s =
			top_rate(d->notify_sent, was->notify_sent, wall_ns);
		w->suppressed_s = top_rate(d->notify_suppressed,
					   was->notify_suppressed, wall_ns);
	}
	if (!d->has_profile)
		return;
	w->period_ns = d->period_ns;
	if (was && was->has_profile && top_hist_since(d, was, w))
		return;
	w->counted = d->counted;
	w->e2e = d->e2e;
}

void
top_window_add(struct top_window *acc, const struct top_window *w)
{
	for (int i = 0; i < 2; i++) {
		acc->ops_s[i] += w->ops_s[i];
		acc->kib_s[i] += w->kib_s[i];
	}
	acc->notify_s += w->notify_s;
	acc->suppressed_s += w->suppressed_s;
	if (!w->counted)
		return;
	acc->period_ns = w->period_ns;
	acc->counted += w->counted;
	acc->e2e.sum_ticks += w->e2e.sum_ticks;
	if (w->e2e.max_ticks > acc->e2e.max_ticks)
		acc->e2e.max_ticks = w->e2e.max_ticks;
	for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++)
		acc->e2e.bucket[b] += w->e2e.bucket[b];
}

double
top_window_e2e_us(const struct top_window *w, double p)
{
	if (!w->counted)
		return -1.0;
	return (double)devprof_percentile(&w->e2e, w->counted, p) *
	       (double)w->period_ns / 1000.0;
}
