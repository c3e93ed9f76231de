# tests/unit/dom0-tools/libxylemctl.mk: unit suites
# xylctl_test: libxylemctl against a fake xylem-hv thread.
$(eval $(call unit_test,xylctl_test,\
	tests/unit/dom0-tools/xylctl_test.c,\
	$(BUILD)/lib/libxylemctl.a,))
