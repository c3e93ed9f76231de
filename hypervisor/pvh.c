/*
 * hypervisor/pvh.c: the PVH loader.  Places the kernel, ramdisk and
 * start_info in guest RAM and sets the 32-bit entry state.  Every guest
 * address is checked against RAM before it is written.
 */
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "xylem/sharedtimer.h"
#include "memory.h"
#include "pvh.h"

static int
pvh_fail(int rc, char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return rc;
}

static bool
pvh_overlaps(uint64_t a, uint64_t a_end, uint64_t b, uint64_t b_end)
{
	return a < b_end && b < a_end;
}

int
pvh_load_kernel(const struct pvh_mem *m, const uint8_t *file, size_t file_len,
		const struct elf_image *img, char *err, size_t errlen)
{
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		uint64_t end = s->paddr + s->memsz; /* elf_parse checked */
		if (pvh_overlaps(s->paddr, end, m->special_gpa,
				 m->special_gpa + m->special_bytes))
			return pvh_fail(-ENOEXEC, err, errlen,
					"segment %u [%#llx, %#llx) overlaps "
					"the special area",
					i, (unsigned long long)s->paddr,
					(unsigned long long)end);
		if (s->paddr < PVH_KERNEL_MIN_GPA || end > m->ram_bytes)
			return pvh_fail(
				-ENOEXEC, err, errlen,
				"segment %u [%#llx, %#llx) is outside "
				"RAM [1 MiB, %llu MiB)",
				i, (unsigned long long)s->paddr,
				(unsigned long long)end,
				(unsigned long long)(m->ram_bytes >> 20));
		if (s->offset + s->filesz > file_len)
			return pvh_fail(-ENOEXEC, err, errlen,
					"segment %u extends past end of file",
					i);
	}
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		memcpy(m->ram + s->paddr, file + s->offset, s->filesz);
		memset(m->ram + s->paddr + s->filesz, 0, s->memsz - s->filesz);
	}
	return 0;
}

static unsigned
pvh_write_memmap(const struct pvh_mem *m)
{
	struct hvm_memmap_table_entry map[] = {
		{0, MEMORY_LEGACY_HOLE_START, XEN_HVM_MEMMAP_TYPE_RAM, 0},
		{MEMORY_LEGACY_HOLE_START,
		 MEMORY_LEGACY_HOLE_END - MEMORY_LEGACY_HOLE_START,
		 XEN_HVM_MEMMAP_TYPE_RESERVED, 0},
		{MEMORY_LEGACY_HOLE_END, m->ram_bytes - MEMORY_LEGACY_HOLE_END,
		 XEN_HVM_MEMMAP_TYPE_RAM, 0},
		{m->special_gpa, m->special_bytes, XEN_HVM_MEMMAP_TYPE_RESERVED,
		 0},
		{XYL_STIMER_GPA, XYL_STIMER_BYTES, XEN_HVM_MEMMAP_TYPE_RESERVED,
		 0},
	};

	memcpy(m->ram + PVH_MEMMAP_GPA, map, sizeof(map));
	return sizeof(map) / sizeof(map[0]);
}

int
pvh_write_start_info(const struct pvh_mem *m, uint64_t kernel_end,
		     const char *cmdline, const uint8_t *ramdisk,
		     size_t ramdisk_len, struct pvh_boot *boot, char *err,
		     size_t errlen)
{
	struct hvm_start_info si = {
		.magic = XEN_HVM_START_MAGIC_VALUE,
		.version = 1,
		.memmap_paddr = PVH_MEMMAP_GPA,
	};
	size_t cl = cmdline ? strnlen(cmdline, PVH_CMDLINE_MAX) : 0;

	if (m->ram_bytes < MEMORY_MIN_RAM)
		return pvh_fail(-EINVAL, err, errlen, "RAM below %llu MiB",
				MEMORY_MIN_RAM >> 20);
	if (cl >= PVH_CMDLINE_MAX)
		return pvh_fail(-EINVAL, err, errlen,
				"command line longer "
				"than %d bytes",
				PVH_CMDLINE_MAX - 1);
	memcpy(m->ram + PVH_CMDLINE_GPA, cmdline ? cmdline : "", cl);
	m->ram[PVH_CMDLINE_GPA + cl] = 0;
	si.cmdline_paddr = PVH_CMDLINE_GPA;
	si.memmap_entries = pvh_write_memmap(m);
	boot->ramdisk_gpa = 0;
	if (ramdisk && ramdisk_len) {
		uint64_t pages = ((uint64_t)ramdisk_len + 4095) >> 12;
		uint64_t at;
		if (pages << 12 > m->ram_bytes ||
		    (at = m->ram_bytes - (pages << 12)) < kernel_end)
			return pvh_fail(-ENOSPC, err, errlen,
					"ramdisk (%zu "
					"bytes) does not fit above the kernel",
					ramdisk_len);
		memcpy(m->ram + at, ramdisk, ramdisk_len);
		struct hvm_modlist_entry mod = {.paddr = at,
						.size = ramdisk_len};
		memcpy(m->ram + PVH_MODLIST_GPA, &mod, sizeof(mod));
		si.nr_modules = 1;
		si.modlist_paddr = PVH_MODLIST_GPA;
		boot->ramdisk_gpa = at;
	}
	memcpy(m->ram + PVH_START_INFO_GPA, &si, sizeof(si));
	boot->start_info_gpa = PVH_START_INFO_GPA;
	return 0;
}

int
pvh_load(const struct pvh_mem *m, const uint8_t *kernel, size_t kernel_len,
	 const char *cmdline, const uint8_t *ramdisk, size_t ramdisk_len,
	 struct pvh_boot *boot, char *err, size_t errlen)
{
	struct elf_image img;
	int rc;

	rc = elf_parse(kernel, kernel_len, &img, err, errlen);
	if (rc < 0)
		return rc;
	rc = pvh_load_kernel(m, kernel, kernel_len, &img, err, errlen);
	if (rc < 0)
		return rc;
	boot->entry = img.entry32;
	return pvh_write_start_info(m, img.paddr_end, cmdline, ramdisk,
				    ramdisk_len, boot, err, errlen);
}

static void
pvh_segment(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){.base = 0,
				  .limit = 0xffffffff,
				  .selector = sel,
				  .type = type,
				  .present = 1,
				  .dpl = 0,
				  .db = 1,
				  .s = 1,
				  .l = 0,
				  .g = 1};
}

/* A GDT matching the selectors we load (null, null, code 0x10, data 0x18,
 * TSS 0x20), so a guest that reloads a segment before its own lgdt gets
 * the same descriptor. */
static void
pvh_write_gdt(const struct pvh_mem *m)
{
	static const uint64_t gdt[] = {
		0,
		0,
		0x00cf9b000000ffffull,
		0x00cf93000000ffffull,
		0x00008b0000000067ull,
	};
	memcpy(m->ram + PVH_GDT_GPA, gdt, sizeof(gdt));
}

int
pvh_vcpu_setup(int vcpu_fd, const struct pvh_mem *m,
	       const struct pvh_boot *boot)
{
	struct kvm_sregs sregs;
	struct kvm_regs regs = {
		.rip = boot->entry,
		.rbx = boot->start_info_gpa,
		.rflags = 0x2,
	};

	if (ioctl(vcpu_fd, KVM_GET_SREGS, &sregs) < 0)
		return -errno;
	pvh_write_gdt(m);
	pvh_segment(&sregs.cs, 0x10, 11);
	pvh_segment(&sregs.ds, 0x18, 3);
	sregs.es = sregs.fs = sregs.gs = sregs.ss = sregs.ds;
	sregs.tr = (struct kvm_segment){.base = 0,
					.limit = 0x67,
					.selector = 0x20,
					.type = 11,
					.present = 1,
					.s = 0};
	sregs.gdt.base = PVH_GDT_GPA;
	sregs.gdt.limit = 5 * 8 - 1;
	sregs.cr0 = 0x11; /* PE | ET */
	sregs.cr3 = 0;
	sregs.cr4 = 0;
	sregs.efer = 0;
	if (ioctl(vcpu_fd, KVM_SET_SREGS, &sregs) < 0)
		return -errno;
	if (ioctl(vcpu_fd, KVM_SET_REGS, &regs) < 0)
		return -errno;
	return 0;
}
