# tests/unit/dom0-tools/sharedtimer.mk: xylem-sharedtimer's seqlock writer
# against libxylemctl's reader and the guest kernel's, under a full-speed
# writer thread.
ST_UT := tests/unit/dom0-tools/sharedtimer
$(BUILD)/obj/$(ST_UT)/%.o: HOST_CFLAGS += -Idom0-tools/sharedtimer \
	-Ifrontends/include

$(eval $(call unit_test,sharedtimer_tick_test,\
	$(ST_UT)/tick_test.c dom0-tools/sharedtimer/tick.c \
	frontends/kernel/stimer_read.c \
	$(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,-lpthread))
