/*
 * kernel/main.c: the ring-3 start of the kernel (gk_start, entered by the
 * boot stub's iretq), the kernel context, start-of-day parsing of
 * hvm_start_info (untrusted layout: every count and pointer is bounded),
 * app selection and shutdown.
 */
#include <stdarg.h>

#include <stdint.h>

#include <xen/xen.h>
#include <xen/sched.h>

#include "gk/blk.h"
#include "gk/boot.h"
#include "gk/consfront.h"
#include "gk/console.h"
#include "gk/errno.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/printf.h"
#include "gk/string.h"
#include "gk/time.h"
#include "gk/xenbus.h"

struct gk_kernel gk;

__attribute__((noreturn)) void gk_start(void);

static const struct gk_app gk_apps[] = {
	{"blkbench", gk_app_blkbench},
	{"blkhostile", gk_app_blkhostile},
	{"blktest", gk_app_blktest},
	{"demo", gk_app_demo},
	{"echo", gk_app_echo},
	{"evtping", gk_app_evtping}, {"fault", gk_app_fault},
	{"hcbench", gk_app_hcbench}, {"hostile", gk_app_hostile},
	{"netbench", gk_app_netbench}, {"netecho", gk_app_netecho},
	{"nethostile", gk_app_nethostile},
	{"idle", gk_app_idle},	     {"selftest", gk_app_selftest},
	{"smptest", gk_app_smptest}, {"spin", gk_app_spin},
	{"stimer", gk_app_stimer},
	{"svicat", gk_app_svicat},
	{"svicheck", gk_app_svicheck},
	{"xsbench", gk_app_xsbench},
};

void
gk_shutdown(unsigned int reason)
{
	struct sched_shutdown sd = {.reason = reason};

	consfront_flush();
	for (;;) {
		gk_hc_sched_op(SCHEDOP_shutdown, &sd);
		gk_hc_sched_op(SCHEDOP_yield, 0);
	}
}

void
gk_panic(const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	gk_vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	gk_err("panic: %s\n", msg);
	gk_shutdown(SHUTDOWN_crash);
}

void
gk_wait_for_events(void)
{
	consfront_flush();
	if (gk_evtchn_poll() == 0 && !blkfront_idle_all())
		gk_hc_sched_op(SCHEDOP_block, 0);
}

/* Note the first PVH module (the loader's layout: bounded to 4 GiB here,
 * to RAM in module_reserve()). */
static void
read_module(const struct hvm_start_info *si)
{
	const struct hvm_modlist_entry *mod;

	if (!si->nr_modules || !si->modlist_paddr ||
	    si->modlist_paddr >= (1ull << 32) - 4096)
		return;
	mod = (const struct hvm_modlist_entry *)(uintptr_t)si->modlist_paddr;
	if (mod->paddr && mod->size && mod->paddr < (1ull << 32) &&
	    mod->size <= (1ull << 32) - mod->paddr) {
		gk.module_paddr = mod->paddr;
		gk.module_bytes = mod->size;
	}
}

/* Copy the cmdline and memory map out of hvm_start_info.  The layout came
 * from the loader: only addresses inside the identity map are read. */
static int
read_start_info(uint32_t paddr)
{
	const struct hvm_start_info *si;
	const struct hvm_memmap_table_entry *mm;
	const char *cl;

	if (paddr == 0)
		return -EINVAL;
	si = (const struct hvm_start_info *)(uintptr_t)paddr;
	if (si->magic != XEN_HVM_START_MAGIC_VALUE)
		return -EINVAL;
	if (si->cmdline_paddr && si->cmdline_paddr < (1ull << 32) - 4096) {
		cl = (const char *)(uintptr_t)si->cmdline_paddr;
		size_t n = strnlen(cl, GK_CMDLINE_MAX - 1);

		memcpy(gk.cmdline, cl, n);
		gk.cmdline[n] = '\0';
	}
	read_module(si);
	if (si->version < 1 || !si->memmap_paddr ||
	    si->memmap_paddr >= (1ull << 32) - 4096)
		return 0;
	mm = (const struct hvm_memmap_table_entry *)(uintptr_t)si->memmap_paddr;
	for (uint32_t i = 0; i < si->memmap_entries && i < GK_MEMMAP_MAX; i++)
		gk.memmap[gk.nr_memmap++] = mm[i];
	return 0;
}

/* Keep the module's pages out of the allocator; forget a module that is
 * not wholly inside one RAM range. */
static void
module_reserve(void)
{
	uint64_t end = gk.module_paddr + gk.module_bytes;

	for (uint32_t i = 0; gk.module_bytes && i < gk.nr_memmap; i++) {
		const struct hvm_memmap_table_entry *m = &gk.memmap[i];

		if (m->type == XEN_HVM_MEMMAP_TYPE_RAM &&
		    m->addr <= gk.module_paddr && end <= m->addr + m->size) {
			gk_pages_reserve_range(&gk.pages, gk.module_paddr,
					       gk.module_bytes);
			return;
		}
	}
	gk.module_paddr = gk.module_bytes = 0;
}

/* Feed RAM to the page allocator, minus low memory and the image. */
static void
memory_init(void)
{
	gk_pages_init(&gk.pages);
	for (uint32_t i = 0; i < gk.nr_memmap; i++) {
		const struct hvm_memmap_table_entry *m = &gk.memmap[i];
		uint64_t end = m->addr + m->size;

		if (m->type != XEN_HVM_MEMMAP_TYPE_RAM || end < m->addr)
			continue;
		gk_pages_add_range(&gk.pages, m->addr, m->size);
		if (end > gk.ram_end)
			gk.ram_end = end;
	}
	gk_pages_reserve_range(&gk.pages, 0, 0x100000);
	gk_pages_reserve_range(&gk.pages, (uintptr_t)gk_image_start,
			       gk_image_end - gk_image_start);
	module_reserve();
}

static void
console_init(void)
{
	uint64_t level;

	gk.console_level = GK_INFO;
	if (gk_cmdline_get_u64(gk.cmdline, "loglevel", &level) == 0)
		gk.console_level = level > GK_DEBUG ? GK_DEBUG : (int)level;
}

static void
core_init(void)
{
	int rc;

	memory_init();
	rc = gk_shared_info_init();
	if (rc < 0)
		gk_panic("shared_info: add_to_physmap failed (%d)", rc);
	gk_evtchn_init(&gk.evtchn);
	gk_evtchn_notify_init();
	/* Before anything polls events: the backend's kick must find the
	 * console's handler. */
	rc = consfront_init();
	if (rc < 0 && rc != -ENODEV)
		gk_warn("console ring unusable (%d): console_io only\n", rc);
	rc = gk_time_init();
	if (rc < 0)
		gk_panic("time: cannot bind VIRQ_TIMER (%d)", rc);
	rc = gk_gnttab_init();
	if (rc < 0)
		gk_warn("grant table unavailable (%d)\n", rc);
	xenbus_init();
	xenbus_control_init();
}

static int
run_app(void)
{
	char name[32];
	int rc = gk_cmdline_get(gk.cmdline, "app", name, sizeof(name));

	if (rc == -ENOENT) {
		gk_info("Xylem guest kernel: ring 3 at %lu us, ready at %lu us "
			"after domain start, %lu MiB free; no app= given, "
			"powering off\n",
			gk_time_at_tsc_ns(gk.boot_tsc) / 1000,
			gk_time_now_ns() / 1000, gk.pages.nr_free >> 8);
		return 0;
	}
	for (size_t i = 0; rc == 0 && i < sizeof(gk_apps) / sizeof(gk_apps[0]);
	     i++) {
		if (strcmp(name, gk_apps[i].name) == 0) {
			gk_debug("running app %s\n", name);
			return gk_apps[i].main(gk.cmdline);
		}
	}
	gk_err("unknown app (cmdline \"%s\"); apps: hcbench hostile idle "
	       "selftest\n",
	       gk.cmdline);
	return -EINVAL;
}

void
gk_start(void)
{
	gk.boot_tsc = gk_rdtsc();
	gk.boot_flags = gk_boot_flags;
	gk.console_level = GK_INFO;
	gk_trap_init();
	if (read_start_info(gk_boot_start_info) < 0)
		gk_warn("no valid hvm_start_info at %#x\n", gk_boot_start_info);
	if (!(gk.boot_flags & GK_BOOT_XEN)) {
		gk_err("no Xen hypervisor found (CPUID 0x40000000): halting\n");
		for (;;)
			__asm__ volatile("pause");
	}
	console_init();
	core_init();
	gk_shutdown(run_app() == 0 ? SHUTDOWN_poweroff : SHUTDOWN_crash);
}
