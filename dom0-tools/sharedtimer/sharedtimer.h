/*
 * dom0-tools/sharedtimer/sharedtimer.h: xylem-sharedtimer, dom0's
 * shared-timer service (docs/profiling.md): the program context, the
 * seqlock writer of the page (tick.c, pure so tests drive it at full
 * speed) and the xenstore advertisement (xs.c).  One thread, no locks.
 */
#ifndef SHAREDTIMER_H
#define SHAREDTIMER_H

#include <stdbool.h>
#include <stdint.h>

#include "xylctl.h"
#include "xylem/sharedtimer.h"

#define SHAREDTIMER_PROGRAM "xylem-sharedtimer"

/* The program.  Owner: main.c. */
struct sharedtimer {
	const char *rundir;
	uint32_t period_ns;
	bool is_realtime; /* --realtime: SCHED_FIFO for less wakeup jitter */
	struct xylctl *ctl;
	/* An event connection that names no real domain: it only ever
	 * becomes readable when xylem-hv goes away (we then exit, as the
	 * page's other users are gone too). */
	struct xylctl *hv_watch;
	struct xylctl_stimer page; /* mapped read-write */
	struct xs_handle *xs;	   /* NULL: no xenstored here */
	int timer_fd;
	int signal_fd;
	uint64_t tick;
	uint64_t late_ticks; /* expirations beyond one per wakeup */
};

/* tick.c: the writer side of the seqlock (include/xylem/sharedtimer.h). */
void sharedtimer_page_init(volatile struct xyl_stimer_page *pg,
			   uint32_t period_ns);
void sharedtimer_page_publish(volatile struct xyl_stimer_page *pg,
			      uint64_t tick, uint64_t ns);
void sharedtimer_page_stop(volatile struct xyl_stimer_page *pg);
/* Run the timer until SIGTERM/SIGINT.  0 or -errno. */
int sharedtimer_run(struct sharedtimer *st);

/* xs.c: /xylem/shared-timer/{gpa,period-ns,state}, readable by every
 * domain.  Quiet no-ops without xenstored. */
void sharedtimer_xs_publish(struct sharedtimer *st, const char *state);
void sharedtimer_xs_close(struct sharedtimer *st);

#endif
