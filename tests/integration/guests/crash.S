/*
 * tests/integration/guests/crash.S: a PVH guest that faults at once with
 * no IDT (ud2 -> #UD -> #DF -> triple fault).  xylem-hv must report the
 * crash of this domain with its instruction bytes and registers.
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
	mov $0x12345678, %eax
	ud2
