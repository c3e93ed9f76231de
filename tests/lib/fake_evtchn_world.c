/*
 * tests/lib/fake_evtchn_world.c: the event-channel suites' fixture
 * (fake_evtchn_world.h).  Set-up failures are Check assertion failures.
 */
#include <check.h>

#include "evtchn.h"
#include "fake_evtchn_world.h"

void
fake_evtchn_world_up(struct fake_evtchn_world *w, uint32_t d1_vcpus,
		     uint32_t d2_vcpus)
{
	fake_kicks_reset();
	w->hv = fake_hv_new();
	ck_assert_int_eq(evtchn_dom0_init(w->hv), 0);
	w->d1 = fake_domain_new(w->hv, 1, d1_vcpus);
	w->d2 = fake_domain_new(w->hv, 2, d2_vcpus);
	ck_assert_int_eq(evtchn_domain_init(w->d1), 0);
	ck_assert_int_eq(evtchn_domain_init(w->d2), 0);
	fake_domain_map_shared_info(w->d1);
	fake_domain_map_shared_info(w->d2);
}

void
fake_evtchn_world_release(struct fake_evtchn_world *w, void *const *owners,
			  size_t nr)
{
	evtchn_domain_destroy(w->d1);
	evtchn_domain_free(w->d1);
	evtchn_domain_free(w->d2);
	for (size_t i = 0; i < nr; i++)
		evtchn_dom0_close_owner(w->hv, owners[i]);
}

void
fake_evtchn_world_free(struct fake_evtchn_world *w)
{
	evtchn_dom0_fini(w->hv);
	fake_domain_free(w->d1);
	fake_domain_free(w->d2);
	fake_hv_free(w->hv);
}
