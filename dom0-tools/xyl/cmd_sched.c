/*
 * dom0-tools/xyl/cmd_sched.c: `xyl sched-credit [-d dom [-w W] [-c CAP]]`:
 * show or set the credit scheduler's weight and cap, in xl's format.
 * Domain-0 is the host's own processes: shown with the weight of one
 * ordinary host thread (256) and no cap, and not settable.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xyl.h"

/* What xylem-hv's scheduler reports as xl's pool line: caps are enforced
 * per 10 ms period, vCPU threads ask for 100 us slices (scheduler.md). */
#define SCHED_TSLICE_MS	   10
#define SCHED_RATELIMIT_US 100

struct sched_opts {
	const char *dom;
	long weight; /* -1 = keep */
	long cap;    /* -1 = keep */
};

static int
sched_parse_num(const char *s, const char *what, long max, long *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < 0 || v > max) {
		fprintf(stderr, "xyl: sched-credit: %s %s: need 0..%ld\n", what,
			s, max);
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static int
sched_parse_args(int argc, char **argv, struct sched_opts *o)
{
	static const struct option longopts[] = {
		{"domain", required_argument, NULL, 'd'},
		{"weight", required_argument, NULL, 'w'},
		{"cap", required_argument, NULL, 'c'},
		{NULL, 0, NULL, 0},
	};
	int c;

	o->dom = NULL;
	o->weight = o->cap = -1;
	optind = 1;
	while ((c = getopt_long(argc, argv, "d:w:c:", longopts, NULL)) != -1) {
		if (c == 'd')
			o->dom = optarg;
		else if (c == 'w' &&
			 sched_parse_num(optarg, "weight", 65535, &o->weight))
			return -EINVAL;
		else if (c == 'c' &&
			 sched_parse_num(optarg, "cap", 6400, &o->cap))
			return -EINVAL;
		else if (c != 'w' && c != 'c') {
			xyl_usage("sched-credit");
			return -EINVAL;
		}
	}
	if (optind != argc || ((o->weight >= 0 || o->cap >= 0) && !o->dom) ||
	    o->weight == 0) {
		if (o->weight == 0)
			fprintf(stderr, "xyl: sched-credit: weight 0: need "
					"1..65535\n");
		else
			xyl_usage("sched-credit");
		return -EINVAL;
	}
	return 0;
}

static void
sched_row(const char *name, xyl_domid_t domid, uint32_t weight, uint32_t cap)
{
	printf("%-33s %4u %6u %4u\n", name, domid, weight, cap);
}

static int
sched_show_one(struct xylctl *c, xyl_domid_t domid, const char *name)
{
	uint32_t weight, cap;
	int r;

	if (domid == 0) {
		sched_row("Domain-0", 0, 256, 0);
		return 0;
	}
	r = xylctl_sched_credit_get(c, domid, &weight, &cap);
	if (r < 0) {
		xyl_report(c, "sched-credit", r);
		return r;
	}
	sched_row(name, domid, weight, cap);
	return 0;
}

static int
sched_show_all(struct xylctl *c)
{
	struct xyl_dominfo *doms = NULL;
	size_t nr = 0;
	int r = xylctl_domain_list(c, &doms, &nr);

	if (r < 0) {
		xyl_report(c, "sched-credit", r);
		return r;
	}
	printf("Cpupool Pool-0: tslice=%dms ratelimit=%dus "
	       "migration-delay=0us\n",
	       SCHED_TSLICE_MS, SCHED_RATELIMIT_US);
	printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
	sched_show_one(c, 0, "Domain-0");
	for (size_t i = 0; i < nr && r == 0; i++)
		if (sched_show_one(c, doms[i].domid, doms[i].name) == -ESRCH)
			r = 0; /* gone meanwhile */
	free(doms);
	return 0;
}

static int
sched_domain(struct xylctl *c, const struct sched_opts *o)
{
	struct xyl_dominfo info;
	xyl_domid_t domid = 0;
	int r = 0;

	if (strcmp(o->dom, "Domain-0") != 0 && strcmp(o->dom, "0") != 0 &&
	    xyl_lookup(c, "sched-credit", o->dom, &domid) < 0)
		return -ESRCH;
	if (o->weight < 0 && o->cap < 0) {
		printf("%-33s %4s %6s %4s\n", "Name", "ID", "Weight", "Cap");
		if (domid && xylctl_domain_getinfo(c, domid, &info) < 0)
			return -ESRCH;
		return sched_show_one(c, domid, domid ? info.name : "");
	}
	if (domid == 0) {
		fprintf(stderr, "xyl: sched-credit: Domain-0 is the host's "
				"processes: set their priority with the host's "
				"tools\n");
		return -EINVAL;
	}
	r = xylctl_sched_credit_set(
		c, domid, o->weight > 0 ? (uint32_t)o->weight : 0,
		o->cap >= 0 ? (uint32_t)o->cap : XYL_SCHED_KEEP);
	if (r < 0)
		xyl_report(c, "sched-credit", r);
	return r;
}

int
cmd_sched_credit(struct xyl *x, int argc, char **argv)
{
	struct sched_opts o;
	struct xylctl *c;
	int r;

	if (sched_parse_args(argc, argv, &o) < 0)
		return XYL_EXIT_ERROR;
	if (xyl_connect(x, "sched-credit", &c) < 0)
		return XYL_EXIT_ERROR;
	r = o.dom ? sched_domain(c, &o) : sched_show_all(c);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
