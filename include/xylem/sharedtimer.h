/*
 * include/xylem/sharedtimer.h: the shared-timer page (DESIGN.md section 5,
 * docs/profiling.md): one host page that dom0's timer service
 * (xylem-sharedtimer) rewrites on every tick of its periodic timer, mapped
 * read-only into every guest at a fixed guest-physical address and
 * read-only into every backend.  Shared by dom0 programs and guests.
 */
#ifndef XYLEM_SHAREDTIMER_H
#define XYLEM_SHAREDTIMER_H

#include <stdint.h>

/*
 * WHERE IT IS
 *
 * Guests: guest-physical XYL_STIMER_GPA (one 4 KiB page, the same in every
 * domain), right after xylem-hv's special area.  xylem-hv maps it with a
 * read-only KVM memslot: a guest store to it is an MMIO exit, which
 * xylem-hv treats as that guest's crash (nobody else notices).  The page
 * is there from the domain's first instruction; it reads as zeros until
 * the service's first tick (magic == 0: no shared timer).
 *
 * dom0: XYL_CTL_SHARED_TIMER_MAP (include/xylem/ctl.h) hands out the memfd;
 * the service maps it writable, backends and xyl read-only.
 *
 * xenstore (xenstore-schema/xylem.schema): the service writes, readable by
 * every domain,
 *   /xylem/shared-timer/gpa        "0xfe080000"
 *   /xylem/shared-timer/period-ns  tick period in ns (decimal)
 *   /xylem/shared-timer/state      "running" / "stopped"
 */
#define XYL_STIMER_GPA	  0xfe080000ull
#define XYL_STIMER_BYTES  4096u
#define XYL_STIMER_XS_DIR "/xylem/shared-timer"

#define XYL_STIMER_MAGIC   0x54535958u /* "XYST" little-endian */
#define XYL_STIMER_VERSION 1

/*
 * THE PAGE (offsets in bytes; every field is written by the service only)
 *
 *  0 magic      XYL_STIMER_MAGIC once the service has started; 0 before.
 *  4 version    XYL_STIMER_VERSION.
 *  8 seq        sequence count: odd while the service rewrites tick/ns,
 *               even when they are consistent.  Wraps (32 bits).
 * 12 period_ns  the tick period (1000000 by default; >= 10000).
 * 16 tick       ticks since the service started, from 1.  Never 0 once
 *               magic is set, so 0 can mean "not stamped" elsewhere.
 * 24 ns         host CLOCK_MONOTONIC in ns, read at that tick.  Guests'
 *               pvclock (Xen system time) is the same clock minus the
 *               domain's start, so differences compare directly.
 * 32 state      XYL_STIMER_RUNNING while the service ticks;
 *               XYL_STIMER_STOPPED once it exits cleanly (tick and ns
 *               then stay at their last values).
 * 36 reserved   zero.
 *
 * Readers never see a torn (tick, ns) pair by following the seqlock rule:
 *
 *   writer (one thread, the service):     reader (anyone, any time):
 *     seq += 1        (now odd)             s1 = load-acquire(seq)
 *     write fence (store->store)            if s1 odd: retry
 *     store tick, ns                        t = tick; n = ns
 *     write fence (store->store)            read fence (load->load)
 *     seq += 1        (even again)          s2 = load(seq)
 *                                           if s2 != s1: retry
 *
 * A reader that only needs the tick may read the 64-bit tick field alone
 * (an aligned 64-bit load is atomic on x86-64); the seqlock matters when
 * tick and ns must belong together.  A reader must bound its retries (the
 * writer is another process that may die mid-update): after
 * XYL_STIMER_MAX_RETRIES, treat the page as unavailable.
 */
#define XYL_STIMER_RUNNING     1u
#define XYL_STIMER_STOPPED     2u
#define XYL_STIMER_MAX_RETRIES 1000000u

struct xyl_stimer_page {
	uint32_t magic;
	uint32_t version;
	uint32_t seq;
	uint32_t period_ns;
	uint64_t tick;
	uint64_t ns;
	uint32_t state;
	uint32_t reserved[1015];
};

/* Periods the service accepts (--period-us): 10 us .. 1 s. */
#define XYL_STIMER_MIN_PERIOD_NS     10000u
#define XYL_STIMER_MAX_PERIOD_NS     1000000000u
#define XYL_STIMER_DEFAULT_PERIOD_NS 1000000u

_Static_assert(sizeof(struct xyl_stimer_page) == XYL_STIMER_BYTES,
	       "shared-timer page is one page");

#endif /* XYLEM_SHAREDTIMER_H */
