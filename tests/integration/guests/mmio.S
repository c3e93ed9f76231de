/*
 * tests/integration/guests/mmio.S: a PVH guest that reads guest-physical
 * memory outside RAM (no device there).  xylem-hv must crash only this
 * domain and name the address.
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
	mov 0xf0001000, %eax
	jmp _start
