# tests/unit/dom0-tools/xyl.mk: unit suites for xyl and the dom0 logger.
#   xyl_config_test         config_parse() and the key scanner, directly
#   xyl_create_golden_test  runs $(BUILD)/bin/xyl create -n on each
#                           tests/unit/dom0-tools/configs/<n>.cfg and
#                           compares stderr with <n>.err
#   dom0_log_test           dom0-tools/common/log.c
$(eval $(call unit_test,xyl_config_test,\
	tests/unit/dom0-tools/xyl/config_test.c $(XYL_CONFIG_SRCS),,\
	$(XLUTIL_LIBS) $(JSONC_LIBS)))

$(eval $(call unit_test,xyl_create_golden_test,\
	tests/unit/dom0-tools/xyl/create_golden_test.c,,))
# Not linked in: the golden test runs the xyl program built beside it.
$(BUILD)/tests/xyl_create_golden_test: $(BUILD)/bin/xyl
$(BUILD)/obj/tests/unit/dom0-tools/xyl/create_golden_test.o: HOST_CFLAGS += \
	-DXYL_TEST_CONFIGS=\"$(CURDIR)/tests/unit/dom0-tools/configs\"

# xyl_verbs_golden_test: runs $(BUILD)/bin/xyl with each
# tests/unit/dom0-tools/verbs/<n>.cmd; compares stdout/stderr/exit status.
$(eval $(call unit_test,xyl_verbs_golden_test,\
	tests/unit/dom0-tools/xyl/verbs_golden_test.c,,))
$(BUILD)/tests/xyl_verbs_golden_test: $(BUILD)/bin/xyl
$(BUILD)/obj/tests/unit/dom0-tools/xyl/verbs_golden_test.o: HOST_CFLAGS += \
	-DXYL_TEST_VERBS=\"$(CURDIR)/tests/unit/dom0-tools/verbs\" \
	-DXYL_MAN_PAGE=\"$(CURDIR)/docs/man/xyl.1\" \
	-DXYL_SYSTEMD_DIR=\"$(CURDIR)/dom0-tools/systemd\"

# xyl_evlog_test: the toolstack's event log (dom0-tools/xyl/evlog.c).
$(eval $(call unit_test,xyl_evlog_test,\
	tests/unit/dom0-tools/xyl/evlog_test.c dom0-tools/xyl/evlog.c,,\
	$(JSONC_LIBS)))

$(eval $(call unit_test,dom0_log_test,\
	tests/unit/dom0-tools/common/log_test.c $(DOM0_COMMON_SRCS),,))

# dom0_daemon_test: the daemons' shared start-up (dom0-tools/common/daemon.c).
$(eval $(call unit_test,dom0_daemon_test,\
	tests/unit/dom0-tools/common/daemon_test.c $(DOM0_COMMON_SRCS),,))
