/*
 * tests/lib/fake_ctl_world.h: the world the control server sees, faked for
 * its unit test: a loop driven by hand (fake_ctl_pump), a small domain
 * table, dom0 event channels as real eventfds, a log ring with fixed
 * text, and counters of the calls the handlers made.
 */
#ifndef TESTS_FAKE_CTL_WORLD_H
#define TESTS_FAKE_CTL_WORLD_H

#include <stdint.h>
#include <sys/types.h>

#include "domain.h"
#include "hv.h"

/* A hv (heap) whose control server will live in rundir. */
struct hv *fake_ctl_hv_new(const char *rundir, gid_t ctl_gid);
void fake_ctl_hv_free(struct hv *hv);

/* Run the loop callbacks whose fds are ready, for up to timeout_ms, until
 * a round finds nothing ready.  Returns the number of callbacks run. */
int fake_ctl_pump(int timeout_ms);

/* A fake domain in the table (RAM: a 64 KiB memfd, special area 16 KiB). */
struct domain *fake_ctl_domain_add(struct hv *hv, xyl_domid_t domid,
				   const char *name);

/* Calls seen by the fakes. */
struct fake_ctl_calls {
	unsigned create, destroy, pause, unpause, shutdown;
	unsigned bind, close, close_owner;
	void *last_owner;
	uint32_t last_shutdown_reason;
};
extern struct fake_ctl_calls fake_ctl_calls;

#endif
