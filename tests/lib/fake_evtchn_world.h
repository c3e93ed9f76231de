/*
 * tests/lib/fake_evtchn_world.h: the event-channel suites' fixture on top
 * of the faked world (fake_events_world.h): a hv with dom0's side up and
 * two guests (ids 1 and 2) with event channels and shared_info mapped.
 */
#ifndef TESTS_FAKE_EVTCHN_WORLD_H
#define TESTS_FAKE_EVTCHN_WORLD_H

#include <stddef.h>
#include <stdint.h>

#include "fake_events_world.h"

struct fake_evtchn_world {
	struct hv *hv;
	struct domain *d1, *d2;
};

void fake_evtchn_world_up(struct fake_evtchn_world *w, uint32_t d1_vcpus,
			  uint32_t d2_vcpus);
/* Destroy d1 (evtchn_domain_free destroys d2 itself), free both domains'
 * event channels, and close dom0's ends held by owners[0..nr). */
void fake_evtchn_world_release(struct fake_evtchn_world *w, void *const *owners,
			       size_t nr);
/* Then dom0's side, the domains and the hv. */
void fake_evtchn_world_free(struct fake_evtchn_world *w);

#endif
