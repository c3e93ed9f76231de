# dom0-tools/sharedtimer: xylem-sharedtimer, dom0's shared-timer service
# (docs/profiling.md).  One file per line, sorted.
SHAREDTIMER_SRCS := \
	dom0-tools/sharedtimer/main.c \
	dom0-tools/sharedtimer/tick.c \
	dom0-tools/sharedtimer/xs.c

$(eval $(call host_program,xylem-sharedtimer,$(SHAREDTIMER_SRCS) \
	$(DOM0_COMMON_SRCS),$(BUILD)/lib/libxylemctl.a,$(XENSTORE_LIBS)))
