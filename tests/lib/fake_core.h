/*
 * tests/lib/fake_core.h: what the hypercall units (hypercall.c, hc_*.c)
 * see, faked for their unit tests: one domain with malloc'd RAM and
 * special area, vCPUs with a heap kvm_run whose sync sregs say "paging
 * off" (so gva == gpa), and counters for the effects hypercalls have.
 */
#ifndef TESTS_FAKE_CORE_H
#define TESTS_FAKE_CORE_H

#include <stddef.h>
#include <stdint.h>

#include "domain.h"
#include "hv.h"

#define FAKE_CORE_RAM_BYTES (4u << 20)

struct fake_core_calls {
	int shutdowns;
	uint32_t last_shutdown_reason;
	size_t console_bytes;
	char console[4096];
	int blocks;
	uint64_t singleshot_ns;
	int gnttab_maps;
	int interrupts; /* vcpu_interrupt (VCPUOP_down) */
};

/* A domain with nr_vcpus vCPUs and FAKE_CORE_RAM_BYTES of RAM. */
struct domain *fake_core_domain_new(uint32_t nr_vcpus);
void fake_core_domain_free(struct domain *d);
/* Effects recorded since the domain was made. */
struct fake_core_calls *fake_core_calls(void);

#endif
