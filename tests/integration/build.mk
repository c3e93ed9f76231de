# tests/integration
#
# Bring-up guests for xylem-hv (tiny PVH kernels in assembly), built into
# $(BUILD)/tests/guests/ as part of `make tests`.
TEST_GUESTS := $(BUILD)/tests/guests/hello.elf \
	$(BUILD)/tests/guests/crash.elf \
	$(BUILD)/tests/guests/mmio.elf \
	$(BUILD)/tests/guests/spin.elf \
	$(BUILD)/tests/guests/upcall.elf \
	$(BUILD)/tests/guests/callback.elf

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
	tests/integration/boot_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c,,))
$(BUILD)/tests/boot_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# xyl_test (tools): xyl's verbs, hooks, on_* actions and `xyl events`
# against a live xylem-hv with real guests.
$(eval $(call integration_test,xyl_test,\
	tests/integration/xyl_test.c tests/lib/harness.c tests/lib/proc.c \
	tests/lib/suite.c,,))
$(BUILD)/tests/xyl_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# xylem-consoled with real guests (cons): tests/integration/console_test.c.
$(eval $(call integration_test,console_test,\
	tests/integration/console_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c tests/lib/suite.c,\
	$(BUILD)/lib/libxylemctl.a,))
$(BUILD)/tests/console_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-consoled $(GUEST_IMAGES)

# xenstored_integration_test (xs helper): xylem-xenstored against Debian's
# xenstore-utils and libxenstore, hostile raw clients; guest rings with a
# live xylem-hv when /dev/kvm is present.
$(eval $(call integration_test,xenstored_integration_test,\
	tests/integration/xenstored_test.c tests/lib/harness.c \
	tests/lib/proc.c,\
	$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
$(BUILD)/tests/xenstored_integration_test: $(BUILD)/bin/xylem-xenstored \
	$(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# xenstore_guest_test (xb): guests on xenstore: the selftest's xenstore
# checks, xyl shutdown/reboot through control/shutdown, a silent xenstored,
# and the schema checker on the live tree.
$(eval $(call integration_test,xenstore_guest_test,\
	tests/integration/xenstore_guest_test.c tests/lib/guest.c \
	tests/lib/harness.c tests/lib/proc.c tests/lib/suite.c,,$(XENSTORE_LIBS)))
$(BUILD)/tests/xenstore_guest_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-xenstored $(BUILD)/bin/xylem-xs-check \
	$(BUILD)/bin/xylem-blkback $(GUEST_IMAGES)

# blkback_test (blk): xylem-blkback end to end with a host-side fake
# frontend inside an idle guest's memory (tests/lib/fake_blkfront.c).
$(eval $(call integration_test,blkback_test,\
	tests/integration/blkback_test.c tests/lib/blk_stack.c \
	tests/lib/fake_blkfront.c tests/lib/harness.c tests/lib/proc.c \
	tests/lib/suite.c,$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
$(BUILD)/tests/blkback_test: $(BUILD)/bin/xylem-hv $(BUILD)/bin/xylem-blkback \
	$(BUILD)/bin/xylem-xenstored $(GUEST_IMAGES)

# svi_boot_test: bootloader = "svi" (issue 6): boot from a single-volume
# image made by `xyl svi create`, shared by 4 guests; damaged volumes.
$(eval $(call integration_test,svi_boot_test,\
	tests/integration/svi_boot_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c tests/lib/suite.c,,))
$(BUILD)/tests/svi_boot_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv $(GUEST_IMAGES)

# blkfront_test (blkf): the guest's blkfront against xylem-blkback: blktest,
# kill -9 of blkback under writes (20x), a guest destroyed mid-write, and a
# hostile frontend guest beside a blktest guest.
$(eval $(call integration_test,blkfront_test,\
	tests/integration/blkfront_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c tests/lib/suite.c,,\
	$(XENSTORE_LIBS)))
$(BUILD)/tests/blkfront_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-xenstored $(BUILD)/bin/xylem-blkback $(GUEST_IMAGES)

# profile_test (prof, issue 7): the shared-timer page in guests (live,
# read-only), blkbench profiled by `xyl profile --json`, `xyl top -b`.
$(eval $(call integration_test,profile_test,\
	tests/integration/profile_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c tests/lib/suite.c,,\
	$(JSONC_LIBS)))
$(BUILD)/tests/profile_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-xenstored $(BUILD)/bin/xylem-blkback \
	$(BUILD)/bin/xylem-sharedtimer $(GUEST_IMAGES)

# xylem-netback with real guests in a private network namespace (net):
# tests/integration/netback_test.c.
$(eval $(call integration_test,netback_test,\
	tests/integration/netback_test.c tests/lib/guest.c tests/lib/harness.c \
	tests/lib/proc.c tests/lib/suite.c,,\
	$(JSONC_LIBS)))
$(BUILD)/tests/netback_test: $(BUILD)/bin/xyl $(BUILD)/bin/xylem-hv \
	$(BUILD)/bin/xylem-netback $(BUILD)/bin/xylem-consoled \
	$(BUILD)/bin/xylem-xs-check $(BUILD)/bin/xylem-sharedtimer $(GUEST_IMAGES)

# The README's demo (`make run`, tools/demo.sh) as a test (lead).
$(eval $(call integration_test,demo_test,\
	tests/integration/demo_test.c tests/lib/harness.c tests/lib/proc.c \
	tests/lib/suite.c,,))
$(BUILD)/tests/demo_test: $(PROGRAMS) $(GUEST_IMAGES)
