/*
 * gk/kernel.h: the guest kernel's one context (struct gk_kernel, defined in
 * kernel/main.c), the PVH start-of-day structures, shutdown and the app
 * table.  Everything here runs in ring 3.
 */
#ifndef GK_KERNEL_H
#define GK_KERNEL_H

#include <stdint.h>

#include <xen/xen.h>
#include <xen/arch-x86/hvm/start_info.h>

#include "gk/cmdline.h"
#include "gk/evtchn.h"
#include "gk/gnttab.h"
#include "gk/page_alloc.h"

#define GK_MEMMAP_MAX	32
#define GK_HEAP_CLASSES 7 /* 32 B .. 2 KiB */

struct heap_free;
struct xenbus;
struct consfront;
struct gk_smp;
struct blkfront_dev;

/* The kernel context.  Created zeroed in .bss; gk_start() fills it in
 * order (console, cmdline, memory, shared_info, events, time, grants) and
 * every unit reads it from there.  Single vCPU: nothing here is locked. */
struct gk_kernel {
	uint32_t boot_flags;
	int console_level; /* enum gk_log_level */
	char cmdline[GK_CMDLINE_MAX];
	struct hvm_memmap_table_entry memmap[GK_MEMMAP_MAX];
	uint32_t nr_memmap;
	uint64_t ram_end; /* end of the highest RAM range */

	struct shared_info *shared_info;
	struct vcpu_info *vcpu_info; /* shared_info's slot, or registered */

	struct gk_pages pages;
	struct gk_evtchn evtchn;
	evtchn_port_t timer_port;
	uint64_t timer_ticks;
	struct gk_gnttab gnttab;
	struct heap_free *heap_lists[GK_HEAP_CLASSES]; /* heap.c */
	int trap_nesting;			       /* trap.c */
	uint64_t boot_tsc;			       /* TSC at gk_start */
	struct xenbus *xenbus; /* xenbus.c; NULL before xenbus_init */
	struct consfront *consfront; /* consfront.c; NULL: console_io */
	struct gk_smp *smp; /* smp.c; NULL until the first AP starts */
	/* The first PVH module (ramdisk), kept out of the page allocator;
	 * 0 bytes: none, or not inside RAM.  apps/svicheck.c reads it. */
	uint64_t module_paddr;
	uint64_t module_bytes;
	struct blkfront_dev *blk_devs; /* blkfront.c: open vbds */
};

extern struct gk_kernel gk;

/* Start-of-day symbols from boot/entry.S and kernel.ld. */
extern uint32_t gk_boot_flags;
extern uint32_t gk_boot_start_info;
extern char gk_image_start[], gk_image_end[];

/* SCHEDOP_shutdown with reason; never returns. */
__attribute__((noreturn)) void gk_shutdown(unsigned int reason);
/* Print the message and crash the domain. */
__attribute__((noreturn, format(printf, 1, 2))) void gk_panic(const char *fmt,
							      ...);

/* Map shared_info into the page gk owns (kernel/shared_info.c). */
int gk_shared_info_init(void);
/* Set up the IDT gates for the trap trampolines (kernel/trap.c). */
void gk_trap_init(void);
/* Main-loop helper: handle events, else block until one comes. */
void gk_wait_for_events(void);

/* Apps: main returns 0 to power off, anything else to crash. */
struct gk_app {
	const char *name;
	int (*main)(const char *cmdline);
};
int gk_app_selftest(const char *cmdline);
int gk_app_evtping(const char *cmdline);
int gk_app_fault(const char *cmdline);
int gk_app_hcbench(const char *cmdline);
int gk_app_hostile(const char *cmdline);
int gk_app_idle(const char *cmdline);
int gk_app_svicheck(const char *cmdline);
int gk_app_svicat(const char *cmdline);
int gk_app_echo(const char *cmdline);
int gk_app_smptest(const char *cmdline);
int gk_app_spin(const char *cmdline);
int gk_app_xsbench(const char *cmdline);
int gk_app_stimer(const char *cmdline);
int gk_app_blktest(const char *cmdline);
int gk_app_demo(const char *cmdline);
int gk_app_blkbench(const char *cmdline);
int gk_app_blkhostile(const char *cmdline);
int gk_app_netecho(const char *cmdline);
int gk_app_netbench(const char *cmdline);
int gk_app_nethostile(const char *cmdline);

#endif
