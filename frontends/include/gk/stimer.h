/*
 * gk/stimer.h: the seqlock read of a shared-timer page
 * (kernel/stimer_read.c; include/xylem/sharedtimer.h).  Separate from
 * gk/profile.h so that it builds as host code: the unit test races it
 * against dom0's real writer at full speed.
 */
#ifndef GK_STIMER_H
#define GK_STIMER_H

#include <stdint.h>

#include "xylem/sharedtimer.h"

/* A consistent (tick, ns) pair from pg: 0, -ENODEV no magic, -EAGAIN the
 * writer stayed mid-update for XYL_STIMER_MAX_RETRIES tries (it is
 * another domain's process and may have died mid-update). */
int gk_stimer_read_page(volatile const struct xyl_stimer_page *pg,
			uint64_t *tick, uint64_t *ns);

#endif
