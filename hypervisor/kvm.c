/*
 * hypervisor/kvm.c: /dev/kvm system and VM setup.  Owns nothing beyond
 * the fds it returns; the caller (hv, domain) closes them.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "xylem/hcall.h"
#include "hv.h"
#include "kvm.h"

/* Outside RAM and the special area, below the LAPIC: KVM keeps its own
 * pages here (real-mode TSS, EPT identity map) when the flavour needs them. */
#define KVM_IDENTITY_MAP_GPA 0xfeffc000ull
#define KVM_TSS_GPA	     0xfeffd000ull

static const struct {
	int cap;
	const char *name;
} kvm_required_caps[] = {
	{KVM_CAP_IRQCHIP, "KVM_CAP_IRQCHIP"},
	{KVM_CAP_SIGNAL_MSI, "KVM_CAP_SIGNAL_MSI"},
	{KVM_CAP_SYNC_REGS, "KVM_CAP_SYNC_REGS"},
	{KVM_CAP_X86_USER_SPACE_MSR, "KVM_CAP_X86_USER_SPACE_MSR"},
	{KVM_CAP_X86_MSR_FILTER, "KVM_CAP_X86_MSR_FILTER"},
	{KVM_CAP_IMMEDIATE_EXIT, "KVM_CAP_IMMEDIATE_EXIT"},
	{KVM_CAP_USER_MEMORY, "KVM_CAP_USER_MEMORY"},
	{KVM_CAP_GET_TSC_KHZ, "KVM_CAP_GET_TSC_KHZ"},
};

uint64_t
kvm_rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

static void
kvm_probe_flavour(struct hv *hv)
{
	static const char *const mods[][2] = {
		{"/sys/module/kvm_pvm", "pvm"},
		{"/sys/module/kvm_intel", "vmx"},
		{"/sys/module/kvm_amd", "svm"},
	};
	snprintf(hv->kvm_flavour, sizeof(hv->kvm_flavour), "unknown");
	for (size_t i = 0; i < sizeof(mods) / sizeof(mods[0]); i++) {
		if (access(mods[i][0], F_OK) == 0) {
			snprintf(hv->kvm_flavour, sizeof(hv->kvm_flavour), "%s",
				 mods[i][1]);
			return;
		}
	}
}

static int
kvm_check_caps(struct hv *hv)
{
	for (size_t i = 0;
	     i < sizeof(kvm_required_caps) / sizeof(kvm_required_caps[0]);
	     i++) {
		int r = ioctl(hv->kvm_fd, KVM_CHECK_EXTENSION,
			      kvm_required_caps[i].cap);
		if (r <= 0) {
			log_err(hv, "/dev/kvm lacks %s",
				kvm_required_caps[i].name);
			return -ENOTSUP;
		}
	}
	int sync = ioctl(hv->kvm_fd, KVM_CHECK_EXTENSION, KVM_CAP_SYNC_REGS);
	if ((sync & KVM_SYNC_X86_REGS) == 0 ||
	    (sync & KVM_SYNC_X86_SREGS) == 0) {
		log_err(hv, "/dev/kvm cannot sync regs and sregs");
		return -ENOTSUP;
	}
	return 0;
}

/* The TSC rate guests see; a throw-away VM answers KVM_GET_TSC_KHZ. */
static int
kvm_probe_tsc(struct hv *hv)
{
	int vm = ioctl(hv->kvm_fd, KVM_CREATE_VM, 0);
	int rc;

	if (vm < 0)
		return -errno;
	rc = ioctl(vm, KVM_GET_TSC_KHZ, 0);
	if (rc <= 0) {
		int vcpu = ioctl(vm, KVM_CREATE_VCPU, 0);
		rc = vcpu >= 0 ? ioctl(vcpu, KVM_GET_TSC_KHZ, 0) : -1;
		if (vcpu >= 0)
			close(vcpu);
	}
	close(vm);
	if (rc <= 0)
		return -ENOTSUP;
	hv->tsc_khz = (uint64_t)rc;
	return 0;
}

int
kvm_open(struct hv *hv)
{
	int rc;

	hv->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (hv->kvm_fd < 0)
		return -errno;
	if (ioctl(hv->kvm_fd, KVM_GET_API_VERSION, 0) != KVM_API_VERSION) {
		rc = -ENOTSUP;
		goto fail;
	}
	rc = kvm_check_caps(hv);
	if (rc < 0)
		goto fail;
	rc = ioctl(hv->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, 0);
	if (rc <= 0) {
		rc = -errno;
		goto fail;
	}
	hv->kvm_run_size = (size_t)rc;
	rc = kvm_probe_tsc(hv);
	if (rc < 0)
		goto fail;
	kvm_probe_flavour(hv);
	return 0;
fail:
	close(hv->kvm_fd);
	hv->kvm_fd = -1;
	return rc;
}

void
kvm_close(struct hv *hv)
{
	if (hv->kvm_fd >= 0)
		close(hv->kvm_fd);
	hv->kvm_fd = -1;
}

/* Writes (and reads) of the hypercall-page MSR exit to user space:
 * the filter denies them, and user-space MSR exits turn "denied" into
 * KVM_EXIT_X86_WRMSR / RDMSR instead of a #GP. */
static int
kvm_vm_msr_filter(int vm)
{
	struct kvm_enable_cap cap = {
		.cap = KVM_CAP_X86_USER_SPACE_MSR,
		.args[0] = KVM_MSR_EXIT_REASON_FILTER,
	};
	uint8_t deny_bitmap[1] = {0}; /* bit clear = deny; KVM copies it */
	struct kvm_msr_filter filter = {
		.flags = KVM_MSR_FILTER_DEFAULT_ALLOW,
		.ranges[0] =
			{
				.flags = KVM_MSR_FILTER_READ |
					 KVM_MSR_FILTER_WRITE,
				.nmsrs = 1,
				.base = XYL_HYPERCALL_MSR,
				.bitmap = deny_bitmap,
			},
	};

	if (ioctl(vm, KVM_ENABLE_CAP, &cap) < 0)
		return -errno;
	if (ioctl(vm, KVM_X86_SET_MSR_FILTER, &filter) < 0)
		return -errno;
	return 0;
}

int
kvm_vm_create(struct hv *hv, int *vm_fd)
{
	uint64_t ident = KVM_IDENTITY_MAP_GPA;
	int vm, rc;

	vm = ioctl(hv->kvm_fd, KVM_CREATE_VM, 0);
	if (vm < 0)
		return -errno;
	/* Both may be meaningless on some flavours (PVM); failure is fatal
	 * only where KVM says the ioctl exists. */
	if (ioctl(vm, KVM_SET_IDENTITY_MAP_ADDR, &ident) < 0 &&
	    errno != ENOTTY && errno != EINVAL) {
		rc = -errno;
		goto fail;
	}
	if (ioctl(vm, KVM_SET_TSS_ADDR, (unsigned long)KVM_TSS_GPA) < 0 &&
	    errno != ENOTTY && errno != EINVAL) {
		rc = -errno;
		goto fail;
	}
	if (ioctl(vm, KVM_CREATE_IRQCHIP, 0) < 0) {
		rc = -errno;
		goto fail;
	}
	rc = kvm_vm_msr_filter(vm);
	if (rc < 0)
		goto fail;
	*vm_fd = vm;
	return 0;
fail:
	close(vm);
	return rc;
}

int
kvm_set_memslot_ro(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		   void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.flags = KVM_MEM_READONLY,
		.guest_phys_addr = gpa,
		.memory_size = bytes,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return -errno;
	return 0;
}

int
kvm_set_memslot(int vm_fd, uint32_t slot, uint64_t gpa, uint64_t bytes,
		void *hva)
{
	struct kvm_userspace_memory_region r = {
		.slot = slot,
		.guest_phys_addr = gpa,
		.memory_size = bytes,
		.userspace_addr = (uint64_t)(uintptr_t)hva,
	};

	if (ioctl(vm_fd, KVM_SET_USER_MEMORY_REGION, &r) < 0)
		return -errno;
	return 0;
}

int
kvm_vcpu_create(struct hv *hv, int vm_fd, uint32_t id, int *fd,
		struct kvm_run **run)
{
	int vfd = ioctl(vm_fd, KVM_CREATE_VCPU, (unsigned long)id);
	void *p;

	if (vfd < 0)
		return -errno;
	p = mmap(NULL, hv->kvm_run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		 vfd, 0);
	if (p == MAP_FAILED) {
		int rc = -errno;
		close(vfd);
		return rc;
	}
	*fd = vfd;
	*run = p;
	(*run)->kvm_valid_regs = KVM_SYNC_X86_REGS | KVM_SYNC_X86_SREGS;
	return 0;
}

int
kvm_signal_msi(int vm_fd, uint32_t apic_id, uint8_t vector)
{
	struct kvm_msi msi = {
		.address_lo = 0xfee00000u | (apic_id << 12),
		.data = vector, /* fixed delivery, edge */
	};
	int r = ioctl(vm_fd, KVM_SIGNAL_MSI, &msi);

	if (r < 0)
		return -errno;
	return r == 0 ? -EAGAIN : 0; /* 0: blocked (e.g. APIC disabled) */
}

int
kvm_pio_ioeventfd(int vm_fd, uint16_t port, uint8_t bytes, uint64_t datamatch,
		  int efd, bool assign)
{
	struct kvm_ioeventfd io = {
		.datamatch = datamatch,
		.addr = port,
		.len = bytes,
		.fd = efd,
		.flags = KVM_IOEVENTFD_FLAG_PIO | KVM_IOEVENTFD_FLAG_DATAMATCH,
	};

	if (!assign)
		io.flags |= KVM_IOEVENTFD_FLAG_DEASSIGN;
	if (ioctl(vm_fd, KVM_IOEVENTFD, &io) < 0)
		return -errno;
	return 0;
}

int
kvm_get_msr(int vcpu_fd, uint32_t index, uint64_t *value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = {.hdr.nmsrs = 1, .e.index = index};

	if (ioctl(vcpu_fd, KVM_GET_MSRS, &m) != 1)
		return errno ? -errno : -EIO;
	*value = m.e.data;
	return 0;
}

int
kvm_set_msr(int vcpu_fd, uint32_t index, uint64_t value)
{
	struct {
		struct kvm_msrs hdr;
		struct kvm_msr_entry e;
	} m = {.hdr.nmsrs = 1, .e.index = index, .e.data = value};

	if (ioctl(vcpu_fd, KVM_SET_MSRS, &m) != 1)
		return errno ? -errno : -EIO;
	return 0;
}
