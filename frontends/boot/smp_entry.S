/*
 * boot/smp_entry.S: the ring-0 start of a secondary vCPU.  xylem-hv starts
 * it here (VCPUOP_initialise, VCPU_HVM_MODE_64B: long mode, our page
 * tables, flat ring-0 segments, rsp = its stack, rdi = its vCPU id); it
 * loads the GDT, IDT and the shared TSS (for the I/O bitmap that lets
 * ring 3 reach the hypercall port) and irets to gk_ap_main in ring 3.
 * Straight-line: PVM interprets every CPL0 instruction (check-ring0.sh).
 */
#include "gk/boot.h"

#define GK_TSS_BUSY_BIT 0x02 /* in the descriptor's type: 0x8b -> 0x89 */

	.section .text.boot, "ax"
	.code64
	.globl gk_entry64_ap
gk_entry64_ap:
	lgdt	gk_ap_gdt_ptr
	lidt	gk_ap_idt_ptr
	movl	$GK_KERNEL_DS, %eax
	movl	%eax, %ss
	/* Every vCPU shares the boot TSS; ltr wants it not busy. */
	andb	$~GK_TSS_BUSY_BIT, gk_gdt + GK_TSS_SEL + 5
	movl	$GK_TSS_SEL, %eax
	ltr	%ax
	movq	%rsp, %rax
	pushq	$GK_USER_DS
	pushq	%rax
	pushq	$GK_RFLAGS_RING3
	pushq	$GK_USER_CS
	pushq	$gk_ap_main
	iretq

	.section .data, "aw"
	.balign 8
	.word	0, 0, 0
gk_ap_gdt_ptr:
	.word	GK_TSS_SEL + 16 - 1	/* 5 descriptors and the 16-byte TSS */
	.quad	gk_gdt
	.word	0, 0, 0
gk_ap_idt_ptr:
	.word	256 * 16 - 1
	.quad	gk_idt
