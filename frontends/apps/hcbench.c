/*
 * apps/hcbench.c: micro-benchmarks of the guest ABI, timed with pvclock:
 * a null hypercall (xen_version), a raw PIO exit (outb to port 0x80) and
 * the event-channel loopback (send on a self-bound interdomain port until
 * the main loop's handler runs).  count=N iterations each (default 20000).
 */
#include <stdint.h>

#include <xen/xen.h>
#include <xen/version.h>

#include "gk/console.h"
#include "gk/evtchn.h"
#include "gk/hypercall.h"
#include "gk/kernel.h"
#include "gk/time.h"

#define HCBENCH_DEFAULT_COUNT 20000
#define HCBENCH_MAX_COUNT     10000000
#define HCBENCH_PIO_PORT      0x80

static uint64_t
bench_null(uint64_t n)
{
	uint64_t t0 = gk_time_now_ns();

	for (uint64_t i = 0; i < n; i++)
		gk_hc_xen_version(XENVER_version, 0);
	return (gk_time_now_ns() - t0) / n;
}

static uint64_t
bench_pio(uint64_t n)
{
	uint64_t t0 = gk_time_now_ns();

	for (uint64_t i = 0; i < n; i++)
		__asm__ volatile("outb %b0, %w1"
				 :
				 : "a"(0), "Nd"(HCBENCH_PIO_PORT));
	return (gk_time_now_ns() - t0) / n;
}

static void
bench_count(evtchn_port_t port, void *arg)
{
	(void)port;
	(*(volatile uint64_t *)arg)++;
}

/* 0 on failure (the ports could not be set up). */
static uint64_t
bench_loopback(uint64_t n)
{
	volatile uint64_t hits = 0;
	evtchn_port_t p1, p2;
	uint64_t t0;

	if (gk_evtchn_alloc_unbound(DOMID_SELF, &p1) < 0 ||
	    gk_evtchn_bind_interdomain(DOMID_SELF, p1, &p2) < 0)
		return 0;
	gk_evtchn_set_handler(&gk.evtchn, p1, bench_count, (void *)&hits);
	gk_evtchn_unmask(p1);
	gk_evtchn_poll();
	hits = 0;
	t0 = gk_time_now_ns();
	for (uint64_t i = 0; i < n; i++) {
		gk_evtchn_send(p2);
		while (hits <= i)
			gk_wait_for_events();
	}
	t0 = (gk_time_now_ns() - t0) / n;
	gk_evtchn_clear_handler(&gk.evtchn, p1);
	gk_evtchn_close(p2);
	gk_evtchn_close(p1);
	return t0;
}

int
gk_app_hcbench(const char *cmdline)
{
	uint64_t n = HCBENCH_DEFAULT_COUNT, loop;

	gk_cmdline_get_u64(cmdline, "count", &n);
	if (n == 0 || n > HCBENCH_MAX_COUNT)
		n = HCBENCH_DEFAULT_COUNT;
	gk_info("bench: null_hypercall_ns=%llu\n",
		(unsigned long long)bench_null(n));
	gk_info("bench: pio_exit_ns=%llu\n", (unsigned long long)bench_pio(n));
	loop = bench_loopback(n);
	if (!loop) {
		gk_err("bench: event-channel loopback setup failed\n");
		return -1;
	}
	gk_info("bench: evtchn_loopback_ns=%llu\n", (unsigned long long)loop);
	return 0;
}
