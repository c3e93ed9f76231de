/*
 * kernel/hypercall.c: typed wrappers over the hypercall page, one per
 * hypercall the kernel uses.  They pass arguments through unchanged; each
 * caller checks the result.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/version.h>
#include <xen/vcpu.h>
#include <xen/sched.h>

#include "gk/hypercall.h"

int
gk_hcall_has_stub(unsigned int nr)
{
	const unsigned char *stub;

	if (nr >= 4096 / XYL_HYPERCALL_STUB_BYTES)
		return 0;
	stub = (const unsigned char *)gk_hypercall_page +
	       nr * XYL_HYPERCALL_STUB_BYTES;
	return stub[0] == 0xb8; /* mov $imm32, %eax */
}

long
gk_hc_xen_version(int cmd, void *arg)
{
	return gk_hcall(__HYPERVISOR_xen_version, (uint64_t)cmd, (uintptr_t)arg,
			0, 0, 0);
}

long
gk_hc_console_write(const char *buf, unsigned long len)
{
	return gk_hcall(__HYPERVISOR_console_io, CONSOLEIO_write, len,
			(uintptr_t)buf, 0, 0);
}

long
gk_hc_memory_op(unsigned int cmd, void *arg)
{
	return gk_hcall(__HYPERVISOR_memory_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

long
gk_hc_hvm_op(unsigned int cmd, void *arg)
{
	return gk_hcall(__HYPERVISOR_hvm_op, cmd, (uintptr_t)arg, 0, 0, 0);
}

long
gk_hc_vcpu_op(int cmd, unsigned int vcpu, void *arg)
{
	return gk_hcall(__HYPERVISOR_vcpu_op, (uint64_t)cmd, vcpu,
			(uintptr_t)arg, 0, 0);
}

long
gk_hc_sched_op(int cmd, void *arg)
{
	return gk_hcall(__HYPERVISOR_sched_op, (uint64_t)cmd, (uintptr_t)arg, 0,
			0, 0);
}

long
gk_hc_set_timer_op(uint64_t timeout_abs_ns)
{
	return gk_hcall(__HYPERVISOR_set_timer_op, timeout_abs_ns, 0, 0, 0, 0);
}

long
gk_hc_event_channel_op(int cmd, void *arg)
{
	return gk_hcall(__HYPERVISOR_event_channel_op, (uint64_t)cmd,
			(uintptr_t)arg, 0, 0, 0);
}

long
gk_hc_grant_table_op(unsigned int cmd, void *uop, unsigned int count)
{
	return gk_hcall(__HYPERVISOR_grant_table_op, cmd, (uintptr_t)uop, count,
			0, 0);
}
