# xylem-hv.  Sources are listed in three fragments, one per area, so the
# core, the event/grant units and the control server grow independently.
HV_SRCS :=
include hypervisor/core.mk
include hypervisor/events.mk
include hypervisor/control.mk
$(eval $(call host_program,xylem-hv,$(HV_SRCS),,))
