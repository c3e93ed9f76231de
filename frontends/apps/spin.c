/*
 * apps/spin.c: a CPU-bound guest for the scheduler's tests.  Spins in
 * ring 3 (no exits) and reports its progress every report_ms (default
 * 1000) as "spin: N Mloops"; seconds=N powers off after N seconds of
 * guest time with "spin: done N Mloops" (default: spin for ever).
 */
#include <stdint.h>

#include "gk/console.h"
#include "gk/kernel.h"
#include "gk/time.h"

#define SPIN_BATCH 1000000ull

int
gk_app_spin(const char *cmdline)
{
	uint64_t seconds = 0, report_ms = 1000, loops = 0;
	volatile uint64_t sink = 0;
	uint64_t start, next;

	gk_cmdline_get_u64(cmdline, "seconds", &seconds);
	gk_cmdline_get_u64(cmdline, "report_ms", &report_ms);
	start = gk_time_now_ns();
	next = start + report_ms * 1000000ull;
	gk_info("spin: running\n");
	for (;;) {
		for (uint64_t i = 0; i < SPIN_BATCH; i++)
			sink += i;
		loops++;
		uint64_t now = gk_time_now_ns();
		if (now >= next) {
			gk_info("spin: %llu Mloops\n",
				(unsigned long long)loops);
			next = now + report_ms * 1000000ull;
		}
		if (seconds && now - start >= seconds * 1000000000ull) {
			gk_info("spin: done %llu Mloops\n",
				(unsigned long long)loops);
			return 0;
		}
	}
}
