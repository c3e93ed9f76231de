/*
 * dom0-tools/xyl/main.c: the xyl command line.  Parses the global options
 * (-v, -h), sets up the program context and hands the rest of the command
 * line to one cmd_<verb>() function.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlog.h"
#include "xyl.h"

struct verb {
	const char *name;
	int (*fn)(struct xyl *x, int argc, char **argv);
	const char *usage;
	const char *summary;
};

static const struct verb verbs[] = {
	{"create", cmd_create,
	 "<ConfigFile>|-f <ConfigFile> [-c] [-p] [-F] [-e] [-q] "
	 "[-n|--dry-run] [key=value ...]",
	 "Create a domain from an xl.cfg-style config file"},
	{"list", cmd_list, "[-l|--long] [--json] [Domain ...]",
	 "List domains (xl list columns; --json for machines)"},
	{"destroy", cmd_destroy, "<Domain>", "Terminate a domain at once"},
	{"shutdown", cmd_shutdown, "[-a|--all] [-w|--wait] <-a|Domain>",
	 "Ask a domain to power off (control/shutdown)"},
	{"pause", cmd_pause, "<Domain>", "Pause a domain"},
	{"unpause", cmd_unpause, "<Domain>", "Unpause a paused domain"},
	{"dmesg", cmd_dmesg, "[-c]",
	 "Print (and with -c clear) the "
	 "hypervisor log"},
	{"info", cmd_info, "", "Print information about the host"},
	{"host", cmd_host, "start|stop|status",
	 "Start, stop or check the host services (xylem-hv)"},
	{"help", cmd_help, "[verb]", "Print help"},
	{"events", cmd_events, "[--json] [--history]",
	 "Stream life-cycle and device events (for orchestrators)"},
	{"domid", cmd_domid, "<DomainName>", "Print a domain's id"},
	{"domname", cmd_domname, "<DomainId>", "Print a domain's name"},
	{"uptime", cmd_uptime, "[-s] [Domain ...]", "Print domains' uptime"},
	{"top", cmd_top,
	 "[-b|--batch] [-x|--vbds] [-n|--networks] [-i|--iterations N] "
	 "[-d|--delay SEC]",
	 "Monitor domains: CPU, memory, net and block I/O, notifications, "
	 "latency"},
	{"profile", cmd_profile, "[--json] <Domain> [vdev|DevId|vifN]",
	 "Show the shared-timer I/O latency profile of vbds and vifs"},
	{"mem-set", cmd_mem_set, "<Domain> <MemMB['b'|'k'|'m'|'g'|'t']>",
	 "Set a domain's memory (fixed at create: no ballooning yet)"},
	{"mem-max", cmd_mem_max, "<Domain> <MemMB['b'|'k'|'m'|'g'|'t']>",
	 "Set a domain's maximum memory (not below its current memory)"},
	{"network-attach", cmd_network_attach, "<Domain> <vif-spec>...",
	 "Attach a network device (xl vif spec; served by xylem-netback)"},
	{"network-detach", cmd_network_detach, "<Domain> <DevId|mac>",
	 "Detach a network device"},
	{"network-list", cmd_network_list, "<Domain(s)>",
	 "List a domain's network devices"},
	{"rename", cmd_rename, "<Domain> <NewDomainName>", "Rename a domain"},
	{"svi", cmd_svi, "create|list|extract|verify <volume> ...",
	 "Make, list, extract and verify single-volume images"},
	{"console", cmd_console, "<Domain>",
	 "Attach to a domain's console (xylem-consoled; ^] detaches)"},
	{"reboot", cmd_reboot, "[-a|--all] [-w|--wait] <-a|Domain>",
	 "Ask a domain to reboot (control/shutdown)"},
	{"sched-credit", cmd_sched_credit,
	 "[-d <Domain> [-w <Weight>] [-c <Cap>]]",
	 "Show or set credit scheduler weight and cap"},
	{"vcpu-list", cmd_vcpu_list, "[Domain ...]",
	 "List vCPUs: host CPU, state, time, affinity"},
	{"vcpu-pin", cmd_vcpu_pin, "<Domain> <VCPU|all> <CPUs|all> [-]",
	 "Set the hard affinity of vCPUs"},
	{"vcpu-set", cmd_vcpu_set, "<Domain> <vCPUs>",
	 "Set the number of online vCPUs"},
	{"block-attach", cmd_block_attach,
	 "<Domain> <disk-spec-component(s)>...",
	 "Attach a block device (xl disk spec; served by xylem-blkback)"},
	{"block-detach", cmd_block_detach, "[-f] <Domain> <vdev|DevId>",
	 "Detach a block device"},
	{"block-list", cmd_block_list, "[-l] <Domain(s)>",
	 "List block devices (-l: xylem-blkback's counters)"},
};

#define NR_VERBS (sizeof(verbs) / sizeof(verbs[0]))

static const struct verb *
verb_find(const char *name)
{
	size_t i;

	for (i = 0; i < NR_VERBS; i++)
		if (strcmp(verbs[i].name, name) == 0)
			return &verbs[i];
	return NULL;
}

void
xyl_usage(const char *name)
{
	const struct verb *v = verb_find(name);

	if (v)
		fprintf(stderr, "usage: xyl %s %s\n", v->name, v->usage);
}

static void
usage_all(FILE *f)
{
	size_t i;

	fprintf(f, "usage: xyl [-v] <verb> [args]\n\n"
		   "Verbs:\n");
	for (i = 0; i < NR_VERBS; i++)
		fprintf(f, " %-12s %s\n", verbs[i].name, verbs[i].summary);
	fprintf(f, "\n-v raises the log level (repeat for debug). "
		   "XYLEM_RUNDIR selects the host (default /run/xylem).\n");
}

int
cmd_help(struct xyl *x, int argc, char **argv)
{
	const struct verb *v;

	(void)x;
	if (argc < 2) {
		usage_all(stdout);
		return XYL_EXIT_OK;
	}
	v = verb_find(argv[1]);
	if (!v) {
		fprintf(stderr, "xyl: help: unknown verb '%s'\n", argv[1]);
		return XYL_EXIT_ERROR;
	}
	printf("usage: xyl %s %s\n\n%s.\nSee xyl(1).\n", v->name, v->usage,
	       v->summary);
	return XYL_EXIT_OK;
}

int
main(int argc, char **argv)
{
	struct xyl x = {0};
	const struct verb *v;
	char prog[32];
	int i = 1;

	log_init("xyl");
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-v") == 0) {
			x.verbose++;
			log_raise_level();
		} else if (strcmp(argv[i], "-h") == 0 ||
			   strcmp(argv[i], "--help") == 0) {
			usage_all(stdout);
			return XYL_EXIT_OK;
		} else {
			fprintf(stderr, "xyl: unknown option '%s'\n", argv[i]);
			usage_all(stderr);
			return XYL_EXIT_ERROR;
		}
	}
	if (i >= argc) {
		usage_all(stderr);
		return XYL_EXIT_ERROR;
	}
	v = verb_find(argv[i]);
	if (!v) {
		fprintf(stderr, "xyl: unknown verb '%s' (try xyl help)\n",
			argv[i]);
		return XYL_EXIT_ERROR;
	}
	x.rundir = xylctl_default_rundir();
	/* getopt's own messages then read "xyl create: ...". */
	snprintf(prog, sizeof(prog), "xyl %s", v->name);
	argv[i] = prog;
	return v->fn(&x, argc - i, argv + i);
}
