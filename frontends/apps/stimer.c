/*
 * apps/stimer.c: the shared-timer page from a guest (docs/profiling.md):
 * it is there, it ticks, seqlock reads are consistent and monotonic, and
 * with `write=1` a store to it, which must kill this guest (the page is
 * read-only to guests) and nothing else.
 */
#include <stdint.h>

#include "gk/cmdline.h"
#include "gk/console.h"
#include "gk/kernel.h"
#include "gk/profile.h"
#include "gk/time.h"

#define STIMER_READS 200000u

/* Read the page in a tight loop: every pair consistent, both fields
 * never going backwards.  0 or -1. */
static int
stimer_check_reads(void)
{
	uint64_t tick, ns, last_tick = 0, last_ns = 0, t0, t1;

	t0 = gk_time_now_ns();
	for (uint32_t i = 0; i < STIMER_READS; i++) {
		if (gk_stimer_read(&tick, &ns)) {
			gk_err("FAIL: stimer: read %u failed\n", i);
			return -1;
		}
		if (tick < last_tick || ns < last_ns) {
			gk_err("FAIL: stimer: went back: tick %llu ns %llu "
			       "after %llu %llu\n",
			       (unsigned long long)tick, (unsigned long long)ns,
			       (unsigned long long)last_tick,
			       (unsigned long long)last_ns);
			return -1;
		}
		last_tick = tick;
		last_ns = ns;
	}
	t1 = gk_time_now_ns();
	gk_info("ok: stimer: %u consistent reads\n", STIMER_READS);
	gk_info("bench: stimer_read_ns=%llu\n",
		(unsigned long long)((t1 - t0) / STIMER_READS));
	return 0;
}

/* Ticks advance with time: over a 50 ms sleep at least one tick, and the
 * page's ns moves about as far as our pvclock. */
static int
stimer_check_ticking(void)
{
	uint64_t t0, n0, t1, n1, pv0, pv1;

	if (gk_stimer_read(&t0, &n0))
		return -1;
	pv0 = gk_time_now_ns();
	gk_sleep_ns(50 * GK_NS_PER_MS);
	if (gk_stimer_read(&t1, &n1))
		return -1;
	pv1 = gk_time_now_ns();
	gk_info("stimer: %llu ticks and %llu us of host time in %llu us of "
		"pvclock\n",
		(unsigned long long)(t1 - t0),
		(unsigned long long)((n1 - n0) / 1000),
		(unsigned long long)((pv1 - pv0) / 1000));
	if (t1 <= t0 || n1 <= n0) {
		gk_err("FAIL: stimer: not ticking\n");
		return -1;
	}
	gk_info("ok: stimer: ticking\n");
	return 0;
}

int
gk_app_stimer(const char *cmdline)
{
	uint64_t write = 0;

	gk_cmdline_get_u64(cmdline, "write", &write);
	if (!gk_stimer_is_running()) {
		gk_err("FAIL: stimer: no shared timer at %#llx\n",
		       (unsigned long long)XYL_STIMER_GPA);
		return -1;
	}
	gk_info("ok: stimer: running, period %u ns\n", gk_stimer_period_ns());
	if (stimer_check_reads() || stimer_check_ticking())
		return -1;
	if (write) {
		gk_info("stimer: writing to the read-only page\n");
		*(volatile uint64_t *)(uintptr_t)(XYL_STIMER_GPA + 16) = 0;
		gk_err("FAIL: stimer: the write went through\n");
		return -1;
	}
	gk_info("stimer: all passed\n");
	return 0;
}
