/*
 * include/xylem/hcall.h: how a Xylem hypercall page traps, shared by
 * xylem-hv (which fills the page) and the guest kernel (which calls it).
 *
 * The guest writes the guest-physical address of a page to the MSR named
 * by CPUID leaf base+2 EBX (XYL_HYPERCALL_MSR); xylem-hv fills that page
 * with one 32-byte stub per hypercall number n:
 *
 *     b8 <n:4>        mov  $n, %eax
 *     e7 <port:1>     out  %eax, $XYL_HYPERCALL_IO_PORT
 *     c3              ret
 *     cc ...          (padding to 32 bytes)
 *
 * and, for __HYPERVISOR_iret (23), a ud2.  The `out` reaches xylem-hv as a
 * KVM PIO exit; it reads rax (nr) and rdi, rsi, rdx, r10, r8 (args) and
 * writes the result to rax, exactly Xen's 64-bit register ABI.  (A caller
 * in 32-bit mode -- EFER.LMA or CS.L clear -- uses Xen's 32-bit ABI:
 * eax = nr; ebx, ecx, edx, esi, edi = args.)  An 8-bit
 * immediate port keeps every argument register intact.  With IOPL=3 the
 * stub works from ring 3, where Xylem's own kernel runs.
 */
#ifndef XYLEM_HCALL_H
#define XYLEM_HCALL_H

#define XYL_HYPERCALL_MSR 0x40000000u
#define XYL_HYPERCALL_IO_PORT 0x8c  /* a legacy DMA page register: no KVM device */
#define XYL_HYPERCALL_STUB_BYTES 32
#define XYL_DEBUGCON_IO_PORT 0xe9   /* one byte out = one console byte (Bochs style) */

/*
 * Xylem extension (docs/abi.md, "Notify doorbell"): a CPUID leaf pair in
 * their own 0x100 block after Xen's, with their own signature, so a Xen
 * guest that scans for "XenVMMXenVMM" never mistakes them for Xen's.
 *   XYL_CPUID_BASE:     eax = highest leaf of the block, ebx ecx edx =
 *                       "XylemXylemHV"
 *   XYL_CPUID_FEATURES: eax = XYL_CPUID_F_* flags, ebx = doorbell port
 * The notify doorbell: a 2-byte `outw` of an event-channel port number to
 * XYL_DOORBELL_IO_PORT is EVTCHNOP_send on that port (no result; a bad
 * port is ignored).  Distinct from the hypercall's 4-byte access at 0x8c.
 */
#define XYL_CPUID_BASE	     0x40000200
#define XYL_CPUID_FEATURES   0x40000201
#define XYL_CPUID_SIG_EBX    0x656c7958 /* "Xyle" */
#define XYL_CPUID_SIG_ECX    0x6c79586d /* "mXyl" */
#define XYL_CPUID_SIG_EDX    0x56486d65 /* "emHV" */
#define XYL_CPUID_F_DOORBELL (1 << 0)
#define XYL_DOORBELL_IO_PORT 0x8e
#define XYL_DOORBELL_BYTES   2

#endif
