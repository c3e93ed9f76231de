/*
 * apps/fault.c: takes a page fault on purpose (a write above the 4 GiB
 * identity map), to show the fault path end to end: the ring-0 trampoline,
 * the ring-3 handler's register dump, and the crash shutdown.
 */
#include <stdint.h>

#include "gk/console.h"
#include "gk/kernel.h"

#define FAULT_UNMAPPED_VA (1ull << 40)

int
gk_app_fault(const char *cmdline)
{
	(void)cmdline;
	gk_info("fault: writing to unmapped %#llx\n",
		(unsigned long long)FAULT_UNMAPPED_VA);
	*(volatile uint32_t *)(uintptr_t)FAULT_UNMAPPED_VA = 1;
	gk_err("fault: the write did not fault\n");
	return -1;
}
