# tests/unit/dom0-tools/xenstored.mk: unit suites for xylem-xenstored's
# data model, wire parser and ring transport (dom0-tools/xenstored/), one
# per unit.
XS_UT := tests/unit/dom0-tools/xenstored
$(BUILD)/obj/$(XS_UT)/%.o: HOST_CFLAGS += -Idom0-tools/xenstored

$(eval $(call unit_test,xenstored_store_test,\
	$(XS_UT)/store_test.c $(XENSTORED_STORE_SRCS),,))
$(eval $(call unit_test,xenstored_perm_test,\
	$(XS_UT)/perm_test.c $(XENSTORED_STORE_SRCS),,))
$(eval $(call unit_test,xenstored_txn_test,\
	$(XS_UT)/txn_test.c $(XENSTORED_STORE_SRCS),,))
$(eval $(call unit_test,xenstored_quota_test,\
	$(XS_UT)/quota_test.c $(XENSTORED_STORE_SRCS),,))
$(eval $(call unit_test,xenstored_wire_test,\
	$(XS_UT)/wire_test.c dom0-tools/xenstored/wire.c,,))
# The ring transport with this process as the guest: the whole daemon
# but main.c, and no xylem-hv.
$(eval $(call unit_test,xenstored_ring_test,\
	$(XS_UT)/ring_test.c \
	$(filter-out dom0-tools/xenstored/main.c,$(XENSTORED_SRCS)) \
	$(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,))

# The wire fuzz target (tests/fuzz/xs_wire_fuzz.c) without libFuzzer:
# a corpus plus random mutations for XS_FUZZ_SECONDS (default 3).
$(eval $(call unit_test,xs_wire_fuzz_check,\
	tests/fuzz/xs_wire_fuzz_check.c tests/fuzz/xs_wire_fuzz.c \
	dom0-tools/xenstored/wire.c $(XENSTORED_STORE_SRCS),,))
$(BUILD)/obj/tests/fuzz/xs_wire_%.o: HOST_CFLAGS += -Idom0-tools/xenstored
