/*
 * tests/integration/guests/spin.S: a PVH guest that prints one line and
 * then spins at CPL0 forever, for pause/destroy/SIGTERM tests: xylem-hv
 * must get its vCPU out of KVM_RUN.
 */
	.section .note.Xen, "a", @note
	.balign 4
	.long 4, 4, 18		/* XEN_ELFNOTE_PHYS32_ENTRY */
	.asciz "Xen"
	.long _start

	.text
	.code32
	.globl _start
_start:
	mov $msg, %esi
1:	lodsb
	test %al, %al
	jz 2f
	outb %al, $0xe9		/* debug console */
	jmp 1b
2:	jmp 2b

	.data
msg:	.asciz "spinning\n"
