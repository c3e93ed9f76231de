# hypervisor/control.mk: sources of xylem-hv (control), one per line, sorted.
HV_SRCS += \
	hypervisor/control.c \
	hypervisor/ctl_client.c \
	hypervisor/ctl_domain.c \
	hypervisor/ctl_event.c \
	hypervisor/ctl_evtchn.c \
	hypervisor/ctl_host.c \
	hypervisor/ctl_log.c \
	hypervisor/ctl_mem.c \
	hypervisor/ctl_parse.c \
	hypervisor/ctl_sched.c
