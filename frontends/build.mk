# frontends/build.mk: the guest kernel image, built freestanding with
# GUEST_CFLAGS (Config.mk; DESIGN.md 2a) and linked by frontends/kernel.ld.
GUEST_SRCS := \
	frontends/apps/blkbench.c \
	frontends/apps/blkhostile.c \
	frontends/apps/blktest.c \
	frontends/apps/demo.c \
	frontends/apps/echo.c \
	frontends/apps/evtping.c \
	frontends/apps/fault.c \
	frontends/apps/hcbench.c \
	frontends/apps/hostile.c \
	frontends/apps/idle.c \
	frontends/apps/netbench.c \
	frontends/apps/netecho.c \
	frontends/apps/nethostile.c \
	frontends/apps/selftest.c \
	frontends/apps/selftest_evtchn.c \
	frontends/apps/selftest_gnttab.c \
	frontends/apps/selftest_runstate.c \
	frontends/apps/selftest_xenstore.c \
	frontends/apps/smptest.c \
	frontends/apps/spin.c \
	frontends/apps/stimer.c \
	frontends/apps/svicat.c \
	frontends/apps/svicheck.c \
	frontends/apps/svivol.c \
	frontends/apps/xsbench.c \
	frontends/boot/entry.S \
	frontends/boot/smp_entry.S \
	frontends/boot/traps.S \
	frontends/kernel/blkfront.c \
	frontends/kernel/blkfront_io.c \
	frontends/kernel/blkfront_ring.c \
	frontends/kernel/cmdline.c \
	frontends/kernel/consfront.c \
	frontends/kernel/consfront_ring.c \
	frontends/kernel/console.c \
	frontends/kernel/evtchn.c \
	frontends/kernel/evtchn_ops.c \
	frontends/kernel/gnttab.c \
	frontends/kernel/heap.c \
	frontends/kernel/hypercall.c \
	frontends/kernel/main.c \
	frontends/kernel/netfront.c \
	frontends/kernel/netfront_ring.c \
	frontends/kernel/page_alloc.c \
	frontends/kernel/profile.c \
	frontends/kernel/shared_info.c \
	frontends/kernel/smp.c \
	frontends/kernel/stimer_read.c \
	frontends/kernel/time.c \
	frontends/kernel/trap.c \
	frontends/kernel/xenbus.c \
	frontends/kernel/xenbus_control.c \
	frontends/kernel/xenbus_keys.c \
	frontends/kernel/xenbus_watch.c \
	frontends/kernel/xenbus_wire.c \
	frontends/lib/printf.c \
	frontends/lib/string.c \
	frontends/net/net.c \
	frontends/net/net_parse.c \
	frontends/svi/svifront.c \
	frontends/svi/svifront_crc.c \
	frontends/svi/svifront_inflate.c

GUEST_OBJS := $(patsubst %,$(BUILD)/guest/obj/%.o,$(basename $(GUEST_SRCS)))
GUEST_ELF := $(BUILD)/guest/xylem-guest.elf

$(BUILD)/guest/obj/%.o: %.c
	@mkdir -p $(@D)
	@echo "  GUESTCC $<"
	$(Q)$(GUESTCC) $(GUEST_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/guest/obj/%.o: %.S
	@mkdir -p $(@D)
	@echo "  GUESTAS $<"
	$(Q)$(GUESTCC) $(GUEST_CFLAGS) -D__ASSEMBLY__ -MMD -MP -c -o $@ $<

# The link also checks the ring-0 code (no loop, nothing PVM cannot run).
$(GUEST_ELF): $(GUEST_OBJS) frontends/kernel.ld frontends/tools/check-ring0.sh
	@mkdir -p $(@D)
	@echo "  GUESTLD $@"
	$(Q)$(GUESTCC) $(GUEST_LDFLAGS) -T frontends/kernel.ld -o $@ $(GUEST_OBJS)
	$(Q)frontends/tools/check-ring0.sh $@ >/dev/null

GUEST_IMAGES += $(GUEST_ELF)
