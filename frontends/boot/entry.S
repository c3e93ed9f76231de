/*
 * boot/entry.S: the PVH entry and the whole ring-0 boot stub.  It owns the
 * Xen ELF notes, the static page tables, GDT, TSS and IDT register, and the
 * stacks.  Straight-line code only: under PVM every CPL0 instruction is
 * interpreted (DESIGN.md 2a), so there is no loop here and every table is
 * static data assembled at build time.
 */
#include <xen/elfnote.h>
#include "gk/boot.h"
#include "xylem/hcall.h"

#define CR0_PE    0x00000001
#define CR0_ET    0x00000010
#define CR0_PG    0x80000000
#define CR4_PAE   0x00000020
#define MSR_EFER  0xc0000080
#define EFER_LME  0x00000100
#define PTE_P     0x001
#define PTE_RW    0x002
#define PTE_US    0x004
#define PTE_PS    0x080
/* Every page is user-accessible: the kernel itself runs at CPL3. */
#define PTE_TABLE (PTE_P | PTE_RW | PTE_US)
#define PTE_2M    (PTE_P | PTE_RW | PTE_US | PTE_PS)

/* "XenVMMXenVMM" as CPUID 0x40000000 returns it in ebx, ecx, edx. */
#define XEN_SIG_EBX 0x566e6558
#define XEN_SIG_ECX 0x65584d4d
#define XEN_SIG_EDX 0x4d4d566e

	.section .note.Xen, "a"
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long gk_entry32
	.long 4, 8, XEN_ELFNOTE_GUEST_OS
	.asciz "Xen"
	.asciz "Xylem"
	.balign 4
	.long 4, 8, XEN_ELFNOTE_XEN_VERSION
	.asciz "Xen"
	.asciz "xen-3.0"
	.balign 4
	.long 4, 8, XEN_ELFNOTE_LOADER
	.asciz "Xen"
	.asciz "generic"
	.balign 4

/*
 * PVH entry: 32-bit flat protected mode, paging off, ebx = start_info.
 * About 45 instructions run at CPL0 from here to the iretq.
 */
	.section .text.boot, "ax"
	.code32
	.globl gk_entry32
gk_entry32:
	movl	%ebx, gk_boot_start_info
	lgdt	gk_gdt_ptr
	movl	$CR4_PAE, %eax
	movl	%eax, %cr4
	movl	$gk_pml4, %eax
	movl	%eax, %cr3
	movl	$MSR_EFER, %ecx
	movl	$EFER_LME, %eax
	xorl	%edx, %edx
	wrmsr
	movl	$(CR0_PG | CR0_ET | CR0_PE), %eax
	movl	%eax, %cr0
	ljmp	$GK_KERNEL_CS, $gk_entry64

	.code64
gk_entry64:
	movl	$GK_KERNEL_DS, %eax
	movl	%eax, %ss
	xorl	%eax, %eax
	movl	%eax, %ds
	movl	%eax, %es
	movl	%eax, %fs
	movl	%eax, %gs
	movq	$gk_trap_stack_top, %rsp
	/* The TSS base cannot be split into descriptor fields at link time,
	 * so patch it here: three stores. */
	movl	$gk_tss, %eax
	movw	%ax, gk_gdt + GK_TSS_SEL + 2
	shrl	$16, %eax
	movb	%al, gk_gdt + GK_TSS_SEL + 4
	movb	%ah, gk_gdt + GK_TSS_SEL + 7
	movl	$GK_TSS_SEL, %eax
	ltr	%ax
	lidt	gk_idt_ptr
	/* Xen signature, then the hypercall-page MSR from leaf base+2. */
	movl	$0x40000000, %eax
	cpuid
	cmpl	$XEN_SIG_EBX, %ebx
	jne	1f
	cmpl	$XEN_SIG_ECX, %ecx
	jne	1f
	cmpl	$XEN_SIG_EDX, %edx
	jne	1f
	cmpl	$0x40000002, %eax
	jb	1f
	movl	$0x40000002, %eax
	cpuid
	movl	%ebx, %ecx
	movl	$gk_hypercall_page, %eax
	xorl	%edx, %edx
	wrmsr
	movl	$GK_BOOT_XEN, gk_boot_flags
	/* Xylem's own CPUID block: is the notify doorbell there? */
	movl	$XYL_CPUID_BASE, %eax
	cpuid
	cmpl	$XYL_CPUID_SIG_EBX, %ebx
	jne	1f
	cmpl	$XYL_CPUID_SIG_EDX, %edx
	jne	1f
	cmpl	$XYL_CPUID_FEATURES, %eax
	jb	1f
	movl	$XYL_CPUID_FEATURES, %eax
	cpuid
	testl	$XYL_CPUID_F_DOORBELL, %eax
	jz	1f
	orl	$GK_BOOT_DOORBELL, gk_boot_flags
1:
	/* Drop to ring 3 with IOPL=3; gk_start never returns.  The -8 gives
	 * gk_start the stack alignment of a called function.  PVM keeps the
	 * virtual IOPL at 0 whatever popfq/iretq say (measured: rflags 0x10002
	 * at the first ring-3 `out`), so the TSS I/O bitmap below is what
	 * lets ring 3 reach the hypercall and console ports there; on VMX KVM
	 * IOPL=3 alone does it. */
	pushq	$GK_RFLAGS_RING3
	popfq
	pushq	$GK_USER_DS
	pushq	$(gk_stack_top - 8)
	pushq	$GK_RFLAGS_RING3
	pushq	$GK_USER_CS
	pushq	$gk_start
	iretq

/*
 * Descriptor tables and the TSS: written only by the stub above (TSS base)
 * and, once, by gk_idt_init() in ring 3 (the IDT gates).
 */
	.section .data.desc, "aw"
	.balign 4096
	.globl gk_gdt
gk_gdt:
	.quad 0
	.quad 0x00af9a000000ffff /* 0x08 kernel code, 64-bit */
	.quad 0x00cf92000000ffff /* 0x10 kernel data */
	.quad 0x00cff2000000ffff /* 0x18 user data, DPL3 */
	.quad 0x00affa000000ffff /* 0x20 user code, 64-bit, DPL3 */
	/* 0x28: 64-bit TSS with its I/O bitmap, present, available; base
	 * patched at boot */
	.word gk_tss_end - gk_tss - 1, 0
	.byte 0, 0x89, 0, 0
	.quad 0
gk_gdt_end:

	.balign 8
	.word 0
gk_gdt_ptr:
	.word gk_gdt_end - gk_gdt - 1
	.quad gk_gdt

	.word 0, 0, 0
gk_idt_ptr:
	.word 256 * 16 - 1
	.quad gk_idt

	.balign 16
	.globl gk_tss
gk_tss:
	.long 0
	.quad gk_trap_stack_top /* RSP0: where a fault from ring 3 lands */
	.quad 0, 0              /* RSP1, RSP2 */
	.quad 0                 /* reserved */
	.quad 0, 0, 0, 0, 0, 0, 0 /* IST1..7 */
	.quad 0
	.word 0
	.word gk_tss_iobitmap - gk_tss
/*
 * I/O permission bitmap: ports the ring-3 kernel may use even where the
 * virtual IOPL is not honoured (PVM: an `out` at CPL3 #GPs in hardware and
 * KVM's emulator then checks IOPL, then this bitmap).  0 = allowed: the
 * hypercall port (4 bytes, 0x8c-0x8f), the debug console (0xe9) and the
 * POST port 0x80 (a plain PIO exit, for benchmarks).
 */
gk_tss_iobitmap:
	.fill 16, 1, 0xff
	.byte 0xfe              /* ports 0x80-0x87: 0x80 allowed */
	.byte 0x0f              /* ports 0x88-0x8f: 0x8c-0x8f allowed */
	.fill 11, 1, 0xff
	.byte 0xfd              /* ports 0xe8-0xef: 0xe9 allowed */
	.fill 8192 - 30, 1, 0xff
	.byte 0xff              /* the CPU reads one byte past the bitmap */
gk_tss_end:

	.globl gk_boot_start_info
gk_boot_start_info:
	.long 0
	.globl gk_boot_flags
gk_boot_flags:
	.long 0

	.balign 4096
	.globl gk_idt
gk_idt:
	.fill 256 * 16, 1, 0

/*
 * Page tables: identity map of the first 4 GiB with 2 MiB pages, all
 * user-accessible.  Assembled, not built at run time (a table-building loop
 * at CPL0 costs 13-27 ms under PVM).  They sit on pages of their own: PVM
 * write-protects page-table pages for shadow paging.  Nothing above 4 GiB
 * is mapped, so such addresses fault (and make a handy "unmapped VA").
 */
	.section .data.pagetables, "aw"
	.balign 4096
	.globl gk_pml4
gk_pml4:
	.quad gk_pdpt + PTE_TABLE
	.fill 511, 8, 0
gk_pdpt:
	.quad gk_pd + 0 * 4096 + PTE_TABLE
	.quad gk_pd + 1 * 4096 + PTE_TABLE
	.quad gk_pd + 2 * 4096 + PTE_TABLE
	.quad gk_pd + 3 * 4096 + PTE_TABLE
	.fill 508, 8, 0
gk_pd:
	.set addr, 0
	.rept 2048
	.quad addr + PTE_2M
	.set addr, addr + 0x200000
	.endr

/* Stacks and the hypercall page (filled by the hypervisor on the wrmsr). */
	.section .bss.boot, "aw", @nobits
	.balign 4096
	.globl gk_hypercall_page
gk_hypercall_page:
	.skip 4096
	.globl gk_stack_top
gk_stack:
	.skip GK_STACK_BYTES
gk_stack_top:
	.globl gk_trap_stack_top
gk_trap_stack:
	.skip GK_TRAP_STACK_BYTES
gk_trap_stack_top:
	.globl gk_fault_stack_top
gk_fault_stack:
	.skip GK_FAULT_STACK_BYTES
gk_fault_stack_top:
