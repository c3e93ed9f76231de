/*
 * tests/integration/guests/hello.S: xylem-hv's bring-up guest.  A PVH
 * kernel of a few dozen instructions that stays in 32-bit ring 0: it
 * checks start_info, installs the hypercall page, prints its command line
 * through console_io, times a batch of null hypercalls, and powers off.
 */
#define XEN_ELFNOTE_PHYS32_ENTRY 18
#define HC_STUB(n) (hcall_page + (n) * 32)
#define HC_XEN_VERSION 17
#define HC_CONSOLE_IO 18
#define HC_SCHED_OP 29
#define NULL_CALLS 10000

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, XEN_ELFNOTE_PHYS32_ENTRY
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	mov $stack_top, %esp
	mov %ebx, %ebp			/* start_info */
	cmpl $0x336ec578, (%ebp)
	jne fail
	/* The hypercall-page MSR is in CPUID 0x40000002 EBX. */
	mov $0x40000002, %eax
	cpuid
	mov %ebx, %ecx
	mov $hcall_page, %eax
	xor %edx, %edx
	wrmsr

	/* Guest TSC, to compare with the host's (xylem-hv -v logs it). */
	rdtsc
	push %eax
	push %edx
	mov $tscnow, %esi
	call puts
	pop %eax
	call puthex
	pop %eax
	call puthex
	mov $nl, %esi
	call puts

	mov $hello, %esi
	call puts
	mov 24(%ebp), %esi		/* start_info.cmdline_paddr */
	call puts
	mov $nl, %esi
	call puts

	/* NULL_CALLS x xen_version(XENVER_version): one exit each. */
	rdtsc
	mov %eax, t0
	mov $NULL_CALLS, %edi
1:	xor %ebx, %ebx
	call HC_STUB(HC_XEN_VERSION)
	dec %edi
	jnz 1b
	rdtsc
	sub t0, %eax
	mov %eax, %edx
	mov $tscmsg, %esi
	call puts
	mov %edx, %eax
	call puthex
	mov $nl, %esi
	call puts

	/* A bad pointer must come back as -EFAULT (-14), not a crash. */
	xor %ebx, %ebx
	mov $4, %ecx
	mov $0xfffff000, %edx
	call HC_STUB(HC_CONSOLE_IO)
	cmp $-14, %eax
	jne fail
	mov $efaultok, %esi
	call puts

	movl $0, reason			/* SHUTDOWN_poweroff */
	jmp shutdown
fail:
	movl $3, reason			/* SHUTDOWN_crash */
shutdown:
	mov $2, %ebx			/* SCHEDOP_shutdown */
	mov $reason, %ecx
	call HC_STUB(HC_SCHED_OP)
	hlt
	jmp shutdown

/* puts(esi): console_io(CONSOLEIO_write, strlen, esi).  Clobbers eax-ecx. */
puts:
	push %edx
	mov %esi, %edx
	xor %ecx, %ecx
2:	cmpb $0, (%edx, %ecx)
	je 3f
	inc %ecx
	jmp 2b
3:	xor %ebx, %ebx
	call HC_STUB(HC_CONSOLE_IO)
	pop %edx
	ret

/* puthex(eax): eight hex digits. */
puthex:
	push %edx
	mov $hexbuf + 8, %edi
	mov $8, %ecx
4:	dec %edi
	mov %eax, %edx
	and $15, %edx
	movb digits(%edx), %dl
	movb %dl, (%edi)
	shr $4, %eax
	loop 4b
	mov $hexbuf, %esi
	call puts
	pop %edx
	ret

	.data
hello:	.asciz "hello from the xylem bring-up guest, cmdline: "
nl:	.asciz "\n"
tscnow:	.asciz "guest tsc 0x"
tscmsg:	.asciz "null hypercalls x10000, TSC delta 0x"
efaultok: .asciz "bad pointer: -EFAULT ok\n"
digits:	.ascii "0123456789abcdef"
hexbuf:	.asciz "00000000"

	.bss
	.balign 4096
hcall_page:
	.skip 4096
t0:	.long 0
reason:	.long 0
	.balign 16
	.skip 4096
stack_top:
