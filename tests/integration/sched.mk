# tests/integration/sched.mk: the credit scheduler and SMP guests on a
# live xylem-hv (issue 8).
$(eval $(call integration_test,sched_test,\
	tests/integration/sched_test.c tests/lib/harness.c tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,))
$(BUILD)/tests/sched_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)
