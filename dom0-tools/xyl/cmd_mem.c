/*
 * dom0-tools/xyl/cmd_mem.c: `xyl mem-set` and `xyl mem-max <Domain>
 * <MemMB[bkmgt]>`.  Xylem has no balloon driver: a domain keeps the
 * memory it was created with, so mem-set accepts only that size (a no-op,
 * as a script that re-applies the config expects) and refuses any change;
 * mem-max sets the maximum (DOMAIN_SET_MAX_MEM), never below that size.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xyl.h"

/* xl's size syntax: a number with an optional unit b, k, m (default), g,
 * t; returns KiB, or -EINVAL. */
static int
parse_size_kib(const char *s, uint64_t *kib)
{
	char *end;
	unsigned long long v;
	unsigned int shift;

	if (s[0] < '0' || s[0] > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || (end[0] && end[1]))
		return -EINVAL;
	switch (end[0]) {
	case 'b':
	case 'B':
		*kib = v / 1024;
		return 0;
	case 'k':
	case 'K':
		shift = 0;
		break;
	case '\0':
	case 'm':
	case 'M':
		shift = 10;
		break;
	case 'g':
	case 'G':
		shift = 20;
		break;
	case 't':
	case 'T':
		shift = 30;
		break;
	default:
		return -EINVAL;
	}
	if (v > (UINT64_MAX >> shift))
		return -EINVAL;
	*kib = (uint64_t)v << shift;
	return 0;
}

/* "32 MiB" when whole MiB, else "32772 KiB". */
static void
format_size(uint64_t kib, char *buf, size_t len)
{
	if (kib % 1024 == 0)
		snprintf(buf, len, "%llu MiB", (unsigned long long)kib / 1024);
	else
		snprintf(buf, len, "%llu KiB", (unsigned long long)kib);
}

/* mem-max: the new maximum, never below the memory the domain has. */
static int
mem_max_apply(struct xylctl *c, const struct xyl_dominfo *info, uint64_t kib)
{
	char want[32], cur[32];
	int r;

	format_size(kib, want, sizeof(want));
	format_size(info->mem_kib, cur, sizeof(cur));
	if (kib < info->mem_kib) {
		fprintf(stderr,
			"xyl: mem-max: %s: maximum %s is below its current "
			"memory %s (no ballooning: it cannot shrink)\n",
			info->name, want, cur);
		return -EINVAL;
	}
	r = xylctl_domain_set_max_mem(c, info->domid, kib);
	if (r < 0)
		xyl_report(c, "mem-max", r);
	return r;
}

/* mem-set: only the size the domain already has. */
static int
mem_set_apply(const struct xyl_dominfo *info, uint64_t kib)
{
	char cur[32];

	if (kib == info->mem_kib)
		return 0;
	format_size(info->mem_kib, cur, sizeof(cur));
	fprintf(stderr,
		"xyl: mem-set: %s: changing a domain's memory is not "
		"supported (no ballooning yet); it keeps %s\n",
		info->name, cur);
	return -EOPNOTSUPP;
}

static int
mem_verb(struct xyl *x, const char *verb, int argc, char **argv)
{
	struct xyl_dominfo info;
	struct xylctl *c;
	xyl_domid_t domid;
	char *dom_argv[2] = {argv[0], argc > 1 ? argv[1] : NULL};
	bool is_max = strcmp(verb, "mem-max") == 0;
	uint64_t kib;
	int r;

	if (argc != 3 || argv[1][0] == '-') {
		xyl_usage(verb);
		return XYL_EXIT_ERROR;
	}
	if (parse_size_kib(argv[2], &kib) < 0) {
		fprintf(stderr,
			"xyl: %s: invalid size '%s' (MiB, or a number "
			"with b, k, m, g or t)\n",
			verb, argv[2]);
		return XYL_EXIT_ERROR;
	}
	kib &= ~(uint64_t)3; /* whole 4 KiB pages, as Xen counts them */
	if (xyl_one_domain(x, verb, 2, dom_argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	r = domid == 0 ? -EPERM : xylctl_domain_getinfo(c, domid, &info);
	if (r == -EPERM)
		fprintf(stderr,
			"xyl: %s: domain 0 is the host; its memory is "
			"not managed by xyl\n",
			verb);
	else if (r < 0)
		xyl_report(c, verb, r);
	else
		r = is_max ? mem_max_apply(c, &info, kib)
			   : mem_set_apply(&info, kib);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}

int
cmd_mem_set(struct xyl *x, int argc, char **argv)
{
	return mem_verb(x, "mem-set", argc, argv);
}

int
cmd_mem_max(struct xyl *x, int argc, char **argv)
{
	return mem_verb(x, "mem-max", argc, argv);
}
