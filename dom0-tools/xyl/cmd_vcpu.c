/*
 * dom0-tools/xyl/cmd_vcpu.c: `xyl vcpu-list [dom ...]`, `xyl vcpu-pin
 * <dom> <vcpu|all> <cpus> [-]` and `xyl vcpu-set <dom> <n>`, in xl's
 * formats.  Domain-0 (the host's processes) has no vCPUs here.  CPU lists
 * from the command line ("all", "0-3,^2") are parsed into masks here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xyl.h"

#define VCPU_MAX_CPUS 64

/* xl's bitmap form: "all", "none", or ranges "0-2,5". */
static void
vcpu_print_mask(uint64_t mask, uint32_t nr_cpus)
{
	uint64_t all = nr_cpus >= 64 ? ~0ull : (1ull << nr_cpus) - 1;
	bool first = true;

	if ((mask & all) == all) {
		printf("all");
		return;
	}
	if (!(mask & all)) {
		printf("none");
		return;
	}
	for (uint32_t i = 0; i < nr_cpus; i++) {
		uint32_t j = i;
		if (!(mask & (1ull << i)))
			continue;
		while (j + 1 < nr_cpus && (mask & (1ull << (j + 1))))
			j++;
		printf(first ? "" : ",");
		printf(j > i ? "%u-%u" : "%u", i, j);
		first = false;
		i = j;
	}
}

static int
vcpu_list_domain(struct xylctl *c, xyl_domid_t domid, const char *name)
{
	struct xyl_ctl_vcpu_list_reply l;
	int r = xylctl_vcpu_list(c, domid, &l);

	if (r < 0)
		return r;
	for (uint32_t i = 0; i < l.nr_vcpus; i++) {
		const struct xyl_vcpu_info *v = &l.vcpus[i];
		bool online = v->state & XYL_VCPU_ONLINE;
		printf("%-32s %5u %5u", name, domid, v->vcpu);
		if (!online || v->cpu < 0)
			printf("%5c", '-');
		else
			printf("%5d", v->cpu);
		printf("%5c%c%c  ", (v->state & XYL_VCPU_RUNNING) ? 'r' : '-',
		       (v->state & XYL_VCPU_BLOCKED) ? 'b' : '-',
		       online ? '-' : 'p');
		printf("%9.1f  ", (double)v->cpu_time_ns / 1e9);
		vcpu_print_mask(v->hard_affinity, l.nr_host_cpus);
		printf(" / all\n");
	}
	return 0;
}

int
cmd_vcpu_list(struct xyl *x, int argc, char **argv)
{
	struct xyl_dominfo *doms = NULL, info;
	size_t nr = 0;
	struct xylctl *c;
	int r = 0;

	if (xyl_connect(x, "vcpu-list", &c) < 0)
		return XYL_EXIT_ERROR;
	printf("%-32s %5s %5s %5s %5s %9s %s\n", "Name", "ID", "VCPU", "CPU",
	       "State", "Time(s)", "Affinity (Hard / Soft)");
	if (argc <= 1) {
		r = xylctl_domain_list(c, &doms, &nr);
		for (size_t i = 0; r == 0 && i < nr; i++)
			vcpu_list_domain(c, doms[i].domid, doms[i].name);
		free(doms);
	}
	for (int i = 1; i < argc && r == 0; i++) {
		xyl_domid_t domid;
		if (xyl_lookup(c, "vcpu-list", argv[i], &domid) < 0 ||
		    xylctl_domain_getinfo(c, domid, &info) < 0) {
			r = -ESRCH;
			break;
		}
		r = vcpu_list_domain(c, domid, info.name);
	}
	if (r < 0 && r != -ESRCH)
		xyl_report(c, "vcpu-list", r);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

static int
vcpu_parse_cpu(const char *s, char **end, unsigned *out)
{
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, end, 10);
	if (v >= VCPU_MAX_CPUS)
		return -EINVAL;
	*out = (unsigned)v;
	return 0;
}

/* "all", or items "N", "N-M", "^N", "^N-M" separated by commas. */
static int
vcpu_parse_cpulist(const char *s, uint64_t *mask)
{
	uint64_t m = 0;

	if (strcmp(s, "all") == 0) {
		*mask = ~0ull;
		return 0;
	}
	while (*s) {
		bool neg = *s == '^';
		unsigned a, b;
		char *end;
		if (vcpu_parse_cpu(s + neg, &end, &a) < 0)
			return -EINVAL;
		b = a;
		if (*end == '-' && vcpu_parse_cpu(end + 1, &end, &b) < 0)
			return -EINVAL;
		if (b < a || (*end && *end != ','))
			return -EINVAL;
		for (unsigned i = a; i <= b; i++)
			m = neg ? m & ~(1ull << i) : m | (1ull << i);
		s = *end ? end + 1 : end;
	}
	if (!m)
		return -EINVAL;
	*mask = m;
	return 0;
}

int
cmd_vcpu_pin(struct xyl *x, int argc, char **argv)
{
	uint32_t vcpu = XYL_VCPU_ALL;
	struct xylctl *c;
	xyl_domid_t domid;
	uint64_t mask;
	char *end;
	int r;

	if (argc < 4 || argc > 5) {
		xyl_usage("vcpu-pin");
		return XYL_EXIT_ERROR;
	}
	if (strcmp(argv[2], "all") != 0) {
		unsigned long v = strtoul(argv[2], &end, 10);
		if (*end || end == argv[2] || v >= XYL_MAX_VCPUS) {
			fprintf(stderr, "xyl: vcpu-pin: bad vcpu '%s'\n",
				argv[2]);
			return XYL_EXIT_ERROR;
		}
		vcpu = (uint32_t)v;
	}
	if (vcpu_parse_cpulist(argv[3], &mask) < 0) {
		fprintf(stderr, "xyl: vcpu-pin: bad cpu list '%s'\n", argv[3]);
		return XYL_EXIT_ERROR;
	}
	if (argc == 5 && strcmp(argv[4], "-") != 0 &&
	    strcmp(argv[4], "all") != 0) {
		fprintf(stderr, "xyl: vcpu-pin: soft affinity is not supported "
				"(use '-')\n");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "vcpu-pin", &c) < 0)
		return XYL_EXIT_ERROR;
	r = xyl_lookup(c, "vcpu-pin", argv[1], &domid);
	if (r == 0) {
		r = xylctl_vcpu_pin(c, domid, vcpu, mask);
		if (r < 0)
			xyl_report(c, "vcpu-pin", r);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_vcpu_set(struct xyl *x, int argc, char **argv)
{
	struct xylctl *c;
	xyl_domid_t domid;
	unsigned long n;
	char *end;
	int r;

	if (argc != 3) {
		xyl_usage("vcpu-set");
		return XYL_EXIT_ERROR;
	}
	n = strtoul(argv[2], &end, 10);
	if (*end || end == argv[2] || n < 1 || n > XYL_MAX_VCPUS) {
		fprintf(stderr, "xyl: vcpu-set: bad vcpu count '%s'\n",
			argv[2]);
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "vcpu-set", &c) < 0)
		return XYL_EXIT_ERROR;
	r = xyl_lookup(c, "vcpu-set", argv[1], &domid);
	if (r == 0) {
		r = xylctl_vcpu_set(c, domid, (uint32_t)n);
		if (r < 0)
			xyl_report(c, "vcpu-set", r);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
