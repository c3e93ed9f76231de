/*
 * gk/boot.h: constants shared by the ring-0 boot stub, the trap trampolines
 * and the ring-3 kernel (selectors, RFLAGS, table sizes).  Usable from
 * assembly; no types here.
 */
#ifndef GK_BOOT_H
#define GK_BOOT_H

/* GDT layout (entry.S): null, kernel code, kernel data, user data, user
 * code, then the 16-byte TSS descriptor. */
#define GK_KERNEL_CS 0x08
#define GK_KERNEL_DS 0x10
#define GK_USER_DS   0x1b /* 0x18 | RPL 3 */
#define GK_USER_CS   0x23 /* 0x20 | RPL 3 */
#define GK_TSS_SEL   0x28

/* Ring 3 runs with IOPL=3 (bits 12-13) so the hypercall stubs' `out` is
 * legal there; IF stays 0: events are polled, never taken as interrupts.
 * Bit 1 is reserved and always 1. */
#define GK_RFLAGS_RING3 0x3002

#define GK_PAGE_SIZE  4096
#define GK_PAGE_SHIFT 12

/* Vectors 0..31 get a trap trampoline; the rest of the IDT is empty. */
#define GK_NR_TRAP_VECTORS 32

/* Sizes of the stacks in .bss (entry.S). */
#define GK_STACK_BYTES	     65536 /* the ring-3 kernel stack */
#define GK_TRAP_STACK_BYTES  4096  /* ring-0 stack (TSS.RSP0) */
#define GK_FAULT_STACK_BYTES 16384 /* ring-3 fault handler stack */

/* Boot flags left by the stub in gk_boot_flags. */
#define GK_BOOT_XEN	 1 /* XenVMMXenVMM found, hypercall MSR written */
#define GK_BOOT_DOORBELL 2 /* Xylem's CPUID block offers the doorbell */

#endif
