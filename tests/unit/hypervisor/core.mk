# tests/unit/hypervisor/core.mk: unit suites
# elf_test: the PVH loader (elf.c, pvh.c) on ELF images built in memory.
$(eval $(call unit_test,elf_test,\
	hypervisor/elf.c \
	hypervisor/pvh.c \
	tests/unit/hypervisor/elf_test.c,,))
# hypercall_test: dispatch, guest copies and hc_* argument checks, with
# the rest of the hypervisor faked (tests/lib/fake_core.c).
$(eval $(call unit_test,hypercall_test,\
	hypervisor/callback.c \
	hypervisor/hc_console.c \
	hypervisor/hc_hvm.c \
	hypervisor/hc_memory.c \
	hypervisor/hc_sched.c \
	hypervisor/hc_vcpu.c \
	hypervisor/hc_xen_version.c \
	hypervisor/hcpage.c \
	hypervisor/hypercall.c \
	hypervisor/log.c \
	hypervisor/memory.c \
	hypervisor/runstate.c \
	hypervisor/smp.c \
	tests/lib/fake_core.c \
	tests/unit/hypervisor/hypercall_test.c,,))
# runstate_test: runstate accounting, its guest area and vm_assist, with
# the same fakes as hypercall_test.
$(eval $(call unit_test,runstate_test,\
	hypervisor/callback.c \
	hypervisor/hc_console.c \
	hypervisor/hc_hvm.c \
	hypervisor/hc_memory.c \
	hypervisor/hc_sched.c \
	hypervisor/hc_vcpu.c \
	hypervisor/hc_xen_version.c \
	hypervisor/hcpage.c \
	hypervisor/hypercall.c \
	hypervisor/log.c \
	hypervisor/memory.c \
	hypervisor/runstate.c \
	hypervisor/smp.c \
	tests/lib/fake_core.c \
	tests/unit/hypervisor/runstate_test.c,,-lpthread))
# log_test: byte rings, the guest-line limiter and the main loop.
$(eval $(call unit_test,log_test,\
	hypervisor/log.c \
	hypervisor/loop.c \
	tests/unit/hypervisor/log_test.c,,))
