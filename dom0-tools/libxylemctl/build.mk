# libxylemctl: the dom0 side of the control protocol (include/xylem/ctl.h).
# One file per line, sorted.
LIBXYLEMCTL_SRCS := \
	dom0-tools/libxylemctl/xylctl.c \
	dom0-tools/libxylemctl/xylctl_domain.c \
	dom0-tools/libxylemctl/xylctl_events.c \
	dom0-tools/libxylemctl/xylctl_evtchn.c \
	dom0-tools/libxylemctl/xylctl_log.c \
	dom0-tools/libxylemctl/xylctl_mem.c \
	dom0-tools/libxylemctl/xylctl_sched.c \
	dom0-tools/libxylemctl/xylctl_stimer.c
$(eval $(call host_library,xylemctl,$(LIBXYLEMCTL_SRCS)))
