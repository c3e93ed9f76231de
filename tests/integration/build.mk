# tests/integration
#
# Bring-up guests for xylem-hv (tiny PVH kernels in assembly), built into
# $(BUILD)/tests/guests/ as part of `make tests`.
TEST_GUESTS := $(BUILD)/tests/guests/hello.elf \
	$(BUILD)/tests/guests/crash.elf \
	$(BUILD)/tests/guests/mmio.elf \
	$(BUILD)/tests/guests/spin.elf \
	$(BUILD)/tests/guests/upcall.elf

$(BUILD)/tests/guests/%.elf: tests/integration/guests/%.S \
		tests/integration/guests/guest.lds
	@mkdir -p $(@D)
	@echo "  AS      $@"
	$(Q)$(GUESTCC) -m32 -nostdlib -static -no-pie -Wl,-m,elf_i386 -Wl,-n \
		-Wl,-T,tests/integration/guests/guest.lds -Wl,--build-id=none -Wl,--no-warn-rwx-segments \
		-o $@ $<

tests: $(TEST_GUESTS)

# hv_boot_test (H1): xylem-hv --boot with the bring-up guests.
$(eval $(call integration_test,hv_boot_test,\
	tests/integration/hv_boot_test.c \
	tests/lib/harness.c \
	tests/lib/proc.c,,))
$(BUILD)/tests/hv_boot_test: $(BUILD)/bin/xylem-hv $(TEST_GUESTS)

# control_integration_test (H4): the live control socket
# (tests/integration/control_test.c); tests/lib/harness.c starts a private
# xylem-hv.
$(eval $(call integration_test,control_integration_test,\
	tests/integration/control_test.c \
	tests/lib/harness.c,\
	$(BUILD)/lib/libxylemctl.a,))

# Boot real guests through xylem-hv and xyl (lead).
$(eval $(call integration_test,boot_test,\
	tests/integration/boot_test.c tests/lib/harness.c tests/lib/proc.c,,))
$(BUILD)/tests/boot_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)
