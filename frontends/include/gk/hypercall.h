/*
 * gk/hypercall.h: hypercalls through the page xylem-hv filled at boot
 * (include/xylem/hcall.h): stub n is at gk_hypercall_page + 32 * n and
 * follows Xen's 64-bit register ABI (rdi rsi rdx r10 r8 -> rax).  Results
 * are Xen errno values (negative) or >= 0.  Pointers are virtual addresses,
 * equal to physical ones here.
 */
#ifndef GK_HYPERCALL_H
#define GK_HYPERCALL_H

#include <stdint.h>

#include "xylem/hcall.h"

extern char gk_hypercall_page[];

/* Call stub nr (< 128) with five arguments. */
static inline long
gk_hcall(unsigned int nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	 uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	void *stub = gk_hypercall_page + nr * XYL_HYPERCALL_STUB_BYTES;
	long ret;

	__asm__ volatile("call *%[stub]"
			 : "=a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [stub] "r"(stub)
			 : "memory", "cc");
	return ret;
}

/* The same trap without the page: any 64-bit nr, for probing numbers the
 * page has no stub for (hostile app, -ENOSYS checks). */
static inline long
gk_hcall_raw(uint64_t nr, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
	     uint64_t a5)
{
	register uint64_t r10 __asm__("r10") = a4;
	register uint64_t r8 __asm__("r8") = a5;
	long ret = (long)nr;

	__asm__ volatile("outl %%eax, %[port]"
			 : "+a"(ret), "+D"(a1), "+S"(a2), "+d"(a3), "+r"(r10),
			   "+r"(r8)
			 : [port] "i"(XYL_HYPERCALL_IO_PORT)
			 : "memory", "cc");
	return ret;
}

/* True if the hypervisor put a stub at nr (first byte `mov $n,%eax`). */
int gk_hcall_has_stub(unsigned int nr);

long gk_hc_xen_version(int cmd, void *arg);
long gk_hc_console_write(const char *buf, unsigned long len);
long gk_hc_memory_op(unsigned int cmd, void *arg);
long gk_hc_hvm_op(unsigned int cmd, void *arg);
long gk_hc_vcpu_op(int cmd, unsigned int vcpu, void *arg);
long gk_hc_sched_op(int cmd, void *arg);
long gk_hc_set_timer_op(uint64_t timeout_abs_ns);
long gk_hc_event_channel_op(int cmd, void *arg);
long gk_hc_grant_table_op(unsigned int cmd, void *uop, unsigned int count);

#endif
