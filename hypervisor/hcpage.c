/*
 * hypervisor/hcpage.c: fills a guest's hypercall page when it writes
 * XYL_HYPERCALL_MSR, with the stubs include/xylem/hcall.h specifies.
 * Trust boundary: the page address comes from the guest; it must be one
 * whole page of its RAM.
 */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include <xen/xen.h>

#include "xylem/hcall.h"
#include "domain.h"
#include "memory.h"
#include "vcpu.h"

#define HCPAGE_BYTES	4096
#define HCPAGE_NR_STUBS (HCPAGE_BYTES / XYL_HYPERCALL_STUB_BYTES)

static void
hcpage_stub(uint8_t *s, uint32_t nr)
{
	memset(s, 0xcc, XYL_HYPERCALL_STUB_BYTES); /* int3 padding */
	if (nr == __HYPERVISOR_iret) {
		s[0] = 0x0f; /* ud2: iret is a PV-only hypercall */
		s[1] = 0x0b;
		return;
	}
	s[0] = 0xb8; /* mov $nr, %eax */
	memcpy(&s[1], &nr, sizeof(nr));
	s[5] = 0xe7; /* out %eax, $port */
	s[6] = XYL_HYPERCALL_IO_PORT;
	s[7] = 0xc3; /* ret */
}

int
hcpage_fill(struct domain *d, uint64_t gpa)
{
	uint8_t *page;

	if (gpa & (HCPAGE_BYTES - 1) || gpa + HCPAGE_BYTES > d->mem.ram_bytes)
		return -EINVAL;
	page = memory_gpa_to_hva(d, gpa, HCPAGE_BYTES);
	if (!page)
		return -EINVAL;
	for (uint32_t nr = 0; nr < HCPAGE_NR_STUBS; nr++)
		hcpage_stub(page + nr * XYL_HYPERCALL_STUB_BYTES, nr);
	d->hcall_page_gpa = gpa;
	return 0;
}
