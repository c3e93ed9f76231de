/*
 * apps/idle.c: touches touch_mb=N MiB of RAM (one byte per page, pages from
 * the page allocator), prints "idle: touched N MiB" and then idles in the
 * main loop for ever, handling events and blocking in SCHEDOP_block.  Used
 * to measure the hypervisor's memory cost of a live guest.
 */
#include <stdint.h>

#include "gk/console.h"
#include "gk/kernel.h"

#define IDLE_CHUNK_PAGES 256 /* 1 MiB */

int
gk_app_idle(const char *cmdline)
{
	uint64_t mb = 0;

	gk_cmdline_get_u64(cmdline, "touch_mb", &mb);
	for (uint64_t i = 0; i < mb; i++) {
		uint64_t pfn = gk_pages_alloc(&gk.pages, IDLE_CHUNK_PAGES);

		if (!pfn) {
			gk_err("idle: out of memory after %llu MiB\n",
			       (unsigned long long)i);
			return -1;
		}
		for (uint64_t p = 0; p < IDLE_CHUNK_PAGES; p++)
			*(volatile uint8_t *)(uintptr_t)((pfn + p) << 12) = 1;
	}
	gk_info("idle: touched %llu MiB\n", (unsigned long long)mb);
	for (;;)
		gk_wait_for_events();
}
