/*
 * dom0-tools/xyl/cmd_top.c: `xyl top [-b] [-i N] [-d SECONDS]`: a basic
 * xentop: every domain's state, CPU time and share, memory and vCPUs,
 * refreshed every delay; -b prints plain frames (batch) for scripts.
 * Device I/O rates, notifications sent/suppressed and end-to-end latency
 * percentiles over each refresh come from the backends' per-device files
 * (top_io.h); -x and -n add a line per vbd and per vif.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "top_io.h"
#include "xyl.h"

struct top_opts {
	bool batch;
	bool show_vbds, show_vifs; /* -x, -n: a line per device */
	long iterations;	   /* 0: until interrupted */
	double delay_s;
};

/* The previous frame's CPU times, to turn them into a share. */
struct top_sample {
	xyl_domid_t domid;
	uint64_t cpu_ns;
	struct top_io io;
};

static volatile sig_atomic_t top_stop;

static void
on_stop(int sig)
{
	(void)sig;
	top_stop = 1;
}

static uint64_t
mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* xentop's six state letters: dying shutdown blocked crashed paused
 * running. */
static void
top_state(uint32_t st, char s[7])
{
	s[0] = st & XYL_DOMSTATE_DYING ? 'd' : '-';
	s[1] = st & XYL_DOMSTATE_SHUTDOWN && !(st & XYL_DOMSTATE_CRASHED) ? 's'
									  : '-';
	s[2] = st & XYL_DOMSTATE_BLOCKED ? 'b' : '-';
	s[3] = st & XYL_DOMSTATE_CRASHED ? 'c' : '-';
	s[4] = st & XYL_DOMSTATE_PAUSED ? 'p' : '-';
	s[5] = st & XYL_DOMSTATE_RUNNING ? 'r' : '-';
	s[6] = '\0';
}

static const struct top_sample *
top_prev(const struct top_sample *prev, size_t nr_prev, xyl_domid_t domid)
{
	for (size_t i = 0; i < nr_prev; i++)
		if (prev[i].domid == domid)
			return &prev[i];
	return NULL;
}

static void
top_print_e2e(const struct top_window *w)
{
	if (!w->counted)
		printf(" %9s %9s\n", "-", "-");
	else
		printf(" %9.0f %9.0f\n", top_window_e2e_us(w, 50),
		       top_window_e2e_us(w, 99));
}

/* The domain's columns from NETS on: vifs and vbds summed; latency of
 * its block requests (a vif's is on its own line, -n). */
static void
top_io_print(const struct top_io *io, const struct top_io *was,
	     uint64_t wall_ns)
{
	struct top_window net = {0}, blk = {0}, w;

	for (size_t i = 0; i < io->nr; i++) {
		const struct top_dev *d = &io->dev[i];

		top_window_of(d, was ? top_io_find(was, d) : NULL, wall_ns, &w);
		top_window_add(d->kind == TOP_VIF ? &net : &blk, &w);
	}
	printf(" %4u %8.0f %8.0f %4u %8.0f %8.0f %8.0f %8.0f",
	       top_io_count(io, TOP_VIF), net.ops_s[0], net.ops_s[1],
	       top_io_count(io, TOP_VBD), blk.ops_s[0], blk.ops_s[1],
	       net.notify_s + blk.notify_s,
	       net.suppressed_s + blk.suppressed_s);
	top_print_e2e(&blk);
}

/* -x / -n: one line per device. */
static void
top_devs_print(const struct top_opts *o, const struct top_io *io,
	       const struct top_io *was, uint64_t wall_ns)
{
	static const char *const dir[2][2] = {{"RD", "WR"}, {"TX", "RX"}};

	for (size_t i = 0; i < io->nr; i++) {
		const struct top_dev *d = &io->dev[i];
		const char *const *n = dir[d->kind];
		struct top_window w;

		if (d->kind == TOP_VBD ? !o->show_vbds : !o->show_vifs)
			continue;
		top_window_of(d, was ? top_io_find(was, d) : NULL, wall_ns, &w);
		printf("    %s %-6u %s/s %8.0f %s/s %8.0f %s(k)/s %9.1f "
		       "%s(k)/s %9.1f NTFY/s %8.0f SUPP/s %8.0f E2E50/99(us)",
		       d->kind == TOP_VBD ? "vbd" : "vif", d->devid, n[0],
		       w.ops_s[0], n[1], w.ops_s[1], n[0], w.kib_s[0], n[1],
		       w.kib_s[1], w.notify_s, w.suppressed_s);
		top_print_e2e(&w);
	}
}

static double
cpu_share(const struct top_sample *prev, size_t nr_prev,
	  const struct xyl_dominfo *d, uint64_t wall_ns)
{
	size_t i;

	for (i = 0; i < nr_prev && wall_ns > 0; i++)
		if (prev[i].domid == d->domid &&
		    d->cpu_time_ns >= prev[i].cpu_ns)
			return 100.0 *
			       (double)(d->cpu_time_ns - prev[i].cpu_ns) /
			       (double)wall_ns;
	return 0.0;
}

static void
top_frame(const struct top_opts *o, const struct xyl_ctl_host_info_reply *h,
	  const struct xyl_dominfo *d, const struct top_io *io, size_t nr,
	  const struct top_sample *prev, size_t nr_prev, uint64_t wall_ns)
{
	double total = h->total_kib ? (double)h->total_kib : 1.0;
	char state[7];
	size_t i;

	printf("xyl top - %u domains, %u CPUs, memory %llu KiB total, %llu KiB "
	       "free\n",
	       (unsigned)nr, h->nr_cpus, (unsigned long long)h->total_kib,
	       (unsigned long long)h->free_kib);
	printf("%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %4s %8s "
	       "%8s %8s %8s %9s %9s\n",
	       "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
	       "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "NETS", "NETTX/s", "NETRX/s",
	       "VBDS", "VBD_RD/s", "VBD_WR/s", "NTFY/s", "SUPP/s", "E2E50(us)",
	       "E2E99(us)");
	for (i = 0; i < nr; i++) {
		const struct top_sample *was =
			top_prev(prev, nr_prev, d[i].domid);

		top_state(d[i].state, state);
		printf("%10.10s %6s %10llu %6.1f %10llu %6.1f %10llu %9.1f "
		       "%5u",
		       d[i].name, state,
		       (unsigned long long)(d[i].cpu_time_ns / 1000000000ull),
		       cpu_share(prev, nr_prev, &d[i], wall_ns),
		       (unsigned long long)d[i].mem_kib,
		       100.0 * (double)d[i].mem_kib / total,
		       (unsigned long long)d[i].max_mem_kib,
		       100.0 * (double)d[i].max_mem_kib / total,
		       d[i].vcpus_online);
		top_io_print(&io[i], was ? &was->io : NULL, wall_ns);
		top_devs_print(o, &io[i], was ? &was->io : NULL, wall_ns);
	}
}

static int
top_parse_args(int argc, char **argv, struct top_opts *o)
{
	static const struct option longopts[] = {
		{"batch", no_argument, NULL, 'b'},
		{"iterations", required_argument, NULL, 'i'},
		{"delay", required_argument, NULL, 'd'},
		{"vbds", no_argument, NULL, 'x'},
		{"networks", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	o->delay_s = 3;
	optind = 1;
	while ((c = getopt_long(argc, argv, "bi:d:xnh", longopts, NULL)) !=
	       -1) {
		if (c == 'b') {
			o->batch = true;
		} else if (c == 'x') {
			o->show_vbds = true;
		} else if (c == 'n') {
			o->show_vifs = true;
		} else if (c == 'i') {
			o->iterations = strtol(optarg, &end, 10);
			if (*end || o->iterations < 1)
				goto usage;
		} else if (c == 'd') {
			o->delay_s = strtod(optarg, &end);
			if (*end || !(o->delay_s >= 0.1 && o->delay_s <= 3600))
				goto usage;
		} else {
			goto usage;
		}
	}
	if (optind == argc)
		return 0;
usage:
	xyl_usage("top");
	return -EINVAL;
}

/* Fill d[0] with Domain-0 (the host) and the rest with the guests. */
static int
top_collect(struct xylctl *c, struct xyl_ctl_host_info_reply *h,
	    struct xyl_dominfo **out, size_t *nr)
{
	struct xyl_dominfo *g = NULL, *all;
	size_t nr_g = 0;
	int r = xylctl_host_info(c, h);

	if (r == 0)
		r = xylctl_domain_list(c, &g, &nr_g);
	if (r < 0)
		return r;
	all = calloc(nr_g + 1, sizeof(*all));
	if (!all) {
		free(g);
		return -ENOMEM;
	}
	snprintf(all[0].name, sizeof(all[0].name), "Domain-0");
	all[0].state = XYL_DOMSTATE_RUNNING;
	all[0].vcpus_online = h->nr_cpus;
	all[0].mem_kib =
		h->total_kib > h->guest_kib ? h->total_kib - h->guest_kib : 0;
	all[0].max_mem_kib = h->total_kib;
	all[0].cpu_time_ns = xyl_host_busy_ns();
	if (nr_g)
		memcpy(all + 1, g, nr_g * sizeof(*g));
	free(g);
	*out = all;
	*nr = nr_g + 1;
	return 0;
}

static void
remember(struct top_sample **prev, size_t *nr_prev, const struct xyl_dominfo *d,
	 const struct top_io *io, size_t nr)
{
	size_t i;

	free(*prev);
	*prev = calloc(nr, sizeof(**prev));
	*nr_prev = *prev ? nr : 0;
	for (i = 0; i < *nr_prev; i++) {
		(*prev)[i].domid = d[i].domid;
		(*prev)[i].cpu_ns = d[i].cpu_time_ns;
		(*prev)[i].io = io[i];
	}
}

int
cmd_top(struct xyl *x, int argc, char **argv)
{
	struct top_opts o = {0};
	struct xyl_ctl_host_info_reply h;
	struct top_sample *prev = NULL;
	struct xyl_dominfo *d = NULL;
	struct top_io *io;
	size_t nr, nr_prev = 0;
	struct xylctl *c;
	uint64_t last = 0, now;
	long frame;
	int r = 0;

	if (top_parse_args(argc, argv, &o) < 0)
		return XYL_EXIT_ERROR;
	if (xyl_connect(x, "top", &c) < 0)
		return XYL_EXIT_ERROR;
	signal(SIGINT, on_stop);
	signal(SIGTERM, on_stop);
	for (frame = 0; !top_stop && (!o.iterations || frame < o.iterations);
	     frame++) {
		if (frame > 0)
			usleep((useconds_t)(o.delay_s * 1e6));
		if (top_stop || (r = top_collect(c, &h, &d, &nr)) < 0)
			break;
		now = mono_ns();
		io = calloc(nr, sizeof(*io));
		if (!io) {
			r = -ENOMEM;
			break;
		}
		for (size_t i = 0; i < nr; i++)
			top_io_collect(x, d[i].domid, &io[i]);
		if (!o.batch)
			printf("\033[H\033[2J");
		top_frame(&o, &h, d, io, nr, prev, nr_prev,
			  last ? now - last : 0);
		if (o.batch)
			printf("\n");
		fflush(stdout);
		remember(&prev, &nr_prev, d, io, nr);
		last = now;
		free(io);
		free(d);
		d = NULL;
	}
	if (r < 0)
		xyl_report(c, "top", r);
	free(prev);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
