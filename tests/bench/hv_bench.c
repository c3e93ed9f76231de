/*
 * tests/bench/hv_bench.c: the foundation benchmarks (issue 2), each set
 * against its ceiling in the same run:
 *   - null hypercall vs a raw PIO exit to user space (guest app hcbench);
 *   - event-channel send -> handled: guest loopback (hcbench) and a
 *     guest <-> dom0 eventfd round trip (guest app evtping + this program
 *     as the dom0 peer, through libxylemctl), with EVTCHNOP_send, the
 *     notify doorbell through its ioeventfd, and the doorbell's user-space
 *     path (a second xylem-hv with XYLEM_NO_FAST_NOTIFY=1);
 *   - `xyl create` -> guest main and -> poweroff, median of 20;
 *   - xylem-hv's own memory per extra domain.
 * Writes a markdown table to the file named by argv[1] (and stdout).
 */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "harness.h"
#include "proc.h"
#include "xylctl.h"

#define GUEST_TIMEOUT_MS 120000
#define CREATE_RUNS	 20
#define MEM_DOMAINS	 8

static struct harness_hv hv;
static char xyl[4096], guest[4096];

static char *
write_config(const char *name, unsigned mem_mib, const char *cmdline)
{
	char *path;
	FILE *f;

	if (asprintf(&path, "%s/%s.cfg", hv.rundir, name) < 0)
		return NULL;
	f = fopen(path, "w");
	if (!f) {
		free(path);
		return NULL;
	}
	fprintf(f,
		"name = \"%s\"\ntype = \"pvh\"\nkernel = \"%s\"\nmemory = %u\n"
		"vcpus = 1\ncmdline = \"%s\"\n",
		name, guest, mem_mib, cmdline);
	fclose(f);
	return path;
}

static int
start_guest(struct proc *p, const char *name, unsigned mem_mib,
	    const char *cmdline)
{
	char *cfg = write_config(name, mem_mib, cmdline);
	char *argv[] = {xyl, "create", cfg, "-c", NULL};
	int rc;

	if (!cfg)
		return -ENOMEM;
	rc = proc_start(p, hv.rundir, argv);
	free(cfg);
	return rc;
}

/* Value of "key=<number>" in text, or -1. */
static long long
find_value(const char *text, const char *key)
{
	const char *s = text ? strstr(text, key) : NULL;

	if (!s)
		return -1;
	return strtoll(s + strlen(key), NULL, 10);
}

static void
bench_hypercalls(void)
{
	struct proc p;
	long long hc, pio, loop;
	char v[64], c[64], r[64];
	int rc;

	if (start_guest(&p, "hcbench", 32, "app=hcbench count=20000") < 0)
		return;
	rc = proc_wait(&p, GUEST_TIMEOUT_MS);
	hc = find_value(p.out, "bench: null_hypercall_ns=");
	pio = find_value(p.out, "bench: pio_exit_ns=");
	loop = find_value(p.out, "bench: evtchn_loopback_ns=");
	if (rc != 0 || hc < 0 || pio <= 0) {
		fprintf(stderr, "hcbench failed (%d):\n%s\n", rc, p.out);
		bench_row("null hypercall (guest ring 3)", "failed", "-", "-");
	} else {
		snprintf(v, sizeof(v), "%.2f µs", hc / 1000.0);
		snprintf(c, sizeof(c), "%.2f µs raw PIO exit", pio / 1000.0);
		snprintf(r, sizeof(r), "%.2f×", (double)hc / (double)pio);
		bench_row("null hypercall (xen_version), guest ring 3", v, c,
			  r);
	}
	if (loop > 0 && pio > 0) {
		snprintf(v, sizeof(v), "%.2f µs", loop / 1000.0);
		snprintf(c, sizeof(c), "%.2f µs raw PIO exit", pio / 1000.0);
		snprintf(r, sizeof(r), "%.2f×", (double)loop / (double)pio);
		bench_row("evtchn send → handled, guest loopback", v, c, r);
	}
	proc_free(&p);
}

/* dom0 side of evtping: bind the guest's port, kick once, then answer
 * every notify with a kick until the guest prints its result. */
static int
serve_evtping(struct proc *p, const char *name)
{
	struct xylctl *x = NULL;
	struct xylctl_evtchn ch = {.notify_fd = -1, .kick_fd = -1};
	xyl_domid_t domid;
	long long port;
	int rc;

	rc = proc_wait_output(p, "evtping: port ", 60000);
	if (rc == 0)
		rc = proc_wait_output(p, "\n", 1000);
	port = find_value(p->out, "evtping: port ");
	if (rc < 0 || port <= 0)
		return rc < 0 ? rc : -EPROTO;
	rc = xylctl_open(hv.rundir, &x);
	if (rc < 0)
		return rc;
	rc = xylctl_domain_lookup(x, name, &domid);
	if (rc == 0)
		rc = xylctl_evtchn_bind_interdomain(x, domid, (uint32_t)port,
						    &ch);
	if (rc == 0) {
		xylctl_evtchn_drain(&ch);
		xylctl_evtchn_notify(&ch);
		while (find_value(p->out, "bench: evtchn_dom0_rtt_ns=") < 0) {
			struct pollfd pf[2] = {
				{.fd = ch.notify_fd, .events = POLLIN},
				{.fd = p->out_fd, .events = POLLIN}};

			if (poll(pf, 2, 1000) < 0)
				break;
			if ((pf[0].revents & POLLIN) &&
			    xylctl_evtchn_drain(&ch) > 0)
				xylctl_evtchn_notify(&ch);
			if (pf[1].revents && proc_read_some(p, 0) == 0)
				break;
		}
		xylctl_evtchn_close(x, &ch);
	}
	xylctl_close(x);
	return rc;
}

struct notify_result {
	long long rtt_ns;    /* guest -> dom0 -> guest round trip */
	long long notify_ns; /* guest-side cost of one notify */
};

/* evtping with the given fastnotify= value; 0 or -1 (failed). */
static int
run_evtping(const char *fastnotify, struct notify_result *res)
{
	struct proc p;
	char cmdline[96];
	int rc;

	snprintf(cmdline, sizeof(cmdline), "app=evtping count=2000 %s",
		 fastnotify);
	if (start_guest(&p, "evtping", 32, cmdline) < 0)
		return -1;
	rc = serve_evtping(&p, "evtping");
	if (rc < 0)
		fprintf(stderr, "evtping dom0 side: %s\n", strerror(-rc));
	rc = proc_wait(&p, GUEST_TIMEOUT_MS);
	res->rtt_ns = find_value(p.out, "bench: evtchn_dom0_rtt_ns=");
	res->notify_ns = find_value(p.out, "bench: evtchn_notify_ns=");
	if (rc != 0 || res->rtt_ns <= 0 || res->notify_ns <= 0) {
		fprintf(stderr, "evtping (%s) failed (%d):\n%s\n", fastnotify,
			rc, p.out);
		rc = -1;
	}
	proc_free(&p);
	return rc;
}

/* Rows for one notify path, against the hypercall's (base) if given. */
static void
notify_rows(const char *how, const struct notify_result *r,
	    const struct notify_result *base)
{
	char what[160], v[64], c[64], q[64];

	snprintf(what, sizeof(what),
		 "evtchn guest → dom0 → guest round trip, %s", how);
	snprintf(v, sizeof(v), "%.2f µs", r->rtt_ns / 1000.0);
	if (base) {
		snprintf(c, sizeof(c), "%.2f µs with EVTCHNOP_send",
			 base->rtt_ns / 1000.0);
		snprintf(q, sizeof(q), "%.2f×",
			 (double)r->rtt_ns / (double)base->rtt_ns);
	} else {
		/* Two cross-thread eventfd wake-ups (one each way), ~7 µs
		 * each on these hosts (performance-anchors §6). */
		snprintf(c, sizeof(c), "2 eventfd wake-ups ≈ 14 µs");
		snprintf(q, sizeof(q), "%.2f×", r->rtt_ns / 14000.0);
	}
	bench_row(what, v, c, q);
	snprintf(what, sizeof(what), "guest-side cost of one notify, %s", how);
	snprintf(v, sizeof(v), "%.2f µs", r->notify_ns / 1000.0);
	if (base) {
		snprintf(c, sizeof(c), "%.2f µs with EVTCHNOP_send",
			 base->notify_ns / 1000.0);
		snprintf(q, sizeof(q), "%.2f×",
			 (double)r->notify_ns / (double)base->notify_ns);
	} else {
		snprintf(c, sizeof(c), "-");
		snprintf(q, sizeof(q), "-");
	}
	bench_row(what, v, c, q);
}

static struct notify_result notify_base;
static bool has_notify_base;

/* EVTCHNOP_send against the doorbell (ioeventfd) in the same xylem-hv. */
static void
bench_evtchn_dom0(void)
{
	struct notify_result r;

	has_notify_base = run_evtping("fastnotify=0", &notify_base) == 0;
	if (has_notify_base)
		notify_rows("EVTCHNOP_send", &notify_base, NULL);
	else
		bench_row("evtchn guest → dom0 → guest round trip", "failed",
			  "-", "-");
	if (run_evtping("fastnotify=1", &r) == 0)
		notify_rows("doorbell (ioeventfd)", &r,
			    has_notify_base ? &notify_base : NULL);
	else
		bench_row("evtchn round trip, doorbell (ioeventfd)", "failed",
			  "-", "-");
}

/* The doorbell's user-space path: a xylem-hv with XYLEM_NO_FAST_NOTIFY=1
 * (replaces the running one). */
static void
bench_evtchn_dom0_slow(void)
{
	struct notify_result r;
	int rc;

	harness_hv_stop(&hv);
	setenv("XYLEM_NO_FAST_NOTIFY", "1", 1);
	rc = harness_hv_start(&hv, NULL, 10000);
	unsetenv("XYLEM_NO_FAST_NOTIFY");
	if (rc < 0 || run_evtping("fastnotify=1", &r) < 0) {
		bench_row("evtchn round trip, doorbell without ioeventfd",
			  "failed", "-", "-");
		return;
	}
	notify_rows("doorbell without ioeventfd (XYLEM_NO_FAST_NOTIFY=1)", &r,
		    has_notify_base ? &notify_base : NULL);
}

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void
bench_create(void)
{
	uint64_t to_main[CREATE_RUNS], to_off[CREATE_RUNS];
	int ok = 0;
	char v[64], r[64];

	for (int i = 0; i < CREATE_RUNS; i++) {
		struct proc p;
		uint64_t t0 = bench_now_ns(), seen = 0;
		int rc;

		if (start_guest(&p, "boot", 32, "") < 0)
			break;
		if (proc_wait_output(&p, "Xylem guest kernel", 60000) == 0)
			seen = bench_now_ns();
		rc = proc_wait(&p, GUEST_TIMEOUT_MS);
		if (rc == 0 && seen) {
			to_main[ok] = seen - t0;
			to_off[ok] = bench_now_ns() - t0;
			ok++;
		} else {
			fprintf(stderr, "create run %d failed (%d):\n%s\n", i,
				rc, p.out);
		}
		proc_free(&p);
	}
	if (!ok) {
		bench_row("xyl create → guest main", "failed", "-", "-");
		return;
	}
	qsort(to_main, ok, sizeof(to_main[0]), cmp_u64);
	qsort(to_off, ok, sizeof(to_off[0]), cmp_u64);
	snprintf(v, sizeof(v), "%.1f ms (median of %d)", to_main[ok / 2] / 1e6,
		 ok);
	snprintf(r, sizeof(r), "%.2f×", to_main[ok / 2] / 125e6);
	bench_row("`xyl create -c` → guest main", v,
		  "Firecracker InstanceStart → init ≤ 125 ms", r);
	snprintf(v, sizeof(v), "%.1f ms (median of %d)", to_off[ok / 2] / 1e6,
		 ok);
	snprintf(r, sizeof(r), "%.2f×", to_off[ok / 2] / 125e6);
	bench_row("`xyl create -c` → poweroff, xyl exited", v,
		  "Firecracker InstanceStart → init ≤ 125 ms", r);
}

/* RssAnon of pid in KiB: xylem-hv's own memory, not the guests' memfds. */
static long
rss_anon_kib(pid_t pid)
{
	char path[64], line[256];
	long kib = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "RssAnon: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void
bench_memory(void)
{
	struct proc p[MEM_DOMAINS];
	long before, after;
	int started = 0;
	char name[32], v[64], c[64], r[64];

	before = rss_anon_kib(hv.pid);
	for (int i = 0; i < MEM_DOMAINS; i++) {
		snprintf(name, sizeof(name), "mem%d", i);
		if (start_guest(&p[i], name, 32, "app=idle touch_mb=1") < 0)
			break;
		started++;
	}
	sleep(3);
	after = rss_anon_kib(hv.pid);
	for (int i = 0; i < started; i++) {
		char *argv[] = {xyl, "destroy", NULL, NULL};
		struct proc d;

		snprintf(name, sizeof(name), "mem%d", i);
		argv[2] = name;
		proc_run(&d, hv.rundir, argv, 30000);
		proc_free(&d);
		proc_wait(&p[i], 30000);
		proc_free(&p[i]);
	}
	if (before < 0 || after < 0 || !started) {
		bench_row("xylem-hv memory per extra domain", "failed", "-",
			  "-");
		return;
	}
	snprintf(v, sizeof(v), "%.0f KiB", (double)(after - before) / started);
	snprintf(c, sizeof(c), "Firecracker VMM ≤ 5 MiB per microVM");
	snprintf(r, sizeof(r), "%.3f×",
		 (double)(after - before) / started / (5 * 1024.0));
	bench_row("xylem-hv own memory (RssAnon) per extra idle domain", v, c,
		  r);
}

int
main(int argc, char **argv)
{
	const char *skip = harness_skip_reason();
	bool only_notify;

	signal(SIGPIPE, SIG_IGN);
	if (skip) {
		printf("hv_bench: skipped: %s\n", skip);
		return 0;
	}
	bench_table_open(argc, argv);
	if (proc_bin_path("xyl", xyl, sizeof(xyl)) < 0 ||
	    proc_guest_path(guest, sizeof(guest)) < 0 ||
	    harness_hv_start(&hv, NULL, 10000) < 0) {
		fprintf(stderr, "hv_bench: cannot start xylem-hv\n");
		return 1;
	}
	/* HV_BENCH_ONLY=notify: just the notify rows (quick comparisons). */
	only_notify = getenv("HV_BENCH_ONLY") &&
		      strcmp(getenv("HV_BENCH_ONLY"), "notify") == 0;
	if (!only_notify)
		bench_hypercalls();
	bench_evtchn_dom0();
	if (!only_notify) {
		bench_create();
		bench_memory();
	}
	bench_evtchn_dom0_slow();
	harness_hv_stop(&hv);
	bench_table_close();
	return 0;
}
