/*
 * hypervisor/elf.c: the PVH kernel parser.  Trust boundary: the kernel
 * file is untrusted input (it may come from a guest's disk image), so
 * every header field is checked against the buffer before use.
 */
#include <elf.h>
#include <errno.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <xen/elfnote.h>

#include "elf_image.h"

/* Class-independent copies of the headers we read. */
struct elf_hdr {
	uint64_t phoff, shoff;
	uint32_t phnum, shnum, phentsize, shentsize;
};

struct elf_phdr {
	uint32_t type;
	uint64_t offset, paddr, filesz, memsz;
};

static int
elf_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -ENOEXEC;
}

/* True if [off, off+size) lies inside a buffer of len bytes. */
static bool
elf_in_file(size_t len, uint64_t off, uint64_t size)
{
	uint64_t end;

	return !__builtin_add_overflow(off, size, &end) && end <= len;
}

/* Copy the class-specific header into h; the same checks for both. */
#define ELF_READ_EHDR(EHDR, PHDR, SHDR, MACHINE_OK, CLASS)                     \
	do {                                                                   \
		EHDR e;                                                        \
		if (len < sizeof(e))                                           \
			return elf_fail(err, errlen, "truncated ELF header");  \
		memcpy(&e, buf, sizeof(e));                                    \
		if (!(MACHINE_OK))                                             \
			return elf_fail(err, errlen,                           \
					"ELF%d machine %u is not x86", CLASS,  \
					e.e_machine);                          \
		if (e.e_type != ET_EXEC)                                       \
			return elf_fail(err, errlen,                           \
					"ELF type %u is not ET_EXEC",          \
					e.e_type);                             \
		img->elf_class = CLASS;                                        \
		*h = (struct elf_hdr){                                         \
			e.e_phoff, e.e_shoff,	  e.e_phnum,                   \
			e.e_shnum, e.e_phentsize, e.e_shentsize};              \
		if (h->phentsize != sizeof(PHDR) ||                            \
		    (h->shnum && h->shentsize != sizeof(SHDR)))                \
			return elf_fail(err, errlen, "bad header entry size"); \
	} while (0)

static int
elf_read_class(const uint8_t *buf, size_t len, struct elf_image *img,
	       struct elf_hdr *h, char *err, size_t errlen)
{
	if (buf[EI_CLASS] == ELFCLASS64)
		ELF_READ_EHDR(Elf64_Ehdr, Elf64_Phdr, Elf64_Shdr,
			      e.e_machine == EM_X86_64, 64);
	else if (buf[EI_CLASS] == ELFCLASS32)
		ELF_READ_EHDR(Elf32_Ehdr, Elf32_Phdr, Elf32_Shdr,
			      e.e_machine == EM_386 || e.e_machine == EM_X86_64,
			      32);
	else
		return elf_fail(err, errlen, "bad ELF class %u", buf[EI_CLASS]);
	return 0;
}

static int
elf_read_ehdr(const uint8_t *buf, size_t len, struct elf_image *img,
	      struct elf_hdr *h, char *err, size_t errlen)
{
	int rc;

	if (len < EI_NIDENT || memcmp(buf, ELFMAG, SELFMAG) != 0)
		return elf_fail(err, errlen, "not an ELF file");
	if (buf[EI_DATA] != ELFDATA2LSB)
		return elf_fail(err, errlen, "not a little-endian ELF");
	if (buf[EI_VERSION] != EV_CURRENT)
		return elf_fail(err, errlen, "bad ELF version %u",
				buf[EI_VERSION]);
	rc = elf_read_class(buf, len, img, h, err, errlen);
	if (rc < 0)
		return rc;
	if (h->phnum == 0 || h->phnum > ELF_MAX_PHDRS)
		return elf_fail(err, errlen, "%u program headers (1..%u)",
				h->phnum, ELF_MAX_PHDRS);
	if (!elf_in_file(len, h->phoff, (uint64_t)h->phnum * h->phentsize))
		return elf_fail(err, errlen,
				"program headers extend past end of file");
	if (h->shnum > ELF_MAX_SHDRS ||
	    (h->shnum &&
	     !elf_in_file(len, h->shoff, (uint64_t)h->shnum * h->shentsize)))
		return elf_fail(err, errlen,
				"section headers extend past end of file");
	return 0;
}

static void
elf_read_phdr(const uint8_t *buf, const struct elf_image *img,
	      const struct elf_hdr *h, unsigned i, struct elf_phdr *p)
{
	const uint8_t *at = buf + h->phoff + (uint64_t)i * h->phentsize;

	if (img->elf_class == 64) {
		Elf64_Phdr e;
		memcpy(&e, at, sizeof(e));
		*p = (struct elf_phdr){e.p_type, e.p_offset, e.p_paddr,
				       e.p_filesz, e.p_memsz};
	} else {
		Elf32_Phdr e;
		memcpy(&e, at, sizeof(e));
		*p = (struct elf_phdr){e.p_type, e.p_offset, e.p_paddr,
				       e.p_filesz, e.p_memsz};
	}
}

/* Walk the notes in [off, off+size); set *found and img->entry32 on a
 * Xen PHYS32_ENTRY note. */
static int
elf_scan_notes(const uint8_t *buf, uint64_t off, uint64_t size,
	       struct elf_image *img, bool *found, char *err, size_t errlen)
{
	uint64_t pos = 0;

	while (pos < size) {
		uint32_t hdr[3]; /* namesz, descsz, type */
		if (size - pos < sizeof(hdr))
			return elf_fail(err, errlen,
					"truncated note header "
					"at file offset %#llx",
					(unsigned long long)(off + pos));
		memcpy(hdr, buf + off + pos, sizeof(hdr));
		uint64_t name_pad = ((uint64_t)hdr[0] + 3) & ~3ull;
		uint64_t desc_pad = ((uint64_t)hdr[1] + 3) & ~3ull;
		uint64_t body = sizeof(hdr) + name_pad + desc_pad;
		if (body > size - pos)
			return elf_fail(err, errlen,
					"note at file offset "
					"%#llx overruns its segment",
					(unsigned long long)(off + pos));
		const uint8_t *name = buf + off + pos + sizeof(hdr);
		const uint8_t *desc = name + name_pad;
		if (hdr[0] == 4 && memcmp(name, "Xen", 4) == 0 &&
		    hdr[2] == XEN_ELFNOTE_PHYS32_ENTRY) {
			uint64_t entry = 0;
			if (hdr[1] != 4 && hdr[1] != 8)
				return elf_fail(err, errlen,
						"PHYS32_ENTRY note"
						" has %u-byte value (4 or 8)",
						hdr[1]);
			memcpy(&entry, desc, hdr[1]);
			if (entry > UINT32_MAX)
				return elf_fail(err, errlen,
						"PHYS32_ENTRY "
						"%#llx is above 4 GiB",
						(unsigned long long)entry);
			img->entry32 = (uint32_t)entry;
			*found = true;
		}
		pos += body;
	}
	return 0;
}

static int
elf_add_load(struct elf_image *img, const struct elf_phdr *p, unsigned i,
	     size_t len, char *err, size_t errlen)
{
	uint64_t end;

	if (p->memsz == 0)
		return 0;
	if (p->filesz > p->memsz)
		return elf_fail(err, errlen,
				"program header %u: file size "
				"exceeds memory size",
				i);
	if (!elf_in_file(len, p->offset, p->filesz))
		return elf_fail(err, errlen,
				"program header %u extends past "
				"end of file",
				i);
	if (__builtin_add_overflow(p->paddr, p->memsz, &end))
		return elf_fail(err, errlen,
				"program header %u: address "
				"overflow",
				i);
	if (img->nr_segments >= ELF_MAX_SEGMENTS)
		return elf_fail(err, errlen, "more than %u PT_LOAD segments",
				ELF_MAX_SEGMENTS);
	img->seg[img->nr_segments++] =
		(struct elf_segment){p->offset, p->filesz, p->paddr, p->memsz};
	if (end > img->paddr_end)
		img->paddr_end = end;
	return 0;
}

static int
elf_scan_sections(const uint8_t *buf, size_t len, const struct elf_hdr *h,
		  struct elf_image *img, bool *found, char *err, size_t errlen)
{
	for (unsigned i = 0; i < h->shnum && !*found; i++) {
		const uint8_t *at = buf + h->shoff + (uint64_t)i * h->shentsize;
		uint64_t type, off, size;
		if (img->elf_class == 64) {
			Elf64_Shdr s;
			memcpy(&s, at, sizeof(s));
			type = s.sh_type, off = s.sh_offset, size = s.sh_size;
		} else {
			Elf32_Shdr s;
			memcpy(&s, at, sizeof(s));
			type = s.sh_type, off = s.sh_offset, size = s.sh_size;
		}
		if (type != SHT_NOTE)
			continue;
		if (!elf_in_file(len, off, size))
			return elf_fail(err, errlen,
					"note section %u extends "
					"past end of file",
					i);
		int rc =
			elf_scan_notes(buf, off, size, img, found, err, errlen);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static bool
elf_entry_loaded(const struct elf_image *img)
{
	for (unsigned i = 0; i < img->nr_segments; i++) {
		const struct elf_segment *s = &img->seg[i];
		if (img->entry32 >= s->paddr &&
		    img->entry32 < s->paddr + s->filesz)
			return true;
	}
	return false;
}

int
elf_parse(const uint8_t *buf, size_t len, struct elf_image *img, char *err,
	  size_t errlen)
{
	struct elf_hdr h = {0};
	bool found = false;
	int rc;

	memset(img, 0, sizeof(*img));
	rc = elf_read_ehdr(buf, len, img, &h, err, errlen);
	if (rc < 0)
		return rc;
	for (unsigned i = 0; i < h.phnum; i++) {
		struct elf_phdr p;
		elf_read_phdr(buf, img, &h, i, &p);
		if (p.type == PT_LOAD)
			rc = elf_add_load(img, &p, i, len, err, errlen);
		else if (p.type == PT_NOTE &&
			 !elf_in_file(len, p.offset, p.filesz))
			rc = elf_fail(err, errlen,
				      "note segment %u extends "
				      "past end of file",
				      i);
		else if (p.type == PT_NOTE)
			rc = elf_scan_notes(buf, p.offset, p.filesz, img,
					    &found, err, errlen);
		if (rc < 0)
			return rc;
	}
	if (img->nr_segments == 0)
		return elf_fail(err, errlen, "no PT_LOAD segment");
	if (!found)
		rc = elf_scan_sections(buf, len, &h, img, &found, err, errlen);
	if (rc < 0)
		return rc;
	if (!found)
		return elf_fail(err, errlen,
				"no XEN_ELFNOTE_PHYS32_ENTRY note "
				"(not a PVH kernel)");
	if (!elf_entry_loaded(img))
		return elf_fail(err, errlen,
				"PVH entry %#x is outside every "
				"loaded segment",
				img->entry32);
	return 0;
}
