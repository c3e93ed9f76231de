/*
 * kernel/trap.c: the IDT gates (written once from ring 3, pointing at the
 * ring-0 trampolines of boot/traps.S) and the ring-3 fault handler, which
 * prints the saved registers and crashes the domain.  A fault is always
 * fatal here; there is no resume path.
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "gk/boot.h"
#include "gk/console.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"

/* The frame boot/traps.S leaves on the trap stack, low address first. */
struct gk_trap_frame {
	uint64_t cr2;
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error;
	uint64_t rip, cs, rflags, rsp, ss;
};

struct gk_idt_gate {
	uint16_t offset_lo;
	uint16_t selector;
	uint8_t ist;
	uint8_t type_attr;
	uint16_t offset_mid;
	uint32_t offset_hi;
	uint32_t zero;
};
_Static_assert(sizeof(struct gk_idt_gate) == 16, "IDT gate");

extern struct gk_idt_gate gk_idt[256];
extern const uint64_t gk_trap_vectors[GK_NR_TRAP_VECTORS];

__attribute__((noreturn)) void gk_trap_handler(struct gk_trap_frame *f);

void
gk_trap_init(void)
{
	for (unsigned int v = 0; v < GK_NR_TRAP_VECTORS; v++) {
		uint64_t off = gk_trap_vectors[v];
		/* Present interrupt gates; #BP and #OF also callable from
		 * ring 3 (int3 / into), everything else DPL0. */
		uint8_t dpl = (v == 3 || v == 4) ? 3 : 0;

		gk_idt[v] = (struct gk_idt_gate){
			.offset_lo = (uint16_t)off,
			.selector = GK_KERNEL_CS,
			.ist = 0,
			.type_attr = (uint8_t)(0x8e | (dpl << 5)),
			.offset_mid = (uint16_t)(off >> 16),
			.offset_hi = (uint32_t)(off >> 32),
			.zero = 0,
		};
	}
}

static const char *
trap_name(uint64_t v)
{
	static const char *const names[] = {
		"#DE divide error",
		"#DB debug",
		"NMI",
		"#BP breakpoint",
		"#OF overflow",
		"#BR bound",
		"#UD invalid opcode",
		"#NM no FPU",
		"#DF double fault",
		"coprocessor overrun",
		"#TS invalid TSS",
		"#NP not present",
		"#SS stack fault",
		"#GP general protection",
		"#PF page fault",
		"reserved 15",
		"#MF x87 error",
		"#AC alignment check",
		"#MC machine check",
		"#XM SIMD error",
		"#VE virtualization",
		"#CP control protection",
	};

	if (v < sizeof(names) / sizeof(names[0]))
		return names[v];
	return "reserved";
}

void
gk_trap_handler(struct gk_trap_frame *f)
{
	struct sched_shutdown sd = {.reason = SHUTDOWN_crash};

	if (gk.trap_nesting++) {
		gk_hc_sched_op(SCHEDOP_shutdown, &sd);
		for (;;)
			gk_hc_sched_op(SCHEDOP_yield, 0);
	}
	gk_err("trap %lu (%s) error %#lx at rip %#lx\n", f->vector,
	       trap_name(f->vector), f->error, f->rip);
	gk_err("  cs %#lx ss %#lx rflags %#lx rsp %#lx cr2 %#lx\n", f->cs,
	       f->ss, f->rflags, f->rsp, f->cr2);
	gk_err("  rax %016lx rbx %016lx rcx %016lx rdx %016lx\n", f->rax,
	       f->rbx, f->rcx, f->rdx);
	gk_err("  rsi %016lx rdi %016lx rbp %016lx r8  %016lx\n", f->rsi,
	       f->rdi, f->rbp, f->r8);
	gk_err("  r9  %016lx r10 %016lx r11 %016lx r12 %016lx\n", f->r9, f->r10,
	       f->r11, f->r12);
	gk_err("  r13 %016lx r14 %016lx r15 %016lx\n", f->r13, f->r14, f->r15);
	gk_shutdown(SHUTDOWN_crash);
}
