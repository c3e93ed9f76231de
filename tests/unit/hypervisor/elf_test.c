/*
 * tests/unit/hypervisor/elf_test.c: the PVH loader (elf.c, pvh.c) on ELF
 * images built here in memory: good ELF32/ELF64 kernels, notes in
 * segments or only in sections, and broken images that must give
 * -ENOEXEC with a reason naming the fault.
 */
#include <check.h>
#include <elf.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "xylem/sharedtimer.h"
#include "elf_image.h"
#include "memory.h"
#include "pvh.h"

#define IMG_BYTES  0x3000
#define CODE_OFF   0x1000
#define CODE_BYTES 0x100
#define LOAD_PADDR 0x100000u
#define NOTE_OFF   0x800

struct img_opts {
	int elf_class;	   /* 32 or 64 */
	bool note_in_phdr; /* PT_NOTE (else only an SHT_NOTE section) */
	bool no_note;
	uint32_t note_descsz; /* 4 or 8 normally */
	uint32_t entry;
	uint64_t paddr;
	uint64_t memsz;
};

static const struct img_opts img_default = {
	.elf_class = 64,
	.note_in_phdr = true,
	.note_descsz = 8,
	.entry = LOAD_PADDR + 0x10,
	.paddr = LOAD_PADDR,
	.memsz = 0x2000,
};

static void
img_note(uint8_t *buf, const struct img_opts *o)
{
	uint32_t hdr[3] = {4, o->note_descsz, o->no_note ? 99 : 18};
	uint64_t desc = o->entry;

	memcpy(buf + NOTE_OFF, hdr, sizeof(hdr));
	memcpy(buf + NOTE_OFF + 12, "Xen", 4);
	memcpy(buf + NOTE_OFF + 16, &desc, 8);
}

static uint32_t
img_note_bytes(const struct img_opts *o)
{
	return 16 + ((o->note_descsz + 3) & ~3u);
}

/* ELF64: ehdr @0, phdrs @64, shdrs @0x400, note @NOTE_OFF, code @CODE_OFF. */
static void
img_build64(uint8_t *buf, const struct img_opts *o)
{
	Elf64_Ehdr *e = (Elf64_Ehdr *)buf;
	Elf64_Phdr *p = (Elf64_Phdr *)(buf + 64);
	Elf64_Shdr *s = (Elf64_Shdr *)(buf + 0x400);

	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS64;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_X86_64;
	e->e_phoff = 64;
	e->e_phentsize = sizeof(*p);
	e->e_phnum = o->note_in_phdr ? 2 : 1;
	e->e_shoff = 0x400;
	e->e_shentsize = sizeof(*s);
	e->e_shnum = 2;
	p[0] = (Elf64_Phdr){.p_type = PT_LOAD,
			    .p_offset = CODE_OFF,
			    .p_paddr = o->paddr,
			    .p_filesz = CODE_BYTES,
			    .p_memsz = o->memsz};
	p[1] = (Elf64_Phdr){.p_type = PT_NOTE,
			    .p_offset = NOTE_OFF,
			    .p_filesz = img_note_bytes(o)};
	s[1] = (Elf64_Shdr){.sh_type = SHT_NOTE,
			    .sh_offset = NOTE_OFF,
			    .sh_size = img_note_bytes(o)};
	img_note(buf, o);
	memset(buf + CODE_OFF, 0x90, CODE_BYTES);
}

static void
img_build32(uint8_t *buf, const struct img_opts *o)
{
	Elf32_Ehdr *e = (Elf32_Ehdr *)buf;
	Elf32_Phdr *p = (Elf32_Phdr *)(buf + 64);
	Elf32_Shdr *s = (Elf32_Shdr *)(buf + 0x400);

	memcpy(e->e_ident, ELFMAG, SELFMAG);
	e->e_ident[EI_CLASS] = ELFCLASS32;
	e->e_ident[EI_DATA] = ELFDATA2LSB;
	e->e_ident[EI_VERSION] = EV_CURRENT;
	e->e_type = ET_EXEC;
	e->e_machine = EM_386;
	e->e_phoff = 64;
	e->e_phentsize = sizeof(*p);
	e->e_phnum = o->note_in_phdr ? 2 : 1;
	e->e_shoff = 0x400;
	e->e_shentsize = sizeof(*s);
	e->e_shnum = 2;
	p[0] = (Elf32_Phdr){.p_type = PT_LOAD,
			    .p_offset = CODE_OFF,
			    .p_paddr = (uint32_t)o->paddr,
			    .p_filesz = CODE_BYTES,
			    .p_memsz = (uint32_t)o->memsz};
	p[1] = (Elf32_Phdr){.p_type = PT_NOTE,
			    .p_offset = NOTE_OFF,
			    .p_filesz = img_note_bytes(o)};
	s[1] = (Elf32_Shdr){.sh_type = SHT_NOTE,
			    .sh_offset = NOTE_OFF,
			    .sh_size = img_note_bytes(o)};
	img_note(buf, o);
	memset(buf + CODE_OFF, 0x90, CODE_BYTES);
}

static uint8_t *
img_make(const struct img_opts *o)
{
	uint8_t *buf = calloc(1, IMG_BYTES);

	if (o->elf_class == 64)
		img_build64(buf, o);
	else
		img_build32(buf, o);
	return buf;
}

static char err[160];

static int
parse(const uint8_t *buf, size_t len, struct elf_image *img)
{
	err[0] = 0;
	return elf_parse(buf, len, img, err, sizeof(err));
}

START_TEST(test_good_elf64)
{
	uint8_t *buf = img_make(&img_default);
	struct elf_image img;

	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), 0);
	ck_assert_int_eq(img.elf_class, 64);
	ck_assert_uint_eq(img.entry32, LOAD_PADDR + 0x10);
	ck_assert_uint_eq(img.nr_segments, 1);
	ck_assert_uint_eq(img.paddr_end, LOAD_PADDR + 0x2000);
	free(buf);
}
END_TEST

START_TEST(test_good_elf32_desc4)
{
	struct img_opts o = img_default;
	o.elf_class = 32;
	o.note_descsz = 4;
	uint8_t *buf = img_make(&o);
	struct elf_image img;

	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), 0);
	ck_assert_int_eq(img.elf_class, 32);
	ck_assert_uint_eq(img.entry32, LOAD_PADDR + 0x10);
	free(buf);
}
END_TEST

START_TEST(test_note_only_in_section)
{
	struct img_opts o = img_default;
	o.note_in_phdr = false;
	uint8_t *buf = img_make(&o);
	struct elf_image img;

	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), 0);
	ck_assert_uint_eq(img.entry32, LOAD_PADDR + 0x10);
	free(buf);
}
END_TEST

START_TEST(test_no_note)
{
	struct img_opts o = img_default;
	o.no_note = true;
	uint8_t *buf = img_make(&o);
	struct elf_image img;

	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "XEN_ELFNOTE_PHYS32_ENTRY"));
	free(buf);
}
END_TEST

START_TEST(test_truncated)
{
	uint8_t *buf = img_make(&img_default);
	struct elf_image img;

	/* Every prefix of the file must be rejected or parsed, never
	 * overrun (ASan watches). */
	for (size_t len = 0; len < CODE_OFF + CODE_BYTES; len += 7)
		ck_assert_int_eq(parse(buf, len, &img), -ENOEXEC);
	ck_assert_int_eq(parse(buf, 10, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "not an ELF"));
	ck_assert_int_eq(parse(buf, 100, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "program headers"));
	free(buf);
}
END_TEST

START_TEST(test_bad_header_fields)
{
	uint8_t *buf = img_make(&img_default);
	Elf64_Ehdr *e = (Elf64_Ehdr *)buf;
	struct elf_image img;

	e->e_machine = EM_ARM;
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "machine"));
	e->e_machine = EM_X86_64;
	e->e_phentsize = 12;
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	e->e_phentsize = sizeof(Elf64_Phdr);
	e->e_phoff = ~0ull - 8;
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	e->e_phoff = 64;
	e->e_ident[EI_CLASS] = 7;
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "class"));
	free(buf);
}
END_TEST

START_TEST(test_bad_segments)
{
	uint8_t *buf = img_make(&img_default);
	Elf64_Phdr *p = (Elf64_Phdr *)(buf + 64);
	struct elf_image img;

	p[0].p_filesz = 0x3000; /* > memsz */
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "file size exceeds"));
	p[0].p_filesz = 0x100;
	p[0].p_offset = IMG_BYTES - 0x80; /* past end */
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "past end of file"));
	p[0].p_offset = CODE_OFF;
	p[0].p_paddr = ~0ull - 0x10; /* wraps */
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	free(buf);
}
END_TEST

START_TEST(test_bad_notes)
{
	struct img_opts o = img_default;
	o.note_descsz = 3;
	uint8_t *buf = img_make(&o);
	struct elf_image img;

	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "PHYS32_ENTRY"));
	free(buf);
	buf = img_make(&img_default);
	uint32_t huge = 0xfffffff0; /* namesz overruns the segment */
	memcpy(buf + NOTE_OFF, &huge, 4);
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "overruns"));
	free(buf);
	o = img_default;
	o.entry = 0x50000; /* not in any segment */
	buf = img_make(&o);
	ck_assert_int_eq(parse(buf, IMG_BYTES, &img), -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "outside"));
	free(buf);
}
END_TEST

static struct pvh_mem
mem_make(uint64_t ram)
{
	struct pvh_mem m = {calloc(1, ram), ram, MEMORY_SPECIAL_GPA,
			    MEMORY_SPECIAL_PAGES * 4096ull};
	return m;
}

START_TEST(test_pvh_load_and_start_info)
{
	struct pvh_mem m = mem_make(8 << 20);
	uint8_t *buf = img_make(&img_default);
	uint8_t rd[5000];
	struct pvh_boot boot;
	struct hvm_start_info si;
	struct hvm_memmap_table_entry map[5];
	struct hvm_modlist_entry mod;

	memset(rd, 0xab, sizeof(rd));
	ck_assert_int_eq(pvh_load(&m, buf, IMG_BYTES, "console=x app=t", rd,
				  sizeof(rd), &boot, err, sizeof(err)),
			 0);
	ck_assert_uint_eq(boot.entry, LOAD_PADDR + 0x10);
	ck_assert_uint_eq(m.ram[LOAD_PADDR], 0x90);
	ck_assert_uint_eq(m.ram[LOAD_PADDR + CODE_BYTES], 0); /* bss */
	memcpy(&si, m.ram + boot.start_info_gpa, sizeof(si));
	ck_assert_uint_eq(si.magic, XEN_HVM_START_MAGIC_VALUE);
	ck_assert_uint_eq(si.version, 1);
	ck_assert_str_eq((char *)m.ram + si.cmdline_paddr, "console=x app=t");
	ck_assert_uint_eq(si.memmap_entries, 5);
	memcpy(map, m.ram + si.memmap_paddr, sizeof(map));
	ck_assert_uint_eq(map[0].type, XEN_HVM_MEMMAP_TYPE_RAM);
	ck_assert_uint_eq(map[1].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	ck_assert_uint_eq(map[2].addr + map[2].size, 8 << 20);
	ck_assert_uint_eq(map[3].addr, MEMORY_SPECIAL_GPA);
	ck_assert_uint_eq(map[3].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	/* The shared-timer page (include/xylem/sharedtimer.h). */
	ck_assert_uint_eq(map[4].addr, XYL_STIMER_GPA);
	ck_assert_uint_eq(map[4].size, XYL_STIMER_BYTES);
	ck_assert_uint_eq(map[4].type, XEN_HVM_MEMMAP_TYPE_RESERVED);
	ck_assert_uint_eq(si.nr_modules, 1);
	memcpy(&mod, m.ram + si.modlist_paddr, sizeof(mod));
	ck_assert_uint_eq(mod.paddr & 0xfff, 0);
	ck_assert_uint_eq(mod.paddr, (8 << 20) - 8192);
	ck_assert_uint_eq(mod.size, sizeof(rd));
	ck_assert_uint_eq(m.ram[mod.paddr + 4999], 0xab);
	free(buf);
	free(m.ram);
}
END_TEST

START_TEST(test_pvh_bad_placement)
{
	struct pvh_mem m = mem_make(8 << 20);
	struct img_opts o = img_default;
	struct pvh_boot boot;
	uint8_t *buf;

	o.paddr = 0x7000; /* below 1 MiB: over start_info */
	o.entry = 0x7010;
	buf = img_make(&o);
	ck_assert_int_eq(pvh_load(&m, buf, IMG_BYTES, "", NULL, 0, &boot, err,
				  sizeof(err)),
			 -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "outside RAM"));
	free(buf);
	o = img_default;
	o.memsz = 16 << 20; /* past the end of RAM */
	buf = img_make(&o);
	ck_assert_int_eq(pvh_load(&m, buf, IMG_BYTES, "", NULL, 0, &boot, err,
				  sizeof(err)),
			 -ENOEXEC);
	free(buf);
	o = img_default;
	o.paddr = MEMORY_SPECIAL_GPA;
	o.entry = MEMORY_SPECIAL_GPA + 4;
	buf = img_make(&o);
	ck_assert_int_eq(pvh_load(&m, buf, IMG_BYTES, "", NULL, 0, &boot, err,
				  sizeof(err)),
			 -ENOEXEC);
	ck_assert_ptr_nonnull(strstr(err, "special area"));
	free(buf);
	free(m.ram);
}
END_TEST

START_TEST(test_pvh_ramdisk_and_cmdline_limits)
{
	struct pvh_mem m = mem_make(8 << 20);
	struct pvh_boot boot;
	static uint8_t big[8 << 20];
	char longline[3000];

	ck_assert_int_eq(pvh_write_start_info(&m, 0x200000, "", big,
					      sizeof(big), &boot, err,
					      sizeof(err)),
			 -ENOSPC);
	memset(longline, 'a', sizeof(longline) - 1);
	longline[sizeof(longline) - 1] = 0;
	ck_assert_int_eq(pvh_write_start_info(&m, 0x200000, longline, NULL, 0,
					      &boot, err, sizeof(err)),
			 -EINVAL);
	free(m.ram);
}
END_TEST

int
main(void)
{
	Suite *s = suite_create("elf");
	TCase *tc = tcase_create("core");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, test_good_elf64);
	tcase_add_test(tc, test_good_elf32_desc4);
	tcase_add_test(tc, test_note_only_in_section);
	tcase_add_test(tc, test_no_note);
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_header_fields);
	tcase_add_test(tc, test_bad_segments);
	tcase_add_test(tc, test_bad_notes);
	tcase_add_test(tc, test_pvh_load_and_start_info);
	tcase_add_test(tc, test_pvh_bad_placement);
	tcase_add_test(tc, test_pvh_ramdisk_and_cmdline_limits);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
