/*
 * tests/integration/guests/upcall.S: the per-vCPU upcall vector end to
 * end, in 32-bit ring 0: IDT gate for 0xf3, LAPIC software-enabled,
 * shared_info mapped, HVMOP_set_evtchn_upcall_vector, an IPI port bound
 * and sent to itself; the handler must run (and EOI) before poweroff.
 */
#define HC_STUB(n) (hcall_page + (n) * 32)
#define HC_CONSOLE_IO 18
#define HC_MEMORY_OP 12
#define HC_SCHED_OP 29
#define HC_EVTCHN_OP 32
#define HC_HVM_OP 34
#define LAPIC 0xfee00000
#define VECTOR 0xf3

	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	mov $stack_top, %esp
	/* IDT gate VECTOR -> handler: 32-bit interrupt gate, selector 0x10. */
	mov $handler, %eax
	mov $idt + VECTOR * 8, %edi
	movw %ax, (%edi)
	movw $0x10, 2(%edi)
	movw $0x8e00, 4(%edi)
	shr $16, %eax
	movw %ax, 6(%edi)
	lidt idtr
	/* LAPIC: software enable, spurious vector 0xff. */
	movl $0x1ff, LAPIC + 0xf0

	mov $0x40000002, %eax
	cpuid
	mov %ebx, %ecx
	mov $hcall_page, %eax
	xor %edx, %edx
	wrmsr

	mov $shinfo, %eax
	shr $12, %eax
	mov %eax, xatp + 16
	mov $7, %ebx		/* XENMEM_add_to_physmap */
	mov $xatp, %ecx
	call HC_STUB(HC_MEMORY_OP)
	test %eax, %eax
	jnz fail
	mov $23, %ebx		/* HVMOP_set_evtchn_upcall_vector */
	mov $upcall, %ecx
	call HC_STUB(HC_HVM_OP)
	test %eax, %eax
	jnz fail
	mov $7, %ebx		/* EVTCHNOP_bind_ipi */
	mov $bind_ipi, %ecx
	call HC_STUB(HC_EVTCHN_OP)
	test %eax, %eax
	jnz fail
	mov bind_ipi + 4, %eax
	mov %eax, send
	sti
	mov $4, %ebx		/* EVTCHNOP_send to ourselves */
	mov $send, %ecx
	call HC_STUB(HC_EVTCHN_OP)
	test %eax, %eax
	jnz fail
	nop
	nop
resume:
	cli
	cmpl $1, got_upcall
	jne fail
	mov $okmsg, %edx
	mov $okmsg_len, %ecx
	xor %ebx, %ebx
	call HC_STUB(HC_CONSOLE_IO)
	movl $0, reason		/* SHUTDOWN_poweroff */
	jmp shutdown
fail:
	movl $3, reason		/* SHUTDOWN_crash */
shutdown:
	mov $2, %ebx
	mov $reason, %ecx
	call HC_STUB(HC_SCHED_OP)
	jmp shutdown

/* PVM's emulator cannot run a 32-bit iret at CPL0 (emulation failure),
 * so the handler drops the frame and jumps back instead. */
handler:
	incl got_upcall
	movl $0, LAPIC + 0xb0	/* EOI */
	add $12, %esp
	jmp resume

	.data
okmsg:	.ascii "upcall: vector 0xf3 delivered once\n"
	.set okmsg_len, . - okmsg
	.balign 8
idtr:	.word 256 * 8 - 1
	.long idt
	.balign 8
xatp:	.word 0x7ff0, 0		/* DOMID_SELF, size */
	.long 0			/* XENMAPSPACE_shared_info */
	.quad 0			/* idx */
	.quad 0			/* gpfn: set at run time */
upcall:	.long 0			/* vcpu */
	.byte VECTOR, 0, 0, 0
bind_ipi: .long 0, 0		/* vcpu, port (out) */
send:	.long 0
got_upcall: .long 0
reason:	.long 0

	.bss
	.balign 4096
hcall_page:
	.skip 4096
shinfo:
	.skip 4096
idt:
	.skip 2048
	.balign 16
	.skip 4096
stack_top:
