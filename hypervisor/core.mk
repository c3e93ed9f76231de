# hypervisor/core.mk: sources of xylem-hv (core), one per line, sorted.
HV_SRCS += \
	hypervisor/callback.c \
	hypervisor/cpuid.c \
	hypervisor/credit.c \
	hypervisor/credit_cap.c \
	hypervisor/domain.c \
	hypervisor/elf.c \
	hypervisor/hc_console.c \
	hypervisor/hc_hvm.c \
	hypervisor/hc_memory.c \
	hypervisor/hc_sched.c \
	hypervisor/hc_vcpu.c \
	hypervisor/hc_xen_version.c \
	hypervisor/hcpage.c \
	hypervisor/hypercall.c \
	hypervisor/kvm.c \
	hypervisor/log.c \
	hypervisor/loop.c \
	hypervisor/main.c \
	hypervisor/memory.c \
	hypervisor/pvh.c \
	hypervisor/runstate.c \
	hypervisor/smp.c \
	hypervisor/stimer.c \
	hypervisor/timer.c \
	hypervisor/vcpu.c
