/*
 * kernel/profile.c: the shared-timer client (the read-only page xylem-hv
 * maps at XYL_STIMER_GPA) and the frontend side of per-device I/O
 * profiling (include/xylem/profile.h).  Trust: the timer page is dom0's;
 * the backend's stamps are checked for order before they are counted.
 */
#include <stdint.h>

#include "gk/errno.h"
#include "gk/gnttab.h"
#include "gk/kernel.h"
#include "gk/page_alloc.h"
#include "gk/printf.h"
#include "gk/profile.h"
#include "gk/stimer.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

static volatile const struct xyl_stimer_page *
stimer_page(void)
{
	/* Identity-mapped below 4 GiB; xylem-hv maps it read-only. */
	return (volatile const struct xyl_stimer_page *)(uintptr_t)
		XYL_STIMER_GPA;
}

int
gk_stimer_is_running(void)
{
	volatile const struct xyl_stimer_page *pg = stimer_page();

	return pg->magic == XYL_STIMER_MAGIC &&
	       pg->version == XYL_STIMER_VERSION &&
	       pg->state == XYL_STIMER_RUNNING;
}

uint64_t
gk_stimer_tick(void)
{
	volatile const struct xyl_stimer_page *pg = stimer_page();

	if (pg->magic != XYL_STIMER_MAGIC)
		return 0;
	return pg->tick; /* one aligned 64-bit load */
}

uint32_t
gk_stimer_period_ns(void)
{
	volatile const struct xyl_stimer_page *pg = stimer_page();

	return pg->magic == XYL_STIMER_MAGIC ? pg->period_ns : 0;
}

int
gk_stimer_read(uint64_t *tick, uint64_t *ns)
{
	return gk_stimer_read_page(stimer_page(), tick, ns);
}

int
gk_profile_setup(struct gk_profile *p, domid_t backend, uint32_t nr_slots)
{
	struct xyl_profile_area *a;
	grant_ref_t ref;
	uint64_t pfn;
	int rc;

	memset(p, 0, sizeof(*p));
	if (!gk_stimer_is_running())
		return -ENODEV;
	if (nr_slots == 0 || nr_slots > XYL_PROFILE_MAX_SLOTS)
		return -ERANGE;
	/* A page of its own (the heap's blocks carry a header, so they are
	 * never page-aligned). */
	pfn = gk_pages_alloc(&gk.pages, 1);
	if (!pfn)
		return -ENOMEM;
	a = (struct xyl_profile_area *)(uintptr_t)(pfn << 12);
	memset(a, 0, sizeof(*a));
	a->magic = XYL_PROFILE_MAGIC;
	a->version = XYL_PROFILE_VERSION;
	a->nr_slots = (uint16_t)nr_slots;
	a->period_ns = gk_stimer_period_ns();
	rc = gk_gnttab_grant_access(backend, pfn, 0, &ref);
	if (rc) {
		gk_pages_free(&gk.pages, pfn, 1);
		return rc;
	}
	p->area = a;
	p->gref = ref;
	p->nr_slots = (uint16_t)nr_slots;
	return 0;
}

int
gk_profile_publish(const struct gk_profile *p, uint32_t tx, const char *fe_dir)
{
	int rc;

	if (!p->area)
		return 0;
	rc = xenbus_printf(tx, fe_dir, XYL_PROFILE_FEATURE_KEY, "1");
	if (rc)
		return rc;
	return xenbus_printf(tx, fe_dir, XYL_PROFILE_REF_KEY, "%u", p->gref);
}

static void
profile_hist_add(volatile struct xyl_profile_hist *h, uint64_t t)
{
	h->sum_ticks += t;
	if (t > h->max_ticks)
		h->max_ticks = t;
	h->bucket[xyl_profile_bucket(t)]++;
}

/* All four stamps of slot are in: count its intervals. */
static void
profile_count(struct gk_profile *p, uint32_t slot, uint64_t pv_ns)
{
	volatile struct xyl_profile_area *a = p->area;
	uint64_t st[XYL_PROFILE_NR_STAGES];

	/* One copy: the backend's two stamps are read once. */
	for (unsigned i = 0; i < XYL_PROFILE_NR_STAGES; i++)
		st[i] = a->slot[slot].stamp[i];
	if (!st[0] || !st[1] || !st[2] || !st[3] || st[1] < st[0] ||
	    st[2] < st[1] || st[3] < st[2]) {
		a->nr_unstamped++;
		return;
	}
	profile_hist_add(&a->hist[XYL_PROFILE_QUEUE_WAIT], st[1] - st[0]);
	profile_hist_add(&a->hist[XYL_PROFILE_SERVICE], st[2] - st[1]);
	profile_hist_add(&a->hist[XYL_PROFILE_DELIVERY], st[3] - st[2]);
	profile_hist_add(&a->hist[XYL_PROFILE_END_TO_END], st[3] - st[0]);
	a->own_e2e_ns += pv_ns;
	/* Readers check that the buckets add up to nr_counted: bump it last. */
	__atomic_thread_fence(__ATOMIC_RELEASE);
	a->nr_counted++;
}

void
gk_profile_stamp(struct gk_profile *p, uint32_t slot, unsigned stage)
{
	volatile struct xyl_profile_slot *s;
	uint64_t now;

	if (!p->area || slot >= p->nr_slots)
		return;
	s = &p->area->slot[slot];
	now = gk_stimer_tick();
	if (stage == XYL_PROFILE_SUBMIT) {
		s->stamp[XYL_PROFILE_PICKUP] = 0;
		s->stamp[XYL_PROFILE_COMPLETE] = 0;
		s->stamp[XYL_PROFILE_RESPONSE] = 0;
		s->stamp[XYL_PROFILE_SUBMIT] = now;
		p->submit_ns[slot] = gk_time_now_ns();
	} else if (stage == XYL_PROFILE_RESPONSE) {
		uint64_t pv = gk_time_now_ns() - p->submit_ns[slot];

		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s->stamp[XYL_PROFILE_RESPONSE] = now;
		profile_count(p, slot, pv);
	}
}

void
gk_profile_teardown(struct gk_profile *p)
{
	if (!p->area)
		return;
	if (gk_gnttab_end_access(p->gref) == 0)
		gk_pages_free(&gk.pages, (uintptr_t)p->area >> 12, 1);
	/* Still mapped by a backend: leak the page rather than reuse it. */
	p->area = NULL;
}
