/*
 * dom0-tools/xyl/cmd_info.c: `xyl info`: the host in `xl info`'s format
 * ("key" padded to 23 columns, ": value"), from uname, /proc and
 * xylctl_host_info.  Keys xl prints that mean nothing here get xl's
 * neutral values; xylem's own keys come last, before xend_config_format.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "xyl.h"

static void __attribute__((format(printf, 2, 3)))
field(const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%-23s: ", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

/* cpu MHz of the first CPU in /proc/cpuinfo, 0 if unknown. */
static unsigned int
cpu_mhz(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[256];
	double mhz = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "cpu MHz : %lf", &mhz) == 1)
			break;
	fclose(f);
	return (unsigned int)mhz;
}

static void
print_host(const struct xyl_ctl_host_info_reply *h)
{
	struct utsname u;

	uname(&u);
	field("host", "%s", u.nodename);
	field("release", "%s", u.release);
	field("version", "%s", u.version);
	field("machine", "%s", u.machine);
	field("nr_cpus", "%u", h->nr_cpus);
	field("max_cpu_id", "%u", h->nr_cpus ? h->nr_cpus - 1 : 0);
	field("nr_nodes", "%u", 1);
	field("cores_per_socket", "%u", h->nr_cpus);
	field("threads_per_core", "%u", 1);
	field("cpu_mhz", "%u", cpu_mhz());
	field("hw_caps", "%s", "-");
	field("virt_caps", "pvh kvm-%s", h->kvm_flavour);
	field("total_memory", "%llu", (unsigned long long)h->total_kib / 1024);
	field("free_memory", "%llu", (unsigned long long)h->free_kib / 1024);
	field("sharing_freed_memory", "%u", 0);
	field("sharing_used_memory", "%u", 0);
	field("outstanding_claims", "%u", 0);
	field("free_cpus", "%u", 0);
}

static void
print_hypervisor(const struct xyl_ctl_host_info_reply *h)
{
	field("xen_major", "%u", h->xen_major);
	field("xen_minor", "%u", h->xen_minor);
	field("xen_extra", "%s", "-xylem");
	field("xen_version", "%u.%u-xylem", h->xen_major, h->xen_minor);
	field("xen_caps", "%s", "hvm-3.0-x86_64");
	field("xen_scheduler", "%s", "credit");
	field("xen_pagesize", "%ld", sysconf(_SC_PAGESIZE));
	field("platform_params", "%s", "virt_start=0x0");
	field("xen_changeset", "%s", h->hv_version);
	field("xen_commandline", "%s", "");
	field("cc_compiler", "%s", __VERSION__);
	field("cc_compile_by", "%s", "xylem");
	field("cc_compile_domain", "%s", "");
	field("cc_compile_date", "%s", __DATE__);
	field("build_id", "%s", "");
	field("xylem_version", "%s", h->hv_version);
	field("kvm_flavour", "%s", h->kvm_flavour);
	field("tsc_khz", "%llu", (unsigned long long)h->tsc_khz);
	field("nr_domains", "%u", h->nr_domains);
	field("guest_memory", "%llu", (unsigned long long)h->guest_kib / 1024);
	field("xend_config_format", "%d", 4);
}

int
cmd_info(struct xyl *x, int argc, char **argv)
{
	struct xyl_ctl_host_info_reply h;
	struct xylctl *c;
	int r;

	(void)argv;
	if (argc > 1) {
		xyl_usage("info");
		return XYL_EXIT_ERROR;
	}
	if (xyl_connect(x, "info", &c) < 0)
		return XYL_EXIT_ERROR;
	r = xylctl_host_info(c, &h);
	if (r < 0) {
		xyl_report(c, "info", r);
	} else {
		h.hv_version[sizeof(h.hv_version) - 1] = '\0';
		h.kvm_flavour[sizeof(h.kvm_flavour) - 1] = '\0';
		print_host(&h);
		print_hypervisor(&h);
	}
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
