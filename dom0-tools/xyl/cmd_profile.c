/*
 * dom0-tools/xyl/cmd_profile.c: `xyl profile [--json] <Domain> [vdev|vifN]`:
 * the shared-timer I/O profile of a domain's block devices and vifs (queue
 * wait, backend service, response delivery, end to end) as xylem-blkback
 * and xylem-netback publish it (devstats.h; docs/profiling.md).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "block.h"
#include "devstats.h"
#include "xyl.h"

#define PROFILE_MAX_DEVS 64

/* One device to show: its backend's directory, its kind, its devid. */
struct profile_dev {
	const char *backend; /* "blkback" or "netback" */
	const char *type;    /* "vbd" or "vif" */
	uint32_t devid;
};

static double
ticks_us(const struct devprof *p, double ticks)
{
	return ticks * (double)p->period_ns / 1000.0;
}

static void
profile_print_hist(const struct xyl_profile_hist *h)
{
	for (unsigned b = 0; b < XYL_PROFILE_BUCKETS; b++) {
		if (!h->bucket[b])
			continue;
		if (b <= 1)
			printf(" %u:%u", b, h->bucket[b]);
		else if (b == XYL_PROFILE_BUCKETS - 1)
			printf(" >=%llu:%u", 1ull << (b - 1), h->bucket[b]);
		else
			printf(" %llu-%llu:%u", 1ull << (b - 1),
			       (1ull << b) - 1, h->bucket[b]);
	}
	printf("\n");
}

static void
profile_print(xyl_domid_t domid, const struct profile_dev *d,
	      const struct devprof *p)
{
	const struct xyl_profile_hist *e2e = &p->hist[XYL_PROFILE_END_TO_END];
	double n = p->counted ? (double)p->counted : 1.0;

	printf("Domain %u %s %u: %llu requests profiled, %llu unstamped; "
	       "tick %.1f us\n",
	       domid, d->type, d->devid, (unsigned long long)p->counted,
	       (unsigned long long)p->unstamped, p->period_ns / 1000.0);
	printf("%-11s %10s %9s %9s %9s  %s\n", "interval", "mean(us)",
	       "p50(us)", "p99(us)", "max(us)", "histogram (ticks:count)");
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		const struct xyl_profile_hist *h = &p->hist[i];

		printf("%-11s %10.1f %9.0f %9.0f %9.0f ",
		       devprof_interval_names[i],
		       ticks_us(p, (double)h->sum_ticks / n),
		       ticks_us(p,
				(double)devprof_percentile(h, p->counted, 50)),
		       ticks_us(p,
				(double)devprof_percentile(h, p->counted, 99)),
		       ticks_us(p, (double)h->max_ticks));
		profile_print_hist(h);
	}
	printf("end to end by the guest's own clock: mean %.1f us (ticks say "
	       "%.1f us)\n",
	       (double)p->own_e2e_ns / n / 1000.0,
	       ticks_us(p, (double)e2e->sum_ticks / n));
}

static struct json_object *
profile_json(const struct profile_dev *d, const struct devprof *p)
{
	struct json_object *o = json_object_new_object();
	struct json_object *ivs = json_object_new_object();

	json_object_object_add(o, "type", json_object_new_string(d->type));
	json_object_object_add(o, "devid", json_object_new_int64(d->devid));
	json_object_object_add(o, "period_ns",
			       json_object_new_int64(p->period_ns));
	json_object_object_add(o, "counted",
			       json_object_new_int64((int64_t)p->counted));
	json_object_object_add(o, "unstamped",
			       json_object_new_int64((int64_t)p->unstamped));
	json_object_object_add(o, "own_e2e_ns",
			       json_object_new_int64((int64_t)p->own_e2e_ns));
	for (unsigned i = 0; i < XYL_PROFILE_NR_INTERVALS; i++) {
		const struct xyl_profile_hist *h = &p->hist[i];
		struct json_object *iv = json_object_new_object();
		struct json_object *b = json_object_new_array();

		json_object_object_add(
			iv, "sum_ticks",
			json_object_new_int64((int64_t)h->sum_ticks));
		json_object_object_add(
			iv, "max_ticks",
			json_object_new_int64((int64_t)h->max_ticks));
		json_object_object_add(
			iv, "p50_ticks",
			json_object_new_int64((int64_t)devprof_percentile(
				h, p->counted, 50)));
		json_object_object_add(
			iv, "p99_ticks",
			json_object_new_int64((int64_t)devprof_percentile(
				h, p->counted, 99)));
		for (unsigned k = 0; k < XYL_PROFILE_BUCKETS; k++)
			json_object_array_add(
				b, json_object_new_int64(h->bucket[k]));
		json_object_object_add(iv, "buckets", b);
		json_object_object_add(ivs, devprof_interval_names[i], iv);
	}
	json_object_object_add(o, "intervals", ivs);
	return o;
}

static int
profile_parse_args(int argc, char **argv, bool *is_json)
{
	static const struct option longopts[] = {
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		if (c != 'j')
			goto usage;
		*is_json = true;
	}
	if (argc - optind == 1 || argc - optind == 2)
		return 0;
usage:
	xyl_usage("profile");
	return -EINVAL;
}

/* "vifN" (a vif's devid) or a block vdev: 0 or -EINVAL. */
static int
profile_parse_dev(const char *arg, struct profile_dev *d)
{
	char *end;
	unsigned long n;

	if (strncmp(arg, "vif", 3) == 0) {
		errno = 0;
		n = strtoul(arg + 3, &end, 10);
		if (arg[3] < '0' || arg[3] > '9' || *end || errno || n > 0xffff)
			return -EINVAL;
		*d = (struct profile_dev){"netback", "vif", (uint32_t)n};
		return 0;
	}
	*d = (struct profile_dev){"blkback", "vbd", 0};
	return block_vdev_number(arg, &d->devid) < 0 ? -EINVAL : 0;
}

/* Every device either backend has counters for. */
static size_t
profile_list_devs(struct xyl *x, xyl_domid_t domid, struct profile_dev *devs)
{
	static const struct profile_dev kinds[] = {{"blkback", "vbd", 0},
						   {"netback", "vif", 0}};
	uint32_t devids[PROFILE_MAX_DEVS];
	size_t nr, total = 0;

	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		nr = 0;
		devstats_devices_in(x, kinds[k].backend, domid, devids,
				    PROFILE_MAX_DEVS - total, &nr);
		for (size_t i = 0; i < nr; i++) {
			devs[total] = kinds[k];
			devs[total++].devid = devids[i];
		}
	}
	return total;
}

int
cmd_profile(struct xyl *x, int argc, char **argv)
{
	struct profile_dev devs[PROFILE_MAX_DEVS];
	struct json_object *arr = NULL;
	bool is_json = false;
	struct devprof p;
	xyl_domid_t domid;
	struct xylctl *c;
	size_t nr = 0, shown = 0;
	int rc;

	if (profile_parse_args(argc, argv, &is_json) < 0)
		return XYL_EXIT_ERROR;
	if (xyl_connect(x, "profile", &c) < 0)
		return XYL_EXIT_ERROR;
	rc = xyl_lookup(c, "profile", argv[optind], &domid);
	xylctl_close(c);
	if (rc < 0)
		return XYL_EXIT_ERROR;
	if (optind + 1 < argc) {
		if (profile_parse_dev(argv[optind + 1], &devs[0]) < 0) {
			fprintf(stderr,
				"xyl: profile: %s: not a virtual "
				"device\n",
				argv[optind + 1]);
			return XYL_EXIT_ERROR;
		}
		nr = 1;
	} else {
		nr = profile_list_devs(x, domid, devs);
	}
	if (is_json)
		arr = json_object_new_array();
	for (size_t i = 0; i < nr; i++) {
		if (devprof_load_in(x, devs[i].backend, domid, devs[i].devid,
				    &p) < 0)
			continue;
		if (is_json)
			json_object_array_add(arr, profile_json(&devs[i], &p));
		else
			profile_print(domid, &devs[i], &p);
		shown++;
	}
	if (is_json) {
		struct json_object *o = json_object_new_object();

		json_object_object_add(o, "domid",
				       json_object_new_int64(domid));
		json_object_object_add(o, "devices", arr);
		printf("%s\n", json_object_to_json_string_ext(
				       o, JSON_C_TO_STRING_PRETTY));
		json_object_put(o);
	} else if (!shown) {
		printf("Domain %u: no profiled devices (the frontend must "
		       "offer feature-xylem-profile and xylem-sharedtimer "
		       "must run)\n",
		       domid);
	}
	return XYL_EXIT_OK;
}
