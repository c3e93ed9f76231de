/*
 * dom0-tools/xyl/cmd_uptime.c: `xyl uptime [-s] [Domain ...]` in xl's
 * format.  Domain-0's uptime is the host's (/proc/uptime); a guest's runs
 * from its creation (xylem-hv's create time).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "xyl.h"

static void
uptime_text(unsigned long up, bool is_short, char *buf, size_t cap)
{
	unsigned long sec = up % 60, min = up / 60 % 60, hour = up / 3600 % 24,
		      day = up / 86400;
	const char *days = day > 1 ? "days" : "day";

	if (is_short && day > 0)
		snprintf(buf, cap, "%lu %s, %2lu:%02lu", day, days, hour, min);
	else if (is_short)
		snprintf(buf, cap, "%2lu:%02lu", hour, min);
	else if (day > 0)
		snprintf(buf, cap, "%lu %s, %2lu:%02lu:%02lu", day, days, hour,
			 min, sec);
	else
		snprintf(buf, cap, "%2lu:%02lu:%02lu", hour, min, sec);
}

static unsigned long
host_uptime(void)
{
	FILE *f = fopen("/proc/uptime", "re");
	double up = 0;

	if (f) {
		if (fscanf(f, "%lf", &up) != 1)
			up = 0;
		fclose(f);
	}
	return (unsigned long)up;
}

static void
print_one(const char *name, xyl_domid_t domid, unsigned long up, bool is_short)
{
	char text[64], now_text[16];
	time_t now = time(NULL);
	struct tm tm;

	uptime_text(up, is_short, text, sizeof(text));
	if (!is_short) {
		printf("%-33s %4u %s\n", name, domid, text);
		return;
	}
	localtime_r(&now, &tm);
	strftime(now_text, sizeof(now_text), "%H:%M:%S", &tm);
	printf(" %s up %s, %s (%u)\n", now_text, text, name, domid);
}

static void
print_guest(const struct xyl_dominfo *d, bool is_short)
{
	struct timespec ts;
	uint64_t now_ns;

	clock_gettime(CLOCK_REALTIME, &ts);
	now_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
	print_one(d->name, d->domid,
		  now_ns > d->create_time_ns
			  ? (unsigned long)((now_ns - d->create_time_ns) /
					    1000000000ull)
			  : 0,
		  is_short);
}

static int
print_all(struct xylctl *c, bool is_short)
{
	struct xyl_dominfo *d = NULL;
	size_t nr = 0, i;
	int r = xylctl_domain_list(c, &d, &nr);

	if (r < 0) {
		xyl_report(c, "uptime", r);
		return r;
	}
	print_one("Domain-0", 0, host_uptime(), is_short);
	for (i = 0; i < nr; i++)
		print_guest(&d[i], is_short);
	free(d);
	return 0;
}

int
cmd_uptime(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	xyl_domid_t domid;
	bool is_short = false;
	int opt, i, r = 0;

	optind = 1;
	while ((opt = getopt(argc, argv, "sh")) != -1) {
		if (opt != 's') {
			xyl_usage("uptime");
			return XYL_EXIT_ERROR;
		}
		is_short = true;
	}
	if (xyl_connect(x, "uptime", &c) < 0)
		return XYL_EXIT_ERROR;
	if (!is_short)
		printf("%-33s %4s %s\n", "Name", "ID", "Uptime");
	if (optind == argc)
		r = print_all(c, is_short);
	for (i = optind; i < argc && r == 0; i++) {
		if (strcmp(argv[i], "0") == 0 ||
		    strcmp(argv[i], "Domain-0") == 0) {
			print_one("Domain-0", 0, host_uptime(), is_short);
			continue;
		}
		r = xyl_lookup(c, "uptime", argv[i], &domid);
		if (r == 0 && (r = xylctl_domain_getinfo(c, domid, &info)) < 0)
			xyl_report(c, "uptime", r);
		if (r == 0)
			print_guest(&info, is_short);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
