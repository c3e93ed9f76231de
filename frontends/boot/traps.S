/*
 * boot/traps.S: ring-0 trap trampolines for vectors 0..31.  Each one saves
 * the registers on the trap stack (TSS.RSP0) and irets straight into the
 * ring-3 handler gk_trap_handler(frame) on the fault stack.  No loops and no
 * return path: every CPU exception is fatal to this kernel.
 */
#include "gk/boot.h"

	.section .text.traps, "ax"
	.code64

.macro TRAP vec
	.balign 16
gk_trap_\vec:
	.if !((\vec == 8) || (\vec == 10) || (\vec == 11) || (\vec == 12) || (\vec == 13) || (\vec == 14) || (\vec == 17) || (\vec == 21) || (\vec == 29) || (\vec == 30))
	pushq	$0
	.endif
	pushq	$\vec
	jmp	gk_trap_common
.endm

	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	TRAP \v
	.endr

/* Frame layout, low to high: cr2, r15..r8, rbp, rdi, rsi, rdx, rcx, rbx,
 * rax, vector, error, rip, cs, rflags, rsp, ss (struct gk_trap_frame). */
gk_trap_common:
	pushq	%rax
	pushq	%rbx
	pushq	%rcx
	pushq	%rdx
	pushq	%rsi
	pushq	%rdi
	pushq	%rbp
	pushq	%r8
	pushq	%r9
	pushq	%r10
	pushq	%r11
	pushq	%r12
	pushq	%r13
	pushq	%r14
	pushq	%r15
	movq	%cr2, %rax
	pushq	%rax
	movq	%rsp, %rdi
	pushq	$GK_USER_DS
	pushq	$(gk_fault_stack_top - 8)
	pushq	$GK_RFLAGS_RING3
	pushq	$GK_USER_CS
	pushq	$gk_trap_handler
	iretq

	.section .rodata.traps, "a"
	.balign 8
	.globl gk_trap_vectors
gk_trap_vectors:
	.irp v, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
	.quad gk_trap_\v
	.endr
