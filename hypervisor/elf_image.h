/*
 * hypervisor/elf_image.h (not elf.h: it would shadow <elf.h> under
 * -Ihypervisor): parse a PVH kernel image (ELF32 or ELF64, x86) held in a byte
 * buffer.  Every offset, size and note in the file is checked; nothing is
 * loaded here (pvh.c does that).
 */
#ifndef HV_ELF_IMAGE_H
#define HV_ELF_IMAGE_H

#include <stddef.h>
#include <stdint.h>

#define ELF_MAX_SEGMENTS 16
#define ELF_MAX_PHDRS	 64
#define ELF_MAX_SHDRS	 1024

struct elf_segment {
	uint64_t offset; /* in the file */
	uint64_t filesz;
	uint64_t paddr; /* guest-physical load address */
	uint64_t memsz; /* >= filesz; the rest is zeroed */
};

struct elf_image {
	int elf_class;	  /* 32 or 64 */
	uint32_t entry32; /* from XEN_ELFNOTE_PHYS32_ENTRY */
	unsigned nr_segments;
	struct elf_segment seg[ELF_MAX_SEGMENTS];
	uint64_t paddr_end; /* highest paddr + memsz over all segments */
};

/* Parse buf[0..len) into img.  0, or -ENOEXEC with a one-line reason in
 * err naming what is wrong (e.g. "program header 2 extends past end of
 * file"). */
int elf_parse(const uint8_t *buf, size_t len, struct elf_image *img, char *err,
	      size_t errlen);

#endif
