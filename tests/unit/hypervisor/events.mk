# tests/unit/hypervisor/events.mk: unit suites of the event-channel and
# grant-table units.  Each links only its units and the fakes, no KVM.
$(eval $(call unit_test,evtchn_test,\
	tests/lib/fake_events_loop.c \
	tests/lib/fake_events_world.c \
	tests/lib/fake_evtchn_world.c \
	tests/unit/hypervisor/evtchn_test.c \
	hypervisor/evtchn.c \
	hypervisor/evtchn_2l.c \
	hypervisor/evtchn_dom0.c \
	hypervisor/evtchn_doorbell.c \
	hypervisor/evtchn_op.c,,))
$(eval $(call unit_test,evtchn_doorbell_test,\
	tests/lib/fake_events_loop.c \
	tests/lib/fake_events_world.c \
	tests/lib/fake_evtchn_world.c \
	tests/unit/hypervisor/evtchn_doorbell_test.c \
	hypervisor/evtchn.c \
	hypervisor/evtchn_2l.c \
	hypervisor/evtchn_dom0.c \
	hypervisor/evtchn_doorbell.c \
	hypervisor/evtchn_op.c,,))
$(eval $(call unit_test,gnttab_test,\
	tests/lib/fake_events_loop.c \
	tests/lib/fake_events_world.c \
	tests/unit/hypervisor/gnttab_test.c \
	hypervisor/gnttab.c,,))
