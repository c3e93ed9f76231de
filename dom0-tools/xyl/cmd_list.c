/*
 * dom0-tools/xyl/cmd_list.c: `xyl list [-l] [--json] [dom ...]`: xl's
 * columns exactly, Domain-0 first (dom0 is the host: its RAM not given to
 * guests, its CPUs, its busy CPU time), --json for machines, -l for the
 * long JSON (the config xyl created each domain with, plus its info).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json.h>

#include "config.h"
#include "xyl.h"

struct list_opts {
	bool json;
	bool is_long;
	char **doms;
	int nr_doms;
};

static int
list_parse_args(int argc, char **argv, struct list_opts *o)
{
	static const struct option longopts[] = {
		{"long", no_argument, NULL, 'l'},
		{"json", no_argument, NULL, 'j'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "lh", longopts, NULL)) != -1) {
		if (c == 'l')
			o->is_long = true;
		else if (c == 'j')
			o->json = true;
		else {
			xyl_usage("list");
			return -EINVAL;
		}
	}
	o->doms = argv + optind;
	o->nr_doms = argc - optind;
	return 0;
}

static int
dom0_info(struct xylctl *c, struct xyl_dominfo *d)
{
	struct xyl_ctl_host_info_reply h;
	int r = xylctl_host_info(c, &h);

	if (r < 0)
		return r;
	memset(d, 0, sizeof(*d));
	d->domid = 0;
	d->state = XYL_DOMSTATE_RUNNING;
	d->vcpus = d->vcpus_online = h.nr_cpus;
	d->mem_kib = h.total_kib > h.guest_kib ? h.total_kib - h.guest_kib : 0;
	d->max_mem_kib = h.total_kib;
	d->cpu_time_ns = xyl_host_busy_ns();
	snprintf(d->name, sizeof(d->name), "Domain-0");
	return 0;
}

static void
state_string(const struct xyl_dominfo *d, char s[7])
{
	static const char reasons[] = "-rscwS";
	bool is_shutdown =
		d->state & (XYL_DOMSTATE_SHUTDOWN | XYL_DOMSTATE_CRASHED);
	char reason = '-';

	if (d->state & XYL_DOMSTATE_CRASHED)
		reason = 'c';
	else if (is_shutdown && d->shutdown_reason < sizeof(reasons) - 1)
		reason = reasons[d->shutdown_reason];
	s[0] = d->state & XYL_DOMSTATE_RUNNING ? 'r' : '-';
	s[1] = d->state & XYL_DOMSTATE_BLOCKED ? 'b' : '-';
	s[2] = d->state & XYL_DOMSTATE_PAUSED ? 'p' : '-';
	s[3] = is_shutdown ? 's' : '-';
	s[4] = reason;
	s[5] = d->state & XYL_DOMSTATE_DYING ? 'd' : '-';
	s[6] = '\0';
}

static void
print_table(const struct xyl_dominfo *d, size_t nr)
{
	char state[7];
	size_t i;

	printf("Name                                        ID   Mem "
	       "VCPUs\tState\tTime(s)\n");
	for (i = 0; i < nr; i++) {
		state_string(&d[i], state);
		printf("%-40s %5u %5lu %5u     %s  %8.1f\n", d[i].name,
		       d[i].domid, (unsigned long)(d[i].mem_kib / 1024),
		       d[i].vcpus_online, state, d[i].cpu_time_ns / 1e9);
	}
}

static struct json_object *
info_json(const struct xyl_dominfo *d)
{
	static const char *const reasons[] = {"poweroff", "reboot",
					      "suspend",  "crash",
					      "watchdog", "soft_reset"};
	struct json_object *o = json_object_new_object();
	bool is_shutdown = d->state & XYL_DOMSTATE_SHUTDOWN;
	char state[7], uuid[37];

	state_string(d, state);
	config_uuid_format(d->uuid, uuid);
	json_object_object_add(o, "domid", json_object_new_int64(d->domid));
	json_object_object_add(o, "name", json_object_new_string(d->name));
	json_object_object_add(o, "uuid", json_object_new_string(uuid));
	json_object_object_add(o, "state", json_object_new_string(state));
	json_object_object_add(
		o, "shutdown_reason",
		is_shutdown && d->shutdown_reason < 6
			? json_object_new_string(reasons[d->shutdown_reason])
			: NULL);
	json_object_object_add(o, "mem_kib",
			       json_object_new_int64((int64_t)d->mem_kib));
	json_object_object_add(o, "max_mem_kib",
			       json_object_new_int64((int64_t)d->max_mem_kib));
	json_object_object_add(o, "vcpus", json_object_new_int64(d->vcpus));
	json_object_object_add(o, "vcpus_online",
			       json_object_new_int64(d->vcpus_online));
	json_object_object_add(o, "cpu_time",
			       json_object_new_double(d->cpu_time_ns / 1e9));
	json_object_object_add(
		o, "create_time",
		d->domid ? json_object_new_double(d->create_time_ns / 1e9)
			 : NULL);
	return o;
}

/* The config xyl saved when it created the domain, or NULL. */
static struct json_object *
record_json(const struct xyl *x, xyl_domid_t domid)
{
	char path[4096];

	if (domid == 0 || xyl_record_path(x, domid, path, sizeof(path)) < 0)
		return NULL;
	return json_object_from_file(path);
}

static void
print_json(const struct xyl *x, const struct xyl_dominfo *d, size_t nr,
	   bool is_long)
{
	struct json_object *a = json_object_new_array(), *o;
	size_t i;

	for (i = 0; i < nr; i++) {
		if (is_long) {
			o = json_object_new_object();
			json_object_object_add(
				o, "domid", json_object_new_int64(d[i].domid));
			json_object_object_add(o, "config",
					       record_json(x, d[i].domid));
			json_object_object_add(o, "info", info_json(&d[i]));
		} else {
			o = info_json(&d[i]);
		}
		json_object_array_add(a, o);
	}
	printf("%s\n",
	       json_object_to_json_string_ext(
		       a, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(a);
}

/* Domain-0 then every guest; or just the domains named. */
static int
collect(struct xylctl *c, const struct list_opts *o, struct xyl_dominfo **out,
	size_t *nr)
{
	struct xyl_dominfo *guests = NULL, *all;
	size_t nr_guests = 0, i;
	xyl_domid_t domid;
	int r;

	if (o->nr_doms == 0 &&
	    (r = xylctl_domain_list(c, &guests, &nr_guests)) < 0) {
		xyl_report(c, "list", r);
		return r;
	}
	all = calloc(1 + (o->nr_doms ? (size_t)o->nr_doms : nr_guests),
		     sizeof(*all));
	if (!all) {
		free(guests);
		return -ENOMEM;
	}
	*out = all;
	*nr = 0;
	if (o->nr_doms == 0) {
		r = dom0_info(c, &all[(*nr)++]);
		if (nr_guests) /* guests is NULL when there are none */
			memcpy(all + *nr, guests, nr_guests * sizeof(*guests));
		*nr += nr_guests;
		free(guests);
		if (r < 0)
			xyl_report(c, "list: host info", r);
		return r;
	}
	for (i = 0; i < (size_t)o->nr_doms; i++) {
		const char *name = o->doms[i];

		if (strcmp(name, "0") == 0 || strcmp(name, "Domain-0") == 0)
			r = dom0_info(c, &all[*nr]);
		else if ((r = xyl_lookup(c, "list", name, &domid)) == 0)
			r = xylctl_domain_getinfo(c, domid, &all[*nr]);
		if (r < 0 && r != -ESRCH)
			xyl_report(c, "list", r);
		if (r < 0)
			return r;
		(*nr)++;
	}
	return 0;
}

int
cmd_list(struct xyl *x, int argc, char **argv)
{
	struct list_opts o = {0};
	struct xyl_dominfo *d = NULL;
	struct xylctl *c;
	size_t nr = 0;
	int r;

	if (list_parse_args(argc, argv, &o) < 0)
		return XYL_EXIT_ERROR;
	if (xyl_connect(x, "list", &c) < 0)
		return XYL_EXIT_ERROR;
	r = collect(c, &o, &d, &nr);
	if (r == 0 && (o.json || o.is_long))
		print_json(x, d, nr, o.is_long);
	else if (r == 0)
		print_table(d, nr);
	free(d);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
