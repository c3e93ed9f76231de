/*
 * hypervisor/pvh.h: PVH boot (Xen docs/misc/pvh.pandoc).  Loads a parsed
 * kernel into guest RAM, writes hvm_start_info v1 (cmdline, memory map,
 * ramdisk as module 0) and sets the entry state of vCPU 0.
 *
 * Boot-info layout in guest RAM (below 1 MiB, e820 RAM the guest may reuse
 * once it has copied start_info): start_info 0x6000, modlist 0x6040, GDT
 * 0x6800, memmap 0x7000, cmdline 0x20000.  Kernel segments must lie in
 * [1 MiB, RAM end); the ramdisk goes page-aligned at the top of RAM.
 */
#ifndef HV_PVH_H
#define HV_PVH_H

#include <stddef.h>
#include <stdint.h>

#include "elf_image.h"

#define PVH_START_INFO_GPA 0x6000ull
#define PVH_MODLIST_GPA	   0x6040ull
#define PVH_GDT_GPA	   0x6800ull
#define PVH_MEMMAP_GPA	   0x7000ull
#define PVH_CMDLINE_GPA	   0x20000ull
#define PVH_CMDLINE_MAX	   2048
#define PVH_KERNEL_MIN_GPA 0x100000ull
#define PVH_MEMMAP_MAX	   8

/* Guest memory as the loader sees it: RAM at gpa 0, the special area. */
struct pvh_mem {
	uint8_t *ram;
	uint64_t ram_bytes;
	uint64_t special_gpa;
	uint64_t special_bytes;
};

struct pvh_boot {
	uint32_t entry;		 /* 32-bit entry point */
	uint64_t start_info_gpa; /* for ebx */
	uint64_t ramdisk_gpa;	 /* 0 = none */
};

/* Check img against m and copy its segments in.  -ENOEXEC + err. */
int pvh_load_kernel(const struct pvh_mem *m, const uint8_t *file,
		    size_t file_len, const struct elf_image *img, char *err,
		    size_t errlen);
/* Place the ramdisk (may be NULL) and write start_info v1.  kernel_end is
 * the first byte after the kernel.  -EINVAL/-ENOSPC + err. */
int pvh_write_start_info(const struct pvh_mem *m, uint64_t kernel_end,
			 const char *cmdline, const uint8_t *ramdisk,
			 size_t ramdisk_len, struct pvh_boot *boot, char *err,
			 size_t errlen);
/* Parse, load and write start_info in one go. */
int pvh_load(const struct pvh_mem *m, const uint8_t *kernel, size_t kernel_len,
	     const char *cmdline, const uint8_t *ramdisk, size_t ramdisk_len,
	     struct pvh_boot *boot, char *err, size_t errlen);
/* Registers of a vCPU at the PVH entry (before it first runs). */
int pvh_vcpu_setup(int vcpu_fd, const struct pvh_mem *m,
		   const struct pvh_boot *boot);

#endif
