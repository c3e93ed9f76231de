/*
 * dom0-tools/xyl/cmd_shutdown.c: `xyl shutdown [-w] <dom>`.  For now a hard
 * shutdown through the hypervisor (SHUTDOWN_poweroff, as
 * xc_domain_shutdown): the guest is not asked.  The polite request through
 * xenstore's control/shutdown comes with xenstored (issue 3).  The
 * domain's monitor then carries out on_poweroff.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>

#include <stdint.h>
#include <xen/sched.h>

#include "xyl.h"

#define SHUTDOWN_POLL_MS 500

/* Until the domain is shut down (1, *reason set) or gone (0); -errno. */
static int
wait_shutdown(struct xylctl *c, struct xylctl *ev, xyl_domid_t domid,
	      uint32_t *reason)
{
	struct xyl_ctl_event e;
	struct xyl_dominfo info;
	int r;

	for (;;) {
		r = xylctl_domain_getinfo(c, domid, &info);
		if (r == -ESRCH)
			return 0;
		if (r < 0)
			return r;
		if (info.state &
		    (XYL_DOMSTATE_SHUTDOWN | XYL_DOMSTATE_CRASHED)) {
			*reason = info.state & XYL_DOMSTATE_CRASHED
					  ? SHUTDOWN_crash
					  : info.shutdown_reason;
			return 1;
		}
		r = xylctl_event_next(ev, &e, SHUTDOWN_POLL_MS);
		if (r < 0 && r != -ETIMEDOUT && r != -EINTR)
			return r;
		if (r == 0 && e.domid == domid &&
		    e.kind == XYL_EVENT_DOMAIN_DESTROYED)
			return 0;
		if (r == 0 && e.domid == domid &&
		    e.kind == XYL_EVENT_DOMAIN_SHUTDOWN) {
			*reason = e.arg;
			return 1;
		}
	}
}

/* xl's words, on stderr as xl prints them. */
static int
wait_and_tell(struct xylctl *c, struct xylctl *ev, xyl_domid_t domid)
{
	uint32_t reason = 0;
	int r;

	fprintf(stderr, "Waiting for 1 domains\n");
	r = wait_shutdown(c, ev, domid, &reason);
	if (r < 0)
		xyl_report(c, "shutdown: waiting", r);
	else if (r == 0)
		fprintf(stderr, "Domain %u has been destroyed\n", domid);
	else
		fprintf(stderr,
			"Domain %u has been shut down, reason code %u\n", domid,
			reason);
	return r < 0 ? r : 0;
}

static int
parse_args(int argc, char **argv, bool *wait)
{
	static const struct option longopts[] = {
		{"wait", no_argument, NULL, 'w'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "wh", longopts, NULL)) != -1) {
		if (c != 'w') {
			xyl_usage("shutdown");
			return -EINVAL;
		}
		*wait = true;
	}
	if (argc - optind != 1) {
		xyl_usage("shutdown");
		return -EINVAL;
	}
	return optind;
}

int
cmd_shutdown(struct xyl *x, int argc, char **argv)
{
	struct xylctl *c = NULL, *ev = NULL;
	char *dom_argv[2] = {argv[0], NULL};
	xyl_domid_t domid;
	bool wait = false;
	int r, i = parse_args(argc, argv, &wait);

	if (i < 0)
		return XYL_EXIT_ERROR;
	dom_argv[1] = argv[i];
	if (xyl_one_domain(x, "shutdown", 2, dom_argv, &c, &domid) < 0)
		return XYL_EXIT_ERROR;
	r = domid == 0 ? -EPERM : 0;
	if (r < 0)
		fprintf(stderr, "xyl: shutdown: domain 0 is the host\n");
	if (r == 0 && wait && (r = xylctl_events_open(x->rundir, &ev)) < 0)
		xyl_report(c, "shutdown: events", r);
	if (r == 0) {
		fprintf(stderr, "Shutting down domain %u\n", domid);
		r = xylctl_domain_shutdown(c, domid, SHUTDOWN_poweroff);
		if (r < 0)
			xyl_report(c, "shutdown", r);
	}
	if (r == 0 && wait)
		r = wait_and_tell(c, ev, domid);
	if (ev)
		xylctl_close(ev);
	xylctl_close(c);
	return r < 0 ? XYL_EXIT_ERROR : XYL_EXIT_OK;
}
