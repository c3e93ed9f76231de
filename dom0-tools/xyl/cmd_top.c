/*
 * dom0-tools/xyl/cmd_top.c: `xyl top [-b] [-i N] [-d SECONDS]`: a basic
 * xentop: every domain's state, CPU time and share, memory and vCPUs,
 * refreshed every delay; -b prints plain frames (batch) for scripts.
 * Block I/O rates, notifications sent/suppressed and end-to-end latency
 * percentiles come from xylem-blkback's per-device files (devstats.h).
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "devstats.h"
#include "xyl.h"

#define TOP_MAX_DEVS 64

/* A domain's block I/O, summed over its vbds. */
struct top_io {
	uint32_t nr_vbds;
	uint64_t rd_req, wr_req, notify_sent, notify_suppressed;
	uint64_t counted;	     /* profiled requests */
	uint32_t period_ns;	     /* of the profiles (last one read) */
	struct xyl_profile_hist e2e; /* merged end-to-end histograms */
};

struct top_opts {
	bool batch;
	long iterations; /* 0: until interrupted */
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

static void
top_io_collect(const struct xyl *x, xyl_domid_t domid, struct top_io *io)
{
	uint32_t devids[TOP_MAX_DEVS];
	struct devstats ds;
	struct devprof p;
	size_t nr = 0;

	memset(io, 0, sizeof(*io));
	if (domid == 0)
		return;
	devstats_devices(x, domid, devids, TOP_MAX_DEVS, &nr);
	for (size_t i = 0; i < nr; i++) {
		if (devstats_load(x, domid, devids[i], "stats", &ds) < 0)
			continue;
		io->nr_vbds++;
		io->rd_req += devstats_get(&ds, "rd_req");
		io->wr_req += devstats_get(&ds, "wr_req");
		io->notify_sent += devstats_get(&ds, "notify_sent");
		io->notify_suppressed += devstats_get(&ds, "notify_suppressed");
		if (devprof_load(x, domid, devids[i], &p) < 0)
			continue;
		io->counted += p.counted;
		io->period_ns = p.period_ns;
		for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++)
			io->e2e.bucket[b] +=
				p.hist[XYL_PROFILE_END_TO_END].bucket[b];
		if (p.hist[XYL_PROFILE_END_TO_END].max_ticks >
		    io->e2e.max_ticks)
			io->e2e.max_ticks =
				p.hist[XYL_PROFILE_END_TO_END].max_ticks;
	}
}

static const struct top_sample *
top_prev(const struct top_sample *prev, size_t nr_prev, xyl_domid_t domid)
{
	for (size_t i = 0; i < nr_prev; i++)
		if (prev[i].domid == domid)
			return &prev[i];
	return NULL;
}

/* Per-second rate of a counter between two frames. */
static double
top_rate(uint64_t now, uint64_t then, uint64_t wall_ns)
{
	if (!wall_ns || now < then)
		return 0.0;
	return (double)(now - then) * 1e9 / (double)wall_ns;
}

static void
top_io_print(const struct top_io *io, const struct top_io *was,
	     uint64_t wall_ns)
{
	double tick_us = io->period_ns / 1000.0;

	if (!io->nr_vbds) {
		printf(" %4u %8s %8s %8s %8s %9s %9s\n", 0u, "-", "-", "-", "-",
		       "-", "-");
		return;
	}
	printf(" %4u %8.0f %8.0f %8.0f %8.0f", io->nr_vbds,
	       was ? top_rate(io->rd_req, was->rd_req, wall_ns) : 0.0,
	       was ? top_rate(io->wr_req, was->wr_req, wall_ns) : 0.0,
	       was ? top_rate(io->notify_sent, was->notify_sent, wall_ns) : 0.0,
	       was ? top_rate(io->notify_suppressed, was->notify_suppressed,
			      wall_ns)
		   : 0.0);
	if (!io->counted) {
		printf(" %9s %9s\n", "-", "-");
		return;
	}
	printf(" %9.0f %9.0f\n",
	       tick_us * (double)devprof_percentile(&io->e2e, io->counted, 50),
	       tick_us * (double)devprof_percentile(&io->e2e, io->counted, 99));
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
top_frame(const struct xyl_ctl_host_info_reply *h, const struct xyl_dominfo *d,
	  const struct top_io *io, size_t nr, const struct top_sample *prev,
	  size_t nr_prev, uint64_t wall_ns)
{
	double total = h->total_kib ? (double)h->total_kib : 1.0;
	char state[7];
	size_t i;

	printf("xyl top - %u domains, %u CPUs, memory %llu KiB total, %llu KiB "
	       "free\n",
	       (unsigned)nr, h->nr_cpus, (unsigned long long)h->total_kib,
	       (unsigned long long)h->free_kib);
	printf("%10s %6s %10s %6s %10s %6s %10s %9s %5s %4s %8s %8s %8s %8s "
	       "%9s %9s\n",
	       "NAME", "STATE", "CPU(sec)", "CPU(%)", "MEM(k)", "MEM(%)",
	       "MAXMEM(k)", "MAXMEM(%)", "VCPUS", "VBDS", "VBD_RD/s",
	       "VBD_WR/s", "NTFY/s", "SUPP/s", "E2E50(us)", "E2E99(us)");
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
	}
}

static int
top_parse_args(int argc, char **argv, struct top_opts *o)
{
	static const struct option longopts[] = {
		{"batch", no_argument, NULL, 'b'},
		{"iterations", required_argument, NULL, 'i'},
		{"delay", required_argument, NULL, 'd'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	char *end;
	int c;

	o->delay_s = 3;
	optind = 1;
	while ((c = getopt_long(argc, argv, "bi:d:h", longopts, NULL)) != -1) {
		if (c == 'b') {
			o->batch = true;
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
		top_frame(&h, d, io, nr, prev, nr_prev, last ? now - last : 0);
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
