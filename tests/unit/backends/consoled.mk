# tests/unit/backends/consoled.mk: xylem-consoled's units (cons).
$(BUILD)/obj/tests/unit/backends/consoled/%.o: INC_tests += -Ibackends/consoled

$(eval $(call unit_test,consoled_ring_test,\
	backends/consoled/ring.c \
	tests/unit/backends/consoled/ring_test.c,,))
# xyl's systemd-unit check (verbs_golden_test) verifies that the unit's
# ExecStart names an existing binary in this build.
$(BUILD)/tests/xyl_verbs_golden_test: $(BUILD)/bin/xylem-consoled
