/*
 * kernel/stimer_read.c: the guest's reader of the shared-timer seqlock
 * (gk/stimer.h).  The page is dom0's and read-only here; a writer that
 * never finishes an update costs a bounded number of retries, not a hang.
 */
#include <stdint.h>

#include "gk/errno.h"
#include "gk/stimer.h"

int
gk_stimer_read_page(volatile const struct xyl_stimer_page *pg, uint64_t *tick,
		    uint64_t *ns)
{
	uint32_t s1, s2;

	if (pg->magic != XYL_STIMER_MAGIC)
		return -ENODEV;
	for (uint32_t i = 0; i < XYL_STIMER_MAX_RETRIES; i++) {
		s1 = __atomic_load_n(&pg->seq, __ATOMIC_ACQUIRE);
		if (s1 & 1)
			continue;
		*tick = pg->tick;
		*ns = pg->ns;
		/* The two loads above complete before seq is read again. */
		__atomic_thread_fence(__ATOMIC_ACQUIRE);
		s2 = pg->seq;
		if (s1 == s2)
			return 0;
	}
	return -EAGAIN;
}
