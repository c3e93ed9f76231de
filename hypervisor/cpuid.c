/*
 * hypervisor/cpuid.c: the CPUID a vCPU sees: KVM's supported leaves with
 * the hypervisor bit set and KVM's own 0x40000000 leaves replaced by
 * Xen's (signature, 4.17, hypercall-page MSR, time, HVM flags), plus
 * Xylem's own block at XYL_CPUID_BASE (the notify doorbell).
 */
#include <errno.h>
#include <stdint.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include <xen/xen.h>
#include <xen/arch-x86/cpuid.h>

#include "xylem/hcall.h"
#include "domain.h"
#include "hv.h"
#include "vcpu.h"

#define CPUID_MAX_ENTRIES 256
#define CPUID_XEN_LEAVES  5
#define CPUID_XYL_LEAVES  2

struct cpuid_table {
	struct kvm_cpuid2 hdr;
	struct kvm_cpuid_entry2 e[CPUID_MAX_ENTRIES];
};

static void
cpuid_xen_leaves(struct vcpu *v, struct kvm_cpuid_entry2 *e)
{
	struct hv *hv = v->d->hv;
	const uint32_t base = XEN_CPUID_FIRST_LEAF;

	memset(e, 0, CPUID_XEN_LEAVES * sizeof(*e));
	for (int i = 0; i < CPUID_XEN_LEAVES; i++)
		e[i].function = base + i;
	e[0].eax = base + CPUID_XEN_LEAVES - 1;
	e[0].ebx = XEN_CPUID_SIGNATURE_EBX;
	e[0].ecx = XEN_CPUID_SIGNATURE_ECX;
	e[0].edx = XEN_CPUID_SIGNATURE_EDX;
	e[1].eax = (4u << 16) | 17u;
	e[2].eax = 1; /* hypercall pages */
	e[2].ebx = XYL_HYPERCALL_MSR;
	/* Leaf 3 subleaf 0: TSC is not emulated (native rdtsc), mode
	 * "never emulate" (2), guest TSC kHz; subleaf 2 host kHz. */
	e[3].flags = KVM_CPUID_FLAG_SIGNIFCANT_INDEX;
	e[3].ebx = 2;
	e[3].ecx = (uint32_t)hv->tsc_khz;
	e[4].eax = XEN_HVM_CPUID_VCPU_ID_PRESENT | XEN_HVM_CPUID_UPCALL_VECTOR |
		   XEN_HVM_CPUID_DOMID_PRESENT;
	e[4].ebx = v->id;
	e[4].ecx = v->d->domid;
}

/* Xylem's own block (include/xylem/hcall.h): the notify doorbell. */
static void
cpuid_xylem_leaves(struct kvm_cpuid_entry2 *e)
{
	memset(e, 0, CPUID_XYL_LEAVES * sizeof(*e));
	e[0].function = XYL_CPUID_BASE;
	e[0].eax = XYL_CPUID_FEATURES;
	e[0].ebx = XYL_CPUID_SIG_EBX;
	e[0].ecx = XYL_CPUID_SIG_ECX;
	e[0].edx = XYL_CPUID_SIG_EDX;
	e[1].function = XYL_CPUID_FEATURES;
	e[1].eax = XYL_CPUID_F_DOORBELL;
	e[1].ebx = XYL_DOORBELL_IO_PORT;
}

/* Copy supported leaves, dropping KVM's hypervisor range and patching
 * leaf 1 (hypervisor bit, APIC id). */
static unsigned
cpuid_host_leaves(struct vcpu *v, const struct cpuid_table *sup,
		  struct cpuid_table *t)
{
	unsigned n = 0;

	for (unsigned i = 0; i < sup->hdr.nent; i++) {
		struct kvm_cpuid_entry2 e = sup->e[i];
		if (e.function >= 0x40000000u && e.function < 0x41000000u)
			continue;
		if (e.function == 1) {
			e.ecx |= 1u << 31;
			e.ebx = (e.ebx & 0x00ffffffu) | (v->id << 24);
		}
		if (e.function == 0xb || e.function == 0x1f)
			e.edx = v->id;
		if (n <
		    CPUID_MAX_ENTRIES - CPUID_XEN_LEAVES - CPUID_XYL_LEAVES - 2)
			t->e[n++] = e;
	}
	return n;
}

int
cpuid_setup(struct vcpu *v)
{
	struct cpuid_table *sup = calloc(1, sizeof(*sup));
	struct cpuid_table *t = calloc(1, sizeof(*t));
	int rc = 0;

	if (!sup || !t) {
		rc = -ENOMEM;
		goto out;
	}
	sup->hdr.nent = CPUID_MAX_ENTRIES;
	if (ioctl(v->d->hv->kvm_fd, KVM_GET_SUPPORTED_CPUID, sup) < 0) {
		rc = -errno;
		goto out;
	}
	unsigned n = cpuid_host_leaves(v, sup, t);
	cpuid_xen_leaves(v, &t->e[n]);
	n += CPUID_XEN_LEAVES;
	/* Subleaf 2 of leaf 3: host TSC kHz. */
	t->e[n] = t->e[n - 2];
	t->e[n].index = 2;
	t->e[n].ebx = 0;
	t->e[n].ecx = (uint32_t)v->d->hv->tsc_khz;
	n++;
	/* Subleaf 1 (vtsc offset/scale): all zero, we never emulate. */
	t->e[n] = t->e[n - 1];
	t->e[n].index = 1;
	t->e[n].ecx = 0;
	n++;
	cpuid_xylem_leaves(&t->e[n]);
	n += CPUID_XYL_LEAVES;
	t->hdr.nent = n;
	if (ioctl(v->fd, KVM_SET_CPUID2, t) < 0)
		rc = -errno;
out:
	free(sup);
	free(t);
	return rc;
}
