# hypervisor/events.mk: sources of xylem-hv (events), one per line, sorted.
HV_SRCS += \
	hypervisor/evtchn.c \
	hypervisor/evtchn_2l.c \
	hypervisor/evtchn_dom0.c \
	hypervisor/evtchn_doorbell.c \
	hypervisor/evtchn_op.c \
	hypervisor/gnttab.c
