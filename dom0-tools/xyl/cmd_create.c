/*
 * dom0-tools/xyl/cmd_create.c: `xyl create <cfg> [-c] [-p] [-n] [k=v ...]`.
 * Parses the config (config.c), starts the host services if needed,
 * creates the domain paused, then either follows its console and life
 * cycle itself (-c) or leaves that to a forked monitor, and unpauses it
 * unless -p.
 */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <json.h>

#include "config.h"
#include "dlog.h"
#include "xyl.h"

struct create_opts {
	const char *cfg_path;
	char **overrides;
	int nr_overrides;
	bool console;
	bool paused;
	bool dry_run;
	bool foreground; /* -F: watch here, without the console */
	bool quiet;	 /* -q: no progress messages */
	bool no_monitor; /* -e: nobody carries out on_* */
};

static int
create_parse_args(int argc, char **argv, struct create_opts *o)
{
	static const struct option longopts[] = {
		{"dry-run", no_argument, NULL, 'n'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "cpnf:hFqe", longopts, NULL)) !=
	       -1) {
		switch (c) {
		case 'f':
			o->cfg_path = optarg;
			break;
		case 'c':
			o->console = true;
			break;
		case 'p':
			o->paused = true;
			break;
		case 'n':
			o->dry_run = true;
			break;
		case 'F':
			o->foreground = true;
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'e':
			o->no_monitor = true;
			break;
		default:
			xyl_usage("create");
			return -EINVAL;
		}
	}
	/* As xl: the first argument without '=' is the config file; the
	 * others are extra config lines that override it. */
	if (!o->cfg_path && optind < argc && !strchr(argv[optind], '='))
		o->cfg_path = argv[optind++];
	if (!o->cfg_path) {
		fprintf(stderr, "xyl: create: no config file given\n");
		xyl_usage("create");
		return -EINVAL;
	}
	o->overrides = argv + optind;
	o->nr_overrides = argc - optind;
	return 0;
}

static int
print_dry_run(const struct config *cfg)
{
	struct json_object *j = config_to_json(cfg);

	if (!j)
		return XYL_EXIT_ERROR;
	printf("%s\n",
	       json_object_to_json_string_ext(
		       j, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_SPACED |
				  JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(j);
	return XYL_EXIT_OK;
}

static int
unpause_or_destroy(struct xyl *x, struct xylctl *c, const struct config *cfg,
		   xyl_domid_t domid)
{
	char what[128];
	int r = xylctl_domain_unpause(c, domid);

	if (r < 0) {
		snprintf(what, sizeof(what), "create %s: unpause domid %u",
			 cfg->name, domid);
		xyl_report(c, what, r);
		xylctl_domain_destroy(c, domid);
		lifecycle_release(x, c, domid, cfg->name, NULL);
	}
	return r;
}

/* create without -c: a monitor does the life cycle. */
static int
create_detached(struct xyl *x, struct xylctl *c, const struct config *cfg,
		const struct create_opts *o, xyl_domid_t domid)
{
	struct xylctl *inherited[] = {c, NULL};
	pid_t mpid = 0;
	int r = o->no_monitor ? 0
			      : monitor_spawn(x, inherited, cfg, domid, &mpid);

	if (r < 0) {
		fprintf(stderr,
			"xyl: create %s: could not start its monitor: %s "
			"(domain %u destroyed)\n",
			cfg->name, strerror(-r), domid);
		xylctl_domain_destroy(c, domid);
		lifecycle_release(x, c, domid, cfg->name, NULL);
		return XYL_EXIT_ERROR;
	}
	if (!o->quiet && !o->no_monitor)
		fprintf(stderr,
			"Waiting for domain %s (domid %u) to die [pid %d]\n",
			cfg->name, domid, (int)mpid);
	if (!o->paused && unpause_or_destroy(x, c, cfg, domid) < 0)
		return XYL_EXIT_ERROR;
	return XYL_EXIT_OK;
}

/* Set by SIGINT/SIGTERM/SIGHUP while create -c follows a domain. */
static volatile sig_atomic_t detach_requested;

static void
on_detach_signal(int sig)
{
	(void)sig;
	detach_requested = 1;
}

static void
catch_detach_signals(void)
{
	struct sigaction sa = {.sa_handler = on_detach_signal};

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* A closed stdout (xyl create -c | head) must not kill the domain's
	 * life-cycle handling: the write fails and watching goes on. */
	signal(SIGPIPE, SIG_IGN);
}

/* create -c: follow the console here and do the life cycle ourselves.  On
 * ^C xyl detaches as xl's console does: a monitor takes the domain over. */
static int
create_attached(struct xyl *x, struct xylctl *c, struct xylctl **ev,
		const struct config *cfg, const struct create_opts *o,
		xyl_domid_t domid)
{
	struct lifecycle_hooks hooks = {NULL, NULL, &detach_requested};
	struct xylctl *inherited[] = {c, NULL, NULL};
	struct console_follow *cf = NULL;
	pid_t mpid;
	int code;

	catch_detach_signals();
	/* With xylem-consoled, the console comes through its pty (input
	 * too); without, through the console_io stream. */
	if (o->console)
		cf = console_follow_start(x, domid, &detach_requested);
	if (cf) {
		hooks.on_restart = console_follow_restart;
		hooks.arg = cf;
	}
	if (!o->paused && unpause_or_destroy(x, c, cfg, domid) < 0) {
		console_follow_finish(cf, false);
		return XYL_EXIT_ERROR;
	}
	code = lifecycle_watch(x, c, ev, cfg, &domid, o->console && !cf,
			       &hooks);
	console_follow_finish(cf, code != LIFECYCLE_DETACHED);
	if (code != LIFECYCLE_DETACHED)
		return code;
	inherited[1] = *ev;
	if (monitor_spawn(x, inherited, cfg, domid, &mpid) < 0) {
		fprintf(stderr,
			"\nxyl: %s (domid %u): detached, but no monitor "
			"could start: its on_* actions will not run\n",
			cfg->name, domid);
		return XYL_EXIT_ERROR;
	}
	fprintf(stderr, "\nxyl: detached from %s (domid %u); monitor pid %d\n",
		cfg->name, domid, (int)mpid);
	return XYL_EXIT_OK;
}

static int
create_run(struct xyl *x, const struct config *cfg, const struct create_opts *o)
{
	struct xylctl *c = NULL, *ev = NULL;
	xyl_domid_t domid;
	int r, code = XYL_EXIT_ERROR;

	if (!host_is_up(x) && host_start(x) < 0)
		return XYL_EXIT_ERROR;
	if (xyl_connect(x, "create", &c) < 0)
		return XYL_EXIT_ERROR;
	/* Subscribe before the domain exists: no event of it is missed. */
	if (o->console || o->foreground) {
		r = xylctl_events_open(x->rundir, &ev);
		if (r < 0) {
			xyl_report(c, "create: events", r);
			goto out;
		}
	}
	if (lifecycle_build(x, c, cfg, &domid) < 0)
		goto out;
	log_dom_info(domid, "%s: created (paused)", cfg->name);
	if (o->console || o->foreground)
		code = create_attached(x, c, &ev, cfg, o, domid);
	else
		code = create_detached(x, c, cfg, o, domid);
out:
	if (ev)
		xylctl_close(ev);
	xylctl_close(c);
	return code;
}

int
cmd_create(struct xyl *x, int argc, char **argv)
{
	struct create_opts o = {0};
	struct config cfg;
	int r, code;

	if (create_parse_args(argc, argv, &o) < 0)
		return XYL_EXIT_ERROR;
	if (!o.quiet)
		fprintf(stderr, "Parsing config from %s\n", o.cfg_path);
	r = config_parse(o.cfg_path, o.overrides, o.nr_overrides, stderr, &cfg);
	if (r == -EINVAL)
		fprintf(stderr, "xyl: create: %s: invalid configuration\n",
			o.cfg_path);
	if (r < 0)
		return XYL_EXIT_ERROR;
	code = o.dry_run ? print_dry_run(&cfg) : create_run(x, &cfg, &o);
	config_free(&cfg);
	return code;
}
