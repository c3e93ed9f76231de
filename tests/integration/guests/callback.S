/*
 * tests/integration/guests/callback.S: the global callback vector
 * (HVM_PARAM_CALLBACK_IRQ = 2 << 56 | 0xf3), in 32-bit ring 0.  The
 * handler never EOIs: a second event must still arrive, the LAPIC ISR bit
 * must stay clear, nothing may arrive while IF=0, a pending vector must
 * arrive once IF=1 without a hypercall (re-kick), and must wake hlt.
 */
#define HC_STUB(n) (hcall_page + (n) * 32)
#define HC_CONSOLE_IO 18
#define HC_MEMORY_OP 12
#define HC_XEN_VERSION 17
#define HC_VCPU_OP 24
#define HC_SCHED_OP 29
#define HC_EVTCHN_OP 32
#define HC_HVM_OP 34
#define LAPIC 0xfee00000
#define VECTOR 0xf3
#define ISR_WORD (LAPIC + 0x100 + (VECTOR / 32) * 0x10)
#define ISR_BIT (1 << (VECTOR % 32))

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
	/* LAPIC software-enabled, so an MSI-style delivery would set ISR. */
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
	xor %ebx, %ebx		/* HVMOP_set_param CALLBACK_IRQ */
	mov $param, %ecx
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

	/* 1: IF=1, send to ourselves: the vector arrives. */
	movl $phase2, resume
	sti
	call do_send
	jmp fail

	/* 2: again, with the first never EOId: no ISR blocking. */
phase2:
	mov $stack_top, %esp
	cmpl $1, got
	jne fail
	movl $phase3, resume
	sti
	call do_send
	jmp fail

	/* 3: IF=0: nothing arrives across several exits... */
phase3:
	mov $stack_top, %esp
	cmpl $2, got
	jne fail
	testl $ISR_BIT, ISR_WORD
	jnz fail
	call do_send
	xor %ebx, %ebx
	call HC_STUB(HC_XEN_VERSION)
	xor %ebx, %ebx
	call HC_STUB(HC_XEN_VERSION)
	cmpl $2, got
	jne fail
	/* ...and once IF=1 it arrives with no exit of ours (the
	 * hypervisor's re-kick gets it in); bounded wait. */
	movl $phase4, resume
	mov $3000000, %esi
	sti
wait3:
	dec %esi
	jnz wait3
	jmp fail

	/* 4: a timer event from another thread wakes hlt. */
phase4:
	mov $stack_top, %esp
	cmpl $3, got
	jne fail
	mov $1, %ebx		/* EVTCHNOP_bind_virq VIRQ_TIMER */
	mov $bind_virq, %ecx
	call HC_STUB(HC_EVTCHN_OP)
	test %eax, %eax
	jnz fail
	movl $done, resume
	mov $6, %ebx		/* VCPUOP_set_periodic_timer, vcpu 0 */
	xor %ecx, %ecx
	mov $period, %edx
	call HC_STUB(HC_VCPU_OP)
	test %eax, %eax
	jnz fail
	sti
	hlt
	jmp fail

done:
	mov $stack_top, %esp
	mov $7, %ebx		/* VCPUOP_stop_periodic_timer */
	xor %ecx, %ecx
	xor %edx, %edx
	call HC_STUB(HC_VCPU_OP)
	cmpl $4, got
	jne fail
	testl $ISR_BIT, ISR_WORD
	jnz fail
	mov $okmsg, %edx
	mov $okmsg_len, %ecx
	xor %ebx, %ebx
	call HC_STUB(HC_CONSOLE_IO)
	movl $0, reason		/* SHUTDOWN_poweroff */
	jmp shutdown
fail:
	cli
	movl $3, reason		/* SHUTDOWN_crash */
shutdown:
	mov $2, %ebx
	mov $reason, %ecx
	call HC_STUB(HC_SCHED_OP)
	jmp shutdown

do_send:
	mov $4, %ebx		/* EVTCHNOP_send */
	mov $send, %ecx
	call HC_STUB(HC_EVTCHN_OP)
	ret

/* No EOI: Xen's callback vector bypasses the LAPIC.  Acknowledge the
 * event the Xen way (upcall_pending, selector, pending word), drop the
 * frame (PVM cannot emulate a 32-bit iret) and go on at *resume. */
handler:
	incl got
	movb $0, shinfo		/* vcpu_info[0].evtchn_upcall_pending */
	movl $0, shinfo + 8	/* evtchn_pending_sel */
	movl $0, shinfo + 2048	/* evtchn_pending[0] */
	add $12, %esp
	jmp *resume

	.data
okmsg:	.ascii "callback: vector 0xf3 x4, no EOI, none while IF=0\n"
	.set okmsg_len, . - okmsg
	.balign 8
idtr:	.word 256 * 8 - 1
	.long idt
	.balign 8
xatp:	.word 0x7ff0, 0		/* DOMID_SELF, size */
	.long 0			/* XENMAPSPACE_shared_info */
	.quad 0			/* idx */
	.quad 0			/* gpfn: set at run time */
param:	.word 0x7ff0, 0		/* DOMID_SELF */
	.long 0			/* HVM_PARAM_CALLBACK_IRQ */
	.quad (2 << 56) | VECTOR
period:	.quad 1000000		/* 1 ms */
bind_ipi: .long 0, 0		/* vcpu, port (out) */
bind_virq: .long 0, 0, 0	/* VIRQ_TIMER, vcpu, port (out) */
send:	.long 0
got:	.long 0
resume:	.long 0
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
