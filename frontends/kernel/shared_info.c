/*
 * kernel/shared_info.c: maps shared_info over a page of the kernel image
 * (XENMEM_add_to_physmap, XENMAPSPACE_shared_info) and points the kernel at
 * vCPU 0's vcpu_info in it.  The page is only ever written by the
 * hypervisor and by the event code's atomic ops.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/memory.h>

#include "gk/hypercall.h"
#include "gk/kernel.h"

static char gk_shared_info_page[4096]
	__attribute__((aligned(4096), section(".bss.page")));

int
gk_shared_info_init(void)
{
	struct xen_add_to_physmap xatp = {
		.domid = DOMID_SELF,
		.space = XENMAPSPACE_shared_info,
		.idx = 0,
		.gpfn = (uintptr_t)gk_shared_info_page >> 12,
	};
	long rc = gk_hc_memory_op(XENMEM_add_to_physmap, &xatp);

	if (rc < 0)
		return (int)rc;
	gk.shared_info = (struct shared_info *)gk_shared_info_page;
	gk.vcpu_info = &gk.shared_info->vcpu_info[0];
	return 0;
}
