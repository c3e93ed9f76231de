# tests/unit/hypervisor/control.mk: unit suites
# control_test: the control packet parser (ctl_parse_request) on its own.
$(eval $(call unit_test,control_test,\
	hypervisor/ctl_parse.c \
	tests/unit/hypervisor/control_test.c,,))
# ctl_server_test: the control server on a real socket, with the rest of
# xylem-hv faked (tests/lib/fake_ctl_world.c); clients are libxylemctl.
$(eval $(call unit_test,ctl_server_test,\
	hypervisor/control.c \
	hypervisor/credit.c \
	hypervisor/credit_cap.c \
	hypervisor/ctl_client.c \
	hypervisor/ctl_domain.c \
	hypervisor/ctl_event.c \
	hypervisor/ctl_evtchn.c \
	hypervisor/ctl_host.c \
	hypervisor/ctl_log.c \
	hypervisor/ctl_mem.c \
	hypervisor/ctl_parse.c \
	hypervisor/ctl_sched.c \
	hypervisor/smp.c \
	tests/lib/fake_ctl_world.c \
	tests/unit/hypervisor/ctl_server_test.c,\
	$(BUILD)/lib/libxylemctl.a,))
