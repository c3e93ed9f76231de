/*
 * backends/lib/profile.c: per-device profile areas (profile.h).  Trust
 * boundary: the area is frontend memory.  Its header is checked once at
 * attach (nr_slots kept privately); the histograms are copied out and
 * checked before anyone uses them; the backend only ever writes its own
 * two stamps, at slots it bounds itself.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "profile.h"
#include "stats.h"

const char *const be_profile_interval_names[XYL_PROFILE_NR_INTERVALS] = {
	"queue_wait", "service", "delivery", "e2e"};

int
be_profile_attach(struct be_profile *p, struct be_gnttab *gt, uint32_t gref,
		  const struct xylctl_stimer *timer)
{
	volatile struct xyl_profile_area *a;
	uint32_t magic;
	uint16_t version, nr;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!timer || !timer->page)
		return -ENODEV;
	rc = be_grant_acquire(gt, gref, BE_GRANT_WRITE, &p->g);
	if (rc)
		return rc;
	a = (volatile struct xyl_profile_area *)p->g.page;
	magic = a->magic;
	version = a->version;
	nr = a->nr_slots;
	if (magic != XYL_PROFILE_MAGIC || version != XYL_PROFILE_VERSION ||
	    nr == 0 || nr > XYL_PROFILE_MAX_SLOTS) {
		be_grant_release(gt, &p->g);
		memset(p, 0, sizeof(*p));
		return -EINVAL;
	}
	p->area = a;
	p->nr_slots = nr;
	p->timer = timer;
	return 0;
}

void
be_profile_detach(struct be_profile *p, struct be_gnttab *gt)
{
	if (p->area)
		be_grant_release(gt, &p->g);
	memset(p, 0, sizeof(*p));
}

void
be_profile_stamp(struct be_profile *p, uint32_t slot, unsigned stage)
{
	if (!p->area || slot >= p->nr_slots ||
	    (stage != XYL_PROFILE_PICKUP && stage != XYL_PROFILE_COMPLETE))
		return;
	/* The ring's barriers order this against the request/response. */
	p->area->slot[slot].stamp[stage] = xylctl_stimer_tick(p->timer);
	p->stamps++;
}

static void
be_profile_copy(const volatile struct xyl_profile_area *a,
		struct be_profile_snap *s)
{
	s->period_ns = a->period_ns;
	s->nr_counted = __atomic_load_n(&a->nr_counted, __ATOMIC_ACQUIRE);
	s->nr_unstamped = a->nr_unstamped;
	s->own_e2e_ns = a->own_e2e_ns;
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		s->hist[i].sum_ticks = a->hist[i].sum_ticks;
		s->hist[i].max_ticks = a->hist[i].max_ticks;
		for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++)
			s->hist[i].bucket[b] = a->hist[i].bucket[b];
	}
}

static bool
be_profile_consistent(const struct be_profile_snap *s)
{
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		uint64_t n = 0;

		for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++)
			n += s->hist[i].bucket[b];
		/* Buckets are 32-bit: compare modulo 2^32. */
		if ((uint32_t)n != (uint32_t)s->nr_counted)
			return false;
	}
	return true;
}

int
be_profile_snapshot(const struct be_profile *p, struct be_profile_snap *out)
{
	if (!p->area)
		return -ENODEV;
	for (int tries = 0; tries < 4; tries++) {
		be_profile_copy(p->area, out);
		if (be_profile_consistent(out))
			return 0;
	}
	return -EAGAIN;
}

int
be_profile_write(const char *path, const struct be_profile_snap *s)
{
	enum { PER = 2 + XYL_PROFILE_BUCKETS };
	char names[XYL_PROFILE_NR_INTERVALS][PER][32];
	struct be_stat st[4 + XYL_PROFILE_NR_INTERVALS * PER];
	size_t n = 0;

	st[n++] = (struct be_stat){"period_ns", s->period_ns};
	st[n++] = (struct be_stat){"counted", s->nr_counted};
	st[n++] = (struct be_stat){"unstamped", s->nr_unstamped};
	st[n++] = (struct be_stat){"own_e2e_ns", s->own_e2e_ns};
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		const char *iv = be_profile_interval_names[i];

		snprintf(names[i][0], 32, "%s_sum", iv);
		snprintf(names[i][1], 32, "%s_max", iv);
		st[n++] = (struct be_stat){names[i][0], s->hist[i].sum_ticks};
		st[n++] = (struct be_stat){names[i][1], s->hist[i].max_ticks};
		for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++) {
			snprintf(names[i][2 + b], 32, "%s_b%u", iv, b);
			st[n++] = (struct be_stat){names[i][2 + b],
						   s->hist[i].bucket[b]};
		}
	}
	return be_stats_write(path, st, n);
}
