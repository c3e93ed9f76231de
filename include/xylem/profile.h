/*
 * include/xylem/profile.h: the per-device I/O profile area (DESIGN.md
 * section 5, docs/profiling.md): one page the frontend grants to the
 * backend, in which both stamp every request with the shared timer's tick
 * (include/xylem/sharedtimer.h) at four stages, and the frontend keeps
 * the device's latency histograms.  Shared by frontends and backends; the
 * blkif request layout is not touched.
 */
#ifndef XYLEM_PROFILE_H
#define XYLEM_PROFILE_H

#include <stdint.h>

/*
 * NEGOTIATION (xenstore; absent or "0" = off)
 *
 *   <backend dir>/feature-xylem-profile = "1"
 *       written by the backend before InitWait: it maps the area at
 *       connect and stamps PICKUP and COMPLETE.
 *   <frontend dir>/feature-xylem-profile = "1"
 *   <frontend dir>/profile-ref = "<gref>"
 *       written by the frontend with its transport keys (before
 *       Initialised), only if the backend offered the feature: the grant
 *       (read-write, to the backend's domain) of the area's one page.
 *
 * The backend maps the page when it connects and keeps it until it
 * disconnects.  A bad or missing profile-ref only turns profiling off for
 * that device (logged once); the device still connects.
 */
#define XYL_PROFILE_FEATURE_KEY "feature-xylem-profile"
#define XYL_PROFILE_REF_KEY	"profile-ref"

#define XYL_PROFILE_MAGIC   0x50525958u /* "XYRP" little-endian */
#define XYL_PROFILE_VERSION 1

/*
 * THE STAGES of one request, each a shared-timer tick (0 = not stamped):
 *
 *   SUBMIT    frontend, just before it publishes req_prod for the request
 *   PICKUP    backend, when it copies the request out of the ring
 *   COMPLETE  backend, when its I/O finished, before the response is
 *             written to the ring (so before rsp_prod moves)
 *   RESPONSE  frontend, when it reads the response off the ring
 *
 * and the intervals the histograms hold:
 *
 *   QUEUE_WAIT  PICKUP   - SUBMIT    (ring + notification + backend wakeup)
 *   SERVICE     COMPLETE - PICKUP    (the backend's own work: grants, I/O)
 *   DELIVERY    RESPONSE - COMPLETE  (response push, event, frontend wakeup)
 *   END_TO_END  RESPONSE - SUBMIT
 */
enum xyl_profile_stage {
	XYL_PROFILE_SUBMIT = 0,
	XYL_PROFILE_PICKUP = 1,
	XYL_PROFILE_COMPLETE = 2,
	XYL_PROFILE_RESPONSE = 3,
	XYL_PROFILE_NR_STAGES = 4,
};
enum xyl_profile_interval {
	XYL_PROFILE_QUEUE_WAIT = 0,
	XYL_PROFILE_SERVICE = 1,
	XYL_PROFILE_DELIVERY = 2,
	XYL_PROFILE_END_TO_END = 3,
	XYL_PROFILE_NR_INTERVALS = 4,
};

/*
 * SLOTS.  Stamps are kept per ring slot: slot = queue * ring entries +
 * (ring index of the request & (ring entries - 1)), the index at which the
 * frontend wrote the request (which the backend knows as its req_cons).
 * The frontend remembers each request's slot until its response (responses
 * may arrive in any order).  nr_slots must cover every slot of every queue;
 * a frontend whose rings have more slots than XYL_PROFILE_MAX_SLOTS does
 * not offer profiling.  A backend ignores slots >= nr_slots.
 * Exception, netif TX (docs/profiling.md): netfront offers 64 slots for
 * its 256-entry TX ring and both sides stamp only requests at ring indices
 * below nr_slots (the bound they check anyway): one packet in four.
 *
 * Writers per slot: stamp[SUBMIT], stamp[RESPONSE] frontend; stamp[PICKUP],
 * stamp[COMPLETE] backend.  At SUBMIT the frontend also zeroes PICKUP and
 * COMPLETE (before publishing the request, so the backend's later stores
 * win), so a backend that stamps nothing leaves zeros, never stale ticks.
 *
 * Ordering: the frontend's SUBMIT store is ordered before req_prod by the
 * ring's write barrier; the backend's COMPLETE store is ordered before
 * rsp_prod by its write barrier; the frontend reads PICKUP and COMPLETE
 * after it has read the response (read barrier after rsp_prod).  So every
 * stamp a side reads belongs to the request it is looking at.
 */
#define XYL_PROFILE_MAX_SLOTS 64

struct xyl_profile_slot {
	uint64_t stamp[XYL_PROFILE_NR_STAGES];
};

/*
 * HISTOGRAMS (frontend writes, at RESPONSE; backend and dom0 tools read).
 * Bucket 0 counts intervals of 0 ticks; bucket b (1..14) counts
 * [2^(b-1), 2^b) ticks; bucket 15 counts >= 2^14 ticks.  A request is
 * counted only when all four stamps are non-zero and in order
 * (SUBMIT <= PICKUP <= COMPLETE <= RESPONSE); otherwise nr_unstamped grows.
 * sum_ticks is the sum of the counted intervals, max_ticks the largest.
 * Readers copy the whole header and histograms out once and check
 * magic, version and that every histogram's buckets add up to nr_counted
 * (a frontend mid-update or lying gives a mismatch: retry or ignore).
 */
#define XYL_PROFILE_BUCKETS 16

struct xyl_profile_hist {
	uint64_t sum_ticks;
	uint64_t max_ticks;
	uint32_t bucket[XYL_PROFILE_BUCKETS];
};

/*
 * THE PAGE:
 *   offset   0  header (64 bytes)
 *   offset  64  hist[4] (80 bytes each)
 *   offset 512  slot[nr_slots] (32 bytes each)
 */
struct xyl_profile_area {
	uint32_t magic;	     /* frontend, at setup: XYL_PROFILE_MAGIC */
	uint16_t version;    /* frontend, at setup: XYL_PROFILE_VERSION */
	uint16_t nr_slots;   /* frontend, at setup: 1..XYL_PROFILE_MAX_SLOTS */
	uint32_t period_ns;  /* frontend, at setup: the tick period seen */
	uint32_t reserved0;  /* zero */
	uint64_t nr_counted; /* frontend: requests in the histograms */
	uint64_t nr_unstamped; /* frontend: responses not counted */
	/* frontend: sum over the counted requests of the end-to-end time by
	 * its own clock (pvclock for our guest kernel), in ns: the check of
	 * the tick measurement (docs/profiling.md). */
	uint64_t own_e2e_ns;
	uint64_t reserved1[3]; /* zero */
	struct xyl_profile_hist hist[XYL_PROFILE_NR_INTERVALS];
	uint8_t pad[512 - 64 -
		    XYL_PROFILE_NR_INTERVALS * sizeof(struct xyl_profile_hist)];
	struct xyl_profile_slot slot[XYL_PROFILE_MAX_SLOTS];
	uint8_t unused[4096 - 512 -
		       XYL_PROFILE_MAX_SLOTS * sizeof(struct xyl_profile_slot)];
};

_Static_assert(sizeof(struct xyl_profile_hist) == 80, "hist layout");
_Static_assert(sizeof(struct xyl_profile_area) == 4096, "one page");

/* Bucket of an interval of t ticks (pure; shared so both sides agree). */
static inline unsigned
xyl_profile_bucket(uint64_t t)
{
	unsigned b = 0;

	while (t && b < XYL_PROFILE_BUCKETS - 1) {
		t >>= 1;
		b++;
	}
	return b;
}

#endif /* XYLEM_PROFILE_H */
