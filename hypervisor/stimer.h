/*
 * hypervisor/stimer.h: the host-wide shared-timer page
 * (include/xylem/sharedtimer.h).  xylem-hv owns the memfd and a read-only
 * mapping; memory.c maps that into every guest with a read-only memslot;
 * the control request SHARED_TIMER_MAP hands the memfd to dom0.
 */
#ifndef HV_STIMER_H
#define HV_STIMER_H

struct hv;

/* Create the sealed one-page memfd and map it read-only into xylem-hv
 * (hv->stimer_fd, hv->stimer_hva).  0 or -errno. */
int stimer_init(struct hv *hv);
/* Unmap and close (after every domain is gone). */
void stimer_fini(struct hv *hv);

#endif
